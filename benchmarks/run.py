"""The benchmark harness: the toolkit and its baselines side by side, in one run, on the same data.

    nox -s bench                      # 100k and 1M rows, 3 runs each
    nox -s bench -- --with-10m        # and the 10M-row conversion with DuckDB's memory limit

Every case runs in its own process; the figures are the median wall time of the runs and the largest peak
RSS (the process's and its children's). Results go to benchmarks/results.json and docs/performance.md.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
PY = sys.executable
FITGAP = [PY, "-m", "fitgap"]
BASELINES = [PY, str(ROOT / "benchmarks" / "baselines.py")]


def measure(command: list[str], repeats: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall seconds and peak RSS (MB) over ``repeats`` runs of a command in a fresh process.

    A forked child's peak RSS starts at the harness's own size (Linux counts the pages it shares before exec),
    so the harness never holds data itself: it stays at ~15 MB.
    """
    times, peaks = [], []
    for _ in range(repeats):
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
        times.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)  # KB on Linux
    return {
        "seconds": round(statistics.median(times), 3),
        "min": round(min(times), 3),
        "peak_rss_mb": round(max(peaks), 1),
        "runs": repeats,
    }


def prepare(rows: int, fixed: bool = True) -> dict[str, Path]:
    """Deterministic legacy files (CP932 CSV and fixed width) and their UTF-8 twin for the floor."""
    folder = DATA / f"{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    files = {"csv": folder / "residents.csv", "fixed": folder / "residents.txt", "utf8": folder / "residents.utf8.csv"}
    for fmt, path in (("csv", files["csv"]), ("fixed", files["fixed"])):
        if not path.exists() and (fixed or fmt == "csv"):
            subprocess.run(
                [*FITGAP, "sample", "generate", "--rows", str(rows), "--format", fmt, "-o", str(path)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    if not files["utf8"].exists():  # in a child process: the harness stays small (see measure)
        subprocess.run(
            [
                PY,
                "-c",
                "import sys; open(sys.argv[2], 'w', encoding='utf-8').write("
                "open(sys.argv[1], 'rb').read().decode('cp932', errors='replace'))",
                str(files["csv"]),
                str(files["utf8"]),
            ],
            check=True,
        )
    for name in ("mapping-csv.yaml", "mapping-fixed.yaml", "gaiji.csv", "codes-zokugara.csv"):
        shutil.copy(ROOT / "examples" / "residents" / name, folder / name)
    return files


def conversion(
    rows: int, repeats: int, with_pandas: bool, memory: str = "1GB", fixed: bool = True
) -> dict[str, object]:
    files = prepare(rows, fixed)
    folder = files["csv"].parent
    db = folder / "bench.duckdb"
    results: dict[str, object] = {"rows": rows}

    def run_fitgap(mapping: str) -> dict[str, float]:
        for leftover in folder.glob("bench.duckdb*"):
            leftover.unlink() if leftover.is_file() else shutil.rmtree(leftover)
        return measure(
            [*FITGAP, "convert", "run", str(folder / mapping), "--db", str(db), "--memory-limit", memory], repeats
        )

    results["floor"] = measure([*BASELINES, "floor_csv", str(files["utf8"])], repeats)
    # Informative: the same read written to a DuckDB file, as a conversion's table is (compression and I/O).
    results["floor_disk"] = measure(
        [*BASELINES, "floor_csv_disk", str(files["utf8"]), str(folder / "floor.duckdb")], repeats
    )
    results["csv"] = run_fitgap("mapping-csv.yaml")
    if fixed:
        results["fixed"] = run_fitgap("mapping-fixed.yaml")
        run_fitgap("mapping-csv.yaml")  # leave the converted table for the validation cases
    if with_pandas:
        results["pandas"] = measure(
            [*BASELINES, "pandas_script", str(files["csv"]), str(folder / "pandas.duckdb")],
            repeats,  # the slow baselines run as often as the rest: a median of one run says little
        )
    return results


def validation(rows: int, repeats: int) -> dict[str, object]:
    db = DATA / f"{rows}" / "bench.duckdb"
    return {
        "rows": rows,
        "floor": measure([*BASELINES, "floor_validation", str(db)], repeats),
        "fitgap": measure([*FITGAP, "validate", "run", "--db", str(db)], repeats),
        "gx_pandas": measure([*BASELINES, "gx_pandas", str(db)], repeats),
    }


def fit_and_gap(repeats: int) -> dict[str, object]:
    """20 businesses × 300 functions: a catalog made for the benchmark, a filled workbook, scored to Excel."""
    folder = DATA / "fitgap"
    workbook = folder / "assessment.xlsx"
    if not workbook.exists():
        subprocess.run([PY, str(ROOT / "benchmarks" / "fitgap_data.py"), str(folder)], check=True)
    return {
        "functions": 6000,
        "score": measure(
            [
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
            ],
            repeats,
        ),
    }


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
        "great_expectations": _version("great_expectations"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--with-10m", action="store_true", help="also convert 10M rows (takes minutes and disk)")
    parser.add_argument("--no-pandas", action="store_true", help="skip the slow pandas baseline")
    args = parser.parse_args()
    results: dict[str, object] = {"machine": machine(), "conversion": [], "validation": []}
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"conversion {size:,} rows …", flush=True)
        results["conversion"].append(conversion(size, args.repeats, not args.no_pandas))  # type: ignore[union-attr]
        print(f"validation {size:,} rows …", flush=True)
        results["validation"].append(validation(size, args.repeats))  # type: ignore[union-attr]
    if args.with_10m:
        print("conversion 10,000,000 rows (memory limit 2GB) …", flush=True)
        results["scale"] = conversion(10_000_000, 1, False, memory="2GB", fixed=False)
    print("Fit & Gap …", flush=True)
    results["fitgap"] = fit_and_gap(args.repeats)
    print("start-up …", flush=True)
    results["startup"] = measure([*FITGAP, "--help"], max(args.repeats, 5))
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    from report import write_markdown  # benchmarks/report.py

    write_markdown(results, ROOT / "docs" / "performance.md")
    print((ROOT / "docs" / "performance.md").read_text())


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()


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
