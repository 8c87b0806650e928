"""``fitgap sample …``: deterministic synthetic legacy exports for the demo, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.options import output_option

app = typer.Typer(help="Synthetic legacy exports (no real person's data).", no_args_is_help=True)


@app.command("generate")
def generate(
    output: Annotated[Path, output_option("File to write.")],
    rows: Annotated[int, typer.Option("--rows", min=1, help="Number of records.")] = 1000,
    fmt: Annotated[str, typer.Option("--format", help="csv (CP932, header, CRLF) or fixed (byte-positioned).")] = "csv",
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 20261126,
) -> None:
    """Write a synthetic legacy resident export (和暦, half-width kana, 外字, legacy codes, a few bad rows).

    With --format fixed, the record layout a vendor would hand over is written beside it (FILE_layout.csv:
    順序, 項目名, 開始位置, バイト数, 型, 備考), for convert init --layout.

    Example: fitgap sample generate --rows 100000 --format fixed -o residents.txt
    """
    from fitgap.sample import BAD_ROWS, layout_path, write_layout
    from fitgap.sample import generate as write
    from spec_catalog import UsageError

    if fmt not in ("csv", "fixed"):
        raise UsageError(f"--format {fmt!r} is not csv or fixed")
    if output.is_dir():
        name = "residents.csv" if fmt == "csv" else "residents.txt"
        raise UsageError("is a directory, not a file", where=output, hint=f"give a file name, e.g. -o {output / name}")
    output.parent.mkdir(parents=True, exist_ok=True)
    write(output, rows, "csv" if fmt == "csv" else "fixed", seed)
    bad = sorted(n for n in BAD_ROWS if n <= rows)
    console.print(f"Wrote {rows} records to {output} ({fmt}); deliberately bad records: {bad or 'none'}.")
    if fmt == "fixed":
        layout = write_layout(layout_path(output))
        console.print(f"Wrote its record layout to {layout}.", markup=False, highlight=False, soft_wrap=True)
