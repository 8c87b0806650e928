"""The Excel report: a :class:`~reports.tables.Document` written with XlsxWriter, one sheet per table.

XlsxWriter writes a workbook once, front to back, which is all a report needs, and about four times faster than
openpyxl, which builds an object per cell and serialises it element by element (20 × 300 functions: 1.0 s
against 4.0 s). The look is the one every workbook of the toolkit shares (:mod:`reports.excel`): Meiryo, the
header fill, row colours, every text masked by value, a formula-like text kept as text (Excel's quote prefix),
the same print setup. Rows and columns are counted from 1 here, as a person reads them; XlsxWriter counts from 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

from reports.clock import local_time
from reports.excel import (
    FONT_NAME,
    FORMULA_STARTS,
    HEADER_FILL,
    PAPER_A4,
    ROW_FILLS,
    PageTexts,
    display_width,
    page_texts,
    sheet_title,
)
from reports.masking import mask_cell, mask_text
from reports.palette import STATUS_COLOURS, THRESHOLD_COLOUR
from reports.tables import Cell, Chart, Column, Document, Summary, Table
from spec_catalog.base import FitgapError
from spec_catalog.language import say

MAX_WIDTH = 60
DEFAULT_WIDTH = 13  # what a column without a width counts for when the summary spreads a long text
NUMBER_FORMATS = {"percent": "0.0%", "integer": "0", "date": "yyyy-mm-dd"}
KPI_FORMATS = {"percent": "0.0%", "integer": "#,##0", "date": "yyyy-mm-dd"}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SUMMARY_SHEET = {"ja": "概要", "en": "Summary"}
CHART_DATA_SHEET = "_chart_data"
CHART_ROWS = 18  # rows a chart 8 cm high covers, the colour legend under it, and a gap
_LEGEND_ROW = 16  # the row under the chart, counted from its first, that says what its colours mean
_PX_PER_CM = 96 / 2.54
# A header cell: white bold text on the header fill.
HEADER_STYLE: dict[str, object] = {
    "font_size": 10,
    "bold": True,
    "font_color": "#FFFFFF",
    "pattern": 1,
    "bg_color": f"#{HEADER_FILL}",
}
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?")


class _Book:
    """The XlsxWriter workbook with its formats, each made once (Excel keeps one style per combination), and
    every sheet's column widths (XlsxWriter keeps them to itself)."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter  # heavy: only commands that write a report pay for it

        # Text is written as text: no guessing of numbers, formulas or links from a string. In memory: nothing of
        # the report (unmasked with --unmask) is left in the temporary folder, and it is faster.
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "in_memory": True,
            },
        )
        self._formats: dict[tuple[tuple[str, object], ...], Any] = {}
        self.widths: dict[str, dict[int, float]] = {}

    def format(self, **properties: object) -> Any:
        key = tuple(sorted(properties.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format({"font_name": FONT_NAME, **properties})
        return found

    def sheet(self, name: str) -> Any:
        self.widths[name] = {}
        return self.workbook.add_worksheet(name)

    def set_width(self, sheet: Any, column: int, width: float) -> None:
        sheet.set_column(column - 1, column - 1, width)
        self.widths[sheet.name][column] = width

    def width(self, sheet: Any, column: int) -> float:
        return self.widths[sheet.name].get(column, DEFAULT_WIDTH)


def _colour(rgb: str) -> str:
    return f"#{rgb}"


def _write(book: _Book, sheet: Any, row: int, column: int, value: object, unmask: bool, **style: object) -> None:
    """One cell, 1-based, as every workbook of fitgap writes it (:func:`reports.excel.put`), in ``style``."""
    plain = book.format(**style) if style else None
    # The style with the quote prefix only for a text that needs it: every format made is written to the file.
    formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    quoted = book.format(**style, quote_prefix=True) if formula_like else plain
    _put(sheet, row - 1, column - 1, value, plain, quoted, unmask)


def _put(sheet: Any, r: int, c: int, value: object, plain: Any, quoted: Any, unmask: bool) -> None:
    """One cell, 0-based: text and a whole number that is a 個人番号 masked by value, a formula-like text kept as
    text in ``quoted`` (the style with the quote prefix), numbers, dates and booleans as they are in ``plain``, an
    empty text or None an empty cell that keeps its style."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        value = mask_cell(value, unmask=unmask)
    if isinstance(value, str):
        if not value:
            if plain is not None:
                sheet.write_blank(r, c, None, plain)
        else:
            sheet.write_string(r, c, value, quoted if value.startswith(FORMULA_STARTS) else plain)
    elif value is None:
        if plain is not None:
            sheet.write_blank(r, c, None, plain)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value, plain)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            sheet.write_number(r, c, value, plain)
        elif plain is not None:  # NaN or infinity: no value (XlsxWriter would refuse it, or write =#NUM!)
            sheet.write_blank(r, c, None, plain)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, value, plain)
    else:
        sheet.write_string(r, c, str(value), plain)


def _print_setup(sheet: Any, texts: PageTexts, header_row: int | None, one_page: bool) -> None:
    """The print setup of every sheet (:func:`reports.excel.print_setup`, the same texts)."""
    sheet.set_landscape()
    sheet.set_paper(int(PAPER_A4))
    sheet.fit_to_pages(1, 1 if one_page else 0)
    if header_row is not None:
        sheet.repeat_rows(header_row - 1)
    left = f"&L{texts.header_left}" if texts.header_left else ""  # an empty "&L" is misread by some readers
    # XlsxWriter takes any "&G" for a picture's place, also the G after a literal "&&": that & is full-width.
    sheet.set_header(f"{left}&C{texts.header_center}".replace("&&G", "＆G"))
    sheet.set_footer(f"&L{texts.footer_left}&C{texts.footer_center}&R{texts.footer_right}")


def write_document(document: Document, path: Path, *, unmask: bool = False) -> Path:
    """Write ``document`` as an .xlsx file: the one-page summary first (when the document has one), then one
    sheet per table with frozen header, filters, widths, formats and colours, native charts whose data sit on a
    hidden sheet, and the print setup on every sheet.

    Every text is masked by value and kept from being a formula; ``unmask`` turns the masking off.
    """
    from xlsxwriter.exceptions import FileCreateError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(path, exc.strerror) from None
    book = _Book(path)
    used: set[str] = set()
    printed: list[tuple[Any, int | None, bool]] = []  # (sheet, header row, on one page)
    notes = [n for n in (document.note,) if n]
    summary_sheet = None
    if document.summary is not None:
        summary_sheet = book.sheet(sheet_title(SUMMARY_SHEET[document.lang], used))
        _write_summary(book, summary_sheet, document.summary, notes, document.lang, unmask)
        printed.append((summary_sheet, 1, True))
    placed: dict[str, tuple[Any, int]] = {}  # table sheet key -> (worksheet, first free row below it)
    for index, table in enumerate(document.tables):
        title = mask_text(table.sheet or table.title, unmask=unmask) or ""
        sheet = book.sheet(sheet_title(title, used))
        table_notes = notes + [n for n in (table.note,) if n]  # the sample label goes on every sheet
        facts = document.facts if index == 0 else ()
        header, last = _write_table(book, sheet, table, table_notes, facts, unmask)
        placed.setdefault(table.sheet or table.title, (sheet, last + 3))
        printed.append((sheet, header, False))
    if document.charts:
        data = book.sheet(sheet_title(CHART_DATA_SHEET, used))
        data.hide()
        data_row = 1
        first = next(iter(placed), "")
        placed.setdefault(first, (summary_sheet, 1))  # a summary and no table: the charts go on the summary
        for chart in document.charts:
            key = chart.sheet if chart.sheet in placed else first
            sheet, row = placed[key]
            data_row = _add_chart(book, sheet, row, data, data_row, chart, document.lang, unmask)
            placed[key] = (sheet, row + CHART_ROWS)  # the next chart on this sheet goes below, not on top
    texts = page_texts(
        title=document.title,
        municipality=document.municipality,
        created=document.created,
        lang=document.lang,
        unmask=unmask,
    )
    for sheet, header_row, one_page in printed:
        _print_setup(sheet, texts, header_row, one_page)
    book.workbook.set_properties({"title": mask_text(document.title, unmask=unmask)})
    try:
        book.workbook.close()
    except FileCreateError as exc:  # XlsxWriter's wrapper of the OSError
        raise _cannot_write(path, getattr(exc.args[0], "strerror", None) or str(exc)) from None
    except OSError as exc:
        raise _cannot_write(path, exc.strerror) from None
    return path


def _cannot_write(path: Path, reason: str | None) -> FitgapError:
    return FitgapError(
        say(f"ブックを書き込めません: {reason}", f"cannot write the workbook: {reason}"),
        where=path,
        hint=say(
            "Excel で開いていれば閉じるか、別のパスを指定してください", "close it in Excel or choose another path"
        ),
    )


def _fact_value(value: Cell) -> tuple[object, str | None]:
    """A fact as Excel should hold it, with its number format: numbers stay numbers, an ISO date or moment
    (作成日時) becomes a date (Asia/Tokyo wall-clock time)."""
    if isinstance(value, bool) or value is None:
        return value, None
    if isinstance(value, int):
        return value, KPI_FORMATS["integer"]
    if isinstance(value, float):
        return value, "#,##0.0##"
    if _ISO_MOMENT.fullmatch(value.strip()):
        text = value.strip().replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return value, None
        if len(text) == 10:
            return moment.date(), NUMBER_FORMATS["date"]
        return local_time(moment), DATETIME_FORMAT
    return value, None


def _write_table(
    book: _Book, sheet: Any, table: Table, notes: list[str], facts: tuple[tuple[str, Cell], ...], unmask: bool
) -> tuple[int, int]:
    """Notes and facts above the header, then the table; returns the header row and the last row written."""
    row = 1
    for note in notes:
        _write(book, sheet, row, 1, note, unmask, font_size=10, italic=True, font_color=_colour("9C0006"))
        row += 1
    for label, fact in facts:
        _write(book, sheet, row, 1, label, unmask, font_size=10, bold=True)
        value, number_format = _fact_value(fact)
        masked = mask_cell(value, unmask=unmask) if isinstance(value, str | int) else value
        if number_format and not isinstance(masked, str):
            _write(book, sheet, row, 2, value, unmask, font_size=10, num_format=number_format)
        else:
            _write(book, sheet, row, 2, value, unmask, font_size=10)
        row += 1
    if notes or facts:
        row += 1 if facts else 0
    header = row
    last = _write_rows(book, sheet, table, header, unmask)
    _widths(book, sheet, table, [label for label, _ in facts])
    for col, column in enumerate(table.columns, start=1):
        if table.rows and column.scale != "none":
            _colour_scale(book, sheet, column, (header + 1, col, last, col))
    sheet.freeze_panes(header, 0)
    sheet.autofilter(header - 1, 0, max(last, header + 1) - 1, max(len(table.columns), 1) - 1)
    return header, last


def _write_rows(book: _Book, sheet: Any, table: Table, header: int, unmask: bool) -> int:
    """The table's header row at ``header`` and its rows below; returns the last row written."""
    for col, column in enumerate(table.columns, start=1):
        _write(book, sheet, header, col, column.header, unmask, **HEADER_STYLE, valign="vcenter", text_wrap=True)
    styles: dict[tuple[str | None, bool, str], tuple[Any, Any]] = {}  # (plain, with the quote prefix)
    masked: dict[object, object] = {}  # each distinct text or number masked once: a column repeats a few dozen
    for r, values in enumerate(table.rows, start=header):  # 0-based: the row under the header
        row_style = table.row_styles[r - header] if table.row_styles else None
        for c, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            key = (row_style, isinstance(value, str) and "\n" in value, column.format)
            pair = styles.get(key)
            if pair is None:
                style = _body_style(*key)
                pair = styles[key] = (book.format(**style), book.format(**style, quote_prefix=True))
            shown = _excel_value(value, column)
            if shown.__class__ is str or shown.__class__ is int:  # not bool: a truth value is never masked
                if shown not in masked:
                    masked[shown] = mask_cell(shown, unmask=unmask)
                shown = masked[shown]
            _put(sheet, r, c, shown, *pair, True)  # masked above
    return header + len(table.rows)


def _body_style(row_style: str | None, wrap: bool, fmt: str) -> dict[str, object]:
    """A body cell's style: Meiryo 10 (bold in a total row), top-aligned, wrapped when the text has a line
    break, the column's number format, the row's fill."""
    style: dict[str, object] = {"font_size": 10, "valign": "top"}
    if row_style == "total":
        style["bold"] = True
    if wrap:
        style["text_wrap"] = True
    if fmt in NUMBER_FORMATS:
        style["num_format"] = NUMBER_FORMATS[fmt]
    if row_style:
        style.update(pattern=1, bg_color=_colour(ROW_FILLS[row_style]))
    return style


def _widths(book: _Book, sheet: Any, table: Table | None, first_column: list[str]) -> None:
    """Column widths from the content: the table's cells, and ``first_column`` (labels above it) in column A."""
    columns = table.columns if table else ()
    for col, column in enumerate(columns, start=1):
        # Each distinct text measured once: a column of thousands of rows holds a few dozen texts.
        texts = {str(row[col - 1]) for row in table.rows if row[col - 1] is not None}  # type: ignore[union-attr]
        widest = max(
            [display_width(column.header)]
            + [display_width(text) for text in texts]
            + [display_width(label) for label in first_column if col == 1]
        )
        book.set_width(sheet, col, column.width or min(widest + 2, MAX_WIDTH))
    if not columns and first_column:
        book.set_width(sheet, 1, min(max(display_width(label) for label in first_column) + 2, MAX_WIDTH))


def _write_summary(book: _Book, sheet: Any, summary: Summary, notes: list[str], lang: str, unmask: bool) -> None:
    """The one-page summary: title, notes, the verdict coloured by its status, the KPIs as label and value
    (numbers with their formats), the top table and the next actions. Long texts are wrapped across the
    width of the top table so that nothing is cut off at the printed page's edge."""
    ja = lang == "ja"
    span = max(len(summary.top.columns) if summary.top else 0, 3)
    labels = [k.label for k in summary.kpis] + ["結論" if ja else "Verdict", "指標" if ja else "Key figure"]
    _widths(book, sheet, summary.top, labels)
    if summary.top is None:
        book.set_width(sheet, 2, 24)
    total = sum(book.width(sheet, c) for c in range(1, span + 1))

    def line(row: int, text: str, size: int, **font: object) -> int:
        masked = mask_text(text, unmask=unmask) or ""
        style = book.format(font_size=size, text_wrap=True, valign="top", **font)
        if masked.startswith(FORMULA_STARTS):
            style = book.format(font_size=size, text_wrap=True, valign="top", quote_prefix=True, **font)
        sheet.merge_range(row - 1, 0, row - 1, span - 1, "", style)
        sheet.write_string(row - 1, 0, masked, style)
        lines = sum(max(1, -(-display_width(part) // max(int(total) - 2, 1))) for part in masked.split("\n"))
        sheet.set_row(row - 1, 15 * lines * size / 10 + 3)
        return row + 1

    row = line(1, summary.title, 14, bold=True)
    for note in notes:
        row = line(row, note, 10, italic=True, font_color=_colour("9C0006"))
    row += 1
    if summary.verdict:
        _write(book, sheet, row, 1, "結論" if ja else "Verdict", unmask, font_size=11, bold=True)
        verdict = {
            "font_size": 14,
            "bold": True,
            "font_color": _colour("FFFFFF"),
            "pattern": 1,
            "bg_color": _colour(STATUS_COLOURS[summary.verdict_status]),
            "valign": "vcenter",
        }
        sheet.merge_range(row - 1, 1, row - 1, span - 1, "", book.format(**verdict))
        _write(book, sheet, row, 2, summary.verdict, unmask, **verdict)
        sheet.set_row(row - 1, 24)
        row += 2
    if summary.kpis:
        for col, text in enumerate(("指標", "値") if ja else ("Key figure", "Value"), start=1):
            _write(book, sheet, row, col, text, unmask, **HEADER_STYLE)
        row += 1
        for kpi in summary.kpis:
            _write(book, sheet, row, 1, kpi.label, unmask, font_size=10, bold=True)
            value = _excel_value(kpi.value, Column(header=kpi.label, format=kpi.format))
            style: dict[str, object] = {"font_size": 11, "bold": True, "align": "right"}
            if kpi.status != "neutral":
                style["font_color"] = _colour(STATUS_COLOURS[kpi.status])
            shown = mask_cell(value, unmask=unmask) if isinstance(value, str | int) else value
            if kpi.format in KPI_FORMATS and not isinstance(shown, str):
                style["num_format"] = KPI_FORMATS[kpi.format]
            _write(book, sheet, row, 2, value, unmask, **style)
            row += 1
        row += 1
    if summary.top is not None:
        row = line(row, summary.top.title, 11, bold=True)
        row = _write_rows(book, sheet, summary.top, row, unmask) + 2
    if summary.actions:
        row = line(row, "次の対応" if ja else "Next actions", 11, bold=True)
        for action in summary.actions:
            row = line(row, f"・{action}", 10)


def _excel_value(value: Cell, column: Column) -> object:
    if column.format == "date" and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _colour_scale(book: _Book, sheet: Any, column: Column, cells: tuple[int, int, int, int]) -> None:
    first_row, first_col, last_row, last_col = (n - 1 for n in cells)
    if column.scale == "alert_if_positive":
        alert = book.format(pattern=1, bg_color=_colour("FFC7CE"), font_color=_colour("9C0006"), bold=True)
        sheet.conditional_format(
            first_row, first_col, last_row, last_col, {"type": "cell", "criteria": ">", "value": 0, "format": alert}
        )
        return
    low, high = ("F8696B", "63BE7B") if column.scale == "higher_is_better" else ("63BE7B", "F8696B")
    sheet.conditional_format(
        first_row,
        first_col,
        last_row,
        last_col,
        {
            "type": "3_color_scale",
            "min_type": "min",
            "min_color": _colour(low),
            "mid_type": "percentile",
            "mid_value": 50,
            "mid_color": _colour("FFEB84"),
            "max_type": "max",
            "max_color": _colour(high),
        },
    )


def _colour_legend(book: _Book, sheet: Any, row: int, legend: tuple[tuple[str, str], ...], unmask: bool) -> None:
    """What each colour of a chart coloured by category means, in the cell under the chart: a ■ in each colour
    before its meaning (Excel's own legend names only the series). A cell, not a chart title: it prints, and a
    person can search it."""
    parts: list[Any] = []
    for label, colour in legend:
        parts += [book.format(font_size=10, font_color=_colour(colour)), "■ "]
        parts += [book.format(font_size=10), f"{mask_text(label, unmask=unmask)}　"]
    if len(parts) > 2:
        sheet.write_rich_string(row - 1, 0, *parts)
    elif parts:
        sheet.write_string(row - 1, 0, str(parts[-1]), parts[-2])


def _add_chart(
    book: _Book, sheet: Any, row: int, data: Any, data_row: int, chart: Chart, lang: str, unmask: bool
) -> int:
    """A native chart at ``row`` of ``sheet``, its data on the hidden sheet ``data`` from ``data_row`` (the
    chart draws hidden cells); returns the first free row of ``data`` below them.

    A ``line`` chart is a trend; a threshold is one more series, the same value for every category, drawn as a
    dashed line; the colours come from the series, or one per category for a one-series bar chart."""
    n = len(chart.categories)
    series: list[tuple[str, tuple[float, ...], str | None]] = [(s.name, s.values, s.colour) for s in chart.series]
    if chart.threshold is not None:
        label = chart.threshold_label or ("基準値" if lang == "ja" else "Threshold")
        series.append((label, (chart.threshold,) * n, THRESHOLD_COLOUR))
    _write(book, data, data_row, 1, chart.title, unmask)
    for s, (name, values, _) in enumerate(series, start=2):
        _write(book, data, data_row, s, name, unmask)
        for c, value in enumerate(values, start=1):
            _write(book, data, data_row + c, s, value, unmask)
    for c, category in enumerate(chart.categories, start=1):
        _write(book, data, data_row + c, 1, category, unmask)
    name = data.name
    categories = [name, data_row, 0, data_row + n - 1, 0]  # 0-based: the rows under the titles, column A

    def reference(s: int) -> dict[str, Any]:
        return {
            "name": [name, data_row - 1, s + 1],
            "categories": categories,
            "values": [name, data_row, s + 1, data_row + n - 1, s + 1],
        }

    def threshold_series() -> dict[str, Any]:
        return {
            **reference(len(series) - 1),
            "smooth": False,
            "marker": {"type": "none"},
            "line": {"color": _colour(THRESHOLD_COLOUR), "dash_type": "dash", "width": 1.75},
        }

    own = len(chart.series)
    main: Any
    if chart.kind == "line":
        main = book.workbook.add_chart({"type": "line"})
        for s in range(own):
            colour = series[s][2]
            options: dict[str, Any] = {**reference(s), "smooth": False, "marker": {"type": "circle"}}
            if colour:
                options["line"] = {"color": _colour(colour)}
                options["marker"] = {
                    "type": "circle",
                    "fill": {"color": _colour(colour)},
                    "border": {"color": _colour(colour)},
                }
            main.add_series(options)
        if chart.threshold is not None:
            main.add_series(threshold_series())
    else:
        main = book.workbook.add_chart({"type": "column", **({"subtype": "stacked"} if chart.stacked else {})})
        for s in range(own):
            colour = series[s][2]
            options = reference(s)
            if colour:
                options["fill"] = {"color": _colour(colour)}
                options["border"] = {"color": _colour(colour)}
            if chart.stacked and s == 0:
                options["overlap"] = 100
            if own == 1 and chart.category_colours:
                options["points"] = [
                    {"fill": {"color": _colour(c)}, "border": {"color": _colour(c)}} if c else None
                    for c in chart.category_colours
                ]
            main.add_series(options)
        if chart.threshold is not None:
            line = book.workbook.add_chart({"type": "line"})  # shares the bar chart's axes: a line at the value
            line.add_series(threshold_series())
            main.combine(line)
    # The titles point at their cells on the data sheet: XlsxWriter would take a title such as "注意!A1 件数" for
    # a cell reference, and the cells are masked like every cell.
    if chart.title:
        main.set_title({"name": [name, data_row - 1, 0]})
    else:
        main.set_title({"none": True})
    if chart.y_title:
        column = len(series) + 1  # 0-based: right of the series
        _write(book, data, data_row, column + 1, chart.y_title, unmask)
        main.set_y_axis({"name": [name, data_row - 1, column]})
    main.show_hidden_data()  # the data sit on a hidden sheet
    width_cm = max(16, 2 + 1.2 * n)
    main.set_size({"width": round(width_cm * _PX_PER_CM), "height": round(8 * _PX_PER_CM)})
    sheet.insert_chart(row - 1, 0, main)
    if chart.category_legend:
        _colour_legend(book, sheet, row + _LEGEND_ROW, chart.category_legend, unmask)
    return data_row + n + 2
