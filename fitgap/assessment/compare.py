"""Two scored assessments side by side (``fitgap assess compare``): the key figures before and after with their
difference, per business and in total, and the functions whose gap changed; as a report document."""

from __future__ import annotations

from typing import Literal

from fitgap.assessment.history import Comparison, open_gaps
from fitgap.assessment.history import compare as compare_gaps
from fitgap.assessment.scoring import TOTAL, UNDECIDED, BusinessScore, GapItem, ScoreReport
from fitgap.assessment.vocab import gap_label
from reports.catalog import SAMPLE_NOTES
from reports.tables import Cell, Column, Document, Format, Kpi, RowStyle, Scale, Summary, Table
from spec_catalog.base import FrozenModel

Lang = Literal["ja", "en"]
Number = int | float | None

# (key, Japanese, English, format): the figures compared, the words of docs/glossary.md.
KPIS: tuple[tuple[str, str, str, Format], ...] = (
    ("fit_rate", "適合率", "Fit rate", "percent"),
    ("readiness", "対応完了率", "Assessment readiness", "percent"),
    ("open_gaps", "未解消のギャップ", "Open gaps", "integer"),
    ("forced_gaps_unresolved", "未対応の要廃止機能", "Unresolved forced gaps", "integer"),
    ("new_work", "新たに行う業務", "New work", "integer"),
    ("undecided", "未判定", "Undecided", "integer"),
    ("open_actions", "未完了の対応", "Open actions", "integer"),
    ("overdue", "期限超過", "Overdue", "integer"),
)
HIGHER_IS_BETTER = frozenset({"fit_rate", "readiness"})
CHANGES = {"closed": ("解消", "Closed"), "opened": ("新規", "Opened"), "changed": ("変更", "Changed")}


class KpiChange(FrozenModel):
    kpi: str  # a key of KPIS
    before: Number
    after: Number
    delta: Number  # after − before; None when either is missing


class BusinessChange(FrozenModel):
    business_id: str  # TOTAL for the whole assessment
    name: str
    kpis: tuple[KpiChange, ...]

    def kpi(self, key: str) -> KpiChange:
        return next(k for k in self.kpis if k.kpi == key)


class FunctionChange(FrozenModel):
    """A function (or 独自機能) whose gap closed, opened or changed, with its state before and after."""

    change: Literal["closed", "opened", "changed"]
    business_id: str | None
    target: str  # 機能ID or the 独自機能's name
    name: str
    decision_before: str | None
    decision_after: str | None
    status_before: str | None
    status_after: str | None
    listed_before: bool  # in the gap list before (a decision of None is then 未判定)
    listed_after: bool
    owner: str
    due: str | None


class AssessmentComparison(Comparison):
    """:class:`Comparison` (closed, opened, changed as text) with the figures and the changes as data."""

    municipality: str | None
    sample: bool
    businesses: tuple[BusinessChange, ...]
    total: BusinessChange
    functions: tuple[FunctionChange, ...]


def _figures(score: BusinessScore, gaps: int) -> dict[str, Number]:
    return {
        "fit_rate": score.fit_rate,
        "readiness": score.readiness,
        "open_gaps": gaps,
        "forced_gaps_unresolved": score.forced_gaps_unresolved,
        "new_work": score.new_work,
        "undecided": score.counts.get(UNDECIDED, 0),
        "open_actions": score.open_actions,
        "overdue": score.overdue,
    }


def _delta(before: Number, after: Number) -> Number:
    if before is None or after is None:
        return None
    if isinstance(before, int) and isinstance(after, int):
        return after - before
    return round(after - before, 6)  # 0.7 − 0.6 is 0.09999999999999998 in binary


def _change(
    business_id: str, name: str, old: dict[str, Number] | None, new: dict[str, Number] | None
) -> BusinessChange:
    kpis = []
    for key, *_ in KPIS:
        before = old[key] if old is not None else None
        after = new[key] if new is not None else None
        kpis.append(KpiChange(kpi=key, before=before, after=after, delta=_delta(before, after)))
    return BusinessChange(business_id=business_id, name=name, kpis=tuple(kpis))


def _open_total(report: ScoreReport) -> int:
    return sum(1 for gap in report.gaps if gap.status != "完了")  # 独自機能 of no business too


