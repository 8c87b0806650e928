"""``fitgap convert …``: legacy exports into the standard layouts in DuckDB."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypedDict

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, database
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, UnmaskOption, output_option

if TYPE_CHECKING:
    from converters import ExportManifest, Mapping, RunResult
    from converters.guard import PublishGuard

app = typer.Typer(
    help="Convert legacy exports (CP932 CSV, fixed width, Excel) into the standard layouts.", no_args_is_help=True
)


def warn_unmasked(unmask: bool) -> None:
    if unmask:
        err_console.print(
            "[bold yellow]Warning: --unmask shows personal data (特定個人情報) unmasked. "
            "Keep the output inside the authorised environment.[/bold yellow]"
        )


@app.command("run")
def run(
    mapping: Annotated[Path, typer.Argument(help="The mapping file (YAML).")],
    db: DbOption = None,
    source: Annotated[
        Path | None, typer.Option("--source", help="Read this file instead of the mapping's path.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Preview the conversion; write nothing.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Convert only the first N rows (with --dry-run).")
    ] = None,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="DuckDB memory limit (it spills to disk beyond).")
    ] = "1GB",
    accept_quarantine: Annotated[
        bool,
        typer.Option(
            "--accept-quarantine",
            help="Publish whatever share of rows is quarantined, and exit 0 when rows were quarantined.",
        ),
    ] = False,
    allow_drop: Annotated[
        bool,
        typer.Option("--allow-drop", help="Publish even when fewer rows load than the mapping has published."),
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option("--allow-empty", help="Publish a source with no data rows (the mapping's rows become none)."),
    ] = False,
    corrections: Annotated[
        list[Path] | None,
        typer.Option(
            "--corrections",
            help="A filled cleansing-request workbook (convert quarantine --xlsx) to apply once, after the mapping's "
            "corrections: files (repeatable).",
        ),
    ] = None,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
) -> None:
    """Convert one source file into its target table: stage, transform, quarantine, publish in one transaction.

    A run publishes only when it reconciles, quarantines no more than the project's
    thresholds.max_quarantine_rate (else 1 %) of the rows read, loads at least as many rows as the mapping has
    published and its source has data rows; otherwise it is rejected: nothing changes and it exits 1 with the
    reason. Exits 1 also when rows were quarantined, unless --accept-quarantine. Filled cleansing-request
    workbooks (the mapping's corrections:, --corrections) replace source values before the transforms; one whose
    source line changed is not applied (CORRECTION_NOT_APPLIED, a warning).

    Example: fitgap convert run examples/jppost/mapping.yaml --source JIGYOSYO.CSV --db migration.duckdb
    """
    from converters import load_mapping
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

    if limit is not None and not dry_run:
        raise UsageError("--limit previews only", hint="add --dry-run (a partial run would lose rows)")
    if not re.fullmatch(r"\d+(\.\d+)?\s*(K|M|G|T)?i?B", memory_limit.strip(), re.IGNORECASE):
        raise UsageError(f"--memory-limit {memory_limit!r} is not a size", hint="write e.g. 1GB, 512MB or 2GiB")
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
        print_run(console, result, None if dry_run or rejected else db, lang=language(None))
        _print_corrections(result)
    if rejected:
        err_console.print(
            f"Run {result.run_id} rejected: {result.rejected_because}", markup=False, highlight=False, soft_wrap=True
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
        console.print(
            f"Corrections {f.file} (sha256 {f.sha256[:16]}…): {f.applied} applied, {f.not_applied} not applied, "
            f"{f.superseded} superseded",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for row in summary.not_applied_rows:
        err_console.print(
            f"Warning: {row.code} {row.file} line {row.line} {row.item or ''}: {row.detail}",
            markup=False,
            highlight=False,
            soft_wrap=True,
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


# The engine's phases as the progress line names them.
_PHASES = {"reading": "読み込み", "transforming": "変換・チェック", "publishing": "登録"}


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
            label = _PHASES.get(phase, phase)
            if phase == "reading":
                steps.start(label, total=total or None, count="0 行")
            else:
                steps.start(label, count=f"{read[0]:,} 行")

        def on_read(done: int, rows: int) -> None:
            read[0] = rows
            rate = f" ({rows / steps.elapsed:,.0f} 行/秒)" if steps.elapsed > 0 else ""
            steps.update(completed=done, count=f"{rows:,} 行{rate}")

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


@app.command("export")
def export(
    output: Annotated[Path, output_option("Folder to write the files and manifest.json into.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    bom: Annotated[bool, typer.Option("--bom", help="Start CSV files with a UTF-8 BOM.")] = False,
    delimiter: Annotated[str, typer.Option("--delimiter", help="CSV field delimiter.")] = ",",
    newline: Annotated[str, typer.Option("--newline", help="crlf or lf.")] = "crlf",
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            help="utf-8 or cp932 (CSV; refused, writing nothing, when a value holds a character CP932 lacks).",
        ),
    ] = "utf-8",
    table: Annotated[list[str] | None, typer.Option("--table", help="Only this table (repeatable).")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that holds files already (they are replaced).")
    ] = False,
    shrink: Annotated[
        bool,
        typer.Option(
            "--shrink",
            help="Degrade (縮退) every Ｎ item to JIS X 0213 with the MJ縮退マップ in the files only (the database is "
            "untouched); recorded in the database's 縮退 log. Exit 1 when a character has no 縮退.",
        ),
    ] = False,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write one file per converted group (columns by romanized item names) and a manifest with sha256s.

    With --shrink the Ｎ items of each table's catalog group are degraded to JIS X 0213 in the files (see
    docs/moji.md); each character changed is recorded with its legal basis in the database's 縮退 log.

    Example: fitgap convert export --db migration.duckdb -o out/ --shrink --encoding cp932
    """
    from converters import export as export_tables
    from reports.jsonout import to_json
    from spec_catalog import UsageError

    if fmt not in ("csv", "parquet"):
        raise UsageError(f"--format {fmt!r} is not csv or parquet")
    if newline not in ("crlf", "lf"):
        raise UsageError(f"--newline {newline!r} is not crlf or lf")
    if encoding not in ("utf-8", "cp932"):
        raise UsageError(f"--encoding {encoding!r} is not utf-8 or cp932")
    if output.is_dir() and any(output.iterdir()) and not force:
        raise UsageError(
            "the output folder holds files already (an earlier export?)",
            where=output,
            hint="give a new or empty folder, or add --force to replace the files",
        )
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise UsageError(f"--delimiter {delimiter!r} must be one character, not a quote or a line break")
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
        console.print(f"{output / file.file}: {file.rows} rows, sha256 {file.sha256[:16]}…")
    console.print(f"Manifest: {output / 'manifest.json'}")


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
        console.print(
            f"縮退 to JIS X 0213 ({result.map_version}): {result.values_changed} values changed, "
            f"{result.characters_changed} characters degraded, {result.characters_unmapped} kept without a 縮退; "
            f"recorded in the database's 縮退 log as {result.shrink_id}.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        changed = [(Path(t.written).name, c) for t in result.tables for c in t.changed]
        if changed:
            print_table(
                console,
                Table(
                    title="縮退した文字 / characters degraded",
                    columns=columns("ファイル", "文字", "コードポイント", "MJ文字図形名", "縮退先", "根拠", "出現数"),
                    rows=tuple(
                        (f, c.original, c.code_points, c.mj_id or "", c.target, c.basis, c.count) for f, c in changed
                    ),
                ),
            )
        for shrunk in result.tables:
            for char in shrunk.unmapped:
                err_console.print(
                    f"縮退なし（そのまま）: {Path(shrunk.written).name} {char.char} {char.code_points} "
                    f"{char.char_class} ×{char.count}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
        console.print(result.attribution, markup=False, highlight=False, soft_wrap=True)
    if result.characters_unmapped:
        raise typer.Exit(1)


@app.command("init")
def init(
    source: Annotated[Path, typer.Option("--source", help="The legacy export to look at.")],
    target: Annotated[str, typer.Option("--target", help="BUSINESS/GROUP, e.g. 001/住民.")],
    output: Annotated[Path, output_option("Mapping file to write.")],
    layout: Annotated[
        Path | None,
        typer.Option(
            "--layout",
            help="The record layout of a fixed-width export (.xlsx or CSV with 項目名, 開始位置 or 順序, "
            "バイト数 or 桁数, 型).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the mapping and code tables if they exist (they may be edited).")
    ] = False,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Scaffold a mapping, its code tables and 外字 table from a look at a legacy export.

    Detects the encoding (by the share of lines that decode), CSV or fixed width (fields from --layout),
    matches columns to items by name, proposes transforms (padding, lgcode, postal, code tables) from each
    item's type and the values seen, and writes a code-table skeleton per coded item (the distinct legacy codes
    and their counts: fill the standard column). Existing files are replaced only with --force.

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

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    if detected.format == "csv":
        shape = f"CSV, delimiter {detected.delimiter!r}, {'header row' if detected.header else 'no header row'}"
    else:
        shape = f"fixed width, {detected.record_length} bytes a record ({detected.terminator}), fields from {layout}"
    say(f"Detected {shape}, encoding {detected.encoding}, {len(detected.columns)} columns.")
    say(f"Matched {len(detected.matches)} items by name; {len(detected.todo)} TODOs: {', '.join(detected.todo)}.")
    for item, transforms in detected.transforms.items():
        say(f"  {item}: {', '.join(transforms)}")
    for table in detected.code_tables:
        say(f"Code table to fill (standard column): {table.file} ({table.legacy_codes} legacy codes of {table.item})")
    if detected.gaiji:
        say(f"外字 table to fill: {len(detected.gaiji)} characters ({', '.join(detected.gaiji)})")
    if detected.unused_columns:
        say(f"Source columns no item reads: {', '.join(detected.unused_columns)}")
    for warning in detected.warnings:
        err_console.print(f"Warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    say(f"Wrote {', '.join(detected.files)}.")
    say(f"Next: fill the code tables, check every guess, then: fitgap convert run {output} --dry-run")


@app.command("runs")
def runs(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the conversion runs recorded in the database (a run still 'running' did not finish).

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
    rows = tuple(
        tuple(
            str(v) if k in ("status", "started", "finished") and v is not None else v
            for k, v in ((k, getattr(r, k)) for k in keys)
        )
        for r in records
    )
    print_table(console, Table(title=f"Runs in {db}", columns=columns(*keys), rows=rows))


# ``convert quarantine`` lives in a module of its own; registered here, after the commands above (help order).
from fitgap.cli.quarantine import quarantine  # noqa: E402

app.command("quarantine")(quarantine)
