"""Validation results for people and for CI: a report document (Excel, HTML) and JUnit XML."""

from __future__ import annotations

from pathlib import PurePath
from xml.etree import ElementTree as ET

from reports.catalog import SAMPLE_NOTE
from reports.tables import Cell, Column, Document, RowStyle, Table
from validation.runner import RuleResult, ValidationReport

EXCEL_ROWS = 1_000_000  # an Excel sheet holds 1,048,576 rows; beyond this the cap is stated, never silent


def junit_xml(report: ValidationReport) -> str:
    """One testsuite per table, one testcase per rule (and per conversion record). Warnings do not fail:
    they are passing testcases whose output says what was found."""
    root = ET.Element("testsuites", name="fitgap validate")
    total = failures = skipped_total = 0
    for table in report.tables:
        suite = ET.SubElement(root, "testsuite", name=table.table)
        tests = fails = skips = 0
        for rule in table.rules:
            case = ET.SubElement(suite, "testcase", classname=table.table, name=rule.rule_id)
            tests += 1
            if rule.status == "skipped":
                ET.SubElement(case, "skipped", message=rule.note or "skipped")
                skips += 1
            elif rule.counts_as_error:
                sample = "\n".join(f"line {r.source_line}: {r.key} {r.values}" for r in rule.failing_rows[:20])
                more = len(rule.failing_rows) - 20
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=rule.code or rule.kind,
                    message=f"{rule.unexpected_count} failing rows: {rule.description}"
                    + (f" ({rule.note})" if rule.note else ""),
                )
                failure.text = sample + (f"\n… {more} more rows in the JSON and Excel reports" if more > 0 else "")
                fails += 1
            elif rule.counts_as_warning:
                out = ET.SubElement(case, "system-out")
                out.text = f"warning: {rule.unexpected_count} rows: {rule.description}"
        for check in table.run_checks:
            case = ET.SubElement(suite, "testcase", classname=table.table, name=f"run:{check.mapping}")
            tests += 1
            if check.counts_as_error:
                ET.SubElement(case, "failure", type=check.code or "run", message=check.message)
                fails += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(fails))
        suite.set("errors", "0")
        suite.set("skipped", str(skips))
        total, failures, skipped_total = total + tests, failures + fails, skipped_total + skips
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped_total))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _summary(report: ValidationReport) -> Table:
    rows = [
        (
            t.table,
            t.rows,
            len(t.rules),
            t.rule_errors,
            t.warnings,
            sum(1 for r in t.rules if r.status == "skipped"),
            t.run_errors,
            len(t.manual_checks),
            "NG" if t.errors else "OK",
        )
        for t in report.tables
    ]
    return Table(
        title="テーブル別の結果",
        sheet="概要",
        columns=(
            Column(header="テーブル"),
            Column(header="行数", format="integer"),
            Column(header="ルール", format="integer"),
            Column(header="エラー", format="integer", scale="alert_if_positive"),
            Column(header="警告", format="integer"),
            Column(header="スキップ", format="integer"),
            Column(header="変換記録の不備", format="integer", scale="alert_if_positive"),
            Column(header="手動確認", format="integer"),
            Column(header="判定"),
        ),
        rows=tuple(rows),
        row_styles=tuple("danger" if r[-1] == "NG" else None for r in rows),
    )


def _rule_style(rule: RuleResult) -> RowStyle | None:
    if rule.counts_as_error:
        return "danger"
    if rule.counts_as_warning:
        return "warning"
    return "muted" if rule.status == "skipped" else None


def _rules(report: ValidationReport) -> Table:
    pairs = [(t, r) for t in report.tables for r in t.rules]
    return Table(
        title="ルール別の結果",
        sheet="ルール",
        columns=tuple(
            Column(header=h) for h in ("テーブル", "ルールID", "コード", "重要度", "結果", "不合格行数", "内容", "備考")
        ),
        rows=tuple(
            (t.table, r.rule_id, r.code or "", r.severity, r.status, r.unexpected_count, r.description, r.note or "")
            for t, r in pairs
        ),
        row_styles=tuple(_rule_style(r) for _, r in pairs),
    )


