"""``fitgap reconcile results`` for people and for CI: a report document (terminal, Excel, HTML) and JUnit XML.

Every value in a :class:`~fitgap.reconcile.results.ResultsComparison` is masked already; the renderers also
mask every text by value (a 個人番号 anywhere). Labels are in the run's language (Japanese by default,
:func:`spec_catalog.language.say`); codes stay codes.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from fitgap.reconcile.results import BANDS, NON_NUMERIC, ResultDifference, ResultsComparison
from reports.clock import local_time
from reports.palette import SIZE_COLOURS
from reports.tables import Cell, Chart, Column, Document, RowStyle, Series, Table
from spec_catalog.base import FitgapError
from spec_catalog.codes import Code, info
from spec_catalog.files import exists_already
from spec_catalog.language import current, say

EXCEL_ROWS = 1_000_000  # an Excel sheet holds 1,048,576 rows; beyond this the cap is stated, never silent
JUNIT_LISTED = 20  # differences quoted in a JUnit failure; all of them are in the JSON and Excel reports
_KIND = {
    Code.RESULT_VALUE_DIFFERS: ("値の差異", "value differs"),
    Code.RESULT_ROW_MISSING: ("新にない対象", "not in the new results"),
    Code.RESULT_ROW_EXTRA: ("現行にない対象", "not in the legacy results"),
    Code.RESULT_KEY_DUPLICATED: ("キー重複", "key repeated"),
    Code.RESULT_DIFFERENCE_EXPLAINED: ("仕様変更で説明済み", "explained by a spec change"),
}


def kind(code: Code) -> str:
    """The kind of a difference in the run's language."""
    ja, en = _KIND[code]
    return say(ja, en)


def band_label(band: str) -> str:
    """A size band as shown: the bands are numbers but one, which the JSON keeps in Japanese (a stable key)."""
    return say(band, "not numeric") if band == NON_NUMERIC else band


def verdict(result: ResultsComparison) -> str:
    if result.ok:
        return say("一致（説明のない差異なし）", "match (no unexplained difference)")
    return say(
        f"不一致（説明のない差異 {result.unexplained:,} 件）",
        f"differ ({result.unexplained:,} unexplained difference(s))",
    )


def message(difference: ResultDifference) -> str:
    """The code's message for one difference in the run's language (names the column and the rule, never a
    value)."""
    return info(difference.code).message(current(), column=difference.column or "", rule=difference.rule or "")


def facts(result: ResultsComparison) -> tuple[tuple[str, str], ...]:
    tolerances = ", ".join(f"{c}={t}" for c, t in result.tolerances.items())
    return (
        (
            say("現行システムの結果", "Legacy system's results"),
            say(
                f"{result.old_file} — {result.old_format}, {result.old_rows:,} 行",
                f"{result.old_file} — {result.old_format}, {result.old_rows:,} rows",
            ),
        ),
        (
            say("新システムの結果", "New system's results"),
            say(
                f"{result.new_file} — {result.new_format}, {result.new_rows:,} 行",
                f"{result.new_file} — {result.new_format}, {result.new_rows:,} rows",
            ),
        ),
        (say("キー", "Key"), ", ".join(result.keys)),
        (say("判定", "Verdict"), verdict(result)),
        (say("比較した対象", "Keys compared"), f"{result.compared_rows:,}"),
        (say("全項目一致の対象", "Keys equal in every column"), f"{result.agreed_rows:,}"),
        (
            say("新にない対象（RESULT_ROW_MISSING）", "Not in the new results (RESULT_ROW_MISSING)"),
            f"{result.missing_rows:,}",
        ),
        (
            say("現行にない対象（RESULT_ROW_EXTRA）", "Not in the legacy results (RESULT_ROW_EXTRA)"),
            f"{result.extra_rows:,}",
        ),
        (
            say("キー重複（RESULT_KEY_DUPLICATED）", "Keys repeated (RESULT_KEY_DUPLICATED)"),
            f"{result.duplicated_keys:,}",
        ),
        (say("説明のない差異", "Unexplained differences"), f"{result.unexplained:,}"),
        (say("仕様変更で説明済みの差異", "Differences explained by a spec change"), f"{result.explained:,}"),
        (say("許容差", "Tolerances"), tolerances or say("なし（完全一致）", "none (exact)")),
        (say("ルールファイル", "Rules file"), result.rules_file or say("なし", "none")),
        (
            say("個人情報", "Personal data"),
            say("マスクあり", "masked") if result.masked else say("マスクなし（--unmask）", "unmasked (--unmask)"),
        ),
        (say("比較ID", "Comparison ID"), result.reconcile_id),
        (say("作成日時", "Created"), local_time(result.created).strftime("%Y-%m-%d %H:%M")),
    )


