"""A conversion run: stage the source, transform every item, quarantine what fails, publish atomically.

Guarantees (docs/reliability.md): a reader of the database sees the target table before or after a run,
never a mix (one transaction); every source row is loaded or quarantined with a reason, and the run fails if
``rows read = rows loaded + rows quarantined`` does not hold; re-running a mapping replaces its previous rows.
A run that reconciles publishes only when :mod:`converters.guard` lets it (quarantine rate, dropped rows, empty
source); otherwise it is ``rejected`` and what was published stays. A key is unique over the whole table:
a row whose key another mapping has published is quarantined.

The order of a run: stage the source (``stage``: the legacy text), run the value steps on its distinct values
(tables ``mN``), then, in one transaction, insert the rows that pass straight from ``stage`` into the target
table (one pass: no table of every converted row, whatever the size), find the rows that did not go in and why
(``detail``, for those rows alone), take out again the keys another mapping holds and repeated keys, and commit,
or roll back a run the guard stops.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from converters import faults
from converters.corrections import CorrectionsFile, CorrectionSummary, apply_corrections, load_corrections
from converters.guard import PublishGuard, Rejection, judge
from converters.mapping import FixedSource, ItemOrigin, Mapping, check_columns
from converters.plan import PAIR, Check, ItemPlan, SqlStep, ValueStep, plan_checks, plan_item
from converters.readers import CONTROL_CHARACTER, Rejected, Staged, file_sha256, stage
from converters.transforms.width import to_full_width
from reports.masking import mask, mask_text
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.codes import Code
from spec_catalog.ctrl_c import deferred, interruptible, note_published
from spec_catalog.database import (
    LINEAGE,
    QuarantineRow,
    RunRecord,
    RunStatus,
    columns_of,
    connect,
    create_target,
    ensure_schema,
    has_other_mappings,
    is_interrupt,
    literal,
    published_rows,
    quote,
    replace_quarantine,
    run_status,
    start_run,
    update_run,
)
from spec_catalog.files import check_input_file
from spec_catalog.language import say
from spec_catalog.models import table_name
from spec_catalog.rules import NARROW_CLASS, WIDE_CLASS, RuleKind
from spec_catalog.vocab import Sensitivity
from spec_catalog.workdir import run_workdir

TOOL_VERSION = "fitgap 0.1.0"
_TRANSFORM_REASONS = {
    Code.GAIJI_UNMAPPED,
    Code.ERA_DATE_INVALID,
    Code.ERA_DATE_NOT_CALENDAR,
    Code.DATE_UNKNOWN,
    Code.DATE_BEFORE_CALENDAR_REFORM,
    Code.TIME_INVALID,
    Code.CODE_UNMAPPED,
    Code.LGCODE_INVALID,
    Code.LGCODE_UNKNOWN,
    Code.LGCODE_NOT_IN_FORCE,
    Code.POSTAL_INVALID,
}


class Unmapped(FrozenModel):
    item: str
    value: str | None
    count: int


class RunResult(FrozenModel):
    run_id: str
    mapping: str
    target_table: str
    status: RunStatus  # succeeded, rejected (nothing published: see rejected_because), dry-run
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    reconciled: bool
    quarantine_by_reason: dict[str, int]
    unmapped: tuple[Unmapped, ...]
    dates_kept_as_text: int  # 不詳 and non-calendar dates moved to their 不詳表記 item
    dates_kept_by_reason: dict[str, int]  # the same by reason (ERA_DATE_NOT_CALENDAR apart from DATE_UNKNOWN)
    timings: dict[str, float]
    preview: tuple[dict[str, str | None], ...] = ()  # --dry-run: the first rows, masked
    # Where each item came from; the items not read from one column of the export (constant, derived, omitted)
    # are what an auditor asks about, and a 必須 item omitted quarantines every row.
    origins: tuple[ItemOrigin, ...] = ()
    # A rejected run: its code and why, in one line with the way out (counts and codes only, never a value).
    # The counts above are what the run would have published; the published rows and quarantine are as before.
    rejected_code: Code | None = None
    rejected_because: str | None = None
    corrections: CorrectionSummary | None = None  # the corrections files applied (converters/corrections.py)


class _Builder:
    """Accumulates the joins of value steps and the final expression of every item."""

    def __init__(self, con: Any, survey: _Survey) -> None:
        self.con = con
        self.survey = survey
        self.joins: list[str] = []
        self.map_checks: list[tuple[str, str, str, frozenset[str]]] = []  # (item, alias, …, tolerated)
        self.extras: dict[str, list[str]] = {}
        self.kept_reasons: dict[str, str] = {}  # item → the reason its date went to the 不詳表記 item (SQL)
        self.kept_lines: list[str] = []  # SQL: the lines whose value step gave a reason its 不詳表記 item takes
        self.counter = 0
        self.finals: dict[str, str] = {}  # item → its made value (SQL), for the steps that read it
        # item → (the prefilter of its last step, that step's table or None): the values the step left as they
        # were match no character of the prefilter (see _Guard)
        self.guards: dict[str, _Guard] = {}
        self.guard: _Guard | None = None  # the current step's, set by a value step that scanned with its prefilter

    def run(self, plan: ItemPlan) -> str:
        self.item_joins: list[str] = []  # the joins this item's own earlier steps need
        expr = plan.initial
        self.guard = None
        for step in plan.steps:
            self.guard = None
            expr = step.build(expr) if isinstance(step, SqlStep) else self._value(plan, step, expr)
        if self.guard is not None:  # the item's last step
            self.guards[plan.item.romanized] = self.guard
        self.finals[plan.item.romanized] = f"nullif({expr}, '')"
        return self.finals[plan.item.romanized]

    def _value(self, plan: ItemPlan, step: ValueStep, expr: str) -> str:
        columns = set(re.findall(r"\bs\.(c\d+)\b", expr))
        if step.name == "gaiji" and not self.survey.any_pua(columns):
            return expr  # no 外字 in the columns this value is made of: nothing to look up
        if step.ascii_passes and _ascii_only(expr, columns, self.survey):
            return expr  # every value is plain ASCII, which the step leaves as it is: no scan for nothing
        if step.pair_item:  # the pair (value, the other item's made value): every join made so far is needed
            expr = f"{expr} || {literal(PAIR)} || coalesce({self.finals[step.pair_item]}, '')"
            self.item_joins = list(self.joins)
        where = f"regexp_matches({expr}, {literal(step.prefilter)})" if step.prefilter else f"{expr} IS NOT NULL"
        if step.ascii_passes:  # byte length = character length: plain ASCII, the expression need not run
            where = f"strlen({expr}) <> length({expr}) AND {where}"
        keys = [
            row[0]
            for row in self.con.execute(
                f"SELECT DISTINCT {expr} FROM stage s {' '.join(self.item_joins)} WHERE {where}"
            ).fetchall()
        ]
        # Every value that matches the prefilter is a key of the step's table, so the values the step leaves as they
        # are match none of its characters. Not claimed where plain ASCII skips the scan, nor for a pair's key: no
        # step of today has a prefilter there, and the claim would not hold.
        prefiltered = step.prefilter is not None and not step.ascii_passes and not step.pair_item
        if not keys:
            if prefiltered:
                self.guard = _Guard(str(step.prefilter), None)
            return expr
        results = [step.apply(k) for k in keys]
        if step.extra_target:  # the 不詳表記 item is Ｎ: the legacy text goes there in full width
            results = [replace(r, extra=to_full_width(r.extra)) if r.extra else r for r in results]
        alias = f"m{self.counter}"
        self.counter += 1
        self.con.execute(
            f"CREATE TEMP TABLE {alias} AS SELECT unnest($k) AS k, unnest($v) AS v, unnest($r) AS reason, "
            "unnest($d) AS detail, unnest($x) AS extra",
            {
                "k": keys,
                "v": [r.value for r in results],
                "r": [r.reason for r in results],
                "d": [r.detail for r in results],
                "x": [r.extra for r in results],
            },
        )
        if step.extra_target and step.tolerated:  # the rows whose date may go to the 不詳表記 item (few, as a rule)
            self.kept_lines.append(
                f"SELECT s._line FROM stage s {' '.join(self.item_joins)} WHERE ({expr}) IN "
                f"(SELECT k FROM {alias} WHERE reason IN ({', '.join(literal(t) for t in step.tolerated)}))"
            )
        self.joins.append(f"LEFT JOIN {alias} ON {alias}.k = ({expr})")
        self.item_joins.append(self.joins[-1])
        tolerated = step.tolerated if step.extra_target else frozenset()
        self.map_checks.append((plan.item.romanized, alias, step.name, tolerated))
        if step.extra_target:
            self.extras.setdefault(step.extra_target, []).append(
                f"CASE WHEN {alias}.reason IN ({', '.join(literal(t) for t in tolerated)}) THEN {alias}.extra END"
            )
            self.kept_reasons[plan.item.romanized] = (
                f"CASE WHEN {alias}.reason IN ({', '.join(literal(t) for t in tolerated)}) THEN {alias}.reason END"
            )
        if step.prefilter:
            if prefiltered:
                self.guard = _Guard(str(step.prefilter), alias)
            return f"CASE WHEN {alias}.k IS NOT NULL THEN {alias}.v ELSE {expr} END"
        return f"{alias}.v"


class _Guard(NamedTuple):
    """What an item's last value step, run with a prefilter, says of the item's values: none of the values it left
    as they were holds a character of ``prefilter``; the others are the values of ``table`` (None: it changed no
    value). A width check that fails on exactly that character class then only needs to run on ``table``."""

    prefilter: str
    table: str | None


class _Survey:
    """Which staged columns are plain ASCII and which hold a 外字, found when a value step first asks.

    A value step that plain ASCII passes unchanged (half width) skips its scan of ASCII columns: with pad_left
    before it, that scan computed the padded value of every row to find none to change. A 外字 step skips the
    columns without one. Only the columns a step reads are surveyed, each once. Whether a column is plain ASCII
    costs 5–10 ms a million values, the 外字 regular expression 50 ms, so it runs only on the columns that are not
    plain ASCII: surveying every column up front for both cost 1.4 s of a 1M-row run, more than it spared.
    """

    def __init__(self, con: Any, may_have_pua: bool, may_have_controls: bool = True) -> None:
        self.con = con
        self.may_have_pua = may_have_pua  # the reader saw bytes that could start a 外字 (else none is looked for)
        self.may_have_controls = may_have_controls  # the reader saw a control character in a value, or cannot tell
        self.ascii: dict[str, bool] = {}  # column -> plain ASCII text only (or empty)
        self.pua: dict[str, bool] = {}  # column -> holds a 外字 (Private Use Area character)

    def all_ascii(self, columns: set[str]) -> bool:
        new = sorted(c for c in columns if c not in self.ascii)
        if new:
            # Byte length = character length means plain ASCII (5–10 ms a column of a million values).
            found = self._one_row([f"bool_or(strlen({c}) <> length({c}))" for c in new])
            self.ascii.update({c: not wide for c, wide in zip(new, found, strict=True)})
        return all(self.ascii[c] for c in columns)

    def any_pua(self, columns: set[str]) -> bool:
        if not self.may_have_pua:
            return False
        self.all_ascii(columns)  # an ASCII column holds no 外字: the regular expression (50 ms) skips it
        new = sorted(c for c in columns if c not in self.pua and not self.ascii[c])
        if new:
            found = self._one_row([f"bool_or(regexp_matches({c}, '[\\x{{E000}}-\\x{{F8FF}}]'))" for c in new])
            self.pua.update(dict(zip(new, found, strict=True)))
        return any(self.pua.get(c, False) for c in columns)

    def _one_row(self, aggregates: list[str]) -> list[bool]:
        return [bool(v) for v in self.con.execute(f"SELECT {', '.join(aggregates)} FROM stage").fetchone()]


def _ascii_only(expr: str, columns: set[str], survey: _Survey) -> bool:
    """Whether ``expr`` can only make plain ASCII: it reads ASCII columns only, no value step's result (a join
    ``mN``), and its SQL steps (pad, trim, substr, upper …) write no other character than its ASCII literals."""
    return expr.isascii() and not re.search(r"\bm\d+\.", expr) and survey.all_ascii(columns)


@dataclass(frozen=True)
class _Query:
    """What every row of the source becomes, as SQL over ``stage`` (the value steps' tables already made).

    ``select`` gives one row per staged row: ``_line``, every item's value ``v{i}``, whether any check failed
    (``bad``) and, for a date that went as text to its 不詳表記 item, why (``kd{i}``). A run publishes from it in
    one pass; 現新比較 keeps it as the table ``conv``. The source values and the reason of each failed check are
    needed only for the rows that failed: :func:`_create_detail` computes them again for those rows alone.
    """

    select: str
    values: list[str]  # "<expr> AS v{i}" (and "s._line AS _line"), over ``stage s`` and the joins
    joins: str
    map_errors: list[str]  # per value step that can fail: its reason, or NULL (tolerated reasons skipped)
    map_checks: list[tuple[str, str, str, frozenset[str]]]  # (item, alias, step, tolerated), as map_errors
    kept_columns: list[str]  # "<why> AS kd{i}" for every date item with a 不詳表記 item
    kept_lines: list[str]  # SQL of the lines whose date may go, as text, to its 不詳表記 item

    @property
    def map_items(self) -> list[str]:
        return [item for item, _, _, _ in self.map_checks]


def _conv_query(con: Any, staged: Staged, plans: list[ItemPlan], sql_checks: list[Check]) -> _Query:
    """Run the value steps (their tables ``mN``) and compose the SQL of every item's value and checks."""
    # Readers look at the raw bytes: a file with no 外字 lead bytes at all skips the 外字 test of the survey.
    builder = _Builder(con, _Survey(con, staged.may_have_pua, staged.may_have_controls))
    # An item whose step reads another item's made value (lgcode in_force_on) is made after the others.
    made = {i: builder.run(plans[i]) for i in sorted(range(len(plans)), key=lambda i: bool(plans[i].reads))}
    finals = [made[i] for i in range(len(plans))]
    values = ["s._line AS _line"]
    for i, (plan, final) in enumerate(zip(plans, finals, strict=True)):
        extras = builder.extras.get(plan.item.romanized)
        value = f"coalesce({final}, {', '.join(extras)})" if extras else final
        values.append(f"{value} AS v{i}")
    map_errors: list[str] = []
    for _, alias, _, tolerated in builder.map_checks:
        skip = f" AND {alias}.reason NOT IN ({', '.join(literal(t) for t in tolerated)})" if tolerated else ""
        map_errors.append(f"CASE WHEN {alias}.reason IS NOT NULL{skip} THEN {alias}.reason END")
    index = {plan.item.romanized: i for i, plan in enumerate(plans)}

    def column(item: str) -> str:
        return f"v{index[item]}"

    joins = " ".join(builder.joins)
    # The map errors are computed beside the values, the checks read the values (one statement).
    kept_columns = _kept_columns(plans, builder.kept_reasons)
    on_maps, per_row = _checks_on_maps(con, builder, sql_checks)
    inner = ", ".join(
        values
        + [f"{e} AS me{j}" for j, e in enumerate(map_errors)]
        + [f"{verdict} AS cm{j}" for j, verdict in enumerate(on_maps)]
        + kept_columns
    )
    failed = [f"me{j} IS NOT NULL" for j in range(len(map_errors))] + [f"cm{j}" for j in range(len(on_maps))]
    failed += _failed_predicates(per_row, column)  # NULL (no verdict) is no failure
    kd = [f"kd{i}" for i in range(len(plans)) if _extra_index(plans, i) is not None]
    select = (
        f"SELECT _line, {', '.join(f'v{i}' for i in range(len(plans)))}, "
        f"{' OR '.join(failed) if failed else 'false'} AS bad{''.join(', ' + k for k in kd)} "
        f"FROM (SELECT {inner} FROM stage s {joins})"
    )
    return _Query(select, values, joins, map_errors, builder.map_checks, kept_columns, builder.kept_lines)


def _create_detail(con: Any, query: _Query, plans: list[ItemPlan], sql_checks: list[Check], lines: str) -> None:
    """``detail``: the rows of ``lines`` (SQL giving ``_line``) again, with their source values, the reasons of
    what failed and the rules (``src{i}``, ``me{j}``/``mr{j}``, ``ce{k}``), and ``kd{i}``."""
    index = {plan.item.romanized: i for i, plan in enumerate(plans)}

    def column(item: str) -> str:
        return f"v{index[item]}"

    columns = query.values + [f"{plan.initial} AS src{i}" for i, plan in enumerate(plans)]
    columns += query.kept_columns
    for j, (error, (_, alias, _, _)) in enumerate(zip(query.map_errors, query.map_checks, strict=True)):
        columns += [f"{error} AS me{j}", f"{alias}.detail AS mr{j}"]
    select = ["*"] + [
        f"CASE WHEN {check.sql(column)} THEN {literal(check.reason)} END AS ce{k}" for k, check in enumerate(sql_checks)
    ]
    con.execute(
        f"CREATE TEMP TABLE detail AS SELECT {', '.join(select)} FROM (SELECT {', '.join(columns)} "
        f"FROM (SELECT * FROM stage WHERE _line IN ({lines})) s {query.joins})"
    )


def _prepare(con: Any, staged: Staged, plans: list[ItemPlan], sql_checks: list[Check]) -> list[str]:
    """Create ``conv`` (every staged row: its values, ``bad``, ``kd{i}``) and ``detail`` (the rows that failed);
    returns the items of the value steps that can fail, in the order of ``detail``'s ``me{j}``."""
    query = _conv_query(con, staged, plans, sql_checks)
    con.execute(f"CREATE TEMP TABLE conv AS {query.select}")
    _create_detail(con, query, plans, sql_checks, "SELECT _line FROM conv WHERE bad")
    return query.map_items


_MAP_VALUE = re.compile(r"nullif\((m\d+)\.v, ''\)")  # an item's made value that is a value step's result
_MAP_COLUMN = "nullif(v, '')"  # the same value in the step's table


def _checks_on_maps(con: Any, builder: _Builder, checks: list[Check]) -> tuple[list[str], list[Check]]:
    """Run once per distinct value the checks that read one item whose value is a value step's result, and not at
    all the width checks no value can fail.

    A date, a code or a time is made by a value step from the distinct legacy values: its table ``mN`` holds
    every value the item can take (a row whose key is not there gets NULL). A check that reads that item alone
    is a function of the value, so it runs on ``mN`` (thousands of values) and the rows read its verdict,
    ``mN.bad``, instead of running on every row (the format, calendar and code-list checks were a third of the
    time of a conversion). Only for checks an empty value passes: the rows the join leaves NULL must pass.
    The width checks, by what the values are made of (:func:`_width_check_runs`).
    Returns the predicates for ``bad`` and the checks left to run on every row.
    """
    per_row: list[Check] = []
    on_map: dict[str, list[str]] = {}
    for check in checks:
        if check.data_rule.items != (check.item,) or check.item in builder.extras:
            per_row.append(check)
            continue
        made = _MAP_VALUE.fullmatch(builder.finals.get(check.item, ""))
        table = made.group(1) if made else _width_check_runs(builder, check)
        if table == "":
            continue  # no value can fail it
        if table is not None:
            empty = con.execute(f"SELECT coalesce({check.sql(lambda _: 'CAST(NULL AS VARCHAR)')}, false)").fetchone()
            if not empty[0]:
                on_map.setdefault(table, []).append(f"({check.sql(lambda _: _MAP_COLUMN)})")
                continue
        per_row.append(check)
    for alias, predicates in on_map.items():
        con.execute(f"ALTER TABLE {alias} ADD COLUMN bad BOOLEAN")
        con.execute(f"UPDATE {alias} SET bad = coalesce({' OR '.join(predicates)}, false)")
    return [f"coalesce({alias}.bad, false)" for alias in on_map], per_row


def _width_check_runs(builder: _Builder, check: Check) -> str | None:
    """Where a width check of an item made without a value step's table of every value has to run: "" nowhere,
    as no value can fail it; a step's table, as only its values can; None on every row.

    The two width checks were 5 % of a conversion's time (a regular expression over every row's text):
    - An Ｎ item's last step makes full width the values with a narrow character (its prefilter, the very class
      the check fails on) and leaves the others, which hold none: the check runs on the step's table, or nowhere
      when no value had one (:class:`_Guard`).
    - An X item made by SQL steps alone from columns of plain ASCII, in a file without a control character: every
      character is printable ASCII (the steps write only what they read and their literals), which it passes.
    """
    pattern = _width_pattern(check, _MAP_COLUMN)
    if pattern is None:
        return None
    guard = builder.guards.get(check.item)
    if guard is not None and guard.prefilter == pattern:
        return guard.table or ""
    final = builder.finals.get(check.item)
    if final is None:  # an item not made here: its check stays
        return None
    columns = set(re.findall(r"\bs\.(c\d+)\b", final))
    if (
        pattern == WIDE_CLASS
        and not builder.survey.may_have_controls
        and not CONTROL_CHARACTER.search(final)
        and _ascii_only(final, columns, builder.survey)
    ):
        return ""
    return None


# The width rules test one character class per value: conv's ``bad`` flag tests it once per row, on the values
# joined (concat skips NULLs, and joining strings makes no new character), instead of once per item.
_CHARACTER_CLASSES = {RuleKind.HALF_WIDTH: WIDE_CLASS, RuleKind.FULL_WIDTH: NARROW_CLASS}


def _width_pattern(check: Check, value: str) -> str | None:
    """The character class a width check fails on, where the check is exactly that test of ``value`` (a rule
    changed in spec_catalog.rules is left as it is)."""
    pattern = _CHARACTER_CLASSES.get(check.data_rule.kind)
    expected = f"({value} IS NOT NULL AND regexp_matches({value}, {literal(pattern)}))" if pattern else None
    return pattern if expected is not None and check.sql(lambda _: value) == expected else None


def _failed_predicates(checks: list[Check], column: Callable[[str], str]) -> list[str]:
    """What makes a row fail, for conv's ``bad`` flag: every check's predicate, the width checks of all items
    merged into one test per character class. Only whether a row failed is needed here: ``detail`` finds again,
    check by check, why a failed row failed."""
    predicates: list[str] = []
    merged: dict[str, list[str]] = {}
    for check in checks:
        c = column(check.item)
        pattern = _width_pattern(check, c)
        if pattern:
            merged.setdefault(pattern, []).append(c)
        else:
            predicates.append(f"({check.sql(column)})")
    predicates += [f"regexp_matches(concat({', '.join(cs)}), {literal(p)})" for p, cs in merged.items()]
    return predicates


def _extra_index(plans: list[ItemPlan], i: int) -> int | None:
    """The index of the item that takes item ``i``'s 不詳 text (its 不詳表記 item), if any."""
    target = next((s.extra_target for s in plans[i].steps if isinstance(s, ValueStep) and s.extra_target), None)
    return next((k for k, p in enumerate(plans) if p.item.romanized == target), None)


def _kept_columns(plans: list[ItemPlan], reasons: dict[str, str]) -> list[str]:
    """``kd{i}``: why item i's date went, as text, into its 不詳表記 item (a 不詳 or non-calendar legacy date)."""
    columns = []
    for i, plan in enumerate(plans):
        j = _extra_index(plans, i)
        if j is not None:
            reason = reasons.get(plan.item.romanized, "NULL")
            condition = f"v{i} IS NULL AND {plan.initial} IS NOT NULL AND v{j} IS NOT NULL"
            columns.append(f"CASE WHEN {condition} THEN {reason} END AS kd{i}")
    return columns


class Failure(NamedTuple):
    """A value of a row that a transform or a rule rejected."""

    line: int
    item: str
    reason: str
    rule: str
    value: str | None  # the source value, unmasked: masked when it becomes a quarantine row


class Duplicate(NamedTuple):
    line: int
    key: str  # the key's values joined with '|', unmasked


def _failures(con: Any, plans: list[ItemPlan], map_items: list[str], sql_checks: list[Check]) -> list[Failure]:
    """Every failed check, from ``detail``."""
    index = {plan.item.romanized: i for i, plan in enumerate(plans)}
    parts = [
        f"SELECT _line, {literal(item)} AS item, me{j} AS reason, mr{j} AS rule, src{index[item]} AS value "
        f"FROM detail WHERE me{j} IS NOT NULL"
        for j, item in enumerate(map_items)
    ]
    parts += [
        f"SELECT _line, {literal(c.item)} AS item, ce{k} AS reason, {literal(c.rule_id)} AS rule, "
        f"src{index[c.item]} AS value FROM detail WHERE ce{k} IS NOT NULL"
        for k, c in enumerate(sql_checks)
    ]
    if not parts:
        return []
    rows = [Failure(*r) for r in con.execute(" UNION ALL ".join(parts) + " ORDER BY _line, item").fetchall()]
    # A value a transform rejected is empty afterwards: the checks that read it (必須, or the 条件付き必須 of
    # its 不詳表記 …) would only repeat that.
    by_transform = {(f.line, f.item) for f in rows if f.reason in _TRANSFORM_REASONS}
    reads = {c.rule_id: c.data_rule.items for c in sql_checks}

    def repeats(f: Failure) -> bool:
        return any((f.line, item) in by_transform for item in reads.get(f.rule, (f.item,)))

    return [f for f in rows if f.reason in _TRANSFORM_REASONS or not repeats(f)]


def _offsets(mapping: Mapping, staged: Staged, lines: Iterable[int]) -> dict[int, int | None]:
    """The byte offset of each of ``lines`` in the source (None where it is not known)."""
    source = mapping.file.source
    if isinstance(source, FixedSource):
        size = source.length + {"crlf": 2, "lf": 1, "none": 0}[source.terminator]
        return {line: (line - 1) * size for line in lines}
    if staged.line_offsets is None:
        return dict.fromkeys(lines)
    return staged.line_offsets.offsets(lines)


@dataclass(frozen=True)
class _Run:
    """What every step of one run needs to know about it."""

    mapping: Mapping
    target: str
    run_id: str
    source_file: str
    dry_run: bool
    unmask: bool
    guard: PublishGuard
    corrections: tuple[CorrectionsFile, ...] = ()


@dataclass
class _Outcome:
    rows_read: int
    loaded: int
    quarantine: list[QuarantineRow]
    unmapped: tuple[Unmapped, ...]
    dates_kept: dict[str, int]  # by reason

    @property
    def quarantined(self) -> int:
        return len({q.line for q in self.quarantine})

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.loaded + self.quarantined

    @property
    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(q.reason for q in self.quarantine).items()))


