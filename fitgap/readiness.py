"""Cutover readiness per business: Fit & Gap status, conversion records and validation, against thresholds.

A business is GO when every part that applies to it meets the project's thresholds; a part that applies but
has no data yet (not assessed, not converted, not validated) is a NO-GO reason of its own. Conversion and
validation do not apply to a business the catalog has no data layout for (it says so).

The latest 現新比較 of each business (``fitgap reconcile run`` of its published runs, ``fitgap reconcile results``
given with its 業務ID) is shown beside it: more unexplained differences than the threshold is a NO-GO reason; a
business not reconciled yet shows 未実施 (no NO-GO of its own), and a reconciliation of a run that is no longer
the published one does not count.

The 文字同定 of each converted business (its characters by class against MJ) is shown beside the verdict: an
unidentified character (a 外字 without a decision, a character not in MJ) is a warning, not a NO-GO reason.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from fitgap import __version__
from fitgap.assessment.history import load_snapshot, recorded_order, scored_at
from fitgap.assessment.report import Lang, next_action
from fitgap.assessment.scoring import BusinessScore, ScoreReport
from fitgap.project import Thresholds
from reports.catalog import SAMPLE_NOTES
from reports.clock import local_time
from reports.palette import VERDICT_COLOURS
from reports.tables import Cell, Chart, Column, Document, Kpi, RowStyle, Series, Summary, Table
from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code, info
from spec_catalog.database import (
    ReconcileKind,
    ReconcileRecord,
    RunStatus,
    connect_read_only,
    converted_tables,
    quarantine_counts,
    read_reconciliations,
    read_runs,
)
from spec_catalog.mj import CharClass
from spec_catalog.models import BusinessSpec, Catalog, catalog_label, table_name
from spec_catalog.vocab import business_label
from validation import ValidationReport

Part = Literal["done", "missing", "n/a"]


class ReadinessReason(FrozenModel):
    """Why a business is NO-GO: a code of the catalogue and its message in both languages."""

    code: Code
    ja: str
    en: str

    def text(self, lang: str = "ja") -> str:
        return self.ja if lang == "ja" else self.en


def _reason(code: Code, **values: object) -> ReadinessReason:
    entry = info(code)
    return ReadinessReason(code=code, ja=entry.message("ja", **values), en=entry.message("en", **values))


class CharacterStatus(FrozenModel):
    """文字同定 of a business's converted tables: the distinct characters of their Ｎ items by class, and how many
    are not identified yet (a 外字 no decision maps, a character not in MJ)."""

    tables: tuple[str, ...]
    distinct: int
    jis_x0208: int  # ASCII and JIS X 0201 included
    jis_x0213: int  # in JIS X 0213, not in JIS X 0208
    mj: int  # MJ characters beyond JIS X 0213 (with a UCS, or needing an IVS)
    gaiji_decided: int  # private use, mapped by the 外字 table given (convert again to apply it)
    gaiji_undecided: int  # private use, mapped by no decision
    not_in_mj: int
    unidentified: int  # gaiji_undecided + not_in_mj
    status: str  # 同定済, or 未同定 N 字

    def status_text(self, lang: str = "ja") -> str:
        if lang == "ja":
            return self.status
        return "identified" if not self.unidentified else f"{self.unidentified} unidentified"


# The classes of moji scan, as the readiness counts them.
_CLASS_COLUMNS: dict[CharClass, str] = {
    CharClass.BASIC: "jis_x0208",
    CharClass.JIS_X0208: "jis_x0208",
    CharClass.JIS_X0213: "jis_x0213",
    CharClass.MJ_UCS: "mj",
    CharClass.MJ_IVS: "mj",
    CharClass.MJ_CODE_ONLY: "mj",
    CharClass.PUA_MAPPED: "gaiji_decided",
    CharClass.PUA_UNMAPPED: "gaiji_undecided",
    CharClass.NOT_IN_MJ: "not_in_mj",
}


def character_status(counts: Mapping[CharClass, int], tables: tuple[str, ...]) -> CharacterStatus:
    """The status from the distinct characters per class that ``moji scan`` counted over ``tables``."""
    fields = dict.fromkeys(_CLASS_COLUMNS.values(), 0)
    for char_class, distinct in counts.items():
        fields[_CLASS_COLUMNS[char_class]] += distinct
    unidentified = fields["gaiji_undecided"] + fields["not_in_mj"]
    return CharacterStatus(
        tables=tables,
        distinct=sum(counts.values()),
        **fields,
        unidentified=unidentified,
        status="同定済" if not unidentified else f"未同定 {unidentified} 字",
    )


def character_statuses(
    db: Path, catalog: Catalog, businesses: tuple[str, ...], gaiji: Mapping[str, str] | None = None
) -> dict[str, CharacterStatus]:
    """Per business with converted tables: ``moji scan`` over their Ｎ items (the database read-only; the
    counting runs in DuckDB). ``gaiji``: the 外字 table decided, which tells a decided 外字 from an undecided one."""
    from fitgap.moji.scan import scan_database

    if not db.exists():
        return {}
    con = connect_read_only(db)
    try:
        available = set(converted_tables(con))
    finally:
        con.close()
    found: dict[str, CharacterStatus] = {}
    for business in businesses:
        spec = catalog.business(business)
        tables = [t for g in spec.layouts if (t := table_name(business, g.name)) in available]
        if not tables:
            continue
        scan = scan_database(db, catalog, tables=tables, gaiji=gaiji)
        if not scan.tables:
            continue  # no Ｎ item in its tables: nothing to identify
        found[business] = character_status({c.char_class: c.distinct for c in scan.by_class}, scan.tables)
    return found


class ComparisonStatus(FrozenModel):
    """現新比較 of a business: its latest reconciliations (data, of the published runs; results) summed up."""

    reconciliations: tuple[str, ...]  # their ids
    compared: int
    explained: int
    unexplained: int  # unexplained differences and control totals beyond tolerance
    status: str  # 一致, 差異 N 件

    def status_text(self, lang: str = "ja") -> str:
        if lang == "ja":
            return self.status
        return "matched" if not self.unexplained else f"{self.unexplained} unexplained"


def comparison_records(db: Path) -> list[ReconcileRecord]:
    """The latest reconciliation of each subject recorded in the database (none without a database)."""
    if not db.exists():
        return []
    con = connect_read_only(db)
    try:
        return read_reconciliations(con)
    finally:
        con.close()


def comparison_status(business: str, records: Sequence[ReconcileRecord], run_ids: set[str]) -> ComparisonStatus | None:
    """The business's status from ``records``; a data reconciliation counts only for a run still published
    (``run_ids``: the last runs of its tables)."""
    mine = [
        r
        for r in records
        if r.business == business
        and (r.kind is ReconcileKind.RESULTS or (r.run_id is not None and r.run_id in run_ids))
    ]
    if not mine:
        return None
    unexplained = sum(r.unexplained for r in mine)
    return ComparisonStatus(
        reconciliations=tuple(r.reconcile_id for r in mine),
        compared=sum(r.compared for r in mine),
        explained=sum(r.explained for r in mine),
        unexplained=unexplained,
        status="一致" if not unexplained else f"差異 {unexplained} 件",
    )


class BusinessReadiness(FrozenModel):
    business_id: str
    name: str
    verdict: Literal["GO", "NO-GO"]
    reasons: tuple[ReadinessReason, ...]
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
    characters: CharacterStatus | None = None  # 文字同定 of its converted tables (None: nothing converted)
    comparison: ComparisonStatus | None = None  # 現新比較 (None: not reconciled yet)


class AssessmentInput(FrozenModel):
    """The scored assessment a readiness report read."""

    snapshot: str | None  # the snapshot file (None: scored in memory and not kept)
    workbook: str  # the filled workbook that was scored
    as_of: dt.date  # its 基準日
    scored_at: dt.datetime | None  # when it was scored (None: not recorded)


class ValidationInput(FrozenModel):
    """The validation a readiness report read."""

    database: str
    created: dt.datetime | None  # when it ran (None: a report of an earlier fitgap)
    suites: str | None


class CatalogInput(FrozenModel):
    name: str
    sample: bool
    versions: dict[str, str | None]  # 業務ID -> the version of its 標準仕様書, for the businesses in scope


class CharactersInput(FrozenModel):
    """What the 文字同定 status was classed with: the 外字 table given, and the MJ data's attribution."""

    gaiji_table: str | None
    attribution: str


