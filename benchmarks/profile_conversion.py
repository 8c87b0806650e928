"""Where a conversion's time goes: every DuckDB statement timed, and the Python side under cProfile.

    python benchmarks/profile_conversion.py                       # the 1M-row CSV of the last `nox -s bench`
    python benchmarks/profile_conversion.py benchmarks/data/1000000/mapping-fixed.yaml
    python benchmarks/profile_conversion.py benchmarks/data/10000000/mapping-csv.yaml --memory-limit 2GB
    python benchmarks/profile_conversion.py --operators        # and DuckDB's own profile of each slow statement

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
import json
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


SLOW = 1.0  # seconds: a statement whose DuckDB profile --operators keeps


class TimedConnection:
    """A DuckDB connection that records how long each statement took; with ``profiles``, DuckDB's own profile
    (its JSON tree of operators) of every statement that took over SLOW seconds."""

    def __init__(self, con: Any, log: list[tuple[float, str]], profiles: list[tuple[float, str, Any]] | None) -> None:
        self._con = con
        self._log = log
        self._profiles = profiles
        self._output = Path(tempfile.mkdtemp(prefix="fitgap-profile-")) / "last.json"
        if profiles is not None:
            con.execute("SET enable_profiling = 'json'")
            con.execute(f"SET profiling_output = '{self._output}'")

    def execute(self, sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        result = self._con.execute(sql, *args)
        seconds = time.perf_counter() - started
        text = re.sub(r"\s+", " ", sql)
        self._log.append((seconds, text))
        if self._profiles is not None and seconds > SLOW and self._output.exists():
            kept = self._output.with_name(f"statement-{len(self._log)}.json")  # the whole tree, to read further
            self._output.rename(kept)
            self._profiles.append((seconds, f"{text} [{kept}]", json.loads(kept.read_text(encoding="utf-8"))))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import converters.engine as engine
    from converters.mapping import load_mapping
    from spec_catalog import load_embedded
    from spec_catalog.database import connect
    from spec_catalog.language import chosen, from_environment

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mapping", nargs="?", type=Path, default=ROOT / "benchmarks/data/1000000/mapping-csv.yaml")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB's memory limit (the harness: 2GB above 1M)")
    parser.add_argument(
        "--operators", action="store_true", help=f"DuckDB's slowest operators in each statement over {SLOW:g} s"
    )
    args = parser.parse_args()
    mapping_path: Path = args.mapping
    if not mapping_path.exists():
        raise SystemExit(f"{mapping_path} not found: run `nox -s bench` first (it generates the data)")
    db = mapping_path.parent / "profile.duckdb"
    _remove(db)
    log: list[tuple[float, str]] = []
    profiles: list[tuple[float, str, Any]] | None = [] if args.operators else None
    stand_in = lambda *a, **k: TimedConnection(connect(*a, **k), log, profiles)  # noqa: E731
    setattr(engine, "connect", stand_in)  # noqa: B010 (a stand-in)
    mapping = load_mapping(mapping_path, load_embedded())
    load = os.getloadavg()[0]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    with chosen(from_environment()):  # as the CLI does: the run's language is chosen once, not read per message
        result = engine.run_conversion(mapping, db, memory_limit=args.memory_limit)
    profiler.disable()
    total = time.perf_counter() - started
    print(f"{mapping_path}: {result.rows_read:,} rows in {total:.2f} s (load average before: {load:.2f})")
    print(f"the run's timings: {result.timings}")
    print(f"\nDuckDB: {len(log)} statements, {sum(t for t, _ in log):.2f} s; the slowest:")
    for seconds, sql in sorted(log, reverse=True)[:15]:
        print(f"  {seconds:6.3f}  {sql[:110]}")
    for seconds, sql, tree in sorted(profiles or [], key=lambda p: -p[0]):
        operators = sorted(_operators(tree), key=lambda o: -o[0])
        system = tree.get("system", {})
        sql, _, kept = sql.rpartition(" [")
        print(f"\n{seconds:6.3f}  {sql[:110]}\n  (its profile: {kept.rstrip(']')})")
        print("  its slowest operators (DuckDB's timing, summed over threads):")
        print(
            f"    spilled {system.get('total_bytes_spilled', 0) / 1e6:.0f} MB, peak buffer memory "
            f"{system.get('peak_buffer_memory', 0) / 1e6:.0f} MB, blocked {system.get('blocked_thread_time', 0):.2f} s"
        )
        for timing, name, extra in operators[:8]:
            print(f"    {timing:7.3f}  {name}  {extra[:90]}")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
    print("\nPython, by time of its own (DuckDB's time is in the caller of execute):")
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))
    _remove(db)


def _operators(node: dict[str, Any]) -> list[tuple[float, str, str]]:
    """Every operator of DuckDB's JSON profile (DuckDB 2.0: the tree under ``operator``): (its own time, its
    name, what it does)."""
    found = []
    if "name" in node and "timing" in node:
        extra = node.get("extra_info") or {}
        found.append((float(node["timing"]), str(node["name"]), json.dumps(extra, ensure_ascii=False) if extra else ""))
    for child in [*node.get("operator", []), *node.get("children", [])]:
        found += _operators(child)
    return found


def _remove(db: Path) -> None:
    """The scratch database, its write-ahead log and its spill folder."""
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".tmp"), ignore_errors=True)


if __name__ == "__main__":
    main()
