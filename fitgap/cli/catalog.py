"""``fitgap catalog …``: list, show, import, export and diff the standard specifications."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir
from fitgap.cli.options import CatalogOption, HtmlOption, JsonFileOption, JsonOption, XlsxOption, output_option

if TYPE_CHECKING:
    from reports.tables import Table
    from spec_catalog.importers import ImportResult
    from spec_catalog.store import ListedBusiness

app = typer.Typer(
    help="The standard specifications of the 20 businesses: functions, data layouts, code lists, links.",
    no_args_is_help=True,
)


_KINDS = {"core": "基幹業務", "common": "共通機能"}
_VERSION_ORIGINS = {
    "option": "--spec-version",
    "cells": "ブック内の記載 (cells)",
    "file_name": "ファイル名 (file name)",
    "unknown": "不明 (unknown)",
}
VERSION_RULE = (
    "版 / version: --spec-version > ブック内の記載 > ファイル名 > 不明. Of several versions in a catalog directory the "
    "latest import is used, unless versions say otherwise (a higher comparable 版 imported earlier stays in use)."
)


def _source_label(row: ListedBusiness) -> str:
    from spec_catalog.store import EMBEDDED
    from spec_catalog.vocab import Source

    if not row.in_catalog:
        return "未収録 (not in catalog)"
    kind = "サンプル (sample)" if row.source is Source.SAMPLE else "公式ファイルから取込 (official import)"
    where = "埋め込み (embedded)" if row.origin == EMBEDDED else str(row.origin)
    held = f"{row.held_by} に収録 / held by {row.held_by}: " if row.held_by else ""
    return f"{held}{kind}, {where}"


def _version_label(row: ListedBusiness) -> str:
    if not row.in_catalog:
        return ""
    origin = _VERSION_ORIGINS[row.version_source] if row.version_source else "カタログに記載 (catalog file)"
    text = f"{row.spec_version} — {origin}" if row.spec_version else origin
    return f"{text}; 他の版: {', '.join(row.other_versions)}" if row.other_versions else text


def _kind_label(row: ListedBusiness) -> str:
    if row.kind in _KINDS:
        return _KINDS[row.kind]
    part = f"{'/'.join(row.part_of)} の一部" if row.part_of else ""
    return f"{row.family}（{part}）" if row.family and part else part


def listing_table(rows: tuple[ListedBusiness, ...], catalog_name: str, note: str | None) -> Table:
    """The ID scheme joined with the catalog, as a terminal table."""
    from reports.tables import Table, columns

    body = tuple(
        (
            row.business_id,
            row.name,
            _kind_label(row),
            _source_label(row),
            _version_label(row),
            row.functions if row.in_catalog else None,
            row.items if row.in_catalog else None,
        )
        for row in rows
    )
    return Table(
        title=f"業務一覧 / Businesses — {catalog_name}",
        columns=columns("業務ID", "業務名", "区分", "収録 / source", "版 / version", "機能数", "データ項目数"),
        rows=body,
        note=note,
    )


@app.command("list")
def list_businesses(catalog: CatalogOption = None, as_json: JsonOption = False) -> None:
    """List every 業務ID of the standard (001–039: the 20 businesses, their parts such as 005 or 014, the common
    functions) with where the catalog's content for it comes from (embedded sample, official import, or not in
    the catalog) and its version with where the version came from.

    Example: fitgap catalog list --json
    """
    from reports.catalog import sample_note
    from reports.jsonout import to_json
    from reports.terminal import print_table
    from spec_catalog import resolve_catalog
    from spec_catalog.store import list_businesses as listing

    directory = catalog_dir(catalog)
    resolved = resolve_catalog(directory)
    rows = listing(directory)
    if as_json:
        typer.echo(to_json(rows))
        return
    print_table(console, listing_table(rows, resolved.name, sample_note(resolved.businesses)))
    console.print(VERSION_RULE)


@app.command("show")
def show(
    business: Annotated[str, typer.Argument(help="業務ID (e.g. 001) or name (e.g. 住民基本台帳).")],
    function_class: Annotated[
        list[str] | None,
        typer.Option("--class", help="Only functions of this class (実装必須機能, 標準オプション機能, 実装不可機能)."),
    ] = None,
    group: Annotated[list[str] | None, typer.Option("--group", help="Only the data items of this group.")] = None,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one business: its functions, data layout and code lists.

    Example: fitgap catalog show 031 --group 住登外者宛名基本情報
    """
    from reports.catalog import code_lists_table, functions_table, items_table, links_table
    from reports.jsonout import to_json
    from reports.masking import masked_samples
    from reports.terminal import print_table
    from spec_catalog import FunctionClass, UsageError, resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    spec = resolved.business(business)
    classes = set()
    for label in function_class or []:
        try:
            classes.add(FunctionClass.parse(label))
        except ValueError as exc:
            raise UsageError(f"--class: {exc}") from None
    unknown = [g for g in group or [] if spec.group(g) is None]
    if unknown:
        known = ", ".join(g.name for g in spec.layouts) or "none"
        raise UsageError(
            f"--group {unknown[0]!r} is not a group of {spec.business_id} {spec.name}",
            hint=f"groups: {known}",
        )
    functions = tuple(f for f in spec.functions if not classes or f.function_class in classes)
    layouts = tuple(g for g in spec.layouts if not group or g.name in group)
    shown = spec.model_copy(update={"functions": functions, "layouts": layouts})
    if as_json:
        typer.echo(to_json(masked_samples(shown)))
        return
    console.print(
        f"[bold]{spec.business_id} {spec.name}[/bold] ({spec.name_en}) — {spec.spec_name} "
        f"{spec.spec_version or '(版 unknown)'} — {spec.ministry} — source: {spec.source.value}"
    )
    print_table(console, functions_table(spec, functions))
    if layouts:
        print_table(console, items_table(spec, [i for g in layouts for i in g.items], wide=False))
    if spec.code_lists:
        print_table(console, code_lists_table(spec))
    if resolved.links_of(spec.business_id):
        print_table(console, links_table(resolved, set(spec.ids)))


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(help="Official .xlsx workbooks (項目定義書 or function lists) or .docx specifications."),
    ],
    output: Annotated[
        Path | None,
        output_option(
            "Catalog directory to write into (made if missing).", "--into", show_default="the project's, else catalog"
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="Name a function-list column: FIELD=HEADER, e.g. 機能ID=要件番号."),
    ] = None,
    spec_version: Annotated[
        str | None,
        typer.Option("--spec-version", help="Version label, e.g. 第5.0版 (read from the file if it says)."),
    ] = None,
    attribution: Annotated[str | None, typer.Option("--attribution", help="出典 text to keep with the data.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Import official workbooks into a catalog directory (one YAML file per business and version).

    Every sheet is read: each item sheet (one data group), each code-list sheet (コード一覧（個別）and
    （連携）). The version comes from --spec-version, else the cells, else the file name (【第2.1版】, v2.1,
    令和5年9月). A layout keeps the business's functions, and functions keep its layout.

    Example: fitgap catalog import 項目定義書【第2.1版】.xlsx -o catalog
    """
    from reports.jsonout import to_json
    from spec_catalog.importers import import_file
    from spec_catalog.importers.functions import parse_column_options

    into = output if output is not None else catalog_dir(None) or Path("catalog")
    columns = parse_column_options(column or [])
    results = [
        r
        for f in files
        for r in import_file(f, into, columns=columns, spec_version=spec_version, attribution=attribution)
    ]
    if as_json:
        typer.echo(to_json(results))
        return
    for r in results:
        # One line each, never folded: a script or a person reads them line by line.
        console.print(
            f"{r.file}: {r.kind} of {r.business_id} {r.name} {r.spec_version or ''} — {r.functions} functions, "
            f"{r.groups} groups, {r.items} items, {r.code_lists} code lists → {r.written}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        for line in import_details(r):
            console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    err_console.print(f"Use it with: fitgap catalog list --catalog {into}")


def import_details(result: ImportResult) -> list[str]:
    """What an import read from each sheet, where its version came from, what it kept, whether it is in use."""
    lines = []
    for sheet in result.sheets:
        if sheet.kind == "items":
            what = f"{sheet.items} items of group {', '.join(sheet.groups)}"
        elif sheet.kind == "code_lists":
            what = f"code lists {', '.join(sheet.code_lists) or 'none'}"
        elif sheet.kind == "functions":
            what = f"{sheet.functions} functions"
        else:
            what = "skipped"
        where = f" (header row {sheet.header_row})" if sheet.header_row else ""
        notes = "".join(f"; {note}" for note in sheet.notes)
        lines.append(f"sheet '{sheet.sheet}': {what}{where}{notes}")
    if result.linked_code_lists:
        lines.append(f"連携 code lists (owned by another business): {', '.join(result.linked_code_lists)}")
    if result.version_source is not None:
        origin = _VERSION_ORIGINS[result.version_source]
        lines.append(
            f"version: {result.spec_version or '-'} ({origin})"
            + (f"; {result.version_note}" if result.version_note else "")
        )
    for kept in result.kept:
        sample = " — sample content: the business stays marked sample" if kept.sample else ""
        lines.append(
            f"kept: {kept.count} {'functions' if kept.part == 'functions' else 'data items'} from {kept.source}{sample}"
        )
    if result.in_use_note:
        lines.append(result.in_use_note)
    return lines


@app.command("export")
def export(
    output: Annotated[Path, output_option("File to write: .xlsx or .json.")],
    businesses: Annotated[list[str] | None, typer.Argument(help="業務IDs to export (all when omitted).")] = None,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export the catalog (or some businesses) to Excel or JSON.

    Example: fitgap catalog export 001 031 -o catalog.xlsx
    """
    from reports.catalog import export_catalog
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    chosen = [resolved.business(b) for b in businesses] if businesses else list(resolved.businesses)
    written = export_catalog(resolved, chosen, output)
    if as_json:
        typer.echo(to_json(written))
    else:
        console.print(f"Wrote {len(chosen)} businesses to {output}")


@app.command("diff")
def diff(
    old: Annotated[
        str, typer.Argument(help="'embedded', a catalog directory, DIRECTORY@VERSION, or a business .yaml file.")
    ],
    new: Annotated[
        str, typer.Argument(help="'embedded', a catalog directory, DIRECTORY@VERSION, or a business .yaml file.")
    ],
    business: Annotated[list[str] | None, typer.Option("--business", help="Compare only these 業務IDs.")] = None,
    xlsx: XlsxOption = None,
    html: HtmlOption = None,
    json_file: JsonFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare two catalogs or two versions of a business (functions, items, code lists).

    Two versions held side by side in one catalog directory: catalog@第2.0版 catalog@第2.1版 (catalog@unversioned
    names the files without a version), or the two business files. --xlsx, --html and --json-file also write
    the diff as a report.

    Example: fitgap catalog diff catalog@第2.0版 catalog@第2.1版 --business 031
    """
    from reports.catalog import diff_document, diff_table
    from reports.excel import write_document
    from reports.html import write_html
    from reports.jsonout import to_json
    from reports.terminal import print_table
    from spec_catalog.diff import diff_sources

    result = diff_sources(old, new, business)
    if xlsx is not None:
        write_document(diff_document(result), xlsx)
    if html is not None:
        write_html(diff_document(result), html)
    if json_file is not None:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(to_json(result) + "\n", encoding="utf-8")
    if as_json:
        typer.echo(to_json(result))
        return
    if not result.changes:
        console.print(f"No differences between {old} and {new}.")
        return
    print_table(console, diff_table(result))
    console.print(", ".join(f"{kind}: {count}" for kind, count in result.counts.items()))