class ReadinessInputs(FrozenModel):
    """What a readiness report was made from, by which tool, and when: every report says so."""

    assessment: AssessmentInput | None
    conversion_runs: tuple[str, ...]  # run ids of the last run of each mapping into a table in scope
    validation: ValidationInput | None
    catalog: CatalogInput
    characters: CharactersInput | None = None  # None: no converted table was scanned
    tool_version: str
    created: dt.datetime  # 作成日時, with its UTC offset


class ReadinessReport(FrozenModel):
    municipality: str
    catalog_sample: bool
    thresholds: Thresholds
    businesses: tuple[BusinessReadiness, ...]
    go: int
    no_go: int
    inputs: ReadinessInputs
    # 対応完了率 of the assessment over the businesses in scope that it assessed (None: none assessed)
    assessment_readiness: float | None = None


class TableRecord(FrozenModel):
    """A converted table's conversion records: the last run of each mapping that writes it, summed up."""

    table: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reconciled: bool = True  # every last run succeeded and reconciled
    quarantine_by_reason: dict[str, int] = Field(default_factory=dict)
    run_ids: tuple[str, ...] = ()  # the last run of each mapping that writes it


def conversion_records(db: Path) -> dict[str, TableRecord]:
    """Per target table, from the database's run records (empty when there is no database yet)."""
    if not db.exists():
        return {}
    con = connect_read_only(db)
    try:
        runs = read_runs(con, latest_only=True)
        reasons = quarantine_counts(con)
    finally:
        con.close()
    records: dict[str, TableRecord] = {}
    for run in runs:
        old = records.get(run.target_table) or TableRecord(table=run.target_table)
        records[run.target_table] = old.model_copy(
            update={
                "rows_read": old.rows_read + (run.rows_read or 0),
                "rows_loaded": old.rows_loaded + (run.rows_loaded or 0),
                "rows_quarantined": old.rows_quarantined + (run.rows_quarantined or 0),
                "reconciled": old.reconciled and run.status is RunStatus.SUCCEEDED and bool(run.reconciled),
                "quarantine_by_reason": reasons.get(run.target_table, {}),
                "run_ids": (*old.run_ids, run.run_id),
            }
        )
    return records


