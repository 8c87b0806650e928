"""Value transforms that the engine applies to the distinct values of a column (codes, 団体コード, postal
codes, 外字): each takes one legacy value and returns a :class:`Converted`. A rejection's detail names the rule,
never the value: it becomes the quarantine's rule text, and a value can be personal data. The detail is said in
the run's language, when the value is looked at."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from converters.transforms.result import Converted, rejected
from converters.transforms.width import to_full_width, to_half_width
from spec_catalog.checkdigits import complete_local_government_code, is_valid_local_government_code
from spec_catalog.codes import Code
from spec_catalog.language import say
from spec_catalog.localgov import history_of

PUA = re.compile("[\ue000-\uf8ff]")
# What legacy files write between the parts of a postal code: the hyphen and every dash-like character
# (‐ ‑ – — ― − －, and the katakana prolonged sound mark ー / ｰ typed for a dash).
_POSTAL_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70〒"))
_FIVE, _SIX = re.compile("[0-9]{5}"), re.compile("[0-9]{6}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_OPEN_ENDS = ("0000-01-01", "9999-12-31")  # the standard's open ends of a period: no day to check


def _day(text: str | None) -> dt.date | None:
    """The day of an ISO date (a DATE item's converted value); None for anything else, open ends included."""
    if text is None or text in _OPEN_ENDS or not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def local_government_code(
    value: str | None, *, successor: bool = False, prefectures: bool = True, on: str | None = None
) -> Converted:
    """A 全国地方公共団体コード checked against the national table and its history since 1970.

    A 5-digit legacy code gets its check digit; a 6-digit one must carry the right one (``LGCODE_INVALID``).
    A code no table knows never existed (``LGCODE_UNKNOWN``). An abolished code is valid (it existed);
    ``successor`` maps it to the code in force today, and refuses one split into several
    (``LGCODE_NOT_IN_FORCE``: which part the record meant is not in the code). ``on`` is the record's date
    (ISO): the code must have been in force that day (``LGCODE_NOT_IN_FORCE``); no date, no verdict. A
    prefecture's code (130001 東京都) is valid unless ``prefectures`` is False.
    """
    if value is None or not value.strip():
        return Converted(None)
    text = to_half_width(value).strip()
    if _FIVE.fullmatch(text):
        text = complete_local_government_code(text)
    elif not _SIX.fullmatch(text):
        return rejected(
            Code.LGCODE_INVALID, say("5桁または6桁の団体コードではありません", "not a 5- or 6-digit 団体コード")
        )
    elif not is_valid_local_government_code(text):
        return rejected(Code.LGCODE_INVALID, say("検査数字が誤っています", "the check digit is wrong"))
    record = history_of(text)
    if record is None:
        return rejected(
            Code.LGCODE_UNKNOWN,
            say(
                "全国地方公共団体コードにも、1970年以降のその変遷にもありません",
                "in neither the national code table nor its history since 1970",
            ),
        )
    if record.is_prefecture and not prefectures:
        return rejected(
            Code.LGCODE_INVALID,
            say(
                "都道府県のコードです（この項目は市区町村のコードだけを取ります）",
                "a prefecture's code, where the item takes municipalities only",
            ),
        )
    day = _day(on)
    if day is not None and not record.in_force_on(day):
        return rejected(
            Code.LGCODE_NOT_IN_FORCE,
            say("レコードの日付に有効なコードではありません", "not in force on the record's date"),
        )
    if successor and not record.in_force:
        if len(record.current_successors) != 1:
            return rejected(
                Code.LGCODE_NOT_IN_FORCE,
                say(
                    "廃止され、複数のコードに分かれています（承継先が一つに決まりません）",
                    "abolished and split into several codes: no one successor",
                ),
            )
        return Converted(record.current_successors[0])
    return Converted(text)


def postal_code(value: str | None) -> Converted:
    """7 digits (hyphen, dash or ー dropped, and 〒); the old 3- and 5-digit codes, space-padded in legacy
    files, are kept short. Full-width digits are read."""
    if value is None or not value.strip():
        return Converted(None)
    text = to_half_width(value).translate(_POSTAL_DASHES).strip()
    if text.isascii() and text.isdigit() and len(text) in (3, 5, 7):
        return Converted(text)
    return rejected(
        Code.POSTAL_INVALID, say("3桁・5桁・7桁の郵便番号ではありません", "not a 3-, 5- or 7-digit postal code")
    )


def code_key(text: str) -> str:
    """The form in which a legacy code is looked up: ASCII and digits half-width, katakana full-width (ｶﾞ →
    ガ), no spaces around. Code tables are keyed by it, so ``１`` finds the code ``1`` and ``ｵﾄｺ`` finds
    ``オトコ``."""
    return to_half_width(to_full_width(text)).strip(" ")


def code(value: str | None, table: Mapping[str, str], keep_unmapped: bool = False) -> Converted:
    """A legacy code through the mapping's code table: as written, else in its :func:`code_key` form (the
    tables of a mapping are keyed so)."""
    if value is None or value == "":
        return Converted(None)
    if value in table:
        return Converted(table[value])
    key = code_key(value)
    if key in table:
        return Converted(table[key])
    if keep_unmapped:
        return Converted(value)
    return rejected(Code.CODE_UNMAPPED, say("コード表にないコードです", "the code is not in the code table"))


def gaiji(value: str | None, table: Mapping[str, str]) -> Converted:
    """Every 外字 (Private Use Area character) through the municipality's table; any unmapped one rejects
    the value — never a silent '?'."""
    if value is None or not PUA.search(value):
        return Converted(value)
    missing = sorted({ch for ch in PUA.findall(value) if ch not in table})
    if missing:
        listed = ", ".join(f"U+{ord(ch):04X}" for ch in missing)
        return rejected(Code.GAIJI_UNMAPPED, say(f"外字表にない外字 {listed}", f"unmapped 外字 {listed}"))
    return Converted(PUA.sub(lambda m: table[m.group(0)], value))


def time_of_day(value: str | None) -> Converted:
    """HH:MM[:SS] from 0930, 093000, 9:30 or 09:30:00 (full-width digits too)."""
    if value is None or not value.strip():
        return Converted(None)
    text = to_half_width(value).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?|(\d{2})(\d{2})(\d{2})?", text)
    if not match:
        return rejected(Code.TIME_INVALID, say("HH:MM[:SS] の形ではありません", "not HH:MM[:SS]"))
    hh, mm, ss = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
    if int(hh) > 23 or int(mm) > 59 or (ss is not None and int(ss) > 59):
        return rejected(
            Code.TIME_INVALID,
            say(
                "時刻ではありません（時が23を、分か秒が59を超えています）",
                "not a time of day (hour over 23, minute or second over 59)",
            ),
        )
    return Converted(f"{int(hh):02d}:{mm}" + (f":{ss}" if ss is not None else ""))
