"""和暦 (Japanese-era dates) and 西暦 dates in the forms legacy exports use (domain.md §7), to ISO dates.

A value is read as a whole or not at all: every form below is anchored at both ends, so nothing is ever read
from the front of a longer text (「昭和60年2月14日ごろ」 is no 1985-02-14). What a value may be:

- packed numbers: GYYMMDD (1-digit era code), GGYYMMDD (2-digit, 中間標準レイアウト), YYYYMMDD;
- an era (name 平成, one kanji 平, letter H in any width and case) with 年月日 (the year may be 元, the numbers
  may be kanji: 平成三十一年四月三十日), with one separator used twice (`.` `/` `-` `・` `。` and the dashes:
  H31.04.30, 昭60/2/14, H。31。4。30), or with six digits (S600214);
- 西暦 with `-` `/` `.` …, with 年月日 (an optional 西暦 in front), or 8 digits;
- full-width digits, letters and separators, and spaces anywhere, in all of them.

Never guessed, each with its reason and the value's text (``extra``) so the engine can keep it in the
不詳表記 item or quarantine the value: any uncertainty mark anywhere (:data:`UNCERTAIN_MARKS`: 頃, 前後, 推定,
不詳, ？, ○, a range with 〜 or から …), a range of two dates or of a date and a shorter tail (S60.2.14-3.1,
昭和60年2月14日・15日) and a date without its day or month (昭和60年2月, 3600200) are
``DATE_UNKNOWN``; a day the calendar does not have (平成13年2月29日) is ``ERA_DATE_NOT_CALENDAR``. An era date
before the calendar reform (明治6年1月1日) is a lunar date: ``DATE_BEFORE_CALENDAR_REFORM``, never converted.
Anything else is ``ERA_DATE_INVALID``. A reason's detail names the rule, never the value (a birth date is
personal data): the value goes, masked, where values go. Details are said in the run's language.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from converters.transforms.result import Converted, rejected
from spec_catalog.codes import Code
from spec_catalog.language import Language, current, say

_ERAS_FILE = Path(__file__).resolve().parents[1] / "data" / "eras.yaml"
OPEN_ENDS = {"0000-01-01", "9999-12-31"}  # the standard's 不明 start / 無期限 end

# Any of these anywhere in a value makes the date 不詳 (matched on the value folded by NFKC, in upper case and
# without spaces: ？ and ～ are matched as ? and ~, ｺﾞﾛ as ゴロ, xx as XX). None of them is part of a date form.
UNCERTAIN_MARKS: tuple[str, ...] = (
    # unknown
    "不詳", "未詳", "不明", "未定", "?",
    # approximate
    "頃", "ごろ", "ころ", "ゴロ", "コロ", "前後", "位", "くらい", "ぐらい", "程", "ほど", "約", "およそ", "凡",
    "概", "おおむね", "大体", "だいたい", "推定", "推", "見込", "仮",
    # before, after, ranges
    "以前", "以降", "以後", "以来", "前", "後", "迄", "まで", "から", "より", "~", "〜", "∼", "乃至", "ないし",
    # placeholders and ditto marks
    "○", "〇", "◯", "●", "□", "■", "△", "×", "*", "XX", "〃", "同上",
)  # fmt: skip
# One search for all of them: a date column has tens of thousands of distinct values, each looked at once.
_UNCERTAIN = re.compile("|".join(re.escape(mark) for mark in UNCERTAIN_MARKS))


def unknown_detail() -> str:
    return say("不詳（不明または推定の日付）", "不詳 (an unknown or estimated date)")


def partial_detail() -> str:
    return say("不詳（日または月のない日付）", "不詳 (a date without its day or month)")


def reform_detail() -> str:
    return say(
        "明治6年1月1日（1873-01-01）より前の旧暦の日付", "a lunar-calendar date before 明治6年1月1日 (1873-01-01)"
    )


def not_calendar_detail() -> str:
    return say("暦にない日付", "not a calendar day")


def _out_of_range() -> Converted:
    return rejected(Code.ERA_DATE_INVALID, say("月または日が範囲外です", "the month or the day is out of range"))


def _no_known_form() -> Converted:
    return rejected(Code.ERA_DATE_INVALID, say("どの日付の形式にも当てはまりません", "not a date in any known form"))


def _unknown_era() -> Converted:
    return rejected(Code.ERA_DATE_INVALID, say("元号が不明です", "the era is unknown"))


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    code: str
    start: dt.date
    last: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.last is None or day <= self.last)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Whether any day from ``first`` to ``last`` belongs to the era."""
        return first <= (self.last or dt.date.max) and last >= self.start


