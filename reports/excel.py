"""Excel rendering with openpyxl: one sheet per table, the same look in every report of the toolkit.

Every cell fitgap writes, here and in the assessment template, goes through :func:`put`: text is masked by value
(:mod:`reports.masking`) and text that a spreadsheet would take for a formula stays text. Every visible sheet of
every workbook gets the same print setup through :func:`print_setup` (A4 landscape, fit to width, header rows
repeated, 団体名 / 帳票名 / 作成日時 and page numbers in the header and footer).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from copy import copy
from pathlib import Path
from typing import Any, Literal

from reports.clock import local_time
from reports.masking import mask_cell, mask_text
from reports.palette import STATUS_COLOURS, THRESHOLD_COLOUR
from reports.tables import Cell, Chart, Column, Document, Summary, Table
from spec_catalog.base import FitgapError
from spec_catalog.language import say

FONT_NAME = "Meiryo"  # installed with every Japanese Windows; LibreOffice substitutes a CJK font
HEADER_FILL = "1F4E78"
ROW_FILLS = {"danger": "F8CBAD", "warning": "FFE699", "muted": "EDEDED", "total": "DDEBF7"}
_MAX_WIDTH = 60
_NUMBER_FORMATS = {"percent": "0.0%", "integer": "0", "date": "yyyy-mm-dd"}
_KPI_FORMATS = {"percent": "0.0%", "integer": "#,##0", "date": "yyyy-mm-dd"}
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PAPER_A4 = "9"
SUMMARY_SHEET = {"ja": "概要", "en": "Summary"}
CHART_DATA_SHEET = "_chart_data"
_CHART_ROWS = 18  # rows a chart 8 cm high covers, and a gap
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?")
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
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


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
    when = local_time(created).strftime("%Y-%m-%d %H:%M")
    if municipality:  # an empty part would be written as a bare "&L" that readers misparse
        sheet.oddHeader.left.text = _header_text(mask_text(municipality, unmask=unmask) or "")
    sheet.oddHeader.center.text = _header_text(mask_text(title, unmask=unmask) or "")
    sheet.oddFooter.left.text = f"作成日時 {when}" if lang == "ja" else f"Created {when}"
    sheet.oddFooter.center.text = "&A"  # the sheet's name: which business a printed page belongs to
    sheet.oddFooter.right.text = "ページ &P / &N" if lang == "ja" else "Page &P / &N"


def write_document(document: Document, path: Path, *, unmask: bool = False) -> Path:
    """Write ``document`` as an .xlsx file: the one-page summary first (when the document has one), then one
    sheet per table with frozen header, filters, widths, formats and colours, native charts whose data sit on a
    hidden sheet, and the print setup on every sheet.

    Every text is masked by value and kept from being a formula (:func:`put`); ``unmask`` turns the masking off.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    printed: list[tuple[Any, int | None, bool]] = []  # (sheet, header row, on one page)
    notes = [n for n in (document.note,) if n]
    summary_sheet = None
    if document.summary is not None:
        summary_sheet = workbook.create_sheet(sheet_title(SUMMARY_SHEET[document.lang], used))
        _write_summary(summary_sheet, document.summary, notes, document.lang, unmask)
        printed.append((summary_sheet, 1, True))
    placed: dict[str, tuple[Any, int]] = {}  # table sheet key -> (worksheet, first free row below it)
    for index, table in enumerate(document.tables):
        title = mask_text(table.sheet or table.title, unmask=unmask) or ""
        sheet = workbook.create_sheet(sheet_title(title, used))
        table_notes = notes + [n for n in (table.note,) if n]  # the sample label goes on every sheet
        facts = document.facts if index == 0 else ()
        header, last = _write_table(sheet, table, table_notes, facts, unmask)
        placed.setdefault(table.sheet or table.title, (sheet, last + 3))
        printed.append((sheet, header, False))
    if document.charts:
        data = workbook.create_sheet(sheet_title(CHART_DATA_SHEET, used))
        data.sheet_state = "hidden"
        data_row = 1
        first = next(iter(placed), "")
        placed.setdefault(first, (summary_sheet, 1))  # a summary and no table: the charts go on the summary
        for chart in document.charts:
            key = chart.sheet if chart.sheet in placed else first
            sheet, row = placed[key]
            data_row = _add_chart(sheet, row, data, data_row, chart, document.lang, unmask)
            placed[key] = (sheet, row + _CHART_ROWS)  # the next chart on this sheet goes below, not on top
    for sheet, header_row, one_page in printed:
        print_setup(
            sheet,
            title=document.title,
            municipality=document.municipality,
            created=document.created,
            header_row=header_row,
            one_page=one_page,
            lang=document.lang,
            unmask=unmask,
        )
    workbook.properties.title = mask_text(document.title, unmask=unmask)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise FitgapError(
            say(f"ブックを書き込めません: {exc.strerror}", f"cannot write the workbook: {exc.strerror}"),
            where=path,
            hint=say(
                "Excel で開いていれば閉じるか、別のパスを指定してください", "close it in Excel or choose another path"
            ),
        ) from None
    return path


