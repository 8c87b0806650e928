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


WHERE_THE_TIME_GOES = """## Where the time goes (1M-row CSV)

Profiled with `python benchmarks/profile_conversion.py [MAPPING]` after a bench run: every DuckDB statement
timed, and the Python side under cProfile.

The floor reads UTF-8 text into an in-memory table and stops. A conversion run also has to decode CP932
(DuckDB cannot), transform and check 28 items, quarantine, and write the table to a DuckDB file in one
transaction; the same read into a DuckDB file (second row of the table) shows what the write alone adds.
The parts below come from profiling runs of about 5.2–5.5 s inside the process (plus about 0.5 s of start-up
and exit); this shared machine varies by 10–20 % between runs, so read them as shares:

| part of `fitgap convert run`, 1M rows | seconds |
|---|---|
| start-up and exit: Python, imports, the catalog, closing the database | 0.5 |
| CP932 decode in Python (8 MiB chunks), hash, line offsets, write UTF-8 | 1.2 |
| DuckDB parses that text | 0.5 |
| the 外字 column pass (only when the bytes could hold one) | 0.25 |
| value steps on distinct values (dates, codes, 外字, width): SQL 0.5, Python 0.4 | 0.9 |
| one SQL statement: 28 values (0.6), their checks (0.3), kept in memory | 1.1 |
| failed rows again with their reasons, duplicates, quarantine | 0.2 |
| publish: insert into the on-disk table, commit | 1.0 |

Changed after profiling, in the first round (12.5 s → 7.8 s): distinct-value queries read only their own item's
joins; values and checks in one statement; an ASCII test before regular expressions; the source hashed while it
is read; fixed-width padding trimmed once; the era parser memoised; a byte test skips the 外字 pass for files
without 外字 lead bytes. In the second round (7.5 s → 5.2–5.5 s in the process): the wide intermediate table (values,
source values and every check's reason for every row: 150 columns, spilled at a 1 GB limit) became values and
one "failed" flag, with source values and reasons computed again for the failed rows only; line numbers come
from row ids by a sum of comparisons (an ASOF join when many lines were rejected) instead of a join; UTF-8
written as bytes, CRLF files written as they are; the 外字 pass skips ASCII values; packed 和暦 dates skip the
Unicode normalisation; the staged text is dropped before the publish (peak RSS 1.06 → 0.81 GB). Fixed width:
a chunk that does not decode is retried after the bad record instead of being decoded field by field, record
by record (8.0 s → 6.7 s).

Tried and dropped, because measured slower: decoding the next chunk while DuckDB parses the last one (one
`INSERT … read_csv` per 8 MiB part costs about 140 ms each: 3.4 s against 0.55 s for one statement over
the whole file), feeding DuckDB through a named pipe (it then parses on one thread: 1.5 s), finding the 外字
columns from the bytes in NumPy while decoding (0.4 s against 0.25 s for the SQL pass), storing rows in any
order for a parallel insert (no gain), a cheaper trim for fixed width (within the noise), the first
distinct-value query of every item in one scan (`list(DISTINCT …) FILTER …`: 0.6 s against about 0.3 s for the
separate queries).

Why the conversion targets stay out of reach on this machine: the floor (0.83–0.88 s as a process, 1M rows, in
the two runs of 2026-11-26) does neither of two things a conversion cannot skip. Writing the same 22 columns to
a DuckDB file, with nothing transformed, takes 1.7 s (2.0–2.1× the floor); decoding CP932 in Python takes about
1 s more (DuckDB has no CP932; its `encodings` extension is not packaged for this DuckDB version and would have
to be downloaded). That is about 2.7 s, past the 2.5–2.6 s that 3× allows, before any of the 28 items' steps,
checks, quarantine or run record. The pandas target is further off: this script takes 15.6–16.2 s for 1M rows,
so ≥ 10× would mean the whole conversion in about 1.6 s, less than the write alone.

Since the table above was measured (2026-11-30), the converter checks every error rule of the shared rule model
(`spec_catalog/rules.py`), which adds date formats and real calendar days, check digits (個人番号, 団体コード),
exact full-width tests and 条件付き必須 to what it checked before. Paired against the previous version on the
same 1M-row CP932 CSV (4 runs each, alternated, whole process): wall time 1.06× (median of the pairs; 14.9 s
against 14.0 s on that busier day), peak RSS 799 MB against 792 MB; the same rows loaded and quarantined.

Note on the floor: until 2026-11-26 06:30 the floor let DuckDB's sniffer guess the dialect; the generated
file's few malformed lines made it choose '|' and read each line as one column (0.38 s). It now gives the
dialect, as the mapping does, and reads 22 columns (0.8 s); earlier tables in the history compare with the
wrong floor.

Validation: GX in its child process is the critical path (1M rows, profiled again on 2026-11-26: import 2–2.7 s,
its 47 queries for the 86 rules 2.0 s, its own bookkeeping 1.3 s; the plain SQL counts and failing rows take
1.9 s beside it). Changed after the first profile: the child imports GX while the parent counts with SQL (it used
to wait for the request), and GX is asked pass/fail first, details only for the expectations that failed (no
sample query per passing expectation): about 8.0 s → 6.4 s. Tried since, no gain: starting the child before
the catalog is loaded, and one DuckDB thread for the parent (the two processes already keep both cores busy).
The ratio depends on the floor's own noise (1.34–1.48 s in the last two runs): 4.4× and 4.8×, close to the 5×.
Peak memory stays bounded: 1M rows ≈ 0.8 GB, 10M rows ≈ 2.2 GB with a 2 GB DuckDB limit."""


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
        "baselines in the same run on the same data; the median of "
        f"{results['conversion'][0]['csv']['runs']} runs of each case (the 10M case: one), the largest peak RSS.",
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
    # Sections other scripts write (benchmarks/moji_scan.py, benchmarks/reconcile.py) are kept as they are.
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    for start, end in KEPT:
        if start in old and end in old:
            lines += [start + old.split(start, 1)[1].split(end, 1)[0] + end, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


KEPT = (  # the markers of the sections benchmarks/moji_scan.py and benchmarks/reconcile.py write
    ("<!-- moji-scan:start -->", "<!-- moji-scan:end -->"),
    ("<!-- reconcile:start -->", "<!-- reconcile:end -->"),
)
