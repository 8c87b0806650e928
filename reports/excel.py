"""Excel rendering with openpyxl: one sheet per table, the same look in every report of the toolkit.

Every cell fitgap writes, here and in the assessment template, goes through :func:`put`: text is masked by value
(:mod:`reports.masking`) and text that a spreadsheet would take for a formula stays text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

from reports.masking import mask_cell, mask_text
from reports.tables import Cell, Chart, Column, Document, Table
from spec_catalog.base import FitgapError

FONT_NAME = "Meiryo"  # installed with every Japanese Windows; LibreOffice substitutes a CJK font
HEADER_FILL = "1F4E78"
ROW_FILLS = {"danger": "F8CBAD", "warning": "FFE699", "muted": "EDEDED", "total": "DDEBF7"}
_MAX_WIDTH = 60
_NUMBER_FORMATS = {"percent": "0.0%", "integer": "0", "date": "yyyy-mm-dd"}
# A text starting with one of these is a formula to a spreadsheet (OWASP, CSV injection): it is kept as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put(cell: Any, value: object, *, unmask: bool = False) -> Any:
    """Set ``cell`` to ``value`` as every workbook of fitgap does; returns the cell.

    Text is masked by value (a 個人番号 anywhere shows its last four digits). Text that starts like a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) is stored as a string with Excel's quote prefix, so it is neither
    computed when the file opens nor when someone edits the cell; the text itself is unchanged. Numbers
    (negative ones too), dates and booleans are written as they are.
    """
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = mask_cell(value, unmask=unmask)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_cell(sheet: Any, row: int, column: int, value: object, *, unmask: bool = False) -> Any:
    """``sheet.cell(row, column)`` set through :func:`put`."""
    return put(sheet.cell(row=row, column=column), value, unmask=unmask)


def display_width(value: object) -> int:
    """Width of the first line of a value in character cells (full-width characters count two)."""
    text = "" if value is None else str(value).split("\n")[0]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_document(document: Document, path: Path, *, unmask: bool = False) -> Path:
    """Write ``document`` as an .xlsx file: frozen header, filters, widths, formats, colours, charts.

    Every text is masked by value and kept from being a formula (:func:`put`); ``unmask`` turns the masking off.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    placed: dict[str, tuple[Any, int]] = {}  # table sheet key -> (worksheet, first free row below it)
    for index, table in enumerate(document.tables):
        title = mask_text(table.sheet or table.title, unmask=unmask) or ""
        sheet = workbook.create_sheet(sheet_title(title, used))
        notes = [n for n in (document.note, table.note) if n]  # the sample label goes on every sheet
        facts = document.facts if index == 0 else ()
        last = _write_table(sheet, table, notes, facts, unmask)
        placed[table.sheet or table.title] = (sheet, last + 3)
    for chart in document.charts:
        sheet, row = placed.get(chart.sheet or "", next(iter(placed.values())))
        _add_chart(sheet, chart, row, unmask)
    workbook.properties.title = mask_text(document.title, unmask=unmask)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise FitgapError(
            f"cannot write the workbook: {exc.strerror}", where=path, hint="close it in Excel or choose another path"
        ) from None
    return path


