"""``fitgap reconcile …``: 現新比較 — the converted data against the legacy data, the new results against the old."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli import reconcile_results
from fitgap.cli.console import console
from fitgap.cli.convert import warn_unmasked
from fitgap.cli.defaults import catalog_dir, database, municipality_name, project
from fitgap.cli.help_language import help_text
from fitgap.cli.options import (
    CatalogOption,
    DbOption,
    JsonOption,
    JunitOption,
    LangOption,
    ReportFiles,
    UnmaskOption,
    report_files,
    report_option,
)
from spec_catalog.language import current, say

app = typer.Typer(
    help=help_text(
        "現新比較: 変換したデータが旧データと同じ内容であること、新システムの結果が現行システムと一致することを"
        "確かめます。",
        "現新比較 (reconciliation): prove the converted data says what the legacy data said, and the new results "
        "match the old.",
    ),
    no_args_is_help=True,
)
app.command("results", help=reconcile_results.HELP)(reconcile_results.results)


def _phase(phase: str) -> str:
    """reconcile_run's phases as the progress line names them."""
    names = {
        "reading": say("旧データの読み込み・変換", "reading and converting the legacy data"),
        "comparing": say("比較", "comparing"),
    }
    return names.get(phase, phase)


@app.command(
    "run",
    help=help_text(
        "公開済みの変換を旧データのファイルと、キーごと・値ごとに比較します（現新比較）。説明のない差異か、許容差を"
        "超える管理合計があれば終了コード 1。\n\n"
        "旧データのファイルを読み直し、マッピング自身の変換（和暦、全角・半角、外字、コード表）で全項目を作り、"
        "同じキーの比較先の行と比べます。データ補正、縮退、その実行の移行エラーで説明できる差異は説明ありとし、"
        "それ以外はすべて説明のない差異として（マスクして）一覧にします。管理合計（行数、コードごとの行数、キーの件数、"
        "合計、日付の最小・最大、不詳）を fitgap.yaml の許容差（reconcile: tolerances:）で比較します。比較はそれぞれ"
        "移行判定のために記録します。プロジェクトでは --xlsx/--html/--json-file/--junit で別の場所を指定しない限り、"
        "帳票を出力フォルダに書き出します（reconcile-MAPPING.xlsx、.html、.json。MAPPING: マッピングの名前）。\n\n"
        "例: fitgap reconcile run mappings/residents.yaml --db migration.duckdb --xlsx reconcile.xlsx",
        "Compare a published conversion with its legacy file, value by value, by key (現新比較). Exit 1 on any "
        "unexplained difference or control total beyond its tolerance.\n\n"
        "The legacy file is read again and every item made by the mapping's own transforms (和暦, width, 外字, code "
        "tables), then compared with the target row of the same key. A difference a correction, a 縮退 or the run's "
        "quarantine explains is listed as explained; every other one is listed as unexplained (masked). Control "
        "totals (rows, rows per code, distinct keys, sums, min/max dates, 不詳) are compared with the tolerances of "
        "fitgap.yaml (reconcile: tolerances:). Each reconciliation is recorded for the readiness report. In a project "
        "the reports go to its output folder (reconcile-MAPPING.xlsx, .html, .json; MAPPING: the mapping's name) "
        "unless --xlsx/--html/--json-file/--junit name others.\n\n"
        "Example: fitgap reconcile run mappings/residents.yaml --db migration.duckdb --xlsx reconcile.xlsx",
    ),
)
def run(
    mapping: Annotated[
        Path,
        typer.Argument(
            help=help_text(
                "公開済みの変換のマッピングファイル（YAML）。", "The mapping file (YAML) of the published conversion."
            )
        ),
    ],
    db: DbOption = None,
    run_id: Annotated[
        str | None,
        typer.Option(
            "--run",
            help=help_text("比較する変換の実行ID。", "The run to reconcile."),
            show_default=help_text("マッピングの最新の公開済みの実行", "the mapping's latest published"),
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help=help_text(
                "公開済みの行の代わりに、データベースのこの表（例: 新システムのデータを読み込んだ表）と比較します。",
                "Compare this table of the database (e.g. the new system's data loaded back) instead of the "
                "published rows.",
            ),
        ),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help=help_text(
                "変換が読んだ元データのファイル（convert run --source で変換したとき）。",
                "The legacy file the conversion read (when it was converted with convert run --source).",
            ),
            show_default=help_text(
                "マッピングのパス、なければ実行が記録したファイル", "the mapping's path, else the file the run recorded"
            ),
        ),
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit",
            help=help_text(
                "DuckDB のメモリ上限（超えた分はディスクに書き出します）。",
                "DuckDB memory limit (it spills to disk beyond).",
            ),
        ),
    ] = "1GB",
    junit: JunitOption = None,
    json_file: Annotated[Path | None, report_option("json_file", in_project="reconcile-MAPPING")] = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="reconcile-MAPPING")] = None,
    html: Annotated[Path | None, report_option("html", in_project="reconcile-MAPPING")] = None,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """A published conversion against its legacy file, value by value, by key (the help is declared above, in
    both languages). Exit 1 on an unexplained difference or a control total beyond its tolerance."""
    from converters import load_mapping
    from fitgap.cli.progress import phases
    from fitgap.cli.render import print_reconciliation
    from fitgap.pipeline import write_reconcile_reports
    from fitgap.reconcile.run import reconcile_run
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    warn_unmasked(unmask)
    loaded = load_mapping(mapping, resolve_catalog(catalog_dir(catalog)), source)
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
            say=lambda phase: steps.start(_phase(phase)),
        )
    files = report_files(
        f"reconcile-{loaded.name}", ReportFiles(xlsx, html, json_file, junit), ("xlsx", "html", "json_file")
    )
    written = write_reconcile_reports(
        result,
        junit=files.junit,
        json_file=files.json_file,
        xlsx=files.xlsx,
        html=files.html,
        unmask=unmask,
        municipality=municipality_name(),
    )
    if as_json:
        typer.echo(to_json(result, unmask=unmask))
    else:
        print_reconciliation(console, result, written, current())
    if not result.ok:
        raise typer.Exit(1)
