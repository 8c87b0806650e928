"""``fitgap moji …``: 文字同定 — every character of the data classed against MJ, the decision workbook, and the
外字 table made from the returned workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, database
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, output_option

if TYPE_CHECKING:
    from fitgap.moji import ScanResult

app = typer.Typer(
    help="文字同定: the characters of the data against the MJ character set, 外字 decisions, the 外字 table.",
    no_args_is_help=True,
)

_LISTED = 50  # characters outside JIS X 0208 listed on the terminal (--json lists every one)

TableOption = Annotated[
    list[str] | None, typer.Option("--table", help="Only this converted table, e.g. 001_住民 (repeatable).")
]
ItemOption = Annotated[
    list[str] | None,
    typer.Option(
        "--item", help="Only this item (romanized name, e.g. shimei; repeatable).", show_default="every Ｎ item"
    ),
]
SourceOption = Annotated[
    Path | None,
    typer.Option("--source", help="Scan a legacy CSV export (header line; every field) instead of the database."),
]
EncodingOption = Annotated[str, typer.Option("--encoding", help="Encoding of --source: cp932 or utf-8.")]
GaijiOption = Annotated[
    Path | None,
    typer.Option("--gaiji", help="The 外字 table in use (U+E001,髙 lines): tells mapped 外字 from unmapped ones."),
]


def _scan(
    db: Path | None,
    table: list[str] | None,
    item: list[str] | None,
    source: Path | None,
    encoding: str,
    gaiji_file: Path | None,
    catalog: Path | None,
    quiet: bool,
) -> tuple[ScanResult, dict[str, str]]:
    """The characters scanned, with the scan's progress on stderr (tables counted; unless ``quiet``)."""
    from converters.mapping import read_gaiji_table
    from fitgap.cli.progress import by_table, phases
    from fitgap.moji import scan_database, scan_file
    from spec_catalog import UsageError, resolve_catalog

    gaiji = read_gaiji_table(gaiji_file, str(gaiji_file)) if gaiji_file is not None else {}
    if source is not None:
        if db is not None or table or item:
            raise UsageError("--source scans a legacy file: --db, --table and --item are for converted tables")
        with phases(quiet=quiet) as steps:
            steps.start("文字の集計（旧ファイル）")
            return scan_file(source, encoding=encoding, gaiji=gaiji, gaiji_table=gaiji_file), gaiji
    resolved = resolve_catalog(catalog_dir(catalog))
    with phases(quiet=quiet) as steps:
        tell = by_table(steps, {"scan": "文字の集計"})
        result = scan_database(
            database(db),
            resolved,
            tables=table,
            items=item,
            gaiji=gaiji,
            gaiji_table=gaiji_file,
            progress=lambda done, total: tell("scan", done, total),
        )
    return result, gaiji


