"""``fitgap convert quarantine``: why rows were quarantined, without SQL, and the cleansing-request workbook
(データ補正依頼) whose filled 補正後の値 the next run applies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, database
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, UnmaskOption

if TYPE_CHECKING:
    from converters.review import QuarantineReport

_SHOWN_LINES = 8  # lines listed per group on the terminal (all of them are in --json)


def quarantine(
    mapping: Annotated[
        Path | None, typer.Argument(help="The mapping file (YAML); every mapping in the database when omitted.")
    ] = None,
    db: DbOption = None,
    table: Annotated[
        str | None, typer.Option("--table", help="Only the mappings that fill this table, e.g. 001_住民.")
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write MAPPING's cleansing-request workbook (データ補正依頼) to this file."),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option("--source", help="With --xlsx: the file the run read, when it was not the mapping's path."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workbook if it exists (it may be filled in already).")
    ] = False,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
) -> None:
    """List what the last published run of each mapping quarantined, by item, reason and value (masked), with
    counts and source lines; --xlsx writes the cleansing-request workbook for staff (one sheet per item, a
    補正後の値 column to fill). List the filled workbook under corrections: in the mapping (or pass it once with
    'convert run --corrections'): the next run applies it and records each correction.

    Example: fitgap convert quarantine examples/residents/mapping-csv.yaml --db migration.duckdb --xlsx 補正依頼.xlsx
    """
    from converters import load_mapping
    from fitgap.cli.convert import warn_unmasked
    from fitgap.pipeline import quarantine as review
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

    if xlsx is not None and mapping is None:
        raise UsageError(
            "--xlsx writes one mapping's workbook", hint="name the mapping: convert quarantine MAPPING.yaml"
        )
    if source is not None and mapping is None:
        raise UsageError("--source needs the mapping", hint="name the mapping: convert quarantine MAPPING.yaml")
    if xlsx is not None and xlsx.exists() and not force:
        raise UsageError(
            "the workbook exists already (it may be filled in)", where=xlsx, hint="add --force to replace it"
        )
    warn_unmasked(unmask)
    resolved = resolve_catalog(catalog_dir(catalog))
    loaded = load_mapping(mapping, resolved, source) if mapping is not None else None
    db = database(db)
    report = review(db, resolved, mapping=loaded, table=table, xlsx=xlsx, force=force, unmask=unmask)
    if as_json:
        typer.echo(to_json(report, unmask=unmask))
        return
    _print(report, unmask)
    if xlsx is not None and report.request is None:
        err_console.print("Nothing quarantined: no workbook written.", highlight=False)


def _print(report: QuarantineReport, unmask: bool) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    if not report.mappings:
        console.print(f"No published run in {report.database}.", markup=False, highlight=False)
    for m in report.mappings:
        heading = (
            f"{m.mapping} → {m.target_table} (run {m.run_id}): {m.rows_quarantined} rows, "
            f"{m.values_quarantined} values quarantined"
        )
        console.print(heading, markup=False, highlight=False, soft_wrap=True)
        if not m.groups:
            continue
        rows = tuple(
            (
                g.item_name or "（行全体）",
                g.reason,
                g.message,
                g.value,
                g.count,
                ", ".join(str(n) for n in g.lines[:_SHOWN_LINES])
                + (f" …（ほか{len(g.lines) - _SHOWN_LINES}行）" if len(g.lines) > _SHOWN_LINES else ""),
            )
            for g in m.groups
        )
        print_table(
            console,
            Table(title="項目・理由・値ごと", columns=columns("項目", "理由", "内容", "値", "件数", "行"), rows=rows),
            unmask=unmask,
        )
    written = report.request
    if written is not None:
        console.print(
            f"Wrote {written.file}: {written.rows} values on {len(written.sheets)} sheets, {written.correctable} "
            f"correctable (request {written.request_id}). Fill 補正後の値, then list the file under corrections: "
            "in the mapping and convert again.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
