"""和暦: every form, 元年, boundary days, 不詳 and non-calendar dates, and a round trip over 1873–2100 (the days
before the calendar reform have no Gregorian era form: tests/converters/test_date_forms.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters.transforms.era import format_era, parse_era_date
from spec_catalog.codes import Code


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the messages (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("3600214", "1985-02-14"),
        ("03600214", "1985-02-14"),
        ("S600214", "1985-02-14"),
        ("R050401", "2023-04-01"),
        ("H31.04.30", "2019-04-30"),
        ("H31/4/30", "2019-04-30"),
        ("S60.2.14", "1985-02-14"),
        ("平成31年4月30日", "2019-04-30"),
        ("令和元年5月1日", "2019-05-01"),
        ("令和５年４月１日", "2023-04-01"),
        ("Ｈ３１．０４．３０", "2019-04-30"),
        ("1985-04-01", "1985-04-01"),
        ("1985/4/1", "1985-04-01"),
        ("19850401", "1985-04-01"),
        ("1985年4月1日", "1985-04-01"),
        ("9999-12-31", "9999-12-31"),
        ("0000-01-01", "0000-01-01"),
    ],
    ids=lambda v: str(v),
)
def test_forms(text: str, iso: str) -> None:
    assert parse_era_date(text).value == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("明治45年7月30日", "1912-07-30"),
        ("大正元年7月30日", "1912-07-30"),
        ("大正15年12月25日", "1926-12-25"),
        ("昭和元年12月25日", "1926-12-25"),
        ("昭和64年1月7日", "1989-01-07"),
        ("平成元年1月8日", "1989-01-08"),
        ("平成31年4月30日", "2019-04-30"),
        ("令和元年5月1日", "2019-05-01"),
        ("明治6年1月1日", "1873-01-01"),
    ],
)
def test_boundary_days_of_two_eras_are_accepted(text: str, iso: str) -> None:
    assert parse_era_date(text).value == iso


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("平成31年5月1日", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
        ("昭和64年1月8日", "the date is outside 昭和 (1926-12-25 – 1989-01-07)"),
        ("4310501", "the date is outside 平成 (1989-01-08 – 2019-04-30)"),
        ("大正15年12月26日", "the date is outside 大正 (1912-07-30 – 1926-12-25)"),
        ("明治45年7月31日", "the date is outside 明治 (1868-01-25 – 1912-07-30)"),
        ("令和0年1月1日", "the year is before 令和 元年"),
        ("H31.13.01", "the month or the day is out of range"),
        ("abc", "not a date in any known form"),
        ("6300101", "the era is unknown"),
    ],
)
def test_days_outside_their_era_or_no_date_at_all(text: str, detail: str) -> None:
    result = parse_era_date(text)
    # The detail becomes the quarantine's rule text: it names the rule, never the (personal) value.
    assert (result.value, result.reason, result.detail) == (None, Code.ERA_DATE_INVALID, detail)


@pytest.mark.parametrize("text", ["令和○年頃", "年月日不詳", "推定昭和30年", "昭和60年不詳", "不明"])
def test_unknown_dates_keep_their_text(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.extra) == (None, Code.DATE_UNKNOWN, text)
    assert result.detail == "不詳 (an unknown or estimated date)"


@pytest.mark.parametrize("text", ["昭和60年2月29日", "3600229", "1985-02-29", "平成元年2月30日", "R050431"])
def test_non_calendar_days_are_never_guessed(text: str) -> None:
    result = parse_era_date(text)
    assert (result.value, result.reason, result.extra) == (None, Code.ERA_DATE_NOT_CALENDAR, text)
    assert result.detail == "not a calendar day"


@pytest.mark.parametrize("text", ["", "  ", None, "0000000", "00000000"])
def test_empty_legacy_dates_are_empty(text: str | None) -> None:
    assert parse_era_date(text).value is None and parse_era_date(text).reason is None


FORMS = [
    "packed",
    "packed2",
    "letter",
    "dotted",
    "kanji",
    "kanji_fullwidth",
    "kanji_dotted",
    "abbreviated",
    "kanji_numerals",
]
REFORM = dt.date(1873, 1, 1)


@settings(max_examples=400)
@given(st.dates(min_value=REFORM, max_value=dt.date(2100, 12, 31)), st.sampled_from(FORMS))
def test_round_trip_every_day_in_every_form(day: dt.date, form: str) -> None:
    assert parse_era_date(format_era(day, form)).value == day.isoformat()


def test_round_trip_every_day_exhaustively_in_packed_form() -> None:
    day, end = REFORM, dt.date(2100, 12, 31)
    failures = []
    while day <= end:
        if parse_era_date(format_era(day, "packed")).value != day.isoformat():
            failures.append(day)
        day += dt.timedelta(days=1)
    assert failures == []


def test_a_day_before_the_calendar_reform_has_no_era_form() -> None:
    with pytest.raises(ValueError, match="before the calendar reform"):
        format_era(dt.date(1872, 12, 31), "kanji")


def test_the_packed_form_read_on_its_fast_path_says_what_every_test_says() -> None:
    """GYYMMDD in a month wholly inside its era takes a short way (``_whole_months``): every such text at the edges
    of its month, and every one beside it (months 00 and 13, days 00 and 29–32, codes of no era, years 00 and 99),
    reads as the tests of ``_era_date`` read it: 126,000 texts."""
    from converters.transforms import era
    from spec_catalog.language import current

    days = (0, 1, 2, 27, 28, 29, 30, 31, 32)
    texts = [f"{g}{y:02d}{m:02d}{d:02d}" for g in range(10) for y in range(100) for m in range(14) for d in days]
    months = era._whole_months()
    fast = [t for t in texts if t[:5] in months and "01" <= t[5:] <= months[t[:5]][1]]
    assert len(fast) > 18_000
    era._parse_era_date.cache_clear()
    assert all(parse_era_date(t).value for t in fast)
    assert era._parse_era_date.cache_info().misses == 0  # the short way was taken for every one of them
    era._parse_era_date.cache_clear()
    differ = [t for t in texts if parse_era_date(t) != era._parse_era_date(t, current())]
    era._parse_era_date.cache_clear()
    assert differ == []
