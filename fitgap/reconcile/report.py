"""The reconciliation of a conversion for people and for CI: a report document (Excel, HTML) and JUnit XML.

Labels are in the run's language (Japanese by default, :func:`spec_catalog.language.say`); codes stay codes.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from fitgap.reconcile.models import Difference, Explanation, Reconciliation
from reports.tables import Cell, Column, Document, RowStyle, Table
from spec_catalog.codes import info
from spec_catalog.language import current, say
from spec_catalog.mj import ATTRIBUTION

EXCEL_ROWS = 1_000_000  # an Excel sheet holds 1,048,576 rows; beyond this the cap is stated, never silent

# The kind of each difference, Japanese (the terminal's Japanese lines read it) and English.
KINDS = {
    "RECONCILE_VALUE_DIFFERS": "値の相違",
    "RECONCILE_ROW_MISSING": "新データにない行",
    "RECONCILE_ROW_EXTRA": "旧データにない行",
    "RECONCILE_KEY_DUPLICATED": "キーの重複",
}
KINDS_EN = {
    "RECONCILE_VALUE_DIFFERS": "value differs",
    "RECONCILE_ROW_MISSING": "row missing from the new data",
    "RECONCILE_ROW_EXTRA": "row not in the legacy data",
    "RECONCILE_KEY_DUPLICATED": "key repeated",
}


def kind(code: str) -> str:
    """The kind of a difference in the run's language (the code itself when it has no label)."""
    return say(KINDS.get(code, code), KINDS_EN.get(code, code))


def _verdict(result: Reconciliation) -> str:
    if result.ok:
        return say("一致（説明のない差異なし）", "reconciled (no unexplained difference)")
    return say(
        f"不一致（説明のない差異 {result.unexplained} 件）",
        f"not reconciled ({result.unexplained} unexplained difference(s))",
    )


def _items(result: Reconciliation) -> Table:
    return Table(
        title=say("項目別の結果", "Results by item"),
        sheet=say("項目別", "Items"),
        columns=(
            Column(header=say("項目", "Item")),
            Column(header=say("項目名", "Name")),
            Column(header=say("比較した値", "Values compared"), format="integer"),
            Column(header=say("一致", "Equal"), format="integer"),
            Column(header=say("説明のある差異", "Explained differences"), format="integer"),
            Column(
                header=say("説明のない差異", "Unexplained differences"), format="integer", scale="alert_if_positive"
            ),
            Column(header=say("旧データと値を変える規則", "Rule that changes the legacy value")),
            Column(
                header=say("規則で変わった値（一致に含む）", "Values the rule changed (counted as equal)"),
                format="integer",
            ),
        ),
        rows=tuple(
            (i.item, i.name, i.compared, i.agreed, i.explained, i.unexplained, i.rule or "", i.rule_values)
            for i in result.items
        ),
        row_styles=tuple("danger" if i.unexplained else None for i in result.items),
    )


def _difference_row(d: Difference) -> tuple[Cell, ...]:
    return (
        say("説明なし", "unexplained")
        if d.explanation is None
        else say(f"説明あり（{d.explanation.label}）", f"explained by {d.explanation.label}"),
        kind(d.code.value),
        d.code.value,
        d.line,
        d.key,
        d.item or "",
        d.legacy,
        d.expected,
        d.actual,
        d.detail or "",
    )


def _differences(result: Reconciliation) -> Table:
    shown = result.differences[:EXCEL_ROWS]
    more = len(result.differences) - len(shown)
    headers = (
        ("区分", "Status"),
        ("種類", "Kind"),
        ("コード", "Code"),
        ("旧データの行", "Legacy line"),
        ("キー", "Key"),
        ("項目", "Item"),
        ("旧データの値", "Legacy value"),
        ("変換後の期待値", "Expected after conversion"),
        ("新データの値", "New value"),
        ("詳細", "Detail"),
    )
    return Table(
        title=say(
            "差異の一覧（説明のないものから。個人情報はマスク）",
            "Differences (unexplained first; personal data masked)",
        ),
        sheet=say("差異", "Differences"),
        columns=tuple(Column(header=say(ja, en)) for ja, en in headers),
        rows=tuple(_difference_row(d) for d in shown),
        row_styles=tuple("danger" if d.explanation is None else "muted" for d in shown),
        note=say(
            f"ほか {more:,} 件は JSON とデータベース（fitgap_reconcile_differences）にあります",
            f"{more:,} more are in the JSON and the database (fitgap_reconcile_differences)",
        )
        if more
        else None,
    )


def _totals(result: Reconciliation) -> Table:
    styles: list[RowStyle | None] = ["danger" if not t.within else None for t in result.totals]
    headers = (
        ("管理合計", "Control total"),
        ("種類", "Kind"),
        ("項目", "Item"),
        ("旧データ", "Legacy"),
        ("新データ", "New"),
        ("許容差", "Tolerance"),
        ("判定", "Result"),
    )
    passed, failed = say("問題なし", "passed"), say("エラーあり", "failed")
    return Table(
        title=say(
            "管理合計（旧データは変換で登録される行。移行エラーの行を除く）",
            "Control totals (legacy: the rows the conversion loads, without the quarantined rows)",
        ),
        sheet=say("管理合計", "Control totals"),
        columns=tuple(Column(header=say(ja, en)) for ja, en in headers),
        rows=tuple(
            (
                t.total,
                _kind(t.kind),
                t.item or "",
                t.source,
                t.target,
                t.tolerance or "0",
                passed if t.within else failed,
            )
            for t in result.totals
        ),
        row_styles=tuple(styles),
    )


