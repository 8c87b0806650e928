"""Cutover readiness per business: Fit & Gap status, conversion records and validation, against thresholds.

A business is GO when every part that applies to it meets the project's thresholds; a part that applies but
has no data yet (not assessed, not converted, not validated) is a NO-GO reason of its own. Conversion and
validation do not apply to a business the catalog has no data layout for (it says so).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Literal

from fitgap.assessment.scoring import ScoreReport
from fitgap.project import Thresholds
from reports.catalog import SAMPLE_NOTE
from reports.tables import Chart, Column, Document, RowStyle, Series, Table
from spec_catalog.base import FrozenModel
from spec_catalog.models import Catalog, table_name
from validation.runner import ValidationReport

Part = Literal["done", "missing", "n/a"]


class BusinessReadiness(FrozenModel):
    business_id: str
    name: str
    verdict: Literal["GO", "NO-GO"]
    reasons: tuple[str, ...]
    assessed: bool
    forced_gaps_unresolved: int | None
    mandatory_undecided: int | None
    open_actions: int | None
    assessment_readiness: float | None
    conversion: Part
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    quarantine_rate: float | None
    reconciled: bool | None
    quarantine_by_reason: dict[str, int]
    validation: Part
    validation_errors: int | None
    validation_warnings: int | None


class ReadinessReport(FrozenModel):
    municipality: str
    catalog_sample: bool
    thresholds: Thresholds
    businesses: tuple[BusinessReadiness, ...]
    go: int
    no_go: int


def conversion_records(con: Any) -> tuple[dict[str, dict[str, Any]], dict[str, Counter[str]]]:
    """Per target table: the last run of each mapping summed up; and quarantine counts by reason."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "fitgap_runs" not in tables:
        return {}, {}
    runs = con.execute(
        "SELECT target_table, mapping, status, rows_read, rows_loaded, rows_quarantined, reconciled FROM ("
        "SELECT *, row_number() OVER (PARTITION BY target_table, mapping ORDER BY started DESC) AS n "
        "FROM fitgap_runs) WHERE n = 1"
    ).fetchall()
    records: dict[str, dict[str, Any]] = {}
    for table, _mapping, status, read, loaded, quarantined, reconciled in runs:
        entry = records.setdefault(table, {"read": 0, "loaded": 0, "quarantined": 0, "reconciled": True})
        entry["read"] += read or 0
        entry["loaded"] += loaded or 0
        entry["quarantined"] += quarantined or 0
        entry["reconciled"] = entry["reconciled"] and status == "succeeded" and bool(reconciled)
    reasons: dict[str, Counter[str]] = {}
    if "fitgap_quarantine" in tables:
        for table, reason, count in con.execute(
            "SELECT r.target_table, q.reason, count(DISTINCT (q.mapping, q.line)) FROM fitgap_quarantine q "
            "JOIN fitgap_runs r ON q.run_id = r.run_id GROUP BY 1, 2"
        ).fetchall():
            reasons.setdefault(table, Counter())[reason] = count
    return records, reasons


def assess_readiness(
    municipality: str,
    businesses: tuple[str, ...],
    catalog: Catalog,
    thresholds: Thresholds,
    assessment: ScoreReport | None,
    records: dict[str, dict[str, Any]],
    quarantine: dict[str, Counter[str]],
    validation: ValidationReport | None,
) -> ReadinessReport:
    scores = {b.business_id: b for b in assessment.businesses} if assessment else {}
    results = []
    for business_id in businesses:
        spec = catalog.business(business_id)
        reasons: list[str] = []
        score = scores.get(spec.business_id)
        if score is None:
            reasons.append("Fit & Gap not assessed")
        else:
            if score.forced_gaps_unresolved > thresholds.max_forced_gaps_unresolved:
                reasons.append(f"{score.forced_gaps_unresolved} unresolved forced gaps")
            if score.mandatory_undecided > thresholds.max_mandatory_undecided:
                reasons.append(f"{score.mandatory_undecided} 実装必須機能 undecided")
            if score.readiness < thresholds.min_assessment_readiness:
                reasons.append(
                    f"assessment readiness {score.readiness:.0%} < {thresholds.min_assessment_readiness:.0%}"
                )
        tables = [table_name(spec.business_id, g.name) for g in spec.layouts]
        converted = [t for t in tables if t in records]
        read = sum(records[t]["read"] for t in converted)
        loaded = sum(records[t]["loaded"] for t in converted)
        quarantined = sum(records[t]["quarantined"] for t in converted)
        reconciled = all(records[t]["reconciled"] for t in converted) if converted else None
        rate = quarantined / read if read else None
        conversion: Part = "n/a" if not tables else "done" if converted else "missing"
        if conversion == "missing":
            reasons.append("no data converted yet")
        elif conversion == "done":
            if not reconciled:
                reasons.append("a conversion run failed or does not reconcile")
            if rate is not None and rate > thresholds.max_quarantine_rate:
                reasons.append(f"quarantine {rate:.2%} > {thresholds.max_quarantine_rate:.2%}")
        by_reason: Counter[str] = Counter()
        for t in converted:
            by_reason.update(quarantine.get(t, Counter()))
        checked = [t for t in (validation.tables if validation else ()) if t.table in converted]
        errors = warnings = None
        validation_part: Part = "n/a" if not converted else "done" if checked else "missing"
        if checked:
            errors = sum(
                1
                for t in checked
                for r in t.rules
                if r.status in ("failed", "error") and (r.severity == "error" or r.status == "error")
            )
            errors += sum(1 for t in checked for c in t.run_checks if c.status == "failed")
            warnings = sum(1 for t in checked for r in t.rules if r.status == "failed" and r.severity == "warning")
            if errors > thresholds.max_validation_errors:
                reasons.append(f"{errors} validation errors")
        elif validation_part == "missing":
            reasons.append("converted data not validated")
        results.append(
            BusinessReadiness(
                business_id=spec.business_id,
                name=spec.name,
                verdict="NO-GO" if reasons else "GO",
                reasons=tuple(reasons),
                assessed=score is not None,
                forced_gaps_unresolved=score.forced_gaps_unresolved if score else None,
                mandatory_undecided=score.mandatory_undecided if score else None,
                open_actions=score.open_actions if score else None,
                assessment_readiness=round(score.readiness, 4) if score else None,
                conversion=conversion,
                rows_read=read,
                rows_loaded=loaded,
                rows_quarantined=quarantined,
                quarantine_rate=round(rate, 6) if rate is not None else None,
                reconciled=reconciled,
                quarantine_by_reason=dict(sorted(by_reason.items())),
                validation=validation_part,
                validation_errors=errors,
                validation_warnings=warnings,
            )
        )
    go = sum(1 for r in results if r.verdict == "GO")
    return ReadinessReport(
        municipality=municipality,
        catalog_sample=catalog.is_sample,
        thresholds=thresholds,
        businesses=tuple(results),
        go=go,
        no_go=len(results) - go,
    )


