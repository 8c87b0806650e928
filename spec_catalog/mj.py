"""文字同定: characters identified against the MJ character set (MJ文字情報一覧表 Ver.006.02) and degraded to JIS X
0213 by the MJ縮退マップ Ver.1.2.0, both shipped in ``data/mj/`` (built by ``data/build_mj.py``; CC BY-SA 2.1 JP,
see ``data/mj/LICENSE.md``: every output that uses them carries :data:`ATTRIBUTION`).

- :func:`characters` splits text into user characters (a base and the variation selector after it are one);
- :func:`classify` puts a character in a :class:`CharClass` (ASCII/JIS X 0201, JIS X 0208, JIS X 0213, MJ with
  UCS, MJ needing an IVS, private use mapped or not, not in MJ); :func:`classify_mj` does it for an MJ character
  (the only way to reach :attr:`CharClass.MJ_CODE_ONLY`);
- :func:`lookup`, :func:`by_id` and :func:`resolve` (``J+FA11``, ``094190``, ``U+FA11``, ``U+845B U+E0102``,
  ``MJ030196`` or the character) find an :class:`MjChar`;
- :func:`candidates` ranks MJ characters for one that is not identified (same base character, 縮退 neighbours,
  same reading, same strokes);
- :func:`shrink` and :func:`shrink_candidates`: the 縮退 of an MJ character to JIS X 0213 with its legal basis.

The tables load on first use (``functools.cache``): importing this module reads nothing, and classing a character
of ASCII, JIS X 0208 or JIS X 0213 needs no table either. Nothing here normalises a character (no NFC, no NFKC):
﨑 (U+FA11) stays 﨑 (MJ030196).

JIS X 0208 and JIS X 0213 membership come from Python's codecs, used strictly: JIS X 0208 is what ``iso2022_jp``
writes as JIS X 0208 (cp932's NEC/IBM extensions such as ①, ㈱, 髙 are not JIS X 0208, nor are cp932's
U+FF5E ～ and U+FF0D －, whose JIS X 0208 form is U+301C 〜 and U+2212 −); JIS X 0213 is what ``euc_jis_2004``
writes as JIS X 0213 (its fallback to JIS X 0212 rows is refused). MJ's X0213 column is not a membership test: it
names the JIS X 0213 code point an MJ glyph falls under by 包摂 (𠮷 U+20BB7 → 1-21-40, the code point of 吉), so
it feeds the 縮退, not the class.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import NamedTuple

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.language import say

_DATA = Path(__file__).parent / "data" / "mj"
_MJI = _DATA / "mji.tsv.gz"
_MJSM = _DATA / "mjsm.tsv.gz"

ATTRIBUTION = (
    "出典：文字情報基盤「MJ文字情報一覧表」Ver.006.02・「MJ縮退マップ」Ver.1.2.0"
    "（独立行政法人情報処理推進機構（IPA）・一般社団法人 文字情報技術促進協議会、CC BY-SA 2.1 JP）を加工して作成"
)

_PLANE2_ROWS = frozenset({1, 3, 4, 5, 8, 12, 13, 14, 15, *range(78, 95)})  # the rows JIS X 0213 plane 2 fills
_JIS_X0201_ROMAN = frozenset("\u00a5\u203e")  # ¥ and ‾, where JIS X 0201 differs from ASCII


def _is_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _is_private_use(ch: str) -> bool:
    code = ord(ch)
    return 0xE000 <= code <= 0xF8FF or 0xF0000 <= code <= 0xFFFFD or 0x100000 <= code <= 0x10FFFD


def characters(text: str) -> list[str]:
    """``text`` as user characters: each code point with the variation selector (U+FE00–FE0F, U+E0100–E01EF)
    right after it, so 葛󠄂 (U+845B U+E0102) is one character, as is 𠮷 (one code point in a Python str)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if i + 1 < n and _is_selector(text[i + 1]):
            out.append(text[i : i + 2])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return out


