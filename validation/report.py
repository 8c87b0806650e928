"""Validation results for people and for CI: a report document (Excel, HTML) and JUnit XML."""

from __future__ import annotations

import re
from pathlib import PurePath
from string import Formatter
from typing import Literal
from xml.etree import ElementTree as ET

from reports.catalog import SAMPLE_NOTES
from reports.clock import local_time
from reports.tables import Cell, Column, Document, RowStyle, Table
from spec_catalog.codes import info
from spec_catalog.language import current, say
from spec_catalog.models import catalog_label
from validation.runner import RuleResult, RunCheck, ValidationReport

_KANA = re.compile(r"[\u3040-\u30ff]")  # a Japanese sentence has kana; an English one (naming a table) has none
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
            description = rule.text(current())
            if rule.status == "skipped":
                ET.SubElement(case, "skipped", message=rule.note or say("スキップ", "skipped"))
                skips += 1
            elif rule.counts_as_error:
                sample = "\n".join(
                    say(f"{r.source_line} 行目: {r.key} {r.values}", f"line {r.source_line}: {r.key} {r.values}")
                    for r in rule.failing_rows[:20]
                )
                more = len(rule.failing_rows) - 20
                note = f" ({rule.note})" if rule.note else ""
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=rule.code or rule.kind,
                    message=say(
                        f"チェックエラー行 {rule.unexpected_count} 行: {description}{note}",
                        f"{rule.unexpected_count} failing rows: {description}{note}",
                    ),
                )
                rest = say(
                    f"\n… ほか {more} 行は JSON と Excel の帳票にあります",
                    f"\n… {more} more rows in the JSON and Excel reports",
                )
                failure.text = sample + (rest if more > 0 else "")
                fails += 1
            elif rule.counts_as_warning:
                out = ET.SubElement(case, "system-out")
                out.text = say(
                    f"警告: {rule.unexpected_count} 行: {description}",
                    f"warning: {rule.unexpected_count} rows: {description}",
                )
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


def _t(lang: str, ja: str, en: str) -> str:
    return en if lang == "en" else ja


def _verdict(failed: bool, lang: str) -> str:
    """問題なし / エラーあり (docs/glossary.md)."""
    return _t(lang, "エラーあり", "failed") if failed else _t(lang, "問題なし", "passed")


def _severity(severity: str, lang: str) -> str:
    return {"error": _t(lang, "エラー", "error"), "warning": _t(lang, "警告", "warning")}.get(severity, severity)


def _outcome(rule: RuleResult, lang: str) -> str:
    """What became of a rule: 問題なし, エラーあり, 警告あり, スキップ or 実行エラー (it could not run)."""
    if rule.status == "failed":
        return _t(lang, "警告あり", "warning") if rule.counts_as_warning else _verdict(True, lang)
    return {
        "passed": _verdict(False, lang),
        "skipped": _t(lang, "スキップ", "skipped"),
        "error": _t(lang, "実行エラー", "could not run"),
    }[rule.status]


def _note(note: str | None, lang: str) -> str:
    """A rule's note in ``lang``: the run writes some in both languages ("日本語 / English")."""
    if not note:
        return ""
    ja, _, en = note.partition(" / ")
    if _KANA.search(ja) and en and not _KANA.search(en):
        return _t(lang, ja, en)
    return note


def _failed_first(rule: RuleResult) -> tuple[int, int]:
    """Errors, then warnings, then the rest; the most failing rows first within each (a stable sort keeps the
    suites' order among equals)."""
    rank = 0 if rule.counts_as_error else 1 if rule.counts_as_warning else 2
    return rank, -(rule.unexpected_count or 0) if rank < 2 else 0


def _summary(report: ValidationReport, lang: str) -> Table:
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
            _verdict(bool(t.errors), lang),
        )
        for t in report.tables
    ]
    return Table(
        title=_t(lang, "テーブル別の結果", "Results per table"),
        sheet=_t(lang, "概要", "Summary"),
        columns=(
            Column(header=_t(lang, "テーブル", "Table")),
            Column(header=_t(lang, "行数", "Rows"), format="integer"),
            Column(header=_t(lang, "ルール", "Rules"), format="integer"),
            Column(header=_t(lang, "エラー", "Errors"), format="integer", scale="alert_if_positive"),
            Column(header=_t(lang, "警告", "Warnings"), format="integer"),
            Column(header=_t(lang, "スキップ", "Skipped"), format="integer"),
            Column(header=_t(lang, "変換記録の不備", "Run record errors"), format="integer", scale="alert_if_positive"),
            Column(header=_t(lang, "手動確認", "Manual checks"), format="integer"),
            Column(header=_t(lang, "判定", "Result")),
        ),
        rows=tuple(rows),
        row_styles=tuple("danger" if t.errors else None for t in report.tables),
    )


