"""Validation suites from the catalog's rules: each rule of :mod:`spec_catalog.rules` stated as a Great
Expectations expectation, beside the SQL condition that selects its failing rows (to list every one of them,
and to prove GX counts right).

The rules themselves (what a value must be, their ids, codes and severities) are not made here: the converter
reads the same model, so conversion and validation cannot disagree. Rule ids are stable
(``TABLE.item.kind``): users switch rules off or change their severity by id.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code
from spec_catalog.database import literal, quote
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, DataGroup
from spec_catalog.rules import DataRule, ManualCheck, RuleKind, RuleSeverity, group_rules

__all__ = [
    "CUSTOM_EXPECTATIONS",
    "CustomArguments",
    "ManualCheck",
    "Rule",
    "RuleKind",
    "SuitePlan",
    "allow_characters",
    "plan_suite",
]


class Rule(FrozenModel):
    """One rule of a suite, as it runs: never read from a file as it is (see :mod:`validation.suites`)."""

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

    @property
    def gx_runs_its_sql(self) -> bool:
        """GX evaluates the rule's own SQL (a catalog rule), not a translation of its own."""
        return bool(self.expectation["type"] == CATALOG_RULE_EXPECTATION)


class SuitePlan(FrozenModel):
    table: str
    business_id: str
    group: str
    catalog: str
    sample: bool
    key: tuple[str, ...]
    rules: tuple[Rule, ...]
    manual_checks: tuple[ManualCheck, ...]


# The GX expectation of a rule GX has no built-in for: the rule's own SQL as the condition of a column map
# expectation (defined in validation/gx_adapter.py), on the rule's first item. GX computes the failing-row counts
# of all the column map expectations of a table in one query; each unexpected_rows_expectation cost two scans of
# its own (its count and its rows), 98 queries of the 001_住民 suite's 108.
CATALOG_RULE_EXPECTATION = "expect_column_values_to_pass_catalog_rule"


def _catalog_rule(rule: DataRule, sql: str) -> dict[str, Any]:
    return _column(rule, CATALOG_RULE_EXPECTATION, failing_sql=sql)


