"""``fitgap assess …``: the Fit & Gap workbook, its scoring, suggestions and progress."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, language, municipality_name, project
from fitgap.cli.defaults import history as history_default
from fitgap.cli.defaults import municipality as municipality_default
from fitgap.cli.help_language import help_text
from fitgap.cli.options import (
    CatalogOption,
    JsonFileOption,
    JsonOption,
    LangOption,
    ReportFiles,
    WelfareOfficeOption,
    output_option,
    report_files,
    report_option,
)
from spec_catalog.language import say

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from fitgap.assessment.compare import AssessmentComparison
    from fitgap.assessment.distribution import MergeResult, SplitResult
    from fitgap.assessment.suggest import IntoResult
    from fitgap.profile import MunicipalityProfile
    from spec_catalog.models import Catalog

Lang = Literal["ja", "en"]

app = typer.Typer(
    help=help_text(
        "Fit & Gap: 現行の業務を標準仕様と比べ、ギャップの対応を追います。\n\n"
        "例: fitgap assess template 001 -o assessment.xlsx",
        "Fit & Gap: compare current work with the standard and follow the gaps.\n\n"
        "Example: fitgap assess template 001 -o assessment.xlsx",
    ),
    no_args_is_help=True,
)

ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help=help_text(
            "すでにある調査票を置き換えます（記入済みかもしれません）。",
            "Replace a workbook that exists (it may be filled in already).",
        ),
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help=help_text("期限超過を判断する基準日（YYYY-MM-DD）。", "Date the overdue check is made on (YYYY-MM-DD)."),
        show_default=help_text("今日", "today"),
    ),
]
MunicipalityOption = Annotated[
    str | None,
    typer.Option(
        "--municipality",
        help=help_text("全国地方公共団体コード（例: 013455 森町）。", "全国地方公共団体コード, e.g. 013455 (森町)."),
        show_default=help_text("プロジェクトのもの", "the project's"),
    ),
]


def _report_lang(option: str | None) -> Lang:
    """The language of the reports a command writes: --lang, else the project's, else the environment's."""
    return "en" if language(option) == "en" else "ja"


def _profile(
    code: str | None, catalog: Catalog, businesses: list[str] | None, welfare_office: bool | None = None
) -> MunicipalityProfile | None:
    """The profile of ``code``; its 福祉事務所: ``welfare_office``, else the project's setting when it is the
    project's 団体. None without a code."""
    from fitgap.profile import build_profile

    if code is None:
        return None
    found = project()
    if welfare_office is None and found is not None and code == found.settings.municipality:
        welfare_office = found.settings.welfare_office
    return build_profile(code, catalog, welfare_office=welfare_office, businesses=businesses)


def _write_json(path: Path | None, model: BaseModel) -> None:
    """``--json-file``: the JSON that ``--json`` prints, into a file."""
    from reports.jsonout import to_json
    from spec_catalog import FitgapError

    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_json(model) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FitgapError(
            say(f"JSON の帳票を書き込めません: {exc.strerror}", f"cannot write the JSON report: {exc.strerror}"),
            where=path,
        ) from None


def _as_of(text: str | None) -> dt.date:
    from spec_catalog.base import UsageError

    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            say(f"--as-of {text!r} は日付として読めません", f"--as-of {text!r} is not a date"),
            hint=say("YYYY-MM-DD の形で書いてください（例: 2026-11-26）", "write it as YYYY-MM-DD, e.g. 2026-11-26"),
        ) from None


