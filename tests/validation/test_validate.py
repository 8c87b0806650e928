"""Validation on a table with a known defect of every rule type: exact counts, every failing row, GX = SQL."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb
import pytest

from reports.masking import mask
from spec_catalog import load_embedded
from spec_catalog.database import RunRecord, RunStatus, ensure_schema, start_run, update_run
from spec_catalog.vocab import Sensitivity

from conftest import CliResult

Cli = Callable[..., CliResult]
GROUP = load_embedded().business("001").group("住民")
COLUMNS = [i.romanized for i in GROUP.items]  # type: ignore[union-attr]

BASE = {
    "atenabango": "000000000000001",
    "setaibango": "000000000000001",
    "juminhyokodo": "12345678901",
    "kojinbango": "123456789018",
    "shimei": "森　花子",
    "shimei_yomigana": "モリ　ハナコ",
    "shimeimiteikubun": "0",
    "seinengappi": "1985-04-01",
    "seinengappi_fushohyoki": None,
    "seibetsu": "2",
    "zokugara": "01",
    "juminkubun": "1",
    "jusho_shikuchosonkodo": "013455",
    "jusho_choazakodo": "0001001",
    "jusho_yubinbango": "0492311",
    "jusho_todofuken": "北海道",
    "jusho_shikugunchosonmei": "茅部郡森町",
    "jusho_choaza": "御幸町",
    "jusho_banchigohyoki": "１４４番地",
    "jusho_katagaki": None,
    "juminnonattanengappi": "1985-04-01",
    "juminnonattanengappi_fushohyoki": None,
    "idojiyu": "02",
    "idonengappi": "1985-04-01",
    "shojonengappi": None,
    "sosashaid": "OP0001",
    "sosanengappi": "2024-04-01",
    "sosajikoku": "09:30",
}
# (row number, changes, the rule it breaks)
DEFECTS = [
    (2, {"sosashaid": None}, "sosashaid.required"),
    (3, {"juminhyokodo": "123456789012"}, "juminhyokodo.length"),
    (4, {"juminhyokodo": "１２３４５６７８９０１"}, "juminhyokodo.half_width"),
    (5, {"shimei": "森　Hanako"}, "shimei.full_width"),
    (6, {"seinengappi": "1985/04/01"}, "seinengappi.format"),
    (7, {"sosajikoku": "25:00"}, "sosajikoku.format"),
    (8, {"idonengappi": "2023-02-30"}, "idonengappi.calendar"),
    (9, {"shojonengappi": "2999-01-01"}, "shojonengappi.future_date"),
    (10, {"seibetsu": "9"}, "seibetsu.code_list"),
    (11, {"kojinbango": "123456789012"}, "kojinbango.check_digit"),
    (12, {"jusho_shikuchosonkodo": "013456"}, "jusho_shikuchosonkodo.check_digit"),
    (13, {"shimei": None}, "shimei.conditional"),
    (14, {"seinengappi": None}, "seinengappi_fushohyoki.conditional"),
    (15, {"setaibango": "000000000009999"}, "setaibango.foreign_key"),
    (16, {"seinengappi": "2025-01-01"}, "sosanengappi.not_before_birth"),
]
DUPLICATES = (17, 18)  # the same 宛名番号 twice


def _row(number: int, **changes: object) -> list[object]:
    values = {**BASE, "atenabango": f"{number:015d}", **changes}
    return [values[c] for c in COLUMNS] + ["legacy.csv", number, "run-1", "m"]


def build(db: Path, reconciled: bool | None = True, status: str | None = None) -> None:
    with duckdb.connect(str(db)) as con:
        columns = ", ".join(f'"{c}" VARCHAR' for c in COLUMNS)
        con.execute(
            f'CREATE TABLE "001_住民" ({columns}, _source_file VARCHAR, _source_line BIGINT, '
            "_run_id VARCHAR, _mapping VARCHAR)"
        )
        rows = [_row(1)] + [_row(n, **c) for n, c, _ in DEFECTS]
        rows += [_row(n, atenabango="000000000000099") for n in DUPLICATES]
        placeholders = ", ".join("?" for _ in rows[0])
        con.executemany(f'INSERT INTO "001_住民" VALUES ({placeholders})', rows)
        con.execute(
            'CREATE TABLE "001_世帯" (setaibango VARCHAR, setainushi_atenabango VARCHAR, '
            "setainushi_shimei VARCHAR, jusho_shikuchosonkodo VARCHAR, sosanengappi VARCHAR, "
            "_source_file VARCHAR, _source_line BIGINT, _run_id VARCHAR, _mapping VARCHAR)"
        )
        con.execute(
            "INSERT INTO \"001_世帯\" VALUES ('000000000000001', '000000000000001', '森　花子', '013455', "
            "'2024-04-01', 'h.csv', 1, 'run-2', 'h')"
        )
        ensure_schema(con)
        start_run(con, RunRecord(run_id="run-1", mapping="m", target_table="001_住民", status=RunStatus.RUNNING))
        start_run(con, RunRecord(run_id="run-2", mapping="h", target_table="001_世帯", status=RunStatus.RUNNING))
        update_run(con, "run-1", status=status or ("succeeded" if reconciled else "rejected"), reconciled=reconciled)
        update_run(con, "run-2", status=RunStatus.SUCCEEDED, reconciled=True)


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("v") / "defects.duckdb"
    build(db)
    return db


@pytest.fixture(scope="module")
def report(defects: Path) -> dict[str, object]:
    from validation.runner import suites_for, validate

    catalog = load_embedded()
    return json.loads(validate(defects, suites_for(defects, catalog), catalog).model_dump_json())


def _rules(report: dict[str, object], table: str = "001_住民") -> dict[str, dict[str, object]]:
    (found,) = [t for t in report["tables"] if t["table"] == table]  # type: ignore[union-attr,index]
    return {r["rule_id"].removeprefix(f"{table}."): r for r in found["rules"]}


def test_every_defect_is_found_with_exact_counts(report: dict[str, object]) -> None:
    rules = _rules(report)
    expected = {rule: 1 for _, _, rule in DEFECTS}
    expected["atenabango.primary_key"] = 2
    # Born in 2025 is also after the day the person moved in and became a resident.
    expected["idonengappi.not_before_birth"] = 1
    expected["juminnonattanengappi.not_before_birth"] = 1
    failing = {rule_id: r["unexpected_count"] for rule_id, r in rules.items() if r["status"] == "failed"}
    assert failing == expected
    assert not [r for r in rules.values() if r["status"] == "error"]  # GX and plain SQL agree on every rule


def test_every_failing_row_is_listed_with_its_key(report: dict[str, object]) -> None:
    rules = _rules(report)
    for number, _, rule in DEFECTS:
        (row,) = rules[rule]["failing_rows"]  # type: ignore[misc]
        # 宛名番号 identifies a person: the key is masked by its item's flag (the source line finds the row)
        assert row["source_line"] == number
        assert row["key"] == {"atenabango": mask(f"{number:015d}", Sensitivity.PERSONAL)}
    lines = [r["source_line"] for r in rules["atenabango.primary_key"]["failing_rows"]]  # type: ignore[index]
    assert lines == list(DUPLICATES)


def test_failing_rows_are_masked(report: dict[str, object]) -> None:
    rules = _rules(report)
    (row,) = rules["kojinbango.check_digit"]["failing_rows"]  # type: ignore[misc]
    assert row["values"] == {"kojinbango": "********9012"}
    (row,) = rules["shimei.full_width"]["failing_rows"]  # type: ignore[misc]
    assert row["values"]["shimei"] == "森＊＊＊＊＊＊＊"


def test_severity_decides_the_verdict(report: dict[str, object]) -> None:
    assert report["passed"] is False
    assert report["warnings_failed"] == 1  # the future date
    # every defect but the future date, the repeated key, and the two other dates before the birth date of row 16
    assert report["errors_failed"] == len(DEFECTS) - 1 + 1 + 2


def test_manual_checks_are_listed(report: dict[str, object]) -> None:
    (table,) = [t for t in report["tables"] if t["table"] == "001_住民"]  # type: ignore[union-attr]
    assert {m["item"] for m in table["manual_checks"]} == {"jusho_choaza", "jusho_banchigohyoki", "jusho_katagaki"}


def test_the_report_lists_failures_first_in_the_glossary_words(report: dict[str, object]) -> None:
    from validation import ValidationReport, validation_document

    result = ValidationReport.model_validate(report)
    document = validation_document(result)
    rules, failing = document.tables[1:3]
    assert (rules.sheet, failing.sheet) == ("ルール", "チェックエラー行")
    assert rules.filterable and failing.filterable
    assert [c.header for c in rules.columns][3:6] == ["重要度", "結果", "チェックエラー行数"]
    outcomes = [row[4] for row in rules.rows]
    failed = result.errors_failed + result.warnings_failed  # no conversion record fails here
    # Errors first, the most failing rows first (the repeated key: 2), then the warning, then the rest.
    assert outcomes[:failed] == ["エラーあり"] * (failed - 1) + ["警告あり"]
    assert set(outcomes[failed:]) == {"問題なし"}
    assert rules.rows[0][1:6] == ("001_住民.atenabango.primary_key", "KEY_DUPLICATE", "エラー", "エラーあり", 2)
    assert [row[1] for row in failing.rows[:2]] == ["001_住民.atenabango.primary_key"] * 2
    assert {row[3] for row in failing.rows[:-1]} == {"エラー"} and failing.rows[-1][3] == "警告"
    facts = dict(document.facts)
    assert (facts["結果"], facts["チェックエラー行"]) == ("エラーあり", len(failing.rows))
    check_digit = next(row for row in rules.rows if row[1] == "001_住民.kojinbango.check_digit")
    assert check_digit[6] == "個人番号: 個人番号（12桁・検査数字）"
    english = validation_document(result, "en")
    assert (english.lang, english.tables[2].sheet, dict(english.facts)["Result"]) == ("en", "Failing rows", "failed")
    check_digit = next(row for row in english.tables[1].rows if row[1] == "001_住民.kojinbango.check_digit")
    assert check_digit[3:7] == ("error", "failed", 1, "個人番号: 個人番号 (12 digits, modulus-11 check digit)")


def test_cli_outputs_and_exit_code(cli: Cli, defects: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli(
        "validate",
        "run",
        "--db",
        defects,
        "--junit",
        out / "v.xml",
        "--xlsx",
        out / "v.xlsx",
        "--html",
        out / "v.html",
        "--json-file",
        out / "v.json",
    )
    assert result.exit_code == 1
    root = ET.parse(out / "v.xml").getroot()
    assert root.tag == "testsuites" and {s.get("name") for s in root.iter("testsuite")} == {"001_住民", "001_世帯"}
    failures = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert "001_住民.kojinbango.check_digit" in failures and "001_住民.shojonengappi.future_date" not in failures
    for suite in root.iter("testsuite"):
        assert int(suite.get("tests", "0")) == len(list(suite.iter("testcase")))
    text = (out / "v.xml").read_text(encoding="utf-8") + (out / "v.html").read_text(encoding="utf-8")
    assert "123456789012" not in text and "********9012" in text
    from openpyxl import load_workbook

    sheets = load_workbook(out / "v.xlsx").sheetnames
    assert sheets == ["概要", "ルール", "チェックエラー行", "手動確認", "変換記録"]


def test_a_failed_conversion_run_fails_validation(tmp_path: Path) -> None:
    from validation.runner import suites_for, validate

    db = tmp_path / "r.duckdb"
    build(db, reconciled=False)
    catalog = load_embedded()
    result = validate(db, suites_for(db, catalog), catalog)
    (check,) = [c for t in result.tables if t.table == "001_住民" for c in t.run_checks]
    assert (check.status, check.code) == ("failed", "RUN_NOT_RECONCILED")


@pytest.mark.parametrize("status", ["failed", "running"])
def test_a_run_that_stopped_or_was_killed_fails_validation(tmp_path: Path, status: str) -> None:
    from validation.runner import suites_for, validate

    db = tmp_path / "r.duckdb"
    build(db, reconciled=None, status=status)
    catalog = load_embedded()
    result = validate(db, suites_for(db, catalog), catalog)
    (check,) = [c for t in result.tables if t.table == "001_住民" for c in t.run_checks]
    assert (check.status, check.code) == ("failed", "RUN_FAILED")


def test_suites_on_disk_can_switch_rules_off(cli: Cli, defects: Path, tmp_path: Path) -> None:
    suites = tmp_path / "suites"
    assert cli("validate", "suite", "001", "-o", suites).exit_code == 0
    path = suites / "001_住民.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for expectation in data["expectations"]:
        expectation["meta"]["enabled"] = expectation["meta"]["kind"] in ("columns", "required")
    data["expectations"].append(
        {
            "type": "expect_column_values_to_not_match_regex",
            "kwargs": {"column": "shimei", "regex": "^森.*$"},
            "meta": {"severity": "warning"},
        }
    )
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (suites / "001_世帯.json").unlink()
    result = cli("validate", "run", "--db", defects, "--suites", suites, "--json")
    report = json.loads(result.stdout)
    rules = _rules(report)
    assert rules["sosashaid.required"]["status"] == "failed"
    assert rules["kojinbango.check_digit"]["status"] == "skipped"
    custom = rules["custom.{}".format(len(data["expectations"]))]
    assert (custom["status"], custom["severity"], custom["unexpected_count"]) == ("failed", "warning", 17)
    assert len(custom["failing_rows"]) == 17 and custom["note"] is None  # listed and masked like every rule


def test_cannot_run(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", "run", "--db", tmp_path / "none.duckdb")
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {tmp_path / 'none.duckdb'}: データベースが見つかりません — "
        "先に移行してください: fitgap convert run MAPPING --db FILE\n",
    )
    english = cli("validate", "run", "--db", tmp_path / "none.duckdb", "--lang", "en")
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: {tmp_path / 'none.duckdb'}: database not found — "
        "convert first: fitgap convert run MAPPING --db FILE\n",
    )
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    nothing = cli("validate", "run", "--db", empty)
    assert (nothing.exit_code, nothing.stderr) == (
        2,
        f"エラー: {empty}: データベースにカタログの変換済みのテーブルがありません — "
        "先に 'fitgap convert run' で変換するか、--suites を指定してください\n",
    )


def test_validate_help_is_japanese_by_default(cli: Cli) -> None:
    result = cli("validate", "suite", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "カタログからグループごとに GX の検証スイートを一つ作ります" in text
    assert "例: fitgap validate suite 001/住民 -o suites/" in text
    assert "[既定: (プロジェクトの suites/)]" in text
    assert "Write one GX expectation suite" not in text
    english = " ".join(cli("validate", "suite", "--help", "--lang", "en").stdout.split())
    assert "Write one GX expectation suite per group" in english and "[default: (the project's suites/)]" in english


def test_gx_counts_equal_plain_sql_counts(defects: Path, report: dict[str, object]) -> None:
    """The parity test: if a GX upgrade breaks the adapter, the counts part here."""
    from validation.rules import plan_suite

    catalog = load_embedded()
    spec = catalog.business("001")
    plan = plan_suite(spec, spec.group("住民"), catalog.name)  # type: ignore[arg-type]
    rules = _rules(report)
    with duckdb.connect(str(defects), read_only=True) as con:
        for rule in plan.rules:
            if rule.failing_sql is None or rules[rule.rule_id.removeprefix("001_住民.")]["status"] == "skipped":
                continue
            sql = con.execute(f'SELECT count(*) FROM "001_住民" WHERE {rule.failing_sql}').fetchone()[0]
            gx = rules[rule.rule_id.removeprefix("001_住民.")]["unexpected_count"] or 0
            assert gx == sql, rule.rule_id


class _FakeGX:
    """Stands in for GX's child process (validation.gx_adapter.Pending): says what ``verdicts`` say, else a pass."""

    def __init__(self, verdicts: dict[str, tuple[bool, int | None, str | None]]) -> None:
        self.verdicts = verdicts
        self.suites: list[tuple[str, list[dict[str, object]]]] = []

    def send(self, db: Path, suites: list[tuple[str, list[dict[str, object]]]], docs: object, runs: object) -> None:
        self.suites = suites

    @contextlib.contextmanager
    def stopped_on_error(self) -> Iterator[_FakeGX]:
        yield self

    def result(self, on_table: object = None) -> dict[str, list[object]]:
        from validation.gx_adapter import Outcome

        def outcome(rule_id: str) -> Outcome:
            success, count, error = self.verdicts.get(rule_id.removeprefix("001_住民."), (True, 0, None))
            return Outcome(rule_id, success, count, 19, [], error)

        return {table: [outcome(str(e["meta"]["rule_id"])) for e in found] for table, found in self.suites}