def run_conversion(
    mapping: Mapping,
    db_path: Path | None,
    *,
    dry_run: bool = False,
    limit: int | None = None,
    memory_limit: str | None = None,
    unmask: bool = False,
    guard: PublishGuard | None = None,
    progress: Callable[[str], None] | None = None,
    on_read: Callable[[int, int], None] | None = None,
    corrections: Sequence[Path] = (),
) -> RunResult:
    """Convert ``mapping``'s source into its target table in ``db_path`` (in memory for a dry run).

    ``guard`` says when the run may replace the mapping's published rows (default: the safe
    :class:`PublishGuard`); a run it stops comes back ``rejected`` with ``rejected_because``. ``corrections``:
    returned cleansing-request workbooks applied after the mapping's own (:mod:`converters.corrections`).
    """
    run = _Run(
        mapping=mapping,
        target=table_name(mapping.spec.business_id, mapping.group.name),
        run_id=dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f") + "-" + mapping.digest[:8],
        source_file=mapping.source_path.name,
        dry_run=dry_run,
        unmask=unmask,
        guard=guard or PublishGuard(),
        # the mapping's corrections: files and ``corrections``, read (and their requests found) before the run
        corrections=tuple(load_corrections(mapping, db_path, corrections)),
    )
    con = connect(None if dry_run else db_path, memory_limit=memory_limit)
    note_published(False)  # until this run's COMMIT
    try:
        if not dry_run:
            _start(con, run)
        # Ctrl-C stops a statement at once; the record below uses the connection itself (never interrupted).
        with run_workdir() as workdir, interruptible(con) as running:
            return _convert(running, run, workdir, limit, progress or (lambda _: None), on_read)
    except KeyboardInterrupt:
        if not dry_run:
            _end(con, run.run_id, RunStatus.INTERRUPTED, say("中断されました", "interrupted by the user"))
        raise
    except FitgapError as exc:
        if not dry_run:
            _end(con, run.run_id, RunStatus.FAILED, mask_text(exc.one_line()) or "")
        raise
    except Exception as exc:
        if is_interrupt(exc):  # Ctrl-C while DuckDB ran a statement (reading, publishing): as anywhere else
            if not dry_run:
                _end(con, run.run_id, RunStatus.INTERRUPTED, say("中断されました", "interrupted by the user"))
            raise KeyboardInterrupt from None
        if not dry_run:
            # The message names the error's kind only: a database error can quote a row's values.
            _end(
                con,
                run.run_id,
                RunStatus.FAILED,
                say(f"{type(exc).__name__} で止まりました", f"stopped on {type(exc).__name__}"),
            )
        raise
    finally:
        con.close()


