"""The bad-input corpus, part two (part one: tests/fitgap/test_cli_errors.py for spec workbooks and
tests/converters/test_bad_inputs.py for legacy exports and mapping files): assessment workbooks, suites,
databases, project settings, catalog directories, and the legacy-data cases not covered there. Each case
asserts the exact exit code and the exact one-line message, or the exact reason code and count."""

from __future__ import annotations

import json
import os
import re
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
    message = f"{path}: the workbook is corrupted and cannot be read (damaged XML) — open and re-save it in Excel, or download it again"
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


# Databases: damaged, or not a file; an empty list of runs is no error.
def _damaged_db(tmp: Path) -> Path:
    """A database whose second data block no longer matches its checksum (a disk or copy error)."""
    from spec_catalog.database import ensure_schema

    db = tmp / "damaged.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_schema(con)
        con.execute(
            "INSERT INTO fitgap_runs (run_id, mapping, target_table, status, message) "
            "SELECT 'r' || i, 'm', 't', 'succeeded', repeat('x', 200) FROM range(20000) t(i)"
        )
        con.execute("CHECKPOINT")
    with db.open("r+b") as handle:
        handle.seek(12288 + 262144 + 100)  # headers, one block of 256 KiB, then into the second
        handle.write(b"\xff" * 1000)
    return db


def _db_damaged(tmp: Path) -> tuple[list[object], int, str]:
    db = _damaged_db(tmp)
    message = (
        f"{db}: the database file is damaged: the block at byte 274432 fails its checksum — restore it from a "
        "backup, or convert again into a new --db"
    )
    return (["convert", "runs", "--db", db], 2, message)


def _db_directory(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "db").mkdir()
    message = f"{tmp / 'db'}: database is a directory, not a regular file — give the file inside it"
    return (["convert", "runs", "--db", tmp / "db"], 2, message)


# YAML a person wrote: tags that build objects, keys given twice, in every file read as YAML.
def _settings_python_tag(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "p").mkdir()
    (tmp / "p" / "fitgap.yaml").write_text(
        "municipality: '013455'\nname: !!python/object/apply:subprocess.call [['touch', 'owned']]\n", encoding="utf-8"
    )
    message = (
        f"{tmp / 'p' / 'fitgap.yaml'}:2: the YAML tag '!!python/object/apply:subprocess.call' is not allowed — "
        "remove it: the file holds plain text, numbers, lists and mappings only"
    )
    return (["convert", "runs"], 2, message)


def _settings_duplicate_key(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "p").mkdir()
    (tmp / "p" / "fitgap.yaml").write_text(
        "municipality: '013455'\nname: 森町\ndatabase: a.duckdb\nbusinesses: ['001']\ndatabase: b.duckdb\n",
        encoding="utf-8",
    )
    message = (
        f"{tmp / 'p' / 'fitgap.yaml'}:5: the key 'database' appears twice in one mapping (lines 3 and 5) — keep "
        "one of them (YAML would silently use the last)"
    )
    return (["convert", "runs"], 2, message)


def _catalog_dir_tag(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "cat").mkdir()
    (tmp / "cat" / "001.yaml").write_text("business_id: !!python/object:builtins.object {}\n", encoding="utf-8")
    message = (
        f"{tmp / 'cat' / '001.yaml'}:1: the YAML tag '!!python/object:builtins.object' is not allowed — remove it: "
        "the file holds plain text, numbers, lists and mappings only"
    )
    return (["catalog", "list", "--catalog", tmp / "cat"], 2, message)


def _mapping_missing(tmp: Path) -> tuple[list[object], int, str]:
    path = tmp / "nope.yaml"
    return (["convert", "run", path, "--db", tmp / "t.duckdb"], 2, f"{path}: file not found — check the path")


def _mapping_directory(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "mappings").mkdir()
    path = tmp / "mappings"
    message = f"{path}: file is a directory, not a regular file — give the file inside it"
    return (["convert", "run", path, "--db", tmp / "t.duckdb"], 2, message)


