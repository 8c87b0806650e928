"""A run killed outright leaves its scratch folder (maybe decoded resident text); the next run removes it, and
never the folder of a run that still lives."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from spec_catalog.workdir import run_workdir, sweep_dead_workdirs

pytestmark = pytest.mark.skipif(os.name != "posix", reason="whether a process lives is asked on POSIX only")


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_the_folders_of_dead_runs_go_and_the_others_stay(tmp_path: Path) -> None:
    dead = tmp_path / f"fitgap-{_dead_pid()}-abc123"
    dead.mkdir()
    (dead / "source0.utf8.csv").write_text("宛名番号,氏名\n1,山田　太郎\n", encoding="utf-8")
    mine = tmp_path / f"fitgap-{os.getpid()}-def456"
    mine.mkdir()
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        alive = tmp_path / f"fitgap-{living.pid}-ghi789"
        alive.mkdir()
        older = tmp_path / "fitgap-k0sropgj"  # named by an earlier version: whose it is cannot be known
        older.mkdir()
        other = tmp_path / "not-fitgap-1-x"
        other.mkdir()
        assert sweep_dead_workdirs(tmp_path) == [dead]
    finally:
        living.kill()
        living.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, alive.name, older.name, other.name])


def test_a_link_named_like_a_run_folder_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "keep"
    target.mkdir()
    (target / "file").write_text("x")
    (tmp_path / f"fitgap-{_dead_pid()}-link").symlink_to(target)
    assert sweep_dead_workdirs(tmp_path) == []
    assert (target / "file").exists()


def test_a_run_folder_holds_the_process_id_and_goes_after_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = tmp_path / f"fitgap-{_dead_pid()}-zzz"
    left.mkdir()
    with run_workdir() as folder:
        assert folder.parent == tmp_path and folder.name.startswith(f"fitgap-{os.getpid()}-")
        assert not left.exists()  # swept when the run started
    assert not folder.exists()
