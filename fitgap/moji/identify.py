"""Identification: the vendor's 外字 list (a private-use character and a code) resolved to MJ characters.

A code the MJ data knows (``J+FA11``, a 6-digit 戸籍統一文字番号, ``U+FA11``, ``U+845B U+E0100``, ``MJ030196``)
resolves automatically; a row whose code does not resolve gets ranked candidates from what the list says of it
(a reading, a stroke count).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import check_input_file
from spec_catalog.language import say
from spec_catalog.mj import MjChar, candidates, lookup, resolve

CANDIDATES = 5  # candidates shown per character
_PUA_FIRST, _PUA_LAST = 0xE000, 0xF8FF
_PUA_HEADERS = ("外字", "pua", "文字", "コードポイント")
_CODE_HEADERS = ("コード", "code", "文字コード", "同定コード")
_READING_HEADERS = ("読み", "reading", "よみ")
_STROKE_HEADERS = ("画数", "strokes", "総画数")


class VendorEntry(FrozenModel):
    """One line of a vendor's 外字 list."""

    line: int
    pua: str
    code: str
    reading: str | None = None
    strokes: int | None = None


class MjInfo(FrozenModel):
    """An MJ character as a decision sheet shows it."""

    mj_id: str
    text: str | None  # the character (its UCS, else its IVS sequence); None: MJ has a code only
    code_points: str | None
    reading: str | None
    strokes: int | None
    koseki: str | None = None
    juki: str | None = None


class CandidateInfo(FrozenModel):
    """A ranked candidate: the MJ character and why it is proposed."""

    mj: MjInfo
    why: str
    score: int


class Identification(FrozenModel):
    """What is known of one character: the MJ character it resolves to (automatically), else candidates."""

    char: str
    code: str | None = None  # the vendor's code that was resolved (or tried)
    resolved: MjInfo | None = None
    how: str | None = None  # where the resolution came from: 外字一覧, MJ文字 (the character itself), 外字表
    candidates: tuple[CandidateInfo, ...] = ()


def _char_of(value: str) -> str | None:
    """A character written as ``U+E001``; None when it is not one code point written so."""
    try:
        return chr(int(value[2:], 16))
    except (ValueError, OverflowError):
        return None


def mj_info(mj: MjChar) -> MjInfo:
    """What a sheet shows of an MJ character (its first three readings)."""
    return MjInfo(
        mj_id=mj.mj_id,
        text=mj.text,
        code_points=mj.code_points,
        reading="・".join(mj.readings[:3]) or None,
        strokes=mj.strokes,
        koseki=mj.koseki,
        juki=mj.juki,
    )


def ranked(query: str, *, reading: str | None = None, strokes: int | None = None) -> tuple[CandidateInfo, ...]:
    """Up to :data:`CANDIDATES` ranked candidates for a character (or a reading)."""
    found = candidates(query, CANDIDATES, reading=reading, strokes=strokes)
    return tuple(CandidateInfo(mj=mj_info(c.mj), why=c.why, score=c.score) for c in found[:CANDIDATES])


def pua_char(text: str) -> str | None:
    """The private-use character written as itself or as ``U+E001``; None when it is neither."""
    value = text.strip()
    char = _char_of(value) if value[:2].upper() == "U+" else value
    if char is None or len(char) != 1 or not _PUA_FIRST <= ord(char) <= _PUA_LAST:
        return None
    return char


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n.lower()) for n in names if n.lower() in lowered), None)