def summary_table(result: ResultsComparison) -> Table:
    """Per column: compared, agreed, within tolerance, explained, unexplained, and the unexplained by size."""
    rows: list[tuple[Cell, ...]] = [
        (
            c.column + (say("（マスク）", " (masked)") if c.masked else ""),
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
        title=say(
            "列別の比較結果（説明のない差異は差の大きさ別）",
            "Results by column (the unexplained differences by size)",
        ),
        sheet=_summary_sheet(),
        columns=(
            Column(header=say("列", "Column")),
            Column(header=say("比較", "Compared"), format="integer"),
            Column(header=say("一致", "Equal"), format="integer"),
            Column(header=say("許容差内", "Within tolerance"), format="integer"),
            Column(header=say("説明済み", "Explained"), format="integer"),
            Column(header=say("説明なし", "Unexplained"), format="integer", scale="alert_if_positive"),
            Column(header=say("許容差", "Tolerance")),
            *(Column(header=band_label(band), format="integer") for band in BANDS),
        ),
        rows=tuple(rows),
        row_styles=tuple("danger" if c.unexplained else None for c in result.columns),
    )


def not_compared_table(result: ResultsComparison) -> Table:
    return Table(
        title=say("比較しなかった列", "Columns not compared"),
        sheet=say("比較しなかった列", "Not compared"),
        columns=(Column(header=say("列", "Column")), Column(header=say("理由", "Reason"))),
        rows=tuple((n.column, n.reason) for n in result.not_compared),
    )


def spec_changes_table(result: ResultsComparison) -> Table:
    return Table(
        title=say("仕様変更（説明した差異の件数）", "Spec changes (the differences each explains)"),
        sheet=say("仕様変更", "Spec changes"),
        columns=(
            Column(header=say("仕様変更", "Spec change")),
            Column(header=say("列", "Column")),
            Column(header=say("説明した差異", "Differences explained"), format="integer"),
        ),
        rows=tuple((s.name, s.column, s.explained) for s in result.spec_changes),
    )


def _row(d: ResultDifference) -> tuple[Cell, ...]:
    return (
        d.code.value,
        kind(d.code),
        d.key,
        d.column or "",
        d.old_line,
        d.new_line,
        d.old,
        d.new,
        d.difference,
        band_label(d.band) if d.band else "",
        d.rule or d.detail or "",
    )


def differences_table(result: ResultsComparison, limit: int = EXCEL_ROWS) -> Table:
    """Every difference, unexplained first, up to ``limit`` rows (the cap is stated with the total)."""
    chosen = result.differences
    shown = chosen[:limit]
    hidden = len(chosen) - len(shown)
    note = (
        say(
            f"全 {len(chosen):,} 件のうち {len(shown):,} 件を表示（残り {hidden:,} 件は JSON レポートにあります）",
            f"{len(shown):,} of {len(chosen):,} shown (the other {hidden:,} are in the JSON report)",
        )
        if hidden
        else None
    )
    styles: tuple[RowStyle | None, ...] = tuple(
        "muted" if d.code is Code.RESULT_DIFFERENCE_EXPLAINED else "danger" for d in shown
    )
    return Table(
        title=say("差異一覧（キー・個人情報はマスク）", "Differences (keys and personal data masked)")
        if result.masked
        else say("差異一覧（マスクなし）", "Differences (unmasked)"),
        sheet=say("差異一覧", "Differences"),
        columns=(
            Column(header=say("コード", "Code")),
            Column(header=say("区分", "Kind")),
            Column(header=say("キー", "Key")),
            Column(header=say("列", "Column")),
            Column(header=say("現行の行", "Legacy line"), format="integer"),
            Column(header=say("新の行", "New line"), format="integer"),
            Column(header=say("現行の値", "Legacy value")),
            Column(header=say("新の値", "New value")),
            Column(header=say("差（新−現行）", "Difference (new − legacy)")),
            Column(header=say("差の大きさ", "Size")),
            Column(header=say("仕様変更・内容", "Spec change / detail")),
        ),
        rows=tuple(_row(d) for d in shown),
        note=note,
        row_styles=styles,
    )


def _chart(result: ResultsComparison) -> Chart:
    return Chart(
        title=say("説明のない差異（列別・差の大きさ別）", "Unexplained differences (by column and size)"),
        categories=tuple(c.column for c in result.columns),
        series=tuple(
            # One fixed colour per size band (never by position): small differences pale, large ones dark red.
            Series(
                name=band_label(band),
                values=tuple(float(c.bands.get(band, 0)) for c in result.columns),
                colour=SIZE_COLOURS[min(i, len(SIZE_COLOURS) - 1)],
            )
            for i, band in enumerate(BANDS)
        ),
        stacked=True,
        sheet=_summary_sheet(),
        y_title=say("件数", "Count"),
    )


def results_document(result: ResultsComparison, *, municipality: str | None = None) -> Document:
    """The comparison for people: facts, the summary per column, the columns not compared, the spec changes and
    every difference (up to a sheet's rows in Excel, the cap stated). ``municipality``: the 団体名 in every
    printed page's header."""
    tables = [summary_table(result), differences_table(result)]
    if result.not_compared:
        tables.append(not_compared_table(result))
    if result.spec_changes:
        tables.append(spec_changes_table(result))
    return Document(
        title=say("現新比較レポート（結果）", "Reconciliation report (results)"),
        facts=facts(result),
        tables=tuple(tables),
        charts=(_chart(result),) if result.columns and result.unexplained else (),
        lang=current(),
        municipality=municipality,
    )


def _summary_sheet() -> str:
    """The summary's sheet, where the chart goes too."""
    return say("列別集計", "By column")


def _where(d: ResultDifference) -> str:
    sides = ((say("現行", "legacy"), d.old_line), (say("新", "new"), d.new_line))
    return " / ".join(say(f"{side} {line} 行目", f"{side} line {line}") for side, line in sides if line is not None)


def _junit_line(d: ResultDifference) -> str:
    if d.column is None:
        return say(f"{d.key}（{_where(d)}）", f"{d.key} ({_where(d)})") + (f": {d.detail}" if d.detail else "")
    empty = say("（空）", "(empty)")
    change = say(f"（差 {d.difference}）", f" (difference {d.difference})") if d.difference is not None else ""
    where = say(f"{d.key}（{_where(d)}）", f"{d.key} ({_where(d)})")
    return f"{where}: {d.old or empty} → {d.new or empty}{change}"


def unexplained_table(result: ResultsComparison, limit: int) -> Table:
    """The first ``limit`` unexplained differences, compact (for the terminal; the reports list them all)."""
    chosen = [d for d in result.differences if d.code is not Code.RESULT_DIFFERENCE_EXPLAINED]
    shown = chosen[:limit]
    hidden = len(chosen) - len(shown)
    return Table(
        title=say("説明のない差異", "Unexplained differences"),
        columns=(
            Column(header=say("コード", "Code")),
            Column(header=say("キー", "Key")),
            Column(header=say("列", "Column")),
            Column(header=say("行", "Line")),
            Column(header=say("現行の値", "Legacy value")),
            Column(header=say("新の値", "New value")),
            Column(header=say("差", "Difference")),
            Column(header=say("内容", "Detail")),
        ),
        rows=tuple(
            (d.code.value, d.key, d.column or "", _where(d), d.old, d.new, d.difference, d.detail or "") for d in shown
        ),
        note=say(
            f"全 {len(chosen):,} 件のうち {len(shown):,} 件を表示（全件は --json / --xlsx で）",
            f"{len(shown):,} of {len(chosen):,} shown (all of them with --json / --xlsx)",
        )
        if hidden
        else None,
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
                count = say(f"{len(found):,} 件", f"{len(found):,}")
                failure = ET.SubElement(
                    case, "failure", type=found[0].code.value, message=f"{count}: {message(found[0])}"
                )
                listed = "\n".join(_junit_line(d) for d in found[:JUNIT_LISTED])
                more = len(found) - JUNIT_LISTED
                rest = say(
                    f"\n… ほか {more:,} 件は JSON と Excel のレポートに",
                    f"\n… {more:,} more in the JSON and Excel reports",
                )
                failure.text = listed + (rest if more > 0 else "")
                failed += 1
        element.set("tests", str(len(cases)))
        element.set("failures", str(failed))
        element.set("errors", "0")
        element.set("skipped", "0")
        total, failures = total + len(cases), failures + failed

    unexplained = [d for d in result.differences if d.code is not Code.RESULT_DIFFERENCE_EXPLAINED]
    suite(
        say("キー", "keys"),
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
            raise exists_already(path)


def write_results_reports(
    result: ResultsComparison,
    *,
    xlsx: Path | None = None,
    html: Path | None = None,
    junit: Path | None = None,
    json_file: Path | None = None,
    unmask: bool = False,
    municipality: str | None = None,
) -> list[Path]:
    """The comparison in each format asked for; returns the files written. ``municipality``: the 団体名 of the
    Excel and HTML reports."""
    from reports.excel_report import write_document
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
            raise FitgapError(
                say(f"帳票を書き出せません: {exc.strerror}", f"cannot write the report: {exc.strerror}"), where=path
            ) from None
        written.append(path)
    if xlsx is not None or html is not None:
        document = results_document(result, municipality=municipality)
        if xlsx is not None:
            written.append(write_document(document, xlsx, unmask=unmask))
        if html is not None:
            written.append(write_html(document, html, unmask=unmask))
    return written
