"""``fitgap demo``: the main job, end to end, on synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.options import JsonOption


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder to make the demo project in.")] = Path("fitgap-demo"),
    as_json: JsonOption = False,
) -> None:
    """Run the whole job for a sample town (森町, 013455): catalog, assessment, conversion, validation, readiness.

    Example: fitgap demo --out fitgap-demo
    """
    import time

    from fitgap.demo import run_demo
    from reports.jsonout import to_json

    start = time.perf_counter()
    result = run_demo(out, say=(lambda _: None) if as_json else (lambda line: err_console.print(f"• {line}")))
    if as_json:
        typer.echo(to_json(result))
        return
    console.print(
        f"\nDemo project in {result.folder} ({time.perf_counter() - start:.1f} s). Everything is synthetic "
        "and the catalog is a SAMPLE.",
        soft_wrap=True,  # paths are copied from here: never broken across lines
    )
    for label, path in result.outputs.items():
        console.print(f"  {label}: {path}", soft_wrap=True)
    console.print(
        f"\nOpen first: [bold]{result.open_first}[/bold] — the go / no-go per business, then the "
        "Fit & Gap and validation reports it points to.",
        soft_wrap=True,
    )