def _fact_value(value: Cell) -> tuple[object, str | None]:
    """A fact as Excel should hold it, with its number format: numbers stay numbers, an ISO date or moment
    (作成日時) becomes a date (Asia/Tokyo wall-clock time)."""
    if isinstance(value, bool) or value is None:
        return value, None
    if isinstance(value, int):
        return value, _KPI_FORMATS["integer"]
    if isinstance(value, float):
        return value, "#,##0.0##"
    if _ISO_MOMENT.fullmatch(value.strip()):
        text = value.strip().replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return value, None
        if len(text) == 10:
            return moment.date(), _NUMBER_FORMATS["date"]
        return local_time(moment), _DATETIME_FORMAT
    return value, None


def _write_table(
    sheet: Any, table: Table, notes: list[str], facts: tuple[tuple[str, Cell], ...], unmask: bool
) -> tuple[int, int]:
    """Notes and facts above the header, then the table; returns the header row and the last row written."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    row = 1
    for note in notes:
        write_cell(sheet, row, 1, note, unmask=unmask).font = Font(name=FONT_NAME, size=10, italic=True, color="9C0006")
        row += 1
    for label, fact in facts:
        write_cell(sheet, row, 1, label, unmask=unmask).font = Font(name=FONT_NAME, size=10, bold=True)
        value, number_format = _fact_value(fact)
        cell = write_cell(sheet, row, 2, value, unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=10)
        if number_format and not isinstance(cell.value, str):
            cell.number_format = number_format
        row += 1
    if notes or facts:
        row += 1 if facts else 0
    header = row
    last = _write_rows(sheet, table, header, unmask)
    _widths(sheet, table, [label for label, _ in facts])
    for col, column in enumerate(table.columns, start=1):
        if table.rows and column.scale != "none":
            _colour(sheet, column, f"{get_column_letter(col)}{header + 1}:{get_column_letter(col)}{last}")
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(max(len(table.columns), 1))}{max(last, header + 1)}"
    return header, last


def _write_rows(sheet: Any, table: Table, header: int, unmask: bool) -> int:
    """The table's header row at ``header`` and its rows below; returns the last row written."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for col, column in enumerate(table.columns, start=1):
        cell = write_cell(sheet, header, col, column.header, unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    # The style of a body cell, set by name on the first cell of each kind and copied to the others: setting a
    # named style looks the name up in a list openpyxl rebuilds on every call, a tenth of the whole report's time.
    # A cell's ``_style`` is openpyxl's array of style ids (pinned below 3.2); each cell gets its own copy, since
    # the quote prefix of :func:`put` is set in it.
    styles: dict[tuple[str | None, bool, str], Any] = {}
    for r, values in enumerate(table.rows, start=header + 1):
        style = table.row_styles[r - header - 1] if table.row_styles else None
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            cell = sheet.cell(row=r, column=col)
            key = (style, isinstance(value, str) and "\n" in value, column.format)
            first = styles.get(key)
            if first is None:
                cell.style = _body_style(sheet.parent, *key)
                styles[key] = copy(cell._style)
            else:
                cell._style = copy(first)
            put(cell, _excel_value(value, column), unmask=unmask)  # after the style: the quote prefix is a style
    return header + len(table.rows)


def _widths(sheet: Any, table: Table | None, first_column: list[str]) -> None:
    """Column widths from the content: the table's cells, and ``first_column`` (labels above it) in column A."""
    from openpyxl.utils import get_column_letter

    columns = table.columns if table else ()
    for col, column in enumerate(columns, start=1):
        # Each distinct text measured once: a column of thousands of rows holds a few dozen texts.
        texts = {str(row[col - 1]) for row in table.rows if row[col - 1] is not None}  # type: ignore[union-attr]
        widest = max(
            [display_width(column.header)]
            + [display_width(text) for text in texts]
            + [display_width(label) for label in first_column if col == 1]
        )
        sheet.column_dimensions[get_column_letter(col)].width = column.width or min(widest + 2, _MAX_WIDTH)
    if not columns and first_column:
        sheet.column_dimensions["A"].width = min(max(display_width(label) for label in first_column) + 2, _MAX_WIDTH)


def _write_summary(sheet: Any, summary: Summary, notes: list[str], lang: str, unmask: bool) -> None:
    """The one-page summary: title, notes, the verdict coloured by its status, the KPIs as label and value
    (numbers with their formats), the top table and the next actions. Long texts are wrapped across the
    width of the top table so that nothing is cut off at the printed page's edge."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ja = lang == "ja"
    span = max(len(summary.top.columns) if summary.top else 0, 3)
    labels = [k.label for k in summary.kpis] + ["結論" if ja else "Verdict", "指標" if ja else "Key figure"]
    _widths(sheet, summary.top, labels)
    if summary.top is None:
        sheet.column_dimensions["B"].width = 24
    total = sum((sheet.column_dimensions[get_column_letter(c)].width or 13) for c in range(1, span + 1))

    def line(row: int, text: str, font: Any, *, fill: str | None = None) -> int:
        cell = write_cell(sheet, row, 1, text, unmask=unmask)
        cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        lines = sum(max(1, -(-display_width(part) // max(int(total) - 2, 1))) for part in text.split("\n"))
        sheet.row_dimensions[row].height = 15 * lines * (font.sz or 10) / 10 + 3
        return row + 1

    row = line(1, summary.title, Font(name=FONT_NAME, size=14, bold=True))
    for note in notes:
        row = line(row, note, Font(name=FONT_NAME, size=10, italic=True, color="9C0006"))
    row += 1
    if summary.verdict:
        write_cell(sheet, row, 1, "結論" if ja else "Verdict", unmask=unmask).font = Font(
            name=FONT_NAME, size=11, bold=True
        )
        cell = write_cell(sheet, row, 2, summary.verdict, unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=14, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=STATUS_COLOURS[summary.verdict_status])
        cell.alignment = Alignment(vertical="center")
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=span)
        sheet.row_dimensions[row].height = 24
        row += 2
    if summary.kpis:
        for col, text in enumerate(("指標", "値") if ja else ("Key figure", "Value"), start=1):
            cell = write_cell(sheet, row, col, text, unmask=unmask)
            cell.font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        row += 1
        for kpi in summary.kpis:
            write_cell(sheet, row, 1, kpi.label, unmask=unmask).font = Font(name=FONT_NAME, size=10, bold=True)
            value = _excel_value(kpi.value, Column(header=kpi.label, format=kpi.format))
            cell = write_cell(sheet, row, 2, value, unmask=unmask)
            colour = STATUS_COLOURS[kpi.status] if kpi.status != "neutral" else None
            cell.font = Font(name=FONT_NAME, size=11, bold=True, color=colour)
            cell.alignment = Alignment(horizontal="right")
            if kpi.format in _KPI_FORMATS and not isinstance(cell.value, str):
                cell.number_format = _KPI_FORMATS[kpi.format]
            row += 1
        row += 1
    if summary.top is not None:
        row = line(row, summary.top.title, Font(name=FONT_NAME, size=11, bold=True))
        row = _write_rows(sheet, summary.top, row, unmask) + 2
    if summary.actions:
        row = line(row, "次の対応" if ja else "Next actions", Font(name=FONT_NAME, size=11, bold=True))
        for action in summary.actions:
            row = line(row, f"・{action}", Font(name=FONT_NAME, size=10))


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


def _colour_legend(legend: tuple[tuple[str, str], ...], unmask: bool) -> Any:
    """What each colour of a chart coloured by category means, as the axis title under it: a coloured ■ before
    each meaning (Excel's own legend names only the series)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, RegularTextRun

    runs = []
    for label, colour in legend:
        runs.append(RegularTextRun(rPr=CharacterProperties(solidFill=colour), t="■ "))
        runs.append(RegularTextRun(t=f"{mask_text(label, unmask=unmask)}　"))
    return Title(tx=Text(rich=RichText(p=[Paragraph(r=runs)])))


def _add_chart(sheet: Any, row: int, data: Any, data_row: int, chart: Chart, lang: str, unmask: bool) -> int:
    """A native chart at ``row`` of ``sheet``, its data on the hidden sheet ``data`` from ``data_row`` (the
    chart draws hidden cells, ``plotVisOnly`` off); returns the first free row of ``data`` below them.

    A ``line`` chart is a trend; a threshold is one more series, the same value for every category, drawn as a
    dashed line; the colours come from the series, or one per category for a one-series bar chart."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.marker import DataPoint

    n = len(chart.categories)
    series: list[tuple[str, tuple[float, ...], str | None]] = [(s.name, s.values, s.colour) for s in chart.series]
    if chart.threshold is not None:
        label = chart.threshold_label or ("基準値" if lang == "ja" else "Threshold")
        series.append((label, (chart.threshold,) * n, THRESHOLD_COLOUR))
    write_cell(data, data_row, 1, chart.title, unmask=unmask)
    for s, (name, values, _) in enumerate(series, start=2):
        write_cell(data, data_row, s, name, unmask=unmask)
        for c, value in enumerate(values, start=1):
            write_cell(data, data_row + c, s, value, unmask=unmask)
    for c, category in enumerate(chart.categories, start=1):
        write_cell(data, data_row + c, 1, category, unmask=unmask)
    categories = Reference(data, min_col=1, min_row=data_row + 1, max_row=data_row + n)

    def reference(s: int) -> Reference:
        return Reference(data, min_col=s + 2, max_col=s + 2, min_row=data_row, max_row=data_row + n)

    own = len(chart.series)
    main: Any
    if chart.kind == "line":
        main = LineChart()
        for s in range(len(series)):
            main.add_data(reference(s), titles_from_data=True)
    else:
        main = BarChart()
        main.type = "col"
        main.grouping = "stacked" if chart.stacked else "clustered"
        if chart.stacked:
            main.overlap = 100
        for s in range(own):
            main.add_data(reference(s), titles_from_data=True)
    main.set_categories(categories)
    for s, plotted in enumerate(main.series):
        colour = series[s][2]
        if chart.kind == "line":
            plotted.smooth = False
            plotted.marker.symbol = "none" if s >= own else "circle"
            if colour:
                plotted.graphicalProperties.line.solidFill = colour
                plotted.marker.graphicalProperties.solidFill = colour
                plotted.marker.graphicalProperties.line.solidFill = colour
        elif colour:
            plotted.graphicalProperties.solidFill = colour
            plotted.graphicalProperties.line.solidFill = colour
    if chart.kind == "bar" and own == 1 and chart.category_colours:
        for index, colour in enumerate(chart.category_colours):
            if colour:
                point = DataPoint(idx=index)
                point.graphicalProperties.solidFill = colour
                point.graphicalProperties.line.solidFill = colour
                main.series[0].dPt.append(point)
    if chart.kind == "bar" and chart.threshold is not None:
        line = LineChart()  # shares the bar chart's axes (the same axis ids): a horizontal line at the value
        line.add_data(reference(own), titles_from_data=True)
        line.set_categories(categories)
        main += line
    if chart.threshold is not None:
        threshold = (main._charts[-1] if chart.kind == "bar" else main).series[-1]
        threshold.smooth = False
        threshold.marker.symbol = "none"
        threshold.graphicalProperties.line.solidFill = THRESHOLD_COLOUR
        threshold.graphicalProperties.line.prstDash = "dash"
        threshold.graphicalProperties.line.width = 22225  # 1.75 pt
    main.title = mask_text(chart.title, unmask=unmask)
    main.y_axis.title = mask_text(chart.y_title, unmask=unmask)
    if chart.category_legend:
        main.x_axis.title = _colour_legend(chart.category_legend, unmask)
    main.x_axis.delete = False  # openpyxl 3.1 otherwise leaves the axes out and Excel draws none
    main.y_axis.delete = False
    main.visible_cells_only = False  # the data sit on a hidden sheet
    main.width, main.height = max(16, 2 + 1.2 * n), 8
    sheet.add_chart(main, f"A{row}")
    return data_row + n + 2
