"""Reading legacy exports into a DuckDB staging table, losing nothing.

Bytes are decoded in Python (CP932 is not a DuckDB encoding; domain.md §8), in large chunks and at C speed;
only a chunk that fails is looked at line by line. DuckDB then parses the UTF-8 text. The staging table
``stage`` has ``_line`` (the source line or record number) and ``c0 … cN`` (the source columns by position:
user-supplied names never reach SQL). Rows that cannot be staged are returned as :class:`Rejected` with
their line, byte offset and reason (its rule text said in the run's language).
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import contextvars
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import os
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from converters import faults
from converters.mapping import CsvSource, ExcelSource, FixedSource, Mapping
from converters.parallel import ordered_map, worker_pool, workers_for
from spec_catalog.base import InputFileError
from spec_catalog.codes import Code
from spec_catalog.ctrl_c import interruptible
from spec_catalog.database import literal
from spec_catalog.files import check_input_file
from spec_catalog.language import Language, chosen, current, say

CHUNK = 8 << 20  # bytes read at a time: memory stays flat whatever the file size
MAX_LINE = 10_000_000  # bytes: DuckDB quarantines a longer CSV record (CSV_MALFORMED)
# A line still without its line break after this many bytes is no CSV record (a file of CR line ends, a
# fixed-width file without terminators): it is refused rather than held in memory whole.
MAX_CARRY = 64 << 20
EXCEL_DIGITS = 15  # significant digits Excel keeps: a number with more may not be the one entered
_VARCHAR = "VARCHAR"
SEP = "\x1f"  # unit separator between fixed-width fields in the staged text
_LEAD = set(range(0x81, 0xA0)) | set(range(0xE0, 0xFD))  # CP932 lead bytes
# Bytes that can start a 外字: the CP932 user-defined area (lead bytes F0–F9; they can also be trail bytes, so a
# hit only means "look"), or the UTF-8 form of U+E000–U+F8FF.
_PUA_UTF8 = re.compile(rb"\xee|\xef[\x80-\xa3]")
_PUA_CP932 = re.compile(rb"[\xf0-\xf9]")


# The encodings in which no byte of a multi-byte character is a control byte (C0 or DEL): there a control byte
# is always that control character.
_ASCII_SUPERSETS = frozenset({"cp932", "shift_jis", "euc_jp", "utf-8", "utf-8-sig"})
_NOT_CONTROL = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")  # in a decoded value (C0 or DEL)


def _may_have_controls(
    data: bytes, encoding: str, *, record_ends: int = 0, crlf_pairs: Callable[[], int] | None = None
) -> bool:
    """Whether a value in ``data`` may hold a control character (C0 or DEL): 0.13 s for 170 MB. Not counted:
    the ``record_ends`` control bytes that end fixed-width records (their terminators, checked); with
    ``crlf_pairs``, for the lines of a CSV, the LFs and the CRs before them (``crlf_pairs`` counts the CRLFs,
    asked only when there is a CR). DuckDB would read a line break inside a quoted value: the LFs are in no value
    only because :func:`_stage_csv` refuses a file whose records are not one line each (its count of records
    against lines). A value that may hold a control character keeps the X items' width checks on every row."""
    if encoding not in _ASCII_SUPERSETS:
        return True  # an encoding we have no byte test for (UTF-16 has NUL bytes throughout)
    controls = data.translate(None, _NOT_CONTROL)
    if crlf_pairs is None:
        return len(controls) > record_ends
    crs = controls.count(b"\r")
    return len(controls) > crs + controls.count(b"\n") or (crs > 0 and crs != crlf_pairs())


def _may_have_pua(data: bytes, encoding: str) -> bool:
    if encoding.startswith("utf"):
        return bool(_PUA_UTF8.search(data))
    if encoding in ("cp932", "shift_jis"):
        return bool(_PUA_CP932.search(data))
    return True  # an encoding we have no byte test for: look at the columns


# Called after each chunk with (bytes read so far, records read so far).
Progress = Callable[[int, int], None] | None


@dataclass
class Rejected:
    line: int
    offset: int | None
    reason: Code
    rule: str
    value: str | None = None  # safe to store: bytes in hex or a count, never the row's text


@dataclass
class Staged:
    columns: list[str]  # source column names, in order (c0, c1 … in the stage table)
    rows_read: int  # records in the source (header excluded)
    rejected: list[Rejected] = field(default_factory=list)
    line_offsets: LineStarts | None = None  # where each line starts in the file, CSV only
    sha256: str | None = None  # of the source file, computed while reading it (one pass over the bytes)
    may_have_pua: bool = True  # False when no byte could start a 外字 (Private Use Area) character
    may_have_controls: bool = True  # False when no value can hold a control character (C0 or DEL)


def file_identity(handle: BinaryIO) -> tuple[int, ...]:
    """What tells that a file is still the one read: its device, inode, size and modification time."""
    info = os.fstat(handle.fileno())
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


@dataclass
class LineStarts:
    """Where the lines of a CSV start (their byte offsets), found again for the lines a run quarantines.

    Keeping the offset of every line as the file was read cost the run's own process 0.3 s and 8 MB a million
    lines (400 MB at 50 million), for the few lines a run quarantines: the reader keeps where each chunk of lines
    starts, and :meth:`offsets` reads each chunk that holds an asked line once more. A file that is no longer the
    one read (another file at its path, a changed size or time, a chunk that no longer holds its lines) gives no
    offsets: None, never the offset of another text."""

    path: Path
    identity: tuple[int, ...]  # file_identity() of the file as it was read
    chunks: list[tuple[int, int, int]] = field(default_factory=list)  # (first line, first byte, bytes), in order
    lines: int = 0  # the lines of the file

    def offsets(self, lines: Iterable[int]) -> dict[int, int | None]:
        """The byte offset of each of ``lines`` (from 1); None past the last line, or when the file changed."""
        found: dict[int, int | None] = dict.fromkeys(lines)
        asked = sorted(line for line in found if 0 < line <= self.lines)
        if not asked or not self.chunks:
            return found
        try:
            with self.path.open("rb") as handle:
                if file_identity(handle) != self.identity:
                    return found
                for k, group in itertools.groupby(asked, key=self._chunk_of):
                    first, start, size = self.chunks[k]
                    handle.seek(start)
                    chunk = handle.read(size)
                    body = chunk[:-1] if chunk.endswith(b"\n") else chunk
                    newlines = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
                    following = self.chunks[k + 1][0] if k + 1 < len(self.chunks) else self.lines + 1
                    if len(chunk) != size or len(newlines) + 1 != following - first:
                        return dict.fromkeys(found)
                    starts = np.concatenate(([0], newlines + 1))
                    found.update({line: start + int(starts[line - first]) for line in group})
        except OSError:  # gone or unreadable since: no offsets rather than a failed run
            return dict.fromkeys(found)
        return found

    def _chunk_of(self, line: int) -> int:
        return bisect.bisect_right(self.chunks, line, key=lambda chunk: chunk[0]) - 1


