"""Conversion and validation agree: a value is quarantined by the converter exactly when validation fails it.

Both read the rules of ``spec_catalog.rules``. Two properties, for every rule kind:

1. 2,000 random values per kind: the converter's checks (as its engine composes them, on its working columns)
   and the suite's error rules (as validation runs them, on the table's columns) give the same verdict.
2. Whole runs: random columns of values go through a real conversion (``raw: true``: no normalisation) and the
   same values, loaded as they are, through validation's SQL; the rows quarantined for the item are exactly
   the rows that fail its error rules.

Rules marked ``validation_only`` (the character-set rule of Ｎ items) are validation's alone: the converter never
quarantines by them, and the last test says so.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters import Mapping, load_mapping, run_conversion
from converters.guard import PublishGuard
from converters.plan import plan_checks
from spec_catalog import load_embedded
from spec_catalog.checkdigits import complete_local_government_code, my_number_check_digit
from spec_catalog.database import connect_read_only, quote, read_quarantine
from spec_catalog.models import Catalog
from spec_catalog.rules import RuleKind, group_rules
from validation import plan_suite

# Characters of every width class: ASCII, half-width kana and marks, full-width forms, kana, kanji, symbols,
# and variation selectors (葛 + U+E0100 is an IVS; a selector does not count towards 桁数).
ALPHABET = "aZ09 -~!'\"\\,.ｱｶﾞﾊﾟｰﾞ｡ＡＺ０９－　アカガー漢字髙﨑①㈱〜葛\U000e0100\ufe00"
DIGITS = "0123456789"


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.sampled_from(list(ALPHABET)), max_size=max_size)


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.sampled_from(list(DIGITS)), min_size=size, max_size=size)


def _date() -> st.SearchStrategy[str]:
    iso = st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    )
    return st.one_of(
        iso,
        st.sampled_from(["0000-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "H31.04.30", "2024/01/01"]),
        _digits(8),
        _text(12),
    )


def _time() -> st.SearchStrategy[str]:
    hm = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 25), st.integers(0, 61))
    hms = st.builds(lambda t, s: f"{t}:{s:02d}", hm, st.integers(0, 61))
    return st.one_of(hm, hms, st.sampled_from(["9:05", "12:00:00.5", "１２:００"]), _text(8))


def _my_number() -> st.SearchStrategy[str]:
    valid = _digits(11).map(lambda body: body + str(my_number_check_digit(body)))
    return st.one_of(valid, _digits(12), _digits(11), _digits(13), _text(12))


def _lgcode() -> st.SearchStrategy[str]:
    return st.one_of(_digits(5).map(complete_local_government_code), _digits(6), _digits(5), _text(6))


def _number(signed: bool) -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**8) if signed else 0, 10**8).map(str),
        st.integers(-(10**8), -1).map(str),
        st.sampled_from(["", "+1", "1.5", "1,000", "１２", "▲5", "-", "0012"]),
        _text(6),
    )


def _decimal() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda i, f: f"{i}.{f}", _digits(3), st.text(alphabet=DIGITS, min_size=1, max_size=4)),
        st.integers(0, 10**7).map(str),
        st.sampled_from([".5", "5.", "1.2.3", "-1.0", "１.０"]),
        _text(6),
    )


@dataclass(frozen=True)
class Case:
    """One rule kind: the group and item that have it, values to try, and the row's other columns."""

    kind: RuleKind
    business: str
    group: str
    item: str
    values: st.SearchStrategy[str]
    partner: str | None = None  # a second column of the row the rule reads (条件付き必須, 生年月日)
    partner_values: tuple[str, ...] = ()


