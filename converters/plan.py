"""How each target item is made: the steps the engine runs, from the mapping and the item's type.

Two kinds of step: SQL steps compose a DuckDB expression (run over every row at once); value steps call a
pure Python transform on the *distinct* values of the column so far (dates, codes, 外字: few distinct values
even in millions of rows). Checks come last and name the reason a value is rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from converters.mapping import ItemMapping, Mapping
from converters.reasons import Reason
from converters.transforms.era import parse_era_date
from converters.transforms.result import Converted
from converters.transforms.values import code, gaiji, local_government_code, postal_code, time_of_day
from converters.transforms.width import FULL_ASCII_CLASS, NARROW_CLASS, WIDE_CLASS, to_full_width, to_half_width
from spec_catalog.models import DataItem
from spec_catalog.vocab import DataType, OutputCondition

SPACES = "' \u3000'"


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


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


@dataclass
class Check:
    condition: Callable[[str], str]  # SQL that is true when the value is rejected
    reason: Reason
    rule: str


@dataclass
class ItemPlan:
    item: DataItem
    initial: str  # SQL of the source value
    steps: list[SqlStep | ValueStep] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


def _options(transform: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(transform, str):
        return transform, {}
    name, options = next(iter(transform.items()))
    return name, options if isinstance(options, dict) else {"value": options}


def _pad(expr: str, options: dict[str, Any], left: bool) -> str:
    length = int(options.get("length", 0))
    char = lit(str(options.get("char", "0" if left else " ")))
    function = "lpad" if left else "rpad"
    return f"CASE WHEN length({expr}) < {length} THEN {function}({expr}, {length}, {char}) ELSE {expr} END"


def _number_sql(expr: str) -> str:
    # Full-width digits, signs and separators to ASCII; ▲/△ (the accountants' minus) to '-'; no commas.
    folded = f"translate({expr}, '０１２３４５６７８９－＋．，−▲△', '0123456789-+.,---')"
    return f"replace(replace({folded}, ',', ''), '+', '')"


SQL_TRANSFORMS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "trim": lambda e, o: f"trim({e}, {SPACES})",
    "upper": lambda e, o: f"upper({e})",
    "lower": lambda e, o: f"lower({e})",
    "pad_left": lambda e, o: _pad(e, o, True),
    "pad_right": lambda e, o: _pad(e, o, False),
    "number": lambda e, o: _number_sql(e),
    "replace": lambda e, o: f"replace({e}, {lit(o.get('from', ''))}, {lit(o.get('to', ''))})",
    "split": lambda e, o: f"split_part({e}, {lit(o.get('separator', '　'))}, {int(o.get('part', 1))})",
    "substr": lambda e, o: f"substr({e}, {int(o.get('start', 1))}, {int(o.get('length', 1))})",
    "jis_dashes": lambda e, o: f"translate({e}, '～－', '〜−')",
    "default": lambda e, o: f"coalesce({e}, {lit(o.get('value', ''))})",
    "join": lambda e, o: e,  # joining happens when the item reads several columns
}
VALUE_TRANSFORMS = {"era_date", "code", "lgcode", "postal", "time", "full_width", "half_width"}
TRANSFORMS = set(SQL_TRANSFORMS) | VALUE_TRANSFORMS

_NUMBER_PATTERNS = {
    DataType.INTEGER: "^[0-9]+$",
    DataType.SIGNED_INTEGER: "^-?[0-9]+$",
}


def _value_step(name: str, options: dict[str, Any], mapping: Mapping, item: DataItem) -> ValueStep:
    if name == "era_date":
        target = options.get("unknown_to") or _fushou_item(mapping, item)
        tolerated = frozenset({Reason.DATE_UNKNOWN.value, Reason.ERA_DATE_NOT_CALENDAR.value})
        return ValueStep(
            "era_date", parse_era_date, extra_target=target, tolerated=tolerated if target else frozenset()
        )
    if name == "code":
        table_name = options.get("table", options.get("value"))
        table = mapping.code_tables[str(table_name)]
        keep = bool(mapping.file.code_tables[str(table_name)].keep_unmapped)
        return ValueStep(f"code:{table_name}", partial(code, table=table, keep_unmapped=keep))
    if name == "full_width":
        return ValueStep("full_width", _keep_none(to_full_width), prefilter=NARROW_CLASS)
    if name == "half_width":
        return ValueStep("half_width", _keep_none(to_half_width), prefilter=FULL_ASCII_CLASS, ascii_passes=True)
    if name == "lgcode":
        return ValueStep("lgcode", local_government_code)
    if name == "postal":
        return ValueStep("postal", postal_code)
    return ValueStep("time", time_of_day)


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
    separator = next((_options(t)[1].get("separator", "") for t in spec.transforms if _options(t)[0] == "join"), "")
    joined = ", ".join(f"nullif({p}, '')" for p in parts)
    return f"nullif(concat_ws({lit(separator)}, {joined}), '')"


def plan_item(mapping: Mapping, item: DataItem, spec: ItemMapping | None, columns: list[str]) -> ItemPlan:
    """The steps and checks that make ``item`` from its mapping (or NULL when the mapping omits it)."""
    plan = ItemPlan(item=item, initial=_initial(mapping, spec, columns) if spec else "NULL::VARCHAR")
    if spec is not None and spec.value is None:
        plan.steps.append(ValueStep("gaiji", partial(gaiji, table=mapping.gaiji), prefilter="[\\x{E000}-\\x{F8FF}]"))
    names = [_options(t)[0] for t in spec.transforms] if spec else []
    for transform in spec.transforms if spec else ():
        name, options = _options(transform)
        if name in SQL_TRANSFORMS:
            plan.steps.append(SqlStep(partial(lambda e, n, o: SQL_TRANSFORMS[n](e, o), n=name, o=options)))
        else:
            plan.steps.append(_value_step(name, options, mapping, item))
    raw = spec.raw if spec else True
    kind = item.type
    if not raw:
        if kind is DataType.HALF_WIDTH and "half_width" not in names:
            plan.steps.append(_value_step("half_width", {}, mapping, item))
        elif kind is DataType.FULL_WIDTH and "full_width" not in names:
            plan.steps.append(_value_step("full_width", {}, mapping, item))
        elif kind in (DataType.INTEGER, DataType.SIGNED_INTEGER, DataType.DECIMAL) and "number" not in names:
            plan.steps.append(SqlStep(_number_sql))
        elif kind is DataType.DATE and "era_date" not in names:
            plan.steps.append(_value_step("era_date", {}, mapping, item))
        elif kind is DataType.TIME and "time" not in names:
            plan.steps.append(_value_step("time", {}, mapping, item))
    _add_checks(plan, mapping, raw)
    return plan


def _not_matching(pattern: str) -> Callable[[str], str]:
    return lambda v: f"NOT regexp_matches({v}, {lit(pattern)})"


def _not_in(allowed: str) -> Callable[[str], str]:
    return lambda v: f"{v} NOT IN ({allowed})"


def _longer_than(length: int) -> Callable[[str], str]:
    # Characters are never more than bytes: the byte length (stored with the string) rules out most values before
    # the characters are counted.
    return lambda v: f"(strlen({v}) > {length} AND length({v}) > {length})"


def _add_checks(plan: ItemPlan, mapping: Mapping, raw: bool) -> None:
    item = plan.item
    kind = item.type
    checks = plan.checks
    if item.output_condition is OutputCondition.REQUIRED:
        checks.append(Check(lambda v: f"{v} IS NULL", Reason.REQUIRED_MISSING, f"{item.name} is 必須"))
    if kind is DataType.HALF_WIDTH:
        checks.append(
            Check(
                # Byte length = character length means plain ASCII: the regular expression runs only otherwise.
                lambda v: f"(strlen({v}) <> length({v}) AND regexp_matches({v}, {lit(WIDE_CLASS)}))",
                Reason.WIDTH_NOT_HALF,
                f"{item.name} is X (half-width)",
            )
        )
    elif kind is DataType.FULL_WIDTH:
        checks.append(
            Check(
                # Every character 3 bytes in UTF-8 rules out ASCII; half-width kana (also 3 bytes) are caught by the
                # regular expression, which runs only for values whose bytes say nothing (or that were not widened).
                lambda v: (
                    f"(strlen({v}) <> 3 * length({v}) OR {int(raw)} = 1) AND regexp_matches({v}, {lit(NARROW_CLASS)})"
                ),
                Reason.WIDTH_NOT_FULL,
                f"{item.name} is Ｎ (full-width)",
            )
        )
    elif kind in _NUMBER_PATTERNS:
        pattern = _NUMBER_PATTERNS[kind]
        checks.append(
            Check(
                _not_matching(pattern),
                Reason.NUMBER_INVALID,
                f"{item.name} is {kind.value}",
            )
        )
    elif kind is DataType.DECIMAL:
        pattern = f"^[0-9]{{1,{item.length}}}(\\.[0-9]{{1,{item.fraction_digits}}})?$"
        checks.append(
            Check(
                _not_matching(pattern),
                Reason.NUMBER_INVALID,
                f"{item.name} is 9V({item.length},{item.fraction_digits})",
            )
        )
    elif kind is DataType.YEAR:
        checks.append(
            Check(
                _not_matching("^[0-9]{4}$"),
                Reason.NUMBER_INVALID,
                f"{item.name} is YEAR (YYYY)",
            )
        )
    if item.code_list:
        code_list = mapping.spec.code_list(item.code_list)
        if code_list is not None and not code_list.open:
            allowed = ", ".join(lit(v.code) for v in code_list.values)
            checks.append(
                Check(
                    _not_in(allowed),
                    Reason.CODE_NOT_IN_LIST,
                    f"{item.name}: code list {item.code_list} ({code_list.name})",
                )
            )
    if item.length is not None and kind not in (DataType.DECIMAL, DataType.DATE, DataType.TIME):
        checks.append(
            Check(
                _longer_than(item.length),
                Reason.LENGTH_EXCEEDED,
                f"{item.name}: at most {item.length} characters",
            )
        )
