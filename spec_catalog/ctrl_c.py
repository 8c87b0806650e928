"""Ctrl-C while DuckDB runs a statement (a conversion, a validation): the statement stops at once.

Python runs a signal's handler in the main thread only, between two of its bytecodes. While DuckDB runs a statement
the main thread is inside DuckDB, which looks for Ctrl-C only between its tasks: the one INSERT that publishes 10M
rows, a read of the decoded text from a pipe, or validation's count of every rule went on to its end (a Ctrl-C
waited 31 to 67 s in a 10M-row conversion, 3 to 5 s in the validation of 1M rows; measured 2026-12-01). Python's
C-level handler also writes the signal's number to the wakeup descriptor at once, whichever thread the signal
reaches: a thread of ours waits on it and interrupts DuckDB (``con.interrupt()``, which any thread may call), and
runs what else must stop (the threads that fill a pipe).

The connection is wrapped (:func:`interruptible`) so that the handler knows whether DuckDB is running a statement.
Inside one, Ctrl-C interrupts the statement and DuckDB's own error ends the work (a conversion records itself as
interrupted, :func:`spec_catalog.database.is_interrupt`); a statement that ends anyway raises KeyboardInterrupt as
it returns. Outside one, Ctrl-C raises KeyboardInterrupt at once, as Python's own handler does. Never both: a
KeyboardInterrupt raised while the engine handles DuckDB's error would skip the record.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any


class _Watch:
    """What the handler and the waiting thread share for one run."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.busy = False  # DuckDB runs a statement of the run
        self.holding = 0  # inside blocks that stop their threads before the KeyboardInterrupt (on_ctrl_c)
        self.pressed = threading.Event()  # Ctrl-C was pressed (once is enough)
        self.lock = threading.Lock()
        self.actions: list[Callable[[], None]] = []  # what else stops: the threads that fill a pipe

    def stop(self) -> None:
        self.pressed.set()
        for action in list(self.actions):
            action()
        with contextlib.suppress(Exception):
            self.con.interrupt()


class InterruptibleConnection:
    """The run's DuckDB connection, telling the Ctrl-C handler when a statement runs."""

    def __init__(self, con: Any, watch: _Watch) -> None:
        self._con = con
        self._watch = watch

    def execute(self, *args: Any) -> Any:
        self._watch.busy = True
        try:
            result = self._con.execute(*args)
        finally:
            self._watch.busy = False
        if self._watch.pressed.is_set():  # pressed while DuckDB ran, which finished the statement anyway
            raise KeyboardInterrupt
        return result

    @contextlib.contextmanager
    def on_ctrl_c(self, action: Callable[[], None]) -> Iterator[threading.Event]:
        """Inside the block, Ctrl-C runs ``action`` too and interrupts DuckDB, and raises nothing: the block
        stops its threads, then raises KeyboardInterrupt itself if the event it gets is set."""
        self._watch.actions.append(action)
        self._watch.holding += 1
        try:
            yield self._watch.pressed
        finally:
            self._watch.holding -= 1
            self._watch.actions.remove(action)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@contextlib.contextmanager
def interruptible(con: Any) -> Iterator[Any]:
    """``con`` wrapped so that Ctrl-C stops its statements at once (see the module's text). In a thread other than
    the main one, or in a process that ignores Ctrl-C (a job started in the background) or dies of it, ``con``
    itself: only Python's own handler, a function, is replaced."""
    if threading.current_thread() is not threading.main_thread() or not callable(signal.getsignal(signal.SIGINT)):
        yield con
        return
    watch = _Watch(con)

    def handler(signum: int, frame: Any) -> None:  # the main thread, between two bytecodes
        with watch.lock:
            if watch.pressed.is_set():  # the waiting thread was first
                return
            if watch.busy or watch.holding:  # inside DuckDB's own check for Ctrl-C, or a block that stops first:
                watch.stop()  # the statement stops with DuckDB's own error
                return
            watch.pressed.set()
        raise KeyboardInterrupt

    def at_once() -> None:  # the waiting thread, as soon as the signal arrives
        with watch.lock:
            if (watch.busy or watch.holding) and not watch.pressed.is_set():
                watch.stop()
        # Not in a statement: the handler runs in the main thread and raises KeyboardInterrupt there.

    previous = signal.signal(signal.SIGINT, handler)
    try:
        with at_once_on(signal.SIGINT, at_once):
            yield InterruptibleConnection(con, watch)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def at_once_on(signum: int, action: Callable[[], None]) -> Iterator[None]:
    """Call ``action`` from a thread of its own as soon as ``signum`` arrives, whatever the main thread does (to be
    entered from the main thread). Where no wakeup descriptor can be set, or one is set already (an event loop's),
    nothing is called: the signal's handler alone."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except (ValueError, OSError):  # not the main thread, or no wakeup descriptor here
        previous = None
    if previous is None or previous != -1:
        if previous is not None:  # someone else's: leave it theirs
            signal.set_wakeup_fd(previous)
        os.close(read_end)
        os.close(write_end)
        yield
        return

    def wait() -> None:
        while data := os.read(read_end, 64):  # empty: the write end closed, the block is over
            if signum in data:
                action()

    thread = threading.Thread(target=wait, name="fitgap-signal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(-1)
        os.close(write_end)
        thread.join()
        os.close(read_end)
