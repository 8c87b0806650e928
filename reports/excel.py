"""Excel rendering with openpyxl: one sheet per table, the same look in every report of the toolkit."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from reports.tables import Document, Table
from spec_catalog.base import FitgapError

FONT_NAME = "Meiryo"  # installed with every Japanese Windows; LibreOffice substitutes a CJK font
_HEADER_FILL = "1F4E78"
_MAX_WIDTH = 60


def _display_width(value: object) -> int:
    text = "" if value is None else str(value).split("\n")[0]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_document(document: Document, path: Path) -> Path:
    """Write ``document`` as an .xlsx file: frozen header, filters, widths, a Japanese-capable font."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    body_font = Font(name=FONT_NAME, size=10)
    header_font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
    note_font = Font(name=FONT_NAME, size=10, italic=True, color="9C0006")
    for table in document.tables:
        sheet = workbook.create_sheet(_sheet_title(table.sheet or table.title, used))
        first = _write_note(sheet, table, document, note_font)
        for col, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=first, column=col, value=column.header)
            cell.font = header_font
            cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for r, row in enumerate(table.rows, start=first + 1):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=col, value=value)
                cell.font = body_font
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str) and "\n" in value)
        for col, column in enumerate(table.columns, start=1):
            widest = max([_display_width(column.header)] + [_display_width(row[col - 1]) for row in table.rows])
            sheet.column_dimensions[get_column_letter(col)].width = column.width or min(widest + 2, _MAX_WIDTH)
        sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
        last = get_column_letter(max(len(table.columns), 1))
        sheet.auto_filter.ref = f"A{first}:{last}{first + max(len(table.rows), 1)}"
    workbook.properties.title = document.title
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise FitgapError(
            f"cannot write the workbook: {exc.strerror}",
            where=path,
            hint="close it in Excel or choose another path",
        ) from None
    return path


def _write_note(sheet: object, table: Table, document: Document, font: object) -> int:
    """Notes (e.g. "sample catalog") above the header; returns the header row."""
    notes = [n for n in (document.note, table.note) if n]
    for row, note in enumerate(notes, start=1):
        cell = sheet.cell(row=row, column=1, value=note)  # type: ignore[attr-defined]
        cell.font = font
    return len(notes) + 1 if notes else 1
