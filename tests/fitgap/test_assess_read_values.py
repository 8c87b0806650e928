"""The assessment reader reads values in one pass (``spec_catalog.importers.workbook.read_values``): the same
values, sizes and merged ranges as openpyxl's normal mode, for a workbook Excel wrote (shared strings, merged
headers) and one openpyxl wrote (inline strings, rich text); and the same one-line error for a damaged sheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from spec_catalog.base import InputFileError
from spec_catalog.importers.workbook import find_header_in_sheet, read_values
from spec_catalog.language import chosen

from conftest import CliResult


def _same_as_openpyxl(path: Path) -> None:
    """Every sheet of ``path`` read by :func:`read_values` as openpyxl's normal mode reads it."""
    expected = load_workbook(path, data_only=True)
    values = read_values(path)
    assert values.sheetnames == expected.sheetnames
    for sheet in expected.worksheets:
        got = values[sheet.title]
        rows, columns = sheet.max_row, sheet.max_column  # before cell(): openpyxl adds the cells it is asked for
        assert (got.title, got.max_row, got.max_column) == (sheet.title, rows, columns)
        assert sorted(str(r) for r in got.merged_cells.ranges) == sorted(str(r) for r in sheet.merged_cells.ranges)
        assert list(got.iter_rows(values_only=True)) == list(sheet.iter_rows(values_only=True)), sheet.title
        window = {"min_row": 2, "max_row": rows + 1, "min_col": 2, "max_col": columns + 1}
        assert list(got.iter_rows(**window, values_only=True)) == list(sheet.iter_rows(**window, values_only=True))
        for row in range(1, rows + 2):
            for column in range(1, columns + 2):
                want = sheet.cell(row=row, column=column).value
                assert got.cell(row=row, column=column).value == want, (sheet.title, row, column)


def test_a_workbook_excel_wrote_reads_as_in_openpyxl(spec_workbook: Path) -> None:
    # Shared strings, merged two-row headers, multi-line cells, numbers and texts.
    _same_as_openpyxl(spec_workbook)


def _openpyxl_workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "値"
    rows: list[list[Any]] = [
        ["機能ID", "機能名称", "現行利用", "判定"],
        ["0010001", "住民票の写しの交付", "使用中", "標準機能で対応"],
        [10001, 1.5, True, dt.date(2026, 11, 26)],
        ["  前後に空白  ", "", "改行\nあり", dt.datetime(2026, 11, 26, 10, 15)],
        [None, "=SUM(A1:A2)", False, -3],
    ]
    for row in rows:
        sheet.append(row)
    sheet["B6"] = CellRichText(["太字", TextBlock(InlineFont(b=True), "と"), "通常"])
    sheet["C6"] = CellRichText([TextBlock(InlineFont(i=True), "斜体だけ")])
    sheet["A8"] = "隠れる値"  # under a merge: openpyxl's normal mode shows none
    sheet["B8"] = "結合の中"
    sheet.merge_cells("A7:B8")
    sheet["A7"] = "結合の左上"
    sheet["F12"].font = Font(bold=True)  # a styled, empty cell: it counts for max_row and max_column
    sheet.row_dimensions[15].height = 30  # a row with a height and no cell: it does not
    other = workbook.create_sheet("空")
    other.row_dimensions[3].height = 20
    workbook.save(path)
    return path


def test_a_workbook_openpyxl_wrote_reads_as_in_openpyxl(tmp_path: Path) -> None:
    # Inline strings (plain, rich text, spaces kept), numbers, booleans, dates, a merge over values, an empty sheet.
    _same_as_openpyxl(_openpyxl_workbook(tmp_path / "v.xlsx"))


def test_values_keep_texts_as_typed(tmp_path: Path) -> None:
    values = read_values(_openpyxl_workbook(tmp_path / "v.xlsx"))["値"]
    assert [values.value(r, c) for r, c in [(4, 1), (4, 2), (4, 3), (6, 2), (6, 3), (7, 1), (8, 1), (8, 2)]] == [
        "  前後に空白  ",
        None,  # openpyxl writes an empty text as an empty cell
        "改行\nあり",
        "太字と通常",
        "斜体だけ",
        "結合の左上",
        None,
        None,
    ]
    assert (values.max_row, values.max_column) == (12, 6)


