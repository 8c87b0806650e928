"""``fitgap reconcile results`` for people and for CI: a report document (terminal, Excel, HTML) and JUnit XML.

Every value in a :class:`~fitgap.reconcile.results.ResultsComparison` is masked already; the renderers also
mask every text by value (a 個人番号 anywhere). Labels are Japanese; codes stay codes.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from fitgap.reconcile.results import BANDS, ResultDifference, ResultsComparison
from reports.clock import local_time
from reports.palette import SIZE_COLOURS
from reports.tables import Cell, Chart, Column, Document, RowStyle, Series, Table
from spec_catalog.base import FitgapError
from spec_catalog.codes import Code, info

EXCEL_ROWS = 1_000_000  # an Excel sheet holds 1,048,576 rows; beyond this the cap is stated, never silent
JUNIT_LISTED = 20  # differences quoted in a JUnit failure; all of them are in the JSON and Excel reports
_KIND = {
    Code.RESULT_VALUE_DIFFERS: "値の差異",
    Code.RESULT_ROW_MISSING: "新にない対象",
    Code.RESULT_ROW_EXTRA: "現行にない対象",
    Code.RESULT_KEY_DUPLICATED: "キー重複",
    Code.RESULT_DIFFERENCE_EXPLAINED: "仕様変更で説明済み",
}


def verdict(result: ResultsComparison) -> str:
    return "一致（説明のない差異なし）" if result.ok else f"不一致（説明のない差異 {result.unexplained:,} 件）"


def message(difference: ResultDifference) -> str:
    """The code's Japanese message for one difference (names the column and the rule, never a value)."""
    return info(difference.code).message("ja", column=difference.column or "", rule=difference.rule or "")


def facts(result: ResultsComparison) -> tuple[tuple[str, str], ...]:
    tolerances = ", ".join(f"{c}={t}" for c, t in result.tolerances.items())
    return (
        ("現行システムの結果", f"{result.old_file} — {result.old_format}, {result.old_rows:,} 行"),
        ("新システムの結果", f"{result.new_file} — {result.new_format}, {result.new_rows:,} 行"),
        ("キー", ", ".join(result.keys)),
        ("判定", verdict(result)),
        ("比較した対象", f"{result.compared_rows:,}"),
        ("全項目一致の対象", f"{result.agreed_rows:,}"),
        ("新にない対象（RESULT_ROW_MISSING）", f"{result.missing_rows:,}"),
        ("現行にない対象（RESULT_ROW_EXTRA）", f"{result.extra_rows:,}"),
        ("キー重複（RESULT_KEY_DUPLICATED）", f"{result.duplicated_keys:,}"),
        ("説明のない差異", f"{result.unexplained:,}"),
        ("仕様変更で説明済みの差異", f"{result.explained:,}"),
        ("許容差", tolerances or "なし（完全一致）"),
        ("ルールファイル", result.rules_file or "なし"),
        ("個人情報", "マスクあり" if result.masked else "マスクなし（--unmask）"),
        ("比較ID", result.reconcile_id),
        ("作成日時", local_time(result.created).strftime("%Y-%m-%d %H:%M")),
    )


def summary_table(result: ResultsComparison) -> Table:
    """Per column: compared, agreed, within tolerance, explained, unexplained, and the unexplained by size."""
    rows: list[tuple[Cell, ...]] = [
        (
            c.column + ("（マスク）" if c.masked else ""),
            c.compared,
            c.agreed,
            c.within_tolerance,
            c.explained,
            c.unexplained,
            c.tolerance or "",
            *(c.bands.get(band, 0) for band in BANDS),
        )
        for c in result.columns
    ]
    return Table(
        title="列別の比較結果（説明のない差異は差の大きさ別）",
        sheet="列別集計",
        columns=(
            Column(header="列"),
            Column(header="比較", format="integer"),
            Column(header="一致", format="integer"),
            Column(header="許容差内", format="integer"),
            Column(header="説明済み", format="integer"),
            Column(header="説明なし", format="integer", scale="alert_if_positive"),
            Column(header="許容差"),
            *(Column(header=band, format="integer") for band in BANDS),
        ),
        rows=tuple(rows),
        row_styles=tuple("danger" if c.unexplained else None for c in result.columns),
    )


