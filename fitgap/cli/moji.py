"""``fitgap moji …``: 文字同定 — every character of the data classed against MJ, the decision workbook, and the
外字 table made from the returned workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, database, municipality_name
from fitgap.cli.help_language import help_text
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, LangOption, output_option
from spec_catalog.language import say

if TYPE_CHECKING:
    from fitgap.moji import ScanResult

app = typer.Typer(
    help=help_text(
        "文字同定: データの文字を MJ 文字と照らし合わせ、外字を決めて、外字表を作ります。",
        "文字同定: the characters of the data against the MJ character set, 外字 decisions, the 外字 table.",
    ),
    no_args_is_help=True,
)

_LISTED = 50  # characters outside JIS X 0208 listed on the terminal (--json lists every one)

TableOption = Annotated[
    list[str] | None,
    typer.Option(
        "--table",
        help=help_text(
            "この変換済みの表だけを対象にします（例: 001_住民。繰り返し指定できます）。",
            "Only this converted table, e.g. 001_住民 (repeatable).",
        ),
    ),
]
ItemOption = Annotated[
    list[str] | None,
    typer.Option(
        "--item",
        help=help_text(
            "この項目だけを対象にします（ローマ字名、例: shimei。繰り返し指定できます）。",
            "Only this item (romanized name, e.g. shimei; repeatable).",
        ),
        show_default=help_text("すべてのＮ項目", "every Ｎ item"),
    ),
]
SourceOption = Annotated[
    Path | None,
    typer.Option(
        "--source",
        help=help_text(
            "データベースの代わりに旧データの CSV ファイルを集計します（見出し行があれば使い、すべての項目）。",
            "Scan a legacy CSV export (header line; every field) instead of the database.",
        ),
    ),
]
EncodingOption = Annotated[
    str,
    typer.Option(
        "--encoding",
        help=help_text("--source の文字コード: cp932 または utf-8。", "Encoding of --source: cp932 or utf-8."),
    ),
]
GaijiOption = Annotated[
    Path | None,
    typer.Option(
        "--gaiji",
        help=help_text(
            "使っている外字表（U+E001,髙 の行）: 外字表にある外字とない外字を分けます。",
            "The 外字 table in use (U+E001,髙 lines): tells mapped 外字 from unmapped ones.",
        ),
    ),
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
            raise UsageError(
                say(
                    "--source は旧データのファイルを集計します: --db、--table、--item（変換済みの表に使うもの）とは"
                    "一緒に使えません",
                    "--source scans a legacy file: --db, --table and --item are for converted tables",
                ),
                hint=say(
                    "--source か、--db・--table・--item のどちらかにしてください",
                    "give either --source or --db, --table and --item",
                ),
            )
        with phases(quiet=quiet) as steps:
            steps.start(say("文字の集計（旧データのファイル）", "counting characters (legacy file)"))
            return scan_file(source, encoding=encoding, gaiji=gaiji, gaiji_table=gaiji_file), gaiji
    resolved = resolve_catalog(catalog_dir(catalog))
    with phases(quiet=quiet) as steps:
        tell = by_table(steps, {"scan": say("文字の集計", "counting characters")})
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
        say(
            f"{where}: 値 {result.values} 件、文字 {result.total} 字、異なり字数 {result.distinct}",
            f"{where}: {result.values} values, {result.total} characters, {result.distinct} distinct.",
        ),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for skipped in result.skipped:
        err_console.print(
            say(f"集計していません: {skipped}", f"Not scanned: {skipped}"),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if result.undecodable_lines:
        more = " …" if result.undecodable_lines > len(result.undecodable_listed) else ""
        err_console.print(
            say(
                f"{result.undecodable_lines} 行が {result.encoding} として読めないため、集計していません"
                f"（{'、'.join(map(str, result.undecodable_listed))}{more} 行目）",
                f"{result.undecodable_lines} lines do not decode as {result.encoding} and were not scanned "
                f"(lines {', '.join(map(str, result.undecodable_listed))}{more})",
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    summary = Table(
        title=say("文字の分類", "characters by class"),
        columns=columns(say("分類", "class"), say("異なり字数", "distinct"), say("出現数", "occurrences")),
        rows=tuple((c.label, c.distinct, c.occurrences) for c in result.by_class if c.distinct),
    )
    print_table(console, summary)
    outside = result.outside_x0208()
    if not outside:
        return
    shown = outside[:_LISTED]
    note = (
        say(
            f"{len(outside)} 字のうち {len(shown)} 字を表示（すべては --json で表示します）",
            f"{len(shown)} of {len(outside)} listed; --json lists every one",
        )
        if len(outside) > len(shown)
        else None
    )
    listing = Table(
        title=say("JIS X 0208 外の文字", "characters outside JIS X 0208"),
        columns=columns(
            say("文字", "character"),
            say("コードポイント", "code points"),
            say("分類", "class"),
            say("出現数", "occurrences"),
            say("出現箇所", "items"),
            say("例（キー）", "sample keys"),
        ),
        rows=tuple((c.char, c.code_points, c.label, c.count, ", ".join(c.items), ", ".join(c.samples)) for c in shown),
        note=note,
    )
    print_table(console, listing)


@app.command(
    "scan",
    help=help_text(
        "変換済みの表（すべてのＮ項目、または --item）か旧データのファイル（--source）の異なり文字をすべて数え、MJ と"
        "照らして分類します: JIS X 0208、JIS X 0213、MJ（UCS あり）、MJ（IVS が必要）、MJ（コードのみ）、外字（外字表"
        "あり・なし）、MJにない文字。IVS の付いた文字は一字と数えます。文字の出現箇所（項目、マスク済みの例のキー）を"
        "示し、値は表示しません。データベースは読むだけです。\n\n"
        "例: fitgap moji scan --db migration.duckdb --table 001_住民 --gaiji gaiji.csv",
        "Count every distinct character of the converted tables (every Ｎ item, or --item) or of a legacy file "
        "(--source), and class it against MJ: JIS X 0208, JIS X 0213, MJ with UCS, MJ needing an IVS, MJ code only, "
        "外字 (mapped or not), not in MJ. An IVS sequence counts as one character. Shows where each character occurs "
        "(items, masked sample keys), never a value. The database is read-only.\n\n"
        "Example: fitgap moji scan --db migration.duckdb --table 001_住民 --gaiji gaiji.csv",
    ),
)
def scan(
    db: DbOption = None,
    table: TableOption = None,
    item: ItemOption = None,
    source: SourceOption = None,
    encoding: EncodingOption = "cp932",
    gaiji: GaijiOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Count and class every distinct character of the converted tables or a legacy file (help: above)."""
    from reports.jsonout import to_json

    del lang  # the run's language, set from it before the command runs (fitgap.cli.main)
    result, _ = _scan(db, table, item, source, encoding, gaiji, catalog, as_json)
    if as_json:
        typer.echo(to_json(result))
        return
    _print_scan(result)