def _mapping_fifo(tmp: Path) -> tuple[list[object], int, str]:
    path = tmp / "mapping.yaml"
    os.mkfifo(path)  # opening it would wait for a writer for ever
    message = f"{path}: file is a named pipe (FIFO), not a regular file — copy the data into a regular file first"
    return (["convert", "run", path, "--db", tmp / "t.duckdb"], 2, message)


def _mapping_not_utf8(tmp: Path) -> tuple[list[object], int, str]:
    path = tmp / "m.yaml"
    path.write_bytes("name: 住民\n".encode("cp932"))
    message = f"{path}: not UTF-8 text (byte 6) — save the file as UTF-8"
    return (["convert", "run", path, "--db", tmp / "t.duckdb"], 2, message)


# --validation: anything but a validation report is refused in one line.
VALIDATION_FIX = "give the JSON file written by 'fitgap validate run --json-file FILE'"


def _validation(tmp: Path, name: str, make: Callable[[Path], object]) -> list[object]:
    path = tmp / name
    make(path)
    return ["report", "readiness", "--municipality", "013455", "--db", tmp / "none.duckdb", "--validation", path]


def _validation_not_json(tmp: Path) -> tuple[list[object], int, str]:
    args = _validation(tmp, "v.json", lambda p: p.write_text("{not json", encoding="utf-8"))
    message = f"{tmp / 'v.json'}: not a validation report (Invalid JSON: key must be a string at line 1 column 2) — "
    return (args, 2, message + VALIDATION_FIX)


def _validation_other_json(tmp: Path) -> tuple[list[object], int, str]:
    args = _validation(tmp, "v.json", lambda p: p.write_text('{"rows": 3}', encoding="utf-8"))
    return (args, 2, f"{tmp / 'v.json'}: not a validation report (Field required at database) — {VALIDATION_FIX}")


def _validation_binary(tmp: Path) -> tuple[list[object], int, str]:
    args = _validation(tmp, "v.json", lambda p: p.write_bytes("宛名,氏名\n".encode("cp932")))
    message = f"{tmp / 'v.json'}: not a validation report (Invalid JSON: expected value at line 1 column 1) — "
    return (args, 2, message + VALIDATION_FIX)


def _validation_directory(tmp: Path) -> tuple[list[object], int, str]:
    args = _validation(tmp, "reports", lambda p: p.mkdir())
    message = f"{tmp / 'reports'}: validation report is a directory, not a regular file — give the file inside it"
    return (args, 2, message)


def _validation_missing(tmp: Path) -> tuple[list[object], int, str]:
    args = _validation(tmp, "v.json", lambda p: None)
    return (args, 2, f"{tmp / 'v.json'}: validation report not found — {VALIDATION_FIX}")


def _validation_fifo(tmp: Path) -> tuple[list[object], int, str]:
    args = _validation(tmp, "v.json", os.mkfifo)
    message = (
        f"{tmp / 'v.json'}: validation report is a named pipe (FIFO), not a regular file — copy the data into a "
        "regular file first"
    )
    return (args, 2, message)


# sample generate
def _sample_directory(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "out").mkdir()
    message = f"{tmp / 'out'}: is a directory, not a file — give a file name, e.g. -o {tmp / 'out' / 'residents.txt'}"
    return (["sample", "generate", "-o", tmp / "out", "--format", "fixed"], 2, message)


def _sample_disk_full(tmp: Path) -> tuple[list[object], int, str]:
    # /dev/full refuses every write with ENOSPC, as a full disk does.
    message = "the disk is full — free space on the disk written to and run again"
    return (["sample", "generate", "-o", "/dev/full", "--rows", "10"], 2, message)


def _sample_parent_is_a_file(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "out").write_text("", encoding="utf-8")
    message = (
        f"{tmp / 'out'}: exists already as a file, where a folder is needed — give another path, or remove the file"
    )
    return (["sample", "generate", "-o", tmp / "out" / "r.csv"], 2, message)