def not_compared_table(result: ResultsComparison) -> Table:
    return Table(
        title="比較しなかった列",
        sheet="比較しなかった列",
        columns=(Column(header="列"), Column(header="理由")),
        rows=tuple((n.column, n.reason) for n in result.not_compared),
    )


def spec_changes_table(result: ResultsComparison) -> Table:
    return Table(
        title="仕様変更（説明した差異の件数）",
        sheet="仕様変更",
        columns=(Column(header="仕様変更"), Column(header="列"), Column(header="説明した差異", format="integer")),
        rows=tuple((s.name, s.column, s.explained) for s in result.spec_changes),
    )


def _row(d: ResultDifference) -> tuple[Cell, ...]:
    return (
        d.code.value,
        _KIND[d.code],
        d.key,
        d.column or "",
        d.old_line,
        d.new_line,
        d.old,
        d.new,
        d.difference,
        d.band or "",
        d.rule or d.detail or "",
    )


def differences_table(result: ResultsComparison, limit: int = EXCEL_ROWS) -> Table:
    """Every difference, unexplained first, up to ``limit`` rows (the cap is stated with the total)."""
    chosen = result.differences
    shown = chosen[:limit]
    hidden = len(chosen) - len(shown)
    note = (
        f"全 {len(chosen):,} 件のうち {len(shown):,} 件を表示（残り {hidden:,} 件は JSON レポートにあります）"
        if hidden
        else None
    )
    styles: tuple[RowStyle | None, ...] = tuple(
        "muted" if d.code is Code.RESULT_DIFFERENCE_EXPLAINED else "danger" for d in shown
    )
    return Table(
        title="差異一覧（キー・個人情報はマスク）" if result.masked else "差異一覧（マスクなし）",
        sheet="差異一覧",
        columns=(
            Column(header="コード"),
            Column(header="区分"),
            Column(header="キー"),
            Column(header="列"),
            Column(header="現行の行", format="integer"),
            Column(header="新の行", format="integer"),
            Column(header="現行の値"),
            Column(header="新の値"),
            Column(header="差（新−現行）"),
            Column(header="差の大きさ"),
            Column(header="仕様変更・内容"),
        ),
        rows=tuple(_row(d) for d in shown),
        note=note,
        row_styles=styles,
    )


def _chart(result: ResultsComparison) -> Chart:
    return Chart(
        title="説明のない差異（列別・差の大きさ別）",
        categories=tuple(c.column for c in result.columns),
        series=tuple(
            # One fixed colour per size band (never by position): small differences pale, large ones dark red.
            Series(
                name=band,
                values=tuple(float(c.bands.get(band, 0)) for c in result.columns),
                colour=SIZE_COLOURS[min(i, len(SIZE_COLOURS) - 1)],
            )
            for i, band in enumerate(BANDS)
        ),
        stacked=True,
        sheet="列別集計",
        y_title="件数",
    )


def results_document(result: ResultsComparison) -> Document:
    """The comparison for people: facts, the summary per column, the columns not compared, the spec changes and
    every difference (up to a sheet's rows in Excel, the cap stated)."""
    tables = [summary_table(result), differences_table(result)]
    if result.not_compared:
        tables.append(not_compared_table(result))
    if result.spec_changes:
        tables.append(spec_changes_table(result))
    return Document(
        title="現新比較レポート（結果）",
        facts=facts(result),
        tables=tuple(tables),
        charts=(_chart(result),) if result.columns and result.unexplained else (),
    )


def _where(d: ResultDifference) -> str:
    return " / ".join(
        f"{side} {line} 行目" for side, line in (("現行", d.old_line), ("新", d.new_line)) if line is not None
    )


def _junit_line(d: ResultDifference) -> str:
    if d.column is None:
        return f"{d.key}（{_where(d)}）" + (f": {d.detail}" if d.detail else "")
    change = f"（差 {d.difference}）" if d.difference is not None else ""
    return f"{d.key}（{_where(d)}）: {d.old or '（空）'} → {d.new or '（空）'}{change}"


