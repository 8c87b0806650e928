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
from contextvars import ContextVar
from typing import Any

# Whether the command's conversion committed what it publishes: a Ctrl-C after that point (the summary being printed)
# stops nothing, and the one line must not say that nothing was published.
_published: ContextVar[bool] = ContextVar("fitgap_published", default=False)


def note_published(done: bool = True) -> None:
    """The conversion's COMMIT went through (``done``), or a conversion starts (``False``)."""
    _published.set(done)


def published() -> bool:
    """Whether a conversion of this command published (see :func:`note_published`)."""
    return _published.get()


class _Watch:
    """What the handler, the connection and the waiting thread share for one block.

    The handler runs in the main thread between any two bytecodes, even inside ``with lock`` in :meth:`execute`:
    it takes no lock and sets no Event (both could wait for ever on the main thread itself); it reads and sets
    plain flags. The waiting thread and :meth:`execute` decide under ``lock`` whether a statement is interrupted,
    so that one of them always acts on a Ctrl-C."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.lock = threading.Lock()
        self.busy = False  # DuckDB runs a statement of the block
        self.holding = 0  # inside blocks that stop their threads before raising KeyboardInterrupt (on_ctrl_c)
        self.deferring = 0  # inside statements Ctrl-C must not stop (a COMMIT: it happens whole or not at all)
        self.pressed = False  # Ctrl-C was pressed (the first one decides; later ones are ignored)
        self.interrupting = False  # the waiting thread interrupts the statement: DuckDB's error is on its way
        self.actions: list[Callable[[], None]] = []  # what else stops: the threads that fill a pipe

    def is_set(self) -> bool:
        """Whether Ctrl-C was pressed (read as an Event by the blocks of :meth:`on_ctrl_c`)."""
        return self.pressed


class InterruptibleConnection:
    """The connection of a block, telling the Ctrl-C handler when a statement runs."""

    def __init__(self, con: Any, watch: _Watch) -> None:
        self._con = con
        self._watch = watch

    def execute(self, *args: Any) -> Any:
        watch = self._watch
        with watch.lock:
            watch.busy = True
        try:
            result = self._con.execute(*args)
        finally:
            with watch.lock:
                watch.busy = False
                interrupted = watch.interrupting
        # Pressed while DuckDB ran, and the statement ended anyway (before the interrupt reached it).
        if (interrupted or watch.pressed) and not watch.deferring:
            raise KeyboardInterrupt
        return result

    @contextlib.contextmanager
    def on_ctrl_c(self, action: Callable[[], None]) -> Iterator[_Watch]:
        """Inside the block, Ctrl-C runs ``action`` too (from the waiting thread) and interrupts DuckDB, and raises
        nothing: the block stops its threads, then raises KeyboardInterrupt itself if what it gets ``is_set()``."""
        watch = self._watch
        with watch.lock:
            watch.actions.append(action)
            watch.holding += 1
        try:
            yield watch
        finally:
            with watch.lock:
                watch.holding -= 1
                watch.actions.remove(action)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Statements Ctrl-C does not stop: a COMMIT is written whole, and a Ctrl-C pressed during it is dropped
        (the work it would have stopped is done; the run reports what it published)."""
        watch = self._watch
        with watch.lock:
            watch.deferring += 1
        try:
            yield
        finally:
            with watch.lock:
                watch.deferring -= 1
                late = watch.pressed and not watch.interrupting
            if late:
                watch.pressed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def deferred(con: Any) -> contextlib.AbstractContextManager[None]:
    """A block of statements Ctrl-C does not stop (see :meth:`InterruptibleConnection.deferred`); for a connection
    that is not wrapped (a job that ignores Ctrl-C), nothing to do."""
    block = getattr(con, "deferred", None)
    return block() if block is not None else contextlib.nullcontext()


@contextlib.contextmanager
def interruptible(con: Any) -> Iterator[Any]:
    """``con`` wrapped so that Ctrl-C stops its statements at once (see the module's text). In a thread other than
    the main one, or in a process that ignores Ctrl-C (a job started in the background) or dies of it, ``con``
    itself: only Python's own handler, a function, is replaced."""
    if threading.current_thread() is not threading.main_thread() or not callable(signal.getsignal(signal.SIGINT)):
        yield con
        return
    watch = _Watch(con)

    def handler(signum: int, frame: Any) -> None:  # the main thread, between two bytecodes: flags only
        if watch.pressed:
            return  # the first Ctrl-C is being acted on
        watch.pressed = True
        if watch.deferring:
            return
        if watch.busy or watch.holding or watch.interrupting:
            # Inside DuckDB's own check for Ctrl-C, or a block that stops its threads first: the waiting thread
            # interrupts the statement (and stops the threads); asked here too, for where no thread waits.
            with contextlib.suppress(Exception):
                con.interrupt()
            return
        raise KeyboardInterrupt

    def at_once() -> None:  # the waiting thread, as soon as the signal arrives
        with watch.lock:
            if watch.deferring or not (watch.busy or watch.holding):
                return  # not in a statement: the handler raises KeyboardInterrupt in the main thread
            watch.pressed = watch.interrupting = True
            actions = list(watch.actions)
        for action in actions:
            action()
        with contextlib.suppress(Exception):
            con.interrupt()

    # The waiting thread first: a Ctrl-C before the handler is in place meets Python's own, and every resource
    # of the waiting thread is released by its block's own clean-up.
    with at_once_on(signal.SIGINT, at_once):
        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield InterruptibleConnection(con, watch)
        finally:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def at_once_on(signum: int, action: Callable[[], None]) -> Iterator[None]:
    """Call ``action`` from a thread of its own as soon as ``signum`` arrives, whatever the main thread does (to be
    entered from the main thread). Where no wakeup descriptor can be set, or one is set already (an event loop's),
    nothing is called: the signal's handler alone."""
    read_end, write_end = os.pipe()
    try:
        os.set_blocking(write_end, False)
        try:
            previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        except (ValueError, OSError):  # not the main thread, or no wakeup descriptor here
            previous = None
        if previous != -1:
            if previous is not None:  # someone else's: leave it theirs
                signal.set_wakeup_fd(previous)
            yield
            return
        closing = threading.Event()

        def wait() -> None:
            while not closing.is_set():
                data = os.read(read_end, 64)
                if not data:
                    return
                if signum in data and not closing.is_set():
                    action()

        thread = threading.Thread(target=wait, name="fitgap-signal", daemon=True)
        try:
            thread.start()
            yield
        finally:
            signal.set_wakeup_fd(-1)
            closing.set()
            # Woken by a byte of its own: worker processes forked meanwhile hold the write end too, so it never
            # reads the end of the pipe.
            with contextlib.suppress(OSError):
                os.write(write_end, b"\0")
            if thread.is_alive():
                thread.join(5)
    finally:
        os.close(write_end)
        os.close(read_end)
