"""What a conversion must pay before it converts anything: the read and the write, beside the on-disk floor.

    python benchmarks/write_cost.py                  # the 1M rows of the last `nox -s bench`, 5 alternated rounds
    python benchmarks/write_cost.py --rows 10000000 --rounds 2

Issue 19 holds the CSV conversion to 2.5× the on-disk floor (DuckDB reading the UTF-8 twin into a file). A
conversion also publishes the standard layout, which is not the legacy layout: for 001 住民, 28 items and 4
lineage columns against the legacy file's 22 columns. This script measures the two writes alone, each from a
table already in memory into a fresh DuckDB file, so the share of the ratio that is the layout's write is known.

Cases, alternated in each round, each in a fresh process, with the load average before it:
- floor: ``benchmarks/baselines.py floor_disk`` as the harness runs it (the whole process);
- convert: ``fitgap convert run`` of the CP932 CSV into a fresh database (the whole process); its run record
  gives the time of its read (decoding and staging);
- write legacy: the floor's table (the UTF-8 twin, read into memory first, not timed) written into a fresh file
  as a new table;
- write standard: the converted table (read from the conversion's database first, not timed) written the same
  way;
- insert standard: the converted table inserted into an empty table inside a transaction, as a conversion
  publishes.
Every case is timed as a whole process (wall, and the CPU of all its threads from ``os.wait4``); the three writes
also time themselves (wall and CPU of the write alone, its checkpoint included) and print that as JSON. The scratch
folder (``write-cost`` beside the data) is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import FLOOR_DIALECT  # benchmarks/baselines.py
from run import BASELINES, DATA, FITGAP, PY, load_average, memory_limit_for  # benchmarks/run.py

from spec_catalog.database import RUNS

TABLE = "001_住民"


def write(kind: str, how: str, source: str, db: str, memory_limit: str) -> None:
    """In the child process: load ``source`` into memory (not timed), then time writing it into ``db``: as a new
    table (``ctas``), or inserted into an empty one inside a transaction, as a conversion publishes (``insert``)."""
    import duckdb

    for leftover in (db, db + ".wal"):
        Path(leftover).unlink(missing_ok=True)
    con = duckdb.connect(db, config={"memory_limit": memory_limit})
    if kind == "legacy":
        con.execute(f"CREATE TEMP TABLE m AS SELECT * FROM read_csv('{source}', {FLOOR_DIALECT})")
    else:
        con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        con.execute(f'CREATE TEMP TABLE m AS SELECT * FROM src."{TABLE}"')
        con.execute("DETACH src")
    columns = len(con.execute("SELECT * FROM m LIMIT 0").description)
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    if how == "ctas":
        con.execute("CREATE TABLE t AS SELECT * FROM m")
    else:
        con.execute("CREATE TABLE t AS SELECT * FROM m LIMIT 0")
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO t SELECT * FROM m")
        con.execute("COMMIT")
    con.execute("CHECKPOINT")
    seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
    con.close()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    size = Path(db).stat().st_size
    Path(db).unlink()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "columns": columns, "mb": size / 1e6}))


def _process(command: list[str], fresh: list[Path]) -> dict[str, float]:
    """A whole process: wall and CPU seconds (all its threads), and the load average before it."""
    for path in fresh:
        path.unlink(missing_ok=True)
    load = load_average()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {err[-2000:]}")
    figures = {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "load": load}
    if out.strip().startswith("{"):  # a write case: its own figures of the write alone
        figures.update({f"write_{k}": v for k, v in json.loads(out).items()})
    return figures


def _read_seconds(db: Path) -> float:
    """The read phase of the last conversion in ``db`` (its run record's timings)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        timings = con.execute(f"SELECT timings FROM {RUNS} ORDER BY started DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()
    return float(json.loads(timings)["read"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    folder = DATA / str(args.rows)
    if not (folder / "residents.utf8.csv").exists():
        raise SystemExit(f"{folder} has no benchmark data: run `nox -s bench -- --sizes …` first")
    limit = memory_limit_for(args.rows)
    scratch = folder / "write-cost"
    scratch.mkdir(exist_ok=True)
    converted = scratch / "convert.duckdb"
    floor = scratch / "floor.duckdb"
    written = scratch / "written.duckdb"
    database = [converted, converted.with_name(converted.name + ".wal")]
    me = [PY, str(Path(__file__).resolve()), "--child"]
    cases: dict[str, tuple[list[str], list[Path]]] = {
        "floor": ([*BASELINES, "floor_disk", str(folder / "residents.utf8.csv"), str(floor), limit], [floor]),
        "convert": (
            [
                *FITGAP,
                "convert",
                "run",
                str(folder / "mapping-csv.yaml"),
                "--db",
                str(converted),
                "--memory-limit",
                limit,
            ],
            database,
        ),
        "write legacy": ([*me, "legacy", "ctas", str(folder / "residents.utf8.csv"), str(written), limit], []),
        "write standard": ([*me, "standard", "ctas", str(converted), str(written), limit], []),
        "insert standard": ([*me, "standard", "insert", str(converted), str(written), limit], []),
    }
    runs: dict[str, list[dict[str, float]]] = {case: [] for case in cases}
    for round_ in range(1, args.rounds + 1):
        for case, (command, fresh) in cases.items():
            figures = _process(command, fresh)
            if case == "convert":
                figures["read"] = _read_seconds(converted)
            runs[case].append(figures)
            shown = {k: round(v, 2) for k, v in figures.items()}
            print(f"  round {round_} {case:16} {shown}", flush=True)
    shutil.rmtree(scratch)
    print(f"\n{args.rows:,} rows, median of {args.rounds} alternated rounds (wall s / CPU s):")
    for case, figures in runs.items():
        median = {key: statistics.median(f[key] for f in figures) for key in figures[0]}
        text = f"  {case:16} process {median['seconds']:6.2f} / {median['cpu']:6.2f}"
        if "write_seconds" in median:
            text += (
                f"   the write alone {median['write_seconds']:5.2f} / {median['write_cpu']:5.2f}"
                f" ({median['write_columns']:.0f} columns, {median['write_mb']:.0f} MB)"
            )
        if "read" in median:
            text += f"   its read {median['read']:5.2f}"
        print(text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        write(*sys.argv[2:7])
    else:
        main()