class CharClass(StrEnum):
    """Where a character stands against the standard's character set, from the most to the least portable."""

    BASIC = "basic"  # ASCII and JIS X 0201 (¥ ‾, half-width katakana)
    JIS_X0208 = "jis_x0208"
    JIS_X0213 = "jis_x0213"  # in JIS X 0213, not in JIS X 0208
    MJ_UCS = "mj_ucs"  # an MJ character with its own UCS, outside JIS X 0213
    MJ_IVS = "mj_ivs"  # an MJ character written with a variation selector, or whose MJ forms all need one
    MJ_CODE_ONLY = "mj_code_only"  # an MJ character with a 住基/戸籍 code and no UCS: only through resolve()
    PUA_MAPPED = "pua_mapped"  # private use, in the municipality's 外字 table
    PUA_UNMAPPED = "pua_unmapped"
    NOT_IN_MJ = "not_in_mj"

    @property
    def label_ja(self) -> str:
        return _CLASS_LABELS[self]


_CLASS_LABELS = {
    CharClass.BASIC: "ASCII・JIS X 0201",
    CharClass.JIS_X0208: "JIS X 0208",
    CharClass.JIS_X0213: "JIS X 0213（JIS X 0208以外）",
    CharClass.MJ_UCS: "MJ文字（UCSあり・JIS X 0213外）",
    CharClass.MJ_IVS: "MJ文字（IVSが必要）",
    CharClass.MJ_CODE_ONLY: "MJ文字（住基・戸籍統一文字コードのみ・UCSなし）",
    CharClass.PUA_MAPPED: "外字（私用領域・外字表あり）",
    CharClass.PUA_UNMAPPED: "外字（私用領域・外字表なし）",
    CharClass.NOT_IN_MJ: "MJにない文字",
}


class ShrinkTable(StrEnum):
    """The tables of the MJ縮退マップ, each a basis of a 縮退; defined in :data:`SHRINK_ORDER`'s order."""

    JIS_INCLUSION = "jis_inclusion"
    KOSEKI_PARENT = "koseki_parent"
    MINICHI_2842 = "minichi_2842"
    MINNI_5202 = "minni_5202"
    MOJ_582 = "moj_582"
    DICTIONARIES = "dictionaries"
    READING_GLYPH = "reading_glyph"

    @property
    def label_ja(self) -> str:
        return _TABLE_LABELS[self]


_TABLE_LABELS = {
    ShrinkTable.JIS_INCLUSION: "JIS包摂規準・UCS統合規則",
    ShrinkTable.KOSEKI_PARENT: "戸籍統一文字情報 親字・正字",
    ShrinkTable.MINICHI_2842: "民一2842号通達別表 誤字俗字・正字一覧表",
    ShrinkTable.MINNI_5202: "民二5202号通知別表 正字・俗字等対照表",
    ShrinkTable.MOJ_582: "法務省告示582号別表第四",
    ShrinkTable.DICTIONARIES: "辞書類等による関連字",
    ShrinkTable.READING_GLYPH: "読み・字形による類推",
}
# The order of the 縮退マップ's own schema (MJShrinkMapSchema.1.0.0.json; its Readme gives none): JIS包摂規準・UCS
# 統合規則, 法務省戸籍法関連通達・通知 (戸籍統一文字情報 親字・正字, 民一2842号, 民二5202号 as its description lists
# them), 法務省告示582号別表第四, 辞書類等による関連字, 読み・字形による類推.
SHRINK_ORDER: tuple[ShrinkTable, ...] = tuple(ShrinkTable)


class MjChar(FrozenModel):
    """One MJ character (文字図形) of the MJ文字情報一覧表."""

    mj_id: str  # MJ文字図形名, MJ030196
    ucs: str | None  # 実装したUCS: the character alone (one code point); None: MJ implements it with an IVS only
    ivs: str | None  # 実装したMoji_JohoコレクションIVS: the whole sequence (base + selector)
    svs: str | None = None  # 実装したSVS: the standardized variation sequence of a compatibility ideograph
    koseki: str | None  # 戸籍統一文字番号, 6 digits
    juki: str | None  # 住基ネット統一文字コード, J+XXXX
    x0213: str | None  # 面-区-点 of the JIS X 0213 character this glyph falls under (包摂 included)
    x0213_inclusion: int | None  # X0213_包摂区分 as the table gives it
    strokes: int  # 総画数
    readings: tuple[str, ...]  # 音 in katakana, 訓 in hiragana

    @property
    def text(self) -> str | None:
        """The text that stands for it: its UCS alone where MJ implements one, else its IVS sequence; None for a
        character with a 住基/戸籍 code only."""
        return self.ucs or self.ivs or self.svs

    @property
    def code_points(self) -> str | None:
        """``U+845B U+E0102``: the code points of :attr:`text`."""
        return code_points(self.text) if self.text else None

    @property
    def label(self) -> str:
        return f"{self.mj_id} {self.text}" if self.text else self.mj_id


