"""Every date form a legacy export writes, as docs/conversion.md lists them: accepted (with the ISO date), 不詳
(every qualifier, anywhere, beside an otherwise valid date), refused; each separator and width; the calendar
reform, non-calendar days and the era boundaries. No approximate date may ever come back as an exact one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters.transforms.era import (
    UNCERTAIN_MARKS,
    eras,
    format_era,
    not_calendar_detail,
    parse_era_date,
    partial_detail,
    reform_detail,
    unknown_detail,
)
from spec_catalog.codes import Code
from spec_catalog.language import chosen

ACCEPTED = [
    # The forms the issue names.
    ("大正01.07.30", "1912-07-30"),
    ("平成31.04.30", "2019-04-30"),
    ("昭60.2.14", "1985-02-14"),
    ("Ｓ６０年２月１４日", "1985-02-14"),
    ("S60/2/14", "1985-02-14"),
    ("Ｈ３１．０４．３０", "2019-04-30"),
    ("令和元年5月1日", "2019-05-01"),
    # Each era name with 年月日, and 元年.
    ("明治45年7月29日", "1912-07-29"),
    ("大正元年8月1日", "1912-08-01"),
    ("昭和60年2月14日", "1985-02-14"),
    ("平成元年1月8日", "1989-01-08"),
    ("令和5年4月1日", "2023-04-01"),
    ("昭和60年02月04日", "1985-02-04"),
    # Each separator, with the era name, the one kanji and the letter.
    ("昭和60.2.14", "1985-02-14"),
    ("昭和60/2/14", "1985-02-14"),
    ("昭和60-2-14", "1985-02-14"),
    ("昭和60・2・14", "1985-02-14"),
    ("昭和60ー2ー14", "1985-02-14"),
    ("昭60−2−14", "1985-02-14"),
    ("S60.02.14", "1985-02-14"),
    ("S60-2-14", "1985-02-14"),
    ("S.60.2.14", "1985-02-14"),
    ("H31年4月30日", "2019-04-30"),
    ("令和元.5.1", "2019-05-01"),
    ("R1/5/1", "2019-05-01"),
    # The ideographic full stop typed for a dot, and its half-width form.
    ("H。31。4。30", "2019-04-30"),
    ("H｡31｡4｡30", "2019-04-30"),
    ("昭和60。2。14", "1985-02-14"),
    ("1985。4。1", "1985-04-01"),
    # Full width: digits, letters, separators (．／－・ｰ), and the width of each part alone.
    ("Ｈ３１／４／３０", "2019-04-30"),
    ("Ｈ３１－０４－３０", "2019-04-30"),
    ("平成３１･４･３０", "2019-04-30"),
    ("平成31ｰ4ｰ30", "2019-04-30"),
    ("令和５年４月１日", "2023-04-01"),
    ("Ｒ５.4.1", "2023-04-01"),
    ("S６０.2.14", "1985-02-14"),
    # Every letter, in upper and lower case and in full width.
    ("M45.07.29", "1912-07-29"),
    ("m45.7.29", "1912-07-29"),
    ("Ｍ４５．０７．２９", "1912-07-29"),
    ("T15.12.25", "1926-12-25"),
    ("t01.07.30", "1912-07-30"),
    ("ｔ１５．１２．２５", "1926-12-25"),
    ("s60.2.14", "1985-02-14"),
    ("ｓ６０．２．１４", "1985-02-14"),
    ("h31.4.30", "2019-04-30"),
    ("ｈ３１年４月３０日", "2019-04-30"),
    ("R05.04.01", "2023-04-01"),
    ("r5.4.1", "2023-04-01"),
    ("ｒ５．４．１", "2023-04-01"),
    # Every one-kanji abbreviation.
    ("明45.7.29", "1912-07-29"),
    ("明6.1.1", "1873-01-01"),
    ("大1.7.30", "1912-07-30"),
    ("大15年12月25日", "1926-12-25"),
    ("昭64.1.7", "1989-01-07"),
    ("平1.1.8", "1989-01-08"),
    ("平元年1月8日", "1989-01-08"),
    ("令1.5.1", "2019-05-01"),
    ("令元.5.1", "2019-05-01"),
    # The era in one character (㍻ ㋿ …) as some fonts' users typed it.
    ("㍻31年4月30日", "2019-04-30"),
    ("㋿元年5月1日", "2019-05-01"),
    ("㍼60.2.14", "1985-02-14"),
    # An era with six digits.
    ("S600214", "1985-02-14"),
    ("H310430", "2019-04-30"),
    ("平310430", "2019-04-30"),
    ("ｒ０１０５０１", "2019-05-01"),
    # Kanji numerals in a 年月日 form.
    ("昭和六十年二月十四日", "1985-02-14"),
    ("平成三十一年四月三十日", "2019-04-30"),
    ("令和元年五月一日", "2019-05-01"),
    ("大正十五年十二月二十五日", "1926-12-25"),
    ("昭和弐拾年八月拾五日", "1945-08-15"),
    # Spaces anywhere (half and full width), as printouts pad numbers.
    ("昭和 60 年 2 月 14 日", "1985-02-14"),
    ("昭和60年\u30002月14日", "1985-02-14"),
    (" S60. 2.14 ", "1985-02-14"),
    ("H31. 4. 1", "2019-04-01"),
    ("令和 元年 5月 1日", "2019-05-01"),
    # Packed numbers.
    ("3600214", "1985-02-14"),
    ("03600214", "1985-02-14"),
    ("4310430", "2019-04-30"),
    ("5010501", "2019-05-01"),
    ("1060101", "1873-01-01"),
    ("R050401", "2023-04-01"),
    ("３６００２１４", "1985-02-14"),
    # 西暦 (taken as Gregorian whatever the year).
    ("1985-04-01", "1985-04-01"),
    ("1985/4/1", "1985-04-01"),
    ("1985.4.1", "1985-04-01"),
    ("19850401", "1985-04-01"),
    ("1985年4月1日", "1985-04-01"),
    ("西暦1985年4月1日", "1985-04-01"),
    ("西暦19850401", "1985-04-01"),
    ("１９８５－０４－０１", "1985-04-01"),
    ("１９８５年４月１日", "1985-04-01"),
    ("1870-05-01", "1870-05-01"),
    # The standard's open ends.
    ("0000-01-01", "0000-01-01"),
    ("9999-12-31", "9999-12-31"),
    ("99991231", "9999-12-31"),
    ("9999/12/31", "9999-12-31"),
]


def _id(value: object) -> str:
    return str(value).replace(" ", "␠").replace("\u3000", "□") or "empty"


@pytest.mark.parametrize(("text", "iso"), ACCEPTED, ids=[_id(t) for t, _ in ACCEPTED])
def test_accepted_forms(text: str, iso: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.extra) == (iso, None, None)


EMPTY = ["", "  ", "\u3000", "0000000", "00000000", "0000-00-00", "0000/00/00", "００００００００"]


@pytest.mark.parametrize("text", EMPTY, ids=[_id(t) for t in EMPTY])
def test_no_date_at_all_is_empty(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason) == (None, None)


# The qualifiers and marks of the issue, written out here (not read from the module: a mark the module drops
# must fail this test), and where they stand in real values.
QUALIFIERS = [
    "頃", "ごろ", "ころ", "ｺﾞﾛ", "前後", "位", "くらい", "ぐらい", "以前", "以降", "以後", "推定", "不詳", "不明",
    "?", "？", "○", "〇", "◯", "〃", "～", "〜", "~", "から", "まで", "約", "程", "＊", "XX", "xx",
]  # fmt: skip
VALID = ["昭和60年2月14日", "S60.2.14", "Ｓ６０．２．１４", "昭60/2/14", "3600214", "1985-02-14", "S600214"]


def _placed(date: str, mark: str) -> list[str]:
    """The mark before, inside and after an otherwise valid date."""
    middle = len(date) // 2
    return [mark + date, date[:middle] + mark + date[middle:], date + mark, f"{date} {mark}"]


QUALIFIED = sorted({v for mark in QUALIFIERS for date in VALID for v in _placed(date, mark)})
REAL_UNKNOWN = [
    "昭和60年2月14日ごろ",
    "昭和60年2月14日頃",
    "昭和60年2月14日前後",
    "昭和60年2月14日位",
    "昭和60年2月14日くらい",
    "昭和60年2月14日以前",
    "昭和60年2月14日以降",
    "推定昭和60年2月14日",
    "昭和60年2月14日（推定）",
    "昭和60年2月?日",
    "昭和60年2月？日",
    "昭和60年○月14日",
    "昭和60年〇月〇日",
    "〃",
    "昭和60年2月14日〜昭和60年3月1日",
    "昭和60年2月14日～3月1日",
    "昭和60年2月14日から3月1日",
    "S60.2.14~S60.3.1",
    # A range whose second end repeats only the part that changes (M.D, D日, M月D日, D).
    "S60.2.14-3.1",
    "昭和60年2月14日/15日",
    "昭和60年2月14日・15日",
    "昭和60年2月14日-3月1日",
    "S60.2.14-15",
    "1985-02-14/15",
    "1985/2/14-3/1",
    "1985/02/14 頃",
    "年月日不詳",
    "令和○年頃",
    "昭和60年2月日不詳",
    "不明",
    "S60.XX.XX",
    "S60.**.**",
    "約昭和60年",
]


@pytest.mark.parametrize("text", REAL_UNKNOWN + QUALIFIED, ids=_id)
def test_a_qualifier_anywhere_makes_the_date_unknown(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.detail, result.extra) == (
        None,
        Code.DATE_UNKNOWN,
        unknown_detail(),
        text.strip(),
    )


PARTIAL = [
    "昭和60年",
    "昭和60年2月",
    "令和元年",
    "平成31年4月",
    "昭和64年1月",
    "S60年2月",
    "明治3年",  # a lunar year, but nothing is converted: the text is kept
    "3600200",
    "3600000",
    "03600200",
    "S60.02.00",
    "1985年",
    "1985年2月",
    "1985-02-00",
    "19850200",
]


@pytest.mark.parametrize("text", PARTIAL, ids=_id)
def test_a_date_without_its_day_is_unknown(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.detail, result.extra) == (
        None,
        Code.DATE_UNKNOWN,
        partial_detail(),
        text,
    )


REFUSED = [
    # Days outside their era (the era boundaries).
    ("平成31年5月1日", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
    ("H31.05.01", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
    ("4310501", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
    ("昭和64年1月8日", "the date is outside 昭和 (1926-12-25 – 1989-01-07)"),
    ("令和元年4月30日", "the date is outside 令和 (2019-05-01 – today)"),
    ("令和元年2月29日", "the date is outside 令和 (2019-05-01 – today)"),
    ("大正15年12月26日", "the date is outside 大正 (1912-07-30 – 1926-12-25)"),
    ("大正元年7月29日", "the date is outside 大正 (1912-07-30 – 1926-12-25)"),
    ("明治45年7月31日", "the date is outside 明治 (1868-01-25 – 1912-07-30)"),
    ("平成35年", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
    ("平成31年5月", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
    ("平成31年6月31日", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
    # Years, months and days that cannot be.
    ("令和0年1月1日", "the year is before 令和 元年"),
    ("H00.01.01", "the year is before 平成 元年"),
    ("H31.13.01", "the month or the day is out of range"),
    ("S60.2.32", "the month or the day is out of range"),
    ("S60.00.14", "the month or the day is out of range"),
    ("昭和60年13月", "the month or the day is out of range"),
    ("0000-05-01", "the year is 0"),
    ("昭和十十年1月1日", "not a date in any known form"),
    # Eras that do not exist.
    ("6300101", "the era is unknown"),
    ("X60.2.14", "the era is unknown"),
    ("K600214", "the era is unknown"),
    # Text left over, a missing part, mixed separators, no era: never read from the front.
    ("昭和60年2月14日生", "not a date in any known form"),
    ("昭和60年2月14日（木）", "not a date in any known form"),
    ("昭和60年2月14", "not a date in any known form"),
    ("平成31年04/30", "not a date in any known form"),
    ("S60.2/14", "not a date in any known form"),
    ("S60一2一14", "not a date in any known form"),  # 一 typed for a dash is no kanji numeral here
    ("S60.2.14.", "not a date in any known form"),
    ("S60.2.14-3.1.5", "not a date in any known form"),  # after a date, only a date or a shorter tail of one
    ("S60.2.14-123", "not a date in any known form"),
    ("S60.2.14-", "not a date in any known form"),
    ("60.2.14", "not a date in any known form"),
    ("85/4/1", "not a date in any known form"),
    ("S60214", "not a date in any known form"),
    ("一九八五年四月一日", "not a date in any known form"),
    ("1985-04-01T00:00:00", "not a date in any known form"),
    ("1985/04/01 0:00:00", "not a date in any known form"),
    ("Showa60.2.14", "not a date in any known form"),
    ("abc", "not a date in any known form"),
    ("-", "not a date in any known form"),
]


@pytest.mark.parametrize(("text", "detail"), REFUSED, ids=[_id(t) for t, _ in REFUSED])
def test_refused_forms(text: str, detail: str) -> None:
    with chosen("en"):
        result = parse_era_date(text)
    # The detail becomes the quarantine's rule text: it names the rule, never the (personal) value.
    assert (result.value, result.reason, result.detail, result.extra) == (None, Code.ERA_DATE_INVALID, detail, None)


REFUSED_JA = [
    ("平成31年5月1日", "平成の期間（1989-01-08 – 2019-04-30）の外の日付です"),
    ("令和元年4月30日", "令和の期間（2019-05-01 – 現在）の外の日付です"),
    ("令和0年1月1日", "令和元年より前の年です"),
    ("H31.13.01", "月または日が範囲外です"),
    ("0000-05-01", "年が0です"),
    ("6300101", "元号が不明です"),
    ("abc", "どの日付の形式にも当てはまりません"),
]


@pytest.mark.parametrize(("text", "detail"), REFUSED_JA, ids=[_id(t) for t, _ in REFUSED_JA])
def test_refusals_are_said_in_japanese_by_default(text: str, detail: str) -> None:
    assert parse_era_date(text).detail == detail


def test_one_value_is_said_in_each_language_of_one_process() -> None:
    """The parse is cached per language: a value read in English after Japanese gets its English detail."""
    assert parse_era_date("X60.2.14").detail == "元号が不明です"
    with chosen("en"):
        assert parse_era_date("X60.2.14").detail == "the era is unknown"
    assert parse_era_date("X60.2.14").detail == "元号が不明です"


BEFORE_REFORM = [
    "明治5年12月2日",  # the last day of the lunar calendar
    "明治5年12月3日",  # a day that never was: it became 明治6年1月1日
    "明治元年1月25日",
    "明治元年9月8日",
    "明治5年2月30日",  # a lunar month had 30 days: never read as a non-calendar Gregorian day
    "明5.12.2",
    "M05.12.02",
    "m5/12/2",
    "Ｍ０５．１２．０２",
    "M051202",
    "1051202",
    "01051202",
    "明治五年十二月二日",
]


@pytest.mark.parametrize("text", BEFORE_REFORM, ids=_id)
def test_lunar_dates_before_the_calendar_reform_are_never_converted(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.detail) == (None, Code.DATE_BEFORE_CALENDAR_REFORM, reform_detail())


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("明治6年1月1日", "1873-01-01"),
        ("M06.01.01", "1873-01-01"),
        ("1060101", "1873-01-01"),
        ("明治6年12月31日", "1873-12-31"),
    ],
)
def test_the_gregorian_calendar_starts_on_meiji_6_january_1(text: str, iso: str) -> None:
    assert parse_era_date(text).value == iso


NOT_CALENDAR = [
    "H13.02.29",
    "平成13年2月29日",
    "4130229",
    "04130229",
    "H130229",
    "昭和60年2月30日",
    "S60.4.31",
    "平成31年4月31日",
    "令和5年2月29日",
    "明治33年2月29日",  # 1900 was no leap year
    "2001-02-29",
    "20010229",
    "2001年2月29日",
    "Ｈ１３．０２．２９",
]


@pytest.mark.parametrize("text", NOT_CALENDAR, ids=_id)
def test_non_calendar_days_have_their_own_code(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.detail, result.extra) == (
        None,
        Code.ERA_DATE_NOT_CALENDAR,
        not_calendar_detail(),
        text,
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [("平成12年2月29日", "2000-02-29"), ("H24.2.29", "2012-02-29"), ("令和2年2月29日", "2020-02-29")],
)
def test_leap_days_are_calendar_days(text: str, iso: str) -> None:
    assert parse_era_date(text).value == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("平成31年4月30日", "2019-04-30"),
        ("令和元年5月1日", "2019-05-01"),
        ("昭和64年1月7日", "1989-01-07"),
        ("平成元年1月8日", "1989-01-08"),
        ("明治45年7月30日", "1912-07-30"),
        ("大正元年7月30日", "1912-07-30"),
        ("大正15年12月25日", "1926-12-25"),
        ("昭和元年12月25日", "1926-12-25"),
    ],
)
def test_era_boundaries_accepted(text: str, iso: str) -> None:
    assert parse_era_date(text).value == iso


@pytest.mark.parametrize("text", ["平成31年5月1日", "昭和64年1月8日", "令和元年4月30日", "明治45年7月31日"])
def test_era_boundaries_refused(text: str) -> None:
    assert (parse_era_date(text).value, parse_era_date(text).reason) == (None, Code.ERA_DATE_INVALID)


def test_no_era_spelling_holds_a_qualifier() -> None:
    """An era the table adds must not be read as a mark of uncertainty."""
    spellings = [s for e in eras() for s in (e.name, e.name[0], e.letter)]
    assert [(s, m) for s in spellings for m in UNCERTAIN_MARKS if m in s] == []


def test_the_docs_list_every_mark() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "conversion.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Dates\n") :]
    section = section[: section.index("\n## ", 1)]
    assert [m for m in UNCERTAIN_MARKS if m not in section] == []


def test_the_qualifiers_of_the_issue_are_marks() -> None:
    assert [q for q in QUALIFIERS if parse_era_date(q).reason != Code.DATE_UNKNOWN] == []


FORMS = ["packed", "packed2", "letter", "dotted", "kanji", "kanji_fullwidth", "kanji_dotted", "abbreviated"]
FORMS.append("kanji_numerals")
DAYS = st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(max_examples=1000, deadline=None)
@given(DAYS, st.sampled_from(FORMS), st.sampled_from(QUALIFIERS + list(UNCERTAIN_MARKS)), st.data())
def test_no_value_with_a_qualifier_is_ever_a_date(day: dt.date, form: str, mark: str, data: st.DataObject) -> None:
    text = format_era(day, form)
    assert parse_era_date(text).value == day.isoformat()  # the date alone is exact …
    at = data.draw(st.integers(0, len(text)))
    qualified = text[:at] + mark + text[at:]
    result = parse_era_date(qualified)
    assert (result.value, result.reason, result.extra) == (None, Code.DATE_UNKNOWN, qualified)  # … qualified never


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=12), st.sampled_from(QUALIFIERS + list(UNCERTAIN_MARKS)), st.text(max_size=12))
def test_no_text_with_a_qualifier_is_ever_a_date(before: str, mark: str, after: str) -> None:
    result = parse_era_date(before + mark + after)
    assert result.value is None


@pytest.mark.parametrize(
    "text",
    ["昭和60年2月14日-昭和60年3月1日", "S60.2.14-S60.3.1", "S60.2.14/S60.3.1", "昭和60年2月14日・昭和60年3月1日"],
)
def test_two_dates_joined_by_a_dash_slash_or_dot_are_a_range_so_unknown(text: str) -> None:
    converted = parse_era_date(text)
    assert (converted.value, converted.reason, converted.extra) == (None, Code.DATE_UNKNOWN, text)
