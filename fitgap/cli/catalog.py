"""``fitgap catalog …``: list, show, import, export and diff the standard specifications."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, municipality_name
from fitgap.cli.help_language import help_text
from fitgap.cli.options import (
    CatalogOption,
    HtmlOption,
    JsonFileOption,
    JsonOption,
    LangOption,
    XlsxOption,
    output_option,
)
from spec_catalog.language import say

if TYPE_CHECKING:
    from reports.tables import Table
    from spec_catalog.importers import ImportResult
    from spec_catalog.importers.sheets import SheetReport
    from spec_catalog.store import ListedBusiness

app = typer.Typer(
    help=help_text(
        "20 業務の標準仕様: 機能要件、データレイアウト、コード一覧、業務連携。",
        "The standard specifications of the 20 businesses: functions, data layouts, code lists, links.",
    ),
    no_args_is_help=True,
)


def _kinds() -> dict[str, str]:
    return {"core": say("基幹業務", "core business"), "common": say("共通機能", "common function")}


def _version_origin(origin: str) -> str:
    """Where a version came from, as the list and the import say it."""
    return {
        "option": "--spec-version",
        "cells": say("ブック内の記載", "cells"),
        "cover": say("表紙の記載", "the cover"),
        "file_name": say("ファイル名", "file name"),
        "unknown": say("不明", "unknown"),
    }[origin]


def version_rule() -> str:
    """How a version is read and which of several a catalog directory uses (printed under the list)."""
    return say(
        "版: --spec-version > ブック内の記載（Word の文書は表紙の記載） > ファイル名 > 不明。"
        "カタログのフォルダに複数の版があるときは最後に"
        "取り込んだものを使います（ただし、先に取り込んだ比べられる上位の版があれば、それを使い続けます）。",
        "version: --spec-version > cells (a Word document: its cover) > file name > unknown. "
        "Of several versions in a catalog directory the "
        "latest import is used, unless versions say otherwise (a higher comparable 版 imported earlier stays in use).",
    )


def _source_label(row: ListedBusiness) -> str:
    from reports.catalog import source_label
    from spec_catalog.store import EMBEDDED

    if not row.in_catalog or row.source is None:
        return say("未収録", "not in catalog")
    kind = source_label(row.source, row.business_id, row.spec_version)
    where = say("組み込み", "embedded") if row.origin == EMBEDDED else str(row.origin)
    held = say(f"{row.held_by} に収録: ", f"held by {row.held_by}: ") if row.held_by else ""
    return f"{held}{kind}, {where}"


def _version_label(row: ListedBusiness) -> str:
    if not row.in_catalog:
        return ""
    origin = _version_origin(row.version_source) if row.version_source else say("カタログに記載", "catalog file")
    text = f"{row.spec_version} — {origin}" if row.spec_version else origin
    others = ", ".join(row.other_versions)
    return f"{text}; " + say(f"他の版: {others}", f"other versions: {others}") if others else text


def _kind_label(row: ListedBusiness) -> str:
    kinds = _kinds()
    if row.kind in kinds:
        return kinds[row.kind]
    ids = "/".join(row.part_of)
    part = say(f"{ids} の一部", f"part of {ids}") if row.part_of else ""
    return say(f"{row.family}（{part}）", f"{row.family} ({part})") if row.family and part else part


def listing_table(rows: tuple[ListedBusiness, ...], catalog_name: str, note: str | None) -> Table:
    """The ID scheme joined with the catalog, as a terminal table."""
    from reports.tables import Table, columns
    from spec_catalog.models import catalog_label  # here: the models cost 0.2 s of `fitgap --help`

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
        title=say("業務一覧", "Businesses") + f" — {catalog_label(catalog_name)}",
        columns=columns(
            "業務ID",
            say("業務名", "Business"),
            say("区分", "Kind"),
            say("収録", "Source"),
            say("版", "Version"),
            say("機能数", "Functions"),
            say("データ項目数", "Data items"),
        ),
        rows=body,
        note=note,
    )


@app.command(
    "list",
    help=help_text(
        "標準の業務IDをすべて（001–039: 20 業務、005 や 014 のような一部の業務、共通機能）、カタログの内容の出どころ"
        "（組み込みのサンプル、公式ファイルからの取込、未収録）と、版とその出どころとともに一覧にします。\n\n"
        "例: fitgap catalog list --json",
        "List every 業務ID of the standard (001–039: the 20 businesses, their parts such as 005 or 014, the common "
        "functions) with where the catalog's content for it comes from (embedded sample, official import, or not in "
        "the catalog) and its version with where the version came from.\n\n"
        "Example: fitgap catalog list --json",
    ),
)
def list_businesses(catalog: CatalogOption = None, lang: LangOption = None, as_json: JsonOption = False) -> None:
    """List every 業務ID of the standard with where the catalog's content for it comes from."""
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
    console.print(version_rule())