def _functions(old: ScoreReport, new: ScoreReport) -> list[FunctionChange]:
    before = {(g.business_id, g.target): g for g in old.gaps}
    after = {(g.business_id, g.target): g for g in new.gaps}

    def state(gap: GapItem | None) -> tuple[str | None, str | None, str, str | None]:
        if gap is None:
            return None, None, "", None
        return gap.decision, gap.status, gap.owner, gap.due.isoformat() if gap.due else None

    found = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[0] or "", k[1])):
        a, b = before.get(key), after.get(key)
        was_open = a is not None and a.status != "完了"
        is_open = b is not None and b.status != "完了"
        change: Literal["closed", "opened", "changed"]
        if was_open and not is_open:
            change = "closed"
        elif is_open and not was_open:
            change = "opened"
        elif a is not None and b is not None and state(a) != state(b):
            change = "changed"
        else:
            continue
        (decision_a, status_a, owner_a, due_a), (decision_b, status_b, owner_b, due_b) = state(a), state(b)
        found.append(
            FunctionChange(
                change=change,
                business_id=key[0],
                target=key[1],
                name=(b or a).name,  # type: ignore[union-attr]
                decision_before=decision_a,
                decision_after=decision_b,
                status_before=status_a,
                status_after=status_b,
                listed_before=a is not None,
                listed_after=b is not None,
                owner=owner_b or owner_a,
                due=due_b or due_a,
            )
        )
    order = {"opened": 0, "changed": 1, "closed": 2}
    return sorted(found, key=lambda f: order[f.change])  # stable: by business and ID within each kind


def compare_reports(old: ScoreReport, new: ScoreReport, old_name: str, new_name: str) -> AssessmentComparison:
    """The figures of both per business (those of either) and in total, and the changed gaps."""
    base = compare_gaps(old, new, old_name, new_name)
    old_scores = {b.business_id: b for b in old.businesses}
    new_scores = {b.business_id: b for b in new.businesses}
    old_gaps, new_gaps = open_gaps(old), open_gaps(new)
    businesses = []
    for business_id in sorted(old_scores.keys() | new_scores.keys()):
        a, b = old_scores.get(business_id), new_scores.get(business_id)
        businesses.append(
            _change(
                business_id,
                (b or a).name,  # type: ignore[union-attr]
                _figures(a, old_gaps.get(business_id, 0)) if a is not None else None,
                _figures(b, new_gaps.get(business_id, 0)) if b is not None else None,
            )
        )
    total = _change(TOTAL, "合計", _figures(old.total, _open_total(old)), _figures(new.total, _open_total(new)))
    return AssessmentComparison(
        **dict(base),
        municipality=new.municipality or old.municipality,
        sample=old.catalog.sample or new.catalog.sample,
        businesses=tuple(businesses),
        total=total,
        functions=tuple(_functions(old, new)),
    )


# The report ------------------------------------------------------------------------------------------------


def _t(lang: str, ja: str, en: str) -> str:
    return ja if lang == "ja" else en


def kpi_label(key: str, lang: str) -> str:
    _, ja, en, _ = next(k for k in KPIS if k[0] == key)
    return _t(lang, ja, en)


def _figures_table(
    result: AssessmentComparison, keys: list[str], lang: Lang, title: tuple[str, str], sheet: tuple[str, str]
) -> Table:
    formats = {key: fmt for key, _, _, fmt in KPIS}
    heads: list[Column] = [Column(header=_t(lang, "業務ID", "Business")), Column(header=_t(lang, "業務名", "Name"))]
    for key in keys:
        label = kpi_label(key, lang)
        better: Scale = "higher_is_better" if key in HIGHER_IS_BETTER else "lower_is_better"
        heads += [
            Column(header=f"{label}{_t(lang, '（前）', ' before')}", format=formats[key]),
            Column(header=f"{label}{_t(lang, '（後）', ' after')}", format=formats[key]),
            Column(header=f"{label}{_t(lang, '（差）', ' change')}", format=formats[key], scale=better),
        ]
    rows: list[tuple[Cell, ...]] = []
    for change in (*result.businesses, result.total):
        total = change.business_id == TOTAL
        cells: list[Cell] = [_t(lang, "合計", "Total") if total else change.business_id, "" if total else change.name]
        for key in keys:
            kpi = change.kpi(key)
            cells += [kpi.before, kpi.after, kpi.delta]
        rows.append(tuple(cells))
    styles: list[RowStyle | None] = [None for _ in result.businesses]
    styles.append("total")
    return Table(
        title=_t(lang, *title),
        sheet=_t(lang, *sheet),
        columns=tuple(heads),
        rows=tuple(rows),
        row_styles=tuple(styles),
    )


