"""Validation suites from the catalog's rules: each rule of :mod:`spec_catalog.rules` stated as a Great
Expectations expectation, beside the SQL condition that selects its failing rows (to list every one of them,
and to prove GX counts right).

The rules themselves (what a value must be, their ids, codes and severities) are not made here: the converter
reads the same model, so conversion and validation cannot disagree. Rule ids are stable
(``TABLE.item.kind``): users switch rules off or change their severity by id.
"""

from __future__ import annotations

from typing import Any

from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code
from spec_catalog.models import BusinessSpec, DataGroup
from spec_catalog.rules import DataRule, ManualCheck, RuleKind, RuleSeverity, group_rules

__all__ = ["ManualCheck", "Rule", "RuleKind", "SuitePlan", "plan_suite"]


class Rule(FrozenModel):
    rule_id: str
    severity: RuleSeverity
    kind: RuleKind
    items: tuple[str, ...]
    description: str
    expectation: dict[str, Any]  # {"type": GX expectation type, "kwargs": {...}}
    failing_sql: str | None = None  # WHERE condition on the table that selects the failing rows
    references: str | None = None  # a table the rule reads too (foreign keys)
    enabled: bool = True
    code: Code | None = None  # the reason code of a failing row (None for a custom expectation)


class SuitePlan(FrozenModel):
    table: str
    business_id: str
    group: str
    catalog: str
    sample: bool
    key: tuple[str, ...]
    rules: tuple[Rule, ...]
    manual_checks: tuple[ManualCheck, ...]


def _unexpected_rows(condition: str) -> dict[str, Any]:
    # GX formats the query with str.format: literal braces (regex counts) are doubled.
    query = f"SELECT * FROM {{batch}} WHERE {condition.replace('{', '{{').replace('}', '}}')}"
    return {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": query}}


def _column(rule: DataRule, gx_type: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": gx_type, "kwargs": {"column": rule.items[0], **kwargs}}


def expectation(rule: DataRule, sql: str) -> dict[str, Any]:
    """The GX expectation that states ``rule``: a built-in one where GX has it, else the SQL itself."""
    kind = rule.kind
    if kind is RuleKind.REQUIRED:
        return _column(rule, "expect_column_values_to_not_be_null")
    if kind is RuleKind.LENGTH:
        return _column(rule, "expect_column_value_lengths_to_be_between", max_value=rule.max_length)
    if kind in (RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH, RuleKind.FORMAT):
        return _column(rule, "expect_column_values_to_match_regex", regex=rule.pattern)
    if kind is RuleKind.CODE_LIST:
        return _column(rule, "expect_column_values_to_be_in_set", value_set=list(rule.value_set or ()))
    if kind is RuleKind.PRIMARY_KEY:
        if len(rule.items) == 1:
            return _column(rule, "expect_column_values_to_be_unique")
        return {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": list(rule.items)}}
    return _unexpected_rows(sql)


def plan_suite(spec: BusinessSpec, group: DataGroup, catalog_name: str, lang: str = "ja") -> SuitePlan:
    """Every rule the catalog implies for one group, as a suite."""
    model = group_rules(spec, group)
    columns = [i.romanized for i in group.items]
    rules = [
        Rule(
            rule_id=f"{model.table}.columns",
            severity="error",
            kind=RuleKind.COLUMNS,
            items=tuple(columns),
            description="レイアウトの列がそろっていること" if lang == "ja" else "the table has the layout's columns",
            expectation={
                "type": "expect_table_columns_to_match_set",
                "kwargs": {"column_set": columns, "exact_match": False},
            },
            code=Code.COLUMNS_MISSING,
        )
    ]
    for rule in model.rules:
        sql = rule.sql()
        rules.append(
            Rule(
                rule_id=rule.rule_id,
                severity=rule.severity,
                kind=rule.kind,
                items=rule.items,
                description=rule.description(lang),
                expectation=expectation(rule, sql),
                failing_sql=sql,
                references=rule.references,
                code=rule.code,
            )
        )
    return SuitePlan(
        table=model.table,
        business_id=spec.business_id,
        group=group.name,
        catalog=catalog_name,
        sample=spec.source.value == "sample",
        key=tuple(i.romanized for i in group.primary_key),
        rules=tuple(rules),
        manual_checks=model.manual_checks,
    )
