"""The character-set rule of Ｎ items (CHARACTER_NOT_IN_STANDARD): only characters of JIS X 0213 and MJ, or those
the municipality's decisions allow. Validation fails a value outside; the converter never quarantines by it."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import duckdb
import pytest

from converters import load_mapping, run_conversion
from converters.guard import PublishGuard
from fitgap.pipeline import read_allowed_characters, validate_database
from fitgap.sample import LAYOUT, rows
from spec_catalog import load_embedded
from spec_catalog.base import FitgapError
from spec_catalog.database import connect_read_only, quote, read_quarantine
from spec_catalog.mj import CharClass, classify
from spec_catalog.models import Catalog
from spec_catalog.rules import DataRule, RuleKind, group_rules, outside_standard_class, standard_code_points
from validation import ValidationReport, plan_suite, validate

from conftest import ROOT, CliResult

TABLE = "001_住民"
RULE = f"{TABLE}.shimei.charset"
WIDTH_RULE = f"{TABLE}.shimei.full_width"
EMOJI = "\U0001f600"  # 😀
PUA = "\ue0ff"  # a 外字 no table maps
# The value of 氏名 on each line: every one passes the rule but the emoji and the private-use character.
NAMES = {
    2: "山田\u3000太郎",
    3: "\ufa11",  # 﨑 (MJ030196), a compatibility ideograph in JIS X 0213
    4: "\U00020bb7",  # 𠮷: MJ, outside JIS X 0213
    5: "葛\U000e0102",  # 葛󠄂: an MJ IVS
    6: "①",  # JIS X 0213 (not JIS X 0208)
    7: "ｱ",  # half-width: the width rule's
    8: f"花{EMOJI}",
    9: f"{PUA}子",
}
LINEAGE = "_source_file VARCHAR, _source_line BIGINT, _run_id VARCHAR, _mapping VARCHAR"


@cache
def _catalog() -> Catalog:
    return load_embedded()


def _rule(item: str = "shimei") -> DataRule:
    spec = _catalog().business("001")
    group = spec.group("住民")
    assert group is not None
    (rule,) = [r for r in group_rules(spec, group).for_item(item) if r.kind is RuleKind.CHARSET]
    return rule


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 住民 table with one row per name (every other column empty), as a conversion would have left it."""
    db = tmp_path_factory.mktemp("charset") / "loaded.duckdb"
    spec = _catalog().business("001")
    group = spec.group("住民")
    assert group is not None
    columns = [i.romanized for i in group.items]
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE {quote(TABLE)} ({', '.join(f'{quote(c)} VARCHAR' for c in columns)}, {LINEAGE})")
        for line, name in NAMES.items():
            con.execute(
                f"INSERT INTO {quote(TABLE)} (shimei, _source_file, _source_line, _run_id, _mapping) "
                "VALUES (?, 'names.csv', ?, 'run', 'm')",
                [name, line],
            )
    return db


def _validate(db: Path, allowed: frozenset[str] = frozenset()) -> ValidationReport:
    spec = _catalog().business("001")
    group = spec.group("住民")
    assert group is not None
    return validate(db, [plan_suite(spec, group, _catalog().name)], _catalog(), allowed=allowed)


def _result(report: ValidationReport, rule_id: str) -> tuple[str, str | None, int | None, list[int | None]]:
    (table,) = report.tables
    (result,) = [r for r in table.rules if r.rule_id == rule_id]
    code = result.code.value if result.code else None
    return result.status, code, result.unexpected_count, [f.source_line for f in result.failing_rows]


def test_validation_fails_exactly_the_emoji_and_the_private_use_character(loaded: Path) -> None:
    report = _validate(loaded)
    # "failed", not "error": GX's count (the same SQL, sent as an unexpected-rows expectation) equals SQL's
    assert _result(report, RULE) == ("failed", "CHARACTER_NOT_IN_STANDARD", 2, [8, 9])
    assert _result(report, WIDTH_RULE) == ("failed", "WIDTH_NOT_FULL", 1, [7])
    (table,) = report.tables
    (result,) = [r for r in table.rules if r.rule_id == RULE]
    assert (result.severity, result.counts_as_error, report.allowed_characters) == ("error", True, 0)
    assert [f.values for f in result.failing_rows] == [{"shimei": "花＊"}, {"shimei": f"{PUA}＊"}]  # masked


