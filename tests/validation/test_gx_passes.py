"""The GX adapter asks pass/fail first and details only for failures: counts must stay what SUMMARY says."""

from __future__ import annotations

from pathlib import Path

import duckdb

from validation.gx_adapter import run_suites


def test_failures_get_counts_and_samples_passes_count_zero_mostly_stays_unknown(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1), (2), (3), (NULL)) v(x)")
    expectations = [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}, "meta": {"rule_id": "null"}},
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "x", "min_value": 0, "max_value": 10},
            "meta": {"rule_id": "range"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "x", "min_value": 0, "max_value": 2, "mostly": 0.5},
            "meta": {"rule_id": "mostly"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "x", "min_value": 0, "max_value": 1},
            "meta": {"rule_id": "narrow"},
        },
    ]
    outcomes = {o.rule_id: o for o in run_suites(db, [("t", expectations)])["t"]}
    assert (outcomes["null"].success, outcomes["null"].unexpected_count, outcomes["null"].element_count) == (
        False,
        1,
        4,
    )
    assert (outcomes["narrow"].success, outcomes["narrow"].unexpected_count) == (False, 2)
    assert sorted(outcomes["narrow"].sample) == [2, 3]
    assert (outcomes["range"].success, outcomes["range"].unexpected_count) == (True, 0)
    # a pass under `mostly` may hide failing rows: the first pass cannot say how many, so it claims none
    assert (outcomes["mostly"].success, outcomes["mostly"].unexpected_count) == (True, None)


def test_a_catalog_rule_counts_its_failing_rows_in_one_query_nulls_included(tmp_path: Path) -> None:
    # The rules GX has no built-in for run as column map expectations on their own SQL: a column of NULLs is
    # no vacuous pass when the SQL fails those rows (a 条件付き必須), and a SQL error is an error, not a failure.
    from validation.rules import CATALOG_RULE_EXPECTATION

    db = tmp_path / "t.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (NULL, 'a'), (NULL, NULL), (NULL, NULL)) v(x, y)")

    def rule(rule_id: str, failing_sql: str) -> dict[str, object]:
        kwargs = {"column": "x", "failing_sql": failing_sql}
        return {"type": CATALOG_RULE_EXPECTATION, "kwargs": kwargs, "meta": {"rule_id": rule_id}}

    expectations = [
        rule("both_missing", '"x" IS NULL AND "y" IS NULL'),
        rule("never", "false"),
        rule("unknown", "NULL"),  # no verdict is no failure, as in count_if
        rule("broken", "no_such_function(x)"),  # one the database cannot run: it alone errs
    ]
    outcomes = {o.rule_id: o for o in run_suites(db, [("t", expectations)])["t"]}
    assert (outcomes["both_missing"].success, outcomes["both_missing"].unexpected_count) == (False, 2)
    assert (outcomes["never"].success, outcomes["never"].unexpected_count, outcomes["never"].error) == (True, 0, None)
    assert (outcomes["unknown"].success, outcomes["unknown"].unexpected_count) == (True, 0)
    assert not outcomes["broken"].success and outcomes["broken"].error


def test_gx_samples_and_errors_in_a_note_are_masked() -> None:
    # A rule without SQL shows GX's sample of failing values in its note: masked by the column's flag and by
    # value, as failing rows are; a database error quoting a 個人番号 is masked by value.
    from spec_catalog.rules import RuleKind
    from spec_catalog.vocab import Sensitivity
    from validation.gx_adapter import Outcome
    from validation.rules import Rule
    from validation.runner import _rule_result

    rule = Rule(
        rule_id="t.shimei.custom",
        severity="error",
        kind=RuleKind.CUSTOM,
        items=("shimei",),
        description="x",
        expectation={"type": "expect_column_values_to_match_regex", "kwargs": {"column": "shimei", "regex": "x"}},
    )
    failed = Outcome("t.shimei.custom", False, 1, 1, ["山田　太郎", "123456789018"], None)
    note = _rule_result(rule, failed, {}, None, (), level=Sensitivity.PERSONAL).note or ""
    assert "山田" not in note and "123456789018" not in note and "GX" in note
    shown = _rule_result(rule, failed, {}, None, (), level=Sensitivity.PERSONAL, unmask=True).note or ""
    assert "山田　太郎" in shown
    broken = Outcome("t.shimei.custom", False, None, None, [], "Conversion Error: '123456789018' is no number")
    assert "123456789018" not in (_rule_result(rule, broken, {}, None, ()).note or "")
