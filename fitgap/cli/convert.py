"""``fitgap convert …``: legacy exports into the standard layouts in DuckDB."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypedDict

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, database
from fitgap.cli.help_language import help_text
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, LangOption, UnmaskOption, output_option
from spec_catalog.language import say

if TYPE_CHECKING:
    from converters import ExportManifest, Mapping, RunResult
    from converters.guard import PublishGuard

app = typer.Typer(
    help=help_text(
        "既存システムの出力データ（CP932 の CSV、固定長、Excel）を標準レイアウトに変換します。",
        "Convert legacy exports (CP932 CSV, fixed width, Excel) into the standard layouts.",
    ),
    no_args_is_help=True,
)


def warn_unmasked(unmask: bool) -> None:
    if unmask:
        err_console.print(
            say(
                "[bold yellow]警告: --unmask により個人情報（特定個人情報）をマスクせずに表示します。"
                "出力は権限のある環境の外に出さないでください。[/bold yellow]",
                "[bold yellow]Warning: --unmask shows personal data (特定個人情報) unmasked. "
                "Keep the output inside the authorised environment.[/bold yellow]",
            )
        )


def _line(text: str, *, error: bool = False) -> None:
    """One line as it is (no markup, no highlighting: file names and codes may hold brackets)."""
    (err_console if error else console).print(text, markup=False, highlight=False, soft_wrap=True)


@app.command(
    "run",
    help=help_text(
        "元データのファイル一つを変換先のテーブルに変換します: 読込、変換、移行エラーの振り分け、公開を一つの"
        "トランザクションで行います。\n\n"
        "公開するのは、件数が一致し、移行エラーが読込件数のうちプロジェクトの thresholds.max_quarantine_rate"
        "（なければ 1 %）以下で、マッピングの公開済みの行数以上を登録でき、元データにデータ行がある変換だけです。"
        "そうでなければ変換は却下され、何も変わらず、理由を示して終了コード 1 で終わります。移行エラーの行があった"
        "ときも、--accept-quarantine がなければ終了コード 1 です。記入済みのデータ補正依頼（マッピングの "
        "corrections:、--corrections）は変換の前に元データの値を置き換えます。元データの行が変わっていた補正は"
        "適用しません（CORRECTION_NOT_APPLIED、警告）。\n\n"
        "例: fitgap convert run examples/jppost/mapping.yaml --source JIGYOSYO.CSV --db migration.duckdb",
        "Convert one source file into its target table: stage, transform, quarantine, publish in one "
        "transaction.\n\n"
        "A run publishes only when it reconciles, quarantines no more than the project's "
        "thresholds.max_quarantine_rate (else 1 %) of the rows read, loads at least as many rows as the mapping has "
        "published and its source has data rows; otherwise it is rejected: nothing changes and it exits 1 with the "
        "reason. Exits 1 also when rows were quarantined, unless --accept-quarantine. Filled cleansing-request "
        "workbooks (the mapping's corrections:, --corrections) replace source values before the transforms; one "
        "whose source line changed is not applied (CORRECTION_NOT_APPLIED, a warning).\n\n"
        "Example: fitgap convert run examples/jppost/mapping.yaml --source JIGYOSYO.CSV --db migration.duckdb",
    ),
)
def run(
    mapping: Annotated[
        Path, typer.Argument(help=help_text("マッピングのファイル（YAML）。", "The mapping file (YAML)."))
    ],
    db: DbOption = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help=help_text(
                "マッピングに書かれたパスの代わりにこのファイルを読みます。",
                "Read this file instead of the mapping's path.",
            ),
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help=help_text("変換を試すだけで、何も書き込みません。", "Preview the conversion; write nothing."),
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help=help_text(
                "先頭の N 行だけを変換します（--dry-run と一緒に）。", "Convert only the first N rows (with --dry-run)."
            ),
        ),
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit",
            help=help_text(
                "DuckDB のメモリの上限（超えるとディスクを使います）。",
                "DuckDB memory limit (it spills to disk beyond).",
            ),
        ),
    ] = "1GB",
    accept_quarantine: Annotated[
        bool,
        typer.Option(
            "--accept-quarantine",
            help=help_text(
                "移行エラーの行がどれだけあっても公開し、移行エラーがあっても終了コード 0 で終わります。",
                "Publish whatever share of rows is quarantined, and exit 0 when rows were quarantined.",
            ),
        ),
    ] = False,
    allow_drop: Annotated[
        bool,
        typer.Option(
            "--allow-drop",
            help=help_text(
                "登録できる行がマッピングの公開済みの行より少なくても公開します。",
                "Publish even when fewer rows load than the mapping has published.",
            ),
        ),
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help=help_text(
                "データ行のない元データも公開します（マッピングの行はなくなります）。",
                "Publish a source with no data rows (the mapping's rows become none).",
            ),
        ),
    ] = False,
    corrections: Annotated[
        list[Path] | None,
        typer.Option(
            "--corrections",
            help=help_text(
                "記入済みのデータ補正依頼（convert quarantine --xlsx）を、マッピングの corrections: の後に一度だけ"
                "適用します（複数指定できます）。",
                "A filled cleansing-request workbook (convert quarantine --xlsx) to apply once, after the mapping's "
                "corrections: files (repeatable).",
            ),
        ),
    ] = None,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Convert one source file into its target table (help: ``help_text`` above).

    Example: fitgap convert run examples/jppost/mapping.yaml --source JIGYOSYO.CSV --db migration.duckdb
    """
    from converters import load_mapping
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

    if limit is not None and not dry_run:
        raise UsageError(
            say("--limit は試行（--dry-run）だけで使えます", "--limit previews only"),
            hint=say(
                "--dry-run を付けてください（一部だけの変換では行が失われます）",
                "add --dry-run (a partial run would lose rows)",
            ),
        )
    if not re.fullmatch(r"\d+(\.\d+)?\s*(K|M|G|T)?i?B", memory_limit.strip(), re.IGNORECASE):
        raise UsageError(
            say(
                f"--memory-limit {memory_limit!r} は大きさではありません",
                f"--memory-limit {memory_limit!r} is not a size",
            ),
            hint=say("1GB、512MB、2GiB のように書いてください", "write e.g. 1GB, 512MB or 2GiB"),
        )
    warn_unmasked(unmask)
    loaded = load_mapping(mapping, resolve_catalog(catalog_dir(catalog)), source)
    db = database(db)
    guard = _guard(accept_quarantine, allow_drop, allow_empty)
    result = _run_with_progress(
        loaded, db, dry_run, limit, memory_limit, unmask, guard, tuple(corrections or ()), quiet=as_json
    )
    rejected = result.status == "rejected"
    if as_json:
        typer.echo(to_json(result))
    else:
        from fitgap.cli.defaults import language
        from fitgap.cli.render import print_run

        # A rejected run wrote no quarantine: print_run must not point at it.
        print_run(console, result, None if dry_run or rejected else db, lang=language(lang), mapping_path=mapping)
        _print_corrections(result)
    if rejected:
        _line(
            say(
                f"変換 {result.run_id} は却下されました: {result.rejected_because}",
                f"Run {result.run_id} rejected: {result.rejected_because}",
            ),
            error=True,
        )
        raise typer.Exit(1)
    if result.status == "failed" or not result.reconciled:
        raise typer.Exit(1)
    if result.rows_quarantined and not accept_quarantine and not dry_run:
        raise typer.Exit(1)


