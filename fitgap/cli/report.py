"""``fitgap report readiness``: go / no-go per business for the cutover."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from fitgap.cli.console import console
from fitgap.cli.defaults import catalog_dir, database, language, project
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, LangOption

app = typer.Typer(help="Reports that combine Fit & Gap, conversion and validation.", no_args_is_help=True)


@app.command("readiness")
def readiness(
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="全国地方公共団体コード (default: the project's).")
    ] = None,
    assessment: Annotated[
        Path | None, typer.Option("--assessment", help="A scored assessment (JSON); default: the project's latest.")
    ] = None,
    validation: Annotated[
        Path | None,
        typer.Option("--validation", help="A validation report (JSON); default: validate the database now."),
    ] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the Excel report.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the self-contained HTML report.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json-file", help="Write the JSON report.")] = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Combine the Fit & Gap status, the conversion records and the validation into a go / no-go per business.

    Exits 1 when a business is NO-GO. In a project, thresholds come from fitgap.yaml and the reports go to its
    output folder unless --xlsx/--html/--json-file say otherwise.

    Example: fitgap report readiness --assessment assessments/history/2026-11-26_assessment.json --html readiness.html
    """
    import duckdb

    from fitgap.assessment.history import load_snapshot
    from fitgap.profile import build_profile
    from fitgap.project import Thresholds
    from fitgap.readiness import assess_readiness, conversion_records, latest_snapshot, readiness_document
    from reports.excel import write_document
    from reports.html import write_html
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog
    from validation.runner import ValidationReport, suites_for, validate

    found = project()
    resolved = resolve_catalog(catalog_dir(catalog))
    code = municipality or (found.settings.municipality if found else None)
    if code is None:
        raise UsageError("no municipality", hint="give --municipality CODE or run inside a project (fitgap init)")
    if found is not None and code == found.settings.municipality:
        businesses, thresholds = found.settings.businesses, found.settings.thresholds
    else:
        businesses, thresholds = build_profile(code, resolved).businesses, Thresholds()
    profile = build_profile(code, resolved, businesses=list(businesses))
    if assessment is None and found is not None:
        assessment = latest_snapshot(found.history)
    scored = load_snapshot(assessment) if assessment is not None else None
    db = database(db)
    records: dict[str, dict[str, Any]] = {}
    quarantine: dict[str, Counter[str]] = {}
    checked: ValidationReport | None = None
    if db.exists():
        con = duckdb.connect(str(db), read_only=True)
        try:
            records, quarantine = conversion_records(con)
        finally:
            con.close()
    if validation is not None:
        checked = ValidationReport.model_validate_json(validation.read_text(encoding="utf-8"))
    elif records:
        with console.status("validating the converted tables …"):
            checked = validate(db, suites_for(db, resolved), resolved)
    report = assess_readiness(profile.label, businesses, resolved, thresholds, scored, records, quarantine, checked)
    if found is not None and xlsx is None and html is None and json_file is None:
        xlsx, html, json_file = (found.output / f"readiness.{ext}" for ext in ("xlsx", "html", "json"))
    document = readiness_document(report, language(lang))
    if xlsx is not None:
        write_document(document, xlsx)
    if html is not None:
        write_html(document, html)
    if json_file is not None:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(to_json(report) + "\n", encoding="utf-8")
    if as_json:
        typer.echo(to_json(report))
    else:
        from fitgap.cli.render import print_readiness

        print_readiness(console, report, [p for p in (xlsx, html, json_file) if p is not None])
    if report.no_go:
        raise typer.Exit(1)
