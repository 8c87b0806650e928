"""``fitgap convert quarantine`` and ``convert run --corrections``: the review without SQL, the cleansing-request
workbook round trip (workbook out, corrections in, re-run clean), the JSON, and one error line for each misuse."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from converters.review import review_quarantine
from reports import cleansing as wb
from spec_catalog import load_embedded
from spec_catalog.database import connect_read_only, read_corrections

from conftest import CliResult

Cli = Callable[..., CliResult]


def _fill(request: Path, out: Path, values: dict[tuple[str, int], str]) -> Path:
    book = load_workbook(request)
    for (title, line), value in values.items():
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, header.index(wb.LINE) + 1).value == line)
        sheet.cell(row, header.index(wb.CORRECTED) + 1).value = value
    book.save(out)
    return out


@pytest.fixture
def converted(cli: Cli, residents: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The resident CSV without its two unreadable records (lines 24 and 30), converted once: three values are
    quarantined, each one a workbook can correct. Returns (mapping, database)."""
    source = residents / "residents.csv"
    lines = source.read_bytes().split(b"\r\n")
    source.write_bytes(b"\r\n".join(line for n, line in enumerate(lines, start=1) if n not in (24, 30)))
    mapping, db = residents / "mapping-csv.yaml", tmp_path / "m.duckdb"
    assert cli("convert", "run", mapping, "--db", db, "--accept-quarantine").exit_code == 0
    return mapping, db


def test_round_trip_workbook_out_corrections_in_rerun_clean(
    cli: Cli, converted: tuple[Path, Path], tmp_path: Path
) -> None:
    mapping, db = converted
    request = tmp_path / "補正依頼.xlsx"
    out = cli("convert", "quarantine", mapping, "--db", db, "--xlsx", request)
    assert out.exit_code == 0, out.stderr
    request_id = load_workbook(request)[wb.GUIDE_SHEET]["B3"].value
    assert (
        f"{request} を書き出しました: 3 シートに 3 値、うち補正できるもの 3（依頼 {request_id}）。補正後の値を記入し、"
        "ファイルをマッピングの corrections: に書いてから、変換し直してください。" in out.stdout
    )
    filled = _fill(
        request, tmp_path / "filled.xlsx", {("生年月日", 8): "3600214", ("氏名", 14): "森　花子", ("続柄", 18): "10"}
    )
    run = cli("convert", "run", mapping, "--db", db, "--corrections", filled)
    assert run.exit_code == 0, run.stderr
    assert "補正 filled.xlsx（sha256 " in run.stdout
    assert "…）: 適用 3、適用せず 0、後の補正で置き換え 0" in run.stdout
    listed = json.loads(cli("convert", "quarantine", mapping, "--db", db, "--json").stdout)
    (clean,) = listed["mappings"]
    assert (clean["rows_quarantined"], clean["groups"]) == (0, [])
    con = connect_read_only(db)
    try:
        records = read_corrections(con, run_id=clean["run_id"])
    finally:
        con.close()
    assert sorted((r.line, r.item, r.status.value, r.file_name) for r in records) == [
        (8, "seinengappi", "applied", "filled.xlsx"),
        (14, "shimei", "applied", "filled.xlsx"),
        (18, "zokugara", "applied", "filled.xlsx"),
    ]


def test_a_stale_correction_warns_and_is_not_applied(
    cli: Cli, converted: tuple[Path, Path], residents: Path, tmp_path: Path
) -> None:
    mapping, db = converted
    request = tmp_path / "r.xlsx"
    assert cli("convert", "quarantine", mapping, "--db", db, "--xlsx", request).exit_code == 0
    filled = _fill(request, tmp_path / "filled.xlsx", {("続柄", 18): "10"})
    source = residents / "residents.csv"
    lines = source.read_bytes().split(b"\r\n")
    lines[17] = lines[17].replace(b",99,", b",98,", 1)  # line 18's 続柄 changed since the request
    source.write_bytes(b"\r\n".join(lines))
    run = cli("convert", "run", mapping, "--db", db, "--corrections", filled, "--accept-quarantine")
    assert run.exit_code == 0, run.stderr
    assert "…）: 適用 0、適用せず 1、後の補正で置き換え 0" in run.stdout
    assert (
        "警告: CORRECTION_NOT_APPLIED filled.xlsx 18 行目 zokugara: 元データのこの行の値が依頼時と異なります\n"
        in run.stderr
    )