CASES = [
    Case(RuleKind.REQUIRED, "001", "住民", "sosashaid", st.one_of(st.just(""), _text(4))),
    Case(RuleKind.LENGTH, "001", "住民", "sosashaid", _text(14)),
    Case(RuleKind.LENGTH, "001", "住民", "jusho_todofuken", _text(8)),  # Ｎ, 桁数 4
    Case(RuleKind.HALF_WIDTH, "001", "住民", "sosashaid", _text(10)),
    Case(RuleKind.FULL_WIDTH, "001", "住民", "jusho_todofuken", _text(6)),
    Case(RuleKind.FORMAT, "001", "住民", "idonengappi", _date()),
    Case(RuleKind.CALENDAR, "001", "住民", "sosanengappi", _date()),
    Case(
        RuleKind.CODE_LIST, "001", "住民", "seibetsu", st.one_of(st.sampled_from(["0", "1", "2", "3", "01"]), _text(4))
    ),
    Case(RuleKind.CHECK_DIGIT, "001", "住民", "kojinbango", _my_number()),
    Case(RuleKind.CHECK_DIGIT, "001", "住民", "jusho_shikuchosonkodo", _lgcode()),
    Case(
        RuleKind.CONDITIONAL,
        "001",
        "住民",
        "shimei",
        st.one_of(st.just(""), _text(5)),
        partner="shimeimiteikubun",
        partner_values=("", "0", "1", "2"),
    ),
    Case(RuleKind.FORMAT, "001", "住民", "sosajikoku", _time()),
    Case(RuleKind.FORMAT, "010", "課税対象者", "fuyoninzu", _number(False)),
    Case(RuleKind.FORMAT, "010", "課税対象者", "soshotokukingaku", _number(True)),
    Case(RuleKind.FORMAT, "010", "課税対象者", "kazeinendo", st.one_of(_digits(4), _digits(3), _number(False))),
    Case(RuleKind.FORMAT, "024", "被保険者", "ichibufutankinwariai", _decimal()),
    Case(RuleKind.NOT_AFTER_AS_OF, "001", "住民", "seinengappi", _date()),
    Case(
        RuleKind.NOT_BEFORE_BIRTH,
        "001",
        "住民",
        "idonengappi",
        _date(),
        partner="seinengappi",
        partner_values=("", "1985-04-01", "2000-02-29", "0000-01-01", "9999-12-31", "2023-02-29", "H31.04.30"),
    ),
    Case(
        RuleKind.NOT_BEFORE_BIRTH,
        "010",
        "課税対象者",
        "sosanengappi",
        _date(),
        partner="seinengappi",
        partner_values=("", "1964-07-01", "2999-01-01", "9999-12-31"),
    ),
]
IDS = [f"{c.kind.value}-{c.item}" for c in CASES]


@cache
def _catalog() -> Catalog:
    return load_embedded()


def _mapping(case: Case, folder: Path) -> Mapping:
    """A mapping that reads the item (and its partner) raw from a UTF-8 CSV and leaves the rest empty."""
    columns = [case.item, *([case.partner] if case.partner else [])]
    items = "\n".join(f"  {c}: {{from: {c}, raw: true}}" for c in columns)
    (folder / "m.yaml").write_text(
        f"name: agreement\nsource: {{format: csv, path: s.csv, encoding: utf-8}}\n"
        f'target: {{business: "{case.business}", group: {case.group}}}\nitems:\n{items}\n',
        encoding="utf-8",
    )
    (folder / "s.csv").write_text(",".join(columns) + "\n", encoding="utf-8")
    return load_mapping(folder / "m.yaml", _catalog())


def _validation_sql(case: Case) -> str:
    """What validation fails the item's row for: its error rules (as the suite holds them) that the converter
    enforces too (not the validation-only ones), OR-ed."""
    spec = _catalog().business(case.business)
    group = spec.group(case.group)
    assert group is not None
    plan = plan_suite(spec, group, "embedded")
    validation_only = {r.rule_id for r in group_rules(spec, group).rules if r.validation_only}
    rules = [
        r
        for r in plan.rules
        if r.items
        and r.items[0] == case.item
        and r.severity == "error"
        and r.failing_sql
        and r.kind not in (RuleKind.PRIMARY_KEY, RuleKind.FOREIGN_KEY)
        and r.rule_id not in validation_only
    ]
    assert any(r.kind is case.kind for r in rules), f"{case.item} has no {case.kind} rule"
    return " OR ".join(f"coalesce(({r.failing_sql}), false)" for r in rules)


def _converter_sql(case: Case, mapping: Mapping) -> str:
    """What the converter quarantines the item's value for: its checks, on its working columns v0, v1 …"""
    index = {item.romanized: i for i, item in enumerate(mapping.group.items)}
    checks = [c for c in plan_checks(mapping) if c.item == case.item]
    return " OR ".join(f"coalesce(({c.sql(lambda name: f'v{index[name]}')}), false)" for c in checks)