def _rule_style(rule: RuleResult) -> RowStyle | None:
    if rule.counts_as_error:
        return "danger"
    if rule.counts_as_warning:
        return "warning"
    return "muted" if rule.status == "skipped" else None


def _rules(report: ValidationReport, lang: str) -> Table:
    """Every rule, the failed ones first."""
    pairs = sorted(((t, r) for t in report.tables for r in t.rules), key=lambda pair: _failed_first(pair[1]))
    return Table(
        title=_t(lang, "ルール別の結果（エラー・警告のルールが先）", "Results per rule (failed rules first)"),
        sheet=_t(lang, "ルール", "Rules"),
        columns=(
            Column(header=_t(lang, "テーブル", "Table")),
            Column(header=_t(lang, "ルールID", "Rule ID")),
            Column(header=_t(lang, "コード", "Code")),
            Column(header=_t(lang, "重要度", "Severity")),
            Column(header=_t(lang, "結果", "Result")),
            Column(header=_t(lang, "チェックエラー行数", "Failing rows"), format="integer"),
            Column(header=_t(lang, "内容", "Rule")),
            Column(header=_t(lang, "備考", "Note")),
        ),
        rows=tuple(
            (
                t.table,
                r.rule_id,
                r.code or "",
                _severity(r.severity, lang),
                _outcome(r, lang),
                r.unexpected_count,
                r.text(lang),
                _note(r.note, lang),
            )
            for t, r in pairs
        ),
        row_styles=tuple(_rule_style(r) for _, r in pairs),
        filterable=True,
    )


def _failing(report: ValidationReport, lang: str) -> Table:
    """Every failing row, masked: the rows of error rules first, then of warnings, each rule's by its count."""
    rows: list[tuple[Cell, ...]] = []
    styles: list[RowStyle | None] = []
    pairs = sorted(
        ((t, r) for t in report.tables for r in t.rules if r.failing_rows), key=lambda pair: _failed_first(pair[1])
    )
    total = sum(len(r.failing_rows) for _, r in pairs)
    for t, r in pairs:
        for row in r.failing_rows[: max(0, EXCEL_ROWS - len(rows))]:
            rows.append(
                (
                    t.table,
                    r.rule_id,
                    r.code or "",
                    _severity(r.severity, lang),
                    row.source_file,
                    row.source_line,
                    ", ".join(f"{k}={v}" for k, v in row.key.items()),
                    ", ".join(f"{k}={v}" for k, v in row.values.items()),
                )
            )
            styles.append("danger" if r.counts_as_error else "warning")
    left = total - len(rows)
    cap = (
        _t(
            lang,
            f"ほか {left:,} 行は JSON レポートにあります（1シート {EXCEL_ROWS:,} 行まで）",
            f"{left:,} more failing rows are in the JSON report (a sheet holds {EXCEL_ROWS:,})",
        )
        if left > 0
        else None
    )
    return Table(
        title=_t(lang, "チェックエラー行（個人情報はマスク）", "Failing rows (personal data masked)"),
        sheet=_t(lang, "チェックエラー行", "Failing rows"),
        columns=(
            Column(header=_t(lang, "テーブル", "Table")),
            Column(header=_t(lang, "ルールID", "Rule ID")),
            Column(header=_t(lang, "コード", "Code")),
            Column(header=_t(lang, "重要度", "Severity")),
            Column(header=_t(lang, "ファイル", "File")),
            Column(header=_t(lang, "行", "Line"), format="integer"),
            Column(header=_t(lang, "キー", "Key")),
            Column(header=_t(lang, "値", "Values")),
        ),
        rows=tuple(rows),
        note=cap,
        row_styles=tuple(styles),
        filterable=True,
    )


def _manual(report: ValidationReport, lang: str) -> Table:
    return Table(
        title=_t(
            lang, "手動で確認する条件（ルールにできない条件付き必須）", "Conditions to check by hand (条件付き必須)"
        ),
        sheet=_t(lang, "手動確認", "Manual checks"),
        columns=tuple(
            Column(header=_t(lang, ja, en))
            for ja, en in (("テーブル", "Table"), ("項目", "Item"), ("項目名", "Name"), ("条件", "Condition"))
        ),
        rows=tuple((t.table, m["item"], m["name"], m["condition"]) for t in report.tables for m in t.manual_checks),
    )