def code_points(text: str) -> str:
    """``U+845B U+E0102``: every code point of ``text``."""
    return " ".join(f"U+{ord(ch):04X}" for ch in text)


# The tables -------------------------------------------------------------------------------------------------


def _read_tsv(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    return [line.split("\t") for line in lines[1:] if line]


_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def _fold(reading: str) -> str:
    """A reading with katakana folded to hiragana, so 音 and 訓 are searched alike (キ = き)."""
    return reading.translate(_KATAKANA_TO_HIRAGANA)


class _Table:
    """The MJ文字情報一覧表 with the indexes lookups need (by UCS, IVS, SVS, codes, base code point)."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = {row[0]: row for row in rows}
        self.by_ucs: dict[str, str] = {}
        self.by_ivs: dict[str, str] = {}
        self.by_svs: dict[str, str] = {}
        self.by_koseki: dict[str, str] = {}
        self.by_juki: dict[str, str] = {}
        self.by_base: dict[str, list[str]] = {}  # a code point → the MJ characters written with it
        for mj_id, ucs, ivs, svs, koseki, juki, *_ in rows:
            if ucs:
                self.by_ucs[ucs] = mj_id
                self.by_base.setdefault(ucs, []).append(mj_id)
            if ivs:
                self.by_ivs[ivs] = mj_id
                if ivs[0] != ucs:
                    self.by_base.setdefault(ivs[0], []).append(mj_id)
            if svs:
                self.by_svs[svs] = mj_id
                self.by_base.setdefault(svs[0], []).append(mj_id)  # a compatibility ideograph's unified form
            if koseki:
                self.by_koseki[koseki] = mj_id
            if juki:
                self.by_juki[juki] = mj_id


class _SearchIndex:
    """The MJ characters by reading (katakana folded to hiragana) and by stroke count, for :func:`candidates`."""

    def __init__(self, table: _Table) -> None:
        self.by_reading: dict[str, list[str]] = {}
        self.by_strokes: dict[int, list[str]] = {}
        self.strokes: dict[str, int] = {}
        for mj_id, row in table.rows.items():
            for reading in dict.fromkeys(_fold(row[9]).split()):
                self.by_reading.setdefault(reading, []).append(mj_id)
            strokes = self.strokes[mj_id] = int(row[8])
            self.by_strokes.setdefault(strokes, []).append(mj_id)


class _ShrinkRow(NamedTuple):
    table: ShrinkTable
    note: str
    target: str
    x0213: str
    rank: int | None


class _ShrinkMap:
    """The MJ縮退マップ: each MJ character's rows, and the MJ characters behind each JIS X 0213 character."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows: dict[str, list[_ShrinkRow]] = {}
        self.by_target: dict[str, list[str]] = {}  # 面-区-点 → the MJ characters that degrade to it
        self.target_char: dict[str, str] = {}
        tables = {table.value: table for table in ShrinkTable}
        for mj_id, table, note, target, x0213, rank in rows:
            row = _ShrinkRow(tables[table], note, target, x0213, int(rank) if rank else None)
            self.rows.setdefault(mj_id, []).append(row)
            ids = self.by_target.setdefault(x0213, [])
            if not ids or ids[-1] != mj_id:
                ids.append(mj_id)
            self.target_char[x0213] = target


@cache
def _table() -> _Table:
    return _Table(_read_tsv(_MJI))


@cache
def _search_index() -> _SearchIndex:
    return _SearchIndex(_table())


@cache
def _shrink_map() -> _ShrinkMap:
    return _ShrinkMap(_read_tsv(_MJSM))


@cache
def _char(mj_id: str) -> MjChar:
    mj_id, ucs, ivs, svs, koseki, juki, x0213, inclusion, strokes, readings = _table().rows[mj_id]
    return MjChar(
        mj_id=mj_id,
        ucs=ucs or None,
        ivs=ivs or None,
        svs=svs or None,
        koseki=koseki or None,
        juki=juki or None,
        x0213=x0213 or None,
        x0213_inclusion=int(inclusion) if inclusion else None,
        strokes=int(strokes),
        readings=tuple(readings.split()),
    )


# Classes ---------------------------------------------------------------------------------------------------


def _in_x0208(ch: str) -> bool:
    try:
        data = ch.encode("iso2022_jp")
    except UnicodeEncodeError:
        return False
    return data.startswith((b"\x1b$B", b"\x1b$@"))  # the JIS X 0208 designations, not ASCII / JIS X 0201 Roman


def x0213_code(ch: str) -> str | None:
    """面-区-点 of a character of JIS X 0213 (JIS X 0208 included), ``1-47-82`` for 﨑; None for any other."""
    try:
        data = ch.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return None
    if len(data) == 2 and data[0] >= 0xA1:
        return f"1-{data[0] - 0xA0:02d}-{data[1] - 0xA0:02d}"
    if len(data) == 3 and data[0] == 0x8F and data[1] - 0xA0 in _PLANE2_ROWS:
        return f"2-{data[1] - 0xA0:02d}-{data[2] - 0xA0:02d}"
    return None  # ASCII, half-width katakana (SS2), or the codec's JIS X 0212 fallback (0x8F outside plane 2)


def _is_basic(ch: str) -> bool:
    return ord(ch) < 0x80 or ch in _JIS_X0201_ROMAN or 0xFF61 <= ord(ch) <= 0xFF9F


def _one(ch: str) -> str:
    if len(characters(ch)) != 1:
        count = len(characters(ch))
        raise ValueError(say(f"1 文字のはずが {count} 文字あります", f"one character expected, got {count}"))
    return ch


def classify(ch: str, gaiji: Mapping[str, str] | None = None) -> CharClass:
    """The class of one user character (see :func:`characters`). A private-use character (U+E000–F8FF and the
    supplementary private-use planes) is :attr:`CharClass.PUA_MAPPED` when ``gaiji`` (the municipality's 外字
    table) maps it; a character with a variation selector is :attr:`CharClass.MJ_IVS` when MJ has that exact
    sequence, else :attr:`CharClass.NOT_IN_MJ`."""
    base = _one(ch)[0]
    if _is_private_use(base):
        return CharClass.PUA_MAPPED if gaiji is not None and ch in gaiji else CharClass.PUA_UNMAPPED
    if len(ch) == 2:
        table = _table()
        return CharClass.MJ_IVS if ch in table.by_ivs or ch in table.by_svs else CharClass.NOT_IN_MJ
    if _is_basic(ch):
        return CharClass.BASIC
    if _in_x0208(ch):
        return CharClass.JIS_X0208
    if x0213_code(ch) is not None:
        return CharClass.JIS_X0213
    table = _table()
    if ch in table.by_ucs:
        return CharClass.MJ_UCS
    if ch in table.by_base:  # MJ writes it with a variation selector only
        return CharClass.MJ_IVS
    return CharClass.NOT_IN_MJ


def classify_mj(mj: MjChar) -> CharClass:
    """The class of an MJ character as :func:`classify` gives it for its text; :attr:`CharClass.MJ_CODE_ONLY`
    for one with a 住基/戸籍 code and no UCS."""
    if mj.ucs:
        return classify(mj.ucs)
    return CharClass.MJ_IVS if mj.ivs or mj.svs else CharClass.MJ_CODE_ONLY


def mj_code_points() -> frozenset[str]:
    """Every code point MJ writes a character with, alone or as the base of an IVS/SVS sequence: outside JIS
    X 0213 and private use, what :func:`classify` puts in :attr:`CharClass.MJ_UCS` or :attr:`CharClass.MJ_IVS`."""
    return frozenset(_table().by_base)


# Lookup ----------------------------------------------------------------------------------------------------


def by_id(mj_id: str) -> MjChar | None:
    """The MJ character named ``MJ030196``; None when the table has no such name."""
    return _char(mj_id) if mj_id in _table().rows else None


def lookup(ch: str) -> MjChar | None:
    """The MJ character a user character is: an IVS (or SVS) sequence finds its exact glyph; a bare character the
    MJ character implemented by that UCS, else (MJ writes it with selectors only) the first by MJ文字図形名.
    None for anything else (an unknown sequence is not matched by its base: see :func:`candidates`)."""
    table = _table()
    if len(ch) == 2 and _is_selector(ch[1]):
        mj_id = table.by_ivs.get(ch) or table.by_svs.get(ch)
    elif len(ch) == 1:
        mj_id = table.by_ucs.get(ch) or next(iter(table.by_base.get(ch, ())), None)
    else:
        mj_id = None
    return _char(mj_id) if mj_id else None


_JUKI = re.compile(r"[Jj]\+([0-9A-Fa-f]{4})")
_KOSEKI = re.compile(r"\d{6}")
_MJ_NAME = re.compile(r"MJ\d{6}", re.IGNORECASE)
_UCS = re.compile(r"[Uu]\+([0-9A-Fa-f]{4,6})(?:(?:\s+|_)(?:[Uu]\+)?([0-9A-Fa-f]{4,6}))?")


def _give_code_forms() -> str:
    return say(
        "住基ネット統一文字コード（J+FA11）、6 桁の戸籍統一文字番号（094190）、U+FA11 か U+845B U+E0102"
        "（U+845B_E0102）、MJ文字図形名（MJ030196）、または文字そのものを指定してください",
        "give a 住基ネット統一文字コード (J+FA11), a 6-digit 戸籍統一文字番号 (094190), U+FA11 or U+845B U+E0102 "
        "(U+845B_E0102), an MJ文字図形名 (MJ030196) or the character itself",
    )


def _code_point(text: str) -> str:
    value = int(text, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise FitgapError(
            say(
                f"U+{text.upper()} は Unicode のスカラー値ではありません",
                f"U+{text.upper()} is not a Unicode scalar value",
            ),
            hint=_give_code_forms(),
        )
    return chr(value)


def resolve(code: str) -> MjChar | None:
    """The MJ character a code names: ``J+FA11`` (住基ネット統一文字コード), ``094190`` (戸籍統一文字番号),
    ``U+FA11``, ``U+845B U+E0102`` / ``U+845B_E0102``, ``MJ030196``, or the character itself. None when the
    code is well formed but names no MJ character; a malformed code is a :class:`FitgapError`. Full-width
    digits and letters are read as ASCII in a code (never in a character)."""
    text = code.strip()
    form = unicodedata.normalize("NFKC", text)  # the code's syntax only: a character is looked up as given
    if match := _JUKI.fullmatch(form):
        mj_id = _table().by_juki.get(f"J+{match[1].upper()}")
        return _char(mj_id) if mj_id else None
    if _KOSEKI.fullmatch(form) and form.isascii():
        mj_id = _table().by_koseki.get(form)
        return _char(mj_id) if mj_id else None
    if _MJ_NAME.fullmatch(form) and form.isascii():
        return by_id(form.upper())
    if match := _UCS.fullmatch(form):
        return lookup("".join(_code_point(part) for part in match.groups() if part))
    if len(characters(text)) == 1:
        return lookup(text)
    # A code is ASCII: anything else may be a value of the data, and a message never shows one.
    if text.isascii() and len(text) <= 40:
        message = say(f"{text!r} は文字コードではありません", f"{text!r} is not a character code")
    else:
        message = say("その文字列は文字コードではありません", "the text is not a character code")
    raise FitgapError(message, hint=_give_code_forms())


# Candidates ------------------------------------------------------------------------------------------------


class Why(StrEnum):
    """Why a candidate is proposed; weights in :data:`WEIGHTS`."""

    SAME_BASE = "same_base"
    SHRINK_NEIGHBOUR = "shrink_neighbour"
    SAME_READING = "same_reading"
    SAME_STROKES = "same_strokes"

    @property
    def label_ja(self) -> str:
        return _WHY_LABELS[self]


_WHY_LABELS = {
    Why.SAME_BASE: "同じ字の異体字",
    Why.SHRINK_NEIGHBOUR: "縮退先が同じ",
    Why.SAME_READING: "同じ読み",
    Why.SAME_STROKES: "同じ画数",
}
# The same base character (another glyph of the same code point) says most; a shared reading counts once per
# reading shared; the stroke count only orders what the others found (alone it matches thousands).
WEIGHTS = {Why.SAME_BASE: 8, Why.SHRINK_NEIGHBOUR: 4, Why.SAME_READING: 2, Why.SAME_STROKES: 1}


class Candidate(FrozenModel):
    """An MJ character proposed for one that is not identified, with why and a score (higher first)."""

    mj: MjChar
    reasons: tuple[Why, ...]  # in :class:`Why` order
    score: int

    @property
    def why(self) -> str:
        """The reasons in Japanese: 同じ読み・同じ画数."""
        return "・".join(reason.label_ja for reason in self.reasons)


def _is_kana(text: str) -> bool:
    return all("\u3041" <= c <= "\u30ff" for c in text)


class _Tally:
    def __init__(self) -> None:
        self.score: dict[str, int] = {}
        self.reasons: dict[str, set[Why]] = {}

    def add(self, ids: Iterable[str], why: Why) -> None:
        for mj_id in ids:
            self.score[mj_id] = self.score.get(mj_id, 0) + WEIGHTS[why]
            self.reasons.setdefault(mj_id, set()).add(why)


def candidates(
    query: str, limit: int = 10, *, reading: str | None = None, strokes: int | None = None
) -> list[Candidate]:
    """MJ characters ranked for ``query``: one character (a 外字, a character not in MJ, or an MJ character whose
    neighbours are wanted) or a reading (a text of kana only). Evidence: MJ characters of the same base code point
    (for an unknown IVS sequence, or a compatibility ideograph through its canonical form), 縮退 neighbours (that
    degrade to the same JIS X 0213 character, and that character itself), shared readings (katakana and
    hiragana alike) and the stroke count — the query's own where MJ knows it, and the hints ``reading`` and
    ``strokes``. Ties go by MJ文字図形名; the query's own MJ character is not a candidate."""
    text = query.strip()
    if not text and not reading and strokes is None:
        raise FitgapError(
            say(
                "候補を探す文字、読み、画数のどれもありません",
                "no character, reading or stroke count to find candidates for",
            ),
            hint=say("どれか一つを指定してください", "give one of them"),
        )
    table, index, shrink_map = _table(), _search_index(), _shrink_map()
    readings: list[str] = []
    stroke_counts: set[int] = set()
    bases: set[str] = set()
    targets: set[str] = set()
    own: str | None = None
    if text and _is_kana(text):
        readings.append(_fold(text))
    elif text:
        if len(characters(text)) != 1:
            count = len(characters(text))
            raise FitgapError(
                say(f"{count} 文字が指定されています", f"{count} characters given"),
                hint=say("1 文字か、かなの読みを指定してください", "give one character, or a reading in kana"),
            )
        mj = lookup(text)
        if mj is not None:
            own = mj.mj_id
            readings.extend(_fold(r) for r in mj.readings)
            stroke_counts.add(mj.strokes)
            targets.update(row.x0213 for row in shrink_map.rows.get(own, ()))
        base = text[0]
        if not _is_private_use(base):
            bases.update({base, unicodedata.normalize("NFC", base)})
        if len(text) == 1 and (code := x0213_code(text)) is not None:
            targets.add(code)
    if reading:
        readings.append(_fold(reading.strip()))
    if strokes is not None:
        stroke_counts.add(strokes)
    tally = _Tally()
    for base in sorted(bases):
        tally.add(table.by_base.get(base, ()), Why.SAME_BASE)
    neighbours: dict[str, None] = {}
    for code in sorted(targets):
        neighbours.update(dict.fromkeys(shrink_map.by_target.get(code, ())))
        target_id = table.by_ucs.get(shrink_map.target_char.get(code, ""))
        if target_id:
            neighbours[target_id] = None
    tally.add(neighbours, Why.SHRINK_NEIGHBOUR)
    for folded in dict.fromkeys(readings):
        tally.add(index.by_reading.get(folded, ()), Why.SAME_READING)
    pool = list(tally.score) or [i for count in sorted(stroke_counts) for i in index.by_strokes.get(count, ())]
    tally.add((i for i in pool if index.strokes[i] in stroke_counts), Why.SAME_STROKES)
    ranked = sorted((i for i in tally.score if i != own), key=lambda i: (-tally.score[i], i))
    return [
        Candidate(mj=_char(i), reasons=tuple(w for w in Why if w in tally.reasons[i]), score=tally.score[i])
        for i in ranked[: max(limit, 0)]
    ]


# 縮退 -------------------------------------------------------------------------------------------------------


class Shrunk(FrozenModel):
    """The 縮退 of one character to JIS X 0213: the target, the table that is its basis, its rank."""

    source: str  # the character given (an MJ character's text; empty for one with a code only)
    mj_id: str | None  # None: a character given as text that is already in JIS X 0213 (no table consulted)
    target: str
    x0213: str | None  # 面-区-点 of the target; None for ASCII / JIS X 0201
    table: ShrinkTable | None  # None: no change
    note: str = ""  # 法務省告示582号別表第四: 表 一 or 二; 民一2842号: 俗字, 別字 or 無印
    rank: int | None = None  # 582号: 第N順位; 戸籍統一文字情報: ホップ数

    @property
    def changed(self) -> bool:
        return self.table is not None

    @property
    def basis_ja(self) -> str:
        """The legal basis in Japanese: 法務省告示582号別表第四 表二 第1順位, 戸籍統一文字情報 親字・正字 (1ホップ)."""
        if self.table is None:
            return "変更なし（JIS X 0213の文字）"
        text = self.table.label_ja
        if self.table is ShrinkTable.MOJ_582:
            return f"{text} 表{self.note} 第{self.rank}順位" if self.rank else f"{text} 表{self.note}"
        if self.note:
            text = f"{text}（{self.note}）"
        return f"{text}（{self.rank}ホップ）" if self.rank else text


_INSIDE_JIS_X0213 = frozenset({CharClass.BASIC, CharClass.JIS_X0208, CharClass.JIS_X0213})


def _mj_of(ch: str | MjChar) -> MjChar | None:
    return ch if isinstance(ch, MjChar) else lookup(ch)


def shrink_candidates(ch: str | MjChar) -> list[Shrunk]:
    """Every 縮退 the map gives an MJ character (a character, or an :class:`MjChar` from :func:`resolve`), in
    :data:`SHRINK_ORDER`, then by rank; empty for a character not in MJ or without a mapping."""
    mj = _mj_of(ch)
    if mj is None:
        return []
    rows = _shrink_map().rows.get(mj.mj_id, [])
    order = {table: i for i, table in enumerate(SHRINK_ORDER)}
    ranked = sorted(enumerate(rows), key=lambda p: (order[p[1].table], p[1].rank or 0, p[0]))
    source = ch if isinstance(ch, str) else mj.text or ""
    return [
        Shrunk(
            source=source,
            mj_id=mj.mj_id,
            target=row.target,
            x0213=row.x0213,
            table=row.table,
            note=row.note,
            rank=row.rank,
        )
        for _, row in ranked
    ]


def shrink(ch: str | MjChar, order: Sequence[ShrinkTable] = SHRINK_ORDER) -> Shrunk | None:
    """The 縮退 of a character to JIS X 0213: itself, unchanged, when it is ASCII/JIS X 0201 or in JIS X 0213;
    else the first candidate of the first table of ``order`` that has one (the lowest rank), so ``order`` also
    restricts the tables used. None for a character not in MJ (a private-use one included: map it first) or with
    no mapping in those tables."""
    text = ch if isinstance(ch, str) else ch.ucs
    if text and classify(text) in _INSIDE_JIS_X0213:
        mj_id = None if isinstance(ch, str) else ch.mj_id
        return Shrunk(source=text, mj_id=mj_id, target=text, x0213=x0213_code(text), table=None)
    found = shrink_candidates(ch)
    for table in order:
        for shrunk in found:
            if shrunk.table is table:
                return shrunk
    return None