@app.command(
    "sheet",
    help=help_text(
        "職員が記入する文字同定シートを書き出します: JIS X 0213 外の文字（外字、MJにない文字、JIS X 0213 外の MJ 文字）"
        "ごとに一行で、文字、コードポイント、分類、出現数、候補 5 件まで（MJ番号、UCS+IVS、読み、画数、理由）と 決定 の"
        "選択肢を載せます。自動で決まる文字（ベンダーのコード、外字表、MJ 文字そのもの）は 自動同定 として記入済みに"
        "します。すでにあるシートは --force のときだけ置き換えます。\n\n"
        "例: fitgap moji sheet --db migration.duckdb --gaiji-list vendor-gaiji.csv -o 文字同定.xlsx",
        "Write the decision workbook (文字同定シート) for staff: one row per character outside JIS X 0213 "
        "(外字, not in MJ, MJ beyond JIS X 0213) with the character, code points, class, occurrences, up to 5 "
        "candidates (MJ番号, UCS+IVS, reading, strokes, why) and a 決定 drop-down. What resolves automatically "
        "(a vendor code, the 外字 table, the MJ character itself) is pre-filled as 自動同定. An existing workbook "
        "is replaced only with --force.\n\n"
        "Example: fitgap moji sheet --db migration.duckdb --gaiji-list vendor-gaiji.csv -o 文字同定.xlsx",
    ),
)
def sheet(
    output: Annotated[
        Path,
        output_option(
            help_text("書き出す文字同定シート（.xlsx）。", "The decision workbook to write (.xlsx)."), "--out"
        ),
    ],
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
            help=help_text(
                "ベンダーの外字一覧（CSV: 外字,コード[,読み,画数]。コードは J+XXXX、戸籍統一文字番号または U+XXXX）: "
                "自動で MJ に同定します。",
                "The vendor's 外字 list (CSV: 外字,コード[,読み,画数]; コード J+XXXX, 戸籍統一文字番号 or U+XXXX): "
                "resolved to MJ automatically.",
            ),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "文字同定シートがすでにあれば置き換えます（記入済みかもしれません）。",
                "Replace the workbook if it exists (it may be filled in already).",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the decision workbook (文字同定シート) for staff (help: above)."""
    from fitgap.moji import identify_vendor_list, read_vendor_list, write_sheet
    from reports.jsonout import to_json
    from spec_catalog.files import exists_already

    del lang  # the run's language, set from it before the command runs (fitgap.cli.main)
    if output.exists() and not force:  # before the scan, which can take minutes
        raise exists_already(output, filled_in=True, what=say("文字同定シート", "the workbook"))
    vendor = identify_vendor_list(read_vendor_list(gaiji_list)) if gaiji_list is not None else None
    result, table_in_use = _scan(db, table, item, source, encoding, gaiji, catalog, as_json)
    written = write_sheet(
        result,
        output,
        gaiji=table_in_use,
        vendor=vendor,
        vendor_list=gaiji_list,
        force=force,
        municipality=municipality_name(),
    )
    if as_json:
        typer.echo(to_json(written))
        return
    console.print(
        say(
            f"{written.file} を書き出しました: 決定する文字 {written.rows} 字（自動同定 {written.prefilled} 字、"
            f"候補あり {written.with_candidates} 字）",
            f"Wrote {written.file}: {written.rows} characters to decide ({written.prefilled} identified "
            f"automatically, {written.with_candidates} with candidates).",
        ),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command(
    "apply",
    help=help_text(
        "記入済みの文字同定シートから、変換が使う外字表（U+E001,髙 の行。IVS はそのまま）と、その隣に判断の記録"
        "（NAME-decisions.csv: 文字、決定、MJ番号、判断者、判断日、シートの名前と sha256）を作ります。外字でない文字を"
        "別の文字にする決定（縮退・訂正）は外字表に書かず、一覧で知らせます。未決定や矛盾のある行はそれぞれ一行で示し、"
        "終了コードは 1 になります。\n\n"
        "例: fitgap moji apply 文字同定.xlsx -o gaiji.csv",
        "Turn the returned decision workbook into the 外字 table the converter uses (U+E001,髙 lines; IVS sequences "
        "kept) and a decision record beside it (NAME-decisions.csv: each character, decision, MJ番号, 判断者, 判断日, "
        "the workbook's name and sha256). A non-外字 character decided to another one (縮退 / correction) is listed, "
        "not written. Each undecided or contradictory row is one line; then the exit code is 1.\n\n"
        "Example: fitgap moji apply 文字同定.xlsx -o gaiji.csv",
    ),
)
def apply(
    workbook: Annotated[
        Path,
        typer.Argument(
            help=help_text("記入済みの文字同定シート（.xlsx）。", "The decision workbook, filled in (.xlsx).")
        ),
    ],
    output: Annotated[
        Path,
        output_option(
            help_text(
                "書き出す外字表（CSV。マッピングの gaiji: に指定します）。",
                "The 外字 table to write (CSV, for the mapping's gaiji:).",
            ),
            "--out",
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "外字表と判断の記録がすでにあれば置き換えます。",
                "Replace the 外字 table and the decision record if they exist.",
            ),
        ),
    ] = False,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Turn the returned decision workbook into the 外字 table and the decision record (help: above)."""
    from fitgap.moji import apply_sheet
    from reports.jsonout import to_json

    del lang  # the run's language, set from it before the command runs (fitgap.cli.main)
    result = apply_sheet(workbook, output, force=force)
    if as_json:
        typer.echo(to_json(result))
    else:
        console.print(
            say(
                f"{result.gaiji_table}（外字 {result.written} 字）と {result.decisions_file}（決定 "
                f"{len(result.decisions)} 件、うちそのまま {result.kept} 件）を書き出しました",
                f"Wrote {result.gaiji_table} ({result.written} 外字) and {result.decisions_file} "
                f"({len(result.decisions)} decisions; {result.kept} kept as they are).",
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        for d in result.corrections:
            target = " ".join(f"U+{ord(c):04X}" for c in d.text or "")
            console.print(
                say(
                    f"縮退・訂正（外字表には書きません）: {d.code_points} → {d.mj_id} {target}",
                    f"縮退・訂正 (not in the 外字 table): {d.code_points} → {d.mj_id} {target}",
                ),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        for line in result.problems:
            err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    if result.problems:
        raise typer.Exit(1)


@app.command(
    "shrink",
    help=help_text(
        "変換済みの表の値を、MJ縮退マップ Ver.1.2.0 で JIS X 0213 の文字に縮退します（JIS X 0213 までしか扱えない"
        "連携先のため）: すべてのＮ項目（または --item）を新しい表（--out-table、既定は TABLE_縮退）か新しい CSV "
        "ファイル（-o/--output、UTF-8 または CP932）に書き出し、元の表は書き換えません。変わった文字ごとに縮退先と"
        "法的根拠を示し、データベースの縮退記録に残します（ファイルには隣に FILE.縮退.json も書きます）。縮退マップに"
        "ない文字はそのまま残して一覧で示し、終了コードは 1 になります。表示するのは文字と件数だけで、値は表示"
        "しません。\n\n"
        "例: fitgap moji shrink --db migration.duckdb --table 001_住民 --out-table 001_住民_縮退",
        "Degrade (縮退) the values of a converted table to JIS X 0213 with the MJ縮退マップ Ver.1.2.0, for downstream "
        "systems: every Ｎ item (or --item) into a new table (--out-table, by default TABLE_縮退) or a new CSV file "
        "(-o/--output, UTF-8 or CP932), never in place. Each changed character is listed with its target and legal "
        "basis and recorded in the database's 縮退 log (a file also gets FILE.縮退.json beside it). A character the "
        "map does not degrade is kept as it is and listed; then the exit code is 1. Shows characters and counts, "
        "never a value.\n\n"
        "Example: fitgap moji shrink --db migration.duckdb --table 001_住民 --out-table 001_住民_縮退",
    ),
)
def shrink(
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help=help_text("縮退する変換済みの表（例: 001_住民）。", "The converted table to degrade, e.g. 001_住民."),
        ),
    ],
    db: DbOption = None,
    item: ItemOption = None,
    out_table: Annotated[
        str | None,
        typer.Option(
            "--out-table",
            help=help_text(
                "書き出す新しい表（読み込む表には書きません）。", "The new table to write (never the table read)."
            ),
            show_default=help_text("TABLE_縮退", "TABLE_縮退"),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        output_option(
            help_text("表の代わりに新しい CSV ファイルに書き出します。", "Write a new CSV file instead of a table."),
            "--out",
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            help=help_text(
                "-o/--output の文字コード: utf-8 または cp932。", "Encoding of -o/--output: utf-8 or cp932."
            ),
        ),
    ] = "utf-8",
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "新しい表やファイルがすでにあれば置き換えます。", "Replace the new table or file if it exists."
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Degrade (縮退) the values of a converted table to JIS X 0213 into a new table or file (help: above)."""
    from fitgap.moji.shrink import shrink_table
    from reports.jsonout import to_json
    from reports.tables import Table, columns
    from reports.terminal import print_table
    from spec_catalog import resolve_catalog

    del lang  # the run's language, set from it before the command runs (fitgap.cli.main)
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
            say(
                f"{result.source_table}（{', '.join(result.items)}）→ {result.written}: {result.rows} 行、"
                f"値の変更 {result.values_changed} 件（{result.map_version}）",
                f"{result.source_table} ({', '.join(result.items)}) → {result.written}: {result.rows} rows, "
                f"{result.values_changed} values changed ({result.map_version}).",
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        if result.changed:
            print_table(
                console,
                Table(
                    title=say("縮退した文字", "characters degraded"),
                    columns=columns(
                        say("文字", "character"),
                        say("コードポイント", "code points"),
                        "MJ文字図形名",
                        say("縮退先", "target"),
                        say("根拠", "legal basis"),
                        say("出現数", "occurrences"),
                    ),
                    rows=tuple(
                        (c.original, c.code_points, c.mj_id or "", c.target, c.basis, c.count) for c in result.changed
                    ),
                ),
            )
        for char in result.unmapped:
            err_console.print(
                say(
                    f"縮退なし（そのまま）: {char.char} {char.code_points} {char.char_class} ×{char.count}",
                    f"no 縮退 (kept as it is): {char.char} {char.code_points} {char.char_class} ×{char.count}",
                ),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        console.print(result.attribution, markup=False, highlight=False, soft_wrap=True)
    if result.unmapped:
        raise typer.Exit(1)
