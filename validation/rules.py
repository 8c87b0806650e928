"""Validation rules generated from the catalog: each is a Great Expectations expectation *and* the SQL
condition that selects its failing rows (to list every one of them, and to prove GX counts right).

Rule ids are stable (``TABLE.item.kind``): users switch rules off or change their severity by id.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from spec_catalog.base import FrozenModel
from spec_catalog.models import BusinessSpec, DataGroup, DataItem, table_name
from spec_catalog.vocab import DataType, OutputCondition

Severity = Literal["error", "warning"]
SENTINELS = ("0000-01-01", "9999-12-31")  # the standard's open ends

HALF_WIDTH = r"^[\x{20}-\x{7E}\x{FF61}-\x{FF9F}]*$"
FULL_WIDTH = r"^[^\x{20}-\x{7E}\x{FF61}-\x{FF9F}]*$"
PATTERNS = {
    DataType.INTEGER: r"^[0-9]+$",
    DataType.SIGNED_INTEGER: r"^-?[0-9]+$",
    DataType.YEAR: r"^[0-9]{4}$",
    DataType.DATE: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    DataType.TIME: r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
}


class RuleKind(StrEnum):
    COLUMNS = "columns"
    REQUIRED = "required"
    CONDITIONAL = "conditional"
    LENGTH = "length"
    HALF_WIDTH = "half_width"
    FULL_WIDTH = "full_width"
    FORMAT = "format"
    CALENDAR = "calendar"
    CODE_LIST = "code_list"
    PRIMARY_KEY = "primary_key"
    FOREIGN_KEY = "foreign_key"
    CHECK_DIGIT = "check_digit"
    DATE_ORDER = "date_order"
    FUTURE_DATE = "future_date"
    CUSTOM = "custom"


class Rule(FrozenModel):
    rule_id: str
    severity: Severity
    kind: RuleKind
    items: tuple[str, ...]
    description: str
    expectation: dict[str, Any]  # {"type": GX expectation type, "kwargs": {...}}
    failing_sql: str | None = None  # WHERE condition on the table that selects the failing rows
    references: str | None = None  # a table the rule reads too (foreign keys)
    enabled: bool = True


class ManualCheck(FrozenModel):
    item: str
    name: str
    condition: str  # the 条件付き必須 text that no rule expresses


class SuitePlan(FrozenModel):
    table: str
    business_id: str
    group: str
    catalog: str
    sample: bool
    key: tuple[str, ...]
    rules: tuple[Rule, ...]
    manual_checks: tuple[ManualCheck, ...]


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _digit(column: str, position: int) -> str:
    return f"CAST(substr({column}, {position}, 1) AS INTEGER)"


def my_number_sql(column: str) -> str:
    """True for a value that is not a 12-digit 個人番号 with a right check digit."""
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    total = " + ".join(f"{w} * {_digit(column, i)}" for i, w in enumerate(weights, start=1))
    check = f"(CASE WHEN ({total}) % 11 <= 1 THEN 0 ELSE 11 - ({total}) % 11 END)"
    return (
        f"({column} IS NOT NULL AND (NOT regexp_full_match({column}, '[0-9]{{12}}') "
        f"OR {check} <> {_digit(column, 12)}))"
    )


def local_government_sql(column: str) -> str:
    total = " + ".join(f"{w} * {_digit(column, i)}" for i, w in enumerate((6, 5, 4, 3, 2), start=1))
    return (
        f"({column} IS NOT NULL AND (NOT regexp_full_match({column}, '[0-9]{{6}}') "
        f"OR (11 - ({total}) % 11) % 10 <> {_digit(column, 6)}))"
    )


def corporate_number_sql(column: str) -> str:
    # Check digit first; over the last 12 digits, odd positions from the right weigh 1, even ones 2.
    total = " + ".join(f"{1 if (13 - i) % 2 == 1 else 2} * {_digit(column, i)}" for i in range(2, 14))
    return (
        f"({column} IS NOT NULL AND (NOT regexp_full_match({column}, '[0-9]{{13}}') "
        f"OR 9 - ({total}) % 9 <> {_digit(column, 1)}))"
    )


def _check_digit_rule(item: DataItem) -> tuple[str, str] | None:
    if item.romanized == "kojinbango" or item.name == "個人番号":
        return "個人番号 (12 digits, modulus-11 check digit)", my_number_sql(q(item.romanized))
    if item.romanized.endswith("shikuchosonkodo") or item.name.endswith("市区町村コード"):
        return "全国地方公共団体コード (6 digits with check digit)", local_government_sql(q(item.romanized))
    if item.romanized == "hojinbango" or item.name == "法人番号":
        return "法人番号 (13 digits, check digit first)", corporate_number_sql(q(item.romanized))
    return None


def _unexpected_rows(table: str, condition: str) -> dict[str, Any]:
    # GX formats the query with str.format: literal braces (regex counts) are doubled.
    query = f"SELECT * FROM {{batch}} WHERE {condition.replace('{', '{{').replace('}', '}}')}"
    return {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": query}}


def _map(column: str, gx_type: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": gx_type, "kwargs": {"column": column, **kwargs}}


def _item_rules(table: str, item: DataItem, spec: BusinessSpec) -> list[Rule]:
    rules: list[Rule] = []
    c = q(item.romanized)

    def add(kind: RuleKind, severity: Severity, description: str, expectation: dict[str, Any], sql: str) -> None:
        rules.append(
            Rule(
                rule_id=f"{table}.{item.romanized}.{kind.value}",
                severity=severity,
                kind=kind,
                items=(item.romanized,),
                description=f"{item.name}: {description}",
                expectation=expectation,
                failing_sql=sql,
            )
        )

    if item.output_condition is OutputCondition.REQUIRED:
        add(
            RuleKind.REQUIRED,
            "error",
            "必須: never empty",
            _map(item.romanized, "expect_column_values_to_not_be_null"),
            f"{c} IS NULL",
        )
    if item.length is not None and item.type not in (DataType.DECIMAL, DataType.DATE, DataType.TIME):
        add(
            RuleKind.LENGTH,
            "error",
            f"at most {item.length} characters",
            _map(item.romanized, "expect_column_value_lengths_to_be_between", max_value=item.length),
            f"{c} IS NOT NULL AND length({c}) > {item.length}",
        )
    pattern = {DataType.HALF_WIDTH: HALF_WIDTH, DataType.FULL_WIDTH: FULL_WIDTH}.get(item.type)
    if pattern:
        kind = RuleKind.HALF_WIDTH if item.type is DataType.HALF_WIDTH else RuleKind.FULL_WIDTH
        add(
            kind,
            "error",
            f"{'half' if kind is RuleKind.HALF_WIDTH else 'full'}-width characters only",
            _map(item.romanized, "expect_column_values_to_match_regex", regex=pattern),
            f"{c} IS NOT NULL AND NOT regexp_matches({c}, {lit(pattern)})",
        )
    if item.type is DataType.DECIMAL:
        pattern = f"^[0-9]{{1,{item.length}}}(\\.[0-9]{{1,{item.fraction_digits}}})?$"
    else:
        pattern = PATTERNS.get(item.type, "")
    if pattern:
        add(
            RuleKind.FORMAT,
            "error",
            f"{item.type.value} format {pattern}",
            _map(item.romanized, "expect_column_values_to_match_regex", regex=pattern),
            f"{c} IS NOT NULL AND NOT regexp_matches({c}, {lit(pattern)})",
        )
    if item.type is DataType.DATE:
        sentinels = ", ".join(lit(s) for s in SENTINELS)
        # Only values in ISO shape: a value in another shape is the format rule's, not counted twice.
        condition = (
            f"{c} IS NOT NULL AND {c} NOT IN ({sentinels}) AND regexp_matches({c}, {lit(PATTERNS[DataType.DATE])}) "
            f"AND try_strptime({c}, '%Y-%m-%d') IS NULL"
        )
        add(
            RuleKind.CALENDAR,
            "error",
            "a real calendar day (or 0000-01-01 / 9999-12-31)",
            _unexpected_rows(table, condition),
            condition,
        )
        future = f"{c} IS NOT NULL AND {c} NOT IN ({sentinels}) AND try_strptime({c}, '%Y-%m-%d') > current_date"
        add(RuleKind.FUTURE_DATE, "warning", "not in the future", _unexpected_rows(table, future), future)
    if item.code_list:
        code_list = spec.code_list(item.code_list)
        if code_list is not None and not code_list.open:
            values = [v.code for v in code_list.values]
            add(
                RuleKind.CODE_LIST,
                "error",
                f"in code list {code_list.code_list_id} {code_list.name}",
                _map(item.romanized, "expect_column_values_to_be_in_set", value_set=values),
                f"{c} IS NOT NULL AND {c} NOT IN ({', '.join(lit(v) for v in values)})",
            )
    found = _check_digit_rule(item)
    if found:
        add(RuleKind.CHECK_DIGIT, "error", found[0], _unexpected_rows(table, found[1]), found[1])
    return rules


def _conditional_rules(table: str, group: DataGroup) -> tuple[list[Rule], list[ManualCheck]]:
    """条件付き必須 conditions that can be written as a rule; the others become manual checks."""
    names = {i.romanized for i in group.items}
    by_name = {i.name: i.romanized for i in group.items}
    rules: list[Rule] = []
    manual: list[ManualCheck] = []
    for item in group.items:
        if item.output_condition is not OutputCondition.CONDITIONAL:
            continue
        text = item.condition or ""
        c = q(item.romanized)
        condition = None
        if "氏名未定" in text and "shimeimiteikubun" in names:
            condition = f"{c} IS NULL AND coalesce({q('shimeimiteikubun')}, '0') <> '1'"
            description = "出力必須 unless 氏名未定 (shimeimiteikubun = 1)"
        elif item.romanized.endswith("_fushohyoki") and item.romanized.removesuffix("_fushohyoki") in names:
            date = q(item.romanized.removesuffix("_fushohyoki"))
            condition = f"{c} IS NULL AND {date} IS NULL"
            description = "the date or its 不詳表記 is given"
        elif re.search(r"不詳でない場合|不詳ではない場合", text) and f"{item.romanized}_fushohyoki" in names:
            continue  # the same pair as above, written once on the 不詳表記 item
        elif (match := re.fullmatch(r"(.+?)がある場合は出力必須", text)) and match[1] in by_name:
            other = q(by_name[match[1]])
            condition = f"{c} IS NULL AND {other} IS NOT NULL"
            description = f"出力必須 when {match[1]} is given"
        if condition is None:
            manual.append(ManualCheck(item=item.romanized, name=item.name, condition=text))
            continue
        rules.append(
            Rule(
                rule_id=f"{table}.{item.romanized}.conditional",
                severity="error",
                kind=RuleKind.CONDITIONAL,
                items=(item.romanized,),
                description=f"{item.name}: {description} (※※{text})",
                expectation=_unexpected_rows(table, condition),
                failing_sql=condition,
            )
        )
    return rules, manual


def _key_rules(table: str, group: DataGroup, spec: BusinessSpec, business_id: str) -> list[Rule]:
    rules: list[Rule] = []
    keys = [i.romanized for i in group.primary_key]
    if keys:
        columns = ", ".join(q(k) for k in keys)
        failing = f"({columns}) IN (SELECT {columns} FROM {q(table)} GROUP BY {columns} HAVING count(*) > 1)"
        expectation = (
            _map(keys[0], "expect_column_values_to_be_unique")
            if len(keys) == 1
            else {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": keys}}
        )
        if len(keys) == 1:
            failing = f"{q(keys[0])} IS NOT NULL AND {failing}"
        rules.append(
            Rule(
                rule_id=f"{table}.{'+'.join(keys)}.primary_key",
                severity="error",
                kind=RuleKind.PRIMARY_KEY,
                items=tuple(keys),
                description=f"primary key {'+'.join(keys)} is unique",
                expectation=expectation,
                failing_sql=failing,
            )
        )
    for item in group.items:
        if not item.foreign_key:
            continue
        target = next(
            (
                g
                for g in spec.layouts
                if g.name != group.name and any(k.primary_key and k.romanized == item.romanized for k in g.items)
            ),
            None,
        )
        if target is None:
            continue
        other = table_name(business_id, target.name)
        c = q(item.romanized)
        condition = f"{c} IS NOT NULL AND {c} NOT IN (SELECT {c} FROM {q(other)} WHERE {c} IS NOT NULL)"
        rules.append(
            Rule(
                rule_id=f"{table}.{item.romanized}.foreign_key",
                severity="error",
                kind=RuleKind.FOREIGN_KEY,
                items=(item.romanized,),
                description=f"{item.name}: refers to an existing row of {other}",
                expectation=_unexpected_rows(table, condition),
                failing_sql=condition,
                references=other,
            )
        )
    return rules


def _cross_rules(table: str, group: DataGroup) -> list[Rule]:
    names = {i.romanized for i in group.items}
    rules = []
    for earlier, later in (
        ("seinengappi", "sosanengappi"),
        ("seinengappi", "idonengappi"),
        ("seinengappi", "juminnonattanengappi"),
    ):
        if earlier in names and later in names:
            a, b = q(earlier), q(later)
            condition = (
                f"try_strptime({a}, '%Y-%m-%d') IS NOT NULL AND try_strptime({b}, '%Y-%m-%d') IS NOT NULL "
                f"AND {a} NOT IN ('0000-01-01', '9999-12-31') AND {b} NOT IN ('0000-01-01', '9999-12-31') "
                f"AND try_strptime({a}, '%Y-%m-%d') > try_strptime({b}, '%Y-%m-%d')"
            )
            rules.append(
                Rule(
                    rule_id=f"{table}.{earlier}<={later}.date_order",
                    severity="warning",
                    kind=RuleKind.DATE_ORDER,
                    items=(earlier, later),
                    description=f"{earlier} is not after {later}",
                    expectation=_unexpected_rows(table, condition),
                    failing_sql=condition,
                )
            )
    return rules


def plan_suite(spec: BusinessSpec, group: DataGroup, catalog_name: str) -> SuitePlan:
    """Every rule the catalog implies for one group."""
    table = table_name(spec.business_id, group.name)
    columns = [i.romanized for i in group.items]
    rules = [
        Rule(
            rule_id=f"{table}.columns",
            severity="error",
            kind=RuleKind.COLUMNS,
            items=tuple(columns),
            description="the table has the layout's columns",
            expectation={
                "type": "expect_table_columns_to_match_set",
                "kwargs": {"column_set": columns, "exact_match": False},
            },
        )
    ]
    for item in group.items:
        rules += _item_rules(table, item, spec)
    conditional, manual = _conditional_rules(table, group)
    rules += conditional
    rules += _key_rules(table, group, spec, spec.business_id)
    rules += _cross_rules(table, group)
    return SuitePlan(
        table=table,
        business_id=spec.business_id,
        group=group.name,
        catalog=catalog_name,
        sample=spec.source.value == "sample",
        key=tuple(i.romanized for i in group.primary_key),
        rules=tuple(rules),
        manual_checks=tuple(manual),
    )