def _failing(report: ValidationReport) -> Table:
    rows: list[tuple[Cell, ...]] = []
    total = sum(len(r.failing_rows) for t in report.tables for r in t.rules)
    for t in report.tables:
        for r in t.rules:
            for row in r.failing_rows[: max(0, EXCEL_ROWS - len(rows))]:
                rows.append(
                    (
                        t.table,
                        r.rule_id,
                        r.code or "",
                        r.severity,
                        row.source_file,
                        row.source_line,
                        ", ".join(f"{k}={v}" for k, v in row.key.items()),
                        ", ".join(f"{k}={v}" for k, v in row.values.items()),
                    )
                )
    cap = (
        f"{total - len(rows)} more failing rows are in the JSON report (a sheet holds {EXCEL_ROWS:,})"
        if total > len(rows)
        else None
    )
    return Table(
        title="不合格行（個人情報はマスク）",
        sheet="不合格行",
        columns=tuple(
            Column(header=h) for h in ("テーブル", "ルールID", "コード", "重要度", "ファイル", "行", "キー", "値")
        ),
        rows=tuple(rows),
        note=cap,
    )


def _manual(report: ValidationReport) -> Table:
    return Table(
        title="手動で確認する条件（ルールにできない条件付き必須）",
        sheet="手動確認",
        columns=tuple(Column(header=h) for h in ("テーブル", "項目", "項目名", "条件")),
        rows=tuple((t.table, m["item"], m["name"], m["condition"]) for t in report.tables for m in t.manual_checks),
    )


def _runs(report: ValidationReport) -> Table:
    return Table(
        title="変換記録",
        sheet="変換記録",
        columns=tuple(Column(header=h) for h in ("テーブル", "マッピング", "実行ID", "結果", "コード", "内容")),
        rows=tuple(
            (t.table, c.mapping, c.run_id or "", c.status, c.code or "", c.message)
            for t in report.tables
            for c in t.run_checks
        ),
    )


def input_facts(report: ValidationReport) -> tuple[tuple[str, str], ...]:
    """What the validation read and ran, by which tool, and when (— where a report of an earlier fitgap has
    no such field)."""
    versions: dict[str, list[str]] = {}
    for business_id, version in (report.catalog_versions or {}).items():
        versions.setdefault(version or "版不明 / version unknown", []).append(business_id)
    catalog = (report.catalog or "—") + (" — サンプル / SAMPLE" if report.catalog_sample else "")
    if versions:
        catalog += ": " + "; ".join(f"{v} ({', '.join(ids)})" for v, ids in versions.items())
    suites = report.suites
    allowed = f"{report.allowed_characters} 字" if report.allowed_characters else "なし / none"
    if report.allowed_characters_file is not None:
        allowed = f"{PurePath(report.allowed_characters_file).name}（{report.allowed_characters} 字）"
    return (
        ("カタログ / Catalog", catalog),
        (
            "スイート / Suites",
            "カタログから生成 / generated from the catalog" if suites == "generated" else suites or "—",
        ),
        ("許容する文字 / Allowed characters", allowed),
        ("ツール / Tool", report.tool_version or "—"),
        ("作成日時 / Created", report.created.isoformat(sep=" ", timespec="seconds") if report.created else "—"),
    )


def validation_document(report: ValidationReport) -> Document:
    """The validation report for people: a summary, every rule, every failing row, manual checks, runs."""
    failing = _failing(report)
    total_failing = sum(len(r.failing_rows) for t in report.tables for r in t.rules)
    return Document(
        title="データ検証レポート / Validation report",
        note=SAMPLE_NOTE if report.catalog_sample else None,
        facts=(
            ("データベース", report.database),
            ("結果", "合格 / passed" if report.passed else "不合格 / failed"),
            ("エラー（失敗したルール・記録）", str(report.errors_failed)),
            ("警告", str(report.warnings_failed)),
            ("実行したルール", str(report.rules_run)),
            ("不合格行", str(total_failing)),
            ("秒", str(report.seconds)),
            *input_facts(report),
        ),
        tables=(_summary(report), _rules(report), failing, _manual(report), _runs(report)),
    )