def _run_message(check: RunCheck, lang: str) -> str:
    """The message of a conversion record in ``lang``: as the run wrote it when it is in that language (a run
    says it in its own), else made again from its code."""
    if lang != "en" or not _KANA.search(check.message):
        return check.message
    if check.code is None:
        return "counts agree: read = loaded + quarantined"
    entry = info(check.code)
    return entry.message("en", **{name: "…" for _, name, _, _ in Formatter().parse(entry.en) if name})


def _runs(report: ValidationReport, lang: str) -> Table:
    return Table(
        title=_t(lang, "変換記録", "Conversion runs"),
        sheet=_t(lang, "変換記録", "Runs"),
        columns=tuple(
            Column(header=_t(lang, ja, en))
            for ja, en in (
                ("テーブル", "Table"),
                ("マッピング", "Mapping"),
                ("実行ID", "Run ID"),
                ("結果", "Result"),
                ("コード", "Code"),
                ("内容", "Message"),
            )
        ),
        rows=tuple(
            (t.table, c.mapping, c.run_id or "", _verdict(c.counts_as_error, lang), c.code or "", _run_message(c, lang))
            for t in report.tables
            for c in t.run_checks
        ),
        row_styles=tuple("danger" if c.counts_as_error else None for t in report.tables for c in t.run_checks),
    )


def input_facts(report: ValidationReport, lang: str = "ja") -> tuple[tuple[str, str], ...]:
    """What the validation read and ran, by which tool, and when (— where a report of an earlier fitgap has
    no such field)."""
    versions: dict[str, list[str]] = {}
    for business_id, version in (report.catalog_versions or {}).items():
        versions.setdefault(version or _t(lang, "版不明", "version unknown"), []).append(business_id)
    catalog = (catalog_label(report.catalog) if report.catalog else "—") + (
        _t(lang, "（サンプル）", " (SAMPLE)") if report.catalog_sample else ""
    )
    if versions:
        catalog += ": " + "; ".join(f"{v} ({', '.join(ids)})" for v, ids in versions.items())
    suites = report.suites
    if suites == "generated":
        suites = _t(lang, "カタログから生成", "generated from the catalog")
    count = _t(lang, f"{report.allowed_characters} 字", f"{report.allowed_characters} characters")
    allowed = count if report.allowed_characters else _t(lang, "なし", "none")
    if report.allowed_characters_file is not None:
        name = PurePath(report.allowed_characters_file).name
        allowed = _t(lang, f"{name}（{count}）", f"{name} ({count})")
    return (
        (_t(lang, "カタログ", "Catalog"), catalog),
        (_t(lang, "スイート", "Suites"), suites or "—"),
        (_t(lang, "許容する文字", "Allowed characters"), allowed),
        (_t(lang, "ツール", "Tool"), report.tool_version or "—"),
        (
            _t(lang, "作成日時", "Created"),
            local_time(report.created).strftime("%Y-%m-%d %H:%M") if report.created else "—",
        ),
    )


def validation_document(report: ValidationReport, lang: str = "ja", municipality: str | None = None) -> Document:
    """The validation report for people, in ``lang`` (ja or en): a summary, every rule (the failed ones first),
    every failing row (the errors' first), manual checks, runs; ``municipality``: the 団体名 of the printed
    header."""
    language: Literal["ja", "en"] = "en" if lang == "en" else "ja"
    total_failing = sum(len(r.failing_rows) for t in report.tables for r in t.rules)
    return Document(
        title=_t(lang, "データ検証レポート", "Validation report"),
        note=SAMPLE_NOTES["en" if lang == "en" else "ja"] if report.catalog_sample else None,
        facts=(
            (_t(lang, "データベース", "Database"), report.database),
            (_t(lang, "結果", "Result"), _verdict(not report.passed, lang)),
            (_t(lang, "エラー（ルール・変換記録）", "Errors (rules, run records)"), report.errors_failed),
            (_t(lang, "警告", "Warnings"), report.warnings_failed),
            (_t(lang, "実行したルール", "Rules run"), report.rules_run),
            (_t(lang, "チェックエラー行", "Failing rows"), total_failing),
            (_t(lang, "所要時間（秒）", "Seconds"), report.seconds),
            *input_facts(report, lang),
        ),
        tables=(
            _summary(report, lang),
            _rules(report, lang),
            _failing(report, lang),
            _manual(report, lang),
            _runs(report, lang),
        ),
        lang=language,
        created=report.created,
        municipality=municipality,
    )
