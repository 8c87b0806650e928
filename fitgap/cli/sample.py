"""``fitgap sample …``: deterministic synthetic legacy exports for the demo, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.help_language import help_text
from fitgap.cli.options import LangOption, output_option
from spec_catalog.language import say

app = typer.Typer(
    help=help_text(
        "合成した既存システムの出力データ（実在の人のデータは含みません）。",
        "Synthetic legacy exports (no real person's data).",
    ),
    no_args_is_help=True,
)


@app.command(
    "generate",
    help=help_text(
        "合成した住民の出力データ（和暦、半角カナ、外字、旧コード、いくつかの不正なレコード）を書き出します。\n\n"
        "--format fixed では、ベンダーが渡すレコードレイアウト（FILE_layout.csv: 順序、項目名、開始位置、バイト数、"
        "型、備考）を隣に書き出します（convert init --layout 用）。\n\n"
        "例: fitgap sample generate --rows 100000 --format fixed -o residents.txt",
        "Write a synthetic legacy resident export (和暦, half-width kana, 外字, legacy codes, a few bad rows).\n\n"
        "With --format fixed, the record layout a vendor would hand over is written beside it (FILE_layout.csv: "
        "順序, 項目名, 開始位置, バイト数, 型, 備考), for convert init --layout.\n\n"
        "Example: fitgap sample generate --rows 100000 --format fixed -o residents.txt",
    ),
)
def generate(
    output: Annotated[Path, output_option(help_text("書き出すファイル。", "File to write."))],
    rows: Annotated[
        int, typer.Option("--rows", min=1, help=help_text("レコードの件数。", "Number of records."))
    ] = 1000,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help=help_text(
                "csv（CP932、見出し行あり、CRLF）または fixed（バイト位置の固定長）。",
                "csv (CP932, header, CRLF) or fixed (byte-positioned).",
            ),
        ),
    ] = "csv",
    seed: Annotated[
        int,
        typer.Option("--seed", help=help_text("同じ seed なら同じバイト列になります。", "Same seed, same bytes.")),
    ] = 20261126,
    lang: LangOption = None,
) -> None:
    """Write a synthetic legacy resident export (help: ``help_text`` above).

    Example: fitgap sample generate --rows 100000 --format fixed -o residents.txt
    """
    from fitgap.sample import BAD_ROWS, layout_path, write_layout
    from fitgap.sample import generate as write
    from spec_catalog import UsageError

    if fmt not in ("csv", "fixed"):
        raise UsageError(
            say(f"--format {fmt!r} は csv でも fixed でもありません", f"--format {fmt!r} is not csv or fixed")
        )
    if output.is_dir():
        name = output / ("residents.csv" if fmt == "csv" else "residents.txt")
        raise UsageError(
            say("ファイルではなくフォルダです", "is a directory, not a file"),
            where=output,
            hint=say(f"ファイル名を指定してください。例: -o {name}", f"give a file name, e.g. -o {name}"),
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    write(output, rows, "csv" if fmt == "csv" else "fixed", seed)
    bad = sorted(n for n in BAD_ROWS if n <= rows)

    def line(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    line(
        say(
            f"{output} に {rows} 件のレコードを書き出しました（{fmt}）。わざと不正にしたレコード: {bad or 'なし'}。",
            f"Wrote {rows} records to {output} ({fmt}); deliberately bad records: {bad or 'none'}.",
        )
    )
    if fmt == "fixed":
        layout = write_layout(layout_path(output))
        line(say(f"レコードレイアウトを {layout} に書き出しました。", f"Wrote its record layout to {layout}."))
