"""Where a conversion's time goes: every DuckDB statement timed, and the Python side under cProfile.

    python benchmarks/profile_conversion.py                       # the 1M-row CSV of the last `nox -s bench`
    python benchmarks/profile_conversion.py benchmarks/data/1000000/mapping-fixed.yaml
    python benchmarks/profile_conversion.py benchmarks/data/10000000/mapping-csv.yaml --memory-limit 2GB

Runs ``run_conversion`` in this process (into a scratch database next to the data) and prints the run's own
timings, the slowest statements and the Python functions with the most time of their own. DuckDB's work shows
in the statements; cProfile counts it in the function that called ``execute``, so read the two together. The
scratch database is deleted before and after the run; the 1-minute load average before it is printed (on a
busy machine, read the figures as shares). The memory limit is the harness's: 1GB up to 1M rows, 2GB above.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class TimedConnection:
    """A DuckDB connection that records how long each statement took."""

    def __init__(self, con: Any, log: list[tuple[float, str]]) -> None:
        self._con = con
        self._log = log

    def execute(self, sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        result = self._con.execute(sql, *args)
        self._log.append((time.perf_counter() - started, re.sub(r"\s+", " ", sql)))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import converters.engine as engine
    from converters.mapping import load_mapping
    from spec_catalog import load_embedded
    from spec_catalog.database import connect

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mapping", nargs="?", type=Path, default=ROOT / "benchmarks/data/1000000/mapping-csv.yaml")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB's memory limit (the harness: 2GB above 1M)")
    args = parser.parse_args()
    mapping_path: Path = args.mapping
    if not mapping_path.exists():
        raise SystemExit(f"{mapping_path} not found: run `nox -s bench` first (it generates the data)")
    db = mapping_path.parent / "profile.duckdb"
    _remove(db)
    log: list[tuple[float, str]] = []
    setattr(engine, "connect", lambda *a, **k: TimedConnection(connect(*a, **k), log))  # noqa: B010 (a stand-in)
    mapping = load_mapping(mapping_path, load_embedded())
    load = os.getloadavg()[0]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = engine.run_conversion(mapping, db, memory_limit=args.memory_limit)
    profiler.disable()
    total = time.perf_counter() - started
    print(f"{mapping_path}: {result.rows_read:,} rows in {total:.2f} s (load average before: {load:.2f})")
    print(f"the run's timings: {result.timings}")
    print(f"\nDuckDB: {len(log)} statements, {sum(t for t, _ in log):.2f} s; the slowest:")
    for seconds, sql in sorted(log, reverse=True)[:15]:
        print(f"  {seconds:6.3f}  {sql[:110]}")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
    print("\nPython, by time of its own (DuckDB's time is in the caller of execute):")
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))
    _remove(db)


def _remove(db: Path) -> None:
    """The scratch database, its write-ahead log and its spill folder."""
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".tmp"), ignore_errors=True)


if __name__ == "__main__":
    main()
