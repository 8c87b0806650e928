"""Terminal rendering with rich."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from reports.tables import Table


def print_table(console: Console, table: Table) -> None:
    if table.note:
        console.print(f"[yellow]{table.note}[/yellow]")
    rich_table = RichTable(title=table.title, title_justify="left", header_style="bold", show_lines=False)
    for column in table.columns:
        rich_table.add_column(column.header, overflow="fold")
    for row in table.rows:
        rich_table.add_row(*("" if value is None else str(value) for value in row))
    console.print(rich_table)
