"""Report models: what domain packages hand to the renderers. No domain logic lives here."""

from __future__ import annotations

from spec_catalog.base import FrozenModel

Cell = str | int | float | bool | None


class Column(FrozenModel):
    header: str
    width: int | None = None  # characters; None lets the renderer choose from the content


class Table(FrozenModel):
    """A titled table: one Excel sheet, one terminal table, one HTML table."""

    title: str
    sheet: str | None = None  # short Excel sheet name; the title when None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None = None  # shown above the table, e.g. that a catalog is a sample


class Document(FrozenModel):
    """Several tables that make one report file."""

    title: str
    tables: tuple[Table, ...]
    note: str | None = None


def columns(*headers: str) -> tuple[Column, ...]:
    return tuple(Column(header=h) for h in headers)
