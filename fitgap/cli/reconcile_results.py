"""``fitgap reconcile results OLD NEW --key …``: the new system's results against the legacy system's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.convert import warn_unmasked
from fitgap.cli.defaults import database, municipality_name
from fitgap.cli.help_language import help_text
from fitgap.cli.options import (
    DbOption,
    JsonOption,
    LangOption,
    ReportFiles,
    UnmaskOption,
    report_files,
    report_option,
)
from spec_catalog.language import say

if TYPE_CHECKING:
    from rich.console import Console

    from fitgap.reconcile.results import ResultsComparison

TERMINAL_LISTED = 20  # unexplained differences printed; the reports list them all

# The command's help (``fitgap reconcile results --help``), in both languages.
HELP = help_text(
    "二つの結果ファイルを対象（人）ごとに比較します（例: 現行システムと新システムの税額）。\n\n"
    "値は意味で比べます（1,000 = １０００、令和6年4月1日 = 2024-04-01、ｶﾅ = カナ）。列の許容差内の差は一致、"
    "宣言した仕様変更に当たる差は説明済みとし、それ以外はすべて（マスクして）一覧にし、列ごとに差の大きさ別に"
    "集計します。説明のない差異があれば終了コード 1。データベースがあれば比較を記録します（移行判定は新ファイル"
    "ごとに最新を読みます）。プロジェクトでは --xlsx/--html/--json-file/--junit で別の場所を指定しない限り、"
    "帳票を出力フォルダに書き出し（reconcile-results-NEW.xlsx、.html、.json。NEW: 新ファイルの拡張子を除いた名前）、"
    "実行ごとに置き換えます。\n\n"
    "例: fitgap reconcile results old/tax.csv new/tax.csv --key 宛名番号 --tolerance 税額=1 --xlsx diff.xlsx",
    "Compare two result files keyed by person (e.g. tax amounts of the legacy and the new system).\n\n"
    "Values are compared by what they say (1,000 = １０００, 令和6年4月1日 = 2024-04-01, ｶﾅ = カナ). A difference "
    "within the column's tolerance agrees; one a declared spec change matches is explained; every other is "
    "listed (masked) and summarised per column by size. Exit 1 when a difference is unexplained. The comparison "
    "is recorded in the database when it exists (readiness reads the latest per new file). In a project the "
    "reports go to its output folder (reconcile-results-NEW.xlsx, .html, .json; NEW: the new file's name "
    "without its suffix), replaced on each run, unless --xlsx/--html/--json-file/--junit name others.\n\n"
    "Example: fitgap reconcile results old/tax.csv new/tax.csv --key 宛名番号 --tolerance 税額=1 --xlsx diff.xlsx",
)


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


def _header_rows(text: str) -> tuple[int, int]:
    from spec_catalog.base import UsageError

    parts = [part.strip() for part in text.split(",")]
    if len(parts) in (1, 2) and all(part.isascii() and part.isdigit() and int(part) >= 1 for part in parts):
        return int(parts[0]), int(parts[-1])
    raise UsageError(
        say(f"--header-row '{text}' は行番号ではありません", f"--header-row '{text}' is no row"),
        hint=say(
            "行番号（3）か、ファイルごとの行番号（1,3）を指定してください",
            "give a row number (3), or one per file (1,3)",
        ),
    )


def results(
    old: Annotated[
        Path,
        typer.Argument(
            help=help_text(
                "現行システムの結果ファイル: CSV または .xlsx。",
                "The legacy (current) system's result file: CSV or .xlsx.",
            )
        ),
    ],
    new: Annotated[
        Path,
        typer.Argument(
            help=help_text(
                "同じ対象・同じ年度の新システムの結果ファイル。",
                "The new system's result file for the same people and year.",
            )
        ),
    ],
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help=help_text(
                "両方のファイルにあるキーの列（カンマ区切り。例: 宛名番号,年度）。",
                "The key column(s) in both files, comma-separated, e.g. 宛名番号,年度.",
            ),
        ),
    ],
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help=help_text("この列だけを比較します（カンマ区切り）。", "Compare only these columns (comma-separated)."),
            show_default=help_text("両方にあるすべての列", "all common"),
        ),
    ] = None,
    tolerance: Annotated[
        list[str] | None,
        typer.Option(
            "--tolerance",
            help=help_text(
                "列=5（金額）または 列=0.5%（現行の値に対する率）。何度でも指定できます。",
                "COL=5 (absolute) or COL=0.5% (of the old value); repeatable.",
            ),
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help=help_text(
                "ルールファイル（YAML）: 許容差と、差異を説明する仕様変更。",
                "Rules file (YAML): tolerances and the spec changes that explain differences.",
            ),
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help=help_text("CSV ファイルの文字コード。", "Encoding of the CSV files."),
            show_default=help_text("UTF-8、読めなければ CP932", "UTF-8, else CP932"),
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help=help_text(".xlsx ファイルのシート。", "Sheet of the .xlsx files."),
            show_default=help_text("最初のシート", "the first"),
        ),
    ] = None,
    header_row: Annotated[
        str,
        typer.Option(
            "--header-row",
            help=help_text(
                "列名の行: 両方のファイルに N、またはファイルごとに 現行,新（例: 1,3）。",
                "Row of the column names: N for both files, or OLD,NEW (e.g. 1,3).",
            ),
        ),
    ] = "1",
    business: Annotated[
        str | None,
        typer.Option(
            "--business",
            help=help_text(
                "結果が属する業務ID（移行判定のために記録します）。",
                "業務ID the results belong to (recorded for readiness).",
            ),
        ),
    ] = None,
    db: DbOption = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="reconcile-results-NEW")] = None,
    html: Annotated[Path | None, report_option("html", in_project="reconcile-results-NEW")] = None,
    junit: Annotated[Path | None, report_option("junit")] = None,
    json_file: Annotated[Path | None, report_option("json_file", in_project="reconcile-results-NEW")] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "すでにある帳票ファイル（オプションで指定したもの）を置き換えます。",
                "Replace report files that exist (those named by the options).",
            ),
        ),
    ] = False,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Two result files keyed by person, value by value (the help is :data:`HELP`, in both languages). Exit 1
    when a difference is unexplained."""
    from fitgap.cli.progress import phases
    from fitgap.reconcile.results import load_rules, parse_tolerance_option, reconcile_results, record_results
    from fitgap.reconcile.results_files import ReadOptions
    from fitgap.reconcile.results_report import refuse_existing, write_results_reports
    from reports.jsonout import to_json

    warn_unmasked(unmask)
    refuse_existing([xlsx, html, junit, json_file], force)  # a project's own reports are replaced: not these
    files = report_files(
        f"reconcile-results-{new.stem}", ReportFiles(xlsx, html, json_file, junit), ("xlsx", "html", "json_file")
    )
    old_row, new_row = _header_rows(header_row)
    tolerances = dict(parse_tolerance_option(option) for option in tolerance or ())
    loaded = load_rules(rules) if rules is not None else None
    with phases(quiet=as_json) as steps:
        steps.start(say("結果ファイルの読み込み・比較", "reading and comparing the result files"))
        result = reconcile_results(
            old,
            new,
            _names(key) or [],
            columns=_names(columns),
            tolerances=tolerances,
            rules=loaded,
            rules_file=rules,
            read=ReadOptions(encoding=encoding, sheet=sheet, header_row=old_row),
            new_read=ReadOptions(encoding=encoding, sheet=sheet, header_row=new_row),
            unmask=unmask,
        )
    written = write_results_reports(
        result,
        xlsx=files.xlsx,
        html=files.html,
        junit=files.junit,
        json_file=files.json_file,
        unmask=unmask,
        municipality=municipality_name(),
    )
    path = database(db)
    recorded = record_results(path, result, business)
    if as_json:
        typer.echo(to_json(result, unmask=unmask))
    else:
        _print(console, result, written, unmask)
    said = (
        say(f"記録しました: {path}（比較ID {result.reconcile_id}）", f"Recorded in {path} (ID {result.reconcile_id})")
        if recorded
        else say(
            f"データベース {path} がないため記録しません（--db で指定できます）",
            f"Not recorded: there is no database {path} (give one with --db)",
        )
    )
    err_console.print(said, markup=False, highlight=False, soft_wrap=True)
    if not result.ok:
        raise typer.Exit(1)


def _print(console: Console, result: ResultsComparison, written: list[Path], unmask: bool) -> None:
    from fitgap.reconcile.results_report import (
        facts,
        not_compared_table,
        spec_changes_table,
        summary_table,
        unexplained_table,
        verdict,
    )
    from reports.tables import Column, Table
    from reports.terminal import print_table

    overview = Table(
        title=say("現新比較（結果）", "Reconciliation (results)"),
        columns=(Column(header=say("項目", "Item")), Column(header=say("内容", "Value"))),
        rows=tuple(facts(result)),
    )
    print_table(console, overview, unmask=unmask)
    print_table(console, summary_table(result), unmask=unmask)
    if result.not_compared:
        print_table(console, not_compared_table(result), unmask=unmask)
    if result.spec_changes:
        print_table(console, spec_changes_table(result), unmask=unmask)
    if result.unexplained:
        print_table(console, unexplained_table(result, TERMINAL_LISTED), unmask=unmask)
    colour = "green" if result.ok else "red"
    console.print(f"[{colour}]{verdict(result)}[/{colour}]", highlight=False)
    for path in written:
        console.print(say(f"書き出しました: {path}", f"Wrote {path}"), markup=False, highlight=False, soft_wrap=True)