def reconcile_document(result: Reconciliation, *, municipality: str | None = None) -> Document:
    """The reconciliation for people: the verdict and counts first, then items, every difference, control totals.
    ``municipality``: the 団体名 in every printed page's header."""
    return Document(
        title=say("現新比較レポート（変換データと旧データ）", "Reconciliation report (converted data and legacy data)"),
        facts=(
            (say("判定", "Verdict"), _verdict(result)),
            (say("マッピング", "Mapping"), result.mapping),
            (say("変換の実行ID", "Conversion run ID"), result.run_id),
            (say("旧データ", "Legacy data"), result.source_file),
            (say("比較した新データ", "New data compared"), result.target),
            (say("旧データの行数", "Legacy rows"), result.source_rows),
            (say("新データの行数", "New rows"), result.target_rows),
            (say("キーで突き合わせた行", "Rows matched by key"), result.compared_rows),
            (say("全項目が一致した行", "Rows equal in every item"), result.agreed_rows),
            *((say(f"説明のない差異: {kind(c)}", f"Unexplained: {kind(c)}"), n) for c, n in result.by_code.items()),
            *(
                (say(f"説明のある差異: {_label(e)}", f"Explained by {_label(e)}"), n)
                for e, n in result.explained_by.items()
            ),
            (say("現新比較ID", "Reconciliation ID"), result.reconcile_id),
            *(
                ((say("文字データ（縮退の根拠）", "Character data (basis of 縮退)"), ATTRIBUTION),)
                if "shrink" in result.explained_by
                else ()
            ),
            (say("秒", "Seconds"), result.timings.get("total")),
        ),
        tables=(_items(result), _differences(result), _totals(result)),
        lang=current(),
        municipality=municipality,
    )


def _label(explanation: str) -> str:
    return Explanation(explanation).label


def junit_xml(result: Reconciliation) -> str:
    """One testsuite for the reconciliation: a testcase per item, one for the rows, one per control total."""
    lang = current()
    root = ET.Element("testsuites", name="fitgap reconcile")
    suite = ET.SubElement(root, "testsuite", name=f"{result.table} ({result.mapping})")
    tests = failures = 0
    for item in result.items:
        case = ET.SubElement(suite, "testcase", classname=result.table, name=f"item:{item.item}")
        tests += 1
        if item.unexplained:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type="RECONCILE_VALUE_DIFFERS",
                message=info("RECONCILE_VALUE_DIFFERS").message(lang, item=item.item)
                + say(f"（{item.unexplained} 件）", f" ({item.unexplained})"),
            )
            failure.text = "\n".join(
                say(f"行 {d.line}: キー {d.key}", f"line {d.line}: key {d.key}")
                for d in result.differences
                if d.item == item.item and d.explanation is None
            )[:20_000]
    rows_case = ET.SubElement(suite, "testcase", classname=result.table, name="rows")
    tests += 1
    row_codes = {
        c: n for c, n in result.by_code.items() if c != "RECONCILE_VALUE_DIFFERS" and c != "RECONCILE_TOTAL_DIFFERS"
    }
    if row_codes:
        failures += 1
        failure = ET.SubElement(
            rows_case,
            "failure",
            type=next(iter(row_codes)),
            message="; ".join(say(f"{kind(c)} {n} 件", f"{kind(c)}: {n}") for c, n in row_codes.items()),
        )
        failure.text = "\n".join(
            say(
                f"{d.code.value} 行 {d.line if d.line is not None else '—'}: キー {d.key}",
                f"{d.code.value} line {d.line if d.line is not None else '—'}: key {d.key}",
            )
            for d in result.differences
            if d.item is None and d.explanation is None
        )[:20_000]
    for total in result.totals:
        case = ET.SubElement(suite, "testcase", classname=result.table, name=f"total:{total.total_id or total.total}")
        tests += 1
        if not total.within:
            failures += 1
            ET.SubElement(
                case,
                "failure",
                type="RECONCILE_TOTAL_DIFFERS",
                message=f"{info('RECONCILE_TOTAL_DIFFERS').message(lang, total=total.total)}: "
                f"{total.source} → {total.target}",
            )
    for element in (suite, root):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# The kinds of control total (fitgap.reconcile.totals.TotalKind) as a person reads them; the code stays in JSON.
_KINDS = {
    "rows": ("行数", "rows"),
    "rows_per_code": ("コード別の行数", "rows per code"),
    "distinct_keys": ("キーの数", "distinct keys"),
    "distinct_values": ("値の種類の数", "distinct values"),
    "sum": ("合計", "sum"),
    "min": ("最小", "minimum"),
    "max": ("最大", "maximum"),
    "unknown_dates": ("不詳の日付の数", "unknown dates"),
}


def _kind(kind: str) -> str:
    return say(*_KINDS[kind]) if kind in _KINDS else kind
