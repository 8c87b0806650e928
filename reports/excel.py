"""The look every workbook of the toolkit shares, and the helpers of the workbooks built with openpyxl.

Reports (a :class:`~reports.tables.Document`) are written by :mod:`reports.excel_report` with XlsxWriter; the
workbooks people fill in and fitgap reads back or edits (the assessment template, the 文字同定 sheet, the
cleansing request, suggestions) are built with openpyxl through the helpers here. Both mask every text by value
(:mod:`reports.masking`), keep a text that a spreadsheet would take for a formula as text, and give every visible
sheet the same print setup (A4 landscape, fit to width, header rows repeated, 団体名 / 帳票名 / 作成日時 and page
numbers in the header and footer: :func:`page_texts`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Literal, NamedTuple

from reports.clock import local_time
from reports.masking import mask_cell, mask_text

FONT_NAME = "Meiryo"  # installed with every Japanese Windows; LibreOffice substitutes a CJK font
HEADER_FILL = "1F4E78"
ROW_FILLS = {"danger": "F8CBAD", "warning": "FFE699", "muted": "EDEDED", "total": "DDEBF7"}
PAPER_A4 = "9"
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
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name as Excel counts it: at most 31 UTF-16 units, none of []:*?/\\, no apostrophe
    at either end, unique whatever the case (Excel takes ``Gaps`` and ``gaps`` for one sheet)."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    base = utf16_cut(cleaned, 31).strip("'") or "Sheet"
    taken = {u.casefold() for u in used}
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = utf16_cut(base, 31 - len(suffix)).rstrip("'") + suffix, n + 1
    used.add(name)
    return name


def utf16_cut(text: str, limit: int) -> str:
    """The longest start of ``text`` of at most ``limit`` UTF-16 units, the way Excel counts a text's length
    (a character outside the BMP, such as 𠮷, counts two)."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def _header_text(text: str) -> str:
    """A text in a header or footer: ``&`` starts a code there (``&P``), so a literal one is doubled."""
    return text.replace("&", "&&")


def print_setup(
    sheet: Any,
    *,
    title: str,
    municipality: str | None,
    created: dt.datetime | None,
    header_row: int | None,
    one_page: bool = False,
    lang: Literal["ja", "en"] = "ja",
    unmask: bool = False,
) -> None:
    """The print setup of every sheet fitgap writes: A4 landscape, fit to the page width (``one_page``: the
    whole sheet on one page), ``header_row`` repeated on every page, and in the header 団体名 (left) and the
    帳票名 ``title`` (centre), in the footer 作成日時 (left, Asia/Tokyo), the sheet's name (centre) and
    ページ x / y (right). Texts are masked by value like every cell."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    texts = page_texts(title=title, municipality=municipality, created=created, lang=lang, unmask=unmask)
    if texts.header_left:  # an empty part would be written as a bare "&L" that readers misparse
        sheet.oddHeader.left.text = texts.header_left
    sheet.oddHeader.center.text = texts.header_center
    sheet.oddFooter.left.text = texts.footer_left
    sheet.oddFooter.center.text = texts.footer_center
    sheet.oddFooter.right.text = texts.footer_right


class PageTexts(NamedTuple):
    """The header and footer of a printed page, codes included (``&P`` …), a literal ``&`` doubled."""

    header_left: str
    header_center: str
    footer_left: str
    footer_center: str
    footer_right: str


# Excel keeps at most 255 UTF-16 units in a header or footer (codes included); a part gets a share of them.
_PART_LIMIT = 100


def page_texts(
    *, title: str, municipality: str | None, created: dt.datetime | None, lang: str, unmask: bool
) -> PageTexts:
    """The texts of :func:`print_setup` (and of the Excel report's sheets): 団体名 left and 帳票名 centre in the
    header, 作成日時 (Asia/Tokyo), the sheet's name and ページ x / y in the footer; masked by value."""
    when = local_time(created).strftime("%Y-%m-%d %H:%M")

    def part(text: str | None) -> str:
        text = utf16_cut(_header_text(mask_text(text, unmask=unmask) or ""), _PART_LIMIT)
        return text[:-1] if (len(text) - len(text.rstrip("&"))) % 2 else text  # no "&" cut from its pair

    return PageTexts(
        header_left=part(municipality),
        header_center=part(title),
        footer_left=f"作成日時 {when}" if lang == "ja" else f"Created {when}",
        footer_center="&A",  # the sheet's name: which business a printed page belongs to
        footer_right="ページ &P / &N" if lang == "ja" else "Page &P / &N",
    )