def read_vendor_list(path: Path) -> tuple[VendorEntry, ...]:
    """A vendor's 外字 list: a CSV (UTF-8 or CP932) with a header line; columns 外字 (U+E001 or the character)
    and コード (J+XXXX, 戸籍統一文字番号, U+XXXX [U+E01xx], MJ番号), optionally 読み and 画数."""
    check_input_file(path, say("外字一覧", "外字 list"))
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FitgapError(
            say("外字一覧が UTF-8 でも CP932 でもありません", "the 外字 list is neither UTF-8 nor CP932 text"),
            where=path,
            hint=say("UTF-8 の CSV で保存し直してください", "save it as UTF-8 CSV"),
        )
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise FitgapError(
            say("外字一覧が空です", "the 外字 list is empty"),
            where=path,
            hint=say("見出し行に続けて、外字ごとに一行を書いてください", "a header line, then one line per 外字"),
        )
    header = rows[0]
    pua_at = _column(header, _PUA_HEADERS)
    code_at = _column(header, _CODE_HEADERS)
    if pua_at is None or code_at is None:
        raise FitgapError(
            say(
                "外字一覧の見出し行に 外字 と コード の列がありません",
                "the 外字 list has no 外字 and コード columns in its header line",
            ),
            where=path,
            hint=say(
                "見出し行を 外字,コード[,読み,画数] のように書いてください",
                "write a header line: 外字,コード[,読み,画数]",
            ),
        )
    reading_at = _column(header, _READING_HEADERS)
    strokes_at = _column(header, _STROKE_HEADERS)
    entries: list[VendorEntry] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = row[pua_at] if pua_at < len(row) else ""
        char = pua_char(cell)
        if char is None:
            raise FitgapError(
                say(
                    f"{number} 行目: 外字の列に私用領域の文字がありません",
                    f"line {number}: the 外字 column holds no Private Use Area character",
                ),
                where=path,
                hint=say(
                    "コードポイントを U+E001（U+E000〜U+F8FF）のように書くか、文字そのものを書いてください",
                    "write the code point as U+E001 (U+E000–U+F8FF) or the character itself",
                ),
            )
        if char in seen:
            raise FitgapError(
                say(
                    f"U+{ord(char):04X} が二度あります（{seen[char]} 行目と {number} 行目）",
                    f"U+{ord(char):04X} is listed twice (lines {seen[char]} and {number})",
                ),
                where=path,
                hint=say("外字ごとに一行にしてください", "keep one line per 外字"),
            )
        seen[char] = number
        strokes = row[strokes_at].strip() if strokes_at is not None and strokes_at < len(row) else ""
        reading = row[reading_at].strip() if reading_at is not None and reading_at < len(row) else ""
        entries.append(
            VendorEntry(
                line=number,
                pua=char,
                code=(row[code_at] if code_at < len(row) else "").strip(),
                reading=reading or None,
                strokes=int(strokes) if strokes.isdigit() else None,
            )
        )
    return tuple(entries)


def identify_vendor_list(entries: tuple[VendorEntry, ...]) -> dict[str, Identification]:
    """Each listed 外字 resolved to MJ by its code; the ones that do not resolve, with ranked candidates."""
    found: dict[str, Identification] = {}
    for entry in entries:
        try:
            mj = resolve(entry.code) if entry.code else None
        except FitgapError as exc:
            raise FitgapError(
                say(f"外字一覧 {entry.line} 行目: {exc.message}", f"外字 list line {entry.line}: {exc.message}"),
                hint=exc.hint,
            ) from None
        if mj is not None:
            found[entry.pua] = Identification(
                char=entry.pua, code=entry.code, resolved=mj_info(mj), how=f"外字一覧 {entry.code}"
            )
            continue
        query = entry.reading or ""
        options = ranked(query, reading=entry.reading, strokes=entry.strokes) if query or entry.strokes else ()
        found[entry.pua] = Identification(char=entry.pua, code=entry.code or None, candidates=options)
    return found


def _exact(mj: MjChar, text: str) -> bool:
    """Whether ``text`` is written exactly as MJ writes the character (not a bare base of an IVS-only glyph)."""
    return text in (mj.ucs, mj.ivs, mj.svs)


def identify(char: str, gaiji: Mapping[str, str] | None = None) -> Identification:
    """A character of the data without a vendor list: the MJ character it is (its own MJ entry, or what the
    given 外字 table maps it to), else ranked candidates."""
    mapped = (gaiji or {}).get(char)
    if mapped is not None:
        mj = lookup(mapped)
        if mj is not None and _exact(mj, mapped):
            return Identification(char=char, code=mapped, resolved=mj_info(mj), how="外字表")
        return Identification(char=char, code=mapped)
    if pua_char(char) is not None:
        return Identification(char=char)
    mj = lookup(char)
    # Only an exact MJ glyph is identified: a bare character MJ writes with selectors only has several glyphs to
    # choose from. Candidates (same base, 縮退 neighbours, the same reading …) still help a correction.
    exact = mj if mj is not None and _exact(mj, char) else None
    return Identification(
        char=char, resolved=mj_info(exact) if exact else None, how="MJ文字" if exact else None, candidates=ranked(char)
    )
