"""Which source column fills which standard item, by name: the knowledge a migration engineer brings.

The tables below are the whole of it; add a spelling here when a vendor's export uses one the scaffold missed.
Names are compared after :func:`key`: NFKC (ｶﾅ = カナ, full-width letters = ASCII), upper case, without spaces,
``_``, ``・``, ``-`` or brackets, every reading word (カナ, ｶﾅ, かな, フリガナ, ヨミ, 読み …) as 読み仮名, and a
trailing CD / NO / № as コード / 番号. So 氏名カナ, 氏名ｶﾅ and 氏名フリガナ all read as 氏名読み仮名, the key of
the item 氏名_読み仮名, and 宛名NO reads as 宛名番号.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from spec_catalog.models import DataItem

# Standard item (its Japanese name) ← legacy column names that mean it. Item names not listed here still match
# by their own name, their romanized name and the part after the last "_" (住所_郵便番号 ← 郵便番号).
ALIASES: dict[str, tuple[str, ...]] = {
    "宛名番号": ("宛名NO", "宛名CD", "宛名コード", "ATENA", "ATENANO"),
    "世帯番号": ("世帯NO", "世帯CD", "世帯コード", "SETAI", "SETAINO"),
    "住民票コード": ("住民票CD", "住民票番号", "住票コード"),
    "個人番号": ("マイナンバー", "MYNUMBER", "MYNO"),
    "氏名": ("名前", "漢字氏名", "氏名漢字", "姓名", "NAME"),
    "氏名_読み仮名": ("カナ氏名", "フリガナ", "カナ", "KANA", "氏名読み"),
    "生年月日": ("生年", "誕生日", "BIRTH", "BIRTHDAY", "BIRTHDATE", "DOB"),
    "性別": ("性", "性別CD", "性別コード", "性別区分", "SEX", "GENDER"),
    "続柄": ("続柄CD", "続き柄", "ZOKUGARA"),
    "住民区分": ("住民種別", "住民CD"),
    "住所_市区町村コード": (
        "団体コード",
        "団体CD",
        "市町村コード",
        "市町村CD",
        "自治体コード",
        "全国地方公共団体コード",
        "LGCODE",
    ),
    "住所_町字コード": ("町字CD", "町名コード", "町名CD", "字コード"),
    "住所_郵便番号": ("郵便番号", "〒", "郵便", "郵便NO", "ZIP", "ZIPCODE", "POSTAL", "POSTCODE"),
    "住所_町字": ("町名", "字名", "町域"),
    "住所_番地号表記": ("番地", "地番", "番地号", "番地等"),
    "住所_方書": ("アパート名", "建物名", "方書き"),
    "住民となった年月日": ("住民日", "住定日", "住民年月日", "住定年月日"),
    "異動年月日": ("異動日",),
    "異動事由": ("異動理由", "異動CD", "異動コード"),
    "消除年月日": ("消除日",),
    "操作者ID": ("操作者", "更新者", "担当者", "OPERATOR"),
    "操作年月日": ("操作日", "更新日", "更新年月日"),
    "操作時刻": ("操作時間", "更新時刻", "更新時間"),
}

# Legacy column names that must never fill an item however close they look: a 個人番号 (My Number) is not a
# 宛名番号, and the other way round.
NEVER: dict[str, tuple[str, ...]] = {
    "宛名番号": ("個人番号", "マイナンバー", "MYNUMBER"),
    "個人番号": ("宛名番号", "宛名NO", "宛名CD", "宛名コード"),
    "世帯番号": ("個人番号", "宛名番号"),
}

# Words for "reading": one spelling, 読み仮名, once NFKC has turned ｶﾅ into カナ. Longest first.
_READING = re.compile("読み仮名|読仮名|フリガナ|ふりがな|ヨミガナ|よみがな|カナ|かな|ヨミ|よみ|読み|KANA|YOMI")
_TRAILING = {"CD": "コード", "NO": "番号", "№": "番号"}
_DROP = str.maketrans("", "", " \u3000_・-（）()【】[]「」")
SCORE_EXACT = 1.0  # the item's name, romanized name or an alias
SCORE_TAIL = 0.9  # the part of the item's name after the last "_" (住所_郵便番号 ← 郵便番号)
THRESHOLD = 0.6  # below this similarity a column is no guess at all


def key(name: str) -> str:
    """A name reduced for comparison (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", name).upper()
    text = text.translate(_DROP)
    text = _READING.sub("読み仮名", text)
    for short, long in _TRAILING.items():
        if text.endswith(short) and len(text) > len(short):
            text = text[: -len(short)] + long
    return text


def _names(item: DataItem) -> tuple[set[str], set[str]]:
    """The exact keys of an item (its names and aliases) and its tail keys."""
    exact = {key(item.name), key(item.romanized), *(key(a) for a in ALIASES.get(item.name, ()))}
    tails = set()
    if "_" in item.name:
        tail = key(item.name.rsplit("_", 1)[1])
        # 氏名_読み仮名's tail 読み仮名 is the item only together with its head: a bare カナ is listed as an alias.
        if tail != "読み仮名" and tail not in exact:
            tails.add(tail)
    return exact, tails


def score(item: DataItem, column: str) -> float:
    """How surely ``column`` holds ``item``: 1.0 by name or alias, 0.9 by the tail of the name, else the
    similarity of the names (0 for a pair :data:`NEVER` allows)."""
    column_key = key(column)
    if not column_key or column_key in {key(n) for n in NEVER.get(item.name, ())}:
        return 0.0
    exact, tails = _names(item)
    if column_key in exact:
        return SCORE_EXACT
    if column_key in tails:
        return SCORE_TAIL
    similar = max(difflib.SequenceMatcher(None, name, column_key).ratio() for name in exact | tails)
    return min(similar, SCORE_TAIL - 0.01)


def match(items: Sequence[DataItem], columns: Sequence[str]) -> dict[str, tuple[str, float]]:
    """Item (romanized) → (column, score): the surest pairs first, each column and item used once."""
    pairs = sorted(
        (
            (score(item, column), index, item.romanized, column)
            for index, item in enumerate(items)
            for column in columns
        ),
        key=lambda p: (-p[0], p[1]),
    )
    found: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for value, _, item, column in pairs:
        if value < THRESHOLD:
            break
        if item not in found and column not in used:
            found[item] = (column, value)
            used.add(column)
    return found