def test_an_allowed_character_passes(loaded: Path) -> None:
    report = _validate(loaded, frozenset({PUA}))
    assert _result(report, RULE) == ("failed", "CHARACTER_NOT_IN_STANDARD", 1, [8])
    assert report.allowed_characters == 1


@pytest.mark.parametrize(
    ("value", "fails"),
    [
        *[(name, line in (8, 9)) for line, name in NAMES.items()],
        (None, False),
        ("髙橋\u3000㈱", False),  # 髙: MJ; ㈱: JIS X 0213
        ("森\tA", True),  # a control character is no character of the set
        ("\U00020002", True),  # CJK extension B, not in MJ
        ("东", True),  # U+4E1C, a simplified form: unified, yet not in MJ
        ("葛\U000e01ef", False),  # an IVS MJ lacks: the rule lets every selector pass (moji scan classes it)
    ],
    ids=[
        *(f"line-{line}" for line in NAMES),
        "null",
        "taka-kabu",
        "tab",
        "ext-b-not-in-mj",
        "simplified",
        "unknown-ivs",
    ],
)
def test_the_rule_sql_on_one_value(value: str | None, fails: bool) -> None:
    verdict = duckdb.connect().execute(f"SELECT {_rule().sql(lambda _: 'v')} FROM (SELECT ?::VARCHAR AS v)", [value])
    assert verdict.fetchone() == (fails,)