def _assessment_reasons(score: BusinessScore | None, thresholds: Thresholds) -> list[ReadinessReason]:
    if score is None:
        return [_reason(Code.READINESS_NOT_ASSESSED)]
    reasons = []
    if score.forced_gaps_unresolved > thresholds.max_forced_gaps_unresolved:
        reasons.append(_reason(Code.READINESS_FORCED_GAPS, count=score.forced_gaps_unresolved))
    if score.mandatory_undecided > thresholds.max_mandatory_undecided:
        reasons.append(_reason(Code.READINESS_MANDATORY_UNDECIDED, count=score.mandatory_undecided))
    if score.readiness < thresholds.min_assessment_readiness:
        reasons.append(
            _reason(
                Code.READINESS_ASSESSMENT_LOW,
                value=f"{score.readiness:.0%}",
                threshold=f"{thresholds.min_assessment_readiness:.0%}",
            )
        )
    return reasons


def _business(
    spec: BusinessSpec,
    thresholds: Thresholds,
    score: BusinessScore | None,
    records: dict[str, TableRecord],
    validation: ValidationReport | None,
    characters: CharacterStatus | None = None,
    comparisons: Sequence[ReconcileRecord] = (),
) -> BusinessReadiness:
    reasons = _assessment_reasons(score, thresholds)
    tables = [table_name(spec.business_id, g.name) for g in spec.layouts]
    converted = [records[t] for t in tables if t in records]
    read = sum(r.rows_read for r in converted)
    quarantined = sum(r.rows_quarantined for r in converted)
    reconciled = all(r.reconciled for r in converted) if converted else None
    rate = quarantined / read if read else None
    conversion: Part = "n/a" if not tables else "done" if converted else "missing"
    if conversion == "missing":
        reasons.append(_reason(Code.READINESS_NOT_CONVERTED))
    elif conversion == "done":
        if not reconciled:
            reasons.append(_reason(Code.READINESS_CONVERSION_FAILED))
        if rate is not None and rate > thresholds.max_quarantine_rate:
            reasons.append(
                _reason(
                    Code.READINESS_QUARANTINE_HIGH,
                    value=f"{rate:.2%}",
                    threshold=f"{thresholds.max_quarantine_rate:.2%}",
                )
            )
    by_reason: Counter[str] = Counter()
    for r in converted:
        by_reason.update(r.quarantine_by_reason)
    names = {r.table for r in converted}
    checked = [t for t in (validation.tables if validation else ()) if t.table in names]
    errors = sum(t.errors for t in checked) if checked else None
    warnings = sum(t.warnings for t in checked) if checked else None
    validation_part: Part = "n/a" if not converted else "done" if checked else "missing"
    if errors is not None and errors > thresholds.max_validation_errors:
        reasons.append(_reason(Code.READINESS_VALIDATION_ERRORS, count=errors))
    elif validation_part == "missing":
        reasons.append(_reason(Code.READINESS_NOT_VALIDATED))
    comparison = comparison_status(spec.business_id, comparisons, {run for r in converted for run in r.run_ids})
    if comparison is not None and comparison.unexplained > thresholds.max_reconcile_differences:
        reasons.append(_reason(Code.READINESS_RECONCILE_DIFFERENCES, count=comparison.unexplained))
    return BusinessReadiness(
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
        rows_loaded=sum(r.rows_loaded for r in converted),
        rows_quarantined=quarantined,
        quarantine_rate=round(rate, 6) if rate is not None else None,
        reconciled=reconciled,
        quarantine_by_reason=dict(sorted(by_reason.items())),
        validation=validation_part,
        validation_errors=errors,
        validation_warnings=warnings,
        characters=characters,
        comparison=comparison,
    )


