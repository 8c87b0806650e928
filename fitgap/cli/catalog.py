"""``fitgap catalog …``: list, show, import, export and diff the standard specifications."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir
from fitgap.cli.options import CatalogOption, JsonOption

app = typer.Typer(
    help="The standard specifications of the 20 businesses: functions, data layouts, code lists, links.",
    no_args_is_help=True,
)


@app.command("list")
def list_businesses(catalog: CatalogOption = None, as_json: JsonOption = False) -> None:
    """List the businesses of the catalog (the 20 core businesses and the common functions).

    Example: fitgap catalog list --json
    """
    from reports.catalog import businesses_table
    from reports.jsonout import to_json
    from reports.terminal import print_table
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    if as_json:
        typer.echo(to_json([b.summary() for b in resolved.businesses]))
        return
    print_table(console, businesses_table(resolved, wide=False))


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
    files: Annotated[list[Path], typer.Argument(help="Official .xlsx workbooks: 項目定義書 or function lists.")],
    into: Annotated[Path, typer.Option("--into", help="Catalog directory to write into.")] = Path("catalog"),
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

    Example: fitgap catalog import 項目定義書.xlsx --into catalog
    """
    from reports.jsonout import to_json
    from spec_catalog.importers import import_workbook
    from spec_catalog.importers.functions import parse_column_options

    columns = parse_column_options(column or [])
    results = [
        import_workbook(f, into, columns=columns, spec_version=spec_version, attribution=attribution) for f in files
    ]
    if as_json:
        typer.echo(to_json(results))
        return
    for r in results:
        console.print(
            f"{r.file}: {r.kind} of {r.business_id} {r.name} {r.spec_version or ''} — {r.functions} functions, "
            f"{r.groups} groups, {r.items} items, {r.code_lists} code lists → {r.written}"
        )
    err_console.print(f"Use it with: fitgap catalog list --catalog {into}")


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .xlsx or .json.")],
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
    old: Annotated[str, typer.Argument(help="'embedded', a catalog directory, or a business .yaml file.")],
    new: Annotated[str, typer.Argument(help="'embedded', a catalog directory, or a business .yaml file.")],
    business: Annotated[list[str] | None, typer.Option("--business", help="Compare only these 業務IDs.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the diff as an Excel workbook.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Compare two catalogs or two versions of a business (functions, items, code lists).

    Example: fitgap catalog diff old/001_v4.0.yaml new/001_v5.0.yaml
    """
    from reports.catalog import diff_document, diff_table
    from reports.excel import write_document
    from reports.jsonout import to_json
    from reports.terminal import print_table
    from spec_catalog.diff import diff_sources

    result = diff_sources(old, new, business)
    if xlsx is not None:
        write_document(diff_document(result), xlsx)
    if as_json:
        typer.echo(to_json(result))
        return
    if not result.changes:
        console.print(f"No differences between {old} and {new}.")
        return
    print_table(console, diff_table(result))
    console.print(", ".join(f"{kind}: {count}" for kind, count in result.counts.items()))