def unexplained_table(result: ResultsComparison, limit: int) -> Table:
    """The first ``limit`` unexplained differences, compact (for the terminal; the reports list them all)."""
    chosen = [d for d in result.differences if d.code is not Code.RESULT_DIFFERENCE_EXPLAINED]
    shown = chosen[:limit]
    hidden = len(chosen) - len(shown)
    return Table(
        title="説明のない差異",
        columns=(
            Column(header="コード"),
            Column(header="キー"),
            Column(header="列"),
            Column(header="行"),
            Column(header="現行の値"),
            Column(header="新の値"),
            Column(header="差"),
            Column(header="内容"),
        ),
        rows=tuple(
            (d.code.value, d.key, d.column or "", _where(d), d.old, d.new, d.difference, d.detail or "") for d in shown
        ),
        note=f"全 {len(chosen):,} 件のうち {len(shown):,} 件を表示（全件は --json / --xlsx で）" if hidden else None,
    )


def junit_xml(result: ResultsComparison) -> str:
    """One testsuite per compared column (a failure when it has unexplained differences), and one for the keys
    (missing, extra, duplicated)."""
    root = ET.Element("testsuites", name="fitgap reconcile results")
    total = failures = 0

    def suite(name: str, cases: list[tuple[str, list[ResultDifference]]]) -> None:
        nonlocal total, failures
        element = ET.SubElement(root, "testsuite", name=name)
        failed = 0
        for case_name, found in cases:
            case = ET.SubElement(element, "testcase", classname=name, name=case_name)
            if found:
                failure = ET.SubElement(
                    case, "failure", type=found[0].code.value, message=f"{len(found):,} 件: {message(found[0])}"
                )
                listed = "\n".join(_junit_line(d) for d in found[:JUNIT_LISTED])
                more = len(found) - JUNIT_LISTED
                failure.text = listed + (f"\n… ほか {more:,} 件は JSON と Excel のレポートに" if more > 0 else "")
                failed += 1
        element.set("tests", str(len(cases)))
        element.set("failures", str(failed))
        element.set("errors", "0")
        element.set("skipped", "0")
        total, failures = total + len(cases), failures + failed

    unexplained = [d for d in result.differences if d.code is not Code.RESULT_DIFFERENCE_EXPLAINED]
    suite(
        "キー",
        [
            (code.value, [d for d in unexplained if d.code is code])
            for code in (Code.RESULT_ROW_MISSING, Code.RESULT_ROW_EXTRA, Code.RESULT_KEY_DUPLICATED)
        ],
    )
    for column in result.columns:
        suite(column.column, [(column.column, [d for d in unexplained if d.column == column.column])])
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def refuse_existing(paths: list[Path | None], force: bool) -> None:
    """No report file is replaced without --force (it may be a file someone keeps)."""
    for path in paths:
        if path is not None and path.exists() and not force:
            raise FitgapError("the file exists already", where=path, hint="add --force to replace it")


def write_results_reports(
    result: ResultsComparison,
    *,
    xlsx: Path | None = None,
    html: Path | None = None,
    junit: Path | None = None,
    json_file: Path | None = None,
    unmask: bool = False,
) -> list[Path]:
    """The comparison in each format asked for; returns the files written."""
    from reports.excel import write_document
    from reports.html import write_html
    from reports.jsonout import to_json

    written: list[Path] = []
    for path, text in ((junit, junit_xml), (json_file, None)):
        if path is None:
            continue
        body = text(result) if text is not None else to_json(result, unmask=unmask) + "\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        except OSError as exc:
            raise FitgapError(f"cannot write the report: {exc.strerror}", where=path) from None
        written.append(path)
    if xlsx is not None or html is not None:
        document = results_document(result)
        if xlsx is not None:
            written.append(write_document(document, xlsx, unmask=unmask))
        if html is not None:
            written.append(write_html(document, html, unmask=unmask))
    return written