def _inputs(
    specs: list[BusinessSpec],
    catalog: Catalog,
    assessment: ScoreReport | None,
    assessment_file: Path | None,
    records: dict[str, TableRecord],
    validation: ValidationReport | None,
) -> ReadinessInputs:
    tables = [table_name(s.business_id, g.name) for s in specs for g in s.layouts]
    return ReadinessInputs(
        assessment=AssessmentInput(
            snapshot=str(assessment_file) if assessment_file is not None else None,
            workbook=assessment.file,
            as_of=assessment.as_of,
            scored_at=scored_at(assessment),
        )
        if assessment is not None
        else None,
        conversion_runs=tuple(run for t in tables if t in records for run in records[t].run_ids),
        validation=ValidationInput(database=validation.database, created=validation.created, suites=validation.suites)
        if validation is not None
        else None,
        catalog=CatalogInput(
            name=catalog.name, sample=catalog.is_sample, versions={s.business_id: s.spec_version for s in specs}
        ),
        tool_version=f"fitgap {__version__}",
        created=dt.datetime.now().astimezone().replace(microsecond=0),
    )


def assess_readiness(
    municipality: str,
    businesses: tuple[str, ...],
    catalog: Catalog,
    thresholds: Thresholds,
    assessment: ScoreReport | None,
    records: dict[str, TableRecord],
    validation: ValidationReport | None,
    *,
    assessment_file: Path | None = None,
    characters: Mapping[str, CharacterStatus] | None = None,
    gaiji_table: Path | None = None,
    comparisons: Sequence[ReconcileRecord] = (),
) -> ReadinessReport:
    """GO / NO-GO for each business in scope, with the reasons and the inputs it was made from
    (``assessment_file``: the snapshot ``assessment`` was read from; ``characters``: the 文字同定 status per
    business, see :func:`character_statuses`, classed with the 外字 table ``gaiji_table``)."""
    from spec_catalog.mj import ATTRIBUTION

    scores = {b.business_id: b for b in assessment.businesses} if assessment else {}
    specs = [catalog.business(b) for b in businesses]
    chars = characters or {}
    results = [
        _business(
            spec,
            thresholds,
            scores.get(spec.business_id),
            records,
            validation,
            chars.get(spec.business_id),
            comparisons,
        )
        for spec in specs
    ]
    go = sum(1 for r in results if r.verdict == "GO")
    assessed = [scores[s.business_id] for s in specs if s.business_id in scores]
    work_items = sum(s.work_items for s in assessed)
    readiness = sum(s.work_done for s in assessed) / work_items if work_items else 1.0 if assessed else None
    inputs = _inputs(specs, catalog, assessment, assessment_file, records, validation)
    if chars:
        scanned = CharactersInput(gaiji_table=str(gaiji_table) if gaiji_table else None, attribution=ATTRIBUTION)
        inputs = inputs.model_copy(update={"characters": scanned})
    return ReadinessReport(
        municipality=municipality,
        catalog_sample=catalog.is_sample,
        thresholds=thresholds,
        businesses=tuple(results),
        go=go,
        no_go=len(results) - go,
        inputs=inputs,
        assessment_readiness=round(readiness, 4) if readiness is not None else None,
    )


def _time(value: dt.datetime | None) -> str:
    # Asia/Tokyo wall-clock time, as the page header and footer print it
    return local_time(value).strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def _versions(catalog: CatalogInput, ja: bool) -> str:
    """Each version once, with the businesses that have it: 第5.0版 (001, 002 …)."""
    by_version: dict[str, list[str]] = {}
    for business_id, version in catalog.versions.items():
        by_version.setdefault(version or ("版不明" if ja else "version unknown"), []).append(business_id)
    return "; ".join(f"{v} ({', '.join(ids)})" for v, ids in by_version.items())


def input_facts(inputs: ReadinessInputs, lang: str = "ja") -> tuple[tuple[str, str], ...]:
    """What the report was made from, as the facts at its top."""
    ja = lang == "ja"
    a, v = inputs.assessment, inputs.validation
    suites = v.suites if v is not None and v.suites != "generated" else ("カタログから生成" if ja else "generated")
    sample = (" — サンプル" if ja else " — SAMPLE") if inputs.catalog.sample else ""
    assessment = (
        f"{a.snapshot or a.workbook} ({'基準日' if ja else 'as of'} {a.as_of.isoformat()}, "
        f"{'採点' if ja else 'scored'} {_time(a.scored_at)})"
        if a is not None
        else "—"
    )
    return (
        ("評価スナップショット" if ja else "Assessment snapshot", assessment),
        ("変換の実行ID" if ja else "Conversion runs", ", ".join(inputs.conversion_runs) or "—"),
        (
            "検証" if ja else "Validation",
            (
                f"{v.database}（{_time(v.created)}、スイート: {suites or '—'}）"
                if ja
                else f"{v.database} ({_time(v.created)}, suites {suites or '—'})"
            )
            if v
            else "—",
        ),
        (
            "カタログ" if ja else "Catalog",
            f"{catalog_label(inputs.catalog.name)}{sample}: {_versions(inputs.catalog, ja)}",
        ),
        ("ツール" if ja else "Tool", inputs.tool_version),
        ("作成日時" if ja else "Created", _time(inputs.created)),
        *_character_facts(inputs.characters, ja),
    )


