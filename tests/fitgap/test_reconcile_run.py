"""現新比較 of a conversion (fitgap reconcile run): every kind of injected difference is found and classified, and
values the mapping's transforms make equal (和暦 vs ISO, half- vs full-width kana, a 外字 vs its MJ character)
are never reported."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb
import pytest
from openpyxl import load_workbook

from converters.engine import run_conversion
from converters.guard import PublishGuard
from converters.mapping import load_mapping
from fitgap.moji.shrink import shrink_table, shrink_text
from fitgap.reconcile.run import reconcile_run
from spec_catalog import load_embedded
from spec_catalog.database import (
    CorrectionRecord,
    CorrectionStatus,
    ensure_correction_schema,
    read_reconciliations,
    record_corrections,
)

from conftest import CliResult

Cli = Callable[..., CliResult]
TABLE = '"001_住民"'
QUARANTINED = {
    8: "ERA_DATE_INVALID",
    14: "GAIJI_UNMAPPED",
    18: "CODE_UNMAPPED",
    24: "COLUMN_COUNT",
    30: "ENCODING_INVALID",
}


@pytest.fixture
def converted(residents: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The 50 generated residents converted (45 loaded, 5 quarantined): (mapping, database)."""
    db = tmp_path / "r.duckdb"
    mapping = residents / "mapping-csv.yaml"
    result = run_conversion(load_mapping(mapping, load_embedded()), db, guard=PublishGuard(max_quarantine_rate=1.0))
    assert (result.rows_loaded, result.rows_quarantined) == (45, 5)
    return mapping, db


def _sql(db: Path, *statements: str) -> None:
    with duckdb.connect(str(db)) as con:
        for statement in statements:
            con.execute(statement)


def _reconcile(mapping: Path, db: Path, **options: object):  # type: ignore[no-untyped-def]
    return reconcile_run(load_mapping(mapping, load_embedded()), db, **options)  # type: ignore[arg-type]