def _convert(
    con: Any,
    run: _Run,
    workdir: Path,
    limit: int | None,
    phase: Callable[[str], None],
    on_read: Callable[[int, int], None] | None,
) -> RunResult:
    """Stage, transform, find what fails, then publish (or preview): the run's steps in order. ``phase`` is told
    each step's name (``reading``, ``transforming``, ``publishing``), which the CLI labels."""
    clock = time.perf_counter()
    mapping = run.mapping
    phase("reading")
    staged = stage(con, mapping, workdir, on_read)
    timings = {"read": round(time.perf_counter() - clock, 3)}
    faults.point("stage")
    if not run.dry_run:
        update_run(con, run.run_id, source_sha256=staged.sha256 or file_sha256(mapping.source_path))
    check_columns(mapping, staged.columns)
    corrected = apply_corrections(con, run.corrections, mapping, staged, run.run_id, record=not run.dry_run)
    rows_read, rejected = _apply_limit(con, staged, limit)
    phase("transforming")
    plans = [
        plan_item(mapping, item, mapping.file.items.get(item.romanized), staged.columns) for item in mapping.group.items
    ]
    checks = plan_checks(mapping)
    query = _conv_query(con, staged, plans, checks)
    timings["transform"] = round(time.perf_counter() - clock - timings["read"], 3)
    faults.point("transform")
    phase("publishing")
    outcome, rejection, preview = _publish(con, run, staged, plans, checks, query, rows_read, rejected)
    status = RunStatus.DRY_RUN if run.dry_run else RunStatus.REJECTED if rejection else RunStatus.SUCCEEDED
    timings["total"] = round(time.perf_counter() - clock, 3)
    if not run.dry_run:
        update_run(con, run.run_id, timings=timings)
    return RunResult(
        run_id=run.run_id,
        mapping=mapping.name,
        target_table=run.target,
        status=status,
        rows_read=outcome.rows_read,
        rows_loaded=outcome.loaded,
        rows_quarantined=outcome.quarantined,
        reconciled=outcome.reconciled,
        quarantine_by_reason=outcome.by_reason,
        unmapped=outcome.unmapped,
        dates_kept_as_text=sum(outcome.dates_kept.values()),
        dates_kept_by_reason=outcome.dates_kept,
        timings=timings,
        preview=preview,
        origins=mapping.origins(),
        rejected_code=rejection.code if rejection else None,
        rejected_because=rejection.one_line() if rejection else None,
        corrections=corrected,
    )