def _sample_format(tmp: Path) -> tuple[list[object], int, str]:
    return (["sample", "generate", "-o", tmp / "r.xml", "--format", "xml"], 2, "--format 'xml' is not csv or fixed")


# Usage errors: one line and where to read the usage.
def _usage_missing_argument(tmp: Path) -> tuple[list[object], int, str]:
    return (["catalog", "show"], 2, "Missing argument 'business'. — see 'fitgap catalog show --help'")


def _usage_unknown_option(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["convert", "runs", "--dbb", tmp / "x.duckdb"],
        2,
        "No such option: --dbb (Possible options: --db) — see 'fitgap convert runs --help'",
    )


def _usage_unknown_command(tmp: Path) -> tuple[list[object], int, str]:
    return (["catalog", "frobnicate"], 2, "No such command 'frobnicate'. — see 'fitgap catalog --help'")


def _usage_bad_number(tmp: Path) -> tuple[list[object], int, str]:
    message = (
        "Invalid value for '--rows': Input should be a valid integer, unable to parse string as an integer — see "
        "'fitgap sample generate --help'"
    )
    return (["sample", "generate", "-o", tmp / "r.csv", "--rows", "many"], 2, message)


def _usage_limit_without_dry_run(tmp: Path) -> tuple[list[object], int, str]:
    return (
        ["convert", "run", tmp / "m.yaml", "--limit", "5"],
        2,
        "--limit previews only — add --dry-run (a partial run would lose rows)",
    )


# Paths the system refuses, wherever a command opens them: one line from the error boundary.
def _compare_directories(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "a").mkdir()
    return (
        ["assess", "compare", tmp / "a", tmp / "a"],
        2,
        f"{tmp / 'a'}: snapshot is a directory, not a regular file — give the file inside it",
    )


def _init_over_a_file(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "project").write_text("", encoding="utf-8")
    message = (
        f"{tmp / 'project'}: exists already as a file, where a folder is needed — give another path, or remove the file"
    )
    return (["init", tmp / "project", "--municipality", "013455"], 2, message)


def _scaffold_from_a_directory(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "export").mkdir()
    return (
        ["convert", "init", "--source", tmp / "export", "--target", "001/住民", "-o", tmp / "m.yaml"],
        2,
        f"{tmp / 'export'}: source file is a directory, not a regular file — give the file inside it",
    )


def _readiness_assessment_directory(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "history").mkdir()
    return (
        ["report", "readiness", "--municipality", "013455", "--db", tmp / "x.duckdb", "--assessment", tmp / "history"],
        2,
        f"{tmp / 'history'}: snapshot is a directory, not a regular file — give the file inside it",
    )