@app.command(
    "show",
    help=help_text(
        "一つの業務の機能要件、データレイアウト、コード一覧を表示します。\n\n"
        "例: fitgap catalog show 031 --group 住登外者宛名基本情報",
        "Show one business: its functions, data layout and code lists.\n\n"
        "Example: fitgap catalog show 031 --group 住登外者宛名基本情報",
    ),
)
def show(
    business: Annotated[
        str,
        typer.Argument(
            help=help_text(
                "業務ID（例: 001）または業務名（例: 住民基本台帳）。", "業務ID (e.g. 001) or name (e.g. 住民基本台帳)."
            )
        ),
    ],
    function_class: Annotated[
        list[str] | None,
        typer.Option(
            "--class",
            help=help_text(
                "この実装区分の機能だけ（実装必須機能、標準オプション機能、実装不可機能）。",
                "Only functions of this class (実装必須機能, 標準オプション機能, 実装不可機能).",
            ),
        ),
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            help=help_text("このグループのデータ項目だけ。", "Only the data items of this group."),
        ),
    ] = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one business: its functions, data layout and code lists."""
    from reports.catalog import code_lists_table, functions_table, items_table, links_table, source_label
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
        known = ", ".join(g.name for g in spec.layouts) or say("なし", "none")
        raise UsageError(
            say(
                f"--group {unknown[0]!r} は {spec.business_id} {spec.name} のグループではありません",
                f"--group {unknown[0]!r} is not a group of {spec.business_id} {spec.name}",
            ),
            hint=say(f"グループ: {known}", f"groups: {known}"),
        )
    functions = tuple(f for f in spec.functions if not classes or f.function_class in classes)
    layouts = tuple(g for g in spec.layouts if not group or g.name in group)
    shown = spec.model_copy(update={"functions": functions, "layouts": layouts})
    if as_json:
        typer.echo(to_json(masked_samples(shown)))
        return
    version = spec.spec_version or say("（版不明）", "(version unknown)")
    source = source_label(spec.source, spec.business_id, spec.spec_version)
    heading = Text(f"{spec.business_id} {spec.name}", style="bold")
    english = say("", f" ({spec.name_en})")  # the English name only in an English run
    heading.append(f"{english} — {spec.spec_name}{version if version.startswith('（') else ' ' + version} — ")
    heading.append(f"{spec.ministry} — ")
    heading.append(say(f"収録: {source}", f"source: {source}"))
    console.print(heading)
    print_table(console, functions_table(spec, functions))
    if layouts:
        print_table(console, items_table(spec, [i for g in layouts for i in g.items], wide=False))
    if spec.code_lists:
        print_table(console, code_lists_table(spec))
    if resolved.links_of(spec.business_id):
        print_table(console, links_table(resolved, set(spec.ids)))


@app.command(
    "import",
    help=help_text(
        "公式のブックをカタログのフォルダに取り込みます（業務と版ごとに YAML ファイル一つ）。\n\n"
        "すべてのシートを読みます: 項目のシート（データのグループ一つ）、コード一覧のシート（コード一覧（個別）と"
        "（連携））。版は --spec-version、なければセルの記載、なければファイル名（【第2.1版】、v2.1、令和5年9月）から"
        "取ります。データレイアウトを取り込んでも業務の機能要件は残り、機能要件を取り込んでもデータレイアウトは"
        "残ります。\n\n"
        "例: fitgap catalog import 項目定義書【第2.1版】.xlsx -o catalog",
        "Import official workbooks into a catalog directory (one YAML file per business and version).\n\n"
        "Every sheet is read: each item sheet (one data group), each code-list sheet (コード一覧（個別）and "
        "（連携）). The version comes from --spec-version, else the cells, else the file name (【第2.1版】, v2.1, "
        "令和5年9月). A layout keeps the business's functions, and functions keep its layout.\n\n"
        "Example: fitgap catalog import 項目定義書【第2.1版】.xlsx -o catalog",
    ),
)
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help=help_text(
                "公式の .xlsx のブック（項目定義書か機能一覧）または .docx の標準仕様書。",
                "Official .xlsx workbooks (項目定義書 or function lists) or .docx specifications.",
            )
        ),
    ],
    output: Annotated[
        Path | None,
        output_option(
            help_text(
                "書き込むカタログのフォルダ（なければ作ります）。", "Catalog directory to write into (made if missing)."
            ),
            "--into",
            show_default=help_text("プロジェクトのもの、なければ catalog", "the project's, else catalog"),
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help=help_text(
                "機能一覧の列を指定します: FIELD=HEADER（例: 機能ID=要件番号）。",
                "Name a function-list column: FIELD=HEADER, e.g. 機能ID=要件番号.",
            ),
        ),
    ] = None,
    spec_version: Annotated[
        str | None,
        typer.Option(
            "--spec-version",
            help=help_text(
                "版の表記（例: 第5.0版）。ファイルに記載があればそこから読みます。",
                "Version label, e.g. 第5.0版 (read from the file if it says).",
            ),
        ),
    ] = None,
    attribution: Annotated[
        str | None,
        typer.Option(
            "--attribution",
            help=help_text("データとともに残す出典の文言。", "出典 text to keep with the data."),
        ),
    ] = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import official workbooks into a catalog directory (one YAML file per business and version)."""
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
        console.print(import_line(r), markup=False, highlight=False, soft_wrap=True)
        for line in import_details(r):
            console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    err_console.print(
        say(f"使うには: fitgap catalog list --catalog {into}", f"Use it with: fitgap catalog list --catalog {into}"),
        markup=False,
        highlight=False,
    )