def _print_corrections(result: RunResult) -> None:
    """What the run did with its corrections files: counts per file, and each row not applied (no value)."""
    summary = result.corrections
    if summary is None:
        return
    for f in summary.files:
        _line(
            say(
                f"補正 {f.file}（sha256 {f.sha256[:16]}…）: 適用 {f.applied}、適用せず {f.not_applied}、"
                f"後の補正で置き換え {f.superseded}",
                f"Corrections {f.file} (sha256 {f.sha256[:16]}…): {f.applied} applied, {f.not_applied} not "
                f"applied, {f.superseded} superseded",
            )
        )
    for row in summary.not_applied_rows:
        item = f" {row.item}" if row.item else ""
        _line(
            say(
                f"警告: {row.code} {row.file} {row.line} 行目{item}: {row.detail}",
                f"Warning: {row.code} {row.file} line {row.line}{item}: {row.detail}",
            ),
            error=True,
        )


def _guard(accept_quarantine: bool, allow_drop: bool, allow_empty: bool) -> PublishGuard:
    """The publish guard of the options, with the project's quarantine threshold when there is a project."""
    # PublishGuard is not re-exported by converters/__init__.py (outside this change): import its module
    from converters.guard import DEFAULT_MAX_QUARANTINE_RATE, PublishGuard
    from fitgap.cli.defaults import project

    found = project()
    return PublishGuard(
        max_quarantine_rate=found.settings.thresholds.max_quarantine_rate if found else DEFAULT_MAX_QUARANTINE_RATE,
        accept_quarantine=accept_quarantine,
        allow_drop=allow_drop,
        allow_empty=allow_empty,
    )


