"""The Fit & Gap engine: template, reading and scoring, report, suggestions, history.

Public API: :func:`score_workbook` and :func:`write_report`; the template is
:func:`fitgap.assessment.template.write_template`, suggestions :mod:`fitgap.assessment.suggest`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from fitgap.assessment.history import load_history, save_snapshot, trend
from fitgap.assessment.models import FilledAssessment
from fitgap.assessment.reader import read_assessment
from fitgap.assessment.report import report_document
from fitgap.assessment.scoring import GateRules, ScoreReport, score
from reports.tables import Cell
from spec_catalog.importers.workbook import WorkbookValues
from spec_catalog.models import Catalog


def score_workbook(
    path: Path,
    catalog: Catalog,
    as_of: dt.date,
    gate: GateRules | None = None,
    history: Path | None = None,
    values: WorkbookValues | None = None,
) -> tuple[ScoreReport, FilledAssessment]:
    """Read and score a filled workbook; with ``history``, keep a snapshot there and add the trend. ``values``: the
    workbook's values when already read (:mod:`fitgap.assessment.ahead`)."""
    assessment = read_assessment(path, catalog, values)
    report = score(assessment, catalog, as_of, gate)
    if history is not None:
        save_snapshot(report, history)
        report = report.model_copy(update={"trend": trend(load_history(history))})
    return report, assessment


def function_rows(assessment: FilledAssessment) -> dict[str, list[tuple[Cell, ...]]]:
    rows: dict[str, list[tuple[Cell, ...]]] = {}
    for r in assessment.functions:
        rows.setdefault(r.business_id, []).append(
            (
                r.function_id,
                r.name,
                r.function_class.value,
                r.current_use.value if r.current_use else "",
                r.practice,
                r.gap_class.value if r.gap_class else "",
                r.policy,
                r.owner,
                r.due.isoformat() if r.due else "",
                r.status.value if r.status else "",
            )
        )
    return rows


def write_report(
    report: ScoreReport,
    assessment: FilledAssessment,
    xlsx: Path | None,
    html: Path | None,
    lang: Literal["ja", "en"] = "ja",
    municipality: str | None = None,
) -> None:
    """The report in Excel and HTML (each when given); ``municipality``: the 団体名 when the workbook records none."""
    from reports.excel_report import write_document
    from reports.html import write_html

    document = report_document(report, function_rows(assessment), lang, municipality)
    if xlsx is not None:
        write_document(document, xlsx)
    if html is not None:
        write_html(document, html)