def _rows_relation(mapping: Mapping, case: Case) -> str:
    """The generated rows (``$values``, ``$partners``) with every item twice: as the converter's v{i} and as
    the table's column; items the case does not set are empty."""
    parts = []
    for i, item in enumerate(mapping.group.items):
        source = "x" if item.romanized == case.item else "p" if item.romanized == case.partner else "NULL"
        value = f"nullif({source}, '')" if source != "NULL" else "NULL::VARCHAR"
        parts += [f"{value} AS v{i}", f"{value} AS {quote(item.romanized)}"]
    return f"SELECT n, {', '.join(parts)} FROM (SELECT unnest($values) AS x, unnest($partners) AS p, unnest($n) AS n)"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_converter_checks_equal_validation_rules(case: Case, tmp_path: Path) -> None:
    mapping = _mapping(case, tmp_path)
    examples: list[tuple[str, str]] = []

    # 2,000 examples per rule kind from hypothesis, checked in one query (a query per example would take
    # minutes): the verdicts are compared value by value below.
    @settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(value=case.values, partner=st.sampled_from(case.partner_values or ("",)))
    def collect(value: str, partner: str) -> None:
        examples.append((value, partner))

    collect()
    assert len(examples) >= 2000
    query = (
        f"SELECT n, {_converter_sql(case, mapping)}, {_validation_sql(case)} "
        f"FROM ({_rows_relation(mapping, case)}) ORDER BY n"
    )
    rows = (
        duckdb.connect()
        .execute(
            query,
            {"values": [v for v, _ in examples], "partners": [p for _, p in examples], "n": list(range(len(examples)))},
        )
        .fetchall()
    )
    disagree = [(examples[n], quarantined, fails) for n, quarantined, fails in rows if quarantined != fails]
    assert not disagree, f"converter and validation disagree (value, converter, validation): {disagree[:10]}"


def _run(case: Case, rows: list[tuple[str, str]]) -> tuple[set[int], set[int]]:
    """(lines quarantined for the item by a real conversion, lines failing validation if all were loaded)."""
    with tempfile.TemporaryDirectory() as name:  # outside pytest's tmp: valid 個人番号 must not stay on disk
        folder = Path(name)
        mapping = _mapping(case, folder)
        columns = [case.item, *([case.partner] if case.partner else [])]
        with (folder / "s.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(r[: len(columns)] for r in rows)
        db = folder / "t.duckdb"
        # Many generated values fail on purpose: the run publishes whatever share it quarantines.
        result = run_conversion(mapping, db, guard=PublishGuard(accept_quarantine=True))
        assert result.reconciled
        con = connect_read_only(db)
        try:
            quarantined = {q.line for q in read_quarantine(con) if q.item == case.item}
            assert all(q.reason for q in read_quarantine(con))
        finally:
            con.close()
        con = duckdb.connect()
        names = [i.romanized for i in mapping.group.items]
        con.execute(f"CREATE TABLE t (_line BIGINT, {', '.join(f'{quote(n)} VARCHAR' for n in names)})")
        for line, row in enumerate(rows, start=2):  # line 1 is the header
            values = {case.item: row[0] or None, **({case.partner: row[1] or None} if case.partner else {})}
            con.execute(
                f"INSERT INTO t (_line, {', '.join(quote(c) for c in values)}) VALUES (?{', ?' * len(values)})",
                [line, *values.values()],
            )
        failing = {r[0] for r in con.execute(f"SELECT _line FROM t WHERE {_validation_sql(case)}").fetchall()}
        return quarantined, failing


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_value_is_quarantined_exactly_when_validation_fails_it(case: Case) -> None:
    partner = st.sampled_from(case.partner_values or ("",))

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(rows=st.lists(st.tuples(case.values, partner), min_size=100, max_size=120))
    def agree(rows: list[tuple[str, str]]) -> None:
        quarantined, failing = _run(case, rows)
        assert quarantined == failing

    agree()


def test_the_cases_cover_every_rule_kind_the_converter_enforces() -> None:
    enforced = {RuleKind.REQUIRED, RuleKind.LENGTH, RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH, RuleKind.FORMAT}
    enforced |= {RuleKind.CALENDAR, RuleKind.CODE_LIST, RuleKind.CHECK_DIGIT, RuleKind.CONDITIONAL}
    enforced |= {RuleKind.NOT_AFTER_AS_OF, RuleKind.NOT_BEFORE_BIRTH}
    assert {c.kind for c in CASES} == enforced


def test_the_character_set_rule_is_validation_s_alone(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.kind is RuleKind.FULL_WIDTH)  # an Ｎ item
    mapping = _mapping(case, tmp_path)
    spec = _catalog().business(case.business)
    (model,) = [r for r in group_rules(spec, mapping.group).for_item(case.item) if r.kind is RuleKind.CHARSET]
    assert (model.severity, model.validation_only, model.quarantines) == ("error", True, False)
    (stated,) = [r for r in plan_suite(spec, mapping.group, "embedded").rules if r.rule_id == model.rule_id]
    assert (stated.severity, stated.failing_sql) == ("error", model.sql())
    assert [c.rule_id for c in plan_checks(mapping) if c.item == case.item] == [
        f"{model.rule_id.rsplit('.', 1)[0]}.{kind.value}" for kind in (RuleKind.LENGTH, RuleKind.FULL_WIDTH)
    ]
    validation_only = {r.kind for r in group_rules(spec, mapping.group).rules if r.validation_only}
    assert validation_only == {RuleKind.CHARSET}