def _phase_label(phase: str) -> str:
    """The engine's phase as the progress line names it."""
    labels = {
        "reading": say("読込", "reading"),
        "transforming": say("変換・チェック", "transforming and checking"),
        "publishing": say("登録", "publishing"),
    }
    return labels.get(phase, phase)


def _rows(count: int) -> str:
    return say(f"{count:,} 行", f"{count:,} rows")


def _run_with_progress(
    loaded: Mapping,
    db: Path,
    dry_run: bool,
    limit: int | None,
    memory_limit: str,
    unmask: bool,
    guard: PublishGuard,
    corrections: tuple[Path, ...] = (),
    quiet: bool = False,
) -> RunResult:
    """The run with its progress on stderr: reading (bytes, rows read, rows a second), then transforming and
    publishing (the rows read), each with its elapsed time."""
    from fitgap.cli.progress import phases
    from fitgap.pipeline import convert

    total = loaded.source_path.stat().st_size if loaded.source_path.exists() else 0
    read = [0]
    with phases(quiet=quiet) as steps:

        def on_phase(phase: str) -> None:
            label = _phase_label(phase)
            if phase == "reading":
                steps.start(label, total=total or None, count=_rows(0))
            else:
                steps.start(label, count=_rows(read[0]))

        def on_read(done: int, rows: int) -> None:
            read[0] = rows
            per_second = f"{rows / steps.elapsed:,.0f}" if steps.elapsed > 0 else ""
            rate = say(f"（{per_second} 行/秒）", f" ({per_second} rows/s)") if per_second else ""
            steps.update(completed=done, count=_rows(rows) + rate)

        return convert(
            loaded,
            db,
            dry_run=dry_run,
            limit=limit,
            memory_limit=memory_limit,
            unmask=unmask,
            guard=guard,
            progress=on_phase,
            on_read=on_read,
            corrections=corrections,
        )