def _character_facts(characters: CharactersInput | None, ja: bool) -> tuple[tuple[str, str], ...]:
    if characters is None:
        return ()
    return (
        ("文字同定の外字表" if ja else "文字同定: 外字 table", characters.gaiji_table or "—"),
        ("文字データ" if ja else "Character data", characters.attribution),
    )


# The conversion and validation parts as a person reads them (the JSON keeps done / missing / n/a).
PART_LABELS: dict[str, tuple[str, str]] = {
    "done": ("済", "done"),
    "missing": ("未実施", "not yet"),
    "n/a": ("対象外", "n/a"),  # no data layout in the catalog; for validation: nothing converted
}
# The thresholds by their names in the project settings: (Japanese, English) and whether the value is a rate.
THRESHOLD_LABELS: dict[str, tuple[str, str, bool]] = {
    "max_forced_gaps_unresolved": ("未対応の要廃止機能（上限）", "Unresolved forced gaps (at most)", False),
    "max_mandatory_undecided": ("未判定の実装必須機能（上限）", "Undecided 実装必須機能 (at most)", False),
    "min_assessment_readiness": ("対応完了率（下限）", "Assessment readiness (at least)", True),
    "max_quarantine_rate": ("移行エラー率（上限）", "Quarantine rate (at most)", True),
    "max_validation_errors": ("検証エラー（上限）", "Validation errors (at most)", False),
    "max_reconcile_differences": ("現新比較の説明のない差異（上限）", "Unexplained differences (at most)", False),
}
# 次の対応 for each NO-GO reason, in the order of the work (assess, convert, validate, reconcile): {count} is
# the total over the businesses it holds back, {threshold} the project's.
_ACTIONS: dict[Code, tuple[str, str]] = {
    Code.READINESS_NOT_ASSESSED: (
        "Fit & Gap 調査票を記入して採点する",
        "fill in and score the Fit & Gap assessment",
    ),
    Code.READINESS_FORCED_GAPS: (
        "要廃止の実装不可機能 {count} 件の廃止を完了する",
        "retire {count} prohibited function(s) still in use",
    ),
    Code.READINESS_MANDATORY_UNDECIDED: (
        "未判定の実装必須機能 {count} 件を判定する",
        "decide {count} undecided 実装必須機能",
    ),
    Code.READINESS_ASSESSMENT_LOW: (
        "対応完了率を {threshold} 以上にする",
        "raise the assessment readiness to {threshold} or more",
    ),
    Code.READINESS_NOT_CONVERTED: ("データを変換する", "convert the data"),
    Code.READINESS_CONVERSION_FAILED: (
        "失敗した変換・件数の合わない変換を調べて変換し直す",
        "look into the failed or unreconciled conversion runs and convert again",
    ),
    Code.READINESS_QUARANTINE_HIGH: (
        "移行エラー行を直して移行エラー率を {threshold} 以下にする",
        "fix the quarantined rows to bring the quarantine rate to {threshold} or less",
    ),
    Code.READINESS_NOT_VALIDATED: (
        "変換データを検証する",
        "validate the converted data",
    ),
    Code.READINESS_VALIDATION_ERRORS: ("検証エラー {count} 件を直す", "fix {count} validation error(s)"),
    Code.READINESS_RECONCILE_DIFFERENCES: (
        "現新比較の説明のない差異 {count} 件を説明するか直す",
        "explain or fix {count} unexplained difference(s) of the reconciliation",
    ),
}
# The reasons about a rate: the threshold's setting, and how the reason text shows the rate.
_RATES: dict[Code, tuple[str, str]] = {
    Code.READINESS_ASSESSMENT_LOW: ("min_assessment_readiness", "{:.0%}"),
    Code.READINESS_QUARANTINE_HIGH: ("max_quarantine_rate", "{:.2%}"),
}
TOP_ROWS = 10  # the summary's table must fit its page


def _name(b: BusinessReadiness) -> str:
    # A part is named with the business it belongs to (014 収納管理（税）), so 選挙 and 税 read as one family.
    return business_label(b.business_id, b.name, with_id=False)


def part_text(part: Part, lang: str = "ja") -> str:
    """済 / 未実施 / 対象外 (done / not yet / n/a)."""
    return PART_LABELS[part][0 if lang == "ja" else 1]


def _figure(code: Code, b: BusinessReadiness) -> float | None:
    """The figure of a business behind a reason: a count, or its rate today (None: the reason has none)."""
    figures: dict[Code, float | None] = {
        Code.READINESS_FORCED_GAPS: b.forced_gaps_unresolved,
        Code.READINESS_MANDATORY_UNDECIDED: b.mandatory_undecided,
        Code.READINESS_ASSESSMENT_LOW: b.assessment_readiness,
        Code.READINESS_QUARANTINE_HIGH: b.quarantine_rate,
        Code.READINESS_VALIDATION_ERRORS: b.validation_errors,
        Code.READINESS_RECONCILE_DIFFERENCES: b.comparison.unexplained if b.comparison is not None else None,
    }
    return figures.get(code)


