"""Every bad spec workbook gets one clear line and exit code 2; --debug shows the traceback."""

from __future__ import annotations

import re
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
    result = cli("--lang", "en", "catalog", "import", path, "--into", tmp_path / "cat")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: {message}\n"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cat").exists()  # nothing half-written


@pytest.mark.parametrize("case", list(CASES))
def test_bad_workbook_is_told_in_japanese_by_default(cli: Cli, tmp_path: Path, case: str) -> None:
    make, english = CASES[case]
    path = make(tmp_path)
    result = cli("catalog", "import", path, "--into", tmp_path / "cat")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"エラー: {path}: ") and result.stderr.count("\n") == 1
    message = result.stderr.removeprefix(f"エラー: {path}: ")
    # The same facts, in Japanese: no sentence of the English text is left (codes and header names may be).
    assert english.split(" — ")[0] not in message and english.split(" — ")[-1] not in message
    assert re.search(r"[ぁ-ん]", message), message  # kana: a Japanese sentence, not only kanji item names


def test_missing_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("catalog", "import", tmp_path / "nope.xlsx")
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {tmp_path / 'nope.xlsx'}: ファイルが見つかりません — パスを確かめてください\n",
    )
    english = cli("catalog", "import", tmp_path / "nope.xlsx", "--lang", "en")
    assert english.stderr == f"Error: {tmp_path / 'nope.xlsx'}: file not found — check the path\n"


def test_debug_shows_the_traceback(cli: Cli, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="password-protected"):
        cli("--debug", "--lang", "en", "catalog", "import", _password(tmp_path))


def test_usage_errors_exit_2(cli: Cli) -> None:
    result = cli("catalog", "show")
    assert (result.exit_code, result.stderr) == (
        2,
        "エラー: 引数 'business' を指定してください — 'fitgap catalog show --help' で使い方を確かめてください\n",
    )
    english = cli("--lang", "en", "catalog", "show")
    assert (english.exit_code, english.stderr) == (
        2,
        "Error: Missing argument 'business'. — see 'fitgap catalog show --help'\n",
    )
    unknown = cli("catalog", "frobnicate")
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "エラー: コマンド 'frobnicate' はありません — 'fitgap catalog --help' で使い方を確かめてください\n",
    )
    assert cli("--version").stdout.startswith("fitgap 0.1.0")


@pytest.mark.parametrize(
    ("args", "japanese"),
    [
        (("catalog", "list", "--bogus"), "オプション --bogus はありません"),
        (("catalog", "list", "--jsn"), "オプション --jsn はありません（候補: --json）"),
        (
            ("catalog", "list", "--lang", "fr"),
            "'--lang' の値が正しくありません: 'fr' は使えません（使える値: 'ja', 'en'）",
        ),
        (("catalog", "list", "extra"), "余分な引数があります: extra"),
        (("catalog", "list", "--catalog"), "オプション --catalog には値が必要です — 'fitgap catalog list --help' で"),
        (("catalog", "shw", "001"), "コマンド 'shw' はありません（'show' の書き間違いではありませんか？） — "),
    ],
)
def test_usage_errors_are_told_in_japanese(cli: Cli, args: tuple[str, ...], japanese: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"エラー: {japanese}"), result.stderr


def test_help_is_japanese_by_default_and_english_on_request(cli: Cli) -> None:
    japanese = cli("convert", "--help")
    assert japanese.exit_code == 0
    assert "使い方: fitgap convert" in japanese.stdout and "オプション" in japanese.stdout
    assert "このヘルプを表示して終了します。" in japanese.stdout and "Show this message" not in japanese.stdout
    english = cli("--lang", "en", "convert", "--help")
    assert "Usage: fitgap convert" in english.stdout and "Show this message and exit." in english.stdout
    # The next run in the same process is Japanese again: one run's language does not stick.
    assert "使い方: fitgap convert" in cli("convert", "--help").stdout
