"""``fitgap assess …``: the Fit & Gap workbook, its scoring, suggestions and progress."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from fitgap.cli.console import console, err_console
from fitgap.cli.defaults import catalog_dir, language, project
from fitgap.cli.defaults import history as history_default
from fitgap.cli.defaults import municipality as municipality_default
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

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from fitgap.assessment.compare import AssessmentComparison
    from fitgap.assessment.distribution import MergeResult, SplitResult
    from fitgap.assessment.suggest import IntoResult

app = typer.Typer(help="Fit & Gap: compare current work with the standard and follow the gaps.", no_args_is_help=True)

ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace a workbook that exists (it may be filled in already).")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Date the overdue check is made on (YYYY-MM-DD).", show_default="today")
]


def _t(lang: str, ja: str, en: str) -> str:
    return en if lang == "en" else ja


def _lang(option: str | None) -> str:
    return "en" if language(option) == "en" else "ja"


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
        raise FitgapError(f"cannot write the JSON report: {exc.strerror}", where=path) from None


def _as_of(text: str | None) -> dt.date:
    from spec_catalog.base import UsageError

    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-11-26") from None


@app.command("template")
def template(
    output: Annotated[Path, output_option("Workbook to write (.xlsx).")],
    businesses: Annotated[
        list[str] | None, typer.Argument(help="業務IDs to assess (default: the municipality's scope, else all 20).")
    ] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="全国地方公共団体コード, e.g. 013455 (森町).")
    ] = None,
    welfare_office: WelfareOfficeOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workbook if it exists (it may be filled in already).")
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the assessment workbook staff fill in: one sheet per business, 独自機能, 業務連携.

    An existing workbook is never replaced without --force.

    Example: fitgap assess template 001 024 --municipality 013455 -o assessment.xlsx
    """
    from fitgap.assessment.template import make_template
    from fitgap.profile import build_profile
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    code = municipality_default(municipality)
    found = project()
    if welfare_office is None and found is not None and code == found.settings.municipality:
        welfare_office = found.settings.welfare_office
    profile = build_profile(code, resolved, welfare_office=welfare_office, businesses=businesses) if code else None
    if profile is not None:
        chosen = [resolved.business(b) for b in profile.businesses]
    elif businesses:
        chosen = [resolved.business(b) for b in businesses]
    else:
        chosen = [b for b in resolved.businesses if not b.common]
    written = make_template(output, resolved, chosen, profile, "en" if language(lang) == "en" else "ja", force=force)
    if as_json:
        typer.echo(to_json(written))
        return
    words = _lang(lang)
    who = _t(words, f"（{profile.label}）", f" for {profile.label}") if profile else ""
    console.print(
        _t(
            words,
            f"出力: {output}{who} — {len(chosen)} 業務、{written.functions} 機能",
            f"Wrote {output}{who}: {len(chosen)} businesses, {written.functions} functions.",
        ),
        markup=False,
    )
    if resolved.is_sample:
        warning = _t(
            words,
            "カタログはサンプルです（機能一覧は公式のものではありません）。",
            "The catalog is a SAMPLE: its function lists are not the official ones.",
        )
        err_console.print(f"[yellow]{warning}[/yellow]")


