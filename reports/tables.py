"""Report models: what domain packages hand to the renderers. No domain logic lives here.

A :class:`Document` is a title, key figures, tables and charts; each renderer (Excel, HTML, terminal, JSON)
shows the same content in its own medium.
"""

from __future__ import annotations

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


class Series(FrozenModel):
    name: str
    values: tuple[float, ...]


class Chart(FrozenModel):
    """A bar chart. In Excel it is placed on the sheet of the table named by ``sheet``."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    sheet: str | None = None
    y_title: str | None = None


class Document(FrozenModel):
    """Several tables that make one report file."""

    title: str
    tables: tuple[Table, ...]
    note: str | None = None
    facts: tuple[tuple[str, str], ...] = ()  # key figures shown first: (label, value)
    charts: tuple[Chart, ...] = ()
    lang: Literal["ja", "en"] = "ja"


def columns(*headers: str) -> tuple[Column, ...]:
    return tuple(Column(header=h) for h in headers)
