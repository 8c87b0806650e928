"""conv's ``bad`` flag: the width checks of every item are one test per character class, with the same verdicts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from converters.engine import _failed_predicates
from converters.mapping import load_mapping
from converters.plan import plan_checks
from spec_catalog import load_embedded
from spec_catalog.rules import NARROW_CLASS, WIDE_CLASS, RuleKind

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "residents"


def _checks() -> tuple[list, dict[str, str]]:  # type: ignore[type-arg]
    mapping = load_mapping(EXAMPLES / "mapping-csv.yaml", load_embedded())
    index = {item.romanized: f"v{i}" for i, item in enumerate(mapping.group.items)}
    return plan_checks(mapping), index


def test_the_width_checks_become_one_test_per_class() -> None:
    checks, index = _checks()
    predicates = _failed_predicates(checks, index.__getitem__)
    widths = [c for c in checks if c.data_rule.kind in (RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH)]
    assert len(widths) > 10
    assert len(predicates) == len(checks) - len(widths) + 2
    assert sum(WIDE_CLASS in p for p in predicates) == 1
    assert sum(NARROW_CLASS in p for p in predicates) == 1


@pytest.mark.parametrize(
    ("values", "fails"),
    [
        ({}, False),  # nothing at all
        ({"shimei": "ﾔﾏﾀﾞ"}, True),  # half-width kana in an Ｎ item
        ({"shimei": "山田　太郎"}, False),
        ({"atenabango": "０００１"}, True),  # full-width digits in an X item
        ({"atenabango": "0001\t"}, True),  # a control character in an X item
        ({"atenabango": "0001", "shimei": "山田", "shimei_yomigana": "ヤマダ"}, False),
        ({"jusho_katagaki": "Aハイツ"}, True),
    ],
)
def test_the_merged_tests_fail_exactly_the_rows_the_checks_fail(values: dict[str, str], fails: bool) -> None:
    checks, index = _checks()
    widths = [c for c in checks if c.data_rule.kind in (RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH)]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t ({', '.join(f'{v} VARCHAR' for v in index.values())})")
    row = [values.get(item) for item in index]
    con.execute(f"INSERT INTO t VALUES ({', '.join('?' for _ in row)})", row)
    merged = _failed_predicates(widths, index.__getitem__)
    each = " OR ".join(f"({c.sql(index.__getitem__)})" for c in widths)
    got = con.execute(f"SELECT coalesce({' OR '.join(merged)}, false), coalesce({each}, false) FROM t").fetchone()
    assert got is not None and got[0] == got[1]
    assert got[1] is fails
