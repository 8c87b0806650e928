"""The reconciliation of a conversion for people and for CI: a report document (Excel, HTML) and JUnit XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from fitgap.reconcile.models import Difference, Reconciliation
from reports.tables import Cell, Column, Document, RowStyle, Table
from spec_catalog.codes import info
from spec_catalog.mj import ATTRIBUTION

EXCEL_ROWS = 1_000_000  # an Excel sheet holds 1,048,576 rows; beyond this the cap is stated, never silent

KINDS = {
    "RECONCILE_VALUE_DIFFERS": "値の相違",
    "RECONCILE_ROW_MISSING": "新データにない行",
    "RECONCILE_ROW_EXTRA": "旧データにない行",
    "RECONCILE_KEY_DUPLICATED": "キーの重複",
}


def _verdict(result: Reconciliation) -> str:
    return "一致（説明のない差異なし）" if result.ok else f"不一致（説明のない差異 {result.unexplained} 件）"


def _items(result: Reconciliation) -> Table:
    return Table(
        title="項目別の結果",
        sheet="項目別",
        columns=(
            Column(header="項目"),
            Column(header="項目名"),
            Column(header="比較した値", format="integer"),
            Column(header="一致", format="integer"),
            Column(header="説明のある差異", format="integer"),
            Column(header="説明のない差異", format="integer", scale="alert_if_positive"),
            Column(header="旧データと値を変える規則"),
            Column(header="規則で変わった値（一致に含む）", format="integer"),
        ),
        rows=tuple(
            (i.item, i.name, i.compared, i.agreed, i.explained, i.unexplained, i.rule or "", i.rule_values)
            for i in result.items
        ),
        row_styles=tuple("danger" if i.unexplained else None for i in result.items),
    )


def _difference_row(d: Difference) -> tuple[Cell, ...]:
    return (
        "説明なし" if d.explanation is None else f"説明あり（{d.explanation.label_ja}）",
        KINDS.get(d.code.value, d.code.value),
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
    return Table(
        title="差異の一覧（説明のないものから。個人情報はマスク）",
        sheet="差異",
        columns=tuple(
            Column(header=h)
            for h in (
                "区分",
                "種類",
                "コード",
                "旧データの行",
                "キー",
                "項目",
                "旧データの値",
                "変換後の期待値",
                "新データの値",
                "詳細",
            )
        ),
        rows=tuple(_difference_row(d) for d in shown),
        row_styles=tuple("danger" if d.explanation is None else "muted" for d in shown),
        note=f"ほか {more:,} 件は JSON とデータベース（fitgap_reconcile_differences）にあります" if more else None,
    )


def _totals(result: Reconciliation) -> Table:
    styles: list[RowStyle | None] = ["danger" if not t.within else None for t in result.totals]
    return Table(
        title="管理合計（旧データは変換で登録される行。移行エラーの行を除く）",
        sheet="管理合計",
        columns=tuple(Column(header=h) for h in ("管理合計", "種類", "項目", "旧データ", "新データ", "許容差", "判定")),
        rows=tuple(
            (t.total, t.kind, t.item or "", t.source, t.target, t.tolerance or "0", "OK" if t.within else "NG")
            for t in result.totals
        ),
        row_styles=tuple(styles),
    )


def reconcile_document(result: Reconciliation) -> Document:
    """The reconciliation for people: the verdict and counts first, then items, every difference, control totals."""
    return Document(
        title="現新比較レポート（変換データと旧データ）",
        facts=(
            ("判定", _verdict(result)),
            ("マッピング", result.mapping),
            ("変換の実行ID", result.run_id),
            ("旧データ", result.source_file),
            ("比較した新データ", result.target),
            ("旧データの行数", result.source_rows),
            ("新データの行数", result.target_rows),
            ("キーで突き合わせた行", result.compared_rows),
            ("全項目が一致した行", result.agreed_rows),
            *((f"説明のない差異: {KINDS.get(c, c)}", n) for c, n in result.by_code.items()),
            *((f"説明のある差異: {_label(e)}", n) for e, n in result.explained_by.items()),
            ("現新比較ID", result.reconcile_id),
            *((("文字データ（縮退の根拠）", ATTRIBUTION),) if "shrink" in result.explained_by else ()),
            ("秒", result.timings.get("total")),
        ),
        tables=(_items(result), _differences(result), _totals(result)),
    )


def _label(explanation: str) -> str:
    from fitgap.reconcile.models import Explanation

    return Explanation(explanation).label_ja


def junit_xml(result: Reconciliation) -> str:
    """One testsuite for the reconciliation: a testcase per item, one for the rows, one per control total."""
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
                message=info("RECONCILE_VALUE_DIFFERS").message("ja", item=item.item) + f"（{item.unexplained} 件）",
            )
            failure.text = "\n".join(
                f"行 {d.line}: キー {d.key}"
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
            message="; ".join(f"{KINDS.get(c, c)} {n} 件" for c, n in row_codes.items()),
        )
        failure.text = "\n".join(
            f"{d.code.value} 行 {d.line if d.line is not None else '—'}: キー {d.key}"
            for d in result.differences
            if d.item is None and d.explanation is None
        )[:20_000]
    for total in result.totals:
        case = ET.SubElement(suite, "testcase", classname=result.table, name=f"total:{total.total}")
        tests += 1
        if not total.within:
            failures += 1
            ET.SubElement(
                case,
                "failure",
                type="RECONCILE_TOTAL_DIFFERS",
                message=f"{info('RECONCILE_TOTAL_DIFFERS').message('ja', total=total.total)}: "
                f"{total.source} → {total.target}",
            )
    for element in (suite, root):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
