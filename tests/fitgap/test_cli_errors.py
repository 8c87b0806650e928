"""Every bad spec workbook gets one clear line and exit code 2; --debug shows the traceback."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CliResult
from workbooks import write_sheet

Cli = Callable[..., CliResult]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_xlsx(tmp: Path) -> Path:
    path = tmp / "spec.xlsx"
    path.write_text("データ項目ID,データ項目\n", encoding="utf-8")
    return path


def _password(tmp: Path) -> Path:
    # An encrypted OOXML file is an OLE compound file holding an EncryptionInfo stream.
    path = tmp / "locked.xlsx"
    path.write_bytes(OLE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64)
    return path


def _xls(tmp: Path) -> Path:
    path = tmp / "old.xls"
    path.write_bytes(OLE + b"\x00" * 1024)
    return path


def _corrupted(tmp: Path) -> Path:
    path = tmp / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
    return path


def _truncated(tmp: Path) -> Path:
    good = write_sheet(tmp / "good.xlsx", [["機能ID", "機能名称", "実装区分"], ["0010001", "転入", "実装必須機能"]])
    path = tmp / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[:200])
    return path


def _wrong_sheets(tmp: Path) -> Path:
    return write_sheet(tmp / "budget.xlsx", [["予算科目", "金額"], ["総務費", 100]], title="予算")


def _empty(tmp: Path) -> Path:
    return write_sheet(tmp / "empty.xlsx", [])


def _directory(tmp: Path) -> Path:
    (tmp / "folder.xlsx").mkdir()
    return tmp / "folder.xlsx"


CASES = {
    "not-xlsx": (
        _not_xlsx,
        "not an .xlsx workbook (the file is not a ZIP/OOXML package) — give the 項目定義書 or "
        "function list as an .xlsx file",
    ),
    "password": (
        _password,
        "the workbook is password-protected — open it in Excel, remove the password "
        "(ファイル > 情報 > ブックの保護) and save as .xlsx",
    ),
    "xls": (_xls, "this is an old .xls (Excel 97-2003) file, not .xlsx — save it as .xlsx in Excel"),
    "corrupted": (
        _corrupted,
        "the workbook is corrupted and cannot be read (damaged XML) — open and re-save it in "
        "Excel, or download it again",
    ),
    "truncated": (
        _truncated,
        "not an .xlsx workbook (the file is not a ZIP/OOXML package) — give the 項目定義書 or "
        "function list as an .xlsx file",
    ),
    "wrong-sheets": (
        _wrong_sheets,
        "no spec sheet found (sheets: '予算'); expected a 項目定義書 header (データ項目ID, "
        "データ項目, データ項目（ローマ字）, グループ, データ型, データ出力条件) or a function list "
        "(機能ID, 機能名称, 実装区分) — give an official 項目定義書 / 機能要件 workbook, or name "
        "the columns with --column FIELD=HEADER",
    ),
    "empty": (
        _empty,
        "no spec sheet found (sheets: 'Sheet1'); expected a 項目定義書 header (データ項目ID, データ項目, "
        "データ項目（ローマ字）, グループ, データ型, データ出力条件) or a function list (機能ID, 機能名称, "
        "実装区分) — give an official 項目定義書 / 機能要件 workbook, or name the columns with --column "
        "FIELD=HEADER",
    ),
    "directory": (_directory, "is a directory, not an .xlsx workbook"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_workbook_gets_one_line_and_exit_2(cli: Cli, tmp_path: Path, case: str) -> None:
    make, message = CASES[case]
    path = make(tmp_path)
    result = cli("catalog", "import", path, "--into", tmp_path / "cat")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: {message}\n"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cat").exists()  # nothing half-written


def test_missing_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("catalog", "import", tmp_path / "nope.xlsx")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {tmp_path / 'nope.xlsx'}: file not found — check the path\n",
    )


def test_debug_shows_the_traceback(cli: Cli, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="password-protected"):
        cli("--debug", "catalog", "import", _password(tmp_path))


def test_usage_errors_exit_2(cli: Cli) -> None:
    result = cli("catalog", "show")
    assert result.exit_code == 2
    assert "Missing argument 'business'" in result.stderr
    assert cli("catalog", "frobnicate").exit_code == 2
    assert cli("--version").stdout.startswith("fitgap 0.1.0")