@app.command(
    "template",
    help=help_text(
        "職員が記入する Fit & Gap 調査票を書き出します: 業務ごとのシート、独自機能、業務連携。"
        "すでにある調査票は --force なしには置き換えません。\n\n"
        "例: fitgap assess template 001 024 --municipality 013455 -o assessment.xlsx",
        "Write the assessment workbook staff fill in: one sheet per business, 独自機能, 業務連携. An existing "
        "workbook is never replaced without --force.\n\n"
        "Example: fitgap assess template 001 024 --municipality 013455 -o assessment.xlsx",
    ),
)
def template(
    output: Annotated[Path, output_option(help_text("書き出す調査票（.xlsx）。", "Workbook to write (.xlsx)."))],
    businesses: Annotated[
        list[str] | None,
        typer.Argument(
            help=help_text(
                "調べる業務ID（既定: 団体の対象業務、団体の指定がなければ20業務すべて）。",
                "業務IDs to assess (default: the municipality's scope, else all 20).",
            )
        ),
    ] = None,
    municipality: MunicipalityOption = None,
    welfare_office: WelfareOfficeOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "調査票がすでにあれば置き換えます（記入済みかもしれません）。",
                "Replace the workbook if it exists (it may be filled in already).",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """The assessment workbook (``fitgap.assessment.template.make_template``)."""
    from fitgap.assessment.template import make_template
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    profile = _profile(municipality_default(municipality), resolved, businesses, welfare_office)
    if profile is not None:
        chosen = [resolved.business(b) for b in profile.businesses]
    elif businesses:
        chosen = [resolved.business(b) for b in businesses]
    else:
        chosen = [b for b in resolved.businesses if not b.common]
    written = make_template(output, resolved, chosen, profile, _report_lang(lang), force=force)
    if as_json:
        typer.echo(to_json(written))
        return
    who = say(f"（{profile.label}）", f" for {profile.label}") if profile else ""
    console.print(
        say(
            f"出力: {output}{who} — {len(chosen)} 業務、{written.functions} 機能",
            f"Wrote {output}{who}: {len(chosen)} businesses, {written.functions} functions.",
        ),
        markup=False,
    )
    if resolved.is_sample:
        warning = say(
            "カタログはサンプルです（機能一覧は公式のものではありません）。",
            "The catalog is a SAMPLE: its function lists are not the official ones.",
        )
        err_console.print(f"[yellow]{warning}[/yellow]")


@app.command(
    "score",
    help=help_text(
        "記入済みの調査票を採点します: 件数、適合率、要廃止の実装不可機能、未完了の対応、対応完了率、"
        "シートとセルつきの指摘。"
        "\n\nプロジェクトでは、--xlsx/--html/--json-file の指定がなければ Excel と HTML の帳票を出力フォルダ"
        "（reports/assessment.xlsx, .html）に書き出します。指摘にエラーがあるとき、または --gate でゲートの規則を"
        "満たさないとき、終了コード 1 で終わります。\n\n"
        "例: fitgap assess score assessment.xlsx --xlsx report.xlsx --html report.html --gate",
        "Score a filled workbook: counts, fit rate, forced gaps, actions, readiness; findings with sheet and cell."
        "\n\nIn a project the Excel and HTML reports go to its output folder (reports/assessment.xlsx, .html) unless "
        "--xlsx/--html/--json-file say otherwise. Exits 1 when a finding is an error, or with --gate when a gate rule "
        "fails.\n\n"
        "Example: fitgap assess score assessment.xlsx --xlsx report.xlsx --html report.html --gate",
    ),
)
def score(
    workbook: Annotated[
        Path, typer.Argument(help=help_text("記入済みの Fit & Gap 調査票。", "The filled assessment workbook."))
    ],
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            "-o",
            "--output",
            metavar="FILE",
            help=help_text(
                "Excel の帳票を FILE に書き出します（-o/--output は以前の書き方）。",
                "Write the Excel report to FILE (-o/--output: the earlier spelling).",
            ),
            show_default=help_text("プロジェクトでは reports/assessment.xlsx", "in a project: reports/assessment.xlsx"),
        ),
    ] = None,
    html: Annotated[Path | None, report_option("html", in_project="assessment")] = None,
    json_file: JsonFileOption = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help=help_text(
                "スナップショットのフォルダ: 今回の採点を加え（既存のものは置き換えません）、推移を帳票に載せます。",
                "Directory of snapshots: keep this one (never replacing one), add the trend.",
            ),
            show_default=help_text("プロジェクトでは assessments/history", "in a project: assessments/history"),
        ),
    ] = None,
    gate: Annotated[
        bool,
        typer.Option(
            "--gate",
            help=help_text(
                "ゲートの規則を満たさないとき（未対応の要廃止機能が残る …）、終了コード 1 で終わります。",
                "Exit 1 when the gate rules fail (forced gaps remain …).",
            ),
        ),
    ] = False,
    max_forced_gaps: Annotated[
        int,
        typer.Option(
            help=help_text("ゲート: 許す未対応の要廃止機能の数。", "Gate: unresolved forced gaps allowed."),
        ),
    ] = 0,
    max_mandatory_undecided: Annotated[
        int | None,
        typer.Option(
            help=help_text(
                "ゲート: 許す未判定の実装必須機能の数（省略すると上限なし）。",
                "Gate: undecided 実装必須機能 allowed (no limit when omitted).",
            )
        ),
    ] = None,
    min_readiness: Annotated[
        float | None,
        typer.Option(help=help_text("ゲート: 対応完了率の下限（0〜1）。", "Gate: lowest readiness allowed, 0–1.")),
    ] = None,
    as_of: AsOfOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score a filled workbook (``fitgap.assessment.score_workbook``) and write its reports."""
    from fitgap.assessment import score_workbook, write_report
    from fitgap.assessment.ahead import read_ahead
    from fitgap.assessment.scoring import GateRules
    from fitgap.cli.render import print_score
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    with read_ahead(workbook) as values:  # the workbook is read in a second process while the catalog loads
        resolved = resolve_catalog(catalog_dir(catalog))
        rules = (
            GateRules(
                max_forced_gaps_unresolved=max_forced_gaps,
                max_mandatory_undecided=max_mandatory_undecided,
                min_readiness=min_readiness,
            )
            if gate
            else None
        )
        xlsx, html, json_file, _ = report_files("assessment", ReportFiles(xlsx, html, json_file), ("xlsx", "html"))
        report, assessment = score_workbook(
            workbook, resolved, _as_of(as_of), rules, history_default(history), values()
        )
    if xlsx is not None or html is not None:
        write_report(report, assessment, xlsx, html, _report_lang(lang), municipality_name())
    _write_json(json_file, report)
    if as_json:
        typer.echo(to_json(report))
    else:
        print_score(console, report, [p for p in (xlsx, html, json_file) if p is not None], language(lang))
    failed_gate = report.gate is not None and not report.gate.passed
    if report.error_findings or failed_gate:
        raise typer.Exit(1)


def _businesses(options: list[str]) -> list[str]:
    """``--business 001,024`` and ``--business 001 --business 024`` alike, each once."""
    return list(dict.fromkeys(part.strip() for option in options for part in option.split(",") if part.strip()))


@app.command(
    "suggest",
    help=help_text(
        "既存の機能一覧の各行に当たりそうな機能IDを挙げ、調査票に前もって記入します。\n\n"
        "複数の業務を指定すると、各行をそのすべての業務の機能と照合します。--into を付けると、確からしい照合を"
        "プロジェクトの調査票に記入します: 判定が空の機能の現行利用・照合元・信頼度を、そのセルが空のときだけ。"
        "一覧のすべての行と候補は照合結果のシートに加えます。\n\n"
        "例: fitgap assess suggest vendor.xlsx --sheet 機能一覧 --header-row 3 --business 001,024 -o pre.xlsx",
        "Propose the most likely 機能IDs for each row of an existing list and pre-fill the workbook.\n\n"
        "With several businesses every row is matched against the functions of all of them. With --into the "
        "confident matches go into the project workbook: 現行利用, 照合元 and 信頼度 of functions whose 判定 is "
        "empty, and only where those cells are empty; every source row and its candidates are added on a sheet "
        "照合結果.\n\n"
        "Example: fitgap assess suggest vendor.xlsx --sheet 機能一覧 --header-row 3 --business 001,024 -o pre.xlsx",
    ),
)
def suggest(
    source: Annotated[
        Path,
        typer.Argument(
            help=help_text(
                "機能IDに照合する既存の機能一覧（.csv または .xlsx）。",
                "An existing function list (.csv or .xlsx) to map onto 機能IDs.",
            )
        ),
    ],
    business: Annotated[
        list[str],
        typer.Option(
            "--business",
            help=help_text(
                "一覧の業務ID: 001。複数なら 001,024 と書くか --business を繰り返します。",
                "業務ID(s) of the list: 001, or several as 001,024 or --business repeated.",
            ),
        ),
    ],
    output: Annotated[
        Path | None,
        output_option(
            help_text(
                "書き出す記入済みの調査票。--into と一緒なら、記入したプロジェクトの調査票の出力先。",
                "Pre-filled assessment workbook to write; with --into, where the filled project workbook goes.",
            ),
            show_default=help_text("なし: -o か --into を指定します", "none: give -o, or --into"),
        ),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help=help_text(
                "確からしい照合を、代わりにこのプロジェクトの調査票に記入します: 判定のない行の空のセルだけ"
                "（-o に書き出すか、--force でその調査票自体に）。",
                "Fill the confident matches into this project workbook instead: only rows without 判定, only empty "
                "cells (written to -o, or into the workbook itself with --force).",
            ),
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help=help_text(".xlsx の一覧のシート。", "Sheet of an .xlsx list."),
            show_default=help_text("最初のシート", "the first"),
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            "--header-row",
            min=1,
            help=help_text("列見出しの行。", "Row of the column headers."),
            show_default=help_text("記入のある最初の行", "the first filled row"),
        ),
    ] = None,
    column: Annotated[
        str | None,
        typer.Option(
            "--column",
            help=help_text(
                "機能名（または説明）の入った列の見出し。", "Header of the column holding the function names/text."
            ),
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            help=help_text(
                "信頼度がこれより低い行は、人が判断します（要確認）。", "Confidence below which a person must decide."
            )
        ),
    ] = 0.35,
    force: ForceOption = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
    json_file: JsonFileOption = None,
) -> None:
    """Suggest 機能IDs for an existing list (``fitgap.assessment.suggest``)."""
    from fitgap.assessment.suggest import fill_into, read_source_list, suggest_all, write_suggestions
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog
    from spec_catalog.files import exists_already

    if into is None and output is None:
        raise UsageError(
            say("書き出す調査票の指定がありません", "no workbook to write"),
            hint=say(
                "記入済みの調査票を作るなら -o FILE を、既存の調査票に記入するなら --into WORKBOOK を指定してください",
                "give -o FILE for a pre-filled workbook, or --into WORKBOOK to fill one",
            ),
        )
    if into is None and output is not None and output.exists() and not force:
        raise exists_already(output, filled_in=True, what=say("調査票", "the workbook"))
    resolved = resolve_catalog(catalog_dir(catalog))
    specs = list({s.business_id: s for s in (resolved.business(b) for b in _businesses(business))}.values())
    if not specs:
        raise UsageError(
            say("業務の指定がありません", "no business given"),
            hint=say("--business 001（または 001,024）を指定してください", "give --business 001 (or 001,024)"),
        )
    texts = read_source_list(source, column, sheet=sheet, header_row=header_row)
    result = suggest_all(texts, specs, threshold)
    confident = sum(1 for s in result.rows if not s.needs_review)
    if into is not None:
        filled = fill_into(into, resolved, result, output, force=force, municipality=municipality_name())
        _write_json(json_file, filled)
        if as_json:
            typer.echo(to_json(filled))
            return
        _print_into(console, filled)
        return
    assert output is not None
    profile = _profile(municipality_default(None), resolved, [s.business_id for s in specs])
    write_suggestions(output, resolved, specs, result, _report_lang(lang), profile)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
        return
    console.print(
        say(
            f"{len(result.rows)} 行: 信頼度 {threshold} 以上で照合 {confident} 行、"
            f"要確認 {len(result.rows) - confident} 行。出力: {output}",
            f"{len(result.rows)} rows: {confident} matched with confidence ≥ {threshold}, "
            f"{len(result.rows) - confident} left for a person (要確認). Wrote {output}.",
        ),
        markup=False,
    )


def _print_into(console: Console, filled: IntoResult) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    rows = filled.suggestions.rows
    confident = sum(1 for s in rows if not s.needs_review)
    print_table(
        console,
        Table(
            title=say(f"記入したセル: {len(filled.filled)}", f"Cells filled: {len(filled.filled)}"),
            columns=columns(say("シート", "Sheet"), say("機能ID", "Function"), say("列", "Column"), say("値", "Value")),
            rows=tuple((c.sheet, c.function_id, c.column, c.value) for c in filled.filled),
        ),
    )
    console.print(
        say(
            f"{len(rows)} 行: 照合 {confident} 行、要確認 {len(rows) - confident} 行（シート {filled.review_sheet}）。"
            f"判定済みのため記入しなかった機能: {len(filled.decided)}、調査票にない機能: "
            f"{len(filled.not_in_workbook)}。出力: {filled.output}",
            f"{len(rows)} rows: {confident} matched, {len(rows) - confident} to review (sheet {filled.review_sheet}). "
            f"Functions left alone because they have a 判定: {len(filled.decided)}; not in the workbook: "
            f"{len(filled.not_in_workbook)}. Wrote {filled.output}.",
        ),
        markup=False,
    )


@app.command(
    "compare",
    help=help_text(
        "二つの採点結果を比べます: 適合率、対応完了率、未解消のギャップ、要廃止の実装不可機能 … の前後と差を業務別と"
        "合計で、そして解消・新規・変更のあったギャップを示します。\n\n"
        "プロジェクトでは、--xlsx/--html/--json-file の指定がなければ Excel と HTML の帳票を出力フォルダ"
        "（reports/assessment-compare.xlsx, .html）に書き出します。\n\n"
        "例: fitgap assess compare history/2026-10-01_a.json history/2026-11-01_a.json --xlsx compare.xlsx",
        "Compare two scored assessments: fit rate, 対応完了率, open gaps, 要廃止 … before and after with the "
        "difference, per business and in total, and the gaps closed, opened and changed.\n\n"
        "In a project the Excel and HTML reports go to its output folder (reports/assessment-compare.xlsx, .html) "
        "unless --xlsx/--html/--json-file say otherwise.\n\n"
        "Example: fitgap assess compare history/2026-10-01_a.json history/2026-11-01_a.json --xlsx compare.xlsx",
    ),
)
def compare(
    old: Annotated[
        Path,
        typer.Argument(
            help=help_text(
                "前の採点結果（--json または --history の JSON）。",
                "Older scored assessment (JSON from --json or --history).",
            )
        ),
    ],
    new: Annotated[Path, typer.Argument(help=help_text("後の採点結果。", "Newer scored assessment."))],
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="assessment-compare")] = None,
    html: Annotated[Path | None, report_option("html", in_project="assessment-compare")] = None,
    json_file: JsonFileOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare two scored assessments (``fitgap.assessment.compare``) and write the report."""
    from fitgap.assessment.compare import compare_reports, comparison_document
    from fitgap.assessment.history import load_snapshot
    from reports.excel_report import write_document
    from reports.html import write_html
    from reports.jsonout import to_json

    result = compare_reports(load_snapshot(old), load_snapshot(new), old.name, new.name)
    xlsx, html, json_file, _ = report_files("assessment-compare", ReportFiles(xlsx, html, json_file), ("xlsx", "html"))
    code = _report_lang(lang)
    if xlsx is not None or html is not None:
        document = comparison_document(result, code, municipality_name())
        if xlsx is not None:
            write_document(document, xlsx)
        if html is not None:
            write_html(document, html)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
        return
    _print_comparison(console, result, code, [p for p in (xlsx, html, json_file) if p is not None])


