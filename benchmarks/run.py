"""The benchmark harness: the toolkit and its baselines side by side, in one run, on the same data.

    nox -s bench                            # 1M and 10M rows, 3 alternated repeats (about 30 minutes)
    nox -s bench -- --sizes 1M              # one size
    nox -s bench -- --with-50m              # and 50M rows, outside CI: see below
    nox -s bench -- --render                # docs/performance.md again from benchmarks/results.json

Within each size the cases alternate, each run in a fresh process: per repeat, the conversion of the CP932 CSV,
the on-disk floor, the fixed-width conversion, the in-memory floor, the pandas script; then, on the table the
last CSV conversion published, the validation, its SQL floor and GX on pandas. Tool and floor run side by side,
so a change of load moves both. Every conversion and every on-disk floor starts from a fresh database file
(deleted before the run, outside the timing). The 1-minute load average is recorded before each run. The
figures are the median wall time of a case and its largest peak RSS (the process's and its children's); a
ratio is the median of the per-repeat ratios (each tool run against the floor run beside it).

Floors: DuckDB reads the UTF-8 twin of the same file into a table, with the conversion's memory limit, in a
DuckDB file (the primary floor: a conversion must publish to a file) and in memory (second column). The pandas
script and GX on pandas run up to 1M rows: the targets set them at 1M, and beyond it pandas holds the whole
file in memory many times over.

50M rows (``--with-50m``) is for runs outside CI, on a quiet machine: CSV only, one repeat. It needs about
50 GB of free disk (the CP932 file 8.5 GB and its UTF-8 twin 10 GB, which stay for the next run; the converted
and floor databases, DuckDB's spill files, and the converter's staged UTF-8 copy in the temporary folder while
it runs) and, at today's speed, about an hour (generating the file alone takes about 10 minutes). The
harness refuses to start a size whose files do not fit on the disk.

Results go to benchmarks/results.json (written after each size, so an interrupted run keeps what it measured)
and docs/performance.md (the sections benchmarks/report.py writes; the others are kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results.json"
DOCS = ROOT / "docs" / "performance.md"
PY = sys.executable
FITGAP = [PY, "-m", "fitgap"]
BASELINES = [PY, str(ROOT / "benchmarks" / "baselines.py")]

PANDAS_MAX_ROWS = 1_000_000  # the pandas script and GX on pandas: the targets are at 1M; above, memory runs out
FIXED_MAX_ROWS = 10_000_000  # fixed width at 50M would add a 10 GB file and an hour for no target
LARGE = 50_000_000
# Disk per row, measured on the generated data (20,000 and 50,000 rows): the CP932 CSV 171 B, its UTF-8 twin 201 B,
# the fixed-width file 198 B, each DuckDB file 60–130 B. While a conversion runs, the converter stages a UTF-8 copy
# (201 B) in the system's temporary folder and DuckDB may spill next to the database (counted as one more copy).
DISK_BYTES_PER_ROW = {"inputs": 171 + 201, "fixed": 198 + 130, "databases": 2 * 130 + 201, "staged": 201}


def parse_size(text: str) -> int:
    """``1M``, ``10M``, ``100k`` or a plain number of rows."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(text[:-1] if factor > 1 else text) * factor


