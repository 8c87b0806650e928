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