@dataclass(frozen=True)
class Expected:
    """What the mapping makes of every legacy row, without publishing (:func:`make_expected`)."""

    plans: list[ItemPlan]
    keys: list[str]  # the items that identify a row
    key_index: list[int]  # their positions in ``plans`` (column ``v{i}`` of ``conv``)
    rows_read: int
    unreadable: frozenset[int]  # lines the reader rejected (staged blank)
    failed: dict[int, str]  # line -> the first reason a transform or a rule rejects it
    duplicates: frozenset[int]  # lines whose key repeats an earlier line's


def make_expected(con: Any, mapping: Mapping, workdir: Path) -> Expected:
    """Stage the legacy source and make every item as a conversion does (the same plans, transforms and checks),
    but apply no corrections and publish nothing: 現新比較 compares this with the published rows.

    Leaves in ``con``: the view ``stage`` (the legacy values, ``s.c{n}`` columns and ``_line``) and the temp
    table ``conv`` (``_line``, ``v{i}`` per item of ``plans``, one row per staged row, failed rows included).
    """
    staged = stage(con, mapping, workdir, None)
    check_columns(mapping, staged.columns)
    plans = [
        plan_item(mapping, item, mapping.file.items.get(item.romanized), staged.columns) for item in mapping.group.items
    ]
    checks = plan_checks(mapping)
    map_items = _prepare(con, staged, plans, checks)
    unreadable = frozenset(r.line for r in staged.rejected)
    failed: dict[int, str] = {}
    for f in _failures(con, plans, map_items, checks):
        if f.line not in unreadable:
            failed.setdefault(f.line, f.reason)
    keys = list(mapping.file.key or [i.romanized for i in mapping.group.primary_key])
    index = [next(i for i, p in enumerate(plans) if p.item.romanized == k) for k in keys]
    con.execute("CREATE TEMP TABLE excluded (_line BIGINT)")
    bad = sorted(unreadable | set(failed))
    if bad:
        con.execute("INSERT INTO excluded SELECT unnest($l)", {"l": bad})
    repeated = _duplicates(con, index, "conv", "_line NOT IN (SELECT _line FROM excluded)")
    if repeated:
        con.execute("INSERT INTO excluded SELECT unnest($l)", {"l": [d.line for d in repeated]})
    duplicates = frozenset(d.line for d in repeated)
    return Expected(
        plans=plans,
        keys=keys,
        key_index=index,
        rows_read=staged.rows_read,
        unreadable=unreadable,
        failed=failed,
        duplicates=duplicates,
    )