def _demo_under_a_file(tmp: Path) -> tuple[list[object], int, str]:
    (tmp / "out").write_text("", encoding="utf-8")
    message = f"{tmp / 'out' / 'demo'}: a part of the path is a file, not a folder — check the path"
    return (["demo", "--out", tmp / "out" / "demo"], 2, message)


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
    "database-damaged": _db_damaged,
    "database-directory": _db_directory,
    "settings-python-tag": _settings_python_tag,
    "settings-duplicate-key": _settings_duplicate_key,
    "catalog-dir-python-tag": _catalog_dir_tag,
    "mapping-missing": _mapping_missing,
    "mapping-directory": _mapping_directory,
    "mapping-fifo": _mapping_fifo,
    "mapping-not-utf8": _mapping_not_utf8,
    "validation-not-json": _validation_not_json,
    "validation-other-json": _validation_other_json,
    "validation-binary": _validation_binary,
    "validation-directory": _validation_directory,
    "validation-missing": _validation_missing,
    "validation-fifo": _validation_fifo,
    "sample-directory": _sample_directory,
    "sample-disk-full": _sample_disk_full,
    "sample-parent-is-a-file": _sample_parent_is_a_file,
    "sample-format": _sample_format,
    "usage-missing-argument": _usage_missing_argument,
    "usage-unknown-option": _usage_unknown_option,
    "usage-unknown-command": _usage_unknown_command,
    "usage-bad-number": _usage_bad_number,
    "usage-limit-without-dry-run": _usage_limit_without_dry_run,
    "compare-directories": _compare_directories,
    "init-over-a-file": _init_over_a_file,
    "scaffold-from-a-directory": _scaffold_from_a_directory,
    "readiness-assessment-directory": _readiness_assessment_directory,
    "demo-under-a-file": _demo_under_a_file,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    from fitgap.cli import defaults

    args, code, message = CASES[case](tmp_path)
    if (tmp_path / "p").exists():
        monkeypatch.chdir(tmp_path / "p")
    defaults.project.cache_clear()
    try:
        result = cli("--lang", "en", *args)  # the English wording, pinned (the Japanese: the test below)
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


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_told_in_japanese_by_default(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    from fitgap.cli import defaults

    args, code, _ = CASES[case](tmp_path)
    if (tmp_path / "p").exists():
        monkeypatch.chdir(tmp_path / "p")
    defaults.project.cache_clear()
    try:
        result = cli(*args)
    finally:
        defaults.project.cache_clear()
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: "), result.stderr
    # A Japanese sentence (kana) and no English phrase: quoted names, what a parser said (in brackets) and the
    # paths are the user's or the library's words, not ours.
    assert re.search(r"[ぁ-んァ-ヶ]", lines[0]), lines[0]
    ours = re.sub(r"'[^']*'|（[^）]*）|\([^)]*\)|\S*/\S*|fitgap( [\w.-]+)*", " ", lines[0])
    assert not re.search(r"\b[A-Za-z]{2,} +[A-Za-z]{2,}\b", ours), lines[0]


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
    result = cli("convert", "run", mapping, "--db", tmp_path / "t.duckdb", "--json", "--accept-quarantine")
    assert (result.exit_code, "Traceback" in result.stderr) == (0, False)
    run = json.loads(result.stdout)
    assert run["reconciled"] and run["quarantine_by_reason"].get(reason) == count


def _small_mapping(tmp: Path, body: str = "1,0,OP1,R050401,0930\r\n2,0,OP1,R050401,0930\r\n") -> Path:
    mapping = tmp / "m.yaml"
    mapping.write_text(
        "source: {format: csv, path: data.csv, header: true}\n"
        "target: {business: '031', group: 住登外者宛名基本情報}\n"
        "items:\n  atenabango: {from: num}\n  daihyoatenafuragu: {from: flag}\n  sosashaid: {from: op}\n"
        "  sosanengappi: {from: day}\n  sosajikoku: {from: time}\n  seinengappi_fushohyoki: {value: 不詳}\n",
        encoding="utf-8",
    )
    (tmp / "data.csv").write_bytes((LEGACY + body).encode("cp932"))
    return mapping


def _table(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            'SELECT * EXCLUDE (_run_id) FROM "031_住登外者宛名基本情報" ORDER BY _source_line'
        ).fetchall()


# --json: the error is a JSON object on stdout as well as the line on stderr.
def test_json_errors_are_objects_on_stdout(cli: Cli, tmp_path: Path) -> None:
    result = cli("convert", "run", tmp_path / "nope.yaml", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": {
            "message": "ファイルが見つかりません",
            "where": str(tmp_path / "nope.yaml"),
            "hint": "パスを確かめてください",
            "exit_code": 2,
        }
    }
    assert result.stderr == f"エラー: {tmp_path / 'nope.yaml'}: ファイルが見つかりません — パスを確かめてください\n"