def readiness_document(report: ReadinessReport, lang: str = "ja") -> Document:
    ja = lang == "ja"

    def t(j: str, e: str) -> str:
        return j if ja else e

    def pct(value: float | None) -> float | None:
        return value

    rows = []
    styles: list[RowStyle | None] = []
    for b in report.businesses:
        rows.append(
            (
                b.business_id,
                b.name,
                b.verdict,
                b.forced_gaps_unresolved,
                b.mandatory_undecided,
                pct(b.assessment_readiness),
                b.conversion,
                b.rows_read,
                b.rows_quarantined,
                pct(b.quarantine_rate),
                b.validation,
                b.validation_errors,
                "; ".join(b.reasons),
            )
        )
        styles.append("danger" if b.verdict == "NO-GO" else None)
    summary = Table(
        title=t("業務別の移行判定", "Go / no-go per business"),
        sheet=t("判定", "Verdicts"),
        columns=(
            Column(header=t("業務ID", "Business")),
            Column(header=t("業務名", "Name")),
            Column(header=t("判定", "Verdict")),
            Column(
                header=t("未解消の強制ギャップ", "Unresolved forced gaps"), format="integer", scale="alert_if_positive"
            ),
            Column(header=t("未判定の実装必須", "Mandatory undecided"), format="integer", scale="alert_if_positive"),
            Column(header=t("準備度", "Assessment readiness"), format="percent", scale="higher_is_better"),
            Column(header=t("変換", "Conversion")),
            Column(header=t("読込行", "Rows read"), format="integer"),
            Column(header=t("隔離行", "Rows quarantined"), format="integer"),
            Column(header=t("隔離率", "Quarantine rate"), format="percent"),
            Column(header=t("検証", "Validation")),
            Column(header=t("検証エラー", "Validation errors"), format="integer", scale="alert_if_positive"),
            Column(header=t("理由", "Reasons")),
        ),
        rows=tuple(rows),
        row_styles=tuple(styles),
    )
    quarantine_rows = tuple(
        (b.business_id, b.name, reason, count)
        for b in report.businesses
        for reason, count in b.quarantine_by_reason.items()
    )
    quarantine = Table(
        title=t("隔離の理由", "Quarantine by reason"),
        sheet=t("隔離", "Quarantine"),
        columns=(
            Column(header=t("業務ID", "Business")),
            Column(header=t("業務名", "Name")),
            Column(header=t("理由コード", "Reason")),
            Column(header=t("行数", "Rows"), format="integer"),
        ),
        rows=quarantine_rows,
    )
    thresholds = Table(
        title=t("判定基準", "Thresholds"),
        sheet=t("基準", "Thresholds"),
        columns=(Column(header=t("基準", "Threshold")), Column(header=t("値", "Value"))),
        rows=tuple((k, str(v)) for k, v in report.thresholds.model_dump().items()),
    )
    chart = Chart(
        title=t("業務別の準備度（Fit & Gap）", "Assessment readiness per business"),
        categories=tuple(b.business_id for b in report.businesses),
        series=(
            Series(
                name=t("準備度 %", "Readiness %"),
                values=tuple(round((b.assessment_readiness or 0) * 100, 1) for b in report.businesses),
            ),
        ),
        sheet=summary.sheet,
        y_title="%",
    )
    return Document(
        title=t("移行準備状況レポート", "Cutover readiness report"),
        note=SAMPLE_NOTE if report.catalog_sample else None,
        facts=((t("団体", "Municipality"), report.municipality), ("GO", str(report.go)), ("NO-GO", str(report.no_go))),
        tables=(summary, quarantine, thresholds),
        charts=(chart,),
        lang="ja" if ja else "en",
    )


def latest_snapshot(history: Path) -> Path | None:
    snapshots = sorted(history.glob("*.json")) if history.is_dir() else []
    return snapshots[-1] if snapshots else None
