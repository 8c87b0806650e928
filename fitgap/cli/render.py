"""Terminal summaries of results that are more than one table. Every line is masked by value like the tables
(:mod:`reports.masking`): a finding, a note or a rule text can quote what a person typed or a legacy file held."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console

from converters import RunResult
from fitgap.assessment.scoring import ScoreReport
from fitgap.readiness import ReadinessReport
from fitgap.reconcile.models import Explanation, Reconciliation
from reports.masking import mask_text
from reports.tables import Table, columns
from reports.terminal import print_table
from spec_catalog.database import QUARANTINE
from validation import ValidationReport


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _say(
    console: Console, text: str, *, unmask: bool = False, markup: bool | None = None, highlight: bool | None = None
) -> None:
    console.print(mask_text(text, unmask=unmask), markup=markup, highlight=highlight)


def print_score(console: Console, report: ScoreReport, outputs: list[Path]) -> None:
    if report.catalog.sample:
        console.print("[yellow]Scored against the SAMPLE catalog (not the official function lists).[/yellow]")
    rows = tuple(
        (
            b.business_id,
            b.name,
            b.functions,
            b.decided,
            _pct(b.fit_rate),
            b.new_work,
            b.forced_gaps_unresolved,
            b.open_actions,
            b.overdue,
            _pct(b.readiness),
        )
        for b in (*report.businesses, report.total)
    )
    print_table(
        console,
        Table(
            title=f"Fit & Gap — {report.file} (as of {report.as_of})",
            columns=columns(
                "業務ID",
                "業務名",
                "機能",
                "判定済",
                "適合率",
                "新規業務",
                "強制ギャップ(未解消)",
                "未完了",
                "期限超過",
                "準備度",
            ),
            rows=rows,
        ),
    )
    errors = report.error_findings
    _say(
        console,
        f"Findings: {len(report.findings)} ({errors} errors). Links without a standard counterpart: "
        f"{report.links_without_standard}.",
    )
    by_code = Counter((f.severity.value, f.code) for f in report.findings)
    for (severity, code), count in sorted(by_code.items()):
        example = next(f for f in report.findings if f.code == code)
        _say(
            console,
            f"  {severity} {code} ×{count}, e.g. {example.location}: {example.message}",
            highlight=False,
            markup=False,
        )
    if report.findings:
        console.print("  Every finding with its sheet and cell is in the report (and in --json).")
    if report.gate is not None:
        verdict = (
            "[green]passed[/green]" if report.gate.passed else "[red]failed[/red]: " + "; ".join(report.gate.failures)
        )
        _say(console, f"Gate: {verdict}")
    for path in outputs:
        _say(console, f"Wrote {path}")


def print_run(console: Console, result: RunResult, db: Path | None, *, unmask: bool = False) -> None:
    """The run's counts, reasons, unmapped codes and preview; ``unmask`` as given to the run."""
    verdict = "[green]reconciled[/green]" if result.reconciled else "[red]NOT reconciled[/red]"
    print_table(
        console,
        Table(
            title=f"{result.mapping} → {result.target_table} ({result.status}, run {result.run_id})",
            columns=columns("read", "loaded", "quarantined", "seconds"),
            rows=((result.rows_read, result.rows_loaded, result.rows_quarantined, result.timings.get("total")),),
        ),
    )
    _say(console, f"rows read = loaded + quarantined: {verdict}")
    if result.quarantine_by_reason:
        print_table(
            console,
            Table(
                title="Quarantine by reason",
                columns=columns("reason", "rows"),
                rows=tuple(result.quarantine_by_reason.items()),
            ),
        )
    for unmapped in result.unmapped:
        _say(
            console,
            f"unmapped code {unmapped.item}={unmapped.value!r}: {unmapped.count} rows",
            unmask=unmask,
            markup=False,
        )
    if result.dates_kept_as_text:
        kinds = {"DATE_UNKNOWN": "不詳", "ERA_DATE_NOT_CALENDAR": "暦にない日付"}
        parts = "、".join(f"{kinds.get(k, k)} {n} 件" for k, n in result.dates_kept_by_reason.items() if n)
        _say(console, f"不詳表記の項目に文字のまま移した日付: {parts}", markup=False)
    _print_origins(console, result)
    if result.preview:
        # One row per item and one column per previewed source line: wide layouts stay readable.
        shown = result.preview[:5]
        items = [k for k in shown[0] if k != "_line"]
        print_table(
            console,
            Table(
                title="Preview" if unmask else "Preview (masked)",
                columns=columns("item", *(f"line {row['_line']}" for row in shown)),
                rows=tuple((item, *(row[item] for row in shown)) for item in items),
            ),
            unmask=unmask,
        )
    if db is not None:
        _say(console, f"Quarantined rows are in {db}, table {QUARANTINE} (values masked).", markup=False)


_ORIGIN_LABELS = {
    "derived": "複数列から導出",
    "constant": "定数",
    "companion": "日付項目の不詳の文字",
    "omitted": "マッピングなし（空）",
}


def _print_origins(console: Console, result: RunResult) -> None:
    """The items the legacy data did not hold, one per line (recorded in the run record too)."""
    others = [o for o in result.origins if o.origin != "source"]
    if not others:
        return
    rows = tuple(
        (
            f"{o.name}（{o.item}）",
            "必須" if o.required else "",
            _ORIGIN_LABELS[o.origin],
            " + ".join(o.columns) if o.columns else (o.value if o.value is not None else ""),
        )
        for o in others
    )
    print_table(
        console,
        Table(title="元データの1列から作らない項目", columns=columns("項目", "必須", "作り方", "列・値"), rows=rows),
    )
    missing = [o for o in others if o.required and o.origin == "omitted"]
    if missing:
        _say(
            console,
            f"[red]必須項目 {len(missing)} 件がマッピングにありません: 全行が隔離されます。[/red] 元データにない項目は"
            "定数（value:）か複数列からの導出（from: [列1, 列2]）で作ってください（docs/conversion.md）。",
        )


