"""Terminal summaries of results that are more than one table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console

from fitgap.assessment.scoring import ScoreReport
from reports.tables import Table, columns
from reports.terminal import print_table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


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
    console.print(
        f"Findings: {len(report.findings)} ({errors} errors). Links without a standard counterpart: "
        f"{report.links_without_standard}."
    )
    by_code = Counter((f.severity.value, f.code) for f in report.findings)
    for (severity, code), count in sorted(by_code.items()):
        example = next(f for f in report.findings if f.code == code)
        console.print(
            f"  {severity} {code} ×{count}, e.g. {example.location}: {example.message}", highlight=False, markup=False
        )
    if report.findings:
        console.print("  Every finding with its sheet and cell is in the report (and in --json).")
    if report.gate is not None:
        verdict = (
            "[green]passed[/green]" if report.gate.passed else "[red]failed[/red]: " + "; ".join(report.gate.failures)
        )
        console.print(f"Gate: {verdict}")
    for path in outputs:
        console.print(f"Wrote {path}")