def _start(con: Any, run: _Run) -> None:
    """The run record, status 'running', before anything is read (a killed run stays so)."""
    ensure_schema(con)
    _ensure_target(con, run.mapping, run.target)
    start_run(
        con,
        RunRecord(
            run_id=run.run_id,
            mapping=run.mapping.name,
            mapping_path=str(run.mapping.path),
            mapping_sha256=run.mapping.digest,
            source_path=str(run.mapping.source_path),
            # the same checks as the reader's (a FIFO would hang, a missing file gets its one line) before the record
            source_bytes=check_input_file(
                run.mapping.source_path,
                say("元データのファイル", "source file"),
                hint=say("パスを確かめるか、--source で渡してください", "check the path or pass --source"),
            ),
            target_table=run.target,
            status=RunStatus.RUNNING,
            tool_version=TOOL_VERSION,
        ),
    )
    update_run(con, run.run_id, item_origins=[o.model_dump(mode="json") for o in run.mapping.origins()])


def _apply_limit(con: Any, staged: Staged, limit: int | None) -> tuple[int, list[Rejected]]:
    """--limit (a preview): keep the first ``limit`` staged rows; rows read and rejected follow."""
    if limit is None:
        return staged.rows_read, staged.rejected
    con.execute(f"CREATE TEMP TABLE limited AS SELECT * FROM stage ORDER BY _line LIMIT {int(limit)}")
    con.execute("CREATE OR REPLACE TEMP VIEW stage AS SELECT * FROM limited")
    kept = {row[0] for row in con.execute("SELECT _line FROM stage").fetchall()}
    last = max(kept, default=0)
    rejected = [r for r in staged.rejected if r.line <= last]
    return len(kept | {r.line for r in rejected}), rejected


