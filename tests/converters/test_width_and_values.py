"""Width and kana, codes, 団体コード, postal codes, 外字, times."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converters.reasons import Reason
from converters.transforms.values import code, gaiji, local_government_code, postal_code, time_of_day
from converters.transforms.width import is_full_width, is_half_width, to_full_width, to_half_width

HALF_KANA = "".join(chr(c) for c in range(0xFF61, 0xFFA0))


@pytest.mark.parametrize(
    ("half", "full"),
    [
        ("ﾓﾘ ﾊﾅｺ", "モリ　ハナコ"),
        ("ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ"),
        ("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"),
        ("ｳﾞ", "ヴ"),
        ("(ｶﾌﾞ)", "（カブ）"),
        ("ABC-123", "ＡＢＣ－１２３"),
        ("ｼﾔ", "シヤ"),
        ("ｰ", "ー"),
        ("ﾞ", "゛"),
    ],
)
def test_full_width_for_n_items(half: str, full: str) -> None:
    assert to_full_width(half) == full
    assert is_full_width(to_full_width(half))


def test_symbols_that_must_stay_are_not_touched() -> None:
    # A blind NFKC would turn these into 1, (株), I and 高.
    assert to_full_width("①㈱Ⅰ髙") == "①㈱Ⅰ髙"
    assert to_half_width("①㈱Ⅰ髙") == "①㈱Ⅰ髙"


def test_half_width_for_x_items() -> None:
    assert to_half_width("ＡＢＣ１２３　－～") == "ABC123 -~"
    assert is_half_width("ABC ﾓﾘ") and not is_half_width("森")


text_strategy = st.text(alphabet=st.sampled_from(list(HALF_KANA + "abcXYZ 019-()カナ森ＡＢ　")), max_size=30)


@given(text_strategy)
def test_width_normalisation_is_idempotent(text: str) -> None:
    assert to_full_width(to_full_width(text)) == to_full_width(text)
    assert to_half_width(to_half_width(text)) == to_half_width(text)


@given(text_strategy)
def test_full_width_leaves_nothing_narrow(text: str) -> None:
    assert is_full_width(to_full_width(text))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("01345", "013455"), ("013455", "013455"), ("０１３４５", "013455"), ("01101", "011011"), ("", None)],
)
def test_local_government_codes(value: str, expected: str | None) -> None:
    assert local_government_code(value).value == expected


@pytest.mark.parametrize("value", ["013456", "1345", "0134A"])
def test_bad_local_government_codes(value: str) -> None:
    assert local_government_code(value).reason is Reason.LGCODE_INVALID


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_every_five_digit_code_gets_a_valid_sixth(code5: str) -> None:
    from spec_catalog.checkdigits import is_valid_local_government_code

    result = local_government_code(code5).value
    assert result is not None and result[:5] == code5 and is_valid_local_government_code(result)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("049-2311", "0492311"),
        ("0492311", "0492311"),
        ("060  ", "060"),
        ("06012", "06012"),
        ("〒０４９－２３１１", "0492311"),
    ],
)
def test_postal_codes(value: str, expected: str) -> None:
    assert postal_code(value).value == expected


def test_bad_postal_code() -> None:
    assert postal_code("04923").value == "04923"
    assert postal_code("0492").reason is Reason.POSTAL_INVALID


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.text(max_size=3), max_size=8), st.text(max_size=3))
def test_code_tables_map_known_and_reject_unknown(table: dict[str, str], value: str) -> None:
    result = code(value, table)
    if value == "":
        assert result.value is None and result.ok
    elif value in table:
        assert result.value == table[value]
    else:
        assert result.reason is Reason.CODE_UNMAPPED and result.value is None
        assert code(value, table, keep_unmapped=True).value == value


def test_gaiji_mapped_and_unmapped() -> None:
    table = {"\ue000": "髙"}
    assert gaiji("\ue000橋　花子", table).value == "髙橋　花子"
    assert gaiji("森", table).value == "森"
    unmapped = gaiji("\ue000\ue0ff", table)
    assert (unmapped.value, unmapped.reason, unmapped.detail) == (None, Reason.GAIJI_UNMAPPED, "unmapped 外字 U+E0FF")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0930", "09:30"), ("093000", "09:30:00"), ("9:30", "09:30"), ("０９：３０", "09:30"), ("23:59:59", "23:59:59")],
)
def test_times(value: str, expected: str) -> None:
    assert time_of_day(value).value == expected


@pytest.mark.parametrize("value", ["2460", "25:00", "9時", "12:60"])
def test_bad_times(value: str) -> None:
    assert time_of_day(value).reason is Reason.TIME_INVALID
