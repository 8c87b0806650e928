"""Decoding chunks of a legacy file on every core, the results in file order.

CPython's CP932 codec holds the interpreter lock, so threads cannot decode in parallel: worker processes do.
They are forked (no re-import, the run's language and settings come with them) and ignore Ctrl-C: the run's own
process gets the interrupt, stops the workers and records the run as interrupted, so a user sees one line, not
a traceback from every worker. Where fork does not exist (Windows), or the file is small, the chunks are decoded
in the run's own process: the results are the same either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, TypeVar

Result = TypeVar("Result")


def workers_for(size: int, chunk: int) -> int:
    """How many worker processes a file of ``size`` bytes read in ``chunk``-byte pieces is worth: none (decode in
    this process) for a file of a few chunks, where starting them costs more than they save; else one per core."""
    if size < 4 * chunk or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (a container's limit)
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[Any]:
    """``workers`` forked worker processes that several :func:`ordered_map` calls share (None for none): forked
    once, from the thread that opens it, before any other thread of the run starts."""
    if workers < 1:
        yield None
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
        yield pool


def ordered_map(
    function: Callable[..., Result], tasks: Iterable[tuple[Any, ...]], workers: int, pool: Any = None
) -> Generator[Result, None, None]:
    """``function(*task)`` for every task, yielded in the tasks' order.

    With ``workers`` processes, at most ``workers + 1`` tasks are in flight: the tasks (chunks of the file, read
    as they are needed) never pile up in memory, whatever the file's size. An error in a task is raised here, when
    its result's turn comes; leaving the loop early stops the workers. Given a ``pool`` (:func:`worker_pool`), the
    tasks go to its processes, which are left running for the other calls that share them.
    """
    if pool is not None:
        yield from _in_flight(function, tasks, workers, pool)
        return
    if workers < 1:
        for task in tasks:
            yield function(*task)
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as own:
        yield from _in_flight(function, tasks, workers, own)


def _in_flight(
    function: Callable[..., Result], tasks: Iterable[tuple[Any, ...]], workers: int, pool: Any
) -> Generator[Result, None, None]:
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(function, task))
        if len(pending) > workers:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