def test_json_is_the_model_the_library_returns(cli: Cli, converted: tuple[Path, Path]) -> None:
    mapping, db = converted
    result = cli("convert", "quarantine", mapping, "--db", db, "--json")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == review_quarantine(db, load_embedded(), mapping="residents-csv").model_dump(mode="json")
    assert [(g["item"], g["reason"], g["value"], g["count"], g["lines"]) for g in printed["mappings"][0]["groups"]] == [
        ("shimei", "GAIJI_UNMAPPED", "森＊＊＊", 1, [14]),
        ("seinengappi", "ERA_DATE_INVALID", "4＊＊＊＊＊＊", 1, [8]),
        ("zokugara", "CODE_UNMAPPED", "99", 1, [18]),
    ]
    assert printed["request"] is None


def test_the_listing_names_the_run_and_each_group(cli: Cli, converted: tuple[Path, Path]) -> None:
    _, db = converted
    result = cli("convert", "quarantine", "--db", db, "--table", "001_住民")
    assert result.exit_code == 0, result.stderr
    assert "residents-csv → 001_住民（実行 " in result.stdout
    assert "）: 移行エラー 3 行、3 値" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "CODE_UNMAPPED" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "続柄",
        "CODE_UNMAPPED",
        "コード表にない旧コードです",
        "99",
        "1",
        "18",
    ]


# Each misuse: the arguments, and its one line in Japanese (the default) and in English (--lang en).
Misuse = tuple[list[object], str, str]


def _missing_db(mapping: Path, db: Path, tmp: Path) -> Misuse:
    missing = tmp / "none.duckdb"
    return (
        ["--db", missing],
        f"{missing}: データベースが見つかりません — 先に移行してください: fitgap convert run MAPPING --db FILE",
        f"{missing}: database not found — convert first: fitgap convert run MAPPING --db FILE",
    )


def _unknown_mapping(mapping: Path, db: Path, tmp: Path) -> Misuse:
    return (
        [mapping.parent / "mapping-fixed.yaml", "--db", db],
        f"{db}: マッピング 'residents-fixed' の公開された変換がデータベースにありません — あるもの: residents-csv",
        f"{db}: mapping 'residents-fixed' has no published run in the database — known: residents-csv",
    )


def _unknown_table(mapping: Path, db: Path, tmp: Path) -> Misuse:
    return (
        ["--db", db, "--table", "001_世帯"],
        f"{db}: テーブル '001_世帯' に公開したマッピングはありません — テーブル: 001_住民",
        f"{db}: no mapping published into table '001_世帯' — tables: 001_住民",
    )


def _xlsx_without_mapping(mapping: Path, db: Path, tmp: Path) -> Misuse:
    return (
        ["--db", db, "--xlsx", tmp / "r.xlsx"],
        "--xlsx は一つのマッピングのデータ補正依頼を書き出します — マッピングを指定してください: "
        "convert quarantine MAPPING.yaml",
        "--xlsx writes one mapping's workbook — name the mapping: convert quarantine MAPPING.yaml",
    )


def _existing_workbook(mapping: Path, db: Path, tmp: Path) -> Misuse:
    path = tmp / "filled.xlsx"
    path.write_bytes(b"filled in by staff")
    return (
        [mapping, "--db", db, "--xlsx", path],
        f"{path}: データ補正依頼のファイルがすでにあります（記入済みかもしれません） — 置き換えるには --force を"
        "付けてください",
        f"{path}: the workbook exists already (it may be filled in) — add --force to replace it",
    )


ERRORS = {
    "missing-database": _missing_db,
    "unknown-mapping": _unknown_mapping,
    "unknown-table": _unknown_table,
    "xlsx-without-mapping": _xlsx_without_mapping,
    "existing-workbook": _existing_workbook,
}


@pytest.mark.parametrize("case", ERRORS)
def test_each_misuse_is_one_line_and_exit_2(cli: Cli, converted: tuple[Path, Path], tmp_path: Path, case: str) -> None:
    mapping, db = converted
    args, japanese, english = ERRORS[case](mapping, db, tmp_path)
    result = cli("convert", "quarantine", *args)
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"エラー: {japanese}\n", "")
    result = cli("convert", "quarantine", *args, "--lang", "en")
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"Error: {english}\n", "")


def test_corrections_of_another_database_are_refused(cli: Cli, converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    request = tmp_path / "r.xlsx"
    assert cli("convert", "quarantine", mapping, "--db", db, "--xlsx", request).exit_code == 0
    other = tmp_path / "other.duckdb"
    assert cli("convert", "run", mapping, "--db", other, "--accept-quarantine").exit_code == 0
    result = cli("convert", "run", mapping, "--db", other, "--corrections", request)
    request_id = load_workbook(request)[wb.GUIDE_SHEET]["B3"].value
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {request}: このファイルの依頼 {request_id} はデータベースにありません — 書き出したときの"
        "データベース（--db）で適用してください\n",
    )
    missing = tmp_path / "none.xlsx"
    result = cli("convert", "run", mapping, "--db", db, "--corrections", missing)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {missing}: 補正ファイルが見つかりません — --corrections に渡したパスを確かめてください\n",
    )