def _print_comparison(console: Console, result: AssessmentComparison, lang: Lang, outputs: list[Path]) -> None:
    from fitgap.assessment.compare import KPIS, functions_table, kpi_label
    from reports.tables import Table, columns
    from reports.terminal import print_table

    def shown(value: float | None, fmt: str, sign: bool = False) -> str:
        if value is None:
            return "—"
        if fmt == "percent":
            return f"{value:+.1%}" if sign else f"{value:.1%}"
        return f"{value:+d}" if sign else str(value)

    print_table(
        console,
        Table(
            title=say(
                f"Fit & Gap の変化（{result.old_as_of} → {result.new_as_of}）",
                f"Fit & Gap changes ({result.old_as_of} → {result.new_as_of})",
            ),
            columns=columns(say("指標", "Figure"), say("前", "Before"), say("後", "After"), say("差", "Change")),
            rows=tuple(
                (
                    kpi_label(key, lang),
                    shown(result.total.kpi(key).before, fmt),
                    shown(result.total.kpi(key).after, fmt),
                    shown(result.total.kpi(key).delta, fmt, sign=True),
                )
                for key, _, _, fmt in KPIS
            ),
        ),
    )
    print_table(console, functions_table(result, lang))  # the report's table, as text
    for path in outputs:
        console.print(say(f"出力: {path}", f"Wrote {path}"), markup=False)


