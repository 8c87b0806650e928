"""Progress of long work on stderr: one line per phase, with its count and elapsed time.

Shown only on a terminal and never with ``--json``: in logs and pipes a bar is noise, and stdout stays the
command's output. Every command with a phase that can last longer than a second shows it this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from spec_catalog.language import say

if TYPE_CHECKING:
    from rich.progress import Progress, Task, TaskID


class Phases:
    """The phases of one command: :meth:`start` begins the next (the one before ends), :meth:`update` moves it."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task: TaskID | None = None

    def start(self, description: str, *, total: float | None = None, count: str = "") -> None:
        """A new phase; ``total``: what it counts up to (a bar), else a pulse; ``count``: e.g. ``0/18 表``."""
        self.end()
        self.task = self.bar.add_task(description, total=total, count=count)

    def update(self, *, completed: float | None = None, count: str | None = None, total: float | None = None) -> None:
        """Move the current phase: how much is done, its count as shown."""
        if self.task is None:
            return
        if count is None:
            self.bar.update(self.task, completed=completed, total=total)
        else:
            self.bar.update(self.task, completed=completed, total=total, count=count)

    @property
    def elapsed(self) -> float:
        """Seconds since the current phase started (0 when none)."""
        task = self._current()
        return (task.elapsed or 0.0) if task is not None else 0.0

    def _current(self) -> Task | None:
        return next((t for t in self.bar.tasks if t.id == self.task), None)

    def end(self) -> None:
        """End the current phase: its bar full, its clock stopped."""
        task = self._current()
        if self.task is None or task is None:
            return
        done = task.total if task.total is not None else max(task.completed, 1)
        self.bar.update(self.task, total=done, completed=done)
        self.bar.stop_task(self.task)
        self.task = None


@contextmanager
def phases(*, quiet: bool = False) -> Iterator[Phases]:
    """A progress display on stderr for the phases of a command; ``quiet`` (``--json``) shows nothing."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from fitgap.cli.console import err_console

    columns = (
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
    )
    shown = err_console.is_terminal and not quiet
    with Progress(*columns, console=err_console, transient=True, disable=not shown) as bar:
        steps = Phases(bar)
        try:
            yield steps
        finally:
            steps.end()


def counted(done: int, total: int, unit: str) -> str:
    """``3/18 表``: a count as the progress line shows it (``unit`` in the run's language)."""
    return f"{done:,}/{total:,} {unit}"


class Labels(Mapping[str, str]):
    """Phase labels in both languages, said in the run's language when looked up: a module's constant is made at
    import, before the run's language is known."""

    def __init__(self, labels: dict[str, tuple[str, str]]) -> None:
        self._labels = labels

    def __getitem__(self, phase: str) -> str:
        return say(*self._labels[phase])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


# validation.validate's phases as the progress line names them.
VALIDATION = Labels(
    {
        "sql": ("検証（SQL で集計）", "Validation (counted in SQL)"),
        "gx": ("検証（Great Expectations）", "Validation (Great Expectations)"),
        "rows": ("検証（GX が不合格としたルールの行）", "Validation (rows of the rules GX failed)"),
    }
)


def by_table(steps: Phases, labels: Mapping[str, str]) -> Callable[[str, int, int], None]:
    """A progress callback told (phase, tables done, tables): a phase starts at 0 done, then counts up."""

    def tell(phase: str, done: int, total: int) -> None:
        unit = say("表", "tables")
        if done == 0:
            steps.start(labels.get(phase, phase), total=total, count=counted(0, total, unit))
        else:
            steps.update(completed=done, count=counted(done, total, unit))

    return tell
