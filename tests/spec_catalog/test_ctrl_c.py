"""Ctrl-C during a run: DuckDB's statement stops at once even when the signal lands on another thread and the main
thread is held inside DuckDB; DuckDB's error, or KeyboardInterrupt, is raised, never both."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from spec_catalog.ctrl_c import InterruptibleConnection, interruptible
from spec_catalog.database import is_interrupt


@pytest.fixture
def python_handler() -> Iterator[None]:
    """Python's own handler, as in a command typed in a terminal (a background job, as CI runs, ignores SIGINT)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def bystander() -> Iterator[threading.Thread]:
    """A thread the signal lands on, as the kernel often chooses in a run full of threads."""
    done = threading.Event()
    thread = threading.Thread(target=done.wait, name="bystander", daemon=True)
    thread.start()
    yield thread
    done.set()
    thread.join()


def _ctrl_c_on(thread: threading.Thread, after: float) -> threading.Timer:
    timer = threading.Timer(after, lambda: signal.pthread_kill(thread.ident or 0, signal.SIGINT))
    timer.start()
    return timer


class _Blocked:
    """A statement that holds the main thread in C (a read from a pipe) and runs no Python handler until it ends,
    as DuckDB publishing 10M rows did; ``interrupt()`` ends it at once when ``obeys``, else a timer does."""

    def __init__(self, obeys: bool = True, ends_after: float = 10.0, obeys_after: float = 0.0) -> None:
        self.obeys = obeys
        self.obeys_after = obeys_after
        self.interrupted = False
        self._read, self._write = os.pipe()
        self._timer = threading.Timer(ends_after, lambda: os.write(self._write, b"e"))

    def execute(self, sql: str) -> Any:
        self._timer.start()
        try:
            os.read(self._read, 1)  # the signal goes to another thread: this read is not interrupted
        finally:
            self._timer.cancel()
            os.close(self._read)
            os.close(self._write)
        if self.interrupted:
            raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
        return self

    def interrupt(self) -> None:
        if self.obeys and not self.interrupted:
            self.interrupted = True
            threading.Timer(self.obeys_after, lambda: os.write(self._write, b"i")).start()


def _nothing_left() -> None:
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's handler is back
    assert signal.set_wakeup_fd(-1) == -1  # and the wakeup descriptor
    assert not [t for t in threading.enumerate() if t.name == "fitgap-signal"]


def _python_runs_a_while() -> None:
    """Bytecodes: where a pending handler would raise KeyboardInterrupt."""
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.usefixtures("python_handler")
def test_a_statement_held_in_c_stops_at_once_with_duckdbs_error_only(bystander: threading.Thread) -> None:
    con = _Blocked(ends_after=10)
    timer = _ctrl_c_on(bystander, 0.3)
    started = time.monotonic()
    try:
        with pytest.raises(duckdb.InterruptException), interruptible(con) as running:
            running.execute("INSERT INTO target SELECT …")
        _python_runs_a_while()  # no KeyboardInterrupt follows DuckDB's error (the engine records it as is)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 3  # not the 10 s the statement would take
    assert con.interrupted
    _nothing_left()


@pytest.mark.usefixtures("python_handler")
def test_a_statement_that_ends_anyway_raises_keyboard_interrupt_as_it_returns(bystander: threading.Thread) -> None:
    con = _Blocked(obeys=False, ends_after=0.8)
    timer = _ctrl_c_on(bystander, 0.3)
    try:
        with pytest.raises(KeyboardInterrupt), interruptible(con) as running:
            running.execute("CHECKPOINT")
    finally:
        timer.cancel()
    _nothing_left()


@pytest.mark.usefixtures("python_handler")
def test_ctrl_c_outside_a_statement_raises_keyboard_interrupt_at_once() -> None:
    con = _Blocked()
    with pytest.raises(KeyboardInterrupt), interruptible(con):
        os.kill(os.getpid(), signal.SIGINT)
        _python_runs_a_while()
        pytest.fail("Ctrl-C was not raised")
    assert not con.interrupted
    _nothing_left()


@pytest.mark.usefixtures("python_handler")
def test_a_real_duckdb_statement_is_interrupted(bystander: threading.Thread) -> None:
    con = duckdb.connect()
    timer = _ctrl_c_on(bystander, 0.5)
    started = time.monotonic()
    try:
        with pytest.raises(BaseException) as caught, interruptible(con) as running:
            running.execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3").fetchall()
        _python_runs_a_while()
    finally:
        timer.cancel()
    assert is_interrupt(caught.value) or isinstance(caught.value, KeyboardInterrupt)
    assert time.monotonic() - started < 10
    _nothing_left()


def test_a_process_that_ignores_ctrl_c_gets_its_connection_as_it_is() -> None:
    con = duckdb.connect()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interruptible(con) as running:
            assert running is con
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_wrapped_connection_answers_as_duckdb() -> None:
    with interruptible(duckdb.connect()) as running:
        if isinstance(running, InterruptibleConnection):  # (a background job gets DuckDB's own connection)
            assert running.execute("SELECT 42").fetchone() == (42,)
            assert running.execute("SELECT ?", [7]).fetchall() == [(7,)]


@pytest.mark.usefixtures("python_handler")
def test_two_quick_ctrl_cs_in_a_statement_still_end_it_with_duckdbs_error() -> None:
    # Both reach the main thread, held in the statement: the second one's handler runs inside the first one's
    # handling (the handler takes no lock, so it cannot wait on the main thread itself).
    con = _Blocked(ends_after=10, obeys_after=0.2)
    main = threading.main_thread().ident or 0
    first = threading.Timer(0.3, lambda: signal.pthread_kill(main, signal.SIGINT))
    second = threading.Timer(0.32, lambda: signal.pthread_kill(main, signal.SIGINT))
    started = time.monotonic()
    first.start()
    second.start()
    try:
        with pytest.raises(duckdb.InterruptException), interruptible(con) as running:
            running.execute("INSERT INTO target SELECT …")
        _python_runs_a_while()
    finally:
        first.cancel()
        second.cancel()
    assert time.monotonic() - started < 3
    _nothing_left()


@pytest.mark.usefixtures("python_handler")
def test_a_commit_is_not_interrupted_and_a_ctrl_c_during_it_is_dropped(bystander: threading.Thread) -> None:
    # DuckDB writes a COMMIT whole whatever it is asked: the run goes on and reports what it published.
    con = _Blocked(ends_after=0.8)
    timer = _ctrl_c_on(bystander, 0.3)
    try:
        with interruptible(con) as running:
            with running.deferred():
                running.execute("COMMIT")
            _python_runs_a_while()  # no KeyboardInterrupt follows
    finally:
        timer.cancel()
    assert not con.interrupted
    _nothing_left()


@pytest.mark.usefixtures("python_handler")
def test_ctrl_c_while_the_waiting_thread_starts_leaks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _Blocked()  # (its own pipe is opened before the count)
    fds = Path("/proc/self/fd")
    opened = len(list(fds.iterdir())) if fds.is_dir() else None
    start = threading.Thread.start

    def interrupted(self: threading.Thread) -> None:
        if self.name == "fitgap-signal":
            raise KeyboardInterrupt
        start(self)

    monkeypatch.setattr(threading.Thread, "start", interrupted)
    with pytest.raises(KeyboardInterrupt), interruptible(con):
        pytest.fail("the block ran")
    monkeypatch.undo()
    _nothing_left()
    if opened is not None:
        assert len(list(fds.iterdir())) == opened
