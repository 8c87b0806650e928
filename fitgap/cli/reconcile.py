"""``fitgap reconcile …``: 現新比較 — the converted data against the legacy data, the new results against the old."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli import reconcile_results
from fitgap.cli.console import console
from fitgap.cli.convert import warn_unmasked
from fitgap.cli.defaults import catalog_dir, database, project
from fitgap.cli.options import (
    CatalogOption,
    DbOption,
    JsonOption,
    JunitOption,
    ReportFiles,
    UnmaskOption,
    report_files,
    report_option,
)

app = typer.Typer(
    help="現新比較: prove the converted data says what the legacy data said, and the new results match the old.",
    no_args_is_help=True,
)
app.command("results")(reconcile_results.results)

# reconcile_run's phases as the progress line names them.
_PHASES = {"reading": "旧データの読み込み・変換", "comparing": "比較"}


@app.command("run")
def run(
    mapping: Annotated[Path, typer.Argument(help="The mapping file (YAML) of the published conversion.")],
    db: DbOption = None,
    run_id: Annotated[
        str | None, typer.Option("--run", help="The run to reconcile.", show_default="the mapping's latest published")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="Compare this table of the database (e.g. the new system's data loaded back) instead of the "
            "published rows.",
        ),
    ] = None,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="DuckDB memory limit (it spills to disk beyond).")
    ] = "1GB",
    junit: JunitOption = None,
    json_file: Annotated[Path | None, report_option("json_file", in_project="reconcile-MAPPING")] = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="reconcile-MAPPING")] = None,
    html: Annotated[Path | None, report_option("html", in_project="reconcile-MAPPING")] = None,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
) -> None:
    """Compare a published conversion with its legacy file, value by value, by key (現新比較). Exit 1 on any
    unexplained difference or control total beyond its tolerance.

    The legacy file is read again and every item made by the mapping's own transforms (和暦, width, 外字, code
    tables), then compared with the target row of the same key. A difference a correction, a 縮退 or the run's
    quarantine explains is listed as explained; every other one is listed as unexplained (masked). Control
    totals (rows, rows per code, distinct keys, sums, min/max dates, 不詳) are compared with the tolerances of
    fitgap.yaml (reconcile: tolerances:). Each reconciliation is recorded for the readiness report. In a project
    the reports go to its output folder (reconcile-MAPPING.xlsx, .html, .json; MAPPING: the mapping's name) unless
    --xlsx/--html/--json-file/--junit name others.

    Example: fitgap reconcile run mappings/residents.yaml --db migration.duckdb --xlsx reconcile.xlsx
    """
    from converters import load_mapping
    from fitgap.cli.defaults import language
    from fitgap.cli.progress import phases
    from fitgap.cli.render import print_reconciliation
    from fitgap.pipeline import write_reconcile_reports
    from fitgap.reconcile.run import reconcile_run
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    warn_unmasked(unmask)
    loaded = load_mapping(mapping, resolve_catalog(catalog_dir(catalog)))
    found = project()
    tolerances = found.settings.reconcile.tolerances if found else {}
    with phases(quiet=as_json) as steps:
        result = reconcile_run(
            loaded,
            database(db),
            run_id=run_id,
            target=target,
            tolerances=tolerances,
            unmask=unmask,
            memory_limit=memory_limit,
            say=lambda phase: steps.start(_PHASES.get(phase, phase)),
        )
    files = report_files(
        f"reconcile-{loaded.name}", ReportFiles(xlsx, html, json_file, junit), ("xlsx", "html", "json_file")
    )
    written = write_reconcile_reports(
        result, junit=files.junit, json_file=files.json_file, xlsx=files.xlsx, html=files.html, unmask=unmask
    )
    if as_json:
        typer.echo(to_json(result, unmask=unmask))
    else:
        print_reconciliation(console, result, written, language(None))
    if not result.ok:
        raise typer.Exit(1)
