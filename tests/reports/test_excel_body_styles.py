"""Body cells of a report table: each kind gets its style (font, fill, alignment, number format), whether it is
the first cell of its kind or a later one, and the quote prefix that keeps a formula-looking text a text stays on
that cell alone. Read back with openpyxl; colours compared without their alpha byte (XlsxWriter writes FF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from openpyxl import load_workbook

from reports.excel import FONT_NAME, ROW_FILLS
from reports.excel_report import write_document
from reports.tables import Cell, Column, Document, RowStyle, Table

COLUMNS = (
    Column(header="名称"),
    Column(header="率", format="percent"),
    Column(header="件数", format="integer"),
    Column(header="期限", format="date"),
)
# (row style, row): every row style at least twice, texts with and without a line break, and formula-looking texts.
ROWS: tuple[tuple[RowStyle | None, tuple[Cell, ...]], ...] = (
    (None, ("住民票", 0.5, 3, "2026-11-26")),
    (None, ("=1+2", 0.25, -1, "")),
    ("danger", ("一行目\n二行目", 1.0, 0, "2026-12-01")),
    ("danger", ("@SUM(A1)", 0.0, 7, "2026-12-02")),  # the first of its kind has the prefix, the next has none
    ("danger", ("後の行", 0.5, 1, "2026-12-03")),
    ("warning", ("要確認", 0.75, 2, "不明")),
    ("warning", ("-注意\n続き", 0.1, 5, "2027-01-01")),
    ("muted", ("対象外", None, None, None)),
    ("muted", ("対象外", None, None, None)),
    ("total", ("合計", 0.6, 17, "")),
    (None, ("住民票", 0.5, 3, "2026-11-26")),
)
FORMATS = {"text": "General", "percent": "0.0%", "integer": "0", "date": "yyyy-mm-dd"}


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Any:
    table = Table(
        title="一覧",
        columns=COLUMNS,
        rows=tuple(row for _, row in ROWS),
        row_styles=tuple(style for style, _ in ROWS),
    )
    path = write_document(Document(title="体裁", tables=(table,)), tmp_path_factory.mktemp("styles") / "s.xlsx")
    return load_workbook(path)["一覧"]


def _expected(style: str | None, value: Cell, column: Column) -> dict[str, object]:
    wrap = isinstance(value, str) and "\n" in value
    # A text in a date column stays text, formatted as a date all the same (the column's style).
    stored_date = column.format == "date" and isinstance(value, str) and value[:1].isdigit()
    return {
        "font": (FONT_NAME, 10.0, style == "total"),
        "fill": ("solid", ROW_FILLS[style]) if style else (None, "000000"),
        "alignment": ("top", wrap),
        "number_format": FORMATS[column.format],
        "quote_prefix": isinstance(value, str) and value.startswith(("=", "+", "-", "@")),
        # An empty text is written as an empty cell.
        "value": dt.datetime.fromisoformat(value) if stored_date else (None if value == "" else value),  # type: ignore[arg-type]
    }


def _actual(cell: Any) -> dict[str, object]:
    return {
        "font": (cell.font.name, cell.font.sz, bool(cell.font.b)),
        "fill": (cell.fill.fill_type, cell.fill.fgColor.rgb[-6:]),
        "alignment": (cell.alignment.vertical, bool(cell.alignment.wrap_text)),
        "number_format": cell.number_format,
        "quote_prefix": cell.quotePrefix,
        "value": cell.value,
    }


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[f"row{i + 1}-{s or 'plain'}" for i, (s, _) in enumerate(ROWS)])
def test_each_body_cell_has_the_style_of_its_kind(sheet: Any, index: int) -> None:
    style, values = ROWS[index]
    row = index + 2  # below the header row
    for column_number, (value, column) in enumerate(zip(values, COLUMNS, strict=True), start=1):
        cell = sheet.cell(row=row, column=column_number)
        assert _actual(cell) == _expected(style, value, column), cell.coordinate


def test_the_header_row_keeps_its_own_style(sheet: Any) -> None:
    cell = sheet["A1"]
    assert (cell.value, cell.font.b, cell.font.color.rgb[-6:], cell.fill.fgColor.rgb[-6:]) == (
        "名称",
        True,
        "FFFFFF",
        "1F4E78",
    )