class SplitByOption(StrEnum):
    BUSINESS = "business"
    OWNER = "owner"


@app.command(
    "split",
    help=help_text(
        "原課に配る調査票を書き出します: 業務ごと（その業務のシートと、その業務の独自機能・業務連携の行）、"
        "または担当ごと（業務をまたいだ担当ごとの行。担当のない行は担当未定）。\n\n"
        "各ファイルはそのまま採点できる調査票で、分割元の調査票、分割のしかた、行のすべてのセルの値を隠しシートに記録"
        "します。そのため 'fitgap assess merge' は編集を失わずに取り込めます。すでにあるファイルは --force のときだけ"
        "置き換えます。\n\n"
        "例: fitgap assess split assessments/assessment.xlsx --by business -o assessments/配布",
        "Write one workbook per 原課 to hand out: per business (its sheet, with the 独自機能 and 業務連携 rows of "
        "that business) or per 担当 (the rows of each 担当 across businesses; rows without one in 担当未定).\n\n"
        "Each file is an assessment workbook (it scores like any other) and records, on a hidden sheet, the workbook "
        "it came from, the split and the value of every cell of its rows, so that 'fitgap assess merge' can take it "
        "back without losing an edit. An existing file is replaced only with --force.\n\n"
        "Example: fitgap assess split assessments/assessment.xlsx --by business -o assessments/配布",
    ),
)
def split(
    workbook: Annotated[
        Path, typer.Argument(help=help_text("プロジェクトの調査票。", "The project's assessment workbook."))
    ],
    by: Annotated[
        SplitByOption,
        typer.Option(
            "--by",
            help=help_text(
                "business: 業務シートごとに1ファイル。owner: 担当（担当の列）ごとに1ファイル。",
                "business: one file per business sheet; owner: one file per 担当 (column 担当).",
            ),
        ),
    ] = SplitByOption.BUSINESS,
    output: Annotated[
        Path | None,
        output_option(
            help_text("ファイルを書き出すフォルダ。", "Folder to write the files to."),
            show_default=help_text("調査票の隣の WORKBOOK-split", "WORKBOOK-split beside the workbook"),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "フォルダにすでにあるファイルを置き換えます（記入済みかもしれません）。",
                "Replace files of the folder that exist (they may be filled in).",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
    json_file: JsonFileOption = None,
) -> None:
    """Split the project workbook (``fitgap.assessment.distribution.split_workbook``)."""
    from fitgap.assessment.distribution import SplitBy, split_workbook
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    folder = output if output is not None else workbook.parent / f"{workbook.stem}-split"
    result = split_workbook(workbook, resolved, SplitBy(by.value), folder, force=force)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
        return
    _print_split(console, result)


def _print_split(console: Console, result: SplitResult) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    print_table(
        console,
        Table(
            title=say(f"配布ファイル: {len(result.files)}", f"Files to hand out: {len(result.files)}"),
            columns=columns(
                say("ファイル", "File"),
                say("業務／担当", "Business / owner"),
                say("業務シート", "Business sheets"),
                say("機能", "Functions"),
                say("独自機能", "Custom"),
                say("業務連携", "Links"),
            ),
            rows=tuple(
                (Path(f.file).name, f.label, len(f.sheets), f.functions, f.custom, f.links) for f in result.files
            ),
        ),
    )
    if result.not_distributed:
        console.print(
            say(
                f"どのファイルにも入れなかった行: {len(result.not_distributed)}"
                "（プロジェクトの調査票にそのまま残ります。--json で一覧）",
                f"Rows in no file: {len(result.not_distributed)} "
                "(they stay in the project workbook; --json lists them)",
            ),
            markup=False,
        )
    folder = Path(result.files[0].file).parent if result.files else None
    console.print(
        say(f"分割ID: {result.split_id[:8]}　出力先: {folder}", f"Split {result.split_id[:8]}: wrote to {folder}"),
        markup=False,
    )


@app.command(
    "merge",
    help=help_text(
        "返ってきたファイルをセルごとにプロジェクトの調査票へ取り込み、ファイルごとに変更した行とセル、追加した行、"
        "競合を示します。\n\n"
        "二つのファイルで違う値に変えられたセル、または分割の後にファイルとプロジェクトの調査票の両方で変えられたセルは"
        "競合です: すべての値とともに示し、プロジェクトの調査票の値のままにします（終了コード 1）。それ以外はすべて"
        "取り込みます。別の分割や別の調査票のファイルは取り込みません。\n\n"
        "例: fitgap assess merge assessment.xlsx 配布/assessment_001_住民基本台帳.xlsx 配布/*_010_*.xlsx "
        "-o merged.xlsx",
        "Read the returned files back into the project workbook, cell by cell, and report per file the rows and "
        "cells changed, the rows added and the conflicts.\n\n"
        "A cell changed differently in two files, or in a file and in the project workbook since the split, is a "
        "conflict: listed with every value and left as the project workbook has it (exit 1); everything else is "
        "merged. Files of another split or of another workbook are refused.\n\n"
        "Example: fitgap assess merge assessment.xlsx 配布/assessment_001_住民基本台帳.xlsx 配布/*_010_*.xlsx "
        "-o merged.xlsx",
    ),
)
def merge(
    workbook: Annotated[
        Path,
        typer.Argument(
            help=help_text(
                "ファイルの分割元のプロジェクトの調査票。",
                "The project's assessment workbook the files were split from.",
            )
        ),
    ],
    parts: Annotated[
        list[Path],
        typer.Argument(
            help=help_text(
                "原課から返ってきたファイル（一つの分割のもの）。", "The files the 原課 returned (of one split)."
            )
        ),
    ],
    output: Annotated[
        Path | None,
        output_option(
            help_text("取り込んだ調査票の出力先。", "Merged workbook to write."),
            show_default=help_text(
                "なし: -o を指定するか、--force で WORKBOOK に書き込みます",
                "none: give -o, or --force to write into WORKBOOK",
            ),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "WORKBOOK 自体に書き込むか、すでにある -o のファイルを置き換えます。",
                "Write into WORKBOOK itself, or replace an existing -o file.",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
    json_file: JsonFileOption = None,
) -> None:
    """Merge the returned files (``fitgap.assessment.distribution.merge_parts``)."""
    from fitgap.assessment.distribution import merge_parts
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    result = merge_parts(workbook, parts, resolved, output, force=force)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
    else:
        _print_merge(console, result)
    if result.conflicts:
        raise typer.Exit(1)


_CONFLICTS = {
    "parts_differ": ("回収ファイル間で値が異なる", "the files differ"),
    "workbook_changed": ("分割後に調査票でも変更", "changed in the workbook since the split"),
    "row_gone": ("調査票に行・列がない", "row or column no longer in the workbook"),
}
_NOT_MERGED = {
    "catalog_column": ("カタログの列（取り込まない）", "a catalog column (not merged)"),
    "unknown_function": ("分割時になかった機能ID", "a 機能ID the file did not hold"),
    "row_not_returned": ("行が返却されていない", "row not in the returned file"),
    "sheet_not_returned": ("シートまたは元の行の列が返却されていない", "sheet or its 元の行 column not returned"),
    "column_gone": ("調査票に列がない", "column no longer in the workbook"),
}


def _place(sheet: str, key: str) -> str:
    from fitgap.assessment.sheets import CUSTOM_SHEET, LINK_SHEET

    if sheet in (CUSTOM_SHEET, LINK_SHEET) and key:
        return say(f"{key}行目", f"row {key}")
    return key


def _print_merge(console: Console, result: MergeResult) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    print_table(
        console,
        Table(
            title=say("回収ファイルごとの結果", "Per returned file"),
            columns=columns(
                say("ファイル", "File"),
                say("業務／担当", "Business / owner"),
                say("変更した行", "Rows changed"),
                say("変更したセル", "Cells changed"),
                say("追加した行", "Rows added"),
                say("競合", "Conflicts"),
                say("取り込めなかった項目", "Not merged"),
            ),
            rows=tuple(
                (p.file, p.part, p.rows_changed, p.cells_changed, p.rows_added, p.conflicts, p.not_merged)
                for p in result.parts
            ),
        ),
    )
    if result.conflicts:
        print_table(
            console,
            Table(
                title=say(
                    f"競合: {len(result.conflicts)}（調査票の値のまま。確認して手で直してください）",
                    f"Conflicts: {len(result.conflicts)} (left as the workbook has them: decide and fix by hand)",
                ),
                columns=columns(
                    say("シート", "Sheet"),
                    say("機能ID／行", "機能ID / row"),
                    say("列", "Column"),
                    say("理由", "Why"),
                    say("分割時", "At the split"),
                    say("調査票", "Workbook"),
                    say("回収ファイルの値", "Returned values"),
                ),
                rows=tuple(
                    (
                        c.sheet,
                        _place(c.sheet, c.key),
                        c.column,
                        say(*_CONFLICTS[c.kind]),
                        c.at_split,
                        c.workbook,
                        " / ".join(f"{v.part}: {v.value or say('（空）', '(empty)')}" for v in c.parts),
                    )
                    for c in result.conflicts
                ),
            ),
        )
    if result.not_merged:
        print_table(
            console,
            Table(
                title=say(f"取り込めなかった項目: {len(result.not_merged)}", f"Not merged: {len(result.not_merged)}"),
                columns=columns(
                    say("ファイル", "File"),
                    say("シート", "Sheet"),
                    say("機能ID／行", "機能ID / row"),
                    say("列", "Column"),
                    say("値", "Value"),
                    say("理由", "Why"),
                ),
                rows=tuple(
                    (n.part, n.sheet, _place(n.sheet, n.key), n.column, n.value, say(*_NOT_MERGED[n.reason]))
                    for n in result.not_merged
                ),
            ),
        )
    console.print(say(f"出力: {result.output}", f"Wrote {result.output}"), markup=False)
