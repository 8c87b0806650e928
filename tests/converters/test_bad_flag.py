"""conv's ``bad`` flag: the width checks of every item are one test per character class, with the same verdicts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from converters.engine import _Builder, _checks_on_maps, _failed_predicates, _Survey
from converters.mapping import load_mapping
from converters.plan import plan_checks, plan_item
from converters.readers import stage
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


def test_the_checks_of_a_value_steps_items_run_on_its_table_and_agree_with_every_row(tmp_path: Path) -> None:
    """An item made by a value step (a date, a code, a time): the checks that read it alone run once per
    distinct value, on the step's table, and fail exactly the rows the same checks fail on every row; a check an
    empty value fails (必須) stays on every row, as the rows the join leaves empty must fail it."""
    import shutil
    import tempfile

    from fitgap.sample import generate

    shutil.copytree(EXAMPLES, tmp_path / "residents")
    generate(tmp_path / "residents" / "residents.csv", 3000, "csv")  # with the generator's faults
    mapping = load_mapping(tmp_path / "residents" / "mapping-csv.yaml", load_embedded())
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as workdir:  # the staged UTF-8 copy holds unmasked numbers: not in tmp_path
        staged = stage(con, mapping, Path(workdir))
    # Every 100th person born in 令和99年: after the as-of date, a failure of a check that moves to the table.
    con.execute(f"UPDATE raw SET c{staged.columns.index('生年月日')} = 'R990101' WHERE rowid % 100 = 0")
    plans = [plan_item(mapping, i, mapping.file.items.get(i.romanized), staged.columns) for i in mapping.group.items]
    checks = plan_checks(mapping)
    builder = _Builder(con, _Survey(con, staged.may_have_pua))
    made = {
        plans[i].item.romanized: builder.run(plans[i])
        for i in sorted(range(len(plans)), key=lambda i: bool(plans[i].reads))
    }
    on_maps, per_row = _checks_on_maps(con, builder, checks)
    moved = [c for c in checks if c not in per_row]
    kinds = {c.data_rule.kind for c in moved}
    assert {RuleKind.CODE_LIST, RuleKind.FORMAT, RuleKind.CALENDAR} <= kinds, kinds
    assert all(c in per_row for c in checks if c.data_rule.kind == RuleKind.REQUIRED)
    each = " OR ".join(f"({c.sql(made.__getitem__)})" for c in moved)
    rows = con.execute(
        f"SELECT coalesce({' OR '.join(on_maps)}, false), coalesce({each}, false) FROM stage s {' '.join(builder.joins)}"
    ).fetchall()
    assert len(rows) == con.execute("SELECT count(*) FROM stage").fetchone()[0] > 2900
    assert all(on_map == every for on_map, every in rows)
    assert sum(every for _, every in rows) >= 30


def test_the_width_checks_run_where_a_value_can_fail_them_with_the_verdicts_of_every_row(tmp_path: Path) -> None:
    """An Ｎ item's width check runs on its full-width step's table (the values the step left hold no narrow
    character), or nowhere when the step changed no value; an X item made of plain ASCII, from a file without a
    control character, needs none. Every row gets the verdict the check gives it on its own value."""
    import shutil
    import tempfile

    from fitgap.sample import generate

    shutil.copytree(EXAMPLES, tmp_path / "residents")
    generate(tmp_path / "residents" / "residents.csv", 3000, "csv")
    mapping = load_mapping(tmp_path / "residents" / "mapping-csv.yaml", load_embedded())
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as workdir:
        staged = stage(con, mapping, Path(workdir))
    assert not staged.may_have_controls
    name, kana = staged.columns.index("氏名"), staged.columns.index("氏名カナ")
    con.execute(f"UPDATE raw SET c{name} = 'ﾔﾏﾀﾞ ﾀﾛｳ' || rowid WHERE rowid % 50 = 0")  # half width: made full width
    con.execute(f"UPDATE raw SET c{kana} = replace(c{kana}, 'ア', 'ｱ')")
    plans = [plan_item(mapping, i, mapping.file.items.get(i.romanized), staged.columns) for i in mapping.group.items]
    checks = plan_checks(mapping)
    builder = _Builder(con, _Survey(con, staged.may_have_pua, staged.may_have_controls))
    made = {
        plans[i].item.romanized: builder.run(plans[i])
        for i in sorted(range(len(plans)), key=lambda i: bool(plans[i].reads))
    }
    table = builder.guards["shimei"].table
    assert table is not None and builder.guards["jusho_todofuken"].table is None  # a constant, full width already
    con.execute(f"UPDATE {table} SET v = v || 'A' WHERE k LIKE '%00'")  # a full-width step that left a narrow one
    on_maps, per_row = _checks_on_maps(con, builder, checks)
    widths = {RuleKind.HALF_WIDTH, RuleKind.FULL_WIDTH}
    moved = [c for c in checks if c not in per_row]
    assert {c.item for c in moved if c.data_rule.kind in widths} >= {
        *("shimei", "shimei_yomigana", "jusho_todofuken", "atenabango", "kojinbango")
    }
    # the 不詳表記 items take a date's legacy text as well: theirs stay on every row
    assert {c.item for c in per_row if c.data_rule.kind in widths} == {
        *("seinengappi_fushohyoki", "juminnonattanengappi_fushohyoki")
    }
    each = " OR ".join(f"({c.sql(made.__getitem__)})" for c in moved)
    width = " OR ".join(f"({c.sql(made.__getitem__)})" for c in moved if c.data_rule.kind in widths)
    rows = con.execute(
        f"SELECT coalesce({' OR '.join(on_maps)}, false), coalesce({each}, false), coalesce({width}, false) "
        f"FROM stage s {' '.join(builder.joins)}"
    ).fetchall()
    assert all(on_map == every for on_map, every, _ in rows)
    assert sum(narrow for _, _, narrow in rows) == 29  # rowid 100, 200 … 2900: the names the step left narrow