def next_actions(report: ReadinessReport, lang: str = "ja") -> tuple[str, ...]:
    """次の対応: one line per NO-GO reason, in the order of the work, naming the businesses it holds back (the
    business and its figure today when there is one, else their 業務ID with their figures)."""
    language: Lang = "ja" if lang == "ja" else "en"
    unit = " 件" if language == "ja" else ""
    lines = []
    for code, (ja, en) in _ACTIONS.items():
        having = [b for b in report.businesses if any(r.code is code for r in b.reasons)]
        if not having:
            continue
        template = ja if language == "ja" else en
        figures = [_figure(code, b) or 0 for b in having]
        details: list[str | None]
        if code in _RATES:
            setting, shown = _RATES[code]
            sentence = template.format(threshold=shown.format(getattr(report.thresholds, setting)))
            details = [shown.format(f) for f in figures]
        elif "{count}" in template:
            sentence = template.format(count=int(sum(figures)))
            details = [f"{int(f)}{unit}" for f in figures]
        else:
            sentence, details = template, [None for _ in having]
        found = [(b.business_id, _name(b), d) for b, d in zip(having, details, strict=True)]
        lines.append(next_action(sentence, found, language, now=code in _RATES))
    return tuple(lines)


def _kpis(report: ReadinessReport, lang: str) -> tuple[Kpi, ...]:
    """業務数, GO, NO-GO and the figures behind the reasons over the businesses in scope: bad when a business is
    NO-GO for it."""
    ja = lang == "ja"
    businesses = report.businesses

    def status(value: Cell, *codes: Code) -> Literal["good", "bad", "neutral"]:
        """Bad when a business is NO-GO for one of ``codes``; neutral when there is no figure yet."""
        if any(r.code in codes for b in businesses for r in b.reasons):
            return "bad"
        return "neutral" if value is None else "good"

    read = sum(b.rows_read for b in businesses)
    quarantine = round(sum(b.rows_quarantined for b in businesses) / read, 6) if read else None
    checked = [b.validation_errors for b in businesses if b.validation_errors is not None]
    errors = sum(checked) if checked else None
    compared = [b.comparison.unexplained for b in businesses if b.comparison is not None]
    unexplained = sum(compared) if compared else None
    return (
        Kpi(label="業務数" if ja else "Businesses", value=len(businesses), format="integer"),
        Kpi(label="GO", value=report.go, format="integer", status="good" if report.go else "neutral"),
        Kpi(label="NO-GO", value=report.no_go, format="integer", status="bad" if report.no_go else "good"),
        Kpi(
            label="対応完了率" if ja else "Assessment readiness",
            value=report.assessment_readiness,
            format="percent",
            status=status(report.assessment_readiness, Code.READINESS_NOT_ASSESSED, Code.READINESS_ASSESSMENT_LOW),
        ),
        Kpi(
            label="移行エラー率" if ja else "Quarantine rate",
            value=quarantine,
            format="percent",
            status=status(quarantine, Code.READINESS_QUARANTINE_HIGH),
        ),
        Kpi(
            label="検証エラー" if ja else "Validation errors",
            value=errors,
            format="integer",
            status=status(errors, Code.READINESS_VALIDATION_ERRORS),
        ),
        Kpi(
            label="現新比較の説明のない差異" if ja else "Unexplained differences",
            value=unexplained,
            format="integer",
            status=status(unexplained, Code.READINESS_RECONCILE_DIFFERENCES),
        ),
    )


def _top(report: ReadinessReport, lang: str) -> Table:
    """The NO-GO businesses with their main reason (the first, in the order of the work)."""
    ja = lang == "ja"
    no_go = [b for b in report.businesses if b.verdict == "NO-GO"]
    shown = no_go[:TOP_ROWS]
    more = len(no_go) - len(shown)
    return Table(
        title=f"NO-GO の業務（主な理由、上位 {TOP_ROWS} 業務）"
        if ja
        else f"NO-GO businesses (main reason, first {TOP_ROWS})",
        columns=(
            Column(header="業務ID" if ja else "Business"),
            Column(header="業務名" if ja else "Name"),
            Column(header="主な理由" if ja else "Main reason"),
            Column(header="理由の数" if ja else "Reasons", format="integer"),
        ),
        rows=tuple((b.business_id, _name(b), b.reasons[0].text(lang), len(b.reasons)) for b in shown),
        row_styles=tuple("danger" for _ in shown),
        note=(
            f"ほか {more} 業務は「業務別の移行判定」にあります。"
            if ja
            else f"{more} more in the verdicts per business."
        )
        if more > 0
        else None,
    )