def _column(rule: DataRule, gx_type: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": gx_type, "kwargs": {"column": rule.items[0], **kwargs}}


def expectation(rule: DataRule, sql: str) -> dict[str, Any]:
    """The GX expectation that states ``rule``: a built-in one where GX has it, else its SQL (a catalog rule)."""
    kind = rule.kind
    if kind is RuleKind.REQUIRED:
        return _column(rule, "expect_column_values_to_not_be_null")
    # No LENGTH here: GX's value lengths count code points, and 桁数 counts a variation sequence (葛󠄀) as one.
    # No CHARSET either: its class of ~9,000 ranges would be written into every suite file; as SQL it is not.
    if kind in (RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH, RuleKind.FORMAT):
        return _column(rule, "expect_column_values_to_match_regex", regex=rule.pattern)
    if kind is RuleKind.CODE_LIST:
        return _column(rule, "expect_column_values_to_be_in_set", value_set=list(rule.value_set or ()))
    if kind is RuleKind.PRIMARY_KEY:
        if len(rule.items) == 1:
            return _column(rule, "expect_column_values_to_be_unique")
        return {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": list(rule.items)}}
    return _catalog_rule(rule, sql)


def plan_suite(spec: BusinessSpec, group: DataGroup, catalog_name: str, lang: str = "ja") -> SuitePlan:
    """Every rule the catalog implies for one group, as a suite (the municipality's allowed characters are
    taken in by :func:`allow_characters`)."""
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


def allow_characters(plan: SuitePlan, spec: BusinessSpec, group: DataGroup, allowed: frozenset[str]) -> SuitePlan:
    """The plan with its character-set rules (:attr:`RuleKind.CHARSET`) accepting ``allowed`` too; what a suite
    file says of each rule (enabled, severity) stays. Generated and read suites alike go through it."""
    if not allowed or not any(r.kind is RuleKind.CHARSET for r in plan.rules):
        return plan
    remade = {r.rule_id: r for r in group_rules(spec, group, allowed=allowed).rules if r.kind is RuleKind.CHARSET}

    def with_allowed(rule: Rule) -> Rule:
        model = remade.get(rule.rule_id)
        if rule.kind is not RuleKind.CHARSET or model is None:
            return rule
        sql = model.sql()
        return rule.model_copy(update={"failing_sql": sql, "expectation": expectation(model, sql)})

    return plan.model_copy(update={"rules": tuple(with_allowed(r) for r in plan.rules)})


# Custom expectations: the GX column expectations a suite file may add, each with the arguments it takes besides
# ``column``. Every table holds text, so nothing that compares numbers (GX's be_between refuses a VARCHAR column);
# no ``mostly`` (a rule counts every failing row: a softer check is a warning); and no SQL of any kind.
CUSTOM_EXPECTATIONS: dict[str, frozenset[str]] = {
    "expect_column_values_to_not_be_null": frozenset(),
    "expect_column_values_to_be_null": frozenset(),
    "expect_column_values_to_be_in_set": frozenset({"value_set"}),
    "expect_column_values_to_not_be_in_set": frozenset({"value_set"}),
    "expect_column_values_to_match_regex": frozenset({"regex"}),
    "expect_column_values_to_not_match_regex": frozenset({"regex"}),
    "expect_column_value_lengths_to_be_between": frozenset({"min_value", "max_value"}),
    "expect_column_value_lengths_to_equal": frozenset({"value"}),
    "expect_column_values_to_be_unique": frozenset(),
}
_REQUIRED_ARGUMENTS = {
    "expect_column_values_to_be_in_set": ("value_set",),
    "expect_column_values_to_not_be_in_set": ("value_set",),
    "expect_column_values_to_match_regex": ("regex",),
    "expect_column_values_to_not_match_regex": ("regex",),
    "expect_column_value_lengths_to_equal": ("value",),
}
Length = Annotated[int, Field(ge=0, strict=True)]


class CustomArguments(FrozenModel):
    """The arguments of a custom expectation: text values, a regular expression, lengths."""

    column: str
    value_set: Annotated[tuple[Annotated[str, Field(strict=True)], ...], Field(min_length=1)] | None = None
    regex: str | None = None
    min_value: Length | None = None
    max_value: Length | None = None
    value: Length | None = None

    @model_validator(mode="after")
    def _bounds(self) -> CustomArguments:
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValueError(say("min_value が max_value より大きくなっています", "min_value is above max_value"))
        return self


def missing_arguments(gx_type: str, arguments: CustomArguments) -> list[str]:
    """The arguments a custom expectation needs and does not have."""
    missing = [n for n in _REQUIRED_ARGUMENTS.get(gx_type, ()) if getattr(arguments, n) is None]
    if gx_type == "expect_column_value_lengths_to_be_between" and arguments.min_value is arguments.max_value is None:
        missing.append(say("min_value か max_value", "min_value or max_value"))
    return missing


def custom_sql(table: str, gx_type: str, arguments: CustomArguments) -> str:
    """The failing rows of a custom expectation, as GX counts them: made here from its checked arguments."""
    c = quote(arguments.column)
    values = ", ".join(literal(v) for v in arguments.value_set or ())
    if gx_type == "expect_column_values_to_not_be_null":
        return f"{c} IS NULL"
    if gx_type == "expect_column_values_to_be_null":
        return f"{c} IS NOT NULL"
    if gx_type == "expect_column_values_to_be_in_set":
        return f"({c} IS NOT NULL AND {c} NOT IN ({values}))"
    if gx_type == "expect_column_values_to_not_be_in_set":
        return f"({c} IS NOT NULL AND {c} IN ({values}))"
    if gx_type == "expect_column_values_to_match_regex":
        return f"({c} IS NOT NULL AND NOT regexp_matches({c}, {literal(arguments.regex or '')}))"
    if gx_type == "expect_column_values_to_not_match_regex":
        return f"({c} IS NOT NULL AND regexp_matches({c}, {literal(arguments.regex or '')}))"
    if gx_type == "expect_column_value_lengths_to_be_between":
        low = f"length({c}) < {arguments.min_value}" if arguments.min_value is not None else "false"
        high = f"length({c}) > {arguments.max_value}" if arguments.max_value is not None else "false"
        return f"({c} IS NOT NULL AND ({low} OR {high}))"
    if gx_type == "expect_column_value_lengths_to_equal":
        return f"({c} IS NOT NULL AND length({c}) <> {arguments.value})"
    if gx_type == "expect_column_values_to_be_unique":
        return f"({c} IS NOT NULL AND {c} IN (SELECT {c} FROM {quote(table)} GROUP BY {c} HAVING count(*) > 1))"
    raise ValueError(
        say(f"{gx_type} は独自のエクスペクテーションではありません", f"{gx_type} is no custom expectation")
    )