def print_validation(console: Console, report: ValidationReport, outputs: list[Path], *, unmask: bool = False) -> None:
    """The tables' results, every failed rule and run record, the verdict; ``unmask`` as given to the run."""
    if report.catalog_sample:
        console.print("[yellow]Suites generated from the SAMPLE catalog.[/yellow]")
    rows = []
    for t in report.tables:
        rows.append((t.table, t.rows, len(t.rules), t.rule_errors, t.warnings, t.run_errors, len(t.manual_checks)))
    print_table(
        console,
        Table(
            title=f"Validation of {report.database} ({report.seconds} s)",
            columns=columns("table", "rows", "rules", "errors", "warnings", "run records", "manual"),
            rows=tuple(rows),
        ),
    )
    for t in report.tables:
        for r in t.rules:
            if r.counts_as_error or r.counts_as_warning:
                _say(
                    console,
                    f"  {r.severity} {r.code or ''} {r.rule_id}: {r.unexpected_count} rows — {r.description}"
                    + (f" ({r.note})" if r.note else ""),
                    unmask=unmask,
                    markup=False,
                    highlight=False,
                )
        for c in t.run_checks:
            if c.counts_as_error:
                _say(console, f"  error run {c.mapping}: {c.code} — {c.message}", markup=False)
    verdict = "[green]PASSED[/green]" if report.passed else "[red]FAILED[/red]"
    _say(console, f"{verdict}: {report.errors_failed} errors, {report.warnings_failed} warnings.")
    for path in outputs:
        _say(console, f"Wrote {path}")


def print_readiness(console: Console, report: ReadinessReport, outputs: list[Path], lang: str = "ja") -> None:
    rows = tuple(
        (
            b.business_id,
            b.name,
            b.verdict,
            _pct(b.assessment_readiness),
            b.conversion,
            b.validation,
            b.characters.status_text(lang) if b.characters else "—",
            b.comparison.status_text(lang)
            if b.comparison
            else ("未実施" if lang == "ja" else "not yet")
            if b.conversion == "done"
            else "—",
            "; ".join(r.text(lang) for r in b.reasons) or "—",
        )
        for b in report.businesses
    )
    print_table(
        console,
        Table(
            title=f"Cutover readiness — {report.municipality}",
            columns=columns("業務ID", "業務名", "判定", "準備度", "変換", "検証", "文字同定", "現新比較", "理由"),
            rows=rows,
        ),
    )
    for b in report.businesses:
        if b.characters is not None and b.characters.unidentified:
            c = b.characters
            _say(
                console,
                f"Warning {b.business_id}: 文字同定 {c.status_text(lang)} (外字 undecided {c.gaiji_undecided}, "
                f"not in MJ {c.not_in_mj}) — fitgap moji sheet / apply",
                markup=False,
            )
    _say(console, f"GO: {report.go}, NO-GO: {report.no_go}")
    for path in outputs:
        _say(console, f"Wrote {path}")


def print_reconciliation(console: Console, result: Reconciliation, outputs: list[Path]) -> None:
    """The items with differences, the unexplained differences (the first 20, masked), the verdict."""
    from fitgap.reconcile.report import KINDS

    _say(
        console,
        f"現新比較 {result.mapping}（実行 {result.run_id}）: 旧データ {result.source_rows:,} 行、新データ "
        f"{result.target_rows:,} 行、突き合わせ {result.compared_rows:,} 行、全項目一致 {result.agreed_rows:,} 行",
        markup=False,
    )
    rows = tuple(
        (i.item, i.name, i.compared, i.explained, i.unexplained) for i in result.items if i.explained or i.unexplained
    )
    if rows:
        print_table(
            console,
            Table(title="差異のある項目", columns=columns("項目", "項目名", "比較", "説明あり", "説明なし"), rows=rows),
        )
    unexplained = [d for d in result.differences if d.explanation is None]
    for d in unexplained[:20]:
        where = f"行 {d.line}" if d.line is not None else "新データのみ"
        values = f" {d.item}: {d.legacy} → 期待 {d.expected} / 新 {d.actual}" if d.item else ""
        _say(console, f"  {d.code.value} {KINDS.get(d.code.value, '')} {where} キー {d.key}{values}", markup=False)
    if len(unexplained) > 20:
        _say(console, f"  … ほか {len(unexplained) - 20:,} 件（--xlsx / --json-file に全件）", markup=False)
    for t in result.totals:
        if not t.within:
            _say(
                console,
                f"  RECONCILE_TOTAL_DIFFERS {t.total}: {t.source} → {t.target}（許容差 {t.tolerance or '0'}）",
                markup=False,
            )
    for explanation, count in result.explained_by.items():
        _say(console, f"  説明あり（{Explanation(explanation).label_ja}）: {count:,} 件", markup=False)
    verdict = "[green]一致[/green]" if result.ok else f"[red]不一致[/red]: 説明のない差異 {result.unexplained:,} 件"
    _say(console, f"{verdict}（{result.timings.get('total', '')} 秒）")
    for path in outputs:
        _say(console, f"Wrote {path}")
