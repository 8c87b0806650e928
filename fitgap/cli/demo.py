"""``fitgap demo``: the main job, end to end, on synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.help_language import help_text
from fitgap.cli.options import JsonOption, LangOption, output_option

HELP = help_text(
    "合成データの町（森町、013455）で、カタログ、Fit & Gap、データ変換、文字同定、データ検証、現新比較、移行判定まで"
    "作業全体を実行します。\n\n例: fitgap demo -o fitgap-demo",
    "Run the whole job for a sample town (森町, 013455) on synthetic data: catalog, assessment, conversion, "
    "文字同定, validation, reconciliation, readiness.\n\nExample: fitgap demo -o fitgap-demo",
)


def demo(
    output: Annotated[
        Path,
        output_option(help_text("デモのプロジェクトを作るフォルダ。", "Folder to make the demo project in."), "--out"),
    ] = Path("fitgap-demo"),
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    import time

    from fitgap.demo import run_demo
    from reports.jsonout import to_json
    from spec_catalog.language import current, say

    start = time.perf_counter()
    result = run_demo(
        output,
        tell=(lambda _: None) if as_json else (lambda line: err_console.print(f"• {line}")),
        lang=lang.value if lang is not None else current(),
    )
    if as_json:
        typer.echo(to_json(result))
        return
    seconds = f"{time.perf_counter() - start:.1f}"
    console.print(
        say(
            f"\nデモのプロジェクト: {result.folder}（{seconds} 秒）。データはすべて合成で、カタログはサンプルです。",
            f"\nThe demo project: {result.folder} ({seconds} s). All its data is synthetic and the catalog is a "
            "SAMPLE.",
        ),
        soft_wrap=True,  # paths are copied from here: never broken across lines
    )
    for label, path in result.outputs.items():
        console.print(f"  {label}: {path}", soft_wrap=True)
    console.print(
        say(
            f"\nまず開く: [bold]{result.open_first}[/bold] — 業務ごとの移行判定（GO / NO-GO）。そこから Fit & Gap と"
            "データ検証のレポートへ進めます。",
            f"\nOpen first: [bold]{result.open_first}[/bold] — the cutover readiness (GO / NO-GO) per business; "
            "from there, on to the Fit & Gap and validation reports.",
        ),
        soft_wrap=True,
    )


# Typer takes a command's help from its docstring: the command is registered in fitgap/cli/__init__.py.
