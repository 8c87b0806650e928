"""Which encoding a legacy export is in, decided by the share of its lines that decode.

A real CP932 export often holds a few lines that do not decode (a stray byte, a broken record): those lines are
quarantined by ``convert run`` (``ENCODING_INVALID``), so one bad byte must not decide the file's encoding. Only
lines with bytes above 0x7F tell the encodings apart; pure ASCII decodes as both. When more than
:data:`MAX_UNDECODED` of the lines decode in neither (an EUC-JP or mainframe export), the file is in another
encoding: the scaffold stops rather than propose a mapping that would quarantine those lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn

from converters.mapping import MAINFRAME
from spec_catalog.base import FrozenModel, InputFileError
from spec_catalog.language import say

_WIDE = re.compile(rb"[\x80-\xff]")
# Lines numbers of undecodable lines kept for the message (the count is always complete).
SHOWN_LINES = 5
# The share of the sampled lines that may decode in neither UTF-8 nor CP932 (stray bytes, broken records); more
# says the file is in another encoding.
MAX_UNDECODED = 0.3


class EncodingGuess(FrozenModel):
    """The encoding of a sample and how many of its lines did not decode in it."""

    encoding: str  # as the mapping writes it: utf-8, utf-8-sig or cp932
    lines: int  # lines looked at
    bad_lines: tuple[int, ...]  # 1-based numbers of the lines that do not decode (at most SHOWN_LINES)
    bad_count: int  # all of them


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_japanese(lines: list[bytes]) -> bool:
    """A few CP932 byte pairs are valid UTF-8 too (ﾞ森 = DE 90 58 reads as U+0790 X): UTF-8 it is only when
    the decoded text is mostly Japanese (kana, kanji, full-width forms), as a real UTF-8 export's is."""
    wide = [ch for line in lines for ch in line.decode("utf-8", errors="ignore") if ord(ch) >= 0x80]
    japanese = sum(
        1 for ch in wide if "\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
    )
    return japanese * 2 >= len(wide)


def detect_encoding(lines: list[bytes], path: Path, *, bom: bool = False) -> EncodingGuess:
    """UTF-8 (with or without BOM) or CP932, by the share of lines (or fixed-width records) that decode."""
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if _WIDE.search(line)]
    if bom:  # the BOM says so: only count the lines that do not decode
        return _guess("utf-8-sig", len(lines), numbered, "utf-8")
    if not numbered:  # plain ASCII reads the same in both
        return EncodingGuess(encoding="utf-8", lines=len(lines), bad_lines=(), bad_count=0)
    utf8 = [n for n, line in numbered if _decodes(line, "utf-8")]
    decoded = set(utf8) | {n for n, line in numbered if _decodes(line, "cp932")}
    neither = len(numbered) - len(decoded)
    if neither > MAX_UNDECODED * len(lines):
        _refuse_other_encoding(neither, len(lines), path)
    if len(utf8) * 2 > len(numbered) and _mostly_japanese([line for _, line in numbered[:2000]]):
        return _guess("utf-8", len(lines), numbered, "utf-8")
    cp932 = sum(1 for _, line in numbered if _decodes(line, "cp932"))
    if cp932 * 2 > len(numbered):
        return _guess("cp932", len(lines), numbered, "cp932")
    mainframe = ", ".join(sorted(MAINFRAME))
    raise InputFileError(
        say(
            f"UTF-8 でも CP932 でもありません: ASCII 以外のバイトを含む {len(numbered):,} 行のうち、UTF-8 として"
            f"読めるのは {len(utf8):,} 行、CP932 としては {cp932:,} 行です",
            f"neither UTF-8 nor CP932: of {len(numbered):,} lines with non-ASCII bytes, {len(utf8):,} decode as "
            f"UTF-8 and {cp932:,} as CP932",
        ),
        where=path,
        hint=say(
            f"CP932 か UTF-8 で出力し直すよう依頼してください（{mainframe} などのメインフレームの文字コードは"
            "読めません）",
            f"ask for a CP932 or UTF-8 re-export (mainframe encodings such as {mainframe} cannot be read)",
        ),
    )


def _refuse_other_encoding(neither: int, lines: int, path: Path) -> NoReturn:
    share = f"{neither / lines:.0%}"
    raise InputFileError(
        say(
            f"文字コードが UTF-8 でも CP932 でもありません: {lines:,} 行のうち {neither:,} 行（{share}）は"
            "どちらとしても読めません（EUC-JP やメインフレームの文字コードなど）",
            f"the encoding is neither UTF-8 nor CP932: {neither:,} of {lines:,} lines ({share}) decode in neither "
            "(EUC-JP, a mainframe encoding …)",
        ),
        where=path,
        hint=say(
            "CP932 か UTF-8 で出力し直すよう依頼するか、文字コードが分かっていれば（euc_jp など）マッピングを手で書き、"
            "source の encoding: に指定してください",
            "ask for a CP932 or UTF-8 re-export, or, if you know the encoding (euc_jp …), write the mapping by hand "
            "with it as source's encoding:",
        ),
    )


def _guess(encoding: str, count: int, numbered: list[tuple[int, bytes]], codec: str) -> EncodingGuess:
    bad = [n for n, line in numbered if not _decodes(line, codec)]
    return EncodingGuess(encoding=encoding, lines=count, bad_lines=tuple(bad[:SHOWN_LINES]), bad_count=len(bad))
