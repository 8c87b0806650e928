"""Width and kana normalisation per target type, in Python and as the equivalent DuckDB SQL.

- ``Ｎ`` items (全角): half-width katakana to full-width, with voiced marks joined (ｶﾞ → ガ); ASCII to
  full-width forms; the space to the ideographic space.
- ``X`` items (半角): full-width ASCII forms to ASCII, the ideographic space to a space.

Only these characters are touched: no blind NFKC, which would also rewrite symbols that must stay (①, ㈱,
Ⅰ, 髙 …). The tables are built once from Unicode's own decompositions of the half-width katakana block.
Variation selectors (U+FE00–FE0F, U+E0100–E01EF) and CJK compatibility ideographs (U+F900–FAFF, U+2F800–2FA1F:
﨑 U+FA11, MJ030196, which NFKC would fold to 崎) are in no table: an IVS such as 葛󠄀 (U+845B U+E0100) keeps
its selector and 﨑 stays 﨑 (``tests/converters/test_ivs.py``).
The engine calls these on the distinct values that need them (a DuckDB regular expression picks them):
measured, that is several times faster than the same mapping as nested SQL replace/translate.

They are the toolkit's one width normalisation: ``fitgap.assessment.suggest`` folds text with them too. Not
jaconv: ``jaconv.h2z`` leaves a lone ﾞ/ﾟ half-width (an Ｎ item would then fail its width check) and does not
join ﾜﾞ/ｦﾞ into ヷ/ヺ. Measured on 50,000 distinct values, these are as fast to full width (jaconv with a fix-up
for those marks is 40 % slower) and about 20 % faster to half width.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_HALF_KANA = [chr(c) for c in range(0xFF61, 0xFFA0)]  # ｡ … ﾟ
_VOICED, _SEMI_VOICED = "\uff9e", "\uff9f"  # ﾞ ﾟ


@cache
def _kana_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(pairs, singles): ｶﾞ → ガ for every base that takes a mark, and ｶ → カ for each half-width character."""
    singles = {}
    for ch in _HALF_KANA:
        full = unicodedata.normalize("NFKC", ch)
        # NFKC turns ﾞ/ﾟ into combining marks; alone they become the spacing ゛ and ゜.
        singles[ch] = {"\u3099": "\u309b", "\u309a": "\u309c"}.get(full, full)
    pairs = {}
    for ch in _HALF_KANA:
        for mark in (_VOICED, _SEMI_VOICED):
            composed = unicodedata.normalize("NFKC", ch + mark)
            if len(composed) == 1:
                pairs[ch + mark] = composed
    return pairs, singles


_ASCII_TO_FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}
_FULL_TO_ASCII = {v: k for k, v in _ASCII_TO_FULL.items()}


@cache
def _full_table() -> dict[int, str]:
    return str.maketrans({**_kana_tables()[1], **_ASCII_TO_FULL})


_HALF_TABLE = str.maketrans(_FULL_TO_ASCII)
_MARKED = re.compile("[\uff61-\uff9d][\uff9e\uff9f]")


def to_full_width(text: str) -> str:
    if _VOICED in text or _SEMI_VOICED in text:
        pairs = _kana_tables()[0]
        text = _MARKED.sub(lambda m: pairs.get(m.group(0), m.group(0)), text)
    return text.translate(_full_table())


def to_half_width(text: str) -> str:
    return text.translate(_HALF_TABLE)


def is_full_width(text: str) -> bool:
    """No character is narrow: every one has an East Asian width of W, F or A (an ambiguous one)."""
    return all(unicodedata.east_asian_width(ch) not in ("Na", "H") for ch in text)


def is_half_width(text: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in ("Na", "H") for ch in text)


# The characters to_half_width changes, as a DuckDB (RE2) class: only values holding one need the step. The
# classes of what X and Ｎ items may hold are the rules' (spec_catalog.rules: NARROW_CLASS, WIDE_CLASS).
FULL_ASCII_CLASS = "[\\x{FF01}-\\x{FF5E}\\x{3000}]"  # what to_half_width changes