def _keys(run: _Run, plans: list[ItemPlan]) -> tuple[list[str], list[int]]:
    """The items that identify a row (the mapping's ``key``, else the group's primary key) and their columns."""
    keys = list(run.mapping.file.key or [i.romanized for i in run.mapping.group.primary_key])
    return keys, [next(i for i, p in enumerate(plans) if p.item.romanized == k) for k in keys]


def _key_text(index: list[int], alias: str = "") -> str:
    return " || '|' || ".join(f"coalesce({alias}v{i}, '')" for i in index)


# The rows this run has put in the target table so far, under the names of ``conv`` (``_line``, ``v{i}``).
_PUBLISHED = "published"


def _published_view(con: Any, run: _Run, plans: list[ItemPlan]) -> None:
    values = ", ".join(f"{quote(p.item.romanized)} AS v{i}" for i, p in enumerate(plans))
    con.execute(
        f"CREATE TEMP VIEW {_PUBLISHED} AS SELECT _source_line AS _line, {values} FROM {quote(run.target)} "
        f"WHERE _run_id = {literal(run.run_id)}"
    )


def _take_back(con: Any, run: _Run, rows: list[Duplicate]) -> None:
    """Delete rows of this run from the target table again (keys held elsewhere or repeated)."""
    if rows:
        con.execute(
            f"DELETE FROM {quote(run.target)} WHERE _run_id = $r AND _source_line IN (SELECT unnest($l))",
            {"r": run.run_id, "l": [d.line for d in rows]},
        )


