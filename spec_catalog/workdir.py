"""The private scratch folder of a run (its pipes, and where named pipes do not exist, decoded copies of the source).

A run removes its folder when it ends, even on an error or Ctrl-C; a run killed outright (``kill -9``, a power cut,
the machine shut down) cannot. What it leaves may be the decoded text of a resident file, so the folder's name
holds the process id and the next run removes the folders whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_PREFIX = "fitgap-"
_OWNED = re.compile(r"fitgap-(\d+)-")


@contextlib.contextmanager
def run_workdir() -> Iterator[Path]:
    """A new private folder for this run, removed after it; first, the folders dead runs left behind."""
    sweep_dead_workdirs(Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=f"{_PREFIX}{os.getpid()}-") as folder:
        yield Path(folder)


def sweep_dead_workdirs(folder: Path) -> list[Path]:
    """Remove the run folders in ``folder`` whose process is gone (this user's only); returns them. POSIX only:
    elsewhere whether a process lives cannot be asked without touching it."""
    if os.name != "posix":
        return []
    removed = []
    for path in folder.glob(f"{_PREFIX}*-*"):
        owned = _OWNED.match(path.name)
        if owned is None:
            continue
        pid = int(owned.group(1))
        try:
            info = path.lstat()
        except OSError:
            continue
        if not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid() or _alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # no signal sent: only whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or one we may not ask about: alive
        return True
    return True
