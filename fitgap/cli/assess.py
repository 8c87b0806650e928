"""``fitgap assess …``: the Fit & Gap workbook, its scoring, suggestions and progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, language, project
from fitgap.cli.defaults import history as history_default
from fitgap.cli.defaults import municipality as municipality_default
from fitgap.cli.options import CatalogOption, JsonOption, LangOption, WelfareOfficeOption

app = typer.Typer(help="Fit & Gap: compare current work with the standard and follow the gaps.", no_args_is_help=True)

AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Date the overdue check is made on (YYYY-MM-DD).", show_default="today")
]


def _as_of(text: str | None) -> dt.date:
    from spec_catalog.base import UsageError

    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-11-26") from None


@app.command("template")
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="Workbook to write (.xlsx).")],
    businesses: Annotated[
        list[str] | None, typer.Argument(help="業務IDs to assess (default: the municipality's scope, else all 20).")
    ] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="全国地方公共団体コード, e.g. 013455 (森町).")
    ] = None,
    welfare_office: WelfareOfficeOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workbook if it exists (it may be filled in already).")
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the assessment workbook staff fill in: one sheet per business, 独自機能, 業務連携.

    An existing workbook is never replaced without --force.

    Example: fitgap assess template 001 024 --municipality 013455 -o assessment.xlsx
    """
    from fitgap.assessment.template import make_template
    from fitgap.profile import build_profile
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    code = municipality_default(municipality)
    found = project()
    if welfare_office is None and found is not None and code == found.settings.municipality:
        welfare_office = found.settings.welfare_office
    profile = build_profile(code, resolved, welfare_office=welfare_office, businesses=businesses) if code else None
    if profile is not None:
        chosen = [resolved.business(b) for b in profile.businesses]
    elif businesses:
        chosen = [resolved.business(b) for b in businesses]
    else:
        chosen = [b for b in resolved.businesses if not b.common]
    written = make_template(output, resolved, chosen, profile, "en" if language(lang) == "en" else "ja", force=force)
    if as_json:
        typer.echo(to_json(written))
        return
    who = f" for {profile.label}" if profile else ""
    console.print(f"Wrote {output}{who}: {len(chosen)} businesses, {written.functions} functions.")
    if resolved.is_sample:
        err_console.print("[yellow]The catalog is a SAMPLE: its function lists are not the official ones.[/yellow]")


@app.command("score")
def score(
    workbook: Annotated[Path, typer.Argument(help="The filled assessment workbook.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Excel report to write.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Self-contained HTML report to write.")] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="Directory of snapshots: keep this one (never replacing one), add the trend."),
    ] = None,
    gate: Annotated[
        bool, typer.Option("--gate", help="Exit 1 when the gate rules fail (forced gaps remain …).")
    ] = False,
    max_forced_gaps: Annotated[int, typer.Option(help="Gate: unresolved forced gaps allowed.")] = 0,
    max_mandatory_undecided: Annotated[
        int | None, typer.Option(help="Gate: undecided 実装必須機能 allowed (no limit when omitted).")
    ] = None,
    min_readiness: Annotated[float | None, typer.Option(help="Gate: lowest readiness allowed, 0–1.")] = None,
    as_of: AsOfOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score a filled workbook: counts, fit rate, forced gaps, actions, readiness; findings with sheet and cell.

    Exits 1 when a finding is an error, or with --gate when a gate rule fails.

    Example: fitgap assess score assessment.xlsx -o report.xlsx --html report.html --gate
    """
    from fitgap.assessment import score_workbook, write_report
    from fitgap.assessment.scoring import GateRules
    from fitgap.cli.render import print_score
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    rules = (
        GateRules(
            max_forced_gaps_unresolved=max_forced_gaps,
            max_mandatory_undecided=max_mandatory_undecided,
            min_readiness=min_readiness,
        )
        if gate
        else None
    )
    report, assessment = score_workbook(workbook, resolved, _as_of(as_of), rules, history_default(history))
    write_report(report, assessment, output, html, "en" if language(lang) == "en" else "ja")
    if as_json:
        typer.echo(to_json(report))
    else:
        print_score(console, report, [p for p in (output, html) if p is not None])
    failed_gate = report.gate is not None and not report.gate.passed
    if report.error_findings or failed_gate:
        raise typer.Exit(1)


@app.command("suggest")
def suggest(
    source: Annotated[Path, typer.Argument(help="An existing function list (.csv or .xlsx) to map onto 機能IDs.")],
    business: Annotated[str, typer.Option("--business", help="業務ID of the list, e.g. 001.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Pre-filled assessment workbook to write.")],
    column: Annotated[
        str | None, typer.Option("--column", help="Header of the column holding the function names/text.")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Confidence below which a person must decide.")] = 0.35,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workbook if it exists (it may be filled in already).")
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose the most likely 機能IDs for each row of an existing list and pre-fill the workbook.

    Example: fitgap assess suggest vendor-functions.csv --business 001 -o assessment-001.xlsx
    """
    from fitgap.assessment.suggest import read_source_list, suggest_all, write_suggestions
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

    if output.exists() and not force:
        raise UsageError(
            "the workbook exists already (it may be filled in)", where=output, hint="add --force to replace it"
        )
    resolved = resolve_catalog(catalog_dir(catalog))
    spec = resolved.business(business)
    texts = read_source_list(source, column)
    result = suggest_all(texts, spec, threshold)
    write_suggestions(output, resolved, spec, result, language(lang))
    if as_json:
        typer.echo(to_json(result))
        return
    confident = sum(1 for s in result.rows if not s.needs_review)
    console.print(
        f"{len(result.rows)} rows: {confident} matched with confidence ≥ {threshold}, "
        f"{len(result.rows) - confident} left for a person (要確認). Wrote {output}."
    )


@app.command("compare")
def compare(
    old: Annotated[Path, typer.Argument(help="Older scored assessment (JSON from --json or --history).")],
    new: Annotated[Path, typer.Argument(help="Newer scored assessment.")],
    as_json: JsonOption = False,
) -> None:
    """Show gaps closed, opened and changed between two scored assessments.

    Example: fitgap assess compare history/2026-10-01_a_20261001T090000.json history/2026-11-01_a_20261101T090000.json
    """
    from fitgap.assessment.history import compare as compare_reports
    from fitgap.assessment.history import load_snapshot
    from reports.jsonout import to_json
    from reports.tables import Table, columns
    from reports.terminal import print_table

    result = compare_reports(load_snapshot(old), load_snapshot(new), old.name, new.name)
    if as_json:
        typer.echo(to_json(result))
        return
    for title, changes in (("Closed", result.closed), ("Opened", result.opened), ("Changed", result.changed)):
        print_table(
            console,
            Table(
                title=f"{title}: {len(changes)}",
                columns=columns("業務ID", "対象", "名称", "前", "後"),
                rows=tuple((c.business_id or "", c.target, c.name, c.old or "", c.new or "") for c in changes),
            ),
        )
