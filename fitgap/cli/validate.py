"""``fitgap validate …``: expectation suites from the catalog, run with Great Expectations on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.convert import warn_unmasked
from fitgap.cli.defaults import allowed_characters as allowed_characters_default
from fitgap.cli.defaults import catalog_dir, database, project
from fitgap.cli.options import (
    CatalogOption,
    DbOption,
    JsonOption,
    ReportFiles,
    UnmaskOption,
    output_option,
    report_files,
    report_option,
)

app = typer.Typer(help="Validate converted tables against the standard with Great Expectations.", no_args_is_help=True)


@app.command("suite")
def suite(
    target: Annotated[str, typer.Argument(help="BUSINESS or BUSINESS/GROUP, e.g. 001 or 001/住民.")],
    output: Annotated[
        Path | None,
        output_option("Folder for the suite files (one per group).", show_default="the project's suites/"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace suite files that exist (they may hold your edits).")
    ] = False,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write one GX expectation suite per group, generated from the catalog (review and keep them in git).

    A suite file holds no SQL: each rule's SQL is made from the catalog when the suite runs. An existing suite
    file is never replaced without --force. In a project they go to its suites/ folder, which 'validate run'
    then reads.

    Example: fitgap validate suite 001/住民 -o suites/
    """
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog
    from validation import plan_suite, write_suites

    if output is None:
        found = project()
        if found is None:
            raise UsageError("no folder for the suite files", hint="give -o DIR, or run inside a project (fitgap init)")
        output = found.root / "suites"
    resolved = resolve_catalog(catalog_dir(catalog))
    business, _, group_name = target.partition("/")
    spec = resolved.business(business)
    groups = [g for g in spec.layouts if not group_name or g.name == group_name]
    if not groups:
        raise UsageError(
            f"{spec.business_id} {spec.name} has no group {group_name!r}"
            if group_name
            else f"{spec.business_id} {spec.name} has no data layout in the catalog",
            hint=f"groups: {', '.join(g.name for g in spec.layouts) or 'none'}",
        )
    written = write_suites([plan_suite(spec, group, resolved.name) for group in groups], output, force=force)
    if as_json:
        typer.echo(to_json(list(written)))
        return
    for w in written:
        console.print(f"Wrote {w.file}: {w.rules} rules, {w.manual_checks} conditions to check by hand.")


@app.command("run")
def run(
    db: DbOption = None,
    suites: Annotated[
        Path | None,
        typer.Option(
            "--suites",
            help="Suite folder (made by 'validate suite'); read against --catalog.",
            show_default="the project's suites/ when it holds suite files, else generated from the catalog",
        ),
    ] = None,
    junit: Annotated[Path | None, report_option("junit", in_project="validation")] = None,
    json_file: Annotated[Path | None, report_option("json_file", "--json-out", in_project="validation")] = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="validation")] = None,
    html: Annotated[Path | None, report_option("html", in_project="validation")] = None,
    docs: Annotated[Path | None, typer.Option("--docs", help="Also build GX Data Docs into this folder.")] = None,
    allowed_characters: Annotated[
        Path | None,
        typer.Option(
            "--allowed-characters",
            help="Characters the municipality accepts in Ｎ items beside the standard's set: the decision record "
            "of 'fitgap moji apply' (gaiji-decisions.csv, rows kept as they are) or a UTF-8 text file of characters "
            "(default: the project's moji.allowed in fitgap.yaml).",
        ),
    ] = None,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
) -> None:
    """Run the suites against the DuckDB tables; list every failing row (masked). Exit 1 when an error fails.

    Ｎ items hold only characters of the standard's set (JIS X 0213, MJ) or of --allowed-characters
    (CHARACTER_NOT_IN_STANDARD; the converter does not quarantine by it). In a project the suites are those of
    its suites/ folder when it holds any (else generated from the catalog), and the reports go to its output
    folder (validation.xlsx, .html, .json, validation-junit.xml) unless --xlsx/--html/--json-file/--junit name
    others. GX Data Docs (--docs) name each suite after its table and each run after the conversion run.

    Example: fitgap validate run --db migration.duckdb --junit validation.xml --xlsx validation.xlsx
    """
    from fitgap.cli.defaults import language
    from fitgap.cli.progress import VALIDATION, by_table, phases
    from fitgap.cli.render import print_validation
    from fitgap.pipeline import validate_database, write_validation_reports
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    warn_unmasked(unmask)
    db = database(db)
    resolved = resolve_catalog(catalog_dir(catalog))
    with phases(quiet=as_json) as steps:
        report = validate_database(
            db,
            resolved,
            suites=project_suites(suites),
            docs=docs,
            unmask=unmask,
            allowed_characters=allowed_characters_default(allowed_characters),
            progress=by_table(steps, VALIDATION),
        )
    files = report_files("validation", ReportFiles(xlsx, html, json_file, junit))
    written = write_validation_reports(
        report, junit=files.junit, json_file=files.json_file, xlsx=files.xlsx, html=files.html, lang=language(None)
    )
    if as_json:
        typer.echo(to_json(report))
    else:
        if report.allowed_characters_file is not None:  # perhaps from fitgap.yaml: say which decisions applied
            console.print(
                f"許容する文字: {report.allowed_characters} 字（{report.allowed_characters_file}）",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        print_validation(console, report, [*written, *([docs] if docs is not None else [])], lang=language(None))
    if not report.passed:
        raise typer.Exit(1)


def project_suites(option: Path | None) -> Path | None:
    """The suite folder: the option, else the project's suites/ when it holds suite files, else none (the suites
    are generated from the catalog)."""
    if option is not None:
        return option
    found = project()
    folder = found.root / "suites" if found is not None else None
    return folder if folder is not None and any(folder.glob("*.json")) else None