def memory_limit_for(rows: int) -> str:
    """DuckDB's memory limit, the same for the tool and its floors: 1GB up to 1M rows, 2GB above."""
    return "1GB" if rows <= 1_000_000 else "2GB"


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def run_once(command: list[str], fresh: Sequence[Path] = (), env: dict[str, str] | None = None) -> dict[str, float]:
    """One run of a command in a fresh process: wall seconds, peak RSS (MB), and the 1-minute load average
    before it. ``fresh`` is deleted first, outside the timing (a database that must start empty).

    A forked child's peak RSS starts at the harness's own size (Linux counts the pages it shares before exec),
    so the harness never holds data itself: it stays at ~15 MB.
    """
    _remove(fresh)
    load = load_average()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: rows were quarantined or a rule failed — the run itself worked
        raise SystemExit(f"{' '.join(command)} failed ({code}): {stderr[-2000:]}")
    return {"seconds": round(elapsed, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "load": load}  # KB


def measure(command: list[str], repeats: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median wall seconds and the largest peak RSS (MB) over ``repeats`` runs of one command, each in a fresh
    process (benchmarks/moji_scan.py and benchmarks/reconcile.py alternate their cases with ``repeats=1``)."""
    runs = [run_once(command, env=env) for _ in range(repeats)]
    return summary(runs)


def summary(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The median, the fastest, the largest peak RSS and the loads of a case's runs."""
    seconds = [r["seconds"] for r in runs]
    return {
        "seconds": round(statistics.median(seconds), 3),
        "min": round(min(seconds), 3),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "runs": len(runs),
        "loads": [r["load"] for r in runs],
    }


def _database(path: Path) -> list[Path]:
    """A DuckDB file with its write-ahead log and spill folder: what "a fresh database" deletes."""
    return [path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".tmp")]


def _check_disk(folder: Path, rows: int, fixed: bool) -> None:
    """Refuse a size whose files do not fit: a benchmark that fills the disk breaks everyone's work."""
    needs = {folder: rows * (DISK_BYTES_PER_ROW["databases"] + (DISK_BYTES_PER_ROW["fixed"] if fixed else 0))}
    if not (folder / "residents.utf8.csv").exists():
        needs[folder] += rows * DISK_BYTES_PER_ROW["inputs"]
    staging = Path(tempfile.gettempdir())
    needs[staging] = needs.get(staging, 0) + rows * DISK_BYTES_PER_ROW["staged"]
    by_device: dict[int, tuple[Path, int]] = {}
    for path, needed in needs.items():
        shown, total = by_device.get(path.stat().st_dev, (path, 0))
        by_device[path.stat().st_dev] = (shown, total + needed)
    for path, needed in by_device.values():
        free = shutil.disk_usage(path).free
        if needed > free:
            raise SystemExit(
                f"{rows:,} rows need about {needed / 1e9:.0f} GB free on the disk of {path}, there are "
                f"{free / 1e9:.0f} GB: free some space, or leave this size out"
            )


def prepare(rows: int, fixed: bool = True) -> dict[str, Path]:
    """Deterministic legacy files (CP932 CSV and fixed width) and the CSV's UTF-8 twin for the floors."""
    folder = DATA / f"{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    _check_disk(folder, rows, fixed)
    files = {"csv": folder / "residents.csv", "fixed": folder / "residents.txt", "utf8": folder / "residents.utf8.csv"}
    for fmt in ("csv", "fixed") if fixed else ("csv",):
        if not files[fmt].exists():
            print(f"  generating {files[fmt].name} …", flush=True)
            partial = folder / f"partial{files[fmt].suffix}"  # an interrupted run leaves no half file to reuse
            subprocess.run(
                [*FITGAP, "sample", "generate", "--rows", str(rows), "--format", fmt, "-o", str(partial)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            partial.replace(files[fmt])
            (folder / "partial_layout.csv").unlink(missing_ok=True)  # the fixed-width layout: not needed here
    if not files["utf8"].exists():  # in a child process: the harness stays small (see run_once)
        partial = files["utf8"].with_name(files["utf8"].name + ".partial")
        subprocess.run([*BASELINES, "utf8_twin", str(files["csv"]), str(partial)], check=True)
        partial.replace(files["utf8"])
    for name in ("mapping-csv.yaml", "mapping-fixed.yaml", "gaiji.csv", "codes-zokugara.csv"):
        shutil.copy(ROOT / "examples" / "residents" / name, folder / name)
    return files


def _alternate(
    cases: dict[str, tuple[list[str], list[Path]]], repeats: int, stage: str, rows: int
) -> list[dict[str, Any]]:
    """Every case once per repeat, in the given order (tool, floor, tool, floor …), each in a fresh process."""
    runs: list[dict[str, Any]] = []
    for repeat in range(1, repeats + 1):
        for case, (command, fresh) in cases.items():
            figures = run_once(command, fresh)
            runs.append({"stage": stage, "repeat": repeat, "case": case, **figures})
            print(
                f"  {rows:>11,} {stage:10} {repeat} {case:13} {figures['seconds']:8.2f} s "
                f"{figures['peak_rss_mb']:7.0f} MB  load {figures['load']:.2f}",
                flush=True,
            )
    return runs


def size(rows: int, repeats: int, with_pandas: bool, memory: str | None) -> dict[str, Any]:
    """Conversion and validation at one size: the alternated runs, each case's summary, the pandas script's
    agreement with fitgap's table, and the size of the files."""
    fixed = rows <= FIXED_MAX_ROWS
    pandas = with_pandas and rows <= PANDAS_MAX_ROWS
    limit = memory or memory_limit_for(rows)
    files = prepare(rows, fixed)
    folder = files["csv"].parent
    db = {name: folder / f"{name}.duckdb" for name in ("csv", "fixed", "floor", "pandas")}

    def convert(mapping: str, target: Path) -> tuple[list[str], list[Path]]:
        command = [*FITGAP, "convert", "run", str(folder / mapping), "--db", str(target), "--memory-limit", limit]
        return command, _database(target)

    conversion: dict[str, tuple[list[str], list[Path]]] = {
        "csv": convert("mapping-csv.yaml", db["csv"]),
        "floor_disk": ([*BASELINES, "floor_disk", str(files["utf8"]), str(db["floor"]), limit], _database(db["floor"])),
    }
    if fixed:
        conversion["fixed"] = convert("mapping-fixed.yaml", db["fixed"])
    conversion["floor_memory"] = (
        [*BASELINES, "floor_memory", str(files["utf8"]), limit],
        [folder / "floor-memory.tmp"],
    )
    if pandas:
        conversion["pandas"] = ([*BASELINES, "pandas_script", str(files["csv"]), str(db["pandas"])], [db["pandas"]])
    runs = _alternate(conversion, repeats, "conversion", rows)
    agreement = None
    if pandas:  # not timed: does the script publish what fitgap publishes?
        done = subprocess.run(
            [*BASELINES, "pandas_agreement", str(db["pandas"]), str(db["csv"])],
            capture_output=True,
            text=True,
            check=True,
        )
        agreement = json.loads(done.stdout)
    validation: dict[str, tuple[list[str], list[Path]]] = {
        "fitgap": ([*FITGAP, "validate", "run", "--db", str(db["csv"])], []),
        "floor": ([*BASELINES, "floor_validation", str(db["csv"])], []),
    }
    if pandas:
        validation["gx_pandas"] = ([*BASELINES, "gx_pandas", str(db["csv"])], [])
    runs += _alternate(validation, repeats, "validation", rows)
    cases = {
        stage: {
            case: summary([r for r in runs if r["stage"] == stage and r["case"] == case])
            for case in (conversion if stage == "conversion" else validation)
        }
        for stage in ("conversion", "validation")
    }
    sizes = {
        path.name: path.stat().st_size for path in sorted(folder.iterdir()) if path.is_file() and path.stat().st_size
    }
    return {
        "rows": rows,
        "memory_limit": limit,
        "repeats": repeats,
        "runs": runs,
        **cases,
        "pandas_agreement": agreement,
        "files": sizes,
    }


def fit_and_gap(repeats: int) -> dict[str, Any]:
    """20 businesses × 300 functions: a catalog made for the benchmark, a filled workbook, scored to Excel."""
    folder = DATA / "fitgap"
    workbook = folder / "assessment.xlsx"
    if not workbook.exists():
        subprocess.run([PY, str(ROOT / "benchmarks" / "fitgap_data.py"), str(folder)], check=True)
    command = [
        *FITGAP,
        "assess",
        "score",
        str(workbook),
        "--catalog",
        str(folder / "catalog"),
        "-o",
        str(folder / "report.xlsx"),
        "--as-of",
        "2026-11-26",
    ]
    runs = [run_once(command, [folder / "report.xlsx"]) for _ in range(repeats)]
    return {"functions": 6000, "score": summary(runs)}


def _version(module: str) -> str:
    # In a child process: the harness stays small, so a forked case does not inherit a large RSS.
    done = subprocess.run(
        [PY, "-c", f"import {module}; print({module}.__version__)"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "-"


def machine() -> dict[str, str]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    memory = (
        next(
            (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
            "0",
        )
        if Path("/proc/meminfo").exists()
        else "0"
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory_gb": f"{int(memory) / 1024 / 1024:.0f}",
        "duckdb": _version("duckdb"),
        "pandas": _version("pandas"),
        "great_expectations": _version("great_expectations"),
    }


def write_section(section: str, path: Path, start: str, end: str) -> None:
    """Replace the section between the markers ``start`` and ``end`` in ``path`` (docs/performance.md), or add it
    at the end: the benchmark scripts other than this harness write their own sections."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def _render(results: dict[str, Any], docs: Path) -> None:
    from report import write_markdown  # benchmarks/report.py

    write_markdown(results, docs)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1M,10M", help="rows per size, comma-separated (1M,10M; 100k; 20000)")
    parser.add_argument("--with-50m", action="store_true", help="also 50M rows, one repeat, CSV only (not for CI)")
    parser.add_argument("--repeats", type=int, default=3, help="alternated repeats of every case per size")
    parser.add_argument("--memory-limit", help="DuckDB's memory limit for every size (default: 1GB to 1M, 2GB above)")
    parser.add_argument("--no-pandas", action="store_true", help="leave out the pandas script and GX on pandas")
    parser.add_argument("--drop-data", action="store_true", help="delete each size's data folder once it is measured")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the results go (JSON)")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the page the results are written to")
    parser.add_argument("--render", action="store_true", help="only rewrite the page from the saved results")
    args = parser.parse_args(argv)
    if args.render:
        if not args.results.exists():
            raise SystemExit(f"{args.results} does not exist: run the benchmark first")
        _render(json.loads(args.results.read_text(encoding="utf-8")), args.docs)
        print(f"{args.docs} rewritten from {args.results}")
        return
    plan = [(parse_size(s), args.repeats) for s in args.sizes.split(",") if s.strip()]
    if args.with_50m:
        plan.append((LARGE, 1))
    results: dict[str, Any] = {"machine": machine(), "sizes": []}
    for rows, repeats in plan:
        print(f"{rows:,} rows, {repeats} alternated repeats …", flush=True)
        results["sizes"].append(size(rows, repeats, not args.no_pandas, args.memory_limit))
        args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        if args.drop_data:
            shutil.rmtree(DATA / f"{rows}")
    print("Fit & Gap …", flush=True)
    results["fitgap"] = fit_and_gap(args.repeats)
    print("start-up …", flush=True)
    results["startup"] = summary([run_once([*FITGAP, "--help"]) for _ in range(max(args.repeats, 5))])
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    _render(results, args.docs)
    print(f"results in {args.results}; {args.docs} rewritten")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
