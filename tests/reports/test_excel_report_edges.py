"""The Excel report with what XlsxWriter would refuse or misread: sheet names Excel takes for one (case) or
refuses (an apostrophe at an end, 31 UTF-16 units), a header with "&G" or too long for Excel's 255 units, a chart
title that looks like a cell reference, a NaN (no value: an empty cell). Each is written, and read back with openpyxl, without a warning."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.excel import sheet_title, utf16_cut
from reports.excel_report import write_document
from reports.tables import Chart, Column, Document, Series, Table


def _table(sheet: str, rows: tuple[tuple[object, ...], ...] = (("a",),)) -> Table:
    return Table(title=sheet, sheet=sheet, columns=(Column(header="値"),), rows=rows)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _warnings_are_errors() -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter only warns when it leaves a header out
        yield


def test_sheet_names_are_unique_whatever_the_case_and_valid_as_excel_counts() -> None:
    used: set[str] = set()
    names = [sheet_title(t, used) for t in ("Gaps", "gaps", "'引用'", "𠮷" * 20, "a" * 40, "A" * 40)]
    assert names == ["Gaps", "gaps (2)", "引用", "𠮷" * 15, "a" * 31, "A" * 27 + " (2)"]


def test_utf16_cut_counts_a_character_outside_the_bmp_twice() -> None:
    assert utf16_cut("𠮷𠮷a", 3) == "𠮷"
    assert utf16_cut("abc", 5) == "abc"


def test_a_report_with_such_sheet_names_is_written(tmp_path: Path) -> None:
    tables = tuple(_table(name) for name in ("Gaps", "gaps", "'引用'", "𠮷" * 20))
    book = load_workbook(write_document(Document(title="t", tables=tables), tmp_path / "r.xlsx"))
    assert book.sheetnames == ["Gaps", "gaps (2)", "引用", "𠮷" * 15]


def test_a_header_with_an_ampersand_g_and_one_too_long_are_both_kept(tmp_path: Path) -> None:
    document = Document(title="AT&G 報告" + "&" * 200, municipality="𠮷" * 200, tables=(_table("一覧"),))
    sheet = load_workbook(write_document(document, tmp_path / "r.xlsx"))["一覧"]
    assert sheet.oddHeader.center.text.startswith("AT＆G 報告&&")  # the G after a literal & is not a picture
    assert sheet.oddHeader.left.text == "𠮷" * 50  # 100 UTF-16 units
    assert (len(sheet.oddHeader.center.text) - len("AT＆G 報告")) % 2 == 0  # no & cut from its pair


def test_a_chart_title_like_a_cell_reference_stays_a_title(tmp_path: Path) -> None:
    chart = Chart(
        title="注意!A1 件数",
        sheet="一覧",
        y_title="件数!B2",
        categories=("a",),
        series=(Series(name="s", values=(1.0,)),),
    )
    path = write_document(Document(title="t", tables=(_table("一覧"),), charts=(chart,)), tmp_path / "r.xlsx")
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/charts/chart1.xml").decode()
    references = re.findall(r"<c:f>([^<]*)</c:f>", xml)
    assert "_chart_data!$A$1" in references and "_chart_data!$C$1" in references  # the title, the axis title
    assert all(r.startswith("_chart_data!") for r in references)  # no title taken for a reference
    data = load_workbook(path)["_chart_data"]
    assert (data["A1"].value, data["C1"].value) == ("注意!A1 件数", "件数!B2")


def test_not_a_number_is_written_as_an_empty_cell(tmp_path: Path) -> None:
    table = Table(title="率", columns=(Column(header="率", format="percent"),), rows=((float("nan"),), (0.5,)))
    sheet = load_workbook(write_document(Document(title="t", tables=(table,)), tmp_path / "r.xlsx"))["率"]
    assert (sheet["A2"].value, sheet["A3"].value) == (None, 0.5)  # no value, and no formula such as =#NUM!
