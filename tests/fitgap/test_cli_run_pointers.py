"""``convert run`` points to what comes next: its closing line names the command that lists the quarantine (not
a SQL table), and a --corrections file that is no workbook gets the hint for that option."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CliResult

Cli = Callable[..., CliResult]


def test_the_closing_line_names_the_quarantine_command(cli: Cli, residents: Path, tmp_path: Path) -> None:
    mapping, db = residents / "mapping-csv.yaml", tmp_path / "m.duckdb"
    run = cli("convert", "run", mapping, "--db", db, "--accept-quarantine")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[-1] == (
        f"移行エラーの内容: fitgap convert quarantine {mapping} --db {db}（--xlsx で補正依頼ブック）"
    )
    assert "fitgap_quarantine" not in run.stdout
    english = cli("convert", "run", mapping, "--db", db, "--accept-quarantine", "--lang", "en")
    assert english.exit_code == 0, english.stderr
    assert english.stdout.splitlines()[-1] == (
        f"Quarantined rows: fitgap convert quarantine {mapping} --db {db} (--xlsx for the cleansing-request workbook)"
    )


def test_a_dry_run_names_no_quarantine(cli: Cli, residents: Path, tmp_path: Path) -> None:
    run = cli("convert", "run", residents / "mapping-csv.yaml", "--db", tmp_path / "m.duckdb", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "convert quarantine" not in run.stdout


def _not_a_workbook(path: Path) -> Path:
    path.write_text("行,補正後の値\n8,3600214\n", encoding="utf-8")  # a CSV saved under the workbook's name
    return path


def _no_workbook_inside(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "no workbook")
    return path


CORRECTIONS = {
    "no workbook at all: the option's hint": (
        _not_a_workbook,
        ".xlsx のブックではありません（ZIP/OOXML の形式ではありません） — convert quarantine --xlsx で書き出した"
        "補正依頼ブックを指定してください",
        "not an .xlsx workbook (the file is not a ZIP/OOXML package) — give the cleansing-request workbook written "
        "by convert quarantine --xlsx",
    ),
    "a damaged workbook keeps its own hint": (
        _no_workbook_inside,
        "ブックが壊れていて読めません（KeyError） — Excel で開いて保存し直すか、もう一度ダウンロードしてください",
        "the workbook is corrupted and cannot be read (KeyError) — open and re-save it in Excel, or download it again",
    ),
}


@pytest.mark.parametrize(("make", "japanese", "english"), list(CORRECTIONS.values()), ids=list(CORRECTIONS))
def test_a_corrections_file_that_is_no_workbook(
    cli: Cli,
    residents: Path,
    tmp_path: Path,
    make: Callable[[Path], Path],
    japanese: str,
    english: str,
) -> None:
    mapping, db = residents / "mapping-csv.yaml", tmp_path / "m.duckdb"
    assert cli("convert", "run", mapping, "--db", db, "--accept-quarantine").exit_code == 0
    corrections = make(tmp_path / "補正.xlsx")
    result = cli("convert", "run", mapping, "--db", db, "--corrections", corrections)
    assert (result.exit_code, result.stderr) == (2, f"エラー: {corrections}: {japanese}\n")
    result = cli("convert", "run", mapping, "--db", db, "--corrections", corrections, "--lang", "en")
    assert (result.exit_code, result.stderr) == (2, f"Error: {corrections}: {english}\n")