def check_text(head: bytes, path: Path) -> None:
    """An empty or a binary file is no export: one clear error before anything is read (or guessed, by
    ``convert init``)."""
    if not head:
        raise InputFileError(
            say("ファイルが空です", "the file is empty"),
            where=path,
            hint=say(
                "出力されたファイルを確かめてください。変換するものがありません",
                "check the export; there is nothing to convert",
            ),
        )
    if head.count(0) > max(8, len(head) // 100):
        raise InputFileError(
            say("テキストの出力ファイルではなく、バイナリファイルです", "this is a binary file, not a text export"),
            where=path,
            hint=say(
                "CSV か固定長の出力ファイルそのものを渡してください（zip、Excel、データベースのファイルではなく）",
                "give the CSV or fixed-width export itself (not a zip, Excel or database file)",
            ),
        )


def _decode_lines(chunk: bytes, first_line: int, start: int, encoding: str, rejected: list[Rejected]) -> str:
    """Decode a chunk line by line, replacing bad lines (so line numbers stay 1:1) and recording them."""
    out = []
    offset = start
    for number, source in enumerate(chunk.split(b"\n"), start=first_line):
        line = source
        if b"\x00" in line:
            rejected.append(Rejected(number, offset + line.index(b"\x00"), Code.NUL_BYTE, _nul_byte()))
            line = line.replace(b"\x00", b"")
        try:
            out.append(line.decode(encoding))
        except UnicodeDecodeError as exc:
            bad = line[exc.start : exc.start + 2].hex(" ").upper()
            # The byte's place in the source line, the NUL bytes dropped before it counted.
            at = offset + ([i for i, b in enumerate(source) if b] + [len(source)])[exc.start]
            rejected.append(
                Rejected(
                    number,
                    at,
                    Code.ENCODING_INVALID,
                    say(f"{at} バイト目が {encoding} として読めません", f"not {encoding} at byte {at}"),
                    bad,
                )
            )
            out.append(line.decode(encoding, errors="replace"))
        offset += len(source) + 1
    return "\n".join(out)


def _nul_byte() -> str:
    return say("レコードに NUL バイトがあります", "NUL byte in the record")


def _source_missing(path: Path) -> InputFileError:
    return InputFileError(
        say("元データのファイルが見つかりません", "source file not found"),
        where=path,
        hint=say("パスを確かめるか、--source で渡してください", "check the path or pass --source"),
    )


def _check_settings() -> str:
    return say(
        "マッピングの delimiter と quote の設定をファイルと見比べてください",
        "check the delimiter and quote settings of the mapping against the file",
    )


def _check_layout() -> str:
    return say(
        "マッピングの record_length と terminator をファイルのレイアウトと見比べてください",
        "check record_length and terminator in the mapping against the file's layout",
    )


# DuckDB's kinds of CSV error (reject_errors.error_type), in Japanese; another kind is shown as DuckDB names it.
_CSV_ERRORS_JA = {
    "missing columns": "列が足りません",
    "too many columns": "列が多すぎます",
    "unquoted value": "引用符の外に値があります",
    "line size over maximum": "行が長すぎます",
    "invalid unicode": "文字コードとして読めません",
    "invalid encoding": "文字コードとして読めません",
    "cast error": "型の変換に失敗しました",
}


def _csv_rule(error_type: str, columns: int) -> str:
    kind = error_type.lower()
    return say(f"{_CSV_ERRORS_JA.get(kind, kind)}（{columns} 列のはず）", f"{kind} (expected {columns} columns)")


def _python_encoding(encoding: str) -> str:
    return codecs.lookup(encoding).name


class _CsvRead:
    """What reading a CSV learns in the run's own process, chunk by chunk: the hash, where each chunk starts, whether a
    byte could start a 外字, the line end written. Decoding is left to :func:`_utf8_chunk` (in worker processes
    when the file is large)."""

    def __init__(self, path: Path, encoding: str, start: int = 0, end: int | None = None) -> None:
        self.path = path
        self.encoding = encoding
        # The bytes [start, end) of the file: a part (see _parts). The first part checks the file's head and
        # decides the line end; a later part is told the line end, and numbers its lines from 1 (the lines of the
        # parts before it are added once every part is read: see stage_csv).
        self.start, self.end = start, end
        self.digest = hashlib.sha256() if start == 0 and end is None else None  # a whole file's, else hashed apart
        self.spans: list[tuple[int, int, int]] = []  # (first line, first byte, bytes) of every chunk
        self.line = 1  # the first line of the next chunk
        self.may_have_pua = False
        self.may_have_controls = False
        self.crlf: bool | None = None  # the text is written with CRLF line ends (decided by the first chunk)

    def chunks(self, handle: Any) -> Iterator[tuple[Any, ...]]:
        """The arguments of :func:`_utf8_chunk` for every chunk of whole lines, read as they are asked for."""
        path, encoding = self.path, self.encoding
        carry = b""
        first = self.start == 0
        offset = self.start
        handle.seek(self.start)
        left = None if self.end is None else self.end - self.start
        while True:
            block = handle.read(CHUNK if left is None else min(CHUNK, left))
            if left is not None:
                left -= len(block)
            if self.digest is not None:
                self.digest.update(block)
            if first:
                # The file's head, as a whole file's first chunk holds it, whatever the first part's size.
                head = block if self.end is None or len(block) >= 1 << 16 else _file_head(path)
                check_text(head[: 1 << 16], path)
                if encoding == "utf-8" and block.startswith(codecs.BOM_UTF8):
                    block, offset = block[3:], 3
                if encoding == "cp932" and _looks_utf8(head):
                    raise InputFileError(
                        say(
                            "ファイルは UTF-8 ですが、マッピングでは cp932 になっています",
                            "the file is UTF-8 but the mapping says cp932",
                        ),
                        where=path,
                        hint=say(
                            "マッピングの source に 'encoding: utf-8'（または utf-8-sig）と書いてください",
                            "set 'encoding: utf-8' (or utf-8-sig) in the mapping's source",
                        ),
                    )
                first = False
            data = carry + block
            if not block:
                if not data:
                    return
                cut = len(data)
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    if len(data) > MAX_CARRY:
                        raise _line_too_long(self.line + _lines_before(path, self.start), path)
                    carry = data
                    continue
            chunk, carry = data[:cut], data[cut:]
            body = chunk[:-1] if chunk.endswith(b"\n") else chunk
            newlines = body.count(b"\n")
            self.may_have_pua = self.may_have_pua or _may_have_pua(body, encoding)
            self.spans.append((self.line, offset, len(chunk)))
            if self.crlf is None:  # one line end throughout: DuckDB refuses a file that mixes them
                self.crlf = chunk.count(b"\r\n") == newlines + chunk.endswith(b"\n")
            # utf-8-sig drops a BOM at the start of the file only, not at the start of a later chunk or part.
            chunk_encoding = "utf-8" if encoding == "utf-8-sig" and offset else encoding
            yield chunk, newlines, self.line, offset, chunk_encoding, self.crlf, current(), offset + len(chunk)
            self.line += newlines + 1
            offset += len(chunk)
            if not block:
                return


def _line_too_long(line: int, path: Path) -> InputFileError:
    return InputFileError(
        say(
            f"{line} 行目が改行のないまま {MAX_CARRY >> 20} MiB を超えています",
            f"line {line} runs past {MAX_CARRY >> 20} MiB without a line break",
        ),
        where=path,
        hint=say(
            "レコードは LF か CRLF で終わる必要があります。ファイルを出力し直してください（改行が"
            "CR だけのファイルや、区切りのない固定長レコードには別のマッピングが必要です）",
            "records must end with LF or CRLF: re-export the file (a file with CR line ends, "
            "or fixed-width records without terminators, needs another mapping)",
        ),
    )


def _utf8_chunk(
    chunk: bytes,
    newlines: int,
    first_line: int,
    offset: int,
    encoding: str,
    crlf: bool,
    language: Language,
    read: int,
) -> tuple[bytes, bytes, list[Rejected], bool, tuple[int, int]]:
    """A chunk of whole lines as the UTF-8 text DuckDB reads, and its line end; the lines that do not decode
    (replaced, so line numbers stay 1:1) are rejected; whether a value may hold a control character. Runs in a
    worker process for a large file. ``read``, the bytes read up to the chunk's end, comes back with the chunk's
    last line for the progress line."""
    rejected: list[Rejected] = []
    with chosen(language):  # the rejections' rules are said in the run's language
        body = chunk[:-1] if chunk.endswith(b"\n") else chunk
        try:
            if b"\x00" in body:
                raise UnicodeDecodeError(encoding, b"", 0, 1, "NUL")
            text = body.decode(encoding)
        except UnicodeDecodeError:
            text = _decode_lines(body, first_line, offset, encoding, rejected)
    data = text.encode("utf-8")
    lines = first_line + newlines  # the last line of the chunk
    pairs = functools.cache(lambda: chunk.count(b"\r\n"))  # 0.1 s for 80 MB: counted once, and only if needed
    controls = _may_have_controls(chunk, encoding, crlf_pairs=pairs)
    # A file whose first chunk has only CRLF is written as it is (no copy of the text to drop the CRs), others
    # get LF.
    if crlf:
        if pairs() != newlines + chunk.endswith(b"\n"):
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        return data, b"\n" if data.endswith(b"\r") else b"\r\n", rejected, controls, (read, lines)
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    return data[:-1] if data.endswith(b"\r") else data, b"\n", rejected, controls, (read, lines)


def _parts(size: int) -> int:
    """How many parts a file of ``size`` bytes is read in: one per worker process, so one per core for a large file.

    DuckDB parses a named pipe on one thread: each part goes through a pipe of its own, and DuckDB parses the parts
    side by side (on 2 cores, the UTF-8 text of 1M rows: 1.41 s from one pipe, 0.87 s from two). A small file is
    one part, decoded in the run's own process."""
    return max(workers_for(size, CHUNK), 1)


def _csv_cuts(path: Path, size: int, count: int) -> list[tuple[int, int | None]]:
    """The byte ranges of (at most) ``count`` parts of a CSV, each cut after a line feed; the last is open-ended.

    A cut inside a quoted value that spans lines leaves both halves malformed: such a file is refused, or those
    lines quarantined, either way (records are one line each)."""
    cuts = [0]
    with path.open("rb") as handle:
        for k in range(1, count):
            at = max(size * k // count, cuts[-1])
            handle.seek(at)
            found = handle.read(1 << 20).find(b"\n")
            if found >= 0 and at + found + 1 < size:
                cuts.append(at + found + 1)
    ends: list[int | None] = [*cuts[1:], None]
    return list(zip(cuts, ends, strict=True))


class _Hashing:
    """The SHA-256 of a file, taken in a thread of its own; :meth:`finish` (an exit callback) waits for it, or
    stops it when the read failed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sha256 = ""
        self.error: OSError | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._hash, name="fitgap-hash", daemon=True)
        self.thread.start()

    def _hash(self) -> None:
        try:  # hashlib works without the interpreter lock: the decoding threads go on meanwhile
            self.sha256 = file_sha256(self.path, self.stop)
        except OSError as exc:  # raised by finish(), in the run's own thread
            self.error = exc

    def finish(self, error: type[BaseException] | None, *_: object) -> bool:
        if error is not None:
            self.stop.set()
        try:
            self.thread.join()
        except BaseException:  # Ctrl-C while waiting: the thread stops too
            self.stop.set()
            raise
        if error is None and self.error is not None:
            raise self.error
        return False


def _file_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(1 << 16)


def _lines_before(path: Path, end: int) -> int:
    """The lines that end before byte ``end`` (a later part's error names its line in the whole file)."""
    count = 0
    with path.open("rb") as handle:
        while end > 0 and (block := handle.read(min(CHUNK, end))):
            count += block.count(b"\n")
            end -= len(block)
    return count


def stage_csv(con: Any, mapping: Mapping, workdir: Path, progress: Progress = None) -> Staged:
    path = mapping.source_path
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _source_missing(path) from None
    staged = _stage_csv(con, mapping, workdir, progress, size, _parts(size))
    if staged is None:
        # A line DuckDB refused lies at a cut between parts (a quoted value cut in two, perhaps): the file is read
        # again in one part, so whether it is refused, and how, never depends on where the parts were cut.
        for table in ("raw", "reject_errors", "reject_scans"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        staged = _stage_csv(con, mapping, workdir, progress, size, 1)
    assert staged is not None
    return staged


def _stage_csv(con: Any, mapping: Mapping, workdir: Path, progress: Progress, size: int, count: int) -> Staged | None:
    """The CSV staged from ``count`` parts, or None when a line DuckDB refused lies at a cut between parts."""
    source = mapping.file.source
    assert isinstance(source, CsvSource)
    path = mapping.source_path
    encoding = _python_encoding(source.encoding)
    workers = workers_for(size, CHUNK)
    states = [_CsvRead(path, encoding, start, end) for start, end in _csv_cuts(path, size, count)]
    found: list[list[Rejected]] = [[] for _ in states]  # each part's lines that do not decode
    done = [(0, 0)] * len(states)  # each part's bytes and lines read so far, for the progress line
    told = threading.Lock()
    with contextlib.ExitStack() as stack:
        # The worker processes, forked here from the run's own thread before the reading threads start, decode the
        # chunks of every part; leaving the block early stops them. (The Ctrl-C thread of spec_catalog/ctrl_c.py may
        # exist: it waits in a read and holds no lock the workers could inherit taken.)
        pool = stack.enter_context(worker_pool(workers))
        in_flight = max(workers // len(states), 1) if pool is not None else 0  # 0: decoded in this process
        handles = [stack.enter_context(path.open("rb")) for _ in states]
        identity = file_identity(handles[0])
        streams = [
            ordered_map(_utf8_chunk, state.chunks(handle), in_flight, pool)
            for state, handle in zip(states, handles, strict=True)
        ]
        for stream in streams:
            stack.callback(stream.close)
        # The first part's first chunk holds the first line (the columns) and decides the line end for every part.
        firsts: list[Any] = [next(streams[0], None)]
        for state in states[1:]:
            state.crlf = states[0].crlf
        firsts += _first_chunks(streams[1:])
        first = firsts[0]
        assert not isinstance(first, BaseException)
        columns = _csv_columns(_first_line(first[0] if first else b""), source, path)
        names = [f"c{i}" for i in range(len(columns))]
        options = (
            f"header={'true' if source.header else 'false'}, all_varchar=true, auto_detect=false, "
            f"delim={literal(source.delimiter)}, quote={literal(source.quote)}, escape={literal(source.quote)}, "
            f"columns={{{', '.join(f'{literal(n)}: {literal(_VARCHAR)}' for n in names)}}}, "
            "store_rejects=true, ignore_errors=true, strict_mode=true, null_padding=false, "
            f"max_line_size={MAX_LINE}" + ("" if states[0].crlf else ", new_line='\\n'")  # '\r\n' reads no row
        )
        # DuckDB reads the header of every part: a later part starts with a copy of the first line.
        opening = first[0] + first[1] if first else b""  # the chunk's text comes without its last line end
        header = opening[: opening.find(b"\n") + 1] if source.header and len(states) > 1 else b""

        def writer(part: int) -> Write:
            def write(out: BinaryIO, stop: threading.Event) -> None:
                if part:
                    out.write(header)
                head = firsts[part]
                if isinstance(head, BaseException):  # the part's first chunk failed
                    raise head
                for data, end, lost, controls, (read, lines) in itertools.chain([head] if head else [], streams[part]):
                    if stop.is_set():
                        return
                    out.write(data)
                    out.write(end)
                    found[part].extend(lost)
                    states[part].may_have_controls |= controls
                    faults.point("read")  # half-way through the file when the file has several chunks
                    if progress:
                        with told:  # the parts' threads in turn: the line never steps back
                            done[part] = (read - states[part].start, lines)
                            progress(sum(b for b, _ in done), sum(n for _, n in done))

            return write

        # The parts read the file out of order: its hash is taken apart, meanwhile.
        hashing = _Hashing(path) if len(states) > 1 else None
        if hashing is not None:
            stack.push(hashing.finish)
        _read_decoded(con, [(workdir / f"source{k}.utf8.csv", writer(k)) for k in range(len(states))], options, path)
    # A later part numbered its lines from 1: the lines of the parts before it come first.
    before = list(itertools.accumulate((state.line - 1 for state in states), initial=0))
    rejected = [replace(r, line=r.line + before[k]) for k, part in enumerate(found) for r in part]
    total_lines = before[-1]
    offsets = LineStarts(
        path,
        identity,
        [(first + before[k], start, size) for k, state in enumerate(states) for first, start, size in state.spans],
        total_lines,
    )
    may_have_pua = any(state.may_have_pua for state in states)
    may_have_controls = any(state.may_have_controls for state in states)
    sha256 = hashing.sha256 if hashing is not None else states[0].digest.hexdigest() if states[0].digest else ""
    first_data = 2 if source.header else 1
    # DuckDB numbers the lines of each part (file_id) from 1, a later part's copied header included.
    shift = [before[k] - (1 if source.header and k else 0) for k in range(len(states))]
    edges = {before[k] + d for k in range(1, len(states)) for d in (0, 1)}  # the lines on each side of a cut
    # DuckDB records one error per missing column: one quarantine entry per line is enough.
    refused = []
    for file_id, part_line, error_type in con.execute(
        "SELECT file_id, line, first(error_type ORDER BY column_idx) FROM reject_errors "
        "GROUP BY file_id, line ORDER BY file_id, line"
    ).fetchall():
        reject_line = int(part_line) + shift[int(file_id)]
        if reject_line in edges:
            return None
        reason = Code.COLUMN_COUNT if "COLUMNS" in str(error_type) else Code.CSV_MALFORMED
        refused.append((reject_line, reason, _csv_rule(str(error_type), len(names))))
    at = offsets.offsets(line for line, _, _ in refused)
    rejected += [Rejected(line, at[line], reason, rule) for line, reason, rule in refused]
    staged_rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    rejected_lines = {r.line for r in rejected if r.reason in (Code.COLUMN_COUNT, Code.CSV_MALFORMED)}
    data_lines = total_lines - first_data + 1
    if staged_rows + len(rejected_lines) != data_lines:
        records = staged_rows + len(rejected_lines)
        raise InputFileError(
            say(
                f"データ行が {data_lines} 行あるのにレコードは {records} 件です。"
                "引用符で囲まれた値が行をまたいでいます",
                f"the file has {data_lines} data lines but {records} records: a quoted field spans lines",
            ),
            where=path,
            hint=say(
                "値の中に改行を入れずに出力し直してください（レコードは1行に1件です）",
                "re-export without line breaks inside fields (records must be one line each)",
            ),
        )
    _create_stage(con, sorted(rejected_lines), first_data)
    return Staged(
        may_have_pua=may_have_pua,
        may_have_controls=may_have_controls,
        columns=columns,
        rows_read=max(data_lines, 0),
        rejected=rejected,
        line_offsets=offsets,
        sha256=sha256,
    )


def _create_stage(con: Any, rejected: list[int], first_data: int) -> None:
    """The ``stage`` view: ``raw`` with each row's source line, given the lines DuckDB rejected (sorted).

    Row k (its rowid) follows the i-th rejected line (0-based) when k >= line_i - first_data - i: every rejected
    line moves the rows after it down by one line. For a few rejected lines that is a sum of comparisons (the
    stage stays a view, nothing copied); for many, an ASOF join materialised once.
    """
    shifts = [line - first_data - i for i, line in enumerate(rejected)]
    if len(shifts) <= 64:
        moved = "".join(f" + (rowid >= {k})::BIGINT" for k in shifts)
        con.execute(f"CREATE TEMP VIEW stage AS SELECT rowid + {first_data}{moved} AS _line, * FROM raw")
        return
    # Rejected lines in a row share a k: the ASOF join must find one row per k, the one that counts them all.
    moved_by = {k: n for n, k in enumerate(shifts, start=1)}
    con.execute(
        "CREATE TEMP TABLE shifts AS SELECT unnest($k) AS k, unnest($n) AS n",
        {"k": list(moved_by), "n": list(moved_by.values())},
    )
    # Materialised: every transform step reads the stage again.
    con.execute(
        f"CREATE TEMP TABLE staged AS SELECT raw.rowid + {first_data} + coalesce(shifts.n, 0) AS _line, raw.* "
        "FROM raw ASOF LEFT JOIN shifts ON raw.rowid >= shifts.k ORDER BY raw.rowid"
    )
    con.execute("CREATE TEMP VIEW stage AS SELECT * FROM staged")


def _looks_utf8(block: bytes) -> bool:
    sample = block[: 1 << 16]
    if sample.startswith(codecs.BOM_UTF8):
        return True
    if all(b < 0x80 for b in sample[:4096]) and max(sample, default=0) < 0x80:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 3:  # not merely cut in the middle of the last character
            return False
        text = sample[: exc.start].decode("utf-8")
    # A few CP932 bytes can also be valid UTF-8 (ﾞ森 = DE 90 58 reads as U+0790 X): UTF-8 it is only when what
    # it decodes to is mostly Japanese (kana, kanji, full-width forms), as a real UTF-8 export's text is.
    wide = [ch for ch in text if ord(ch) >= 0x80]
    japanese = sum(
        1 for ch in wide if "\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
    )
    return japanese * 2 >= len(wide)


def _first_line(chunk: bytes) -> str:
    """The first line of the decoded text (with its line end), as far as the columns need it."""
    end = chunk.find(b"\n")
    text = chunk[: end + 1 if end >= 0 else MAX_LINE * 4 + 1].decode("utf-8", errors="replace")
    return io.StringIO(text, newline="").readline(MAX_LINE + 1)  # a CR alone ends a line too, as in a file


Write = Callable[[BinaryIO, threading.Event], None]


def _first_chunks(streams: list[Any]) -> list[Any]:
    """The first chunk of each later part, or the error it raised: that part's writer raises it, and the parts'
    errors are raised in the parts' order (:func:`_read_into_raw`), so the first in the file is the one a user
    sees. Taken before any reading thread starts: the worker processes are forked from the run's own thread."""
    firsts: list[Any] = []
    for stream in streams:
        try:
            firsts.append(next(stream, None))
        except Exception as exc:
            firsts.append(exc)
    return firsts


def _read_decoded(con: Any, parts: list[tuple[Path, Write]], options: str, path: Path, select: str = "*") -> None:
    """The table ``raw``: DuckDB reads the decoded text that each part's ``write`` gives, the parts in order.

    Through named pipes, one a part, each filled by a thread while DuckDB reads it: no copy of the source is
    written to disk (at this machine's 220 MB/s, a second per million rows) and decoding overlaps DuckDB's
    parsing. DuckDB parses one pipe on one thread but several pipes side by side, keeping the parts' order in
    the table: a large file is read in as many parts as it has decoding streams (see :func:`_parts`). Where there
    are no named pipes (Windows, a temporary folder that cannot hold one), the text is written to the files first.
    A thread's error (a line too long, the file not in its encoding) is the one raised: DuckDB then only saw the
    text end early. When DuckDB stops first (its own error, Ctrl-C), the pipes are drained until the threads have
    stopped, so none can block.
    """
    targets = [target for target, _ in parts]
    try:
        _read_into_raw(con, parts, options, path, select)
    finally:  # the pipes, or the copies of the source text: never left behind
        for target in targets:
            target.unlink(missing_ok=True)


def _read_into_raw(con: Any, parts: list[tuple[Path, Write]], options: str, path: Path, select: str) -> None:
    targets = [target for target, _ in parts]
    files = literal(str(targets[0])) if len(targets) == 1 else f"[{', '.join(literal(str(t)) for t in targets)}]"
    sql = f"CREATE TEMP TABLE raw AS SELECT {select} FROM read_csv({files}, {options})"
    stop = threading.Event()
    try:
        for target in targets:
            os.mkfifo(target, 0o600)
    except (AttributeError, OSError):  # no named pipes here: the text goes to files first
        for target, write in parts:
            target.unlink(missing_ok=True)
            with target.open("wb") as out:
                write(out, stop)
        _parse(con, sql, path)
        return
    failed: dict[int, BaseException] = {}  # by part: the first part's error is the one a whole read meets first

    def fill(part: int, target: Path, write: Write) -> None:
        try:
            with target.open("wb") as out:  # waits for DuckDB to open the pipe
                write(out, stop)
        except BaseException as exc:  # raised in the run's own thread, below
            failed[part] = exc  # the other parts read on: an earlier part may hold an earlier error to report

    # The run's language and settings (context variables) go with each thread.
    threads = [
        threading.Thread(
            target=contextvars.copy_context().run, args=(fill, k, target, write), name="fitgap-read", daemon=True
        )
        for k, (target, write) in enumerate(parts)
    ]
    with _ctrl_c_stops(con, stop) as interrupted:
        for thread in threads:
            thread.start()
        error: BaseException | None = None
        try:
            _parse(con, sql, path)
        except BaseException as exc:  # its own error, or Ctrl-C outside the main thread (no handler there)
            error = exc
        if error is None:
            for thread in threads:
                thread.join()
        else:
            _drain(targets, threads, stop)
    if interrupted.is_set():
        raise KeyboardInterrupt
    errors = [failed[k] for k in sorted(failed) if not isinstance(failed[k], BrokenPipeError)]
    if errors:
        raise errors[0] from None
    if error is not None:
        raise error
    if failed:  # DuckDB stopped reading before the end without an error of its own: never to be passed over
        raise RuntimeError("DuckDB stopped reading the decoded source before its end") from next(iter(failed.values()))


@contextlib.contextmanager
def _ctrl_c_stops(con: Any, stop: threading.Event) -> Iterator[Any]:
    """While DuckDB reads the pipe, Ctrl-C interrupts its statement and stops the thread that fills the pipe;
    the block ends (the pipe drained) before the KeyboardInterrupt is raised. Python's own handler would raise it
    at any point of the clean-up (DuckDB, blocked reading the pipe, gets an interrupted system call and the
    KeyboardInterrupt fires as its error is handled), leaving the thread behind. Yields what tells, with
    ``is_set()``, whether Ctrl-C was pressed. A run's connection is already watched
    (:func:`spec_catalog.ctrl_c.interruptible`); any other is watched for the block."""
    with contextlib.ExitStack() as stack:
        watched = con if hasattr(con, "on_ctrl_c") else stack.enter_context(interruptible(con))
        if not hasattr(watched, "on_ctrl_c"):  # not the main thread, or a process that ignores Ctrl-C
            yield threading.Event()
            return
        yield stack.enter_context(watched.on_ctrl_c(stop.set))


def _drain(targets: list[Path], threads: list[threading.Thread], stop: threading.Event) -> None:
    """Read and drop what the threads still write into the pipes until they have stopped (each stops at its next
    chunk)."""
    stop.set()
    # Opening without waiting lets a thread that waits to open its pipe go on.
    readers = [os.open(target, os.O_RDONLY | os.O_NONBLOCK) for target in targets]
    try:
        while alive := [thread for thread in threads if thread.is_alive()]:
            got = False
            for reader in readers:
                with contextlib.suppress(BlockingIOError):
                    got = bool(os.read(reader, 1 << 20)) or got
            if not got:
                alive[0].join(0.01)
    finally:
        for reader in readers:
            os.close(reader)


def _parse(con: Any, sql: str, path: Path) -> None:
    import duckdb

    try:
        con.execute(sql)
    except duckdb.InvalidInputException as exc:
        why = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
        raise InputFileError(
            say(f"CSV として解析できません（{why}）", f"the CSV cannot be parsed ({why})"),
            where=path,
            hint=_check_settings(),
        ) from None


def _csv_columns(first: str, source: CsvSource, path: Path) -> list[str]:
    """The columns, from the first line of the decoded text."""
    if len(first) > MAX_LINE:
        raise InputFileError(
            say(f"1行目が {MAX_LINE:,} 文字を超えています", f"line 1 is longer than {MAX_LINE:,} characters"),
            where=path,
            hint=say(
                "1行に1レコードの CSV か確かめてください（改行が CR だけかもしれません）",
                "check that the file is a CSV with one record per line (its line breaks may be CR alone)",
            ),
        )
    if not first.strip() and source.header:
        raise InputFileError(
            say("見出し行が空です", "the header line is empty"),
            where=path,
            hint=say("'header: false' として列に名前を付けてください", "set 'header: false' and name the columns"),
        )
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE))  # a record's field may be as long as its line
    try:
        row = next(csv.reader(io.StringIO(first), delimiter=source.delimiter, quotechar=source.quote), [])
    except csv.Error as exc:
        raise InputFileError(
            say(f"1行目を CSV として読めません（{exc}）", f"line 1 cannot be read as CSV ({exc})"),
            where=path,
            hint=_check_settings(),
        ) from None
    if source.columns:
        if len(source.columns) != len(row):
            raise InputFileError(
                say(
                    f"マッピングは {len(source.columns)} 列を挙げていますが、1行目は {len(row)} 列です",
                    f"the mapping names {len(source.columns)} columns but line 1 has {len(row)}",
                ),
                where=path,
                hint=say(
                    "source.columns に列ごとに名前を一つ書いてください", "list one name per column under source.columns"
                ),
            )
        return list(source.columns)
    if source.header:
        return [name.strip() for name in row]
    return [f"column{i + 1}" for i in range(len(row))]


def stage_fixed(con: Any, mapping: Mapping, workdir: Path, progress: Progress = None) -> Staged:
    source = mapping.file.source
    assert isinstance(source, FixedSource)
    path = mapping.source_path
    encoding = _python_encoding(source.encoding)
    terminator = {"crlf": b"\r\n", "lf": b"\n", "none": b""}[source.terminator]
    length = source.length
    size_of = length + len(terminator)
    try:
        total = path.stat().st_size
    except FileNotFoundError:
        raise _source_missing(path) from None
    rejected: list[Rejected] = []
    records = total // size_of
    rest = total - records * size_of
    if rest == length and terminator:  # the last record lacks its line terminator: still whole
        records, rest = records + 1, 0
    per_chunk = max(1, CHUNK // size_of)
    # The records in parts, one a worker process, each read through a pipe of its own so that DuckDB parses and
    # trims the parts side by side (see _parts); records have one size, so a part starts at a record's start.
    count = _parts(records * size_of)
    bounds = [records * k // count for k in range(count + 1)]
    workers = workers_for(records * size_of, CHUNK)
    may_have_pua = [False] * count
    may_have_controls = [False] * count
    ending = len(terminator.translate(None, _NOT_CONTROL))  # the control bytes that end a record (CR, LF)
    found: list[list[Rejected]] = [[] for _ in range(count)]  # each part's records that do not decode
    done = [0] * count  # each part's records read so far, for the progress line
    told = threading.Lock()
    with path.open("rb") as handle:
        check_text(handle.read(1 << 16), path)
    digest = hashlib.sha256() if count == 1 else None  # a whole file read in order; parts are hashed apart

    def chunks(handle: BinaryIO, part: int) -> Iterator[tuple[Any, ...]]:
        """The arguments of :func:`_utf8_records` for every chunk of the part's records, read as they are asked
        for."""
        handle.seek(bounds[part] * size_of)
        for first in range(bounds[part], bounds[part + 1], per_chunk):
            n = min(per_chunk, bounds[part + 1] - first)
            data = handle.read(n * size_of)
            if digest is not None:
                digest.update(data)
            if len(data) < n * size_of:  # only the last record may lack its terminator
                data += terminator
            block = np.frombuffer(data, dtype=np.uint8).reshape(n, size_of)
            if terminator and not (block[:, length:] == np.frombuffer(terminator, dtype=np.uint8)).all():
                ended = (block[:, length:] == np.frombuffer(terminator, np.uint8)).all(axis=1)
                bad = int(np.flatnonzero(~ended)[0])
                record, at, ends = first + bad + 1, (first + bad) * size_of + length, source.terminator.upper()
                raise InputFileError(
                    say(
                        f"レコード {record} が {at} バイト目で {ends} で終わっていません",
                        f"record {record} does not end with {ends} at byte {at}",
                    ),
                    where=path,
                    hint=_check_layout(),
                )
            _check_no_separators(block[:, :length], first, size_of, path)
            may_have_pua[part] = may_have_pua[part] or _may_have_pua(data, encoding)
            if not may_have_controls[part]:
                may_have_controls[part] = _may_have_controls(data, encoding, record_ends=n * ending)
            yield block[:, :length].copy(), first, size_of, source, encoding, current(), first + n
        if digest is not None:
            digest.update(handle.read())  # a short last record, if any

    names = ["_line"] + [f"c{i}" for i in range(len(source.fields))]
    types = ", ".join(f"{literal(n)}: {literal('BIGINT' if n == '_line' else 'VARCHAR')}" for n in names)
    # The padding of fixed-width fields is dropped by DuckDB as it reads: trim() drops the spaces of both widths
    # (half- and full-width: the only Unicode spaces CP932, Shift_JIS and EUC-JP have; from UTF-8, the other
    # Unicode spaces too), and a field of spaces only is empty, as an empty field of a CSV. Trimming the bytes
    # with NumPy before decoding took 3 CPU-seconds a million records, in the workers that decode; trim() with
    # the two spaces named is slower than trim() alone (the whole read 5.2 against 2.9 s, on one thread).
    fields = ", ".join(f"nullif(trim(c{i}), '') AS c{i}" if source.trim else f"c{i}" for i in range(len(source.fields)))
    with contextlib.ExitStack() as stack:
        # The worker processes, forked here from the run's own thread before the reading threads start, decode the
        # chunks of every part; leaving the block early stops them.
        pool = stack.enter_context(worker_pool(workers))
        in_flight = max(workers // count, 1) if pool is not None else 0  # 0: decoded in this process
        handles = [stack.enter_context(path.open("rb")) for _ in range(count)]
        streams = [
            ordered_map(_utf8_records, chunks(handle, part), in_flight, pool) for part, handle in enumerate(handles)
        ]
        for stream in streams:
            stack.callback(stream.close)
        firsts: list[Any] = [next(streams[0], None), *_first_chunks(streams[1:])]  # the first part's error: at once

        def writer(part: int) -> Write:
            def write(out: BinaryIO, stop: threading.Event) -> None:
                head = firsts[part]
                if isinstance(head, BaseException):  # the part's first chunk failed
                    raise head
                for text, lost, read in itertools.chain([head] if head else [], streams[part]):
                    if stop.is_set():
                        return
                    out.write(text)
                    found[part].extend(lost)
                    if progress:
                        with told:  # the parts' threads in turn: the line never steps back
                            done[part] = read - bounds[part]
                            progress(sum(done) * size_of, sum(done))

            return write

        hashing = _Hashing(path) if digest is None else None
        if hashing is not None:
            stack.push(hashing.finish)
        _read_decoded(
            con,
            [(workdir / f"source{k}.utf8.txt", writer(k)) for k in range(count)],
            f"header=false, auto_detect=false, delim={literal(SEP)}, quote='', escape='', columns={{{types}}}, "
            "new_line='\\n', strict_mode=false",
            path,
            select=f"_line, {fields}",
        )
    # By record: a chunk lists its NUL bytes first, and where the chunks begin depends on the parts.
    rejected = sorted((r for part in found for r in part), key=lambda r: r.line)
    if rest:
        line = records + 1
        rejected.append(
            Rejected(
                line,
                records * size_of,
                Code.TRUNCATED_RECORD,
                say(
                    f"最後のレコードが {size_of} バイト中 {rest} バイトしかありません",
                    f"last record has {rest} of {size_of} bytes",
                ),
            )
        )
    con.execute("CREATE TEMP VIEW stage AS SELECT * FROM raw")
    return Staged(
        may_have_pua=any(may_have_pua),
        may_have_controls=any(may_have_controls),
        columns=[f.name for f in source.fields],
        rows_read=records + (1 if rest else 0),
        rejected=rejected,
        sha256=hashing.sha256 if hashing is not None else digest.hexdigest() if digest is not None else "",
    )


def _utf8_records(
    block: Any, first: int, size_of: int, source: FixedSource, encoding: str, language: Language, done: int
) -> tuple[bytes, list[Rejected], int]:
    """A chunk of fixed-width records as the UTF-8 text DuckDB reads, and the records that do not decode. Runs in
    a worker process for a large file."""
    rejected: list[Rejected] = []
    with chosen(language):  # the rejections' rules are said in the run's language
        text = _fixed_chunk(block, first, size_of, source, encoding, rejected)
    return text.encode("utf-8"), rejected, done


def _check_no_separators(records: Any, first: int, size_of: int, path: Path) -> None:
    """A record holding a line feed (or the unit separator the staged text uses) is a layout mistake — CRLF
    records read with ``terminator: none``, a wrong record length — and could not be staged: one clear error."""
    hits = (records == 0x0A) | (records == 0x1F)
    if not hits.any():
        return
    index = int(np.flatnonzero(hits.any(axis=1))[0])
    at = int(np.flatnonzero(hits[index])[0])
    record, byte, offset = first + index + 1, f"{int(records[index, at]):02X}", (first + index) * size_of + at
    raise InputFileError(
        say(
            f"レコード {record} の {offset} バイト目に制御バイト {byte} があります",
            f"record {record} holds the control byte {byte} at byte {offset}",
        ),
        where=path,
        hint=_check_layout(),
    )


def _line_digits(first: int, count: int) -> Any:
    numbers = np.arange(first + 1, first + count + 1, dtype=np.int64)
    powers = 10 ** np.arange(11, -1, -1, dtype=np.int64)
    return ((numbers[:, None] // powers) % 10 + 48).astype(np.uint8)  # 12 ASCII digits per record


def _fixed_chunk(
    block: Any, first: int, size_of: int, source: FixedSource, encoding: str, rejected: list[Rejected]
) -> str:
    """One chunk of records as ``line<US>field<US>field…\\n`` text, decoded per field boundary."""
    nul = np.flatnonzero((block == 0).any(axis=1))
    for index in nul.tolist():
        line = first + index + 1
        at = int(np.flatnonzero(block[index] == 0)[0])
        rejected.append(Rejected(line, (line - 1) * size_of + at, Code.NUL_BYTE, _nul_byte()))
        block[index] = 0x20
    count, length = block.shape
    # The record's number, a separator before every field, a line feed: the record widened by those bytes, then
    # one gather of every byte into its place (0.4 s a million records of 22 fields, against 0.75 s for joining
    # the per-field slices).
    widened = np.empty((count, 12 + length + 2), dtype=np.uint8)
    widened[:, :12] = _line_digits(first, count)
    widened[:, 12 : 12 + length] = block
    widened[:, 12 + length :] = (0x1F, 0x0A)
    staged = np.take(widened, _staged_order(tuple((f.start, f.length) for f in source.fields), length), axis=1)
    ends = np.arange(1, count + 1) * staged.shape[1]
    data = staged.tobytes()
    starts = np.concatenate(([0], ends[:-1]))
    blank = "\x1f" * len(source.fields) + "\n"  # a record that does not decode: its number and empty fields
    # Decode the chunk at once; a record that does not decode is found from the error's position (the separators
    # are no trail bytes, so a field's dangling lead byte fails inside its own record), rejected and blanked.
    # After many bad records (a file in another encoding) each retry would decode the rest again: then go on
    # record by record.
    texts: list[str] = []
    record, failures = 0, 0
    while record < count:
        begin = int(starts[record])
        try:
            if failures < 32:
                texts.append(str(memoryview(data)[begin:], encoding))
                break
            texts.append(data[begin : int(ends[record])].decode(encoding))
            record += 1
            continue
        except UnicodeDecodeError as exc:
            index = int(np.searchsorted(ends, begin + exc.start, side="right"))
        failures += 1
        texts.append(data[begin : int(starts[index])].decode(encoding))
        _reject_record(bytes(block[index]), first + index + 1, size_of, source, encoding, rejected)
        texts.append(staged[index, :12].tobytes().decode("ascii") + blank)
        record = index + 1
    return "".join(texts)


@functools.lru_cache(maxsize=16)
def _staged_order(fields: tuple[tuple[int, int], ...], length: int) -> Any:
    """Where each byte of a staged record comes from in the widened record of :func:`_fixed_chunk`: the number
    (12 bytes), then each field (start from 1, length) after the separator, then the line feed."""
    order = list(range(12))
    for start, size in fields:
        order += [12 + length, *range(12 + start - 1, 12 + start - 1 + size)]
    order.append(12 + length + 1)
    array = np.array(order, dtype=np.intp)
    array.flags.writeable = False  # shared by every chunk
    return array


def _reject_record(
    record: bytes, line: int, size_of: int, source: FixedSource, encoding: str, rejected: list[Rejected]
) -> None:
    """Record why a record does not decode: the first field that does not, and whether it splits a character."""
    for f in source.fields:
        raw = record[f.start - 1 : f.start - 1 + f.length]
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as exc:
            split = exc.start == len(raw) - 1 and raw[-1] in _LEAD
            bytes_ = f"{f.start}–{f.start + f.length - 1}"
            if split:
                rule = say(
                    f"フィールド {f.name}（{bytes_} バイト目）: 最後のバイトが2バイト文字の1バイト目です",
                    f"field {f.name} (bytes {bytes_}): its last byte starts a double-byte character",
                )
            else:
                rule = say(
                    f"フィールド {f.name}（{bytes_} バイト目）: {encoding} として読めません",
                    f"field {f.name} (bytes {bytes_}): not {encoding}",
                )
            rejected.append(
                Rejected(
                    line,
                    (line - 1) * size_of + f.start - 1 + exc.start,
                    Code.FIELD_SPLITS_DOUBLE_BYTE if split else Code.ENCODING_INVALID,
                    rule,
                    raw[exc.start : exc.start + 2].hex(" ").upper(),
                )
            )
            return
    # Every field decodes alone: the bytes between the fields (outside every field) do not.
    rejected.append(
        Rejected(
            line, (line - 1) * size_of, Code.ENCODING_INVALID, say(f"{encoding} として読めません", f"not {encoding}")
        )
    )


def stage_excel(con: Any, mapping: Mapping, workdir: Path) -> Staged:
    """Stage a sheet: each row as text, by what a person sees in Excel, or rejected with the cell that is not.

    Dates are written as ISO dates (a date cell is a number underneath), a formula by its saved result. A number
    past Excel's 15 significant digits, a formula with no saved result and an error result are rejected (the
    cell is staged blank): none is rounded, guessed or loaded as ``#N/A``.
    """
    from openpyxl.utils import get_column_letter

    from spec_catalog.importers.workbook import open_workbook

    source = mapping.file.source
    assert isinstance(source, ExcelSource)
    path = mapping.source_path
    workbook = open_workbook(path)
    if source.sheet is not None and source.sheet not in workbook.sheetnames:
        sheets = ", ".join(workbook.sheetnames)
        raise InputFileError(
            say(
                f"シート '{source.sheet}' がありません（シート: {sheets}）",
                f"no sheet '{source.sheet}' (sheets: {sheets})",
            ),
            where=path,
            hint=say("source.sheet にシートの名前を書いてください", "name the sheet under source.sheet"),
        )
    sheet = workbook[source.sheet] if source.sheet else workbook.worksheets[0]
    formulas = _formula_cells(path, sheet.title, source.header_row)
    rows = sheet.iter_rows(min_row=source.header_row)
    header = next(rows, None)
    if header is None:
        raise InputFileError(say(f"シート '{sheet.title}' が空です", f"sheet '{sheet.title}' is empty"), where=path)
    columns = [_excel_text(cell.value) for cell in header]
    rejected: list[Rejected] = []
    utf8 = workdir / "source.utf8.csv"
    count = 0
    with utf8.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(rows, start=source.header_row + 1):
            values: list[str] = []
            before = len(rejected)
            for index, cell in enumerate(row, start=1):
                at = say(f"セル {get_column_letter(index)}{number}", f"cell {get_column_letter(index)}{number}")
                # A formula whose result is the empty text was calculated (its type is 'str'): it is empty.
                unsaved = cell.value is None and cell.data_type != "str" and (number, index) in formulas
                if cell.data_type == "e" or unsaved:
                    rule = (
                        say("結果がエラーの数式", "a formula with an error result")
                        if cell.data_type == "e"
                        else say("結果が保存されていない数式", "a formula with no saved result")
                    )
                    rejected.append(Rejected(number, None, Code.EXCEL_FORMULA_NO_VALUE, f"{at}: {rule}"))
                    values.append("")
                    continue
                digits = _significant_digits(cell.value)
                if digits > EXCEL_DIGITS:
                    rule = say(
                        f"{at}: 有効数字 {digits} 桁の数値（Excel が保つのは {EXCEL_DIGITS} 桁）",
                        f"{at}: a number of {digits} significant digits (Excel keeps {EXCEL_DIGITS})",
                    )
                    rejected.append(Rejected(number, None, Code.EXCEL_NUMBER_TOO_PRECISE, rule))
                    values.append("")
                    continue
                values.append(_excel_text(cell.value))
            if not any(values) and len(rejected) == before:
                continue  # an empty row (formatting only): not a record
            count += 1
            writer.writerow([number, *values[: len(columns)], *[""] * (len(columns) - len(values))])
    names = ["_line"] + [f"c{i}" for i in range(len(columns))]
    types = ", ".join(f"{literal(n)}: {literal('BIGINT' if n == '_line' else 'VARCHAR')}" for n in names)
    con.execute(
        f"CREATE TEMP TABLE raw AS SELECT * FROM read_csv({literal(str(utf8))}, header=false, auto_detect=false, "
        f"delim=',', quote='\"', escape='\"', columns={{{types}}})"
    )
    con.execute("CREATE TEMP VIEW stage AS SELECT * FROM raw")
    return Staged(columns=columns, rows_read=count, rejected=rejected)


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _formula_cells(path: Path, title: str, first_row: int) -> set[tuple[int, int]]:
    """The (row, column) of every formula cell of a sheet: the values of a workbook opened for its saved results
    cannot tell a formula with none from an empty cell. The formulas are read (streaming) only when some
    worksheet of the file holds one."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if not any(_has_formula(archive, name) for name in names):
            return set()
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return {
            (cell.row, cell.column)
            for row in workbook[title].iter_rows(min_row=first_row)
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        }
    finally:
        workbook.close()


def _has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as part:
        while block := part.read(1 << 20):
            if _FORMULA.search(tail + block):
                return True
            tail = block[-16:]
    return False


def _significant_digits(value: object) -> int:
    """Significant digits of a number as the file holds it (0 for anything else): 1234567890123456 has 16,
    1e20 has 1, 0.30000000000000004 has 17."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
        return 0
    digits = Decimal(repr(value) if isinstance(value, float) else value).normalize().as_tuple().digits
    return len(digits) if any(digits) else 0


def _excel_text(value: object) -> str:
    """A cell as the text a person sees: dates in ISO form (a date cell is a number underneath, and the date
    transforms read ISO), numbers without a trailing .0 or an exponent, None as empty, outer spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return format(Decimal(repr(value)).normalize(), "f") if not value.is_integer() else str(int(value))
    return str(value).strip()


def stage(con: Any, mapping: Mapping, workdir: Path, progress: Progress = None) -> Staged:
    """Stage the mapping's source; raises a one-line error for a file that cannot be read at all."""
    # Before opening it: a FIFO would block for ever, a device stream without end.
    check_input_file(
        mapping.source_path,
        say("元データのファイル", "source file"),
        hint=say("パスを確かめるか、--source で渡してください", "check the path or pass --source"),
    )
    source = mapping.file.source
    if isinstance(source, CsvSource):
        return stage_csv(con, mapping, workdir, progress)
    if isinstance(source, FixedSource):
        return stage_fixed(con, mapping, workdir, progress)
    return stage_excel(con, mapping, workdir)


def file_sha256(path: Path, stop: threading.Event | None = None) -> str:
    """SHA-256 of a file, read in 8 MiB blocks so a multi-GB export never sits in memory ("" when ``stop`` is set
    before the end)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 << 20):
            if stop is not None and stop.is_set():
                return ""
            digest.update(block)
    return digest.hexdigest()