def _print_scan(result: ScanResult) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    where = ", ".join(result.tables) if result.kind == "database" else result.source
    console.print(
        f"{where}: {result.values} values, {result.total} characters, {result.distinct} distinct.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for skipped in result.skipped:
        err_console.print(f"Not scanned: {skipped}", markup=False, highlight=False, soft_wrap=True)
    if result.undecodable_lines:
        listed = ", ".join(map(str, result.undecodable_listed))
        more = " …" if result.undecodable_lines > len(result.undecodable_listed) else ""
        err_console.print(
            f"{result.undecodable_lines} lines do not decode as {result.encoding} and were not scanned "
            f"(lines {listed}{more})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    summary = Table(
        title="文字の分類 / characters by class",
        columns=columns("分類", "異なり字数", "出現数"),
        rows=tuple((c.label, c.distinct, c.occurrences) for c in result.by_class if c.distinct),
    )
    print_table(console, summary)
    outside = result.outside_x0208()
    if not outside:
        return
    shown = outside[:_LISTED]
    note = f"{len(shown)} of {len(outside)} listed; --json lists every one" if len(outside) > len(shown) else None
    listing = Table(
        title="JIS X 0208 外の文字 / characters outside JIS X 0208",
        columns=columns("文字", "コードポイント", "分類", "出現数", "出現箇所", "例（キー）"),
        rows=tuple((c.char, c.code_points, c.label, c.count, ", ".join(c.items), ", ".join(c.samples)) for c in shown),
        note=note,
    )
    print_table(console, listing)


@app.command("scan")
def scan(
    db: DbOption = None,
    table: TableOption = None,
    item: ItemOption = None,
    source: SourceOption = None,
    encoding: EncodingOption = "cp932",
    gaiji: GaijiOption = None,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Count every distinct character of the converted tables (every Ｎ item, or --item) or of a legacy file
    (--source), and class it against MJ: JIS X 0208, JIS X 0213, MJ with UCS, MJ needing an IVS, MJ code only,
    外字 (mapped or not), not in MJ. An IVS sequence counts as one character. Shows where each character occurs
    (items, masked sample keys), never a value. The database is read-only.

    Example: fitgap moji scan --db migration.duckdb --table 001_住民 --gaiji gaiji.csv
    """
    from reports.jsonout import to_json

    result, _ = _scan(db, table, item, source, encoding, gaiji, catalog, as_json)
    if as_json:
        typer.echo(to_json(result))
        return
    _print_scan(result)


@app.command("sheet")
def sheet(
    output: Annotated[Path, output_option("The decision workbook to write (.xlsx).", "--out")],
    db: DbOption = None,
    table: TableOption = None,
    item: ItemOption = None,
    source: SourceOption = None,
    encoding: EncodingOption = "cp932",
    gaiji: GaijiOption = None,
    gaiji_list: Annotated[
        Path | None,
        typer.Option(
            "--gaiji-list",
            help="The vendor's 外字 list (CSV: 外字,コード[,読み,画数]; コード J+XXXX, 戸籍統一文字番号 or U+XXXX): "
            "resolved to MJ automatically.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workbook if it exists (it may be filled in already).")
    ] = False,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the decision workbook (文字同定シート) for staff: one row per character outside JIS X 0213 (外字, not in
    MJ, MJ beyond JIS X 0213) with the character, code points, class, occurrences, up to 5 candidates (MJ番号,
    UCS+IVS, reading, strokes, why) and a 決定 drop-down. What resolves automatically (a vendor code, the 外字
    table, the MJ character itself) is pre-filled as 自動同定. An existing workbook is replaced only with --force.

    Example: fitgap moji sheet --db migration.duckdb --gaiji-list vendor-gaiji.csv -o 文字同定.xlsx
    """
    from fitgap.moji import identify_vendor_list, read_vendor_list, write_sheet
    from reports.jsonout import to_json
    from spec_catalog import UsageError

    if output.exists() and not force:
        raise UsageError(
            "the workbook exists already (it may be filled in)", where=output, hint="add --force to replace it"
        )
    vendor = identify_vendor_list(read_vendor_list(gaiji_list)) if gaiji_list is not None else None
    result, table_in_use = _scan(db, table, item, source, encoding, gaiji, catalog, as_json)
    written = write_sheet(result, output, gaiji=table_in_use, vendor=vendor, vendor_list=gaiji_list, force=force)
    if as_json:
        typer.echo(to_json(written))
        return
    console.print(
        f"Wrote {written.file}: {written.rows} characters to decide ({written.prefilled} identified automatically, "
        f"{written.with_candidates} with candidates).",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command("apply")
def apply(
    workbook: Annotated[Path, typer.Argument(help="The decision workbook, filled in (.xlsx).")],
    output: Annotated[Path, output_option("The 外字 table to write (CSV, for the mapping's gaiji:).", "--out")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the 外字 table and the decision record if they exist.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Turn the returned decision workbook into the 外字 table the converter uses (U+E001,髙 lines; IVS sequences
    kept) and a decision record beside it (NAME-decisions.csv: each character, decision, MJ番号, 判断者, 判断日,
    the workbook's name and sha256). A non-外字 character decided to another one (縮退 / correction) is listed,
    not written. Each undecided or contradictory row is one line; then the exit code is 1.

    Example: fitgap moji apply 文字同定.xlsx -o gaiji.csv
    """
    from fitgap.moji import apply_sheet
    from reports.jsonout import to_json

    result = apply_sheet(workbook, output, force=force)
    if as_json:
        typer.echo(to_json(result))
    else:
        console.print(
            f"Wrote {result.gaiji_table} ({result.written} 外字) and {result.decisions_file} "
            f"({len(result.decisions)} decisions; {result.kept} kept as they are).",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        for d in result.corrections:
            console.print(
                f"縮退・訂正 (not in the 外字 table): {d.code_points} → {d.mj_id} "
                f"{' '.join(f'U+{ord(c):04X}' for c in d.text or '')}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        for line in result.problems:
            err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    if result.problems:
        raise typer.Exit(1)


@app.command("shrink")
def shrink(
    table: Annotated[str, typer.Option("--table", help="The converted table to degrade, e.g. 001_住民.")],
    db: DbOption = None,
    item: ItemOption = None,
    out_table: Annotated[
        str | None,
        typer.Option("--out-table", help="The new table to write (never the table read)."),
    ] = None,
    output: Annotated[Path | None, output_option("Write a new CSV file instead of a table.", "--out")] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Encoding of -o/--output: utf-8 or cp932.")] = "utf-8",
    force: Annotated[bool, typer.Option("--force", help="Replace the new table or file if it exists.")] = False,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Degrade (縮退) the values of a converted table to JIS X 0213 with the MJ縮退マップ Ver.1.2.0, for downstream
    systems: every Ｎ item (or --item) into a new table (--out-table, by default TABLE_縮退) or a new CSV file
    (-o/--output, UTF-8 or CP932), never in place. Each changed character is listed with its target and legal basis and
    recorded in the database's 縮退 log (a file also gets FILE.縮退.json beside it). A character the map does not
    degrade is kept as it is and listed; then the exit code is 1. Shows characters and counts, never a value.

    Example: fitgap moji shrink --db migration.duckdb --table 001_住民 --out-table 001_住民_縮退
    """
    from fitgap.moji.shrink import shrink_table
    from reports.jsonout import to_json
    from reports.tables import Table, columns
    from reports.terminal import print_table
    from spec_catalog import resolve_catalog

    result = shrink_table(
        database(db),
        table,
        resolve_catalog(catalog_dir(catalog)),
        items=item,
        out_table=out_table,
        out_file=output,
        encoding=encoding,
        force=force,
    )
    if as_json:
        typer.echo(to_json(result))
    else:
        console.print(
            f"{result.source_table} ({', '.join(result.items)}) → {result.written}: {result.rows} rows, "
            f"{result.values_changed} values changed ({result.map_version}).",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        if result.changed:
            print_table(
                console,
                Table(
                    title="縮退した文字 / characters degraded",
                    columns=columns("文字", "コードポイント", "MJ文字図形名", "縮退先", "根拠", "出現数"),
                    rows=tuple(
                        (c.original, c.code_points, c.mj_id or "", c.target, c.basis, c.count) for c in result.changed
                    ),
                ),
            )
        for char in result.unmapped:
            err_console.print(
                f"縮退なし（そのまま）: {char.char} {char.code_points} {char.char_class} ×{char.count}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        console.print(result.attribution, markup=False, highlight=False, soft_wrap=True)
    if result.unmapped:
        raise typer.Exit(1)