def test_an_unchanged_run_reconciles_and_its_quarantine_explains_the_missing_rows(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    result = _reconcile(mapping, db)
    assert result.ok and result.by_code == {}
    assert (result.source_rows, result.target_rows, result.compared_rows, result.agreed_rows) == (50, 45, 45, 45)
    assert result.explained_by == {"quarantine": 5}
    assert [(d.code, d.line, d.explanation, d.detail) for d in result.differences] == [
        ("RECONCILE_ROW_MISSING", line, "quarantine", reason) for line, reason in QUARANTINED.items()
    ]
    assert all(t.within for t in result.totals) and len(result.totals) > 10
    assert all(i.agreed == 45 and not i.unexplained for i in result.items)
    # Values the mapping's constants and code tables make other than the legacy text agree, explained by the rule
    # (legacy 性別 3 is the standard 0: 13 rows; every other code table renames every code).
    assert {i.item: (i.rule, i.rule_values) for i in result.items if i.rule} == {
        "shimeimiteikubun": ("定数（マッピング）", 45),
        "seibetsu": ("コード表 sex", 13),
        "zokugara": ("コード表 relation", 45),
        "juminkubun": ("コード表 resident", 45),
        "jusho_todofuken": ("定数（マッピング）", 45),
        "jusho_shikugunchosonmei": ("定数（マッピング）", 45),
        "idojiyu": ("コード表 move", 45),
    }


def test_transform_equivalent_values_are_not_differences(converted: tuple[Path, Path], residents: Path) -> None:
    """The legacy file holds 和暦 GYYMMDD dates, half-width kana and a 外字 (mapped to 髙): none is a difference,
    not even against a new system's table with typed DATE columns."""
    mapping, db = converted
    legacy = (residents / "residents.csv").read_bytes().decode("cp932", errors="replace")
    assert "ﾀｶﾊｼ" in legacy and ",3190422," in legacy and "\ue000" in legacy  # what is compared is really legacy
    _sql(
        db,
        f"CREATE TABLE new_system AS SELECT * EXCLUDE (_source_file, _source_line, _run_id, _mapping) "
        f"REPLACE (CAST(seinengappi AS DATE) AS seinengappi, CAST(idonengappi AS DATE) AS idonengappi) FROM {TABLE}",
    )
    result = _reconcile(mapping, db, target="new_system")
    assert result.ok, result.by_code
    assert result.compared_rows == result.agreed_rows == 45
    assert result.target == "new_system"


def test_every_kind_of_injected_difference_is_found(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    _sql(
        db,
        f"UPDATE {TABLE} SET seibetsu = CASE seibetsu WHEN '2' THEN '1' ELSE '2' END WHERE _source_line = 3",
        f"UPDATE {TABLE} SET seinengappi = '1999-01-01' WHERE _source_line = 4",
        f"DELETE FROM {TABLE} WHERE _source_line = 5",
        f"INSERT INTO {TABLE} SELECT * REPLACE ('999999999999999' AS atenabango) FROM {TABLE} WHERE _source_line = 6",
        f"INSERT INTO {TABLE} SELECT * FROM {TABLE} WHERE _source_line = 7",
    )
    result = _reconcile(mapping, db)
    assert not result.ok
    failing = sorted(t.total for t in result.totals if not t.within)
    assert result.by_code == {
        "RECONCILE_KEY_DUPLICATED": 2,
        "RECONCILE_ROW_EXTRA": 1,
        "RECONCILE_ROW_MISSING": 1,
        "RECONCILE_TOTAL_DIFFERS": len(failing),
        "RECONCILE_VALUE_DIFFERS": 2,
    }
    unexplained = [(d.code, d.line, d.item) for d in result.differences if d.explanation is None]
    assert unexplained == [
        ("RECONCILE_VALUE_DIFFERS", 3, "seibetsu"),
        ("RECONCILE_VALUE_DIFFERS", 4, "seinengappi"),
        ("RECONCILE_ROW_MISSING", 5, None),
        ("RECONCILE_ROW_EXTRA", None, None),
        ("RECONCILE_KEY_DUPLICATED", None, None),
        ("RECONCILE_KEY_DUPLICATED", None, None),
    ]
    changed = next(d for d in result.differences if d.item == "seinengappi")
    # 生年月日 is personal: the legacy, expected and actual values are masked, and so is every key.
    assert changed.legacy == "3＊＊＊＊＊＊" and changed.actual == "1＊＊＊＊＊＊＊＊＊"
    assert all("＊" in d.key for d in result.differences if d.key)
    by_item = {i.item: (i.compared, i.agreed, i.unexplained) for i in result.items}
    assert by_item["seibetsu"] == (43, 42, 1) and by_item["shimei"] == (43, 43, 0)
    assert "行数" in failing and "性別 = 1 の行数" in failing and "性別 = 2 の行数" in failing


def _record_correction(db: Path, line: int, item: str) -> None:
    with duckdb.connect(str(db)) as con:
        run_id = con.execute("SELECT run_id FROM fitgap_runs").fetchone()[0]
        ensure_correction_schema(con)
        record_corrections(
            con,
            [
                CorrectionRecord(
                    run_id=run_id,
                    mapping="residents-csv",
                    request_id="r1",
                    file_name="補正.xlsx",
                    file_sha256="0" * 64,
                    line=line,
                    item=item,
                    status=CorrectionStatus.APPLIED,
                )
            ],
        )


def test_a_run_correction_and_a_recorded_shrink_explain_their_differences(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    _record_correction(db, 9, "jusho_katagaki")
    # The new system keeps JIS X 0213 only: its table is made by moji shrink (the 縮退 recorded in its log);
    # line 9's 方書 was corrected in the run.
    shrunk = shrink_table(db, "001_住民", load_embedded(), out_table="new_system")
    assert shrunk.values_changed > 0  # some name really was degraded
    _sql(db, "UPDATE new_system SET jusho_katagaki = '補正後の方書' WHERE _source_line = 9")
    result = _reconcile(mapping, db, target="new_system")
    assert result.ok, [d for d in result.differences if d.explanation is None]
    explained = [(d.line, d.item, d.explanation) for d in result.differences if d.item]
    assert (9, "jusho_katagaki", "correction") in explained
    shrinks = [d for d in result.differences if d.explanation == "shrink"]
    assert len(shrinks) == shrunk.values_changed
    assert all(d.item in ("shimei", "jusho_choaza") and "JIS包摂規準" in (d.detail or "") for d in shrinks)
    assert result.subject == "new_system"


def test_an_unrecorded_shrink_and_a_correction_of_another_item_explain_nothing(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    # 縮退 made by hand in the published rows: not recorded, so not explained.
    with duckdb.connect(str(db)) as con:
        names = [n for (n,) in con.execute(f"SELECT DISTINCT shimei FROM {TABLE}").fetchall() if n]
        degraded = {n: shrink_text(n).text for n in names if shrink_text(n).text != n}
        for name, new in degraded.items():
            con.execute(f"UPDATE {TABLE} SET shimei = ? WHERE shimei = ?", [new, name])
    assert degraded
    # Line 9's 方書 was corrected; its row is deleted and a row with another key put under its line: a correction
    # of 方書 explains neither.
    _record_correction(db, 9, "jusho_katagaki")
    _sql(
        db,
        f"INSERT INTO {TABLE} SELECT * REPLACE ('888888888888888' AS atenabango) FROM {TABLE} WHERE _source_line = 9",
        f"DELETE FROM {TABLE} WHERE _source_line = 9 AND atenabango <> '888888888888888'",
    )
    result = _reconcile(mapping, db)
    unexplained = {(d.code, d.item) for d in result.differences if d.explanation is None}
    assert ("RECONCILE_VALUE_DIFFERS", "shimei") in unexplained
    assert {("RECONCILE_ROW_MISSING", None), ("RECONCILE_ROW_EXTRA", None)} <= unexplained
    extra = next(d for d in result.differences if d.code == "RECONCILE_ROW_EXTRA")
    assert extra.detail == "元データ 9 行目から変換された行"


def test_a_typed_time_column_is_no_difference(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    _sql(db, f"CREATE TABLE new_system AS SELECT * REPLACE (CAST(sosajikoku AS TIME) AS sosajikoku) FROM {TABLE}")
    result = _reconcile(mapping, db, target="new_system")
    assert result.ok, result.by_code


def test_unmasked_values_are_shown_never_recorded(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    _sql(db, f"UPDATE {TABLE} SET shimei = '別人　花子' WHERE _source_line = 3")
    result = _reconcile(mapping, db, unmask=True)
    shown = next(d for d in result.differences if d.item == "shimei")
    assert shown.actual == "別人　花子"
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT key, actual FROM fitgap_reconcile_differences WHERE item = 'shimei'").fetchall()
    assert stored == [(stored[0][0], "別＊＊＊＊")] and "＊" in stored[0][0]


def test_changed_inputs_are_refused(cli: Cli, converted: tuple[Path, Path], residents: Path) -> None:
    mapping, db = converted
    source = residents / "residents.csv"
    source.write_bytes(source.read_bytes() + b"\r\n")
    result = cli("reconcile", "run", mapping, "--db", db)
    assert result.exit_code == 2
    assert "旧データのファイルが実行" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.endswith(
        "の後に変わっています（sha256 が違います） — 実行が読んだファイルで比較するか、先にこのファイルを変換してください\n"
    )
    mapping.write_text(mapping.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = cli("reconcile", "run", mapping, "--db", db)
    assert result.exit_code == 2 and f"エラー: {mapping}: マッピング {mapping.name} が実行" in result.stderr


def test_nothing_to_reconcile_is_one_line_in_japanese_or_in_english(cli: Cli, residents: Path, tmp_path: Path) -> None:
    none = tmp_path / "none.duckdb"
    mapping = residents / "mapping-csv.yaml"
    result = cli("reconcile", "run", mapping, "--db", none)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: データベース {none} がありません — --db で指定するか、先に変換してください\n",
    )
    english = cli("reconcile", "run", mapping, "--db", none, "--lang", "en")
    assert (english.exit_code, english.stderr) == (2, f"Error: no database {none} — give --db, or convert first\n")
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = cli("reconcile", "run", mapping, "--db", db)
    assert (result.exit_code, result.stderr) == (
        2,
        "エラー: このデータベースにマッピング residents-csv の公開済みの実行がありません — "
        f"先に変換してください: fitgap convert run {mapping}\n",
    )
    english = cli("--lang", "en", "reconcile", "run", mapping, "--db", db)
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: mapping residents-csv has no published run in this database — convert first: fitgap convert run "
        f"{mapping}\n",
    )


def test_the_help_is_japanese_by_default_and_english_on_request(cli: Cli) -> None:
    japanese = cli("reconcile", "run", "--help")
    assert japanese.exit_code == 0
    assert "公開済みの変換を旧データのファイルと、キーごと・値ごとに比較します" in japanese.stdout
    assert "比較する変換の実行ID" in japanese.stdout and "Compare a published conversion" not in japanese.stdout
    english = cli("reconcile", "run", "--help", "--lang", "en")
    assert "Compare a published conversion with its legacy file" in english.stdout
    group = cli("reconcile", "--help")
    assert "現新比較: 変換したデータが旧データと同じ内容であること" in group.stdout


def test_tolerances_of_the_control_totals(converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    _sql(db, f"UPDATE {TABLE} SET zokugara = '02' WHERE _source_line = 3 AND zokugara <> '02'")
    exact = _reconcile(mapping, db, record=False)
    assert any(not t.within and t.item == "zokugara" for t in exact.totals)
    tolerant = _reconcile(mapping, db, record=False, tolerances={"zokugara": "1"})
    assert all(t.within for t in tolerant.totals if t.item == "zokugara")
    assert tolerant.by_code == {"RECONCILE_VALUE_DIFFERS": 1}


def test_command_reports_and_record(cli: Cli, converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    _sql(db, f"UPDATE {TABLE} SET shimei = '別人　花子' WHERE _source_line = 3")
    out = tmp_path / "out"
    result = cli(
        "reconcile", "run", mapping, "--db", db, "--junit", out / "r.xml", "--xlsx", out / "r.xlsx",
        "--html", out / "r.html", "--json-file", out / "r.json",
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert "RECONCILE_VALUE_DIFFERS" in result.stdout and "別人" not in result.stdout
    suite = ET.parse(out / "r.xml").getroot()
    assert suite.get("failures") == "1"
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["item:shimei"]
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert data["by_code"] == {"RECONCILE_VALUE_DIFFERS": 1}
    sheet = load_workbook(out / "r.xlsx")["差異"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "RECONCILE_VALUE_DIFFERS" in texts and not any("別人" in t for t in texts)
    assert "別人" not in (out / "r.html").read_text(encoding="utf-8")
    with duckdb.connect(str(db), read_only=True) as con:
        records = read_reconciliations(con)
        listed = con.execute("SELECT code, line, item FROM fitgap_reconcile_differences WHERE explanation IS NULL")
        assert listed.fetchall() == [("RECONCILE_VALUE_DIFFERS", 3, "shimei")]
    assert [(r.business, r.subject, r.unexplained, r.explained) for r in records] == [("001", "001_住民", 1, 5)]
    clean = cli("reconcile", "run", mapping, "--db", db, "--target", "001_住民", "--json")
    assert clean.exit_code == 1  # the other mappings' rows are none here: the same difference


def test_readiness_counts_the_latest_reconciliation_of_the_published_run(
    converted: tuple[Path, Path], residents: Path
) -> None:
    from fitgap.project import Thresholds
    from fitgap.readiness import assess_readiness, comparison_records, conversion_records

    mapping, db = converted
    catalog = load_embedded()

    def readiness(thresholds: Thresholds | None = None):  # type: ignore[no-untyped-def]
        report = assess_readiness(
            "013455", ("001",), catalog, thresholds or Thresholds(), None, conversion_records(db), None,
            comparisons=comparison_records(db),
        )  # fmt: skip
        return report.businesses[0]

    assert readiness().comparison is None  # not reconciled yet: no reason of its own
    assert "READINESS_RECONCILE_DIFFERENCES" not in [r.code for r in readiness().reasons]
    _sql(db, f"UPDATE {TABLE} SET shimei = '別人　花子' WHERE _source_line = 3")
    _reconcile(mapping, db)
    business = readiness()
    assert business.comparison is not None and business.comparison.status == "差異 1 件"
    assert [r.ja for r in business.reasons if r.code == "READINESS_RECONCILE_DIFFERENCES"] == [
        "現新比較の説明のない差異 1 件"
    ]
    assert "READINESS_RECONCILE_DIFFERENCES" not in [
        r.code for r in readiness(Thresholds(max_reconcile_differences=1)).reasons
    ]
    # Converted again: the reconciliation was of another run and no longer counts until reconciled again.
    run_conversion(load_mapping(mapping, catalog), db, guard=PublishGuard(max_quarantine_rate=1.0))
    assert readiness().comparison is None
    _reconcile(mapping, db)
    assert readiness().comparison.status == "一致"  # type: ignore[union-attr]


@pytest.fixture
def project(cli: Cli, converted: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project of 森町 (013455) whose database holds the converted residents, the current folder."""
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    (root / "migration.duckdb").write_bytes(converted[1].read_bytes())
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    yield root
    defaults.project.cache_clear()


@pytest.mark.parametrize(
    ("options", "sheets", "title", "footer"),
    [
        ((), ["項目別", "差異", "管理合計"], "現新比較レポート（変換データと旧データ）", "作成日時"),
        (
            ("--lang", "en"),
            ["Items", "Differences", "Control totals"],
            "Reconciliation report (converted data and legacy data)",
            "Created",
        ),
    ],
    ids=["japanese by default", "english with --lang en"],
)
def test_the_report_names_the_municipality_and_speaks_the_run_s_language(
    cli: Cli,
    converted: tuple[Path, Path],
    project: Path,
    options: tuple[str, ...],
    sheets: list[str],
    title: str,
    footer: str,
) -> None:
    result = cli("reconcile", "run", converted[0], *options)
    assert result.exit_code == 0, result.stderr
    book = load_workbook(project / "reports" / "reconcile-residents-csv.xlsx")
    assert book.sheetnames == sheets
    sheet = book[sheets[0]]
    assert sheet.oddHeader.left.text == "013455 森町（北海道）"
    assert sheet.oddHeader.center.text == title
    assert sheet.oddFooter.left.text.startswith(footer)


def test_a_run_of_another_file_is_reconciled_with_that_file(cli: Cli, residents: Path, tmp_path: Path) -> None:
    # convert run … --source FILE: the mapping's own path names no file; the run recorded the one it read.
    mapping = residents / "mapping-csv.yaml"
    elsewhere = tmp_path / "exports" / "residents.csv"
    elsewhere.parent.mkdir()
    (residents / "residents.csv").rename(elsewhere)
    db = tmp_path / "moved.duckdb"
    assert cli("convert", "run", mapping, "--source", elsewhere, "--db", db, "--accept-quarantine").exit_code == 0
    recorded = cli("reconcile", "run", mapping, "--db", db, "--json")
    given = cli("reconcile", "run", mapping, "--db", db, "--source", elsewhere, "--json")
    for result in (recorded, given):
        assert result.exit_code == 0, result.stderr
        body = json.loads(result.stdout)
        assert (body["source_rows"], body["compared_rows"], body["by_code"]) == (50, 45, {})
    elsewhere.unlink()  # synthetic, but its 個人番号 are check-digit valid: no output of a test may keep them