def test_plain_sql_holds_gx_to_account_where_gx_translates_a_rule(defects: Path) -> None:
    """Plain SQL recounts the rules GX states with built-in expectations of its own (its translation can differ);
    a catalog rule, which GX runs as the rule's own SQL, is counted again from its failing rows when GX fails it."""
    from validation.runner import _recounted, suites_for, validate

    catalog = load_embedded()
    plans = suites_for(defects, catalog)
    rules = {r.rule_id.removeprefix("001_住民."): r for p in plans for r in p.rules}
    assert _recounted(rules["juminhyokodo.half_width"]) and not _recounted(rules["kojinbango.check_digit"])
    gx = _FakeGX(
        {
            "juminhyokodo.half_width": (True, 0, None),  # a built-in GX passed, while row 4 fails it
            "seibetsu.code_list": (False, 1, None),  # a built-in GX failed as SQL does
            # a catalog rule GX failed with a count its rows do not bear out
            "kojinbango.check_digit": (False, 5, None),
            "jusho_shikuchosonkodo.check_digit": (False, 1, None),  # a catalog rule GX failed as SQL does
            "setaibango.foreign_key": (False, 1, None),  # one that reads another table too
            "shimei.full_width": (False, None, "cannot evaluate"),  # a built-in GX could not evaluate
            "sosanengappi.not_before_birth": (False, None, "cannot evaluate"),  # a catalog rule likewise
        }
    )
    report = json.loads(validate(defects, plans, catalog, gx=gx).model_dump_json())  # type: ignore[arg-type]
    found = _rules(report)
    assert (found["juminhyokodo.half_width"]["status"], found["juminhyokodo.half_width"]["code"]) == (
        "error",
        "GX_COUNT_MISMATCH",
    )
    assert "GX 0、SQL 1" in found["juminhyokodo.half_width"]["note"]
    assert found["seibetsu.code_list"]["status"] == "failed"
    assert [r["source_line"] for r in found["seibetsu.code_list"]["failing_rows"]] == [10]
    assert (found["kojinbango.check_digit"]["status"], found["kojinbango.check_digit"]["code"]) == (
        "error",
        "GX_COUNT_MISMATCH",
    )
    assert found["jusho_shikuchosonkodo.check_digit"]["status"] == "failed"
    assert [r["source_line"] for r in found["jusho_shikuchosonkodo.check_digit"]["failing_rows"]] == [12]
    assert [r["source_line"] for r in found["setaibango.foreign_key"]["failing_rows"]] == [15]
    for rule in ("shimei.full_width", "sosanengappi.not_before_birth"):  # an error, with no rows fetched for it
        assert (found[rule]["status"], found[rule]["code"], found[rule]["failing_rows"]) == ("error", "RULE_ERROR", [])
    # A catalog rule GX passed is GX's word (its adapter is held to account by the parity test above).
    assert found["shimei.conditional"]["status"] == "passed"