def _held_elsewhere(con: Any, run: _Run, keys: list[str], index: list[int]) -> list[Duplicate]:
    """Rows of this run whose key another mapping has published in the target table.

    A key is unique over everything published in the group, whatever mapping wrote it: the row published first
    stays, the newcomer is quarantined. Keys compare as the run's own duplicates do (two empty values are equal).
    """
    if not index or run.dry_run or not has_other_mappings(con, run.target, run.mapping.name):
        return []
    same = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM c.v{i}" for k, i in zip(keys, index, strict=True))
    return [
        Duplicate(*row)
        for row in con.execute(
            f"SELECT c._line, {_key_text(index, 'c.')} FROM {_PUBLISHED} c WHERE EXISTS (SELECT 1 FROM "
            f"{quote(run.target)} t WHERE t._mapping IS DISTINCT FROM ? AND {same}) ORDER BY c._line",
            [run.mapping.name],
        ).fetchall()
    ]


def _duplicates(con: Any, index: list[int], table: str, rows: str) -> list[Duplicate]:
    """The ``rows`` of ``table`` (``conv`` or the view of the published rows) whose key repeats an earlier row's
    (the first stays)."""
    if not index:
        return []
    repeated = repeated_keys(con, [f"v{i}" for i in index], rows, table)
    if not repeated:
        return []
    partition = ", ".join(f"c.v{i}" for i in index)
    return [
        Duplicate(*row)
        for row in con.execute(
            f"SELECT _line, {_key_text(index)} FROM (SELECT c.*, row_number() OVER (PARTITION BY {partition} "
            f"ORDER BY c._line) AS n FROM {table} c SEMI JOIN {repeated} WHERE {rows}) "
            "WHERE n > 1 ORDER BY _line"
        ).fetchall()
    ]


def repeated_keys(
    con: Any, keys: list[str], rows: str = "_line NOT IN (SELECT _line FROM excluded)", table: str = "conv"
) -> str | None:
    """The keys of ``table`` (``conv`` unless told) that more than one of its ``rows`` holds, in the temp table
    ``repeated_keys``; returns the SEMI JOIN clause that keeps the rows ``c`` of those keys (None when no key
    repeats).

    Only the rows of a repeated key are then ranked: one hash aggregate over every row instead of a sort of all of
    them by key (a key repeats on a handful of rows out of millions). Keys compare as the window did: two empty
    (NULL) values are one key."""
    columns = ", ".join(keys)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE repeated_keys AS SELECT {columns} FROM {table} "
        f"WHERE {rows} GROUP BY ALL HAVING count(*) > 1"
    )
    if not con.execute("SELECT count(*) FROM repeated_keys").fetchone()[0]:
        return None
    on = " AND ".join(f"c.{k} IS NOT DISTINCT FROM r.{k}" for k in keys)
    return f"repeated_keys r ON {on}"


