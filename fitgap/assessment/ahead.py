"""Reading the filled workbook in a second process while this one loads the catalog.

Scoring needs two things that do not depend on each other: the catalog (YAML files: about 0.5 s for 20 businesses
of 300 functions) and the workbook's values (openpyxl: about 0.6 s). On two cores they overlap: the workbook is
read in a forked process and its values come back pickled (about 1 MB and 30 ms for 6,000 functions).

The second process only saves time. Where there is no fork or only one core, or it fails in any way, the values
are read here, so an error is this process's own, said as ever (what, where, how to fix), and never crosses
processes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

from spec_catalog.importers.workbook import WorkbookValues, read_values


@contextlib.contextmanager
def read_ahead(path: Path) -> Iterator[Callable[[], WorkbookValues]]:
    """Inside the block the workbook at ``path`` is read in a forked process; the block gets the function that
    returns its values (waiting for them). Leaving the block stops the process if it is still reading."""
    if _cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: read_values(path)
        return
    with multiprocessing.get_context("fork").Pool(1, initializer=_ignore_interrupt) as pool:
        pending = pool.apply_async(_values_or_none, (path,))

        def values() -> WorkbookValues:
            try:
                read = pending.get()
            except Exception:  # the process died, or its values could not come back
                read = None
            return read if read is not None else read_values(path)

        yield values


def _values_or_none(path: Path) -> WorkbookValues | None:
    """In the second process: the values, or None for any error (the caller reads again, and raises it)."""
    try:
        return read_values(path)
    except Exception:
        return None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's limit)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's: leaving the block stops this process
