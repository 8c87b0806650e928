"""``fitgap convert quarantine``: why rows were quarantined (移行エラー), without SQL, and the cleansing-request
workbook (データ補正依頼) whose filled 補正後の値 the next run applies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, database, municipality_name
from fitgap.cli.help_language import help_text
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, LangOption, UnmaskOption
from spec_catalog.language import say

if TYPE_CHECKING:
    from converters.review import QuarantineReport

_SHOWN_LINES = 8  # lines listed per group on the terminal (all of them are in --json)

QUARANTINE_HELP = help_text(
    "各マッピングの最後に公開した変換の移行エラーを、項目・理由・値（マスク済み）ごとに件数と元データの行とともに"
    "一覧にします。--xlsx は職員向けのデータ補正依頼（項目ごとのシートと、記入する補正後の値の列）を書き出します。"
    "記入したファイルをマッピングの corrections: に書くと（または 'convert run --corrections' で一度だけ渡すと）、"
    "次の変換が適用し、補正を一件ずつ記録します。\n\n"
    "例: fitgap convert quarantine examples/residents/mapping-csv.yaml --db migration.duckdb --xlsx 補正依頼.xlsx",
    "List what the last published run of each mapping quarantined, by item, reason and value (masked), with "
    "counts and source lines; --xlsx writes the cleansing-request workbook for staff (one sheet per item, a "
    "補正後の値 column to fill). List the filled workbook under corrections: in the mapping (or pass it once with "
    "'convert run --corrections'): the next run applies it and records each correction.\n\n"
    "Example: fitgap convert quarantine examples/residents/mapping-csv.yaml --db migration.duckdb --xlsx 補正依頼.xlsx",
)


def quarantine(
    mapping: Annotated[
        Path | None,
        typer.Argument(
            help=help_text(
                "マッピングのファイル（YAML）。省略するとデータベースのすべてのマッピング。",
                "The mapping file (YAML); every mapping in the database when omitted.",
            )
        ),
    ] = None,
    db: DbOption = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help=help_text(
                "このテーブルを作るマッピングだけ。例: 001_住民。",
                "Only the mappings that fill this table, e.g. 001_住民.",
            ),
        ),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            help=help_text(
                "MAPPING のデータ補正依頼をこのファイルに書き出します。",
                "Write MAPPING's cleansing-request workbook (データ補正依頼) to this file.",
            ),
        ),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help=help_text(
                "--xlsx と一緒に: 変換が読んだファイル（マッピングのパスでなかったとき）。",
                "With --xlsx: the file the run read, when it was not the mapping's path.",
            ),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "データ補正依頼のファイルがすでにあれば置き換えます（記入済みかもしれません）。",
                "Replace the workbook if it exists (it may be filled in already).",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the quarantine of each mapping's last published run; --xlsx writes the cleansing-request workbook
    (help: ``QUARANTINE_HELP``).

    Example: fitgap convert quarantine examples/residents/mapping-csv.yaml --db migration.duckdb --xlsx 補正依頼.xlsx
    """
    from converters import load_mapping
    from fitgap.cli.convert import warn_unmasked
    from fitgap.pipeline import quarantine as review
    from spec_catalog import UsageError, resolve_catalog
    from spec_catalog.files import exists_already

    name_it = say(
        "マッピングを指定してください: convert quarantine MAPPING.yaml",
        "name the mapping: convert quarantine MAPPING.yaml",
    )
    if xlsx is not None and mapping is None:
        raise UsageError(
            say("--xlsx は一つのマッピングのデータ補正依頼を書き出します", "--xlsx writes one mapping's workbook"),
            hint=name_it,
        )
    if source is not None and mapping is None:
        raise UsageError(say("--source にはマッピングが必要です", "--source needs the mapping"), hint=name_it)
    if xlsx is not None and xlsx.exists() and not force:
        raise exists_already(xlsx, filled_in=True, what=say("データ補正依頼のファイル", "the workbook"))
    warn_unmasked(unmask)
    resolved = resolve_catalog(catalog_dir(catalog))
    loaded = load_mapping(mapping, resolved, source) if mapping is not None else None
    db = database(db)
    report = review(
        db,
        resolved,
        mapping=loaded,
        table=table,
        xlsx=xlsx,
        force=force,
        unmask=unmask,
        municipality=municipality_name(),
    )
    if as_json:
        from reports.jsonout import to_json

        typer.echo(to_json(report, unmask=unmask))
        return
    _print(report, unmask)
    if xlsx is not None and report.request is None:
        err_console.print(
            say(
                "移行エラーがないため、データ補正依頼は書き出していません。",
                "Nothing quarantined: no workbook written.",
            ),
            highlight=False,
        )


def _print(report: QuarantineReport, unmask: bool) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    def line(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    if not report.mappings:
        line(say(f"{report.database} に公開した変換はありません。", f"No published run in {report.database}."))
    for m in report.mappings:
        line(
            say(
                f"{m.mapping} → {m.target_table}（実行 {m.run_id}）: 移行エラー {m.rows_quarantined} 行、"
                f"{m.values_quarantined} 値",
                f"{m.mapping} → {m.target_table} (run {m.run_id}): {m.rows_quarantined} rows, "
                f"{m.values_quarantined} values quarantined",
            )
        )
        if not m.groups:
            continue
        rows = tuple(
            (
                g.item_name or say("（行全体）", "(whole row)"),
                g.reason,
                g.message,
                g.value,
                g.count,
                ", ".join(str(n) for n in g.lines[:_SHOWN_LINES]) + _more(len(g.lines) - _SHOWN_LINES),
            )
            for g in m.groups
        )
        print_table(
            console,
            Table(
                title=say("項目・理由・値ごと", "By item, reason and value"),
                columns=columns(
                    say("項目", "item"),
                    say("理由", "reason"),
                    say("内容", "message"),
                    say("値", "value"),
                    say("件数", "count"),
                    say("行", "lines"),
                ),
                rows=rows,
            ),
            unmask=unmask,
        )
    written = report.request
    if written is not None:
        line(
            say(
                f"{written.file} を書き出しました: {len(written.sheets)} シートに {written.rows} 値、"
                f"うち補正できるもの {written.correctable}（依頼 {written.request_id}）。"
                "補正後の値を記入し、ファイルをマッピングの corrections: に書いてから、変換し直してください。",
                f"Wrote {written.file}: {written.rows} values on {len(written.sheets)} sheets, {written.correctable} "
                f"correctable (request {written.request_id}). Fill 補正後の値, then list the file under corrections: "
                "in the mapping and convert again.",
            )
        )


def _more(rest: int) -> str:
    """The lines not listed, as a count (all of them are in --json)."""
    return say(f" …（ほか{rest}行）", f" … ({rest} more)") if rest > 0 else ""