def functions_table(result: AssessmentComparison, lang: Lang, limit: int | None = None) -> Table:
    rows: list[tuple[Cell, ...]] = []
    styles: list[RowStyle | None] = []
    for f in result.functions[:limit]:
        rows.append(
            (
                _t(lang, *CHANGES[f.change]),
                f.business_id or "",
                f.target,
                f.name,
                gap_label(f.decision_before, lang) if f.listed_before else "",
                gap_label(f.decision_after, lang) if f.listed_after else "",
                f.status_before or "",
                f.status_after or "",
                f.owner,
                f.due or "",
            )
        )
        styles.append("warning" if f.change == "opened" else "muted" if f.change == "closed" else None)
    headers = (
        ("区分", "Change"),
        ("業務ID", "Business"),
        ("機能ID／名称", "Function"),
        ("機能名称／説明", "Name"),
        ("判定（前）", "Decision before"),
        ("判定（後）", "Decision after"),
        ("状況（前）", "Status before"),
        ("状況（後）", "Status after"),
        ("担当", "Owner"),
        ("期限", "Due"),
    )
    return Table(
        title=_t(lang, "変化したギャップ（新規・変更・解消）", "Gaps that changed (opened, changed, closed)"),
        sheet=_t(lang, "変化したギャップ", "Changed gaps"),
        columns=tuple(Column(header=_t(lang, ja, en), format="date" if en == "Due" else "text") for ja, en in headers),
        rows=tuple(rows),
        row_styles=tuple(styles),
        filterable=True,
    )


def _status(key: str, delta: Number) -> Literal["good", "bad", "neutral"]:
    if not delta:
        return "neutral"
    better = delta > 0 if key in HIGHER_IS_BETTER else delta < 0
    return "good" if better else "bad"


def comparison_document(result: AssessmentComparison, lang: Lang = "ja", municipality: str | None = None) -> Document:
    """The comparison as a report: the changes of the figures first, then per business, then the functions. Its
    団体名 is the one the assessments record, else ``municipality`` (the project's)."""
    who = result.municipality or municipality
    rates = [key for key, _, _, fmt in KPIS if fmt == "percent"]
    counts = [key for key, _, _, fmt in KPIS if fmt == "integer"]
    rate_table = _figures_table(
        result, rates, lang, ("率の変化（業務別）", "Rates per business"), ("率の変化", "Rates")
    )
    count_table = _figures_table(
        result, counts, lang, ("件数の変化（業務別）", "Counts per business"), ("件数の変化", "Counts")
    )
    summary = Summary(
        title=_t(lang, "Fit & Gap の変化", "Fit & Gap: what changed"),
        verdict=_t(
            lang,
            f"解消 {len(result.closed)} 件 / 新規 {len(result.opened)} 件 / 変更 {len(result.changed)} 件",
            f"closed {len(result.closed)} / opened {len(result.opened)} / changed {len(result.changed)}",
        ),
        kpis=tuple(
            Kpi(
                label=f"{kpi_label(key, lang)}{_t(lang, '（差）', ' change')}",
                value=result.total.kpi(key).delta,
                format=fmt,
                status=_status(key, result.total.kpi(key).delta),
            )
            for key, _, _, fmt in KPIS
        ),
        top=functions_table(result, lang, limit=10) if result.functions else None,
    )
    facts: tuple[tuple[str, Cell], ...] = (
        (_t(lang, "団体", "Municipality"), who or "—"),
        (_t(lang, "比較元", "Before"), result.old),
        (_t(lang, "基準日（前）", "As of (before)"), result.old_as_of),
        (_t(lang, "比較先", "After"), result.new),
        (_t(lang, "基準日（後）", "As of (after)"), result.new_as_of),
    )
    return Document(
        title=_t(lang, "Fit & Gap 比較レポート", "Fit & Gap comparison"),
        note=SAMPLE_NOTES["en" if lang == "en" else "ja"] if result.sample else None,
        facts=facts,
        tables=(rate_table, count_table, functions_table(result, lang)),
        lang=lang,
        municipality=who,
        summary=summary,
    )
