"""How each target item is made: the steps the engine runs, from the mapping and the item's type.

Two kinds of step: SQL steps compose a DuckDB expression (run over every row at once); value steps call a
pure Python transform on the *distinct* values of the column so far (dates, codes, 外字: few distinct values
even in millions of rows). The checks come from the catalog's rules (:mod:`spec_catalog.rules`), the same that
validation runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import assert_never

from converters.mapping import ItemMapping, Mapping
from converters.transforms import options as opt
from converters.transforms.era import parse_era_date
from converters.transforms.result import Converted
from converters.transforms.values import code, gaiji, local_government_code, postal_code, time_of_day
from converters.transforms.width import FULL_ASCII_CLASS, to_full_width, to_half_width
from spec_catalog.base import FitgapError
from spec_catalog.codes import Code
from spec_catalog.database import literal as lit
from spec_catalog.language import say
from spec_catalog.models import DataItem
from spec_catalog.rules import NARROW_CLASS, DataRule, group_rules
from spec_catalog.vocab import DataType

SPACES = "' \u3000'"


@dataclass
class SqlStep:
    build: Callable[[str], str]


@dataclass
class ValueStep:
    name: str
    apply: Callable[[str | None], Converted]
    extra_target: str | None = None  # the item that receives the 不詳 text (era_date)
    prefilter: str | None = None  # a regular expression: only matching values need the step
    ascii_passes: bool = False  # plain ASCII values never need the step (a cheap test before the expression)
    tolerated: frozenset[str] = frozenset()  # reasons that are no failure when extra_target takes the text
    # An item whose made value the step reads too (lgcode in_force_on: the row's date): the step then gets
    # "VALUE<PAIR>OTHER" for each distinct pair, and the engine makes that item first.
    pair_item: str | None = None


PAIR = "\x1f"  # between the value and the other item's value in a pair step's input (no code or date holds it)


@dataclass(frozen=True)
class Check:
    """A rule of :mod:`spec_catalog.rules` the converter enforces: a row that fails it is quarantined."""

    data_rule: DataRule

    @property
    def item(self) -> str:
        return self.data_rule.items[0]

    @property
    def reason(self) -> str:
        return self.data_rule.code.value

    @property
    def rule_id(self) -> str:
        return self.data_rule.rule_id

    def sql(self, column: Callable[[str], str]) -> str:
        """The rule's predicate on the engine's working columns (``column(item)`` names one)."""
        return self.data_rule.sql(column)


@dataclass
class ItemPlan:
    item: DataItem
    initial: str  # SQL of the source value
    steps: list[SqlStep | ValueStep] = field(default_factory=list)

    @property
    def reads(self) -> tuple[str, ...]:
        """The other items whose made values a step of this item reads (they are made first)."""
        return tuple(s.pair_item for s in self.steps if isinstance(s, ValueStep) and s.pair_item)


def _pad(expr: str, pad: opt.PadLeft | opt.PadRight) -> str:
    length, char = pad.length, lit(pad.char)
    function = "lpad" if isinstance(pad, opt.PadLeft) else "rpad"
    return f"CASE WHEN length({expr}) < {length} THEN {function}({expr}, {length}, {char}) ELSE {expr} END"


def _number_sql(expr: str) -> str:
    # Full-width digits, signs and separators to ASCII; ▲/△ (the accountants' minus) to '-'; no commas.
    folded = f"translate({expr}, '０１２３４５６７８９－＋．，−▲△', '0123456789-+.,---')"
    return f"replace(replace({folded}, ',', ''), '+', '')"


def _step(transform: opt.AnyTransform, mapping: Mapping, item: DataItem) -> SqlStep | ValueStep:
    """The step a transform adds: SQL over every row, or a Python function of the distinct values."""
    match transform:
        case opt.Trim():
            return SqlStep(lambda e: f"trim({e}, {SPACES})")
        case opt.Upper():
            return SqlStep(lambda e: f"upper({e})")
        case opt.Lower():
            return SqlStep(lambda e: f"lower({e})")
        case (opt.PadLeft() | opt.PadRight()) as pad:
            return SqlStep(lambda e: _pad(e, pad))
        case opt.Number():
            return SqlStep(_number_sql)
        case opt.Replace(from_=old, to=new):
            return SqlStep(lambda e: f"replace({e}, {lit(old)}, {lit(new)})")
        case opt.Split(separator=separator, part=part):
            return SqlStep(lambda e: f"split_part({e}, {lit(separator)}, {part})")
        case opt.Substr(start=start, length=length):
            return SqlStep(lambda e: f"substr({e}, {start}, {length})")
        case opt.JisDashes():
            return SqlStep(lambda e: f"translate({e}, '～－', '〜−')")
        case opt.Default(value=value):
            return SqlStep(lambda e: f"coalesce({e}, {lit(value)})")
        case opt.Join():
            return SqlStep(lambda e: e)  # joining happens when the item reads several columns
        case opt.EraDate(unknown_to=unknown_to, keep_non_calendar=keep_non_calendar):
            target = unknown_to or _fushou_item(mapping, item)
            if keep_non_calendar and target is None:
                raise FitgapError(
                    say(
                        f"項目 '{item.romanized}' の era_date は暦にない日付を残す設定ですが、この項目には不詳表記の"
                        "項目がありません",
                        f"era_date of item '{item.romanized}' keeps non-calendar dates, but the item has no 不詳表記 "
                        "item",
                    ),
                    where=str(mapping.path),
                    hint=say(
                        "unknown_to で項目を指定するか、keep_non_calendar を外してください（そうした日付は移行エラー"
                        "になります）",
                        "name one with unknown_to, or drop keep_non_calendar (such dates are then quarantined)",
                    ),
                )
            # A 不詳 text goes to the 不詳表記 item; a non-calendar date only where the mapping asks for it.
            kept = {Code.DATE_UNKNOWN.value} | ({Code.ERA_DATE_NOT_CALENDAR.value} if keep_non_calendar else set())
            tolerated = frozenset(kept) if target else frozenset()
            return ValueStep("era_date", parse_era_date, extra_target=target, tolerated=tolerated)
        case opt.Code(table=table):
            keep = mapping.file.code_tables[table].keep_unmapped
            return ValueStep(f"code:{table}", partial(code, table=mapping.code_tables[table], keep_unmapped=keep))
        case opt.FullWidth():
            return ValueStep("full_width", _keep_none(to_full_width), prefilter=NARROW_CLASS)
        case opt.HalfWidth():
            return ValueStep("half_width", _keep_none(to_half_width), prefilter=FULL_ASCII_CLASS, ascii_passes=True)
        case opt.LgCode(successor=successor, prefectures=prefectures, in_force_on=date_item):
            allowed = prefectures if prefectures is not None else "市区町村" not in item.name
            check = partial(local_government_code, successor=successor, prefectures=allowed)
            if date_item is None:
                return ValueStep("lgcode", check)
            return ValueStep("lgcode", partial(_code_on_date, check), pair_item=date_item)
        case opt.Postal():
            return ValueStep("postal", postal_code)
        case opt.Time():
            return ValueStep("time", time_of_day)
        case _:
            assert_never(transform)


def _code_on_date(check: Callable[..., Converted], pair: str | None) -> Converted:
    """A 団体コード checked on the row's date: ``pair`` is the code, PAIR and the date item's value."""
    if pair is None:
        return Converted(None)
    value, _, day = pair.rpartition(PAIR)
    return check(value, on=day or None)


def _keep_none(function: Callable[[str], str]) -> Callable[[str | None], Converted]:
    return lambda value: Converted(None if value is None else function(value))


def _fushou_item(mapping: Mapping, item: DataItem) -> str | None:
    """The 不詳表記 item that goes with a date item (生年月日 → 生年月日_不詳表記), if the group has one."""
    wanted = f"{item.romanized}_fushohyoki"
    return wanted if any(i.romanized == wanted for i in mapping.group.items) else None


def _initial(mapping: Mapping, spec: ItemMapping, columns: list[str]) -> str:
    if spec.value is not None:
        return lit(spec.value)
    parts = [f"s.c{columns.index(column)}" for column in spec.columns]  # fixed width: trimmed when staged
    if len(parts) == 1:
        return parts[0]
    separator = next((t.separator for t in spec.transforms if isinstance(t, opt.Join)), "")
    joined = ", ".join(f"nullif({p}, '')" for p in parts)
    return f"nullif(concat_ws({lit(separator)}, {joined}), '')"


def plan_item(mapping: Mapping, item: DataItem, spec: ItemMapping | None, columns: list[str]) -> ItemPlan:
    """The steps that make ``item`` from its mapping (or NULL when the mapping omits it)."""
    plan = ItemPlan(item=item, initial=_initial(mapping, spec, columns) if spec else "NULL::VARCHAR")
    if spec is not None and spec.value is None:
        plan.steps.append(ValueStep("gaiji", partial(gaiji, table=mapping.gaiji), prefilter="[\\x{E000}-\\x{F8FF}]"))
    names = {t.name for t in spec.transforms} if spec else set()
    for transform in spec.transforms if spec else ():
        plan.steps.append(_step(transform, mapping, item))
    raw = spec.raw if spec else True
    kind = item.type
    if not raw:
        if kind is DataType.HALF_WIDTH and "half_width" not in names:
            plan.steps.append(_step(opt.HalfWidth(), mapping, item))
        elif kind is DataType.FULL_WIDTH and "full_width" not in names:
            plan.steps.append(_step(opt.FullWidth(), mapping, item))
        elif kind in (DataType.INTEGER, DataType.SIGNED_INTEGER, DataType.DECIMAL) and "number" not in names:
            plan.steps.append(SqlStep(_number_sql))
        elif kind is DataType.DATE and "era_date" not in names:
            plan.steps.append(_step(opt.EraDate(), mapping, item))
        elif kind is DataType.TIME and "time" not in names:
            plan.steps.append(_step(opt.Time(), mapping, item))
    return plan


def plan_checks(mapping: Mapping) -> list[Check]:
    """The checks that quarantine a row: the error rules of the group on a row's own values, from the catalog's
    rule model (validation runs the very same predicates)."""
    # Validation-only rules never quarantine: not built here (the character-set rule would load the MJ data).
    rules = group_rules(mapping.spec, mapping.group, validation_only=False).rules
    return [Check(rule) for rule in rules if rule.quarantines]
