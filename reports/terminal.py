"""Terminal rendering with rich: every text masked by value (:mod:`reports.masking`) and shown literally (a
value such as ``[/b]`` is text, not rich markup)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from reports.masking import masked_table
from reports.tables import Table


def print_table(console: Console, table: Table, *, unmask: bool = False) -> None:
    table = masked_table(table, unmask=unmask)
    if table.note:
        console.print(Text(table.note, style="yellow"))
    rich_table = RichTable(
        title=Text(table.title, style="table.title"), title_justify="left", header_style="bold", show_lines=False
    )
    for column in table.columns:
        rich_table.add_column(Text(column.header), overflow="fold")
    for row in table.rows:
        rich_table.add_row(*(Text("" if value is None else str(value)) for value in row))
    console.print(rich_table)