def test_header_found_through_a_merged_label(tmp_path: Path) -> None:
    # The header search follows merged ranges in the values as in a normal openpyxl sheet.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["機能", None, "現行利用"])
    sheet.append(["機能ID", "名称", None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:C2")
    sheet.append(["0010001", "交付", "使用中"])
    workbook.save(tmp_path / "m.xlsx")
    aliases: dict[str, tuple[str, ...]] = {
        "function_id": ("機能_機能id",),
        "name": ("機能_名称",),
        "current_use": ("現行利用",),
    }
    required = ("function_id", "name", "current_use")
    from_values = find_header_in_sheet(read_values(tmp_path / "m.xlsx").worksheets[0], aliases, required)
    from_openpyxl = find_header_in_sheet(load_workbook(tmp_path / "m.xlsx").active, aliases, required)
    assert from_values is not None and from_openpyxl is not None
    assert (from_values.row, from_values.columns) == (from_openpyxl.row, from_openpyxl.columns)
    assert (from_values.row, from_values.columns) == (2, {"function_id": [1], "name": [2], "current_use": [3]})


def _damaged_sheet(path: Path) -> Path:
    """A sound package whose first sheet's XML is cut off: read-only mode sees it only when the sheet is read."""
    Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:80]
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_a_damaged_sheet_is_one_error(tmp_path: Path) -> None:
    path = _damaged_sheet(tmp_path / "d.xlsx")
    with chosen("en"), pytest.raises(InputFileError) as raised:
        read_values(path)
    assert (raised.value.where, raised.value.message, raised.value.hint) == (
        str(path),
        "the workbook is corrupted and cannot be read (damaged XML)",
        "open and re-save it in Excel, or download it again",
    )


def test_assess_score_on_a_damaged_sheet_exits_2_with_one_line(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    path = _damaged_sheet(tmp_path / "d.xlsx")
    result = cli("--lang", "en", "assess", "score", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {path}: the workbook is corrupted and cannot be read (damaged XML) — open and re-save it in Excel, "
        "or download it again"
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_a_workbook_read_ahead_in_a_second_process_has_the_values_read_here(tmp_path: Path) -> None:
    # `assess score` reads the workbook in a forked process while the catalog loads (fitgap.assessment.ahead).
    import multiprocessing

    from fitgap.assessment.ahead import read_ahead

    path = _openpyxl_workbook(tmp_path / "w.xlsx")
    here = read_values(path)
    with read_ahead(path) as values:
        ahead = values()
    assert [(s.title, list(s.iter_rows(values_only=True))) for s in ahead.worksheets] == [
        (s.title, list(s.iter_rows(values_only=True))) for s in here.worksheets
    ]
    assert [sorted(map(str, s.merged_cells.ranges)) for s in ahead.worksheets] == [
        sorted(map(str, s.merged_cells.ranges)) for s in here.worksheets
    ]
    assert not multiprocessing.active_children()  # the second process is gone once the block is left


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04 damaged"])
def test_a_workbook_read_ahead_that_cannot_be_read_raises_this_processs_own_error(
    tmp_path: Path, content: bytes
) -> None:
    from fitgap.assessment.ahead import read_ahead

    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as here:
        read_values(path)
    with pytest.raises(InputFileError) as ahead, read_ahead(path) as values:
        values()
    assert str(ahead.value) == str(here.value)


def test_leaving_the_block_early_stops_the_second_process(tmp_path: Path) -> None:
    import multiprocessing

    from fitgap.assessment.ahead import read_ahead

    path = _openpyxl_workbook(tmp_path / "w.xlsx")
    with pytest.raises(RuntimeError), read_ahead(path):
        raise RuntimeError("the catalog did not load")
    assert not multiprocessing.active_children()
