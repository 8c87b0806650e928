"""``fitgap reconcile results OLD NEW --key …``: the new system's results against the legacy system's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.convert import warn_unmasked
from fitgap.cli.defaults import database
from fitgap.cli.options import DbOption, JsonOption, ReportFiles, UnmaskOption, report_files, report_option

if TYPE_CHECKING:
    from rich.console import Console

    from fitgap.reconcile.results import ResultsComparison

TERMINAL_LISTED = 20  # unexplained differences printed; the reports list them all


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


def _header_rows(text: str) -> tuple[int, int]:
    from spec_catalog.base import UsageError

    parts = [part.strip() for part in text.split(",")]
    if len(parts) in (1, 2) and all(part.isascii() and part.isdigit() and int(part) >= 1 for part in parts):
        return int(parts[0]), int(parts[-1])
    raise UsageError(f"--header-row '{text}' is no row", hint="give a row number (3), or one per file (1,3)")


def results(
    old: Annotated[Path, typer.Argument(help="The legacy (current) system's result file: CSV or .xlsx.")],
    new: Annotated[Path, typer.Argument(help="The new system's result file for the same people and year.")],
    key: Annotated[
        str, typer.Option("--key", help="The key column(s) in both files, comma-separated, e.g. 宛名番号,年度.")
    ],
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="Compare only these columns (comma-separated).", show_default="all common"),
    ] = None,
    tolerance: Annotated[
        list[str] | None,
        typer.Option("--tolerance", help="COL=5 (absolute) or COL=0.5% (of the old value); repeatable."),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Rules file (YAML): tolerances and the spec changes that explain differences."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Encoding of the CSV files.", show_default="UTF-8, else CP932")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of the .xlsx files.", show_default="the first")
    ] = None,
    header_row: Annotated[
        str, typer.Option("--header-row", help="Row of the column names: N for both files, or OLD,NEW (e.g. 1,3).")
    ] = "1",
    business: Annotated[
        str | None, typer.Option("--business", help="業務ID the results belong to (recorded for readiness).")
    ] = None,
    db: DbOption = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="reconcile-results-NEW")] = None,
    html: Annotated[Path | None, report_option("html", in_project="reconcile-results-NEW")] = None,
    junit: Annotated[Path | None, report_option("junit")] = None,
    json_file: Annotated[Path | None, report_option("json_file", in_project="reconcile-results-NEW")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace report files that exist (those named by the options).")
    ] = False,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
) -> None:
    """Compare two result files keyed by person (e.g. tax amounts of the legacy and the new system).

    Values are compared by what they say (1,000 = １０００, 令和6年4月1日 = 2024-04-01, ｶﾅ = カナ). A difference
    within the column's tolerance agrees; one a declared spec change matches is explained; every other is
    listed (masked) and summarised per column by size. Exit 1 when a difference is unexplained. The comparison
    is recorded in the database when it exists (readiness reads the latest per new file). In a project the
    reports go to its output folder (reconcile-results-NEW.xlsx, .html, .json; NEW: the new file's name without
    its suffix), replaced on each run, unless --xlsx/--html/--json-file/--junit name others.

    Example: fitgap reconcile results old/tax.csv new/tax.csv --key 宛名番号 --tolerance 税額=1 --xlsx diff.xlsx
    """
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
        steps.start("結果ファイルの読み込み・比較")
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
        result, xlsx=files.xlsx, html=files.html, junit=files.junit, json_file=files.json_file, unmask=unmask
    )
    path = database(db)
    recorded = record_results(path, result, business)
    if as_json:
        typer.echo(to_json(result, unmask=unmask))
    else:
        _print(console, result, written, unmask)
    said = (
        f"記録しました: {path}（比較ID {result.reconcile_id}）"
        if recorded
        else f"データベース {path} がないため記録しません（--db で指定できます）"
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
        title="現新比較（結果）",
        columns=(Column(header="項目"), Column(header="内容")),
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
        console.print(f"書き出しました: {path}", markup=False, highlight=False, soft_wrap=True)
