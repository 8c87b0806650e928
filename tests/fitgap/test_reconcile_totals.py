"""Control totals of 現新比較 (fitgap.reconcile.totals) on the embedded 010 課税対象者 group: planned from the catalog,
computed in DuckDB over a VARCHAR source and a VARCHAR or typed target, compared with tolerances."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from fitgap.reconcile.totals import (
    Tolerance,
    TotalSpec,
    compare_totals,
    compute_totals,
    parse_tolerance,
    plan_totals,
)
from spec_catalog import FitgapError, load_embedded
from spec_catalog.database import connect
from spec_catalog.language import chosen
from spec_catalog.models import BusinessSpec, CodeList, CodeValue, DataGroup

KEYS = ("atenabango", "kazeinendo")
COLUMNS = (
    "atenabango",
    "kazeinendo",
    "kojinbango",
    "shimei",
    "seinengappi",
    "jusho_shikuchosonkodo",
    "soshotokukingaku",
    "kazeihyojungaku",
    "shotokuwarigaku",
    "kintowarigaku",
    "hikazeikubun",
    "choshukubun",
    "tokubetsuchoshugimushashiteibango",
    "fuyoninzu",
    "koseinengappi",
    "sosashaid",
    "sosanengappi",
    "sosajikoku",
)
# Per row: 宛名番号, 課税年度, 生年月日, 総所得金額, 課税標準額, 所得割額, 均等割額, 非課税区分, 徴収区分, 扶養人数, 更正年月日
Row = tuple[str | None, ...]
ROWS: tuple[Row, ...] = (
    ("000000000000001", "2023", "1960-04-01", "3400000", "2700000", "162000", "5000", "0", "1", "2", None),
    ("000000000000001", "2024", "1960-04-01", "3500000", "2800000", "168000", "5000", "0", "2", "2", "2024-08-15"),
    ("000000000000002", "2024", "1985-12-31", "-120000", "0", "0", "0", "2", "1", "0", None),
    ("000000000000003", "2024", "2001-02-03", "1000000", "450000", "27000", "5000", "9", "3", "", "2024-09-30"),
)
EXPECTED = {
    "rows::": "4",
    "distinct_keys:atenabango+kazeinendo:": "4",
    "min:seinengappi:": "1960-04-01",
    "max:seinengappi:": "2001-02-03",
    "sum:soshotokukingaku:": "7780000",
    "sum:kazeihyojungaku:": "5950000",
    "sum:shotokuwarigaku:": "357000",
    "sum:kintowarigaku:": "15000",
    "rows_per_code:hikazeikubun:0": "2",
    "rows_per_code:hikazeikubun:1": "0",
    "rows_per_code:hikazeikubun:2": "1",
    "rows_per_code:hikazeikubun:": "1",
    "rows_per_code:choshukubun:1": "2",
    "rows_per_code:choshukubun:2": "1",
    "rows_per_code:choshukubun:3": "1",
    "rows_per_code:choshukubun:": "0",
    "sum:fuyoninzu:": "4",
    "min:koseinengappi:": "2024-08-15",
    "max:koseinengappi:": "2024-09-30",
    "min:sosanengappi:": "2024-06-01",
    "max:sosanengappi:": "2024-06-01",
}


@pytest.fixture(scope="module")
def business() -> BusinessSpec:
    return load_embedded().business("010")


@pytest.fixture(scope="module")
def group(business: BusinessSpec) -> DataGroup:
    found = business.group("課税対象者")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def specs(group: DataGroup, business: BusinessSpec) -> list[TotalSpec]:
    return plan_totals(group, KEYS, spec=business)


@pytest.fixture
def con() -> Iterator[Any]:
    connection = connect(None)
    yield connection
    connection.close()


def _create(con: Any, table: str, rows: tuple[Row, ...] = ROWS) -> None:
    con.execute(f'CREATE TABLE "{table}" ({", ".join(f"{c} VARCHAR" for c in COLUMNS)})')
    for key, year, birth, total, base, income, flat, exempt, collect, dependants, revised in rows:
        values = {
            "atenabango": key,
            "kazeinendo": year,
            "kojinbango": None,
            "shimei": "試験　太郎",
            "seinengappi": birth,
            "jusho_shikuchosonkodo": "131016",
            "soshotokukingaku": total,
            "kazeihyojungaku": base,
            "shotokuwarigaku": income,
            "kintowarigaku": flat,
            "hikazeikubun": exempt,
            "choshukubun": collect,
            "tokubetsuchoshugimushashiteibango": None,
            "fuyoninzu": dependants,
            "koseinengappi": revised,
            "sosashaid": "user01",
            "sosanengappi": "2024-06-01",
            "sosajikoku": "09:00:00",
        }
        con.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in COLUMNS)})', [values[c] for c in COLUMNS])


def _replace(row: int, column: int, value: str | None) -> tuple[Row, ...]:
    changed = list(ROWS)
    changed[row] = tuple(value if i == column else v for i, v in enumerate(ROWS[row]))
    return tuple(changed)


def _outside(specs: list[TotalSpec], con: Any, tolerances: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    source = compute_totals(con, "source", specs)
    target = compute_totals(con, "target", specs)
    checks = compare_totals(specs, source, target, tolerances or {})
    return {c.total: (c.source or "", c.target or "") for c in checks if not c.within}


# plan_totals


def test_plan_lists_the_totals_of_the_layout_in_order(specs: list[TotalSpec]) -> None:
    assert [s.total_id for s in specs] == list(EXPECTED)


def test_plan_names_each_total_in_japanese(specs: list[TotalSpec]) -> None:
    names = {s.total_id: s.name for s in specs}
    assert names["rows::"] == "行数"
    assert names["distinct_keys:atenabango+kazeinendo:"] == "キー（宛名番号・課税年度）の件数（重複を除く）"
    assert names["rows_per_code:hikazeikubun:1"] == "非課税区分 = 1 の行数"
    assert names["rows_per_code:hikazeikubun:"] == "非課税区分 = その他（コード一覧にない値）の行数"
    assert names["sum:kazeihyojungaku:"] == "課税標準額 の合計"
    assert names["min:seinengappi:"] == "生年月日 の最小"
    assert names["max:koseinengappi:"] == "更正年月日 の最大"


def test_plan_names_each_total_in_english_on_request(group: DataGroup, business: BusinessSpec) -> None:
    with chosen("en"):
        specs = plan_totals(group, KEYS, spec=business)
    names = {s.total_id: s.name for s in specs}
    assert [names[k] for k in ("rows::", "distinct_keys:atenabango+kazeinendo:", "rows_per_code:hikazeikubun:1")] == [
        "rows",
        "distinct keys (宛名番号・課税年度)",
        "rows with 非課税区分 = 1",
    ]
    assert [names[k] for k in ("rows_per_code:hikazeikubun:", "sum:kazeihyojungaku:", "min:seinengappi:")] == [
        "rows with 非課税区分 = other (a value not in the code list)",
        "sum of 課税標準額",
        "earliest 生年月日",
    ]
    assert [s.total_id for s in specs] == list(EXPECTED)  # the ids stay the same in either language


def test_plan_counts_the_unknown_dates_of_a_fushohyoki_item() -> None:
    business = load_embedded().business("001")
    residents = business.group("住民")
    assert residents is not None
    specs = plan_totals(
        residents, ("atenabango",), ("atenabango", "seinengappi", "seinengappi_fushohyoki"), spec=business
    )
    assert [(s.kind, s.item, s.name) for s in specs] == [
        ("rows", None, "行数"),
        ("distinct_keys", None, "キー（宛名番号）の件数（重複を除く）"),
        ("min", "seinengappi", "生年月日 の最小"),
        ("max", "seinengappi", "生年月日 の最大"),
        ("unknown_dates", "seinengappi_fushohyoki", "生年月日 の不詳件数"),
    ]


def test_plan_leaves_out_keys_codes_and_identifiers_from_the_sums(specs: list[TotalSpec]) -> None:
    # 課税年度 is a key (YEAR), 特別徴収義務者指定番号 an identifier (X), 扶養人数 (9) an amount.
    assert [s.item for s in specs if s.kind == "sum"] == [
        "soshotokukingaku",
        "kazeihyojungaku",
        "shotokuwarigaku",
        "kintowarigaku",
        "fuyoninzu",
    ]


def test_plan_gives_a_long_code_list_its_other_and_distinct_totals_only(
    group: DataGroup, business: BusinessSpec
) -> None:
    long_list = CodeList(
        code_list_id="001",
        name="徴収区分",
        values=tuple(CodeValue(code=f"{n:02d}", label=f"区分{n}") for n in range(51)),
    )
    lists = tuple(long_list if c.code_list_id == "001" else c for c in business.code_lists)
    specs = plan_totals(group, KEYS, ["choshukubun"], spec=business.model_copy(update={"code_lists": lists}))
    assert [(s.total_id, s.name) for s in specs[2:]] == [
        ("rows_per_code:choshukubun:", "徴収区分 = その他（コード一覧にない値）の行数"),
        ("distinct_values:choshukubun:", "徴収区分 の値の種類数"),
    ]


# compute_totals


def test_compute_gives_every_figure_exactly(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    assert compute_totals(con, "source", specs) == EXPECTED


def test_compute_reads_a_select_and_an_unquoted_table_name(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "010_課税対象者")
    assert compute_totals(con, "010_課税対象者", specs) == EXPECTED
    assert compute_totals(con, "(SELECT * FROM \"010_課税対象者\" WHERE kazeinendo = '2024')", specs[:2]) == {
        "rows::": "3",
        "distinct_keys:atenabango+kazeinendo:": "3",
    }


def test_compute_counts_the_distinct_values_of_a_long_code_list(con: Any) -> None:
    _create(con, "source")
    spec = TotalSpec(name="徴収区分 の値の種類数", kind="distinct_values", item="choshukubun")
    assert compute_totals(con, "source", [spec]) == {"distinct_values:choshukubun:": "3"}


def test_compute_on_an_empty_table(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source", ())
    figures = compute_totals(con, "source", specs)
    assert {k: v for k, v in figures.items() if v is not None} == {
        k: "0" for k in EXPECTED if k.startswith(("rows", "distinct_keys"))
    }


def test_compute_refuses_a_relation_without_the_items(con: Any, specs: list[TotalSpec]) -> None:
    con.execute("CREATE TABLE target (atenabango VARCHAR, kazeinendo VARCHAR, seinengappi VARCHAR)")
    with pytest.raises(FitgapError) as caught:
        compute_totals(con, "target", specs[:5])
    assert caught.value.one_line() == (
        "target に管理合計の列 soshotokukingaku がありません — "
        "データグループのレイアウトの表を比較してください（列名は項目のローマ字名です）"
    )
    with chosen("en"), pytest.raises(FitgapError) as caught:
        compute_totals(con, "target", specs[:5])
    assert caught.value.one_line() == (
        "target has no column(s) soshotokukingaku for the control totals — compare tables of the group's layout: "
        "the columns are the items' romanized names"
    )


# compare_totals


def test_equal_tables_are_within_every_total(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    _create(con, "target")
    checks = compare_totals(specs, compute_totals(con, "source", specs), compute_totals(con, "target", specs), {})
    assert len(checks) == len(EXPECTED)
    assert all(c.within for c in checks)
    assert checks[4].model_dump() == {
        "total": "総所得金額 の合計",
        "total_id": "sum:soshotokukingaku:",
        "kind": "sum",
        "item": "soshotokukingaku",
        "source": "7780000",
        "target": "7780000",
        "tolerance": "0",
        "within": True,
    }
    assert checks[2].tolerance is None  # a min compares exactly


def test_a_changed_amount_is_outside_an_exact_tolerance_and_within_a_rate(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    _create(con, "target", _replace(1, 4, "2800100"))  # 課税標準額 +100 of 5,950,000 (0.0017 %)
    assert _outside(specs, con) == {"課税標準額 の合計": ("5950000", "5950100")}
    assert _outside(specs, con, {"sum": "0.1%"}) == {}
    assert _outside(specs, con, {"sum": "99"}) == {"課税標準額 の合計": ("5950000", "5950100")}
    assert _outside(specs, con, {"sum": "100"}) == {}
    # The item's tolerance wins over its kind's.
    assert _outside(specs, con, {"sum": "0.1%", "kazeihyojungaku": "0"}) == {
        "課税標準額 の合計": ("5950000", "5950100")
    }
    assert _outside(specs, con, {"sum": "0", "kazeihyojungaku": "0.01%"}) == {}


def test_a_changed_code_moves_a_row_between_two_code_totals(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    _create(con, "target", _replace(0, 8, "3"))  # 徴収区分 1 → 3
    assert _outside(specs, con) == {"徴収区分 = 1 の行数": ("2", "1"), "徴収区分 = 3 の行数": ("1", "2")}


def test_a_code_outside_the_list_counts_as_other(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    _create(con, "target", _replace(0, 7, "X"))  # 非課税区分 0 → X
    assert _outside(specs, con) == {
        "非課税区分 = 0 の行数": ("2", "1"),
        "非課税区分 = その他（コード一覧にない値）の行数": ("1", "2"),
    }


def test_a_dropped_row_changes_the_rows_and_the_distinct_keys(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    _create(con, "target", ROWS[1:])
    assert _outside(specs, con) == {
        "行数": ("4", "3"),
        "キー（宛名番号・課税年度）の件数（重複を除く）": ("4", "3"),
        "総所得金額 の合計": ("7780000", "4380000"),
        "課税標準額 の合計": ("5950000", "3250000"),
        "所得割額 の合計": ("357000", "195000"),
        "均等割額 の合計": ("15000", "10000"),
        "非課税区分 = 0 の行数": ("2", "1"),
        "徴収区分 = 1 の行数": ("2", "1"),
        "扶養人数 の合計": ("4", "2"),
    }


def test_a_duplicated_key_keeps_the_distinct_keys_but_not_the_rows(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    _create(con, "target", _replace(3, 0, "000000000000002"))  # the key of the row before
    assert _outside(specs, con) == {"キー（宛名番号・課税年度）の件数（重複を除く）": ("4", "3")}


def test_typed_target_columns_compare_equal_to_the_varchar_source(con: Any, specs: list[TotalSpec]) -> None:
    _create(con, "source")
    con.execute(
        "CREATE TABLE target AS SELECT * REPLACE ("
        "CAST(kazeinendo AS INTEGER) AS kazeinendo, CAST(seinengappi AS DATE) AS seinengappi, "
        "CAST(soshotokukingaku AS DECIMAL(12, 0)) AS soshotokukingaku, "
        "CAST(kazeihyojungaku AS DECIMAL(14, 2)) AS kazeihyojungaku, CAST(shotokuwarigaku AS BIGINT) AS shotokuwarigaku, "
        "CAST(kintowarigaku AS INTEGER) AS kintowarigaku, CAST(hikazeikubun AS VARCHAR) AS hikazeikubun, "
        "TRY_CAST(fuyoninzu AS INTEGER) AS fuyoninzu, CAST(koseinengappi AS DATE) AS koseinengappi, "
        "CAST(sosanengappi AS TIMESTAMP) AS sosanengappi) FROM source"
    )
    assert con.execute("SELECT typeof(seinengappi), typeof(kazeihyojungaku) FROM target LIMIT 1").fetchone() == (
        "DATE",
        "DECIMAL(14,2)",
    )
    assert compute_totals(con, "target", specs) == EXPECTED
    assert _outside(specs, con) == {}


def test_dates_are_iso_text_and_sums_exact(con: Any) -> None:
    con.execute("CREATE TABLE t (d VARCHAR, n VARCHAR, u VARCHAR)")
    con.execute(
        "INSERT INTO t VALUES ('0000-01-01', '0.1', '不詳'), ('9999-12-31', '0.2', ''), ('2024-02-30', 'x', NULL),"
        " ('2024-02-29', '12345678901234567890.5', '　')"
    )
    specs = [
        TotalSpec(name="d の最小", kind="min", item="d"),
        TotalSpec(name="d の最大", kind="max", item="d"),
        TotalSpec(name="n の合計", kind="sum", item="n"),
        TotalSpec(name="u の不詳件数", kind="unknown_dates", item="u"),
    ]
    assert compute_totals(con, "t", specs) == {
        "min:d:": "0000-01-01",
        "max:d:": "9999-12-31",
        "sum:n:": "12345678901234567890.8",
        "unknown_dates:u:": "2",
    }


@pytest.mark.parametrize(
    ("source", "target", "tolerance", "within"),
    [
        pytest.param(None, None, "0", True, id="both-null"),
        pytest.param("5", None, "100", False, id="target-null"),
        pytest.param(None, "5", "100", False, id="source-null"),
        pytest.param("1000", "1001", "0.1%", True, id="rate-at-the-edge"),
        pytest.param("1000", "1002", "0.1%", False, id="rate-beyond"),
        pytest.param("1000", "998", "0.1%", False, id="rate-below"),
        pytest.param("0", "1", "50%", False, id="rate-of-zero"),
        pytest.param("-100", "-101", "1%", True, id="rate-of-a-negative-sum"),
        pytest.param("10.5", "10.50", "0", True, id="same-number"),
    ],
)
def test_compare_by_tolerance(source: str | None, target: str | None, tolerance: str, within: bool) -> None:
    spec = TotalSpec(name="金額 の合計", kind="sum", item="kingaku")
    (check,) = compare_totals([spec], {spec.total_id: source}, {spec.total_id: target}, {"sum": tolerance})
    assert (check.within, check.tolerance) == (within, tolerance)


def test_min_and_max_compare_exactly_whatever_the_tolerance() -> None:
    spec = TotalSpec(name="生年月日 の最小", kind="min", item="seinengappi")
    (check,) = compare_totals(
        [spec], {spec.total_id: "1960-04-01"}, {spec.total_id: "1960-04-02"}, {"min": "5", "seinengappi": "10%"}
    )
    assert (check.within, check.tolerance) == (False, None)


def test_compare_refuses_a_bad_tolerance_naming_its_key() -> None:
    with pytest.raises(FitgapError) as caught:
        compare_totals([], {}, {}, {"rows": "0", "kazeihyojungaku": "1割"})
    assert caught.value.one_line() == (
        "reconcile.tolerances.kazeihyojungaku: 許容差 '1割' は金額でも率でもありません — "
        '"0"（完全一致）、"5" のような金額、または "0.1%" のような旧データの値に対する率を指定してください'
    )


# parse_tolerance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Tolerance()),
        ("5", Tolerance(absolute=Decimal(5))),
        ("0.5", Tolerance(absolute=Decimal("0.5"))),
        ("0.1%", Tolerance(relative=Decimal("0.001"))),
        ("2%", Tolerance(relative=Decimal("0.02"))),
        (" 10 ", Tolerance(absolute=Decimal(10))),
        ("０．１％", Tolerance(relative=Decimal("0.001"))),
    ],
    ids=["zero", "amount", "fraction", "rate", "whole-rate", "spaces", "full-width"],
)
def test_parse_tolerance(text: str, expected: Tolerance) -> None:
    assert parse_tolerance(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "-1", "%", "1%%", "0.1 %", "abc", "1e3", "5円", ".5", "1,000"],
    ids=["empty", "negative", "percent-only", "double-percent", "space-before-percent", "word", "exponent",
         "unit", "no-leading-digit", "thousands"],
)  # fmt: skip
def test_parse_tolerance_refuses(text: str) -> None:
    with pytest.raises(FitgapError) as caught:
        parse_tolerance(text)
    assert caught.value.one_line() == (
        f"許容差 {text!r} は金額でも率でもありません — "
        '"0"（完全一致）、"5" のような金額、または "0.1%" のような旧データの値に対する率を指定してください'
    )
    with chosen("en"), pytest.raises(FitgapError) as caught:
        parse_tolerance(text)
    assert caught.value.one_line() == (
        f"tolerance {text!r} is neither an amount nor a rate — "
        'give "0" (exact), an amount such as "5", or a rate of the legacy figure such as "0.1%"'
    )