def readiness_summary(report: ReadinessReport, lang: str = "ja") -> Summary:
    """The one-page summary (A4 一枚): GO / NO-GO, key figures, the NO-GO businesses, next actions."""
    ja = lang == "ja"
    return Summary(
        title="移行準備状況の要約" if ja else "Cutover readiness at a glance",
        verdict=f"GO {report.go} / NO-GO {report.no_go}",
        verdict_status="good" if not report.no_go else "bad",
        kpis=_kpis(report, lang),
        top=_top(report, lang),
        actions=next_actions(report, lang),
    )


def readiness_document(report: ReadinessReport, lang: str = "ja") -> Document:
    ja = lang == "ja"

    def t(j: str, e: str) -> str:
        return j if ja else e

    rows = []
    styles: list[RowStyle | None] = []
    for b in report.businesses:
        rows.append(
            (
                b.business_id,
                _name(b),
                b.verdict,
                b.forced_gaps_unresolved,
                b.mandatory_undecided,
                b.assessment_readiness,
                part_text(b.conversion, lang),
                b.rows_read,
                b.rows_quarantined,
                b.quarantine_rate,
                part_text(b.validation, lang),
                b.validation_errors,
                b.characters.status_text(lang) if b.characters else None,
                b.comparison.status_text(lang)
                if b.comparison
                else (t("未実施", "not yet") if b.conversion == "done" else None),
                ("、" if lang == "ja" else "; ").join(r.text(lang) for r in b.reasons),
            )
        )
        unidentified = b.characters is not None and b.characters.unidentified > 0
        styles.append("danger" if b.verdict == "NO-GO" else "warning" if unidentified else None)
    summary = Table(
        title=t("業務別の移行判定", "Go / no-go per business"),
        sheet=t("判定", "Verdicts"),
        columns=(
            Column(header=t("業務ID", "Business")),
            Column(header=t("業務名", "Name")),
            Column(header=t("判定", "Verdict")),
            Column(
                header=t("未対応の要廃止機能", "Unresolved forced gaps"), format="integer", scale="alert_if_positive"
            ),
            Column(
                header=t("未判定の実装必須機能", "Mandatory undecided"), format="integer", scale="alert_if_positive"
            ),
            Column(header=t("対応完了率", "Assessment readiness"), format="percent", scale="higher_is_better"),
            Column(header=t("変換", "Conversion")),
            Column(header=t("読込行", "Rows read"), format="integer"),
            Column(header=t("移行エラー行", "Rows quarantined"), format="integer"),
            Column(header=t("移行エラー率", "Quarantine rate"), format="percent"),
            Column(header=t("検証", "Validation")),
            Column(header=t("検証エラー", "Validation errors"), format="integer", scale="alert_if_positive"),
            Column(header=t("文字同定", "Characters")),
            Column(header=t("現新比較", "Reconciliation")),
            Column(header=t("理由", "Reasons")),
        ),
        rows=tuple(rows),
        row_styles=tuple(styles),
    )
    characters = _characters_table(report, lang)
    compared = [(b, b.comparison) for b in report.businesses if b.comparison is not None]
    comparisons = Table(
        title=t("現新比較（最新の比較）", "Reconciliation (latest)"),
        sheet=t("現新比較", "Reconciliation"),
        columns=(
            Column(header=t("業務ID", "Business")),
            Column(header=t("業務名", "Name")),
            Column(header=t("比較した行", "Rows compared"), format="integer"),
            Column(header=t("説明のある差異", "Explained"), format="integer"),
            Column(header=t("説明のない差異", "Unexplained"), format="integer", scale="alert_if_positive"),
            Column(header=t("状況", "Status")),
            Column(header=t("現新比較ID", "Reconciliations")),
        ),
        rows=tuple(
            (
                b.business_id,
                _name(b),
                c.compared,
                c.explained,
                c.unexplained,
                c.status_text(lang),
                ", ".join(c.reconciliations),
            )
            for b, c in compared
        ),
        row_styles=tuple("danger" if c.unexplained else None for _, c in compared),
        note=t(
            "fitgap reconcile run（変換データと旧データ）と fitgap reconcile results --business（新旧システムの結果）の"
            "最新の記録です。変換し直した業務は比較し直すまで数えません。",
            "The latest fitgap reconcile run (converted vs legacy data) and fitgap reconcile results --business "
            "(new vs legacy results); a business converted again counts once it is reconciled again.",
        ),
    )
    quarantine_rows = tuple(
        (b.business_id, _name(b), reason, count)
        for b in report.businesses
        for reason, count in b.quarantine_by_reason.items()
    )
    quarantine = Table(
        title=t("移行エラーの理由", "Quarantine by reason"),
        sheet=t("移行エラー", "Quarantine"),
        columns=(
            Column(header=t("業務ID", "Business")),
            Column(header=t("業務名", "Name")),
            Column(header=t("理由コード", "Reason")),
            Column(header=t("行数", "Rows"), format="integer"),
        ),
        rows=quarantine_rows,
    )
    index = 0 if ja else 1
    thresholds = Table(
        title=t("判定基準", "Thresholds"),
        sheet=t("基準", "Thresholds"),
        columns=(
            Column(header=t("基準", "Threshold")),
            Column(header=t("設定名", "Setting")),
            # Numbers as numbers: a rate in its own column with a percent format, a count in the other.
            Column(header=t("率", "Rate"), format="percent"),
            Column(header=t("件数", "Count"), format="integer"),
        ),
        rows=tuple(
            (
                THRESHOLD_LABELS[k][index] if k in THRESHOLD_LABELS else k,
                k,
                v if rate else None,
                None if rate else v,
            )
            for k, v in report.thresholds.model_dump().items()
            for rate in [k in THRESHOLD_LABELS and bool(THRESHOLD_LABELS[k][2])]
        ),
    )
    chart = Chart(
        title=t("業務別の対応完了率（Fit & Gap）", "Assessment readiness per business"),
        categories=tuple(b.business_id for b in report.businesses),
        series=(
            Series(
                name=t("対応完了率（%）", "Readiness (%)"),
                values=tuple(round((b.assessment_readiness or 0) * 100, 1) for b in report.businesses),
            ),
        ),
        category_colours=tuple(VERDICT_COLOURS[b.verdict] for b in report.businesses),
        category_legend=(
            (t("GO（移行可）", "GO (ready for cutover)"), VERDICT_COLOURS["GO"]),
            (t("NO-GO（移行不可）", "NO-GO (not ready)"), VERDICT_COLOURS["NO-GO"]),
        ),
        # in the chart's unit: the values are percentages
        threshold=round(report.thresholds.min_assessment_readiness * 100, 1),
        threshold_label=t("GO に必要な対応完了率", "Readiness a GO needs"),
        sheet=summary.sheet,
        y_title="%",
    )
    return Document(
        title=t("移行準備状況レポート", "Cutover readiness report"),
        note=SAMPLE_NOTES[lang if lang == "en" else "ja"] if report.catalog_sample else None,
        facts=(
            (t("団体", "Municipality"), report.municipality),
            ("GO", report.go),
            ("NO-GO", report.no_go),
            *input_facts(report.inputs, lang),
        ),
        tables=(summary, characters, comparisons, quarantine, thresholds),
        charts=(chart,),
        lang="ja" if ja else "en",
        municipality=report.municipality,
        created=report.inputs.created,
        summary=readiness_summary(report, lang),
    )


