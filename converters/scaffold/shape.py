"""The shape of a legacy export: delimited (CSV, TSV …) or fixed width, and its records as text.

Fixed width is recognised from the bytes alone: every record has the same byte length, all ending with CRLF or
all with LF (the last may lack it), and no delimiter splits the lines into the same number of fields. Records
without any terminator cannot be told from one long line: the record layout (``--layout``) gives their length,
which must divide the file.
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from pathlib import Path
from typing import Literal

from converters.readers import check_text
from spec_catalog.base import FrozenModel, InputFileError, UsageError
from spec_catalog.files import check_input_file
from spec_catalog.language import say

SAMPLE_BYTES = 8 << 20  # what convert init reads (some 40,000 records): counts and proposals come from these
DELIMITERS = (",", "\t", "|", ";")
CONSISTENT = 0.9  # share of lines that must split into the same number of fields for a delimiter to count


def layout_hint() -> str:
    """The hint for a fixed-width file given without its record layout."""
    return say(
        "--layout FILE でレコードレイアウトを渡してください（Excel か CSV で、項目名、開始位置または順序、バイト数"
        "または桁数、型の列があるもの）",
        "pass --layout FILE (the record layout: Excel or CSV with 項目名, 開始位置 or 順序, バイト数 or 桁数, 型)",
    )


Terminator = Literal["crlf", "lf", "none"]


class Sample(FrozenModel):
    """The head of the file (or all of it) and what is known about it from the bytes."""

    size: int  # of the whole file
    whole: bool  # the sample is the whole file
    bom: bool
    lines: tuple[bytes, ...]  # LF-separated lines (CR kept), the last one dropped when the sample cut it

    @property
    def body_size(self) -> int:
        return self.size - (3 if self.bom else 0)


def read_sample(path: Path) -> tuple[Sample, bytes]:
    """The sample's lines and its bytes (BOM removed)."""
    size = check_input_file(
        path,
        say("元データのファイル", "source file"),
        hint=say("--source に渡したパスを確かめてください", "check the path given to --source"),
    )
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES)
    check_text(data[: 1 << 16], path)
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    whole = len(data) >= size
    lines = body.split(b"\n")
    if (lines and lines[-1] == b"") or (not whole and len(lines) > 1):
        lines = lines[:-1]  # after the last line break, or a line the sample cut
    return Sample(size=size, whole=whole, bom=bom, lines=tuple(lines)), body


def fixed_records(sample: Sample) -> tuple[Terminator, int] | None:
    """(terminator, record length) when every line has the same byte length and one line ending."""
    lines = sample.lines
    if len(lines) < 2:
        return None
    with_cr = sum(1 for line in lines if line.endswith(b"\r"))
    last_bare = not lines[-1].endswith(b"\r") and sample.whole  # only the last record may lack its terminator
    if with_cr == len(lines) or (with_cr == len(lines) - 1 and last_bare):
        terminator: Terminator = "crlf"
        lengths = {len(line) - (1 if line.endswith(b"\r") else 0) for line in lines}
    elif with_cr == 0:
        terminator = "lf"
        lengths = {len(line) for line in lines}
    else:
        return None
    if len(lengths) != 1 or min(lengths) < 2:
        return None
    return terminator, lengths.pop()


def delimiter_of(texts: list[str]) -> str | None:
    """The delimiter that splits (nearly) every line into the same number of fields, more than one."""
    best: tuple[int, str] | None = None
    lines = [t for t in texts[:200] if t.strip()]
    if not lines:
        return None
    for delimiter in DELIMITERS:
        counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        fields, lines_with = counts.most_common(1)[0]
        if fields > 1 and lines_with >= CONSISTENT * len(lines) and (best is None or fields > best[0]):
            best = (fields, delimiter)
    return best[1] if best else None


def no_line_breaks(sample: Sample, path: Path) -> None:
    """A long text without LF is no CSV: CR line ends, or fixed-width records without terminators."""
    if len(sample.lines) > 1 or sample.body_size < 4096:
        return
    if b"\r" in sample.lines[0]:
        raise InputFileError(
            say("行の終わりが CR だけです", "the lines end with CR alone"),
            where=path,
            hint=say("改行を CRLF か LF にして出力し直してください", "re-export the file with CRLF or LF line ends"),
        )
    raise UsageError(
        say(
            "ファイルに改行がありません。区切りのない固定長レコードにはレコードレイアウトが必要です",
            "the file has no line breaks: fixed-width records without terminators need their layout",
        ),
        where=path,
        hint=layout_hint(),
    )


def split_unterminated(body: bytes, length: int) -> tuple[bytes, ...]:
    """Records of ``length`` bytes with no terminator between them (a short last one is left out: convert run
    quarantines it as TRUNCATED_RECORD)."""
    return tuple(body[i * length : (i + 1) * length] for i in range(len(body) // length))