def import_line(r: ImportResult) -> str:
    """The first line of one import: what was read for which business, the counts and the file written."""
    business = f"{r.business_id} {r.name} {r.spec_version or ''}".rstrip()
    kinds = {"layout": ("データレイアウト", "layout"), "functions": ("機能一覧", "functions")}
    kind_ja = "と".join(kinds[k][0] for k in r.kind.split("+") if k in kinds) or r.kind
    return say(
        f"{r.file}: {business} の{kind_ja} — 機能 {r.functions} 件、グループ {r.groups}、データ項目 {r.items} 件、"
        f"コード一覧 {r.code_lists} → {r.written}",
        f"{r.file}: {r.kind} of {r.business_id} {r.name} {r.spec_version or ''} — {r.functions} functions, "
        f"{r.groups} groups, {r.items} items, {r.code_lists} code lists → {r.written}",
    )


def _sheet_line(sheet: SheetReport, document: bool) -> str:
    if sheet.kind == "items":
        groups = ", ".join(sheet.groups)
        what = say(f"グループ {groups} のデータ項目 {sheet.items} 件", f"{sheet.items} items of group {groups}")
    elif sheet.kind == "code_lists":
        lists = ", ".join(sheet.code_lists) or say("なし", "none")
        what = say(f"コード一覧 {lists}", f"code lists {lists}")
    elif sheet.kind == "functions":
        what = say(f"機能 {sheet.functions} 件", f"{sheet.functions} functions")
    else:
        what = say("読み飛ばし", "skipped")
    where = say(f"（見出し {sheet.header_row} 行目）", f" (header row {sheet.header_row})") if sheet.header_row else ""
    notes = "".join(f"; {note}" for note in sheet.notes)
    if document:  # the parts of a Word document (本文, 表 1 …) are named as they are, not as sheets
        return f"{sheet.sheet}: {what}{where}{notes}"
    return say(f"シート '{sheet.sheet}': {what}{where}{notes}", f"sheet '{sheet.sheet}': {what}{where}{notes}")


def import_details(result: ImportResult) -> list[str]:
    """What an import read from each sheet, where its version came from, what it kept, whether it is in use."""
    from spec_catalog.store import EMBEDDED

    lines = [_sheet_line(sheet, result.file_kind == "document") for sheet in result.sheets]
    if result.linked_code_lists:
        linked = ", ".join(result.linked_code_lists)
        lines.append(
            say(
                f"連携のコード一覧（ほかの業務が所管）: {linked}",
                f"連携 code lists (owned by another business): {linked}",
            )
        )
    if result.version_source is not None:
        origin = _version_origin(result.version_source)
        version = result.spec_version or "-"
        note = f"; {result.version_note}" if result.version_note else ""
        lines.append(say(f"版: {version}（{origin}）{note}", f"version: {version} ({origin}){note}"))
    for kept in result.kept:
        source = say("組み込みカタログ", "embedded") if kept.source == EMBEDDED else kept.source
        if kept.part == "functions":
            what = say(f"{source} の機能 {kept.count} 件", f"{kept.count} functions from {source}")
        else:
            what = say(f"{source} のデータ項目 {kept.count} 件", f"{kept.count} data items from {source}")
        sample = (
            say(
                " — サンプルの内容のため、業務はサンプルのままです",
                " — sample content: the business stays marked sample",
            )
            if kept.sample
            else ""
        )
        lines.append(say(f"残した内容: {what}{sample}", f"kept: {what}{sample}"))
    if result.sensitivity_kept:
        kept_ids = ", ".join(result.sensitivity_kept)
        lines.append(
            say(
                f"手で設定した sensitivity（個人情報の区分）を引き継ぎました: {kept_ids}",
                f"hand-set sensitivity carried over: {kept_ids}",
            )
        )
    if result.in_use_note:
        lines.append(result.in_use_note)
    return lines


