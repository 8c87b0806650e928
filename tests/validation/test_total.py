"""Validation is total: no rule of any kind crashes on a malformed value, whatever the item's type, and GX and
plain SQL agree on every one.

Every group of the embedded catalog gets a table whose rows each hold one malformed value in every column
(and a row of NULLs); every rule's SQL counts them on its own, then a whole validation runs them with GX.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spec_catalog import load_embedded
from spec_catalog.database import connect_read_only, quote
from spec_catalog.models import Catalog, DataGroup
from spec_catalog.rules import DataRule, RuleKind, group_rules
from spec_catalog.vocab import DataType
from validation import SuitePlan, ValidationReport, plan_suite, validate

MALFORMED = {
    "empty": "",
    "space": " ",
    "ideographic-space": "\u3000",
    "overlong": "9" * 300,
    "letters-in-a-number": "12a4",
    "4-digits": "1234",
    "5-digits": "12345",
    "11-digits-and-a-wide-one": "12345678901２",
    "month-13-day-45": "2024-13-45",
    "zero-date": "0000-00-00",
    "slashed-date": "2024/01/01",
    "time-25-61": "25:61",
    "half-and-full-width": "ｱｲｳＡＢＣabc１２３",
    "full-width-digits": "１２３４５６",
    "control-characters": "\x01\x1f\t\n\r\x7f\x85",
    "tab": "\t",
    "combining-mark": "か\u3099",
    "zero-width": "\u200b\ufeff",
    "emoji": "👨\u200d👩\u200d👧",
    "quote-and-comment": "'; --",
    "braces": "{batch} {0} {{",
    "percent": "%s %",
    "backslash": "\\",
    "minus": "-1",
    "two-points": "1.2.3",
    "40-digits": "9" * 40,
    "very-long": "ア" * 20_000,
}
LINEAGE = "_source_file VARCHAR, _source_line BIGINT, _run_id VARCHAR, _mapping VARCHAR"


@cache
def _catalog() -> Catalog:
    return load_embedded()


def _groups() -> list[tuple[str, DataGroup]]:
    return [(spec.business_id, group) for spec in _catalog().businesses for group in spec.layouts]


GROUPS = _groups()
IDS = [f"{b}-{g.name}" for b, g in GROUPS]


def _plans() -> list[SuitePlan]:
    catalog = _catalog()
    return [plan_suite(catalog.business(b), g, catalog.name) for b, g in GROUPS]


@pytest.fixture(scope="module")
def malformed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every group's table, each row one malformed value in every column, and a row of NULLs."""
    db = tmp_path_factory.mktemp("total") / "malformed.duckdb"
    with duckdb.connect(str(db)) as con:
        for plan, (_, group) in zip(_plans(), GROUPS, strict=True):
            columns = [i.romanized for i in group.items]
            con.execute(
                f"CREATE TABLE {quote(plan.table)} ({', '.join(f'{quote(c)} VARCHAR' for c in columns)}, {LINEAGE})"
            )
            rows = [
                [value] * len(columns) + ["malformed.csv", line, "run", "m"]
                for line, value in enumerate([*MALFORMED.values(), None], start=1)
            ]
            con.executemany(f"INSERT INTO {quote(plan.table)} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    return db


@pytest.fixture(scope="module")
def report(malformed: Path) -> ValidationReport:
    return validate(malformed, _plans(), _catalog())


def test_the_groups_have_every_rule_kind_and_item_type() -> None:
    kinds = {r.kind for plan in _plans() for r in plan.rules}
    assert kinds == set(RuleKind) - {RuleKind.CUSTOM}
    types = {i.type for _, g in GROUPS for i in g.items}
    assert types == set(DataType) - {DataType.BLOB}  # no BLOB item in the embedded catalog
    assert {("001", "住民"), ("010", "課税対象者"), ("024", "被保険者")} <= {(b, g.name) for b, g in GROUPS}
    assert "031" in {b for b, _ in GROUPS}


@pytest.mark.parametrize("plan", _plans(), ids=IDS)
def test_every_rule_counts_every_malformed_value_without_raising(malformed: Path, plan: SuitePlan) -> None:
    con = connect_read_only(malformed, sealed=True)
    raised = []
    try:
        for rule in plan.rules:
            if rule.failing_sql is None:
                continue
            try:
                (count,) = con.execute(f"SELECT count_if({rule.failing_sql}) FROM {quote(plan.table)}").fetchone()
            except duckdb.Error as exc:
                raised.append((rule.rule_id, str(exc).splitlines()[0]))
            else:
                assert 0 <= count <= len(MALFORMED) + 1
    finally:
        con.close()
    assert raised == []


@pytest.mark.parametrize("plan", _plans(), ids=IDS)
def test_validate_runs_every_rule_and_gx_agrees_with_sql(
    malformed: Path, report: ValidationReport, plan: SuitePlan
) -> None:
    (table,) = [t for t in report.tables if t.table == plan.table]
    assert table.rows == len(MALFORMED) + 1
    assert [(r.rule_id, r.status, r.note) for r in table.rules if r.status in ("error", "skipped")] == []
    assert len(table.rules) == len(plan.rules)
    # Every rule, including those a run does not count again with SQL (catalog rules GX passed): GX's count is
    # the rule's SQL's.
    gx = {r.rule_id: r.unexpected_count or 0 for r in table.rules}
    con = connect_read_only(malformed, sealed=True)
    try:
        for rule in plan.rules:
            if rule.failing_sql is not None:
                (count,) = con.execute(f"SELECT count_if({rule.failing_sql}) FROM {quote(plan.table)}").fetchone()
                assert gx[rule.rule_id] == count, rule.rule_id
    finally:
        con.close()


# What the value rules of one item say about one value: exactly the kinds that fail.
VERDICTS = [
    ("001", "住民", "jusho_shikuchosonkodo", "1234", {RuleKind.CHECK_DIGIT}),
    ("001", "住民", "jusho_shikuchosonkodo", "12345", {RuleKind.CHECK_DIGIT}),
    ("001", "住民", "jusho_shikuchosonkodo", "01345５", {RuleKind.HALF_WIDTH, RuleKind.CHECK_DIGIT}),
    ("001", "住民", "kojinbango", "12345678901２", {RuleKind.HALF_WIDTH, RuleKind.CHECK_DIGIT}),
    ("001", "住民", "kojinbango", "1234", {RuleKind.CHECK_DIGIT}),
    ("001", "住民", "idonengappi", "2024-13-45", {RuleKind.CALENDAR}),
    ("001", "住民", "idonengappi", "0000-00-00", {RuleKind.CALENDAR}),
    ("001", "住民", "idonengappi", "2024/01/01", {RuleKind.FORMAT}),
    ("001", "住民", "idonengappi", "", {RuleKind.FORMAT}),
    ("001", "住民", "sosajikoku", "25:61", {RuleKind.FORMAT}),
    ("001", "住民", "sosashaid", "OP\t01", {RuleKind.HALF_WIDTH}),
    ("001", "住民", "sosashaid", "OP0001\x7f", {RuleKind.HALF_WIDTH}),
    ("001", "住民", "shimei", "森　Hanako", {RuleKind.FULL_WIDTH}),
    ("010", "課税対象者", "fuyoninzu", "1a", {RuleKind.FORMAT}),
    ("010", "課税対象者", "fuyoninzu", "12a4", {RuleKind.FORMAT, RuleKind.LENGTH}),
    ("010", "課税対象者", "kazeinendo", "12345", {RuleKind.FORMAT, RuleKind.LENGTH}),
    ("010", "課税対象者", "soshotokukingaku", "--1", {RuleKind.FORMAT}),
    ("024", "被保険者", "ichibufutankinwariai", "1.2.3", {RuleKind.FORMAT}),
]


@pytest.mark.parametrize(
    ("business", "group", "item", "value", "kinds"),
    VERDICTS,
    ids=[f"{b}-{i}-{v.encode('unicode_escape').decode() or 'empty'}" for b, _, i, v, _ in VERDICTS],
)
def test_a_malformed_value_fails_exactly_its_rules(
    business: str, group: str, item: str, value: str, kinds: set[RuleKind]
) -> None:
    spec = _catalog().business(business)
    layout = spec.group(group)
    assert layout is not None
    rules = [r for r in group_rules(spec, layout).for_item(item) if r.scope.value == "value"]
    checks = ", ".join(f"coalesce(({r.sql(lambda _: 'v')}), false)" for r in rules)
    verdicts = duckdb.connect().execute(f"SELECT {checks} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchone()
    assert {r.kind for r, failed in zip(rules, verdicts, strict=True) if failed} == kinds


# Any text DuckDB holds (control characters, every plane; no NUL, no surrogate): each value rule's SQL and the
# GX form it is sent as give the same verdict, so GX and the SQL count can never part on a value.
STATED_BY_GX = (RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH, RuleKind.FORMAT, RuleKind.CODE_LIST)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _gx_form(rule: DataRule) -> str:
    """What the rule's GX expectation fails, in SQL on the value ``v``."""
    if rule.kind is RuleKind.CODE_LIST:
        return f"v NOT IN ({', '.join(_literal(s) for s in rule.value_set or ())})"
    return f"NOT regexp_matches(v, {_literal(rule.pattern or '')})"


@cache
def _disagreements() -> tuple[list[str], str]:
    rules = [r for b, g in GROUPS for r in group_rules(_catalog().business(b), g).rules if r.kind in STATED_BY_GX]
    parts = [f"coalesce(({r.sql(lambda _: 'v')}), false) <> coalesce(({_gx_form(r)}), false)" for r in rules]
    return [r.rule_id for r in rules], f"SELECT v, [{', '.join(parts)}] FROM (SELECT unnest(?) AS v)"


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=16), min_size=1, max_size=20
    )
)
def test_every_value_rule_agrees_with_its_gx_form_on_any_text(values: list[str]) -> None:
    ids, query = _disagreements()
    rows = duckdb.connect().execute(query, [values]).fetchall()
    assert [(v, [i for i, d in zip(ids, differ, strict=True) if d]) for v, differ in rows if any(differ)] == []