@app.command(
    "export",
    help=help_text(
        "変換したグループごとに一つのファイル（列はローマ字の項目名）と、sha256 を記した manifest を書き出します。"
        "\n\n"
        "--shrink を付けると、各テーブルのカタログのグループのＮ項目をファイルの中でだけ JIS X 0213 に縮退します"
        "（docs/moji.md）。変えた文字はすべて、法令上の根拠とともにデータベースの縮退記録に残ります。\n\n"
        "例: fitgap convert export --db migration.duckdb -o out/ --shrink --encoding cp932",
        "Write one file per converted group (columns by romanized item names) and a manifest with sha256s.\n\n"
        "With --shrink the Ｎ items of each table's catalog group are degraded to JIS X 0213 in the files (see "
        "docs/moji.md); each character changed is recorded with its legal basis in the database's 縮退 log.\n\n"
        "Example: fitgap convert export --db migration.duckdb -o out/ --shrink --encoding cp932",
    ),
)
def export(
    output: Annotated[
        Path,
        output_option(
            help_text(
                "ファイルと manifest.json を書き出すフォルダ。", "Folder to write the files and manifest.json into."
            )
        ),
    ],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help=help_text("csv または parquet。", "csv or parquet."))] = "csv",
    bom: Annotated[
        bool,
        typer.Option(
            "--bom", help=help_text("CSV の先頭に UTF-8 の BOM を付けます。", "Start CSV files with a UTF-8 BOM.")
        ),
    ] = False,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help=help_text("CSV の区切り文字。", "CSV field delimiter."))
    ] = ",",
    newline: Annotated[str, typer.Option("--newline", help=help_text("crlf または lf。", "crlf or lf."))] = "crlf",
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            help=help_text(
                "utf-8 または cp932（CSV。CP932 にない文字を含む値があれば、何も書かずに止めます）。",
                "utf-8 or cp932 (CSV; refused, writing nothing, when a value holds a character CP932 lacks).",
            ),
        ),
    ] = "utf-8",
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table", help=help_text("このテーブルだけ（複数指定できます）。", "Only this table (repeatable).")
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "ファイルがすでにあるフォルダにも書き出します（ファイルは置き換えます）。",
                "Write into a folder that holds files already (they are replaced).",
            ),
        ),
    ] = False,
    shrink: Annotated[
        bool,
        typer.Option(
            "--shrink",
            help=help_text(
                "Ｎ項目をすべて MJ縮退マップで JIS X 0213 に縮退してファイルにだけ書きます（データベースは"
                "そのまま）。データベースの縮退記録に残ります。縮退先のない文字があれば終了コード 1 です。",
                "Degrade (縮退) every Ｎ item to JIS X 0213 with the MJ縮退マップ in the files only (the database is "
                "untouched); recorded in the database's 縮退 log. Exit 1 when a character has no 縮退.",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write one file per converted group and a manifest (help: ``help_text`` above).

    Example: fitgap convert export --db migration.duckdb -o out/ --shrink --encoding cp932
    """
    from converters import export as export_tables
    from reports.jsonout import to_json
    from spec_catalog import UsageError

    if fmt not in ("csv", "parquet"):
        raise UsageError(
            say(f"--format {fmt!r} は csv でも parquet でもありません", f"--format {fmt!r} is not csv or parquet")
        )
    if newline not in ("crlf", "lf"):
        raise UsageError(
            say(f"--newline {newline!r} は crlf でも lf でもありません", f"--newline {newline!r} is not crlf or lf")
        )
    if encoding not in ("utf-8", "cp932"):
        raise UsageError(
            say(
                f"--encoding {encoding!r} は utf-8 でも cp932 でもありません",
                f"--encoding {encoding!r} is not utf-8 or cp932",
            )
        )
    if output.is_dir() and any(output.iterdir()) and not force:
        raise UsageError(
            say(
                "出力フォルダにすでにファイルがあります（以前の出力ですか？）",
                "the output folder holds files already (an earlier export?)",
            ),
            where=output,
            hint=say(
                "新しいか空のフォルダを指定するか、ファイルを置き換えるなら --force を付けてください",
                "give a new or empty folder, or add --force to replace the files",
            ),
        )
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise UsageError(
            say(
                f"--delimiter {delimiter!r} は1文字にしてください（引用符と改行は使えません）",
                f"--delimiter {delimiter!r} must be one character, not a quote or a line break",
            )
        )
    options: _ExportOptions = {
        "fmt": "parquet" if fmt == "parquet" else "csv",
        "bom": bom,
        "delimiter": delimiter,
        "newline": "lf" if newline == "lf" else "crlf",
        "encoding": "cp932" if encoding == "cp932" else "utf-8",
        "tables": table,
    }
    if shrink:
        _export_shrunk(database(db), output, catalog, options, as_json)
        return
    manifest = export_tables(database(db), output, **options)
    if as_json:
        typer.echo(to_json(manifest))
        return
    _print_files(manifest, output)


class _ExportOptions(TypedDict):
    """The options ``converters.export`` and ``fitgap.moji.shrink.export_shrunk`` share."""

    fmt: Literal["csv", "parquet"]
    bom: bool
    delimiter: str
    newline: Literal["crlf", "lf"]
    encoding: Literal["utf-8", "cp932"]
    tables: list[str] | None


def _print_files(manifest: ExportManifest, output: Path) -> None:
    for file in manifest.files:
        _line(
            say(
                f"{output / file.file}: {file.rows} 行、sha256 {file.sha256[:16]}…",
                f"{output / file.file}: {file.rows} rows, sha256 {file.sha256[:16]}…",
            )
        )
    _line(say(f"目録（manifest）: {output / 'manifest.json'}", f"Manifest: {output / 'manifest.json'}"))


def _export_shrunk(db: Path, output: Path, catalog: Path | None, options: _ExportOptions, as_json: bool) -> None:
    """``export --shrink``: the files with their Ｎ items degraded, what changed on which legal basis, the log id."""
    from fitgap.moji.shrink import export_shrunk
    from reports.jsonout import to_json
    from reports.tables import Table, columns
    from reports.terminal import print_table
    from spec_catalog import resolve_catalog

    result = export_shrunk(db, output, resolve_catalog(catalog_dir(catalog)), **options)
    if as_json:
        typer.echo(to_json(result))
    else:
        _print_files(result.manifest, output)
        _line(
            say(
                f"JIS X 0213 への縮退（{result.map_version}）: 値 {result.values_changed} 件を変更、"
                f"{result.characters_changed} 文字を縮退、縮退先のない {result.characters_unmapped} 文字はそのまま。"
                f"データベースの縮退記録に {result.shrink_id} として残しました。",
                f"縮退 to JIS X 0213 ({result.map_version}): {result.values_changed} values changed, "
                f"{result.characters_changed} characters degraded, {result.characters_unmapped} kept without a 縮退; "
                f"recorded in the database's 縮退 log as {result.shrink_id}.",
            )
        )
        changed = [(Path(t.written).name, c) for t in result.tables for c in t.changed]
        if changed:
            print_table(
                console,
                Table(
                    title=say("縮退した文字", "Characters degraded"),
                    columns=columns(
                        say("ファイル", "file"),
                        say("文字", "character"),
                        say("コードポイント", "code points"),
                        say("MJ文字図形名", "MJ character"),
                        say("縮退先", "degraded to"),
                        say("根拠", "basis"),
                        say("出現数", "count"),
                    ),
                    rows=tuple(
                        (f, c.original, c.code_points, c.mj_id or "", c.target, c.basis, c.count) for f, c in changed
                    ),
                ),
            )
        for shrunk in result.tables:
            for char in shrunk.unmapped:
                name = Path(shrunk.written).name
                _line(
                    say(
                        f"縮退なし（そのまま）: {name} {char.char} {char.code_points} {char.char_class} ×{char.count}",
                        f"No 縮退 (kept as it is): {name} {char.char} {char.code_points} {char.char_class} "
                        f"×{char.count}",
                    ),
                    error=True,
                )
        _line(result.attribution)
    if result.characters_unmapped:
        raise typer.Exit(1)


@app.command(
    "init",
    help=help_text(
        "既存システムの出力データを調べて、マッピング、コード表、外字表のひな形を作ります。\n\n"
        "文字コード（読める行の割合で）、CSV か固定長か（固定長のフィールドは --layout から）を判定し、列と項目を"
        "名前で対応付け、各項目の型と見つかった値から変換（桁埋め、lgcode、postal、コード表）を提案し、コードの"
        "ある項目ごとにコード表のひな形（旧コードとその件数。standard の列を埋めてください）を書き出します。"
        "既存のファイルは --force があるときだけ置き換えます。\n\n"
        "例: fitgap convert init --source residents.txt --layout layout.xlsx --target 001/住民 -o residents.yaml",
        "Scaffold a mapping, its code tables and 外字 table from a look at a legacy export.\n\n"
        "Detects the encoding (by the share of lines that decode), CSV or fixed width (fields from --layout), "
        "matches columns to items by name, proposes transforms (padding, lgcode, postal, code tables) from each "
        "item's type and the values seen, and writes a code-table skeleton per coded item (the distinct legacy "
        "codes and their counts: fill the standard column). Existing files are replaced only with --force.\n\n"
        "Example: fitgap convert init --source residents.txt --layout layout.xlsx --target 001/住民 -o residents.yaml",
    ),
)
def init(
    source: Annotated[
        Path,
        typer.Option("--source", help=help_text("調べる既存システムの出力ファイル。", "The legacy export to look at.")),
    ],
    target: Annotated[
        str,
        typer.Option("--target", help=help_text("業務/グループ。例: 001/住民。", "BUSINESS/GROUP, e.g. 001/住民.")),
    ],
    output: Annotated[Path, output_option(help_text("書き出すマッピングのファイル。", "Mapping file to write."))],
    layout: Annotated[
        Path | None,
        typer.Option(
            "--layout",
            help=help_text(
                "固定長の出力ファイルのレコードレイアウト（.xlsx か CSV。項目名、開始位置または順序、バイト数"
                "または桁数、型の列）。",
                "The record layout of a fixed-width export (.xlsx or CSV with 項目名, 開始位置 or 順序, "
                "バイト数 or 桁数, 型).",
            ),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "マッピングとコード表がすでにあれば置き換えます（編集済みかもしれません）。",
                "Replace the mapping and code tables if they exist (they may be edited).",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Scaffold a mapping, its code tables and 外字 table (help: ``help_text`` above).

    Example: fitgap convert init --source residents.txt --layout layout.xlsx --target 001/住民 -o residents.yaml
    """
    from converters import scaffold, write_scaffold
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    built = scaffold(source, resolve_catalog(catalog_dir(catalog)), target, output, layout)
    detected = write_scaffold(built, force=force)
    if as_json:
        typer.echo(to_json(detected))
        return
    if detected.format == "csv":
        header_ja, header_en = ("見出し行あり", "header row") if detected.header else ("見出し行なし", "no header row")
        shape = say(
            f"CSV、区切り文字 {detected.delimiter!r}、{header_ja}",
            f"CSV, delimiter {detected.delimiter!r}, {header_en}",
        )
    else:
        shape = say(
            f"固定長、1レコード {detected.record_length} バイト（{detected.terminator}）、フィールドは {layout} から",
            f"fixed width, {detected.record_length} bytes a record ({detected.terminator}), fields from {layout}",
        )
    columns, todo = len(detected.columns), ", ".join(detected.todo)
    _line(
        say(
            f"検出: {shape}、文字コード {detected.encoding}、{columns} 列。",
            f"Detected {shape}, encoding {detected.encoding}, {columns} columns.",
        )
    )
    _line(
        say(
            f"名前で {len(detected.matches)} 項目を対応付けました。TODO {len(detected.todo)} 件: {todo}。",
            f"Matched {len(detected.matches)} items by name; {len(detected.todo)} TODOs: {todo}.",
        )
    )
    for item, transforms in detected.transforms.items():
        _line(f"  {item}: {', '.join(transforms)}")
    for table in detected.code_tables:
        _line(
            say(
                f"埋めるコード表（standard の列）: {table.file}（{table.item} の旧コード {table.legacy_codes} 種類）",
                f"Code table to fill (standard column): {table.file} ({table.legacy_codes} legacy codes of "
                f"{table.item})",
            )
        )
    if detected.gaiji:
        listed = ", ".join(detected.gaiji)
        _line(
            say(
                f"埋める外字表: {len(detected.gaiji)} 字（{listed}）",
                f"外字 table to fill: {len(detected.gaiji)} characters ({listed})",
            )
        )
    if detected.unused_columns:
        unused = ", ".join(detected.unused_columns)
        _line(say(f"どの項目も読まない元データの列: {unused}", f"Source columns no item reads: {unused}"))
    for warning in detected.warnings:
        _line(say(f"警告: {warning}", f"Warning: {warning}"), error=True)
    files = ", ".join(detected.files)
    _line(say(f"{files} を書き出しました。", f"Wrote {files}."))
    _line(
        say(
            f"次に: コード表を埋め、推測をすべて確かめてから: fitgap convert run {output} --dry-run",
            f"Next: fill the code tables, check every guess, then: fitgap convert run {output} --dry-run",
        )
    )


@app.command(
    "runs",
    help=help_text(
        "データベースに記録された変換の一覧を表示します（'running' のままの変換は終わっていません）。\n\n"
        "例: fitgap convert runs --db migration.duckdb",
        "List the conversion runs recorded in the database (a run still 'running' did not finish).\n\n"
        "Example: fitgap convert runs --db migration.duckdb",
    ),
)
def runs(db: DbOption = None, lang: LangOption = None, as_json: JsonOption = False) -> None:
    """List the conversion runs recorded in the database.

    Example: fitgap convert runs --db migration.duckdb
    """
    from fitgap.pipeline import list_runs
    from reports.jsonout import to_json
    from reports.tables import Table, columns
    from reports.terminal import print_table

    db = database(db)
    records = list_runs(db)
    if as_json:
        typer.echo(to_json(list(records)))
        return
    keys = (
        "run_id",
        "mapping",
        "target_table",
        "status",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "reconciled",
        "started",
        "finished",
    )
    rows = tuple(tuple(_run_cell(k, getattr(r, k)) for k in keys) for r in records)
    title = say(f"{db} の変換記録", f"Runs in {db}")
    headers = (
        say("実行 ID", "run_id"),
        say("マッピング", "mapping"),
        say("テーブル", "target_table"),
        say("状態", "status"),
        say("読込", "rows_read"),
        say("登録", "rows_loaded"),
        say("移行エラー", "rows_quarantined"),
        say("件数一致", "reconciled"),
        say("開始", "started"),
        say("終了", "finished"),
    )
    print_table(console, Table(title=title, columns=columns(*headers), rows=rows))


def _run_cell(key: str, value: object) -> str | int | float | None:
    """A run record's value as the table shows it: the status in words, times in Asia/Tokyo to the minute (the
    database keeps UTC), 件数一致 as a mark."""
    import datetime as dt

    from fitgap.cli.render import run_status_label
    from reports.clock import local_time

    if value is None:
        return None
    if key == "status":
        return run_status_label(str(value))
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return f"{local_time(moment):%Y-%m-%d %H:%M}"
    if isinstance(value, bool):
        return say("一致", "yes") if value else say("不一致", "no")
    return value if isinstance(value, int | float | str) else str(value)


# ``convert quarantine`` lives in a module of its own; registered here, after the commands above (help order).
from fitgap.cli.quarantine import QUARANTINE_HELP, quarantine  # noqa: E402

app.command("quarantine", help=QUARANTINE_HELP)(quarantine)