@app.command("score")
def score(
    workbook: Annotated[Path, typer.Argument(help="The filled assessment workbook.")],
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            "-o",
            "--output",
            metavar="FILE",
            help="Write the Excel report to FILE (-o/--output: the earlier spelling).",
            show_default="in a project: reports/assessment.xlsx",
        ),
    ] = None,
    html: Annotated[Path | None, report_option("html", in_project="assessment")] = None,
    json_file: JsonFileOption = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="Directory of snapshots: keep this one (never replacing one), add the trend."),
    ] = None,
    gate: Annotated[
        bool, typer.Option("--gate", help="Exit 1 when the gate rules fail (forced gaps remain …).")
    ] = False,
    max_forced_gaps: Annotated[int, typer.Option(help="Gate: unresolved forced gaps allowed.")] = 0,
    max_mandatory_undecided: Annotated[
        int | None, typer.Option(help="Gate: undecided 実装必須機能 allowed (no limit when omitted).")
    ] = None,
    min_readiness: Annotated[float | None, typer.Option(help="Gate: lowest readiness allowed, 0–1.")] = None,
    as_of: AsOfOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score a filled workbook: counts, fit rate, forced gaps, actions, readiness; findings with sheet and cell.

    In a project the Excel and HTML reports go to its output folder (reports/assessment.xlsx, .html) unless
    --xlsx/--html/--json-file say otherwise. Exits 1 when a finding is an error, or with --gate when a gate rule
    fails.

    Example: fitgap assess score assessment.xlsx --xlsx report.xlsx --html report.html --gate
    """
    from fitgap.assessment import score_workbook, write_report
    from fitgap.assessment.scoring import GateRules
    from fitgap.cli.render import print_score
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

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
    report, assessment = score_workbook(workbook, resolved, _as_of(as_of), rules, history_default(history))
    write_report(report, assessment, xlsx, html, "en" if language(lang) == "en" else "ja")
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


@app.command("suggest")
def suggest(
    source: Annotated[Path, typer.Argument(help="An existing function list (.csv or .xlsx) to map onto 機能IDs.")],
    business: Annotated[
        list[str],
        typer.Option("--business", help="業務ID(s) of the list: 001, or several as 001,024 or --business repeated."),
    ],
    output: Annotated[
        Path | None,
        output_option(
            "Pre-filled assessment workbook to write; with --into, where the filled project workbook goes.",
            show_default="none: give -o, or --into",
        ),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="Fill the confident matches into this project workbook instead: only rows without 判定, only empty "
            "cells (written to -o, or into the workbook itself with --force).",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of an .xlsx list.", show_default="the first")
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option("--header-row", min=1, help="Row of the column headers.", show_default="the first filled row"),
    ] = None,
    column: Annotated[
        str | None, typer.Option("--column", help="Header of the column holding the function names/text.")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Confidence below which a person must decide.")] = 0.35,
    force: ForceOption = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
    json_file: JsonFileOption = None,
) -> None:
    """Propose the most likely 機能IDs for each row of an existing list and pre-fill the workbook.

    With several businesses every row is matched against the functions of all of them. With --into the
    confident matches go into the project workbook: 現行利用, 照合元 and 信頼度 of functions whose 判定 is
    empty, and only where those cells are empty; every source row and its candidates are added on a sheet 照合結果.

    Example: fitgap assess suggest vendor.xlsx --sheet 機能一覧 --header-row 3 --business 001,024 -o pre.xlsx
    """
    from fitgap.assessment.suggest import fill_into, read_source_list, suggest_all, write_suggestions
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

    if into is None and output is None:
        raise UsageError(
            "no workbook to write", hint="give -o FILE for a pre-filled workbook, or --into WORKBOOK to fill one"
        )
    if into is None and output is not None and output.exists() and not force:
        raise UsageError(
            "the workbook exists already (it may be filled in)", where=output, hint="add --force to replace it"
        )
    resolved = resolve_catalog(catalog_dir(catalog))
    specs = list({s.business_id: s for s in (resolved.business(b) for b in _businesses(business))}.values())
    if not specs:
        raise UsageError("no business given", hint="give --business 001 (or 001,024)")
    texts = read_source_list(source, column, sheet=sheet, header_row=header_row)
    result = suggest_all(texts, specs, threshold)
    code = _lang(lang)
    confident = sum(1 for s in result.rows if not s.needs_review)
    if into is not None:
        filled = fill_into(into, resolved, result, output, force=force)
        _write_json(json_file, filled)
        if as_json:
            typer.echo(to_json(filled))
            return
        _print_into(console, filled, code)
        return
    assert output is not None
    write_suggestions(output, resolved, specs, result, code)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
        return
    console.print(
        _t(
            code,
            f"{len(result.rows)} 行: 信頼度 {threshold} 以上で照合 {confident} 行、"
            f"要確認 {len(result.rows) - confident} 行。出力: {output}",
            f"{len(result.rows)} rows: {confident} matched with confidence ≥ {threshold}, "
            f"{len(result.rows) - confident} left for a person (要確認). Wrote {output}.",
        ),
        markup=False,
    )


def _print_into(console: Console, filled: IntoResult, lang: str) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    rows = filled.suggestions.rows
    confident = sum(1 for s in rows if not s.needs_review)
    print_table(
        console,
        Table(
            title=_t(lang, f"記入したセル: {len(filled.filled)}", f"Cells filled: {len(filled.filled)}"),
            columns=columns(
                *(
                    _t(lang, ja, en)
                    for ja, en in (("シート", "Sheet"), ("機能ID", "Function"), ("列", "Column"), ("値", "Value"))
                )
            ),
            rows=tuple((c.sheet, c.function_id, c.column, c.value) for c in filled.filled),
        ),
    )
    console.print(
        _t(
            lang,
            f"{len(rows)} 行: 照合 {confident} 行、要確認 {len(rows) - confident} 行（シート {filled.review_sheet}）。"
            f"判定済みのため記入しなかった機能: {len(filled.decided)}、調査票にない機能: "
            f"{len(filled.not_in_workbook)}。出力: {filled.output}",
            f"{len(rows)} rows: {confident} matched, {len(rows) - confident} to review (sheet {filled.review_sheet}). "
            f"Functions left alone because they have a 判定: {len(filled.decided)}; not in the workbook: "
            f"{len(filled.not_in_workbook)}. Wrote {filled.output}.",
        ),
        markup=False,
    )


@app.command("compare")
def compare(
    old: Annotated[Path, typer.Argument(help="Older scored assessment (JSON from --json or --history).")],
    new: Annotated[Path, typer.Argument(help="Newer scored assessment.")],
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="assessment-compare")] = None,
    html: Annotated[Path | None, report_option("html", in_project="assessment-compare")] = None,
    json_file: JsonFileOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare two scored assessments: fit rate, 対応完了率, open gaps, 要廃止 … before and after with the
    difference, per business and in total, and the gaps closed, opened and changed.

    In a project the Excel and HTML reports go to its output folder (reports/assessment-compare.xlsx, .html)
    unless --xlsx/--html/--json-file say otherwise.

    Example: fitgap assess compare history/2026-10-01_a.json history/2026-11-01_a.json --xlsx compare.xlsx
    """
    from fitgap.assessment.compare import compare_reports, comparison_document
    from fitgap.assessment.history import load_snapshot
    from reports.excel import write_document
    from reports.html import write_html
    from reports.jsonout import to_json

    result = compare_reports(load_snapshot(old), load_snapshot(new), old.name, new.name)
    xlsx, html, json_file, _ = report_files("assessment-compare", ReportFiles(xlsx, html, json_file), ("xlsx", "html"))
    code = _lang(lang)
    if xlsx is not None or html is not None:
        document = comparison_document(result, "en" if code == "en" else "ja")
        if xlsx is not None:
            write_document(document, xlsx)
        if html is not None:
            write_html(document, html)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
        return
    _print_comparison(console, result, code, [p for p in (xlsx, html, json_file) if p is not None])


