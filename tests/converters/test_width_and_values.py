"""Width and kana, codes, 団体コード, postal codes, 外字, times."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converters.transforms.values import code, code_key, gaiji, local_government_code, postal_code, time_of_day
from converters.transforms.width import is_full_width, is_half_width, to_full_width, to_half_width
from fitgap.assessment.suggest import normalize
from spec_catalog.codes import Code


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the rule texts (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


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


# The width table, written out by hand (not derived from unicodedata, which the implementation uses).
HALF_KANA_AS_FULL = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜"
VOICED = dict(zip("ｦｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎﾜ", "ヺヴガギグゲゴザジズゼゾダヂヅデドバビブベボヷ", strict=True))
SEMI_VOICED = dict(zip("ﾊﾋﾌﾍﾎ", "パピプペポ", strict=True))
ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
FULL_ASCII = "　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～"
# Already standard, or deliberately left alone (a blind NFKC would turn ① into 1, ㈱ into (株), 髙 into 高, and
# 〜 (the JIS wave dash) and − (the minus sign) are what jis_dashes produces).
KEPT_BOTH_WAYS = "①㈱Ⅰ髙﨑〜−ー゛゜ガ森"


def _mark(half: str, full: str, mark: str) -> tuple[str, str]:
    joined = (VOICED if mark == "ﾞ" else SEMI_VOICED).get(half)
    return half + mark, joined or full + ("゛" if mark == "ﾞ" else "゜")


TO_FULL = [
    *zip(HALF_KANA, HALF_KANA_AS_FULL, strict=True),
    *(_mark(h, f, m) for h, f in zip(HALF_KANA, HALF_KANA_AS_FULL, strict=True) for m in "ﾞﾟ"),
    *zip(ASCII, FULL_ASCII, strict=True),
    ("\u3000", "\u3000"),
    *((c, c) for c in KEPT_BOTH_WAYS + "－"),
]
TO_HALF = [
    *zip(FULL_ASCII, ASCII, strict=True),  # － too: an X item takes '-'
    *((c, c) for c in KEPT_BOTH_WAYS + HALF_KANA + ASCII),
]
KANA_LETTERS = [
    *zip(HALF_KANA[5:-2], HALF_KANA_AS_FULL[5:-2], strict=True),  # ｦ … ﾝ (the punctuation suggest drops)
    *((h + "ﾞ", f) for h, f in VOICED.items()),
    *((h + "ﾟ", f) for h, f in SEMI_VOICED.items()),
]


def _cases(pairs: list[tuple[str, str]]) -> list[object]:
    return [pytest.param(t, e, id=" ".join(f"U+{ord(c):04X}" for c in t) + f" {t}") for t, e in pairs]


@pytest.mark.parametrize(("text", "expected"), _cases(TO_FULL))
def test_to_full_width_table(text: str, expected: str) -> None:
    assert to_full_width(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(TO_HALF))
def test_to_half_width_table(text: str, expected: str) -> None:
    assert to_half_width(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases([(a, a) for a in ASCII]))
def test_ascii_comes_back_from_full_width(text: str, expected: str) -> None:
    assert to_half_width(to_full_width(text)) == expected


def test_suggest_reads_text_as_the_converter_writes_it() -> None:
    # suggest folds width with the converter's functions, so a function name reads the same whatever width the
    # legacy system or the converter gave it (jaconv, used before, kept a lone ﾞ half-width and ﾜﾞ unjoined).
    texts = [text for text, _ in TO_FULL + TO_HALF]
    differ = [t for t in texts if not normalize(to_full_width(t)) == normalize(t) == normalize(to_half_width(t))]
    assert differ == []


@pytest.mark.parametrize(("text", "expected"), _cases(KANA_LETTERS))
def test_suggest_widens_kana_like_the_converter(text: str, expected: str) -> None:
    assert normalize(text) == to_full_width(text) == expected


text_strategy = st.text(alphabet=st.sampled_from(list(HALF_KANA + "abcXYZ 019-()カナ森ＡＢ　")), max_size=30)


@given(st.text(alphabet=st.sampled_from(list(HALF_KANA + ASCII + FULL_ASCII + KEPT_BOTH_WAYS + "かなﾊﾟ")), max_size=20))
def test_suggest_and_the_converter_agree_on_width(text: str) -> None:
    assert normalize(to_full_width(text)) == normalize(text) == normalize(to_half_width(text))


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


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("013456", "the check digit is wrong"),
        ("1345", "not a 5- or 6-digit 団体コード"),
        ("0134A", "not a 5- or 6-digit 団体コード"),
    ],
)
def test_bad_local_government_codes(value: str, detail: str) -> None:
    result = local_government_code(value)
    assert (result.reason, result.detail) == (Code.LGCODE_INVALID, detail)  # the rule, never the value


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_every_five_digit_code_gets_a_valid_sixth(code5: str) -> None:
    # Any five digits get their check digit; the code then loads only if the national table or its history
    # knows it (issue 14: 99999 → 999997 no longer loads).
    from spec_catalog.checkdigits import complete_local_government_code, is_valid_local_government_code
    from spec_catalog.localgov import history_of

    six = complete_local_government_code(code5)
    assert six[:5] == code5 and is_valid_local_government_code(six)
    result = local_government_code(code5)
    known = history_of(six) is not None
    assert (result.value, result.reason) == ((six, None) if known else (None, Code.LGCODE_UNKNOWN))


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
    bad = postal_code("0492")
    assert (bad.reason, bad.detail) == (Code.POSTAL_INVALID, "not a 3-, 5- or 7-digit postal code")


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.text(max_size=3), max_size=8), st.text(max_size=3))
def test_code_tables_map_known_and_reject_unknown(table: dict[str, str], value: str) -> None:
    result = code(value, table)
    if value == "":
        assert result.value is None and result.ok
    elif value in table:
        assert result.value == table[value]
    elif code_key(value) in table:  # width and spaces aside (the mapping keys its tables so)
        assert result.value == table[code_key(value)]
    else:
        assert result.reason is Code.CODE_UNMAPPED and result.value is None
        assert result.detail == "the code is not in the code table"
        assert code(value, table, keep_unmapped=True).value == value


def test_gaiji_mapped_and_unmapped() -> None:
    table = {"\ue000": "髙"}
    assert gaiji("\ue000橋　花子", table).value == "髙橋　花子"
    assert gaiji("森", table).value == "森"
    unmapped = gaiji("\ue000\ue0ff", table)
    assert (unmapped.value, unmapped.reason, unmapped.detail) == (None, Code.GAIJI_UNMAPPED, "unmapped 外字 U+E0FF")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0930", "09:30"), ("093000", "09:30:00"), ("9:30", "09:30"), ("０９：３０", "09:30"), ("23:59:59", "23:59:59")],
)
def test_times(value: str, expected: str) -> None:
    assert time_of_day(value).value == expected


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("2460", "not a time of day (hour over 23, minute or second over 59)"),
        ("25:00", "not a time of day (hour over 23, minute or second over 59)"),
        ("9時", "not HH:MM[:SS]"),
        ("12:60", "not a time of day (hour over 23, minute or second over 59)"),
    ],
)
def test_bad_times(value: str, detail: str) -> None:
    result = time_of_day(value)
    assert (result.reason, result.detail) == (Code.TIME_INVALID, detail)
