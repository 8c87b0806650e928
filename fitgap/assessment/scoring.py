"""Scoring a filled assessment: counts, fit rate, forced gaps, open actions, readiness, the gate.

Definitions (also in the README and in every report):
- fit rate = (FIT + FIT_WITH_CONFIG) ÷ decided functions other than OUT_OF_SCOPE; None when none is decided.
- new work = 実装必須機能 that current work does not perform (現行利用 未使用).
- forced gap = 実装不可機能 in use today (現行利用 使用中); unresolved while its 状況 is not 完了.
- readiness = done work items ÷ all work items, where every function needs a decision (判定), every decision
  that needs work (FIT_WITH_CONFIG and the GAP_ classes but GAP_OPTION_NOT_ADOPTED) needs 状況 完了, and every
  独自機能 needs a fate (対応) and 状況 完了.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from pydantic import Field

from fitgap.assessment.models import CustomRow, FilledAssessment, FunctionRow
from fitgap.assessment.rules import check, is_open
from fitgap.assessment.vocab import FIT_CLASSES, GAP_SEVERITY, NEEDS_ACTION, CurrentUse, Fate, GapClass
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.findings import Finding, Severity
from spec_catalog.language import say
from spec_catalog.localgov import lookup
from spec_catalog.models import Catalog
from spec_catalog.vocab import FunctionClass, Source

TOTAL = "TOTAL"
UNDECIDED = "UNDECIDED"


class BusinessScore(FrozenModel):
    business_id: str  # TOTAL for the whole assessment
    name: str
    functions: int
    mandatory: int
    optional: int
    prohibited: int
    counts: dict[str, int]  # per GapClass value, plus UNDECIDED
    decided: int
    fit_rate: float | None
    new_work: int
    forced_gaps: int
    forced_gaps_unresolved: int
    options_to_decide: int
    mandatory_undecided: int
    custom_functions: int
    open_actions: int
    overdue: int
    work_items: int
    work_done: int
    readiness: float


class GapItem(FrozenModel):
    rank: int
    reason: str  # forced_gap, mandatory_undecided, new_work, gap, option_undecided, custom_function
    business_id: str | None
    target: str  # 機能ID or the 独自機能's name
    name: str
    function_class: FunctionClass | None
    current_use: CurrentUse | None
    decision: str | None  # GapClass or Fate value
    owner: str
    due: dt.date | None
    status: str | None
    overdue: bool
    sheet: str
    row: int


class OwnerSummary(FrozenModel):
    owner: str
    open_actions: int
    overdue: int
    next_due: dt.date | None


class LinkCheck(FrozenModel):
    provider: str
    consumer: str
    data: str
    method: str | None
    provider_business: str | None
    consumer_business: str | None
    standard: bool  # the catalog has a link between the two businesses


class CatalogInfo(FrozenModel):
    name: str
    sample: bool
    versions: dict[str, str | None]  # 業務ID -> spec version


class GateRules(FrozenModel):
    max_forced_gaps_unresolved: int = 0
    max_mandatory_undecided: int | None = None
    min_readiness: float | None = None


class GateResult(FrozenModel):
    passed: bool
    failures: tuple[str, ...]


class TrendPoint(FrozenModel):
    as_of: dt.date
    business_id: str
    open_gaps: int
    readiness: float


class ScoreReport(FrozenModel):
    file: str
    as_of: dt.date
    municipality: str | None
    catalog: CatalogInfo
    businesses: tuple[BusinessScore, ...]
    total: BusinessScore
    custom_by_fate: dict[str, int]
    links: tuple[LinkCheck, ...]
    links_without_standard: int
    gaps: tuple[GapItem, ...]
    owners: tuple[OwnerSummary, ...]
    findings: tuple[Finding, ...]
    error_findings: int
    gate: GateResult | None = None
    trend: tuple[TrendPoint, ...] = Field(default=())


def _score(
    business_id: str, name: str, rows: list[FunctionRow], custom: list[CustomRow], as_of: dt.date
) -> BusinessScore:
    counts = Counter(r.gap_class.value if r.gap_class else UNDECIDED for r in rows)
    decided = [r for r in rows if r.gap_class is not None]
    judged = [r for r in decided if r.gap_class is not GapClass.OUT_OF_SCOPE]
    fits = sum(1 for r in judged if r.gap_class in FIT_CLASSES)
    actions = [r for r in rows if r.gap_class in NEEDS_ACTION]
    open_actions = [r for r in actions if is_open(r.status)]
    custom_open = [c for c in custom if c.fate is None or is_open(c.status)]
    work_items = len(rows) + len(actions) + 2 * len(custom)
    work_done = (
        len(decided)
        + (len(actions) - len(open_actions))
        + sum(1 for c in custom if c.fate is not None)
        + sum(1 for c in custom if not is_open(c.status))
    )
    overdue = sum(1 for r in open_actions if r.due and r.due < as_of) + sum(
        1 for c in custom_open if c.due and c.due < as_of
    )
    prohibited_in_use = [
        r for r in rows if r.function_class is FunctionClass.PROHIBITED and r.current_use is CurrentUse.IN_USE
    ]
    return BusinessScore(
        business_id=business_id,
        name=name,
        functions=len(rows),
        mandatory=sum(1 for r in rows if r.function_class is FunctionClass.MANDATORY),
        optional=sum(1 for r in rows if r.function_class is FunctionClass.OPTIONAL),
        prohibited=sum(1 for r in rows if r.function_class is FunctionClass.PROHIBITED),
        counts={key: counts.get(key, 0) for key in [*(g.value for g in GapClass), UNDECIDED]},
        decided=len(decided),
        fit_rate=fits / len(judged) if judged else None,
        new_work=sum(
            1 for r in rows if r.function_class is FunctionClass.MANDATORY and r.current_use is CurrentUse.NOT_USED
        ),
        forced_gaps=len(prohibited_in_use),
        forced_gaps_unresolved=sum(1 for r in prohibited_in_use if is_open(r.status)),
        options_to_decide=sum(1 for r in rows if r.function_class is FunctionClass.OPTIONAL and r.gap_class is None),
        mandatory_undecided=sum(1 for r in rows if r.function_class is FunctionClass.MANDATORY and r.gap_class is None),
        custom_functions=len(custom),
        open_actions=len(open_actions) + len(custom_open),
        overdue=overdue,
        work_items=work_items,
        work_done=work_done,
        readiness=work_done / work_items if work_items else 1.0,
    )


def _gap_items(assessment: FilledAssessment, as_of: dt.date) -> list[GapItem]:
    items: list[GapItem] = []
    for r in assessment.functions:
        forced = r.function_class is FunctionClass.PROHIBITED and r.current_use is CurrentUse.IN_USE
        if forced:
            rank, reason = 0, "forced_gap"
        elif r.function_class is FunctionClass.MANDATORY and r.gap_class is None:
            rank, reason = 1, "mandatory_undecided"
        elif r.function_class is FunctionClass.MANDATORY and r.current_use is CurrentUse.NOT_USED:
            rank, reason = 1, "new_work"
        elif r.gap_class in GAP_SEVERITY:
            rank, reason = GAP_SEVERITY[r.gap_class], "gap"
        elif r.function_class is FunctionClass.OPTIONAL and r.gap_class is None:
            rank, reason = 8, "option_undecided"
        else:
            continue
        items.append(
            GapItem(
                rank=rank,
                reason=reason,
                business_id=r.business_id,
                target=r.function_id,
                name=r.name,
                function_class=r.function_class,
                current_use=r.current_use,
                decision=r.gap_class.value if r.gap_class else None,
                owner=r.owner,
                due=r.due,
                status=r.status.value if r.status else None,
                overdue=bool(r.due and r.due < as_of and is_open(r.status)),
                sheet=r.place.sheet,
                row=r.place.row,
            )
        )
    for c in assessment.custom:
        items.append(
            GapItem(
                rank=3,
                reason="custom_function",
                business_id=c.business_id,
                target=c.name,
                name=c.description or c.name,
                function_class=None,
                current_use=CurrentUse.IN_USE,
                decision=c.fate.value if c.fate else None,
                owner=c.owner,
                due=c.due,
                status=c.status.value if c.status else None,
                overdue=bool(c.due and c.due < as_of and is_open(c.status)),
                sheet=c.place.sheet,
                row=c.place.row,
            )
        )
    # Open before done, then by rank, business and ID.
    return sorted(items, key=lambda i: (i.status == "完了", i.rank, i.business_id or "", i.target))


def _owners(gaps: list[GapItem]) -> list[OwnerSummary]:
    by_owner: dict[str, list[GapItem]] = defaultdict(list)
    for gap in gaps:
        needs_work = gap.reason == "custom_function" or (
            gap.decision is not None and gap.decision in {g.value for g in NEEDS_ACTION}
        )
        if needs_work and gap.status != "完了":
            by_owner[gap.owner or "（未定）"].append(gap)
    return sorted(
        (
            OwnerSummary(
                owner=owner,
                open_actions=len(items),
                overdue=sum(1 for i in items if i.overdue),
                next_due=min((i.due for i in items if i.due), default=None),
            )
            for owner, items in by_owner.items()
        ),
        key=lambda o: (-o.overdue, -o.open_actions, o.owner),
    )


def _links(assessment: FilledAssessment, catalog: Catalog) -> list[LinkCheck]:
    def business(text: str) -> str | None:
        key = text.strip()
        found = catalog.find(key.zfill(3)) if key.isdigit() else None
        found = found or next((b for b in catalog.businesses if key in (b.name, b.name_en)), None)
        return found.business_id if found else None

    standard = {(link.provider, link.consumer) for link in catalog.links}
    checks = []
    for link in assessment.links:
        provider, consumer = business(link.provider), business(link.consumer)
        checks.append(
            LinkCheck(
                provider=link.provider,
                consumer=link.consumer,
                data=link.data,
                method=link.method.value if link.method else None,
                provider_business=provider,
                consumer_business=consumer,
                standard=(provider, consumer) in standard,
            )
        )
    return checks


def municipality_label(code: str | None) -> str | None:
    """「013455 森町（北海道）」 for the code the template recorded; the code as it is if the table lacks it."""
    if not code:
        return None
    try:
        return lookup(code).label
    except FitgapError:
        return code


def evaluate_gate(total: BusinessScore, rules: GateRules) -> GateResult:
    failures = []
    if total.forced_gaps_unresolved > rules.max_forced_gaps_unresolved:
        failures.append(
            say(
                f"未対応の要廃止機能 {total.forced_gaps_unresolved} 件（上限 {rules.max_forced_gaps_unresolved} 件）",
                f"{total.forced_gaps_unresolved} unresolved forced gaps (allowed {rules.max_forced_gaps_unresolved})",
            )
        )
    if rules.max_mandatory_undecided is not None and total.mandatory_undecided > rules.max_mandatory_undecided:
        failures.append(
            say(
                f"未判定の実装必須機能 {total.mandatory_undecided} 件（上限 {rules.max_mandatory_undecided} 件）",
                f"{total.mandatory_undecided} undecided 実装必須機能 (allowed {rules.max_mandatory_undecided})",
            )
        )
    if rules.min_readiness is not None and total.readiness < rules.min_readiness:
        failures.append(
            say(
                f"対応完了率 {total.readiness:.1%} が下限 {rules.min_readiness:.1%} を下回っています",
                f"readiness {total.readiness:.1%} below {rules.min_readiness:.1%}",
            )
        )
    return GateResult(passed=not failures, failures=tuple(failures))


def score(
    assessment: FilledAssessment,
    catalog: Catalog,
    as_of: dt.date,
    gate: GateRules | None = None,
) -> ScoreReport:
    """Score ``assessment`` against ``catalog`` as of a date (for overdue actions)."""
    findings = [*assessment.findings, *check(assessment, as_of)]
    per_business = []
    for business_id in assessment.businesses:
        spec = catalog.business(business_id)
        rows = [r for r in assessment.functions if r.business_id == business_id]
        custom = [c for c in assessment.custom if c.business_id == business_id]
        per_business.append(_score(business_id, spec.name, rows, custom, as_of))
    total = _score(TOTAL, "合計", list(assessment.functions), list(assessment.custom), as_of)
    gaps = _gap_items(assessment, as_of)
    links = _links(assessment, catalog)
    fates = Counter(c.fate.value if c.fate else UNDECIDED for c in assessment.custom)
    return ScoreReport(
        file=assessment.file,
        as_of=as_of,
        municipality=municipality_label(assessment.municipality),
        catalog=CatalogInfo(
            name=catalog.name,
            sample=any(catalog.business(b).source is Source.SAMPLE for b in assessment.businesses),
            versions={b: catalog.business(b).spec_version for b in assessment.businesses},
        ),
        businesses=tuple(per_business),
        total=total,
        custom_by_fate={key: fates.get(key, 0) for key in [*(f.value for f in Fate), UNDECIDED] if fates.get(key)},
        links=tuple(links),
        links_without_standard=sum(1 for link in links if not link.standard),
        gaps=tuple(gaps),
        owners=tuple(_owners(gaps)),
        findings=tuple(findings),
        error_findings=sum(1 for f in findings if f.severity is Severity.ERROR),
        gate=evaluate_gate(total, gate) if gate is not None else None,
    )
