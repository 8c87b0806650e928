"""Validation results for people and for CI: a report document (Excel, HTML) and JUnit XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from reports.catalog import SAMPLE_NOTE
from reports.tables import Cell, Column, Document, RowStyle, Table
from validation.runner import ValidationReport

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
            elif rule.status in ("failed", "error") and (rule.severity == "error" or rule.status == "error"):
                sample = "\n".join(f"line {r.source_line}: {r.key} {r.values}" for r in rule.failing_rows[:20])
                more = len(rule.failing_rows) - 20
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=rule.kind if rule.status == "failed" else "error",
                    message=f"{rule.unexpected_count} failing rows: {rule.description}"
                    + (f" ({rule.note})" if rule.note else ""),
                )
                failure.text = sample + (f"\n… {more} more rows in the JSON and Excel reports" if more > 0 else "")
                fails += 1
            elif rule.status == "failed":
                out = ET.SubElement(case, "system-out")
                out.text = f"warning: {rule.unexpected_count} rows: {rule.description}"
        for check in table.run_checks:
            case = ET.SubElement(suite, "testcase", classname=table.table, name=f"run:{check.mapping}")
            tests += 1
            if check.status == "failed":
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


def validation_document(report: ValidationReport) -> Document:
    summary_rows = []
    for t in report.tables:
        failed_errors = sum(1 for r in t.rules if r.status in ("failed", "error") and r.severity == "error")
        failed_warnings = sum(1 for r in t.rules if r.status == "failed" and r.severity == "warning")
        runs_failed = sum(1 for c in t.run_checks if c.status == "failed")
        summary_rows.append(
            (
                t.table,
                t.rows,
                len(t.rules),
                failed_errors,
                failed_warnings,
                sum(1 for r in t.rules if r.status == "skipped"),
                runs_failed,
                len(t.manual_checks),
                "NG" if failed_errors or runs_failed else "OK",
            )
        )
    rules_rows: list[tuple[Cell, ...]] = []
    rule_styles: list[RowStyle | None] = []
    for t in report.tables:
        for r in t.rules:
            rules_rows.append(
                (t.table, r.rule_id, r.severity, r.status, r.unexpected_count, r.description, r.note or "")
            )
            rule_styles.append(
                "danger"
                if r.status in ("failed", "error") and r.severity == "error"
                else "warning"
                if r.status == "failed"
                else "muted"
                if r.status == "skipped"
                else None
            )
    failing: list[tuple[Cell, ...]] = []
    total_failing = sum(len(r.failing_rows) for t in report.tables for r in t.rules)
    for t in report.tables:
        for r in t.rules:
            for row in r.failing_rows:
                if len(failing) < EXCEL_ROWS:
                    failing.append(
                        (
                            t.table,
                            r.rule_id,
                            r.severity,
                            row.source_file,
                            row.source_line,
                            ", ".join(f"{k}={v}" for k, v in row.key.items()),
                            ", ".join(f"{k}={v}" for k, v in row.values.items()),
                        )
                    )
    cap = (
        f"{total_failing - len(failing)} more failing rows are in the JSON report (a sheet holds {EXCEL_ROWS:,})"
        if total_failing > len(failing)
        else None
    )
    manual = [(t.table, m["item"], m["name"], m["condition"]) for t in report.tables for m in t.manual_checks]
    runs = [
        (t.table, c.mapping, c.run_id or "", c.status, c.code or "", c.message)
        for t in report.tables
        for c in t.run_checks
    ]
    verdict = "合格 / passed" if report.passed else "不合格 / failed"
    return Document(
        title="データ検証レポート / Validation report",
        note=SAMPLE_NOTE if report.catalog_sample else None,
        facts=(
            ("データベース", report.database),
            ("結果", verdict),
            ("エラー（失敗したルール・記録）", str(report.errors_failed)),
            ("警告", str(report.warnings_failed)),
            ("実行したルール", str(report.rules_run)),
            ("不合格行", str(total_failing)),
            ("秒", str(report.seconds)),
        ),
        tables=(
            Table(
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
                rows=tuple(summary_rows),
                row_styles=tuple("danger" if r[-1] == "NG" else None for r in summary_rows),
            ),
            Table(
                title="ルール別の結果",
                sheet="ルール",
                columns=tuple(
                    Column(header=h) for h in ("テーブル", "ルールID", "重要度", "結果", "不合格行数", "内容", "備考")
                ),
                rows=tuple(rules_rows),
                row_styles=tuple(rule_styles),
            ),
            Table(
                title="不合格行（個人情報はマスク）",
                sheet="不合格行",
                columns=tuple(
                    Column(header=h) for h in ("テーブル", "ルールID", "重要度", "ファイル", "行", "キー", "値")
                ),
                rows=tuple(failing),
                note=cap,
            ),
            Table(
                title="手動で確認する条件（ルールにできない条件付き必須）",
                sheet="手動確認",
                columns=tuple(Column(header=h) for h in ("テーブル", "項目", "項目名", "条件")),
                rows=tuple(manual),
            ),
            Table(
                title="変換記録",
                sheet="変換記録",
                columns=tuple(Column(header=h) for h in ("テーブル", "マッピング", "実行ID", "結果", "コード", "内容")),
                rows=tuple(runs),
            ),
        ),
    )