def test_the_set_is_what_moji_classes_inside_and_the_regex_says_the_same() -> None:
    outside = {CharClass.NOT_IN_MJ, CharClass.PUA_MAPPED, CharClass.PUA_UNMAPPED}
    selectors = {*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
    codes = [c for c in range(0x20, 0x40000) if not 0xD800 <= c <= 0xDFFF and c not in selectors]
    inside = standard_code_points()
    # DEL is BASIC to moji (ASCII); like the control characters below U+0020 it is no character of the set
    assert [c for c in codes if (c in inside) != (classify(chr(c)) not in outside)] == [0x7F]
    assert inside - set(codes) == selectors
    failing = duckdb.connect().execute(
        "SELECT list(c ORDER BY c) FROM (SELECT unnest(?) AS c) WHERE regexp_matches(chr(c), ?)",
        [[*range(0x10), *codes, *sorted(selectors), 0xE01F0, 0x10FFFD], outside_standard_class()],
    )
    assert failing.fetchone() == ([*range(0x10), *(c for c in codes if c not in inside), 0xE01F0, 0x10FFFD],)


def test_allowed_characters_widen_the_class() -> None:
    spec = _catalog().business("001")
    group = spec.group("住民")
    assert group is not None
    (rule,) = [
        r for r in group_rules(spec, group, allowed=frozenset({PUA})).for_item("shimei") if r.kind is RuleKind.CHARSET
    ]
    verdicts = duckdb.connect().execute(
        f"SELECT {rule.sql(lambda _: 'v')} FROM (SELECT unnest(?) AS v)", [[PUA, EMOJI]]
    )
    assert verdicts.fetchall() == [(False,), (True,)]


def test_the_converter_does_not_quarantine_by_it(tmp_path: Path) -> None:
    folder = tmp_path / "residents"
    shutil.copytree(ROOT / "examples" / "residents", folder)
    records = [r for n, r in enumerate(rows(len(NAMES) + 1), start=1) if n != 7]  # the sample's 7th has a bad date
    for record, name in zip(records, NAMES.values(), strict=True):
        record["氏名"] = name
    with (folder / "residents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([name for name, _ in LAYOUT])
        writer.writerows([r[name] for name, _ in LAYOUT] for r in records)
    mapping = folder / "mapping-csv.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("cp932", "utf-8"), encoding="utf-8")
    db = folder / "t.duckdb"
    result = run_conversion(load_mapping(mapping, _catalog()), db, guard=PublishGuard(accept_quarantine=True))
    assert result.reconciled
    con = connect_read_only(db)
    try:
        # the unmapped 外字 is the 外字 step's (GAIJI_UNMAPPED); the emoji loads
        quarantined = [(q.line, q.item, q.reason) for q in read_quarantine(con)]
        assert [q for q in quarantined if q[1] == "shimei"] == [(9, "shimei", "GAIJI_UNMAPPED")]
        assert "CHARACTER_NOT_IN_STANDARD" not in {q[2] for q in quarantined}
        loaded = dict(con.execute(f"SELECT _source_line, shimei FROM {quote(TABLE)}").fetchall())
    finally:
        con.close()
    assert loaded[8] == f"花{EMOJI}" and loaded[7] == "ア"  # ｱ made full width by the conversion
    decisions = tmp_path / "gaiji-decisions.csv"
    decisions.write_text(
        "文字,コードポイント,分類,決定,MJ番号,決定文字,決定コードポイント,反映,判断者,判断日,理由,ワークブック,sha256\r\n"
        f"{EMOJI},U+1F600,MJにない文字,そのまま,,{EMOJI},U+1F600,そのまま,山田,2025-04-01,,moji.xlsx,x\r\n",
        encoding="utf-8-sig",
    )
    report = validate_database(db, _catalog(), allowed_characters=decisions)
    assert _result(report, RULE) == ("passed", None, 0, [])


HEADER = "文字,コードポイント,分類,決定,MJ番号,決定文字,決定コードポイント,反映,判断者,判断日,理由,ワークブック,sha256"


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        (
            f"{HEADER}\r\n"
            f"{PUA},U+E0FF,外字（私用領域・外字表なし）,そのまま,,,,そのまま,山田,2025-04-01,,m.xlsx,x\r\n"
            "\ue000,U+E000,外字（私用領域・外字表あり）,MJ030196,MJ030196,﨑,U+FA11,外字表,山田,2025-04-01,,m.xlsx,x\r\n"
            "葛\U000e0102,U+845B U+E0102,MJ文字（IVSが必要）,そのまま,,,,そのまま,山田,2025-04-01,,m.xlsx,x\r\n"
            "\U00020bb7,U+20BB7,MJ文字,,,,,未決定,,,決定がありません,m.xlsx,x\r\n",
            {PUA, "葛\U000e0102"},
        ),
        (f"# 団体が認めた文字\n{PUA} {EMOJI}\n葛\U000e0102\u3000\n", {PUA, EMOJI, "葛\U000e0102"}),
        ("", set()),
    ],
    ids=["decision-record", "text-file", "empty"],
)
def test_allowed_characters_are_read_from_the_decisions_or_a_text_file(
    text: str, allowed: set[str], tmp_path: Path
) -> None:
    path = tmp_path / "allowed.csv"
    path.write_text(text, encoding="utf-8-sig" if text.startswith("文字") else "utf-8")
    assert read_allowed_characters(path) == allowed


def test_a_decision_record_with_a_bad_code_point_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gaiji-decisions.csv"
    path.write_text(f"{HEADER}\n{PUA},E0FF,x,そのまま,,,,そのまま,,,,m.xlsx,x\n", encoding="utf-8")
    with pytest.raises(FitgapError) as caught:
        read_allowed_characters(path)
    assert caught.value.message == "2 行目: コードポイントの列が U+XXXX の形ではありません"


