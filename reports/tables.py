"""Report models: what domain packages hand to the renderers. No domain logic lives here.

A :class:`Document` is a title, key figures, tables and charts; each renderer (Excel, HTML, terminal, JSON)
shows the same content in its own medium.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from spec_catalog.base import FrozenModel

Cell = str | int | float | bool | None
Format = Literal["text", "integer", "percent", "date"]
# How a numeric column is coloured: higher_is_better/lower_is_better as a colour scale,
# alert_if_positive marks any value above zero in red.
Scale = Literal["none", "higher_is_better", "lower_is_better", "alert_if_positive"]
RowStyle = Literal["danger", "warning", "muted", "total"]


class Column(FrozenModel):
    header: str
    width: int | None = None  # characters; None lets the renderer choose from the content
    format: Format = "text"
    scale: Scale = "none"


class Table(FrozenModel):
    """A titled table: one Excel sheet, one terminal table, one HTML table."""

    title: str
    sheet: str | None = None  # short Excel sheet name; the title when None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None = None  # shown above the table, e.g. that a catalog is a sample
    row_styles: tuple[RowStyle | None, ...] = ()  # one per row, or empty
    filterable: bool = False  # HTML: a filter box above the table (long lists: failing rows, differences)
    page_break_before: bool = False  # print: the table starts a new page (e.g. one business per page)


class Series(FrozenModel):
    name: str
    values: tuple[float, ...]
    colour: str | None = None  # RRGGBB, from reports.palette (one fixed colour per meaning, in every report)


class Chart(FrozenModel):
    """A bar chart (or, with ``kind="line"``, a trend). In Excel it is placed on the sheet of the table named by
    ``sheet``, its data on a hidden sheet."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    sheet: str | None = None
    y_title: str | None = None
    kind: Literal["bar", "line"] = "bar"  # line: a trend over time (categories are dates)
    threshold: float | None = None  # drawn as a horizontal line (e.g. the readiness a GO needs)
    threshold_label: str | None = None
    # One colour per category (e.g. GO green / NO-GO red per business), for a chart with one series.
    category_colours: tuple[str | None, ...] = ()
    # What those colours mean, as the legend shows it: (label, RRGGBB), e.g. ("GO（移行可）", "2E7D32").
    category_legend: tuple[tuple[str, str], ...] = ()


class Kpi(FrozenModel):
    """A key figure of the one-page summary."""

    label: str
    value: Cell
    format: Format = "text"
    status: Literal["good", "bad", "neutral"] = "neutral"  # coloured so in every renderer


class Summary(FrozenModel):
    """The one-page summary (A4 一枚) a report opens with: verdict, key figures, the top items, next actions."""

    title: str
    verdict: str | None = None  # e.g. "GO 6 / NO-GO 12"
    verdict_status: Literal["good", "bad", "neutral"] = "neutral"
    kpis: tuple[Kpi, ...] = ()
    top: Table | None = None  # at most about ten rows: it must fit the page
    actions: tuple[str, ...] = ()  # 次の対応


class Document(FrozenModel):
    """Several tables that make one report file."""

    title: str
    tables: tuple[Table, ...]
    note: str | None = None
    # Key figures shown first: (label, value); a number stays a number (Excel writes it with a number format).
    facts: tuple[tuple[str, Cell], ...] = ()
    charts: tuple[Chart, ...] = ()
    lang: Literal["ja", "en"] = "ja"
    municipality: str | None = None  # 団体名, in every page's header (print)
    created: dt.datetime | None = None  # 作成日時, in every page's footer (None: when written)
    summary: Summary | None = None  # shown first: the first sheet, the first printed page


def columns(*headers: str) -> tuple[Column, ...]:
    return tuple(Column(header=h) for h in headers)
