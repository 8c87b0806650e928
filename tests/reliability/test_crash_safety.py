"""Kill a conversion with SIGKILL while reading, staging, transforming and publishing: the target holds
exactly the old rows, the run record says the run did not finish, and a re-run gives the same bytes as a run
that was never interrupted."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from converters.faults import POINTS
from fitgap.sample import generate

from conftest import ROOT


def _fitgap(*args: object, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("FITGAP_FAULT", None)
    if fault:
        env["FITGAP_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "fitgap", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _folder(tmp_path: Path, seed: int) -> Path:
    folder = tmp_path / f"src{seed}"
    shutil.copytree(ROOT / "examples" / "residents", folder)
    generate(folder / "residents.csv", 3000, "csv", seed=seed)
    return folder


def _rows(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute('SELECT * EXCLUDE (_run_id) FROM "001_住民" ORDER BY _source_line').fetchall()


def _export(db: Path, out: Path) -> dict[str, str]:
    done = _fitgap("convert", "export", "--db", db, "-o", out)
    assert done.returncode == 0, done.stderr
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("crash")
    old, new = _folder(tmp, 1), _folder(tmp, 2)
    clean = tmp / "clean.duckdb"
    for folder in (old, new):
        assert (
            _fitgap("convert", "run", folder / "mapping-csv.yaml", "--db", clean, "--accept-quarantine").returncode == 0
        )
    return old, new, _export(clean, tmp / "clean-export")


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_leaves_old_or_new_and_a_rerun_matches(
    versions: tuple[Path, Path, dict[str, str]], tmp_path: Path, point: str
) -> None:
    old, new, clean_export = versions
    db = tmp_path / "db.duckdb"
    assert _fitgap("convert", "run", old / "mapping-csv.yaml", "--db", db, "--accept-quarantine").returncode == 0
    before = _rows(db)
    killed = _fitgap("convert", "run", new / "mapping-csv.yaml", "--db", db, fault=point)
    assert killed.returncode == -signal.SIGKILL
    assert _rows(db) == before  # exactly the old content
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = [r[0] for r in con.execute("SELECT status FROM fitgap_runs ORDER BY started").fetchall()]
    assert statuses == ["succeeded", "running"]  # the killed run says it did not finish
    assert _fitgap("convert", "run", new / "mapping-csv.yaml", "--db", db, "--accept-quarantine").returncode == 0
    assert _export(db, tmp_path / "export") == clean_export