def _print_comparison(console: Console, result: AssessmentComparison, lang: str, outputs: list[Path]) -> None:
    from fitgap.assessment.compare import KPIS, functions_table, kpi_label
    from reports.tables import Table, columns
    from reports.terminal import print_table

    code: Literal["ja", "en"] = "en" if lang == "en" else "ja"

    def shown(value: float | None, fmt: str, sign: bool = False) -> str:
        if value is None:
            return "—"
        if fmt == "percent":
            return f"{value:+.1%}" if sign else f"{value:.1%}"
        return f"{value:+d}" if sign else str(value)

    print_table(
        console,
        Table(
            title=_t(
                lang,
                f"Fit & Gap の変化（{result.old_as_of} → {result.new_as_of}）",
                f"Fit & Gap changes ({result.old_as_of} → {result.new_as_of})",
            ),
            columns=columns(
                *(
                    _t(lang, ja, en)
                    for ja, en in (("指標", "Figure"), ("前", "Before"), ("後", "After"), ("差", "Change"))
                )
            ),
            rows=tuple(
                (
                    kpi_label(key, code),
                    shown(result.total.kpi(key).before, fmt),
                    shown(result.total.kpi(key).after, fmt),
                    shown(result.total.kpi(key).delta, fmt, sign=True),
                )
                for key, _, _, fmt in KPIS
            ),
        ),
    )
    print_table(console, functions_table(result, code))  # the report's table, as text
    for path in outputs:
        console.print(_t(lang, f"出力: {path}", f"Wrote {path}"), markup=False)


