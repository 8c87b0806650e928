"""和暦 (Japanese-era dates) in the forms legacy exports use (domain.md §7), to ISO dates.

Forms read: packed numeric GYYMMDD (1-digit era code) and GGYYMMDD (2-digit, 中間標準レイアウト); a letter
(M/T/S/H/R) with YYMMDD or YY.MM.DD; the era name in kanji (平成31年4月30日, 令和元年5月1日); 西暦 (1985-04-01,
1985/4/1, 19850401, 1985年4月1日); full-width digits in all of them. 不詳 texts (令和○年頃, 年月日不詳, 推定…) and
non-calendar days (2月30日) are never guessed: they come back with a reason and the original text, so the engine
can keep the text in the 不詳表記 item or quarantine the value. A reason's detail names the rule, never the
value (a birth date is personal data): the value goes, masked, where values go.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from converters.transforms.result import Converted, rejected
from spec_catalog.codes import Code

_ERAS_FILE = Path(__file__).resolve().parents[1] / "data" / "eras.yaml"
OPEN_ENDS = {"0000-01-01", "9999-12-31"}  # the standard's 不明 start / 無期限 end
_UNKNOWN_MARKS = ("不詳", "不明", "頃", "ころ", "推定", "○", "〇", "◯", "？", "?", "＊", "*", "××", "XX")


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    code: str
    start: dt.date
    last: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.last is None or day <= self.last)


@cache
def eras(path: Path = _ERAS_FILE) -> tuple[Era, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        Era(name=e["name"], letter=e["letter"], code=str(e["code"]), start=e["start"], last=e["last"])
        for e in data["eras"]
    )


@cache
def _by(key: str) -> dict[str, Era]:
    table: dict[str, Era] = {}
    for era in eras():
        table[getattr(era, key)] = era
    return table


def _normalize(text: str) -> str:
    # Full-width digits and letters to ASCII, spaces out; 元年 is year 1.
    folded = unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()
    return folded.replace("元年", "1年")


def _western(year: int, month: int, day: int, text: str) -> Converted:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return rejected(Code.ERA_DATE_INVALID, "the month or the day is out of range")
    try:
        return Converted(dt.date(year, month, day).isoformat())
    except ValueError:
        return Converted(None, Code.ERA_DATE_NOT_CALENDAR, "not a calendar day", extra=text)


def _era_date(era: Era | None, year: int, month: int, day: int, text: str) -> Converted:
    if era is None:
        return rejected(Code.ERA_DATE_INVALID, "the era is unknown")
    if year < 1:
        return rejected(Code.ERA_DATE_INVALID, f"the year is before {era.name} 元年")
    converted = _western(era.start.year + year - 1, month, day, text)
    if converted.value is None:
        return converted
    day_ = dt.date.fromisoformat(converted.value)
    if not era.contains(day_):
        end = era.last.isoformat() if era.last else "today"
        return rejected(Code.ERA_DATE_INVALID, f"the date is outside {era.name} ({era.start} – {end})")
    return converted


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_KANJI_WESTERN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")
_LETTER = re.compile(r"^([A-Z])\.?(\d{1,2})[-/.](\d{1,2})[-/.](\d{1,2})$|^([A-Z])(\d{2})(\d{2})(\d{2})$")
_KANJI = re.compile(r"^(\D{1,2}?)(\d{1,2})年(\d{1,2})月(\d{1,2})日")
_PACKED = re.compile(r"^\d{7,8}$")


@lru_cache(maxsize=1 << 18)
def parse_era_date(text: str | None) -> Converted:
    """An ISO date (``value``), an empty value, or a reason; 不詳 and non-calendar texts keep ``extra``."""
    if text is None or not text.strip():
        return Converted(None)
    original = text.strip()
    # Plain ASCII digits (the packed forms, by far the most common) are already in normal form.
    s = original if original.isascii() and original.isdigit() else _normalize(original)
    if s in OPEN_ENDS:
        return Converted(s)
    if set(s) <= {"0"}:
        return Converted(None)  # 0000000 / 00000000: the legacy way of saying "no date"
    if any(mark in s for mark in _UNKNOWN_MARKS):
        return Converted(None, Code.DATE_UNKNOWN, "不詳 (an unknown or estimated date)", extra=original)
    if m := _ISO.match(s):
        return _western(int(m[1]), int(m[2]), int(m[3]), original)
    if m := _KANJI_WESTERN.match(s):
        return _western(int(m[1]), int(m[2]), int(m[3]), original)
    if m := _LETTER.match(s):
        letter, yy, mm, dd = (m[1], m[2], m[3], m[4]) if m[1] else (m[5], m[6], m[7], m[8])
        return _era_date(_by("letter").get(letter), int(yy), int(mm), int(dd), original)
    if m := _KANJI.match(s):
        name = m[1]
        era = _by("name").get(name) or next((e for e in eras() if e.name[0] == name), None)
        return _era_date(era, int(m[2]), int(m[3]), int(m[4]), original)
    if _PACKED.match(s):
        if len(s) == 8 and s[:2] in _two_digit_codes():
            return _era_date(_by("code").get(s[1]), int(s[2:4]), int(s[4:6]), int(s[6:8]), original)
        if len(s) == 8:
            return _western(int(s[:4]), int(s[4:6]), int(s[6:8]), original)
        return _era_date(_by("code").get(s[0]), int(s[1:3]), int(s[3:5]), int(s[5:7]), original)
    return rejected(Code.ERA_DATE_INVALID, "not a date in any known form")


@cache
def _two_digit_codes() -> frozenset[str]:
    return frozenset(e.code.zfill(2) for e in eras())


def era_of(day: dt.date) -> Era:
    """The era a day is counted in (on a day two eras share, the later one)."""
    return next(e for e in reversed(eras()) if e.contains(day))


def format_era(day: dt.date, form: str, era: Era | None = None) -> str:
    """``day`` written in a legacy form (for the sample generator and the round-trip tests).

    Forms: ``packed`` GYYMMDD, ``packed2`` GGYYMMDD, ``letter`` R050401, ``dotted`` H31.04.30, ``kanji``
    平成31年4月30日 (元年 for year 1), ``kanji_fullwidth`` the same in full-width digits.
    """
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
    if form in ("kanji", "kanji_fullwidth"):
        text = f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
        if form == "kanji_fullwidth":
            text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return text
    raise ValueError(f"unknown form {form!r}")