def test_json_usage_and_environment_errors_are_objects_too(cli: Cli, tmp_path: Path) -> None:
    usage = cli("convert", "runs", "--json", "--dbb", "x")
    assert (usage.exit_code, json.loads(usage.stdout)) == (
        2,
        {
            "error": {
                "message": "オプション --dbb はありません（候補: --db）",
                "where": None,
                "hint": "'fitgap convert runs --help' で使い方を確かめてください",
                "exit_code": 2,
            }
        },
    )
    english = cli("convert", "runs", "--json", "--dbb", "x", "--lang", "en")
    assert json.loads(english.stdout)["error"]["message"] == "No such option: --dbb (Possible options: --db)"
    db = _damaged_db(tmp_path)
    damaged = cli("convert", "runs", "--db", db, "--json")
    assert (damaged.exit_code, json.loads(damaged.stdout)["error"]["where"]) == (2, str(db))
    assert "Traceback" not in damaged.stderr and len(damaged.stderr.splitlines()) == 1


def test_debug_shows_the_traceback_of_an_environment_error(cli: Cli, tmp_path: Path) -> None:
    with pytest.raises(duckdb.Error, match="Corrupt database file"):
        cli("--debug", "convert", "runs", "--db", _damaged_db(tmp_path))


def test_runs_of_a_database_without_runs_is_an_empty_list(cli: Cli, tmp_path: Path) -> None:
    result = cli("convert", "runs", "--db", _db(tmp_path), "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


# A full disk while the run publishes: one line, and the database holds what it held before.
class _DiskFillsOnCommit:
    """A connection whose COMMIT fails as DuckDB's does when the disk fills while it writes the WAL: the
    transaction is gone, so the engine's ROLLBACK then fails too and hides the first error."""

    def __init__(self, con: object, wal: Path) -> None:
        self._con, self._wal = con, wal

    def execute(self, sql: str, *args: object) -> object:
        if sql.strip().upper() == "COMMIT":
            self._con.execute("ROLLBACK")  # type: ignore[attr-defined]
            raise duckdb.TransactionException(
                f'TransactionContext Error: Failed to commit: Could not write file "{self._wal}": No space left on device'
            )
        return self._con.execute(sql, *args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def test_a_full_disk_keeps_the_old_data(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from converters import engine

    db = tmp_path / "t.duckdb"
    assert cli("convert", "run", _small_mapping(tmp_path), "--db", db).exit_code == 0
    before = _table(db)
    mapping = _small_mapping(tmp_path, "7,1,OP9,R060101,1200\r\n8,1,OP9,R060101,1200\r\n9,1,OP9,R060101,1200\r\n")
    real = engine.connect
    monkeypatch.setattr(engine, "connect", lambda *a, **k: _DiskFillsOnCommit(real(*a, **k), Path(f"{db}.wal")))
    result = cli("convert", "run", mapping, "--db", db, "--lang", "en")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {db}.wal: the disk is full — free space on that disk and run again: the database keeps what it "
        "held before this run\n",
    )
    assert _table(db) == before
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = [r[0] for r in con.execute("SELECT status FROM fitgap_runs ORDER BY started").fetchall()]
    assert statuses == ["succeeded", "failed"]


# Ctrl-C: exit 130 with one line; the run is recorded as interrupted.
def test_ctrl_c_during_a_conversion(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from converters import engine

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "stage", interrupt)
    db = tmp_path / "t.duckdb"
    result = cli("convert", "run", _small_mapping(tmp_path), "--db", db)
    line = "中断しました（Ctrl-C）: こうして止めた移行は 'interrupted' と記録され、何も公開されていません"
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", line + "\n")
    as_json = cli("convert", "run", _small_mapping(tmp_path), "--db", db, "--json")
    assert as_json.exit_code == 130
    assert json.loads(as_json.stdout) == {"error": {"message": line, "where": None, "hint": None, "exit_code": 130}}
    runs = json.loads(cli("convert", "runs", "--db", db, "--json").stdout)
    assert [r["status"] for r in runs] == ["interrupted", "interrupted"]


def test_ctrl_c_while_duckdb_runs_a_statement(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB stops a running statement on Ctrl-C with RuntimeError('Query interrupted') and Python's
    KeyboardInterrupt is gone (measured on DuckDB 1.x/2.x): fitgap treats it as the Ctrl-C it is, in the engine
    (the run is recorded as interrupted) and in the CLI (exit 130, one line)."""
    from converters import engine

    class Interrupted:
        def __init__(self, con: object) -> None:
            self._con = con

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith('INSERT INTO "031_'):
                raise RuntimeError("Query interrupted")
            return self._con.execute(sql, *args)  # type: ignore[attr-defined]

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

    real = engine.connect
    monkeypatch.setattr(engine, "connect", lambda *a, **k: Interrupted(real(*a, **k)))
    db = tmp_path / "t.duckdb"
    result = cli("convert", "run", _small_mapping(tmp_path), "--db", db)
    line = "中断しました（Ctrl-C）: こうして止めた移行は 'interrupted' と記録され、何も公開されていません"
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", line + "\n")
    runs = json.loads(cli("convert", "runs", "--db", db, "--json").stdout)
    assert [r["status"] for r in runs] == ["interrupted"]


def test_ctrl_c_after_the_commit_keeps_the_published_record(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C after the COMMIT stops nothing: the rows are published, the record stays 'succeeded' (it used to
    become 'interrupted'), and the one line says the conversion had already published."""
    from converters import engine

    real = engine.update_run

    def late(con: object, run_id: str, **fields: object) -> None:
        if "timings" in fields:  # the last write of a run, after its COMMIT
            raise KeyboardInterrupt
        real(con, run_id, **fields)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "update_run", late)
    db = tmp_path / "t.duckdb"
    result = cli("convert", "run", _small_mapping(tmp_path), "--db", db)
    assert result.exit_code == 130
    assert result.stderr == (
        "中断しました（Ctrl-C）が、移行はその前に公開を終えていました（'fitgap convert runs' で記録を確かめられます）\n"
    )
    runs = json.loads(cli("convert", "runs", "--db", db, "--json").stdout)
    assert [r["status"] for r in runs] == ["succeeded"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(f'SELECT count(*) FROM "{runs[0]["target_table"]}"').fetchone()[0] > 0


def test_duckdb_says_query_interrupted_on_ctrl_c() -> None:
    """What :func:`spec_catalog.database.is_interrupt` recognises, from DuckDB itself."""
    import threading

    from spec_catalog.database import is_interrupt

    con = duckdb.connect()
    # The interrupt a Ctrl-C handler asks for (the reader's does, and DuckDB's own on SIGINT): a SIGINT sent to
    # this process is not always seen by DuckDB while it runs (on 2026-12-01 the query below ran to its end, 4
    # minutes), so the test asks DuckDB directly.
    timer = threading.Timer(0.5, con.interrupt)
    timer.start()
    try:
        with pytest.raises(BaseException) as caught:
            con.execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3").fetchall()
    finally:
        timer.cancel()
    assert is_interrupt(caught.value)
    assert not is_interrupt(RuntimeError("another error"))


def test_ctrl_c_in_a_real_process(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    output = tmp_path / "big.csv"
    env = {**os.environ, "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "fitgap", "sample", "generate", "--rows", "20000000", "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # A job started in the background by a shell ignores SIGINT, and so would this child: it gets the default
        # back, as a command typed in a terminal has it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not (output.exists() and output.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Python drops a Ctrl-C that lands while a finaliser runs (it prints "Exception ignored"); a person presses
    # it again. So does the test, every few seconds, and still wants exit 130 and the one line.
    stderr = ""
    for _ in range(6):
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        process.kill()
        process.communicate()
    output.unlink(missing_ok=True)  # synthetic, but its 個人番号 are check-digit valid: no output may keep them
    assert process.returncode == 130
    assert stderr == "中断しました（Ctrl-C）\n"  # not a conversion: nothing said of what one publishes


# A run whose process is gone is reported as interrupted, and blocks nothing.
def test_a_killed_run_is_reported_as_interrupted(cli: Cli, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    db, mapping = tmp_path / "t.duckdb", _small_mapping(tmp_path)
    env = {**os.environ, "FITGAP_FAULT": "transform"}  # SIGKILL half-way: no cleanup at all
    killed = subprocess.Popen(
        [sys.executable, "-m", "fitgap", "convert", "run", str(mapping), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert killed.wait(timeout=120) == -9
    here = socket.gethostname()
    with duckdb.connect(str(db), read_only=True) as con:  # the record itself still says running
        assert con.execute("SELECT status, pid, host FROM fitgap_runs").fetchall() == [("running", killed.pid, here)]
    (run,) = json.loads(cli("convert", "runs", "--db", db, "--json").stdout)
    assert (run["status"], run["pid"], run["host"]) == ("interrupted", killed.pid, here)
    assert run["message"] == f"its process (pid {killed.pid} on {here}) ended without finishing the run"
    again = cli("convert", "run", mapping, "--db", db, "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["status"] == "succeeded"


def test_which_running_runs_are_read_as_interrupted(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    from spec_catalog.database import RunRecord, RunStatus, connect, ensure_schema, read_runs, runs_of_table, start_run

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    here = socket.gethostname()
    con = connect(tmp_path / "r.duckdb")
    ensure_schema(con)
    for run_id, pid, host in (
        ("gone", gone.pid, here),  # this host, no such process: interrupted
        ("alive", None, None),  # this process (start_run records it): running
        ("elsewhere", gone.pid, "another-host"),  # cannot be told from here: running
    ):
        start_run(
            con,
            RunRecord(run_id=run_id, mapping=run_id, target_table="t", status=RunStatus.RUNNING, pid=pid, host=host),
        )
    found = {r.run_id: (r.status.value, r.pid, r.host) for r in read_runs(con)}
    assert found == {
        "gone": ("interrupted", gone.pid, here),
        "alive": ("running", os.getpid(), here),
        "elsewhere": ("running", gone.pid, "another-host"),
    }
    statuses = {k: v[0] for k, v in found.items()}
    assert {r.run_id: r.status.value for r in runs_of_table(con, "t")} == statuses
    assert {r.run_id: r.status.value for r in read_runs(con, latest_only=True)} == statuses
    con.close()


def test_an_older_database_gets_the_new_run_columns(tmp_path: Path) -> None:
    from spec_catalog.database import columns_of, connect, connect_read_only, ensure_schema, read_runs

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:  # fitgap_runs as version 0.1 made it: no pid, no host
        con.execute(
            "CREATE TABLE fitgap_runs (run_id VARCHAR PRIMARY KEY, mapping VARCHAR, mapping_path VARCHAR, "
            "mapping_sha256 VARCHAR, source_path VARCHAR, source_sha256 VARCHAR, source_bytes BIGINT, "
            "target_table VARCHAR, status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, "
            "reconciled BOOLEAN, started TIMESTAMP, finished TIMESTAMP, timings VARCHAR, tool_version VARCHAR, "
            "unmapped VARCHAR, message VARCHAR)"
        )
        con.execute(
            "INSERT INTO fitgap_runs (run_id, mapping, target_table, status) VALUES ('old', 'm', 't', 'running')"
        )
    reader = connect_read_only(db)  # a reader does not alter the database: the new columns read as NULL
    assert [(r.status.value, r.pid, r.host) for r in read_runs(reader)] == [("running", None, None)]
    reader.close()
    writer = connect(db)
    ensure_schema(writer)
    assert columns_of(writer, "fitgap_runs")[-3:] == ["pid", "host", "item_origins"]
    assert [(r.run_id, r.status.value, r.pid) for r in read_runs(writer)] == [("old", "running", None)]
    writer.close()