class SplitByOption(StrEnum):
    BUSINESS = "business"
    OWNER = "owner"


@app.command("split")
def split(
    workbook: Annotated[Path, typer.Argument(help="The project's assessment workbook.")],
    by: Annotated[
        SplitByOption,
        typer.Option("--by", help="business: one file per business sheet; owner: one file per 担当 (column 担当)."),
    ] = SplitByOption.BUSINESS,
    output: Annotated[
        Path | None, output_option("Folder to write the files to.", show_default="WORKBOOK-split beside the workbook")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files of the folder that exist (they may be filled in).")
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
    json_file: JsonFileOption = None,
) -> None:
    """Write one workbook per 原課 to hand out: per business (its sheet, with the 独自機能 and 業務連携 rows of
    that business) or per 担当 (the rows of each 担当 across businesses; rows without one in 担当未定).

    Each file is an assessment workbook (it scores like any other) and records, on a hidden sheet, the workbook
    it came from, the split and the value of every cell of its rows, so that 'fitgap assess merge' can take it
    back without losing an edit. An existing file is replaced only with --force.

    Example: fitgap assess split assessments/assessment.xlsx --by business -o assessments/配布
    """
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
    _print_split(console, result, _lang(lang))


def _print_split(console: Console, result: SplitResult, lang: str) -> None:
    from reports.tables import Table, columns
    from reports.terminal import print_table

    print_table(
        console,
        Table(
            title=_t(lang, f"配布ファイル: {len(result.files)}", f"Files to hand out: {len(result.files)}"),
            columns=columns(
                *(
                    _t(lang, ja, en)
                    for ja, en in (
                        ("ファイル", "File"),
                        ("業務／担当", "Business / owner"),
                        ("業務シート", "Business sheets"),
                        ("機能", "Functions"),
                        ("独自機能", "Custom"),
                        ("業務連携", "Links"),
                    )
                )
            ),
            rows=tuple(
                (Path(f.file).name, f.label, len(f.sheets), f.functions, f.custom, f.links) for f in result.files
            ),
        ),
    )
    if result.not_distributed:
        console.print(
            _t(
                lang,
                f"どのファイルにも入れなかった行: {len(result.not_distributed)}"
                "（プロジェクトの調査票にそのまま残ります。--json で一覧）",
                f"Rows in no file: {len(result.not_distributed)} "
                "(they stay in the project workbook; --json lists them)",
            ),
            markup=False,
        )
    folder = Path(result.files[0].file).parent if result.files else None
    console.print(
        _t(lang, f"分割ID: {result.split_id[:8]}　出力先: {folder}", f"Split {result.split_id[:8]}: wrote to {folder}"),
        markup=False,
    )


@app.command("merge")
def merge(
    workbook: Annotated[Path, typer.Argument(help="The project's assessment workbook the files were split from.")],
    parts: Annotated[list[Path], typer.Argument(help="The files the 原課 returned (of one split).")],
    output: Annotated[
        Path | None,
        output_option("Merged workbook to write.", show_default="none: give -o, or --force to write into WORKBOOK"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into WORKBOOK itself, or replace an existing -o file.")
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
    json_file: JsonFileOption = None,
) -> None:
    """Read the returned files back into the project workbook, cell by cell, and report per file the rows and
    cells changed, the rows added and the conflicts.

    A cell changed differently in two files, or in a file and in the project workbook since the split, is a
    conflict: listed with every value and left as the project workbook has it (exit 1); everything else is
    merged. Files of another split or of another workbook are refused.

    Example: fitgap assess merge assessment.xlsx 配布/assessment_001_住民基本台帳.xlsx 配布/*_010_*.xlsx -o merged.xlsx
    """
    from fitgap.assessment.distribution import merge_parts
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    resolved = resolve_catalog(catalog_dir(catalog))
    result = merge_parts(workbook, parts, resolved, output, force=force)
    _write_json(json_file, result)
    if as_json:
        typer.echo(to_json(result))
    else:
        _print_merge(console, result, _lang(lang))
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


def _place(sheet: str, key: str, lang: str) -> str:
    from fitgap.assessment.sheets import CUSTOM_SHEET, LINK_SHEET

    if sheet in (CUSTOM_SHEET, LINK_SHEET) and key:
        return _t(lang, f"{key}行目", f"row {key}")
    return key


def _print_merge(console: Console, result: MergeResult, lang: str) -> None:
    from reports.tables import Column, Table, columns
    from reports.terminal import print_table

    def heads(*pairs: tuple[str, str]) -> tuple[Column, ...]:
        return columns(*(_t(lang, ja, en) for ja, en in pairs))

    print_table(
        console,
        Table(
            title=_t(lang, "回収ファイルごとの結果", "Per returned file"),
            columns=heads(
                ("ファイル", "File"),
                ("業務／担当", "Business / owner"),
                ("変更した行", "Rows changed"),
                ("変更したセル", "Cells changed"),
                ("追加した行", "Rows added"),
                ("競合", "Conflicts"),
                ("取り込めなかった項目", "Not merged"),
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
                title=_t(
                    lang,
                    f"競合: {len(result.conflicts)}（調査票の値のまま。確認して手で直してください）",
                    f"Conflicts: {len(result.conflicts)} (left as the workbook has them: decide and fix by hand)",
                ),
                columns=heads(
                    ("シート", "Sheet"),
                    ("機能ID／行", "機能ID / row"),
                    ("列", "Column"),
                    ("理由", "Why"),
                    ("分割時", "At the split"),
                    ("調査票", "Workbook"),
                    ("回収ファイルの値", "Returned values"),
                ),
                rows=tuple(
                    (
                        c.sheet,
                        _place(c.sheet, c.key, lang),
                        c.column,
                        _t(lang, *_CONFLICTS[c.kind]),
                        c.at_split,
                        c.workbook,
                        " / ".join(f"{v.part}: {v.value or '（空）'}" for v in c.parts),
                    )
                    for c in result.conflicts
                ),
            ),
        )
    if result.not_merged:
        print_table(
            console,
            Table(
                title=_t(
                    lang, f"取り込めなかった項目: {len(result.not_merged)}", f"Not merged: {len(result.not_merged)}"
                ),
                columns=heads(
                    ("ファイル", "File"),
                    ("シート", "Sheet"),
                    ("機能ID／行", "機能ID / row"),
                    ("列", "Column"),
                    ("値", "Value"),
                    ("理由", "Why"),
                ),
                rows=tuple(
                    (n.part, n.sheet, _place(n.sheet, n.key, lang), n.column, n.value, _t(lang, *_NOT_MERGED[n.reason]))
                    for n in result.not_merged
                ),
            ),
        )
    console.print(_t(lang, f"出力: {result.output}", f"Wrote {result.output}"), markup=False)
