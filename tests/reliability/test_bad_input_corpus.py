"""The bad-input corpus, part two (part one: tests/fitgap/test_cli_errors.py for spec workbooks and
tests/converters/test_bad_inputs.py for legacy exports and mapping files): assessment workbooks, suites,
databases, project settings, catalog directories, and the legacy-data cases not covered there. Each case
asserts the exact exit code and the exact one-line message, or the exact reason code and count."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from conftest import CliResult
from workbooks import write_sheet

Cli = Callable[..., CliResult]
Case = Callable[[Path], tuple[list[object], int, str]]


def _assess_corrupted(tmp: Path) -> tuple[list[object], int, str]:
    import zipfile

    path = tmp / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<broken")
    message = f"{path}: the workbook is corrupted and cannot be read (ParseError) — open and re-save it in Excel, or download it again"
    return (["assess", "score", path], 2, message)


def _assess_password(tmp: Path) -> tuple[list[object], int, str]:
    path = tmp / "a.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptionInfo".encode("utf-16-le"))
    return (
        ["assess", "score", path],
        2,
        f"{path}: the workbook is password-protected — open it in Excel, remove "
        "the password (ファイル > 情報 > ブックの保護) and save as .xlsx",
    )


def _assess_csv(tmp: Path) -> tuple[list[object], int, str]:
    path = tmp / "a.csv"
    path.write_text("機能ID,判定\n", encoding="utf-8")
    return (
        ["assess", "score", path],
        2,
        f"{path}: not an .xlsx workbook (the file is not a ZIP/OOXML package) — "
        "give the 項目定義書 or function list as an .xlsx file",
    )


def _suggest_binary(tmp: Path) -> tuple[list[object], int, str]:
    path = tmp / "list.pdf"
    path.write_bytes(b"%PDF-1.4")
    return (
        ["assess", "suggest", path, "--business", "001", "-o", tmp / "o.xlsx"],
        2,
        f"{path}: cannot read a '.pdf' list — give a .csv or .xlsx file",
    )


def _compare_missing(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["assess", "compare", tmp / "a.json", tmp / "b.json"],
        2,
        f"{tmp / 'a.json'}: snapshot not found — give a JSON file written by 'fitgap assess score'",
    )


def _suite_not_json(tmp: Path) -> tuple[list[object], int, str]:
    db = _db(tmp)
    (tmp / "s").mkdir()
    (tmp / "s" / "x.json").write_text("{not json", encoding="utf-8")
    return (
        ["validate", "run", "--db", db, "--suites", tmp / "s"],
        2,
        f"{tmp / 's' / 'x.json'}: not an expectation suite (Invalid JSON: key must be a string at line 1 "
        "column 2) — make one with 'fitgap validate suite BUSINESS -o DIR'",
    )


def _suite_dir_missing(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["validate", "run", "--db", _db(tmp), "--suites", tmp / "nope"],
        2,
        f"{tmp / 'nope'}: suite directory not found — write suites with 'fitgap validate suite BUSINESS -o DIR'",
    )


def _suite_dir_empty(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "s").mkdir()
    return (
        ["validate", "run", "--db", _db(tmp), "--suites", tmp / "s"],
        2,
        f"{tmp / 's'}: no suite files (*.json) in the directory",
    )


def _suite(tmp: Path, change: Callable[[dict[str, object]], None]) -> Path:
    (tmp / "s").mkdir()
    from spec_catalog import load_embedded
    from validation.rules import plan_suite
    from validation.suites import suite_json

    catalog = load_embedded()
    spec = catalog.business("031")
    data = suite_json(plan_suite(spec, spec.layouts[0], catalog.name))
    change(data)
    (tmp / "s" / "t.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp / "s"


def _suite_duplicate_ids(tmp: Path) -> tuple[list[object], int, str]:
    suites = _suite(tmp, lambda d: d["expectations"].append(d["expectations"][0]))  # type: ignore[union-attr]
    return (
        ["validate", "run", "--db", _db(tmp), "--suites", suites],
        2,
        f"{suites / 't.json'}: two expectations share a rule_id — give each a rule_id of its own",
    )


def _suite_bad_severity(tmp: Path) -> tuple[list[object], int, str]:
    def change(d: dict[str, object]) -> None:
        d["expectations"][0]["meta"]["severity"] = "critical"  # type: ignore[index]

    suites = _suite(tmp, change)
    return (
        ["validate", "run", "--db", _db(tmp), "--suites", suites],
        2,
        f"{suites / 't.json'}: expectation 1: severity 'critical' is not error or warning",
    )


def _suite_no_table(tmp: Path) -> tuple[list[object], int, str]:
    suites = _suite(tmp, lambda d: None)
    db = tmp / "other.duckdb"
    duckdb.connect(str(db)).close()
    return (
        ["validate", "run", "--db", db, "--suites", suites],
        2,
        f"{db}: no table 031_住登外者宛名基本情報 for suite 031_住登外者宛名基本情報 — convert that group first, "
        "or remove its suite",
    )


def _suite_wrong_columns(tmp: Path) -> tuple[list[object], int, str]:
    suites = _suite(tmp, lambda d: None)
    db = tmp / "cols.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute('CREATE TABLE "031_住登外者宛名基本情報" (atenabango VARCHAR)')
    message = f"{db}: table 031_住登外者宛名基本情報 does not match its suite: no column "
    return (["validate", "run", "--db", db, "--suites", suites], 2, message)


def _db(tmp: Path) -> Path:
    db = tmp / "v.duckdb"
    if not db.exists():
        with duckdb.connect(str(db)) as con:
            con.execute("CREATE TABLE x (a INT)")
    return db


def _db_not_duckdb(tmp: Path) -> tuple[list[object], int, str]:
    db = tmp / "fake.duckdb"
    db.write_text("this is not a database", encoding="utf-8")
    message = f"{db}: not a DuckDB database file — give a .duckdb file written by fitgap, or a new path"
    return (["convert", "runs", "--db", db], 2, message)


def _db_missing_export(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["convert", "export", "--db", tmp / "none.duckdb", "-o", tmp / "out"],
        2,
        f"{tmp / 'none.duckdb'}: database not found — convert first: fitgap convert run MAPPING --db FILE",
    )


def _db_without_conversion(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["convert", "export", "--db", _db(tmp), "-o", tmp / "out"],
        2,
        f"{tmp / 'v.duckdb'}: the database holds no conversion — run 'fitgap convert run' first",
    )


def _validate_no_tables(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["validate", "run", "--db", _db(tmp)],
        2,
        f"{tmp / 'v.duckdb'}: the database holds no converted table of the catalog — convert first with "
        "'fitgap convert run', or give --suites",
    )


def _settings_yaml(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "p").mkdir()
    (tmp / "p" / "fitgap.yaml").write_text("municipality: '013455'\nname: [\n", encoding="utf-8")
    message = (
        f"{tmp / 'p' / 'fitgap.yaml'}:3: invalid YAML: did not find expected node content — fix the YAML syntax there"
    )
    return (["convert", "runs"], 2, message)


def _settings_typo(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "p").mkdir()
    (tmp / "p" / "fitgap.yaml").write_text(
        "municipality: '013455'\nname: 森町\nbusinesses: ['001']\nwelfare_office: false\ndatabse: x.duckdb\n",
        encoding="utf-8",
    )
    message = f"{tmp / 'p' / 'fitgap.yaml'}:5: databse: Extra inputs are not permitted — did you mean 'database'?"
    return (["convert", "runs"], 2, message)


def _catalog_dir_bad(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "cat").mkdir()
    (tmp / "cat" / "001.yaml").write_text("business_id: 1\n", encoding="utf-8")
    message = (
        f"{tmp / 'cat' / '001.yaml'}:1: business_id: Input should be a valid string "
        "(and 5 more: run 'fitgap --debug' to see all)"
    )
    return (["catalog", "list", "--catalog", tmp / "cat"], 2, message)


def _catalog_dir_missing(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["catalog", "list", "--catalog", tmp / "nope"],
        2,
        f"{tmp / 'nope'}: catalog directory not found — give a directory made by 'fitgap catalog import'",
    )


def _municipality_unknown(tmp: Path) -> tuple[list[object], int, str]:
    message = (
        "999999 has a wrong check digit (expected 7) — nearest valid codes: 473821 与那国町（沖縄県）, "
        "473812 竹富町（沖縄県）, 473758 多良間村（沖縄県）"
    )
    return (["assess", "template", "-o", tmp / "a.xlsx", "--municipality", "999999"], 2, message)


def _function_list_bad_class(tmp: Path) -> tuple[list[object], int, str]:
    path = write_sheet(tmp / "f.xlsx", [["機能ID", "機能名称", "実装区分"], ["0010001", "転入", "必要かも"]])
    return (
        ["catalog", "import", path, "--into", tmp / "cat"],
        2,
        f"{path}: sheet 'Sheet1' row 2: unknown 実装区分 '必要かも': use 実装必須機能, 標準オプション機能 or 実装不可機能 "
        "(the old labels 実装すべき機能 / 実装してもしなくても良い機能 / 実装しない機能 also work) — fix the row in the "
        "workbook and import again",
    )


CASES: dict[str, Case] = {
    "assessment-corrupted": _assess_corrupted,
    "assessment-password": _assess_password,
    "assessment-csv": _assess_csv,
    "suggest-binary": _suggest_binary,
    "compare-missing": _compare_missing,
    "suite-not-json": _suite_not_json,
    "suite-dir-missing": _suite_dir_missing,
    "suite-dir-empty": _suite_dir_empty,
    "suite-duplicate-ids": _suite_duplicate_ids,
    "suite-bad-severity": _suite_bad_severity,
    "suite-no-table": _suite_no_table,
    "suite-wrong-columns": _suite_wrong_columns,
    "database-not-duckdb": _db_not_duckdb,
    "database-missing": _db_missing_export,
    "database-no-conversion": _db_without_conversion,
    "validate-no-tables": _validate_no_tables,
    "settings-yaml": _settings_yaml,
    "settings-typo": _settings_typo,
    "catalog-dir-bad": _catalog_dir_bad,
    "catalog-dir-missing": _catalog_dir_missing,
    "municipality-unknown": _municipality_unknown,
    "function-list-bad-class": _function_list_bad_class,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    from fitgap.cli import defaults

    args, code, message = CASES[case](tmp_path)
    if (tmp_path / "p").exists():
        monkeypatch.chdir(tmp_path / "p")
    defaults.project.cache_clear()
    try:
        result = cli(*args)
    finally:
        defaults.project.cache_clear()
    assert result.exit_code == code
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if case == "suite-wrong-columns":
        assert lines[0].startswith(f"Error: {message}")
    else:
        assert lines[0] == f"Error: {message}"


# Legacy-data cases beyond tests/converters/test_bad_inputs.py: exact reason and count.
LEGACY = "num,flag,op,day,time\r\n"


@pytest.mark.parametrize(
    ("body", "reason", "count"),
    [
        ("1,0,OP1,R050401," + "9" * 3_000_000 + "\r\n", "TIME_INVALID", 1),  # a huge line
        (
            "".join(
                f"{n},0,OP1,{d},0930\r\n"
                for n, d in enumerate(
                    ["2月30日", "R05.13.01", "H0.1.1", "S64.01.08", "明治44年13月1日", "2023-02-29", "19990231"],
                    start=1,
                )
            ),
            "ERA_DATE_INVALID",
            5,  # and two ERA_DATE_NOT_CALENDAR: 031 has no 不詳表記 for 操作年月日
        ),
        (
            "1,0,OP1,R050401,0930\r\n2,0,OP1,R050401,0930\r\n3,9,OP1,R050401,0930\r\n4,x,OP1,R050401,0930\r\n",
            "CODE_NOT_IN_LIST",
            2,
        ),
        ("1\ue0ff,0,OP1,R050401,0930\r\n2,0,OP\ue0fe,R050401,0930\r\n", "GAIJI_UNMAPPED", 2),
    ],
    ids=["huge-line", "invalid-dates", "unmapped-codes", "unmapped-gaiji"],
)
def test_bad_legacy_rows(cli: Cli, tmp_path: Path, body: str, reason: str, count: int) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "source: {format: csv, path: data.csv, header: true}\n"
        "target: {business: '031', group: 住登外者宛名基本情報}\n"
        "items:\n  atenabango: {from: num}\n  daihyoatenafuragu: {from: flag}\n  sosashaid: {from: op}\n"
        "  sosanengappi: {from: day}\n  sosajikoku: {from: time}\n",
        encoding="utf-8",
    )
    (tmp_path / "data.csv").write_bytes((LEGACY + body).encode("cp932"))
    result = cli("convert", "run", mapping, "--db", tmp_path / "t.duckdb", "--json")
    run = json.loads(result.stdout)
    assert run["reconciled"] and run["quarantine_by_reason"].get(reason) == count
