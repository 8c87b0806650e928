"""``fitgap demo``: the main job, end to end, on synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.options import JsonOption, output_option


def demo(
    output: Annotated[Path, output_option("Folder to make the demo project in.", "--out")] = Path("fitgap-demo"),
    as_json: JsonOption = False,
) -> None:
    """Run the whole job for a sample town (森町, 013455): catalog, assessment, conversion, validation, readiness.

    Example: fitgap demo -o fitgap-demo
    """
    import time

    from fitgap.demo import run_demo
    from reports.jsonout import to_json

    start = time.perf_counter()
    result = run_demo(output, say=(lambda _: None) if as_json else (lambda line: err_console.print(f"• {line}")))
    if as_json:
        typer.echo(to_json(result))
        return
    console.print(
        f"\nデモのプロジェクト: {result.folder}（{time.perf_counter() - start:.1f} 秒）。データはすべて合成で、"
        "カタログはサンプルです。",
        soft_wrap=True,  # paths are copied from here: never broken across lines
    )
    for label, path in result.outputs.items():
        console.print(f"  {label}: {path}", soft_wrap=True)
    console.print(
        f"\nまず開く: [bold]{result.open_first}[/bold] — 業務ごとの移行判定（GO / NO-GO）。そこから Fit & Gap と"
        "データ検証のレポートへ進めます。",
        soft_wrap=True,
    )