def _write_table(sheet: Any, table: Table, notes: list[str], facts: tuple[tuple[str, str], ...], unmask: bool) -> int:
    """Notes and facts above the header, then the table; returns the last row written."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    row = 1
    for note in notes:
        write_cell(sheet, row, 1, note, unmask=unmask).font = Font(name=FONT_NAME, size=10, italic=True, color="9C0006")
        row += 1
    for label, fact in facts:
        write_cell(sheet, row, 1, label, unmask=unmask).font = Font(name=FONT_NAME, size=10, bold=True)
        write_cell(sheet, row, 2, fact, unmask=unmask).font = Font(name=FONT_NAME, size=10)
        row += 1
    if notes or facts:
        row += 1 if facts else 0
    header = row
    for col, column in enumerate(table.columns, start=1):
        cell = write_cell(sheet, header, col, column.header, unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r, values in enumerate(table.rows, start=header + 1):
        style = table.row_styles[r - header - 1] if table.row_styles else None
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            cell = sheet.cell(row=r, column=col)
            wrap = isinstance(value, str) and "\n" in value
            cell.style = _body_style(sheet.parent, style, wrap, column.format)
            put(cell, _excel_value(value, column), unmask=unmask)  # after the style: the quote prefix is a style
    last = header + len(table.rows)
    for col, column in enumerate(table.columns, start=1):
        widest = max(
            [display_width(column.header)]
            + [display_width(row[col - 1]) for row in table.rows]
            + [display_width(label) for label, _ in facts if col == 1]
        )
        sheet.column_dimensions[get_column_letter(col)].width = column.width or min(widest + 2, _MAX_WIDTH)
        if table.rows and column.scale != "none":
            _colour(sheet, column, f"{get_column_letter(col)}{header + 1}:{get_column_letter(col)}{last}")
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(max(len(table.columns), 1))}{max(last, header + 1)}"
    return last


def _body_style(workbook: Any, row_style: str | None, wrap: bool, fmt: str) -> str:
    """The name of a body-cell style, registered once per workbook: one named style per combination is
    far cheaper for openpyxl than a font, an alignment and a fill set on every cell."""
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

    name = f"fitgap-{row_style or 'plain'}-{'wrap' if wrap else 'line'}-{fmt}"
    if name not in workbook.named_styles:
        named = NamedStyle(name=name)
        named.font = Font(name=FONT_NAME, size=10, bold=row_style == "total")
        named.alignment = Alignment(vertical="top", wrap_text=wrap)
        if fmt in _NUMBER_FORMATS:
            named.number_format = _NUMBER_FORMATS[fmt]
        if row_style:
            named.fill = PatternFill("solid", fgColor=ROW_FILLS[row_style])
        workbook.add_named_style(named)
    return name


def _excel_value(value: Cell, column: Column) -> object:
    if column.format == "date" and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _colour(sheet: Any, column: Column, cells: str) -> None:
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
    from openpyxl.styles import Font, PatternFill

    if column.scale == "alert_if_positive":
        sheet.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="greaterThan",
                formula=["0"],
                fill=PatternFill("solid", fgColor="FFC7CE"),
                font=Font(color="9C0006", bold=True),
            ),
        )
        return
    low, high = ("F8696B", "63BE7B") if column.scale == "higher_is_better" else ("63BE7B", "F8696B")
    sheet.conditional_formatting.add(
        cells,
        ColorScaleRule(
            start_type="min",
            start_color=low,
            mid_type="percentile",
            mid_value=50,
            mid_color="FFEB84",
            end_type="max",
            end_color=high,
        ),
    )


def _add_chart(sheet: Any, chart: Chart, row: int, unmask: bool) -> None:
    """A native bar chart; its data go in columns far right of the sheet (hidden data would not be drawn)."""
    from openpyxl.chart import BarChart, Reference

    first_col = 40  # column AN: out of the way of the table
    write_cell(sheet, row, first_col, chart.title, unmask=unmask)
    for s, series in enumerate(chart.series, start=1):
        write_cell(sheet, row, first_col + s, series.name, unmask=unmask)
    for c, category in enumerate(chart.categories, start=1):
        write_cell(sheet, row + c, first_col, category, unmask=unmask)
        for s, series in enumerate(chart.series, start=1):
            write_cell(sheet, row + c, first_col + s, series.values[c - 1], unmask=unmask)
    bar = BarChart()
    bar.type = "col"
    bar.title = mask_text(chart.title, unmask=unmask)
    bar.grouping = "stacked" if chart.stacked else "clustered"
    if chart.stacked:
        bar.overlap = 100
    bar.y_axis.title = mask_text(chart.y_title, unmask=unmask)
    n = len(chart.categories)
    data = Reference(sheet, min_col=first_col + 1, max_col=first_col + len(chart.series), min_row=row, max_row=row + n)
    bar.add_data(data, titles_from_data=True)
    bar.set_categories(Reference(sheet, min_col=first_col, min_row=row + 1, max_row=row + n))
    bar.width, bar.height = max(16, 2 + 1.2 * n), 8
    sheet.add_chart(bar, f"A{row}")
