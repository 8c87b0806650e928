"""``fitgap report readiness``: go / no-go per business for the cutover."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.defaults import allowed_characters, catalog_dir, database, language, project
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, LangOption, ReportFiles, report_files, report_option

if TYPE_CHECKING:
    from validation import ValidationReport

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
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="readiness")] = None,
    html: Annotated[Path | None, report_option("html", in_project="readiness")] = None,
    json_file: Annotated[Path | None, report_option("json_file", in_project="readiness")] = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Combine the Fit & Gap status, the conversion records and the validation into a go / no-go per business.

    Exits 1 when a business is NO-GO. In a project, thresholds come from fitgap.yaml, the assessment is the
    snapshot of the latest scoring (by the time recorded in it), the validation uses its suites/ folder when it
    holds suite files, and the reports go to its output folder (readiness.xlsx, .html, .json) unless
    --xlsx/--html/--json-file name others. Every report names its inputs, the tool version and 作成日時.

    Example: fitgap report readiness --assessment history/2026-11-26_assessment_20261126T101500.json --html r.html
    """
    from fitgap.assessment.history import load_snapshot
    from fitgap.cli.progress import VALIDATION, by_table, phases
    from fitgap.cli.validate import project_suites
    from fitgap.pipeline import readiness as readiness_of
    from fitgap.pipeline import write_readiness_reports
    from fitgap.profile import build_profile
    from fitgap.project import Thresholds
    from fitgap.readiness import latest_snapshot
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

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
    checked = _read_validation(validation) if validation is not None else None
    with phases(quiet=as_json) as steps:
        report = readiness_of(
            database(db),
            resolved,
            municipality=profile.label,
            businesses=businesses,
            thresholds=thresholds,
            assessment=load_snapshot(assessment) if assessment is not None else None,
            assessment_file=assessment,
            validation=checked,
            allowed_characters=allowed_characters(None),
            suites=project_suites(None),
            progress=by_table(steps, VALIDATION),
        )
    files = report_files("readiness", ReportFiles(xlsx, html, json_file), ("xlsx", "html", "json_file"))
    lang_code = language(lang)
    written = write_readiness_reports(
        report, lang=lang_code, xlsx=files.xlsx, html=files.html, json_file=files.json_file
    )
    if as_json:
        typer.echo(to_json(report))
    else:
        from fitgap.cli.render import print_readiness

        print_readiness(console, report, written, lang_code)
    if report.no_go:
        raise typer.Exit(1)


def _read_validation(path: Path) -> ValidationReport:
    """A validation report written by ``fitgap validate run --json-file``, or one line saying what it is not."""
    from pydantic import ValidationError

    from spec_catalog import FitgapError
    from spec_catalog.files import check_input_file
    from validation import ValidationReport

    fix = "give the JSON file written by 'fitgap validate run --json-file FILE'"
    check_input_file(path, "validation report", hint=fix)
    try:
        return ValidationReport.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(part) for part in first["loc"])
        problem = f"{first['msg']} at {at}" if at else first["msg"]
        raise FitgapError(f"not a validation report ({problem})", where=path, hint=fix) from None