FIXES_031 = {
    "jusho_shikugunchosonmei": "千代田区",
    "jusho_banchigohyoki": "１番６号",
    "shimei_gaikokujinarufuabetto": None,
    "shimei_gaikokujinkanji": None,
    "dokujishisakushisutemunadoid": None,
    "nayosesakiatenabango": None,
    "gyomuid": "001",
    "jusho_choazakodo": "0011001",
    "daihyoatenafuragu": "0",
    "seinengappi_fushohyoki": None,
}


@pytest.mark.parametrize(
    ("business_id", "group"),
    [
        ("001", "住民"),
        ("001", "世帯"),
        ("010", "課税対象者"),
        ("024", "被保険者"),
        ("011", "大口事業所"),
        ("031", "住登外者宛名基本情報"),
    ],
)
def test_generated_suites_pass_on_correct_data(tmp_path: Path, business_id: str, group: str) -> None:
    """One row made of the catalog's sample values (031: the Digital Agency's, tidied) passes its suite."""
    from validation.rules import plan_suite
    from validation.runner import validate

    catalog = load_embedded()
    spec = catalog.business(business_id)
    layout = spec.group(group)
    assert layout is not None
    values = {i.romanized: i.sample or None for i in layout.items}
    if business_id == "031":
        values |= FIXES_031
    if group == "住民":
        values |= {"kojinbango": "123456789018", "juminhyokodo": "12345678901", "seinengappi_fushohyoki": None}
    table = f"{business_id}_{group}"
    db = tmp_path / "ok.duckdb"
    with duckdb.connect(str(db)) as con:
        columns = ", ".join(f'"{c}" VARCHAR' for c in values)
        con.execute(
            f'CREATE TABLE "{table}" ({columns}, _source_file VARCHAR, _source_line BIGINT, '
            "_run_id VARCHAR, _mapping VARCHAR)"
        )
        con.execute(
            f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in range(len(values) + 4))})',
            [*values.values(), "sample.csv", 1, "r", "m"],
        )
    plan = plan_suite(spec, layout, catalog.name)
    result = validate(db, [plan], catalog)
    problems = [
        (r.rule_id, r.status, r.note)
        for t in result.tables
        for r in t.rules
        if r.status in ("failed", "error") and r.severity == "error"
    ]
    assert problems == []
