"""Options shared by several commands, defined once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog directory made by 'fitgap catalog import' (overlaid on the embedded catalog).",
        show_default="embedded",
    ),
]
WelfareOfficeOption = Annotated[
    bool | None,
    typer.Option(
        "--welfare-office/--no-welfare-office",
        help="Whether the municipality has a 福祉事務所.",
        show_default="市・区 yes, 町・村 no",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of tables.")]


class Lang(StrEnum):
    JA = "ja"
    EN = "en"


LangOption = Annotated[
    Lang | None, typer.Option("--lang", help="Language of the report: ja or en.", show_default="the project's, else ja")
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The DuckDB database of the migration.", show_default="the project's, else fitgap.duckdb"
    ),
]
UnmaskOption = Annotated[
    bool,
    typer.Option("--unmask", help="Show personal data unmasked (authorised users only; prints a warning)."),
]