@cache
def _table(path: Path = _ERAS_FILE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@cache
def eras(path: Path = _ERAS_FILE) -> tuple[Era, ...]:
    return tuple(
        Era(name=e["name"], letter=e["letter"], code=str(e["code"]), start=e["start"], last=e["last"])
        for e in _table(path)["eras"]
    )


@cache
def gregorian_from(path: Path = _ERAS_FILE) -> dt.date:
    """The first day of the Gregorian calendar in Japan (明治6年1月1日): era dates before it are lunar."""
    day: dt.date = _table(path)["gregorian_from"]
    return day


@cache
def _by(key: str) -> dict[str, Era]:
    table: dict[str, Era] = {}
    for era in eras():
        table[getattr(era, key)] = era
    return table


@cache
def _prefixes() -> dict[str, Era]:
    """How an era may be written: its name, its letter, and its first kanji when no other era shares it."""
    firsts = [e.name[0] for e in eras()]
    table = {e.name: e for e in eras()} | {e.letter.upper(): e for e in eras()}
    table |= {e.name[0]: e for e in eras() if firsts.count(e.name[0]) == 1}
    return table


# Separators between year, month and day (after NFKC: full-width ones are already ASCII, and ｡ is 。). The long
# vowel mark ー and the dashes stand in for a hyphen in typed data, the ideographic full stop 。 for a dot
# (H。31。4。30); 〜 and ~ are range marks, never separators.
_SEP = "[./\\-・ー―−‐–—。]"
_KANJI_NUMBER = "[一二三四五六七八九十壱弐参拾]{1,3}"
_TOKEN = f"(?:[0-9]{{1,2}}|元|{_KANJI_NUMBER})"  # an era year, a month or a day in a 年月日 form
_KANJI_DIGITS = {
    c: n for n, chars in enumerate(("", "一壱", "二弐", "三参", "四", "五", "六", "七", "八", "九")) for c in chars
}


@dataclass(frozen=True)
class _Forms:
    era_kanji: re.Pattern[str]  # 平成31年4月30日, H31年4月30日, 平成三十一年四月三十日
    era_separated: re.Pattern[str]  # H31.04.30, 昭60/2/14, 令和元-5-1, H.31.4.30
    era_compact: re.Pattern[str]  # S600214, 平310430
    era_partial: re.Pattern[str]  # 昭和60年, 昭和60年2月


@cache
def _forms() -> _Forms:
    era = "|".join(re.escape(p) for p in sorted(_prefixes(), key=len, reverse=True))
    return _Forms(
        era_kanji=re.compile(f"({era})({_TOKEN})年({_TOKEN})月({_TOKEN})日"),
        era_separated=re.compile(f"({era}){_SEP}?([0-9]{{1,2}}|元)({_SEP})([0-9]{{1,2}})\\3([0-9]{{1,2}})"),
        era_compact=re.compile(f"({era})([0-9]{{2}})([0-9]{{2}})([0-9]{{2}})"),
        era_partial=re.compile(f"({era})({_TOKEN})年(?:({_TOKEN})月)?"),
    )


_WESTERN_SEPARATED = re.compile(f"(?:西暦)?([0-9]{{4}})({_SEP})([0-9]{{1,2}})\\2([0-9]{{1,2}})")
_WESTERN_KANJI = re.compile("(?:西暦)?([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_WESTERN_PARTIAL = re.compile("(?:西暦)?([0-9]{4})年(?:([0-9]{1,2})月)?")
_WESTERN_DIGITS = re.compile("西暦([0-9]{8})")
_PACKED = re.compile("[0-9]{7,8}")
_RANGE_SEPARATORS = "-/・"
# What the second end of a range may keep of a date when it repeats only the part that changes: M.D (any
# separator above), M月D日, D日, D.
_DAY_OR_MONTH = f"(?:[0-9]{{1,2}}|{_KANJI_NUMBER})"
_RANGE_TAIL = re.compile(f"[0-9]{{1,2}}(?:{_SEP}[0-9]{{1,2}})?|(?:{_DAY_OR_MONTH}月)?{_DAY_OR_MONTH}日")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    # Full-width digits, letters and separators to ASCII, ㍻ to 平成; spaces anywhere go (「昭和60年 2月14日」).
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


def _number(token: str | None) -> int:
    """An era year, month or day: digits, 元 (year 1) or kanji numerals (十四, 三十一, 弐拾); -1 if none."""
    if token is None:
        return 0
    if token.isdigit():
        return int(token)
    if token == "元":
        return 1
    if "十" in token or "拾" in token:
        tens, _, units = token.replace("拾", "十").partition("十")
        if len(tens) > 1 or len(units) > 1 or not all(c in _KANJI_DIGITS for c in tens + units):
            return -1
        return (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[units] if units else 0)
    if len(token) == 1 and token in _KANJI_DIGITS:
        return _KANJI_DIGITS[token]
    return -1  # positional kanji (一九) is no era year, month or day


def _unknown(text: str, detail: str | None = None) -> Converted:
    return Converted(None, Code.DATE_UNKNOWN, detail if detail is not None else unknown_detail(), extra=text)


def _western(year: int, month: int, day: int, text: str) -> Converted:
    if (year, month, day) == (0, 1, 1):
        return Converted("0000-01-01")
    if year < 1:
        return rejected(Code.ERA_DATE_INVALID, say("年が0です", "the year is 0"))
    if day == 0 and 0 <= month <= 12:  # 00 for the day (and the month): a date without them
        return _unknown(text, partial_detail())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return _out_of_range()
    try:
        return Converted(dt.date(year, month, day).isoformat())
    except ValueError:
        return Converted(None, Code.ERA_DATE_NOT_CALENDAR, not_calendar_detail(), extra=text)


def _outside(era: Era) -> Converted:
    if era.last:
        end_ja = end_en = era.last.isoformat()
    else:
        end_ja, end_en = "現在", "today"
    return rejected(
        Code.ERA_DATE_INVALID,
        say(
            f"{era.name}の期間（{era.start} – {end_ja}）の外の日付です",
            f"the date is outside {era.name} ({era.start} – {end_en})",
        ),
    )


def _era_partial(era: Era, year: int, month: int, text: str) -> Converted:
    """昭和60年 or 昭和60年2月 (or a day of 00): 不詳, if the era had that year and month."""
    western = era.start.year + year - 1
    if not 0 <= month <= 12 or western > dt.date.max.year:
        return _out_of_range()
    if month == 0:
        first, last = dt.date(western, 1, 1), dt.date(western, 12, 31)
    else:
        first = dt.date(western, month, 1)
        last = first.replace(day=calendar.monthrange(western, month)[1])
    return _unknown(text, partial_detail()) if era.overlaps(first, last) else _outside(era)


def _era_date(era: Era | None, year: int, month: int, day: int, text: str) -> Converted:
    if era is None:
        return _unknown_era()
    if min(year, month, day) < 0:  # kanji numerals that are no number (十十)
        return _no_known_form()
    if year < 1:
        return rejected(
            Code.ERA_DATE_INVALID, say(f"{era.name}元年より前の年です", f"the year is before {era.name} 元年")
        )
    if day == 0 and 0 <= month <= 12:  # 00 for the day (and the month): a date without them
        return _era_partial(era, year, month, text)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return _out_of_range()
    western = era.start.year + year - 1
    reform = gregorian_from()
    # The era's numbering counts lunar years until the reform: 明治5年12月2日 is no Gregorian 1872-12-02.
    if (western, month, day) < (reform.year, reform.month, reform.day):
        return rejected(Code.DATE_BEFORE_CALENDAR_REFORM, reform_detail())
    if western > dt.date.max.year:
        return _outside(era)
    first = dt.date(western, month, 1)
    if not era.overlaps(first, first.replace(day=calendar.monthrange(western, month)[1])):
        return _outside(era)  # 令和元年2月29日: the month is not in the era at all
    converted = _western(western, month, day, text)
    if converted.value is not None and not era.contains(dt.date.fromisoformat(converted.value)):
        return _outside(era)
    return converted


def _packed(s: str, text: str) -> Converted:
    if len(s) == 8 and s[:2] in _two_digit_codes():
        return _era_date(_by("code").get(s[1]), int(s[2:4]), int(s[4:6]), int(s[6:8]), text)
    if len(s) == 8:
        return _western(int(s[:4]), int(s[4:6]), int(s[6:8]), text)
    return _era_date(_by("code").get(s[0]), int(s[1:3]), int(s[3:5]), int(s[5:7]), text)


def _read(s: str, text: str, *, ranges: bool = True) -> Converted:
    """The folded value ``s`` in one of the forms, read as a whole; ``text`` is the value as given. ``ranges``:
    whether ``s`` may be a range of two (the ends of a range are read without it, so a long value is read once
    per separator, not once per way of cutting it)."""
    forms = _forms()
    prefix = _prefixes().get
    if _PACKED.fullmatch(s):
        return _packed(s, text)
    if m := _WESTERN_DIGITS.fullmatch(s):
        return _western(int(m[1][:4]), int(m[1][4:6]), int(m[1][6:]), text)
    if m := _WESTERN_SEPARATED.fullmatch(s):
        return _western(int(m[1]), int(m[3]), int(m[4]), text)
    if m := _WESTERN_KANJI.fullmatch(s):
        return _western(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _WESTERN_PARTIAL.fullmatch(s):
        return _western(int(m[1]), int(m[2] or 0), 0, text)
    if m := forms.era_kanji.fullmatch(s):
        return _era_date(prefix(m[1]), _number(m[2]), _number(m[3]), _number(m[4]), text)
    if m := forms.era_separated.fullmatch(s):
        return _era_date(prefix(m[1]), _number(m[2]), int(m[4]), int(m[5]), text)
    if m := forms.era_compact.fullmatch(s):
        return _era_date(prefix(m[1]), int(m[2]), int(m[3]), int(m[4]), text)
    if m := forms.era_partial.fullmatch(s):
        return _era_date(prefix(m[1]), _number(m[2]), _number(m[3]), 0, text)
    if ranges and _is_range(s):
        return _unknown(text)
    if re.fullmatch("[A-Z][0-9]{1,2}([./-])[0-9]{1,2}\\1[0-9]{1,2}|[A-Z][0-9]{6}", s):
        return _unknown_era()
    return _no_known_form()


def _is_range(s: str) -> bool:
    """A date, then a dash, a slash or ・, then a second date or a shorter tail of one (S60.2.14-S60.3.1,
    S60.2.14-3.1, 昭和60年2月14日・15日): a range, so an uncertain date, never one of its ends. ～ and から are
    uncertainty marks already."""
    for at, char in enumerate(s):
        if char not in _RANGE_SEPARATORS:
            continue
        first, second = s[:at], s[at + 1 :]
        if not (first and second) or _read(first, first, ranges=False).value is None:
            continue
        if _RANGE_TAIL.fullmatch(second) or _read(second, second, ranges=False).value is not None:
            return True
    return False


def parse_era_date(text: str | None) -> Converted:
    """An ISO date (``value``), an empty value, or a reason; 不詳 and non-calendar texts keep ``extra``."""
    if text is not None and len(text) == 7 and text.isascii() and text.isdigit():
        month = _whole_months().get(text[:5])  # the packed form GYYMMDD, by far the most common
        if month is not None and "01" <= text[5:] <= month[1]:
            return Converted(f"{month[0]}-{text[3:5]}-{text[5:]}")
    return _parse_era_date(text, current())


@cache
def _whole_months() -> dict[str, tuple[str, str]]:
    """GYYMM of every month that lies wholly in its era (G its code) and after the calendar reform: (its year, its
    last day), as text. A day of such a month needs none of :func:`_era_date`'s tests: a date column has tens of
    thousands of distinct values, and reading them was the longest step that Python does alone (0.39 s for
    38,353 birth dates, a third of that now)."""
    months = {}
    for era in eras():
        for year in range(1, 100):
            western = era.start.year + year - 1
            if western > dt.date.max.year:
                break
            for month in range(1, 13):
                first = dt.date(western, month, 1)
                last = first.replace(day=calendar.monthrange(western, month)[1])
                if first >= gregorian_from() and era.contains(first) and era.contains(last):
                    months[f"{era.code}{year:02d}{month:02d}"] = (f"{western:04d}", f"{last.day:02d}")
    return months


@lru_cache(maxsize=1 << 18)
def _parse_era_date(text: str | None, language: Language) -> Converted:
    """:func:`parse_era_date` in ``language``: the language is part of the cache's key, as the details are said in
    it (a run in English after one in Japanese, in one process, gets its own)."""
    del language  # only a part of the key: say() reads the same language
    if text is None or not text.strip():
        return Converted(None)
    original = text.strip()
    # Plain ASCII digits (the packed forms, by far the most common) are already in normal form.
    s = original if original.isascii() and original.isdigit() else _fold(original)
    if _UNCERTAIN.search(s) or _UNCERTAIN.search(original):
        return _unknown(original)
    if s in OPEN_ENDS:
        return Converted(s)
    if "0" in s and set(s) <= set("0./-"):
        return Converted(None)  # 0000000, 00000000, 0000-00-00: the legacy way of saying "no date"
    return _read(s, original)


@cache
def _two_digit_codes() -> frozenset[str]:
    return frozenset(e.code.zfill(2) for e in eras())


def era_of(day: dt.date) -> Era:
    """The era a day is counted in (on a day two eras share, the later one)."""
    return next(e for e in reversed(eras()) if e.contains(day))


_KANJI_UNITS = "〇一二三四五六七八九"


def _kanji_numeral(n: int) -> str:
    tens, units = divmod(n, 10)
    return ("" if tens == 0 else "十" if tens == 1 else _KANJI_UNITS[tens] + "十") + (
        _KANJI_UNITS[units] if units else ""
    )


def format_era(day: dt.date, form: str, era: Era | None = None) -> str:
    """``day`` written in a legacy form (for the sample generator and the round-trip tests).

    Forms: ``packed`` GYYMMDD, ``packed2`` GGYYMMDD, ``letter`` R050401, ``dotted`` H31.04.30, ``kanji``
    平成31年4月30日 (元年 for year 1), ``kanji_fullwidth`` the same in full-width digits, ``kanji_dotted``
    平成31.04.30, ``abbreviated`` 平31/4/30, ``kanji_numerals`` 平成三十一年四月三十日. A day before the calendar
    reform has no era form (its era date is a lunar date).
    """
    if day < gregorian_from():
        raise ValueError(
            say(
                f"{day} は改暦より前の日です（元号の日付は旧暦の日付になります）",
                f"{day} is before the calendar reform: its era date is a lunar date",
            )
        )
    era = era or era_of(day)
    year = day.year - era.start.year + 1
    if form == "packed":
        return f"{era.code}{year:02d}{day.month:02d}{day.day:02d}"
    if form == "packed2":
        return f"{era.code.zfill(2)}{year:02d}{day.month:02d}{day.day:02d}"
    if form == "letter":
        return f"{era.letter}{year:02d}{day.month:02d}{day.day:02d}"
    if form == "dotted":
        return f"{era.letter}{year:02d}.{day.month:02d}.{day.day:02d}"
    if form == "kanji_dotted":
        return f"{era.name}{year:02d}.{day.month:02d}.{day.day:02d}"
    if form == "abbreviated":
        return f"{era.name[0]}{year}/{day.month}/{day.day}"
    if form == "kanji_numerals":
        numerals = "元" if year == 1 else _kanji_numeral(year)
        return f"{era.name}{numerals}年{_kanji_numeral(day.month)}月{_kanji_numeral(day.day)}日"
    if form in ("kanji", "kanji_fullwidth"):
        text = f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
        if form == "kanji_fullwidth":
            text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return text
    raise ValueError(say(f"書式 {form!r} はありません", f"unknown form {form!r}"))
