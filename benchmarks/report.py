"""docs/performance.md from benchmarks/results.json: the measured table, the machine, each ratio and target."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _row(case: str, rows: int | None, figures: dict[str, float], ratio: str, target: str, met: str) -> str:
    count = f"{rows:,}" if rows else "—"
    rate = f"{rows / figures['seconds']:,.0f}" if rows and figures["seconds"] else "—"
    return (
        f"| {case} | {count} | {figures['seconds']:.2f} | {rate} | {figures['peak_rss_mb']:,.0f} | {ratio} | "
        f"{target} | {met} |"
    )


WHERE_THE_TIME_GOES = """## Where the time goes (profiled with cProfile and DuckDB statement timings, 1M-row CSV)

The floor reads UTF-8 text into an in-memory table and stops. A conversion run also has to decode CP932
(DuckDB cannot), transform and check 28 items, quarantine, and write the table to disk in one transaction.
The parts below come from a separate profiling run that took 5.5 s in all, when the floor took 0.31 s; this
shared machine varies by about 1.5× between runs (the table above: floor 0.46 s), so read them as shares:

| part of `fitgap convert run`, 1M rows | seconds |
|---|---|
| start-up: Python, imports, the catalog | 0.3 |
| CP932 decode in Python (8 MiB chunks), CRLF → LF, write UTF-8 text | 1.2 |
| DuckDB parses that text; line numbers joined in | 0.9 |
| value steps on distinct values (dates, codes, 外字, width) in Python | 0.9 |
| one SQL statement: 28 values and their checks | 1.2 |
| publish: insert into the on-disk table, commit | 1.0 |

What was changed after profiling: distinct-value queries read only their own item's joins (12.5 s → 8.8 s);
values and checks in one statement; a cheap ASCII test before regular expressions; the source hashed while it
is read; fixed-width padding trimmed once; the era parser memoised; a byte test skips the 外字 column pass for
files without 外字 lead bytes (→ about 6 s). Left: the decode and the disk write are each about the floor on
their own, so "≤ 3× the read-only floor" would need the decode off the Python path (e.g. Arrow record batches
handed to DuckDB without the UTF-8 round trip) and the checks folded into the staging scan. Validation: GX
in its child process is the critical path (1M rows, profiled: import 2.7 s, 114 queries 2.6 s, its own
bookkeeping 1.4 s; plain SQL takes 1.3 s beside it). Changed after profiling: the child imports GX while the
parent counts with SQL (it used to wait for the request), and GX is asked pass/fail first, details only for
the expectations that failed (no sample query per passing expectation): about 8.0 s → 5.8 s.
Peak memory stays bounded: 1M rows ≈ 1.1 GB, 10M rows ≈ 2.4 GB with a 2 GB DuckDB limit."""


def _ok(value: bool) -> str:
    return "yes" if value else "**no**"


TARGET_ROWS = 1_000_000  # the issue sets the speed targets at 1M rows; other sizes are shown for the trend


def _faster(speedup: float) -> str:
    return f"fitgap {speedup:.1f}× faster" if speedup >= 1 else f"fitgap {1 / speedup:.1f}× slower"


def _target(rows: int, target: str, met: bool) -> tuple[str, str]:
    return (target, _ok(met)) if rows == TARGET_ROWS else ("", "")


def write_markdown(results: dict[str, Any], path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Performance",
        "",
        "Measured by `nox -s bench` (`benchmarks/run.py`): every case in its own process, the toolkit and its "
        "baselines in the same run on the same data; the median of the runs, the largest peak RSS.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['platform']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, Great Expectations {m['great_expectations']}. Run {m['date']}.",
        "",
        "| case | rows | median s | rows/s | peak RSS MB | ratio | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in results["conversion"]:
        floor = c["floor"]["seconds"]
        lines.append(_row("floor: DuckDB read_csv of the UTF-8 data", c["rows"], c["floor"], "1×", "", ""))
        if "floor_disk" in c:
            disk = c["floor_disk"]["seconds"] / floor
            lines.append(
                _row("(the same read into a DuckDB file)", c["rows"], c["floor_disk"], f"{disk:.1f}× floor", "", "")
            )
        for key, label in (("csv", "fitgap convert run, CP932 CSV"), ("fixed", "fitgap convert run, fixed width")):
            ratio = c[key]["seconds"] / floor
            target = met = ""
            if c["rows"] == TARGET_ROWS:  # time and memory are two targets: say each
                target = "≤ 3× floor, RSS ≤ 1.5 GB"
                met = f"time {_ok(ratio <= 3)}, RSS {_ok(c[key]['peak_rss_mb'] <= 1536)}"
            lines.append(_row(label, c["rows"], c[key], f"{ratio:.1f}× floor", target, met))
        if "pandas" in c:
            speedup = c["pandas"]["seconds"] / c["csv"]["seconds"]
            lines.append(
                _row(
                    "baseline: pandas cp932 + row-wise apply",
                    c["rows"],
                    c["pandas"],
                    _faster(speedup),
                    *_target(c["rows"], "fitgap ≥ 10× faster", speedup >= 10),
                )
            )
    for v in results["validation"]:
        floor = v["floor"]["seconds"]
        lines.append(_row("floor: the same checks as one SQL pass", v["rows"], v["floor"], "1×", "", ""))
        ratio = v["fitgap"]["seconds"] / floor
        lines.append(
            _row(
                "fitgap validate run (GX on DuckDB)",
                v["rows"],
                v["fitgap"],
                f"{ratio:.1f}× floor",
                *_target(v["rows"], "≤ 5× floor", ratio <= 5),
            )
        )
        speedup = v["gx_pandas"]["seconds"] / v["fitgap"]["seconds"]
        lines.append(
            _row(
                "baseline: GX on a pandas DataFrame",
                v["rows"],
                v["gx_pandas"],
                _faster(speedup),
                *_target(v["rows"], "fitgap ≥ 5× faster", speedup >= 5),
            )
        )
    if "scale" in results:
        s = results["scale"]
        lines.append(
            _row(
                "10M rows, CP932 CSV, memory limit 2GB",
                s["rows"],
                s["csv"],
                f"{s['csv']['seconds'] / s['floor']['seconds']:.1f}× floor",
                "RSS ≤ 4 GB",
                _ok(s["csv"]["peak_rss_mb"] <= 4096),
            )
        )
    f = results["fitgap"]
    lines.append(
        _row(
            "Fit & Gap: score 20 × 300 functions + Excel",
            None,
            f["score"],
            "",
            "≤ 5 s",
            _ok(f["score"]["seconds"] <= 5),
        )
    )
    s = results["startup"]
    lines.append(_row("fitgap --help", None, s, "", "≤ 0.5 s", _ok(s["seconds"] <= 0.5)))
    lines += ["", WHERE_THE_TIME_GOES, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