@app.command(
    "export",
    help=help_text(
        "カタログ（または一部の業務）を Excel か JSON に書き出します。\n\n"
        "例: fitgap catalog export 001 031 -o catalog.xlsx",
        "Export the catalog (or some businesses) to Excel or JSON.\n\n"
        "Example: fitgap catalog export 001 031 -o catalog.xlsx",
    ),
)
def export(
    output: Annotated[
        Path, output_option(help_text("書き出すファイル: .xlsx か .json。", "File to write: .xlsx or .json."))
    ],
    businesses: Annotated[
        list[str] | None,
        typer.Argument(help=help_text("書き出す業務ID（省略するとすべて）。", "業務IDs to export (all when omitted).")),
    ] = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export the catalog (or some businesses) to Excel or JSON."""
    from reports.catalog import export_catalog
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    chosen = [resolved.business(b) for b in businesses] if businesses else list(resolved.businesses)
    written = export_catalog(resolved, chosen, output, municipality_name())
    if as_json:
        typer.echo(to_json(written))
    else:
        console.print(
            say(f"{output} に {len(chosen)} 業務を書き出しました", f"Wrote {len(chosen)} businesses to {output}"),
            markup=False,
            highlight=False,
        )


_CATALOG_ARGUMENT = help_text(
    "'embedded'、カタログのフォルダ、DIRECTORY@VERSION、または業務の .yaml ファイル。",
    "'embedded', a catalog directory, DIRECTORY@VERSION, or a business .yaml file.",
)


@app.command(
    "diff",
    help=help_text(
        "二つのカタログ、または一つの業務の二つの版を比べます（機能要件、データ項目、コード一覧）。\n\n"
        "一つのカタログのフォルダに並べて持つ二つの版: catalog@第2.0版 catalog@第2.1版（catalog@unversioned は版のない"
        "ファイル）、または二つの業務のファイル。--xlsx、--html、--json-file で差分を帳票にも書き出します。\n\n"
        "例: fitgap catalog diff catalog@第2.0版 catalog@第2.1版 --business 031",
        "Compare two catalogs or two versions of a business (functions, items, code lists).\n\n"
        "Two versions held side by side in one catalog directory: catalog@第2.0版 catalog@第2.1版 (catalog@unversioned "
        "names the files without a version), or the two business files. --xlsx, --html and --json-file also write "
        "the diff as a report.\n\n"
        "Example: fitgap catalog diff catalog@第2.0版 catalog@第2.1版 --business 031",
    ),
)
def diff(
    old: Annotated[str, typer.Argument(help=_CATALOG_ARGUMENT)],
    new: Annotated[str, typer.Argument(help=_CATALOG_ARGUMENT)],
    business: Annotated[
        list[str] | None,
        typer.Option("--business", help=help_text("この業務IDだけを比べます。", "Compare only these 業務IDs.")),
    ] = None,
    xlsx: XlsxOption = None,
    html: HtmlOption = None,
    json_file: JsonFileOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare two catalogs or two versions of a business (functions, items, code lists)."""
    from reports.catalog import diff_document, diff_table
    from reports.excel_report import write_document
    from reports.html import write_html
    from reports.jsonout import to_json
    from reports.terminal import print_table
    from spec_catalog.diff import diff_sources

    result = diff_sources(old, new, business)
    if xlsx is not None or html is not None:
        document = diff_document(result, municipality_name())
        if xlsx is not None:
            write_document(document, xlsx)
        if html is not None:
            write_html(document, html)
    if json_file is not None:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(to_json(result) + "\n", encoding="utf-8")
    if as_json:
        typer.echo(to_json(result))
        return
    if not result.changes:
        console.print(
            say(f"{old} と {new} に違いはありません", f"No differences between {old} and {new}."),
            markup=False,
            highlight=False,
        )
        return
    print_table(console, diff_table(result))
    console.print(", ".join(f"{kind}: {count}" for kind, count in result.counts.items()))
