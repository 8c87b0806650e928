"""What a reconciliation returns: differences, their explanations, control totals and the summary per item.

Every value a model holds is masked already (keys and values by the item's sensitivity, unless the user
unmasked): a model goes straight into reports, JSON and the database.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code
from spec_catalog.language import say


class Explanation(StrEnum):
    """What a recorded rule explains a difference by (the reports show the label)."""

    CORRECTION = "correction"  # a correction (データ補正) the run applied to that line and item
    SHRINK = "shrink"  # the target holds the 縮退 of the value (MJ縮退マップ)
    QUARANTINE = "quarantine"  # the run quarantined the legacy row (its quarantine record says why)

    @property
    def label_ja(self) -> str:
        return _EXPLANATION_LABELS[self.value][0]

    @property
    def label(self) -> str:
        """The label in the run's language."""
        ja, en = _EXPLANATION_LABELS[self.value]
        return say(ja, en)


_EXPLANATION_LABELS = {
    "correction": ("データ補正", "a correction (データ補正)"),
    "shrink": ("縮退（MJ縮退マップ）", "a 縮退 (MJ縮退マップ)"),
    "quarantine": ("移行エラーの記録", "the run's quarantine record"),
}


class Difference(FrozenModel):
    """One difference (a value, a row only on one side, a repeated key), masked."""

    code: Code
    line: int | None = None  # the legacy line (None: a row only in the target)
    key: str  # the key's values joined by '|', masked
    item: str | None = None  # romanized item name (None for a whole row)
    legacy: str | None = None  # the legacy value as read, masked
    expected: str | None = None  # what the mapping makes of it, masked
    actual: str | None = None  # what the target holds, masked
    explanation: Explanation | None = None  # None: unexplained
    detail: str | None = None  # e.g. the 縮退's legal basis, the quarantine reason (never a value)


class ItemSummary(FrozenModel):
    """One target item: how many values were compared, agreed, explained and unexplained."""

    item: str
    name: str  # データ項目 (Japanese)
    compared: int
    agreed: int
    explained: int
    unexplained: int
    # A rule of the mapping that makes the values other than the legacy text (a constant, a code table) and how
    # many values it made so: these agree with the target and are explained by the rule, not differences.
    rule: str | None = None
    rule_values: int = 0


class TotalCheck(FrozenModel):
    """One control total of the source and the target (fitgap.reconcile.totals)."""

    total: str  # what is totalled, in the run's language, e.g. 行数, 性別 = 1 の行数, 金額 の合計
    total_id: str = ""  # the same in every language, e.g. rows_per_code:seibetsu:1 (JUnit names the case by it)
    kind: str  # rows | rows_per_code | distinct_keys | sum | min | max | unknown_dates
    item: str | None = None
    source: str | None  # the figure, as text (numbers exact, dates ISO)
    target: str | None
    tolerance: str | None = None  # as configured, e.g. "0", "0.1%"
    within: bool


class Reconciliation(FrozenModel):
    """``fitgap reconcile run``: one published run's target rows against its legacy source."""

    reconcile_id: str
    mapping: str
    run_id: str
    table: str  # the mapping's target table
    target: str  # what was compared as the new data: the published rows, or another table (described)
    subject: str  # what readiness keeps the latest reconciliation of: the table, or the other table compared
    source_file: str
    source_rows: int  # legacy rows read
    target_rows: int
    compared_rows: int  # rows found on both sides by key
    agreed_rows: int  # compared rows whose every value agrees
    items: tuple[ItemSummary, ...] = ()
    by_code: dict[str, int] = Field(default_factory=dict)  # unexplained differences per code
    explained_by: dict[str, int] = Field(default_factory=dict)  # explained differences per Explanation
    differences: tuple[Difference, ...] = ()  # every difference, unexplained first (nothing is sampled)
    totals: tuple[TotalCheck, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def unexplained(self) -> int:
        return sum(self.by_code.values())

    @property
    def ok(self) -> bool:
        return self.unexplained == 0
