"""Value transforms that the engine applies to the distinct values of a column (codes, 団体コード, postal
codes, 外字): each takes one legacy value and returns a :class:`Converted`. A rejection's detail names the rule,
never the value: it becomes the quarantine's rule text, and a value can be personal data."""

from __future__ import annotations

import re
from collections.abc import Mapping

from converters.transforms.result import Converted, rejected
from converters.transforms.width import to_half_width
from spec_catalog.checkdigits import complete_local_government_code, is_valid_local_government_code
from spec_catalog.codes import Code

PUA = re.compile("[\ue000-\uf8ff]")


def local_government_code(value: str | None) -> Converted:
    """A 5-digit legacy 団体コード gets its check digit; a 6-digit one must carry the right one."""
    if value is None or not value.strip():
        return Converted(None)
    text = to_half_width(value).strip()
    if len(text) == 5 and text.isdigit():
        return Converted(complete_local_government_code(text))
    if len(text) == 6 and text.isdigit():
        if is_valid_local_government_code(text):
            return Converted(text)
        return rejected(Code.LGCODE_INVALID, "the check digit is wrong")
    return rejected(Code.LGCODE_INVALID, "not a 5- or 6-digit 団体コード")


def postal_code(value: str | None) -> Converted:
    """7 digits (hyphen dropped); the old 3- and 5-digit codes, space-padded in legacy files, are kept short."""
    if value is None or not value.strip():
        return Converted(None)
    text = to_half_width(value).strip().replace("-", "").replace("〒", "")
    if text.isdigit() and len(text) in (3, 5, 7):
        return Converted(text)
    return rejected(Code.POSTAL_INVALID, "not a 3-, 5- or 7-digit postal code")


def code(value: str | None, table: Mapping[str, str], keep_unmapped: bool = False) -> Converted:
    """A legacy code through the mapping's code table."""
    if value is None or value == "":
        return Converted(None)
    if value in table:
        return Converted(table[value])
    if keep_unmapped:
        return Converted(value)
    return rejected(Code.CODE_UNMAPPED, "the code is not in the code table")


def gaiji(value: str | None, table: Mapping[str, str]) -> Converted:
    """Every 外字 (Private Use Area character) through the municipality's table; any unmapped one rejects
    the value — never a silent '?'."""
    if value is None or not PUA.search(value):
        return Converted(value)
    missing = sorted({ch for ch in PUA.findall(value) if ch not in table})
    if missing:
        return rejected(Code.GAIJI_UNMAPPED, "unmapped 外字 " + ", ".join(f"U+{ord(ch):04X}" for ch in missing))
    return Converted(PUA.sub(lambda m: table[m.group(0)], value))


def time_of_day(value: str | None) -> Converted:
    """HH:MM[:SS] from 0930, 093000, 9:30 or 09:30:00 (full-width digits too)."""
    if value is None or not value.strip():
        return Converted(None)
    text = to_half_width(value).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?|(\d{2})(\d{2})(\d{2})?", text)
    if not match:
        return rejected(Code.TIME_INVALID, "not HH:MM[:SS]")
    hh, mm, ss = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
    if int(hh) > 23 or int(mm) > 59 or (ss is not None and int(ss) > 59):
        return rejected(Code.TIME_INVALID, "not a time of day (hour over 23, minute or second over 59)")
    return Converted(f"{int(hh):02d}:{mm}" + (f":{ss}" if ss is not None else ""))