def test_the_cli_takes_the_option(loaded: Path, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    db = tmp_path / "cli.duckdb"
    shutil.copy(loaded, db)
    allowed = tmp_path / "allowed.txt"
    allowed.write_text(f"{PUA}{EMOJI}\n", encoding="utf-8")
    out = cli("validate", "run", "--db", db, "--json", "--allowed-characters", allowed)
    assert out.exit_code == 1, out.stderr  # the width rule and the empty 必須 items still fail
    report = json.loads(out.stdout)
    (table,) = report["tables"]
    (rule,) = [r for r in table["rules"] if r["rule_id"] == RULE]
    assert (rule["status"], rule["unexpected_count"], report["allowed_characters"]) == ("passed", 0, 2)


def test_the_cli_refuses_a_missing_file(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    out = cli("validate", "run", "--db", tmp_path / "x.duckdb", "--allowed-characters", tmp_path / "no.txt")
    assert (out.exit_code, out.stdout) == (2, "")
    assert "no.txt: 許容する文字のファイルが見つかりません" in out.stderr


def test_the_mj_data_loads_only_for_a_rule_of_an_n_item() -> None:
    script = (
        "from fitgap.cli import main\n"
        "import spec_catalog.mj as m, spec_catalog.rules as r\n"
        "try:\n    main(['validate', 'run', '--help'])\nexcept SystemExit:\n    pass\n"
        "from spec_catalog import load_embedded\n"
        "from spec_catalog.vocab import DataType\n"
        "spec = load_embedded().business('001'); group = spec.group('住民')\n"
        "narrow = group.model_copy(update={'items': tuple(i for i in group.items if i.type is not DataType.FULL_WIDTH)})\n"
        "r.group_rules(spec, narrow)\n"
        "print(m._table.cache_info().currsize, r.standard_code_points.cache_info().currsize)\n"
        "r.group_rules(spec, group)\n"
        "print(m._table.cache_info().currsize, r.standard_code_points.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split()[-4:] == ["0", "0", "1", "1"]


def test_the_report_names_the_allowed_characters_file(loaded: Path, tmp_path: Path) -> None:
    from validation.report import input_facts

    allowed = tmp_path / "gaiji-decisions.csv"
    allowed.write_text(f"{PUA}{EMOJI}\n", encoding="utf-8")
    report = validate_database(loaded, _catalog(), allowed_characters=allowed)
    assert (report.allowed_characters, report.allowed_characters_file) == (2, str(allowed))
    facts = dict(input_facts(report))
    assert facts["許容する文字"] == "gaiji-decisions.csv（2 字）"
    assert dict(input_facts(_validate(loaded)))["許容する文字"] == "なし"
    assert dict(input_facts(_validate(loaded, frozenset({PUA}))))["許容する文字"] == "1 字"
    assert dict(input_facts(report, "en"))["Allowed characters"] == "gaiji-decisions.csv (2 characters)"


def test_the_project_setting_allows_its_characters_without_the_option(
    loaded: Path, tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    settings = root / "fitgap.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "moji:\n  allowed: decisions.csv\n", encoding="utf-8")
    (root / "decisions.csv").write_text(f"{PUA}{EMOJI}\n", encoding="utf-8")
    db = root / "cli.duckdb"
    shutil.copy(loaded, db)
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    try:
        out = cli("validate", "run", "--db", db, "--json")
        shown = cli("validate", "run", "--db", db)
        given = cli("validate", "run", "--db", db, "--json", "--allowed-characters", root / "none.txt")
    finally:
        defaults.project.cache_clear()
    assert out.exit_code == 1, out.stderr  # the width rule and the empty 必須 items still fail
    report = json.loads(out.stdout)
    (table,) = report["tables"]
    (rule,) = [r for r in table["rules"] if r["rule_id"] == RULE]
    assert (rule["status"], report["allowed_characters"]) == ("passed", 2)
    assert report["allowed_characters_file"] == str(root / "decisions.csv")
    assert f"許容する文字: 2 字（{root / 'decisions.csv'}）" in shown.stdout
    assert (given.exit_code, "none.txt: 許容する文字のファイルが見つかりません" in given.stderr) == (2, True)