def _characters_table(report: ReadinessReport, lang: str) -> Table:
    """The 文字同定 status of each converted business: distinct characters by class (a warning, not a NO-GO)."""
    ja = lang == "ja"

    def t(j: str, e: str) -> str:
        return j if ja else e

    found = [(b, b.characters) for b in report.businesses if b.characters is not None]
    return Table(
        title=t("文字同定の状況（異なり字数）", "Characters of the converted data (distinct)"),
        sheet=t("文字同定", "Characters"),
        columns=(
            Column(header=t("業務ID", "Business")),
            Column(header=t("業務名", "Name")),
            Column(header="JIS X 0208", format="integer"),
            Column(header="JIS X 0213", format="integer"),
            Column(header=t("MJ文字（JIS X 0213外）", "MJ beyond JIS X 0213"), format="integer"),
            Column(header=t("外字（決定済）", "外字 decided"), format="integer"),
            Column(header=t("外字（未決定）", "外字 undecided"), format="integer", scale="alert_if_positive"),
            Column(header=t("MJにない文字", "Not in MJ"), format="integer", scale="alert_if_positive"),
            Column(header=t("状況", "Status")),
        ),
        rows=tuple(
            (
                b.business_id,
                _name(b),
                c.jis_x0208,
                c.jis_x0213,
                c.mj,
                c.gaiji_decided,
                c.gaiji_undecided,
                c.not_in_mj,
                c.status_text(lang),
            )
            for b, c in found
        ),
        row_styles=tuple("warning" if c.unidentified else None for _, c in found),
        note=t(
            "未同定の文字（外字表にない外字・MJにない文字）は警告です（判定は変えません）。"
            "fitgap moji sheet と fitgap moji apply で決定してください。",
            "An unidentified character (a 外字 no decision maps, a character not in MJ) is a warning, not a NO-GO "
            "reason: decide it with fitgap moji sheet and fitgap moji apply.",
        ),
    )


def latest_snapshot(history: Path) -> Path | None:
    """The snapshot of the latest scoring, by the time recorded inside each (not by file name or 基準日: a
    scoring with a future --as-of does not stay the latest)."""
    snapshots = list(history.glob("*.json")) if history.is_dir() else []
    return max(snapshots, key=lambda p: recorded_order(load_snapshot(p), p)) if snapshots else None
