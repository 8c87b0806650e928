"""The decoded text reaches DuckDB through a named pipe a thread fills: whichever side stops first, the other
never waits for ever, and the error raised is the cause (the reader's own, or DuckDB's)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pytest

from converters import readers
from spec_catalog.base import InputFileError

pytestmark = pytest.mark.skipif(not hasattr(readers.os, "mkfifo"), reason="named pipes only")

PIECE = b"x" * (1 << 20)


def _writer(pieces: int, fail_at: int | None = None) -> Any:
    def write(out: BinaryIO, stop: threading.Event) -> None:
        for k in range(pieces):
            if stop.is_set():
                return
            if k == fail_at:
                raise ValueError("the reader's own error")
            out.write(PIECE)

    return write


class _DuckDB:
    """Opens the pipe as DuckDB does, reads ``read`` bytes, then fails (or reads to the end when ``fail`` is None)."""

    def __init__(self, read: int, fail: BaseException | None) -> None:
        self.read, self.fail, self.got = read, fail, 0

    def execute(self, sql: str) -> None:
        target = re.search(r"read_csv\(\[?'([^']+)'", sql).group(1)  # type: ignore[union-attr]  # the first part
        with Path(target).open("rb") as pipe:
            while self.fail is None or self.got < self.read:
                block = pipe.read(1 << 16)
                if not block:
                    return
                self.got += len(block)
        raise self.fail


def _run(tmp_path: Path, con: _DuckDB, write: Any) -> None:
    try:
        readers._read_decoded(con, [(tmp_path / "source.utf8.csv", write)], "header=true", tmp_path / "data.csv")
    finally:
        assert not [t for t in threading.enumerate() if t.name == "fitgap-read"]  # the thread has stopped


def test_duckdb_stopping_first_does_not_leave_the_thread_waiting(tmp_path: Path) -> None:
    con = _DuckDB(read=1 << 18, fail=duckdb.InvalidInputException("Invalid Input Error: broken"))
    with pytest.raises(InputFileError, match=r"the CSV cannot be parsed|CSV として解析できません"):
        _run(tmp_path, con, _writer(pieces=200))  # 200 MiB: far more than a pipe holds
    assert con.got < 10 << 20


def test_ctrl_c_while_duckdb_reads_stops_the_thread(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, _DuckDB(read=1 << 18, fail=KeyboardInterrupt()), _writer(pieces=200))


def test_the_readers_error_is_the_one_raised(tmp_path: Path) -> None:
    con = _DuckDB(read=0, fail=None)  # DuckDB sees the text end early, and would load what it got
    with pytest.raises(ValueError, match="the reader's own error"):
        _run(tmp_path, con, _writer(pieces=20, fail_at=5))
    assert con.got == 5 * len(PIECE)


def test_every_byte_reaches_duckdb(tmp_path: Path) -> None:
    con = _DuckDB(read=0, fail=None)
    _run(tmp_path, con, _writer(pieces=30))
    assert con.got == 30 * len(PIECE)


def test_duckdb_failing_before_it_opens_the_pipe(tmp_path: Path) -> None:
    class Refuses:
        def execute(self, sql: str) -> None:
            raise duckdb.InvalidInputException("Invalid Input Error: refused")

    with pytest.raises(InputFileError):
        _run(tmp_path, Refuses(), _writer(pieces=50))  # type: ignore[arg-type]


def test_a_real_ctrl_c_interrupts_duckdb_and_stops_the_thread_before_it_is_raised(tmp_path: Path) -> None:
    """Ctrl-C while DuckDB reads the pipe: the statement is interrupted (``con.interrupt()``), the pipe drained,
    and only then KeyboardInterrupt, so no thread is left writing (Python's own handler could raise it half-way
    through the clean-up)."""
    import os
    import signal

    class Slow:
        interrupted = False

        def execute(self, sql: str) -> None:
            target = re.search(r"read_csv\(\[?'([^']+)'", sql).group(1)  # type: ignore[union-attr]  # the first part
            with Path(target).open("rb") as pipe:
                while not self.interrupted:
                    pipe.read(1 << 12)
                    time.sleep(0.001)
            raise RuntimeError("Query interrupted")

        def interrupt(self) -> None:
            self.interrupted = True

    con = Slow()
    # Python's own handler, as in a command typed in a terminal (a background job, as CI runs, ignores SIGINT).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            _run(tmp_path, con, _writer(pieces=200))  # type: ignore[arg-type]
        assert con.interrupted
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's handler is back
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_that_reaches_another_thread_stops_a_real_duckdb_read_at_once(tmp_path: Path) -> None:
    """Real DuckDB blocked on the pipe: the main thread runs no Python, so Python's handler would wait for the
    read's end. The signal lands on another thread (as the kernel often chooses in a run full of threads); the
    watcher on the wakeup descriptor stops the writer and DuckDB at once."""
    import signal

    def slow(out: BinaryIO, stop: threading.Event) -> None:  # about 10 s of rows unless stopped
        out.write(b"n\n")
        for k in range(1000):
            if stop.is_set():
                return
            out.write(b"".join(b"%d\n" % (k * 100 + n) for n in range(100)))
            out.flush()
            time.sleep(0.01)

    bystander = threading.Event()
    other = threading.Thread(target=bystander.wait, name="bystander", daemon=True)
    other.start()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: signal.pthread_kill(other.ident or 0, signal.SIGINT))
    options = "header=true, auto_detect=false, columns={'n': 'VARCHAR'}"
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            readers._read_decoded(duckdb.connect(), [(tmp_path / "s.utf8.csv", slow)], options, tmp_path / "d.csv")
    finally:
        timer.cancel()
        bystander.set()
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - started < 3
    assert signal.set_wakeup_fd(-1) == -1  # the wakeup descriptor is given back
    assert not [t for t in threading.enumerate() if t.name in ("fitgap-read", "fitgap-signal")]


def test_a_process_that_ignores_ctrl_c_keeps_ignoring_it_while_reading(tmp_path: Path) -> None:
    import signal

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with readers._ctrl_c_stops(object(), threading.Event()):
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_several_pipes_duckdb_failing_releases_every_thread(tmp_path: Path) -> None:
    # DuckDB reads the first part's pipe, then fails: the threads of the other parts, one still waiting for its
    # pipe to be opened, are released (drained) and none is left behind.
    con = _DuckDB(read=1 << 18, fail=duckdb.InvalidInputException("Invalid Input Error: broken"))
    parts = [(tmp_path / f"source{k}.utf8.csv", _writer(pieces=200)) for k in range(3)]
    with pytest.raises(InputFileError):
        readers._read_decoded(con, parts, "header=true", tmp_path / "data.csv")  # type: ignore[arg-type]
    assert not [t for t in threading.enumerate() if t.name == "fitgap-read"]


def test_several_pipes_a_later_parts_error_is_the_one_raised(tmp_path: Path) -> None:
    # Real DuckDB, two parts: the second part's reader fails half-way; DuckDB saw its text end early.
    rows = b"a,b\n" + b"1,2\n" * 50_000

    def whole(out: BinaryIO, stop: threading.Event) -> None:
        out.write(rows)

    def broken(out: BinaryIO, stop: threading.Event) -> None:
        out.write(rows[:1000])
        raise ValueError("the reader's own error")

    parts = [(tmp_path / "source0.utf8.csv", whole), (tmp_path / "source1.utf8.csv", broken)]
    with pytest.raises(ValueError, match="the reader's own error"):
        # The converter's options: no sniffing (DuckDB sniffing a list of pipes waits for ever, as it opens the
        # files again).
        options = "header=true, auto_detect=false, columns={'a': 'VARCHAR', 'b': 'VARCHAR'}"
        readers._read_decoded(duckdb.connect(), parts, options, tmp_path / "data.csv")
    assert not [t for t in threading.enumerate() if t.name == "fitgap-read"]


def test_several_pipes_every_row_in_the_parts_order(tmp_path: Path) -> None:
    def part(k: int) -> Any:
        def write(out: BinaryIO, stop: threading.Event) -> None:
            out.write(b"n\n" + b"".join(f"{k * 100_000 + n}\n".encode() for n in range(100_000)))

        return write

    con = duckdb.connect()
    parts = [(tmp_path / f"source{k}.utf8.csv", part(k)) for k in range(3)]
    readers._read_decoded(con, parts, "header=true, columns={'n': 'BIGINT'}, auto_detect=false", tmp_path / "d.csv")
    assert con.execute("SELECT count(*), bool_and(n = rowid) FROM raw").fetchone() == (300_000, True)