def _outcome(
    con: Any,
    run: _Run,
    staged: Staged,
    plans: list[ItemPlan],
    checks: list[Check],
    query: _Query,
    rows_read: int,
    rejected: list[Rejected],
) -> _Outcome:
    """After the rows that pass are in the target table (in the run's transaction): which rows failed and why,
    keys another mapping holds and repeated keys taken out again, the quarantine rows and the counts."""
    _published_view(con, run, plans)
    # The rows that failed are the staged lines not published; with them, the lines whose date may have gone to
    # its 不詳表記 item (to count them): ``detail`` computes everything again for those lines alone.
    lines = [f"SELECT s._line FROM stage s ANTI JOIN {_PUBLISHED} p ON s._line = p._line", *query.kept_lines]
    con.execute(f"CREATE TEMP TABLE exceptional AS {' UNION '.join(lines)}")
    _create_detail(con, query, plans, checks, "SELECT _line FROM exceptional")
    # The staged text is not needed any more: its memory goes to what is left of the publish.
    con.execute("DROP VIEW stage")
    for table in ("limited", "staged", "raw"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # A row the reader rejected was staged blank; its only entry is the reader's reason.
    unreadable = {r.line for r in rejected}
    failures = [f for f in _failures(con, plans, query.map_items, checks) if f.line not in unreadable]
    keys, index = _keys(run, plans)
    # Keys another mapping holds first: a row repeating such a key within the run is quarantined for the same.
    held = _held_elsewhere(con, run, keys, index)
    _take_back(con, run, held)
    duplicates = _duplicates(con, index, _PUBLISHED, "true")
    _take_back(con, run, duplicates)
    quarantine = _quarantine_rows(run, staged, plans, rejected, failures, keys, held, duplicates)
    loaded = con.execute(f"SELECT count(*) FROM {_PUBLISHED}").fetchone()[0]
    unmapped_counts = Counter((q.item, q.value) for q in quarantine if q.reason == Code.CODE_UNMAPPED)
    unmapped = tuple(
        Unmapped(item=i or "", value=mask_text(v, unmask=run.unmask), count=n)
        for (i, v), n in sorted(unmapped_counts.items(), key=lambda x: (x[0][0] or "", -x[1]))
    )
    return _Outcome(
        rows_read=rows_read,
        loaded=int(loaded),
        quarantine=quarantine,
        unmapped=unmapped,
        dates_kept=_dates_kept(con, plans),
    )


def _end(con: Any, run_id: str, status: RunStatus, message: str) -> None:
    # The connection may be what failed; the run then stays 'running', which says the same. A run already
    # recorded as done (its COMMIT went through before the error or the Ctrl-C) keeps its record.
    with contextlib.suppress(Exception):
        if run_status(con, run_id) in (None, RunStatus.RUNNING):
            update_run(con, run_id, status=status, finished=True, message=message)


def _dates_kept(con: Any, plans: list[ItemPlan]) -> dict[str, int]:
    """Dates that went, as text, into their 不詳表記 item, counted by reason (a 不詳 or non-calendar date)."""
    kept = [f"SELECT kd{i} AS reason FROM detail" for i in range(len(plans)) if _extra_index(plans, i) is not None]
    if not kept:
        return {}
    rows = con.execute(
        f"SELECT reason, count(*) FROM ({' UNION ALL '.join(kept)}) WHERE reason IS NOT NULL GROUP BY reason"
    ).fetchall()
    return {reason: int(n) for reason, n in sorted(rows)}


def _quarantine_rows(
    run: _Run,
    staged: Staged,
    plans: list[ItemPlan],
    rejected: list[Rejected],
    failures: list[Failure],
    keys: list[str],
    held: list[Duplicate],
    duplicates: list[Duplicate],
) -> list[QuarantineRow]:
    """The quarantine table's rows: the reader's rejections, failed values, keys held by another mapping,
    repeated keys; values masked."""
    sensitivity = {p.item.romanized: p.item.sensitivity for p in plans}

    def row(
        line: int, offset: int | None, item: str | None, reason: str, rule: str, value: str | None
    ) -> QuarantineRow:
        return QuarantineRow(
            run_id=run.run_id,
            mapping=run.mapping.name,
            source_file=run.source_file,
            line=line,
            byte_offset=offset,
            item=item,
            reason=reason,
            rule=rule,
            value=value,
        )

    rows = [row(r.line, r.offset, None, r.reason.value, r.rule, r.value) for r in rejected]
    # every offset at once: each chunk of the source that holds one is read once
    at = _offsets(run.mapping, staged, [f.line for f in failures] + [d.line for d in held + duplicates])
    for f in failures:
        level = sensitivity.get(f.item, Sensitivity.NONE)
        value = mask(f.value, level, unmask=run.unmask)
        rows.append(row(f.line, at[f.line], f.item, f.reason, f.rule, value))
    level = max(
        (sensitivity.get(k, Sensitivity.NONE) for k in keys), key=list(Sensitivity).index, default=Sensitivity.NONE
    )
    key_rule = f"{run.target}.{'+'.join(keys)}.primary_key"
    keyed = [(d, Code.KEY_IN_OTHER_MAPPING) for d in held] + [(d, Code.KEY_DUPLICATE) for d in duplicates]
    for d, code in sorted(keyed, key=lambda pair: pair[0].line):
        masked = mask(d.key, level, unmask=run.unmask)
        rows.append(row(d.line, at[d.line], "+".join(keys), code.value, key_rule, masked))
    return rows


def _preview(con: Any, plans: list[ItemPlan], unmask: bool) -> tuple[dict[str, str | None], ...]:
    names = [p.item.romanized for p in plans]
    rows = con.execute(
        f"SELECT _line, {', '.join(f'v{i}' for i in range(len(plans)))} FROM {_PUBLISHED} ORDER BY _line LIMIT 20"
    ).fetchall()
    return tuple(
        {
            "_line": str(row[0]),
            **{n: mask(v, p.item.sensitivity, unmask=unmask) for n, v, p in zip(names, row[1:], plans, strict=True)},
        }
        for row in rows
    )


def _ensure_target(con: Any, mapping: Mapping, target: str) -> None:
    wanted = [i.romanized for i in mapping.group.items] + list(LINEAGE)
    existing = columns_of(con, target)
    if existing and existing != wanted:
        raise FitgapError(
            say(
                f"テーブル {target} の列がカタログのグループ {mapping.group.name} と違います",
                f"table {target} has other columns than group {mapping.group.name} of the catalog",
            ),
            hint=say(
                "作成後にカタログが変わっています。新しいデータベースに変換するか、テーブルを削除してください",
                "the catalog changed since it was made: convert into a new database, or drop the table",
            ),
        )
    if not existing:
        create_target(con, target, [i.romanized for i in mapping.group.items])


def _publish(
    con: Any,
    run: _Run,
    staged: Staged,
    plans: list[ItemPlan],
    checks: list[Check],
    query: _Query,
    rows_read: int,
    rejected: list[Rejected],
) -> tuple[_Outcome, Rejection | None, tuple[dict[str, str | None], ...]]:
    """Replace the mapping's rows and quarantine in one transaction, or reject a run the guard stops.

    The rows that pass go into the target table in one pass, straight from the source (no intermediate table
    of every row: at 50M rows that table alone spilled tens of GB); what failed, what another mapping holds and
    what repeats is found after, inside the transaction. A rejected run is rolled back: it touches neither the
    target nor the quarantine, and its record keeps the counts it would have published and, as its message, the
    code and why. A dry run (in memory) is rolled back after its preview.
    """
    published = published_rows(con, run.target, run.mapping.name)
    if run.dry_run:
        create_target(con, run.target, [p.item.romanized for p in plans])
    con.execute("CREATE TEMP TABLE unreadable (_line BIGINT)")
    if rejected:
        con.execute("INSERT INTO unreadable SELECT unnest($l)", {"l": sorted({r.line for r in rejected})})
    columns = ", ".join(quote(p.item.romanized) for p in plans) + ", " + ", ".join(quote(c) for c in LINEAGE)
    values = ", ".join(f"v{i}" for i in range(len(plans)))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {quote(run.target)} WHERE _mapping = ?", [run.mapping.name])
        con.execute(
            f"INSERT INTO {quote(run.target)} ({columns}) SELECT {values}, ?, _line, ?, ? FROM ({query.select}) "
            "WHERE bad IS NOT TRUE AND _line NOT IN (SELECT _line FROM unreadable)",  # NULL: no verdict, no failure
            [run.source_file, run.run_id, run.mapping.name],
        )
        outcome = _outcome(con, run, staged, plans, checks, query, rows_read, rejected)
        if run.dry_run:
            preview = _preview(con, plans, run.unmask)
            con.execute("ROLLBACK")
            return outcome, None, preview
        counts = {
            "rows_read": outcome.rows_read,
            "rows_loaded": outcome.loaded,
            "rows_quarantined": outcome.quarantined,
        }
        rejection = judge(
            run.guard,
            rows_read=outcome.rows_read,
            rows_loaded=outcome.loaded,
            rows_quarantined=outcome.quarantined,
            published=published,
            by_reason=outcome.by_reason,
        )
        if rejection is not None:
            con.execute("ROLLBACK")
            update_run(
                con,
                run.run_id,
                status=RunStatus.REJECTED,
                finished=True,
                reconciled=outcome.reconciled,
                unmapped=[u.model_dump() for u in outcome.unmapped],
                message=f"{rejection.code}: {rejection.message}",
                **counts,
            )
            return outcome, rejection, ()
        faults.point("publish")  # the target's rows are replaced but not committed
        replace_quarantine(con, run.mapping.name, outcome.quarantine)
        update_run(
            con,
            run.run_id,
            status=RunStatus.SUCCEEDED,
            finished=True,
            reconciled=True,
            unmapped=[u.model_dump() for u in outcome.unmapped],
            **counts,
        )
        with deferred(con):  # DuckDB would ignore an interrupt here, and the run would be told interrupted
            con.execute("COMMIT")
        note_published()
    except BaseException:
        # A failed COMMIT (disk full) leaves no transaction: ROLLBACK's own error would hide the real one.
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise
    return outcome, None, ()
