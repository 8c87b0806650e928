from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spec_catalog.checkdigits import (
    complete_local_government_code,
    corporate_number_check_digit,
    is_valid_corporate_number,
    is_valid_local_government_code,
    is_valid_my_number,
    local_government_check_digit,
    my_number_check_digit,
)

from conftest import LOCALGOV_CSV


@pytest.mark.parametrize("number", ["123456789018", "983205673214"])
def test_published_my_numbers_are_valid(number: str) -> None:
    assert is_valid_my_number(number)


@pytest.mark.parametrize("number", ["7010705000725", "8000020130001"])
def test_published_corporate_numbers_are_valid(number: str) -> None:
    assert is_valid_corporate_number(number)


@pytest.mark.parametrize(("code", "name"), [("011002", "札幌市"), ("131016", "千代田区"), ("013455", "森町")])
def test_published_local_government_codes_are_valid(code: str, name: str) -> None:
    assert is_valid_local_government_code(code), name
    assert complete_local_government_code(code[:5]) == code


def test_every_code_of_the_national_list_is_valid() -> None:
    with LOCALGOV_CSV.open(encoding="utf-8-sig", newline="") as handle:
        codes = [row["lgcode"] for row in csv.DictReader(handle)]
    assert len(codes) == 1916
    assert [c for c in codes if not is_valid_local_government_code(c)] == []


@pytest.mark.parametrize("bad", ["", "12345678901", "1234567890123", "12345678901a", "１２３４５６７８９０１８"])
def test_malformed_my_numbers_are_rejected(bad: str) -> None:
    assert not is_valid_my_number(bad)


def _single_digit_changes(number: str) -> list[str]:
    return [number[:i] + d + number[i + 1 :] for i in range(len(number)) for d in "0123456789" if d != number[i]]


def _my_number_remainder(body: str) -> int:
    return sum(int(d) * w for d, w in zip(body, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_my_number_rejects_single_digit_changes(body: str) -> None:
    number = body + str(my_number_check_digit(body))
    assert is_valid_my_number(number)
    accepted = [changed for changed in _single_digit_changes(number) if is_valid_my_number(changed)]
    # The rule maps remainders 0 and 1 both to check digit 0, so a change that moves the remainder between
    # exactly those two values cannot be seen; every other single-digit change is rejected.
    assert all(
        changed[11] == number[11] == "0" and {_my_number_remainder(body), _my_number_remainder(changed[:11])} == {0, 1}
        for changed in accepted
    ), accepted


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_corporate_number_accepts_generated_numbers(body: str) -> None:
    number = str(corporate_number_check_digit(body)) + body
    assert is_valid_corporate_number(number)
    # The check digit itself: any other first digit is rejected.
    assert not any(is_valid_corporate_number(d + body) for d in "0123456789" if d != number[0])


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_local_government_code_rejects_a_changed_check_digit(body: str) -> None:
    code = body + str(local_government_check_digit(body))
    assert is_valid_local_government_code(code)
    assert not any(is_valid_local_government_code(body + d) for d in "0123456789" if d != code[5])


# The SQL of the check-digit rules (spec_catalog.rules) says what the Python functions say, on valid numbers, one
# digit off, other lengths, full-width digits, letters, spaces and signs that a cast would accept.
_SQL_CASES = st.one_of(
    st.text(alphabet="0123456789", min_size=0, max_size=14),
    st.text(alphabet="0123456789 +-a０９", min_size=5, max_size=14),
)


@settings(deadline=None, max_examples=60)
@given(st.lists(_SQL_CASES, min_size=1, max_size=200), st.lists(st.text("0123456789", min_size=11, max_size=11)))
def test_the_sql_check_digits_agree_with_python(values: list[str], bodies: list[str]) -> None:
    import duckdb

    from spec_catalog.rules import corporate_number_sql, local_government_sql, my_number_sql

    values = values + [b + str(my_number_check_digit(b)) for b in bodies]  # valid 個人番号
    values += [b[:5] + str(local_government_check_digit(b[:5])) for b in bodies]  # valid 団体コード
    values += [str(corporate_number_check_digit(b + "0")) + b + "0" for b in bodies]  # valid 法人番号
    values += ["123456789018", "983205673214", "7010705000725", "8000020130001"]  # published ones (above)
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest($v) AS v", {"v": values})
    found = con.execute(
        f"SELECT v, {my_number_sql('v')}, {local_government_sql('v')}, {corporate_number_sql('v')} FROM t"
    ).fetchall()
    for value, my_number, local_government, corporate in found:
        assert my_number == (not is_valid_my_number(value)), value
        assert local_government == (not is_valid_local_government_code(value)), value
        assert corporate == (not is_valid_corporate_number(value)), value
