"""docs/performance.md from benchmarks/results.json: the targets, the measured tables, the pandas script's
fairness review and every run with its load average.

The sections other scripts write (benchmarks/moji_scan.py, benchmarks/reconcile.py) and the hand-written notes
on where the conversion's time goes are kept as they are, between their markers.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

KEPT = (  # sections this renderer keeps: hand-written notes, and what the other benchmark scripts write
    ("<!-- conversion-notes:start -->", "<!-- conversion-notes:end -->"),
    ("<!-- moji-scan:start -->", "<!-- moji-scan:end -->"),
    ("<!-- reconcile:start -->", "<!-- reconcile:end -->"),
)
NOTES_PLACEHOLDER = """<!-- conversion-notes:start -->
## Where the time goes

(Written by hand after profiling with `python benchmarks/profile_conversion.py`; `benchmarks/report.py` keeps
this section as it is.)
<!-- conversion-notes:end -->"""

TARGET_ROWS = 1_000_000  # the speed targets are set at 1M rows, the scale targets at 10M and 50M
TEN_M, FIFTY_M = 10_000_000, 50_000_000

CONVERSION_LABELS = {
    "floor_disk": "floor: DuckDB reads the UTF-8 twin into a table in a DuckDB file",
    "floor_memory": "(floor in memory: the same read into an in-memory table)",
    "csv": "fitgap convert run, CP932 CSV",
    "fixed": "fitgap convert run, fixed width",
    "pandas": "pandas script, CP932 CSV (distinct values + map)",
}
VALIDATION_LABELS = {
    "floor": "floor: the same checks as one SQL pass",
    "fitgap": "fitgap validate run (GX on DuckDB)",
    "gx_pandas": "GX on a pandas DataFrame",
}

FAIRNESS = """## The pandas script: what it does and what it does not (fairness review)

`pandas_script` in `benchmarks/baselines.py` is the conversion as a competent engineer would write it for
this one file: a reasonable script, not a strawman.

What it does, like fitgap's mapping (`examples/residents/mapping-csv.yaml`) and the items' types:

- reads the CP932 CSV with `pandas.read_csv(encoding="cp932")` (the C parser), every value as text;
- runs every transform once per distinct value (`unique()`, a dict, `Series.map`): values trimmed, 外字 through
  `gaiji.csv`, Ｎ items to full width and X items to half width (jaconv), 宛名番号 and 世帯番号 padded to 15 digits,
  the four code tables, the 団体コード completed with its check digit, postal codes without the hyphen, 和暦 and
  西暦 dates to ISO with a 不詳 text moved to the 不詳表記 item, times to HH:MM, the constant items;
- checks what fits in a few lines: the required items present, no value longer than its item (on the distinct
  values), no 宛名番号 twice (the first kept), and every failed transform (an unmapped code or 外字, a date it
  cannot read, an undecodable byte);
- writes the rows that pass to a table in a DuckDB file, as fitgap publishes, and the rejected rows with their
  reason to a second table.

What it does not do, and fitgap does (so the comparison flatters the script):

- the other rules of the catalog's rule model that fitgap checks on every row: width and code-list rules,
  check digits (個人番号, 団体コード against the national table and its history), real calendar days and date
  formats, 条件付き必須, dates not before the birth date nor after the as-of date;
- a mapping file and the catalog: its transforms and its schema (lengths, required items) are written into the
  script for this file; its date parser reads the two forms this export uses (packed GYYMMDD and YYYYMMDD),
  fitgap's a dozen;
- lineage and records: no source file and line per row, no run record, no counts reconciled (read = loaded +
  quarantined), no masked values, line numbers or byte offsets for the rejected rows; a short row shows only
  as a missing required item, and a row with too many fields is dropped silently (`on_bad_lines="skip"`);
- the publish: no atomic replacement in a database that other mappings share (keys another mapping holds, a
  refusal to publish fewer rows), no memory limit (pandas holds the whole file in memory: see its peak RSS);
- fixed width: `pandas.read_fwf` counts characters, not bytes, so it cannot read byte-positioned CP932 fields;
  the script covers the CSV only.

pandas runs on one core; fitgap's DuckDB statements use both cores of this machine. After the timed runs the
harness compares the script's table with fitgap's, value by value on the key (not timed):"""


def _median_ratio(
    runs: list[dict[str, Any]], stage: str, case: str, base: str, figure: str = "seconds"
) -> float | None:
    """The median of ``case``'s time over ``base``'s, each run against the one of the same repeat (``figure``:
    wall ``seconds`` or ``cpu`` seconds; runs that did not record it are left out)."""
    times = {(r["case"], r["repeat"]): r[figure] for r in runs if r["stage"] == stage and figure in r}
    ratios = [
        times[(case, repeat)] / times[(base, repeat)]
        for (name, repeat) in times
        if name == case and (base, repeat) in times and times[(base, repeat)]
    ]
    return statistics.median(ratios) if ratios else None


def _times(ratio: float | None) -> str:
    return f"{ratio:.2f}×" if ratio is not None else "—"


def _ok(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "**no**")


def _size(results: dict[str, Any], rows: int) -> dict[str, Any] | None:
    return next((s for s in results["sizes"] if s["rows"] == rows), None)


def _us_per_row(s: dict[str, Any], case: str = "csv") -> float | None:
    figures = s["conversion"].get(case)
    return figures["seconds"] / s["rows"] * 1e6 if figures else None


def _targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets, each with what this run measured (— where the size was not run)."""
    rows: list[tuple[str, str, bool | None]] = []

    def ratio(rows_: int, stage: str, case: str, base: str, limit: float, label: str) -> None:
        s = _size(results, rows_)
        value = _median_ratio(s["runs"], stage, case, base) if s else None
        rows.append((label, _times(value) if s else "not run", None if value is None else value <= limit))

    ratio(TARGET_ROWS, "conversion", "csv", "floor_disk", 2.5, "CSV conversion, 1M rows: ≤ 2.5× the on-disk floor")
    ratio(TEN_M, "conversion", "csv", "floor_disk", 2.5, "CSV conversion, 10M rows: ≤ 2.5× the on-disk floor")
    ratio(TARGET_ROWS, "conversion", "fixed", "floor_disk", 3, "Fixed width, 1M rows: ≤ 3× the on-disk floor")
    base = _size(results, TARGET_ROWS)
    for rows_ in (TEN_M, FIFTY_M):
        s = _size(results, rows_)
        label = f"CSV cost per row at {rows_ // 1_000_000}M within 15 % of 1M"
        if s is None or base is None:
            rows.append((label, "not run", None))
            continue
        one, big = _us_per_row(base), _us_per_row(s)
        assert one is not None and big is not None
        rows.append((label, f"{big:.2f} µs against {one:.2f} µs ({big / one - 1:+.0%})", big <= one * 1.15))
    for rows_, limit in ((TARGET_ROWS, 1536), (FIFTY_M, 4096)):
        s = _size(results, rows_)
        label = f"Peak RSS at {rows_ // 1_000_000}M ≤ {limit / 1024:.1f} GB (fitgap's conversions and validation)"
        if s is None:
            rows.append((label, "not run", None))
            continue
        peak = max(
            f["peak_rss_mb"] for stage in ("conversion", "validation") for c, f in s[stage].items() if c in TOOLS
        )
        rows.append((label, f"{peak:,.0f} MB", peak <= limit))
    s = _size(results, TARGET_ROWS)
    speedup = _median_ratio(s["runs"], "conversion", "pandas", "csv") if s else None
    rows.append(
        (
            "fitgap at least 2× faster than the pandas script, 1M rows",
            "not run" if speedup is None else _faster(speedup),
            None if speedup is None else speedup >= 2,
        )
    )
    ratio(TARGET_ROWS, "validation", "fitgap", "floor", 3, "Validation, 1M rows: ≤ 3× the SQL floor")
    ratio(TEN_M, "validation", "fitgap", "floor", 2, "Validation, 10M rows: ≤ 2× the SQL floor")
    startup = results.get("startup")
    rows.append(
        ("`fitgap --help` ≤ 0.5 s", f"{startup['seconds']:.2f} s", startup["seconds"] <= 0.5)
        if startup
        else ("`fitgap --help` ≤ 0.5 s", "not run", None)
    )
    score = results.get("fitgap", {}).get("score")
    rows.append(
        ("Fit & Gap, 20 × 300 functions with Excel: ≤ 3 s", f"{score['seconds']:.2f} s", score["seconds"] <= 3)
        if score
        else ("Fit & Gap, 20 × 300 functions with Excel: ≤ 3 s", "not run", None)
    )
    return [
        "| target | measured | met |",
        "|---|---|---|",
        *(f"| {label} | {measured} | {_ok(met)} |" for label, measured, met in rows),
    ]


TOOLS = {"csv", "fixed", "fitgap"}  # fitgap's own cases (the others are floors and baselines)


def _faster(speedup: float) -> str:
    return f"fitgap {speedup:.2f}× faster" if speedup >= 1 else f"fitgap {1 / speedup:.2f}× slower"


def _has_cpu(results: dict[str, Any]) -> bool:
    """Whether the runs recorded their CPU seconds (results from before 2026-12-01 22:50 did not)."""
    return any("cpu" in r for s in results["sizes"] for r in s["runs"])


def _conversion(results: dict[str, Any]) -> list[str]:
    cpu = _has_cpu(results)
    lines = [
        "| rows | case | median s | µs/row | peak RSS MB | × on-disk floor | × in-memory floor |"
        + (" CPU s | CPU × on-disk floor |" if cpu else ""),
        "|---|---|---|---|---|---|---|" + ("---|---|" if cpu else ""),
    ]
    for s in results["sizes"]:
        for case, label in CONVERSION_LABELS.items():
            figures = s["conversion"].get(case)
            if figures is None:
                continue
            disk = _median_ratio(s["runs"], "conversion", case, "floor_disk")
            memory = _median_ratio(s["runs"], "conversion", case, "floor_memory")
            line = (
                f"| {s['rows']:,} | {label} | {figures['seconds']:.2f} | {figures['seconds'] / s['rows'] * 1e6:.2f} | "
                f"{figures['peak_rss_mb']:,.0f} | {_times(disk)} | {_times(memory)} |"
            )
            if cpu:
                seconds = f"{figures['cpu']:.2f}" if "cpu" in figures else "—"
                line += f" {seconds} | {_times(_median_ratio(s['runs'], 'conversion', case, 'floor_disk', 'cpu'))} |"
            lines.append(line)
    speedups = [(s["rows"], _median_ratio(s["runs"], "conversion", "pandas", "csv")) for s in results["sizes"]]
    against = [f"{_faster(ratio)} at {rows:,} rows" for rows, ratio in speedups if ratio is not None]
    if against:
        lines += [
            "",
            f"fitgap's CSV conversion against the pandas script (the median of the per-repeat ratios): "
            f"{'; '.join(against)}.",
        ]
    return lines


def _validation(results: dict[str, Any]) -> list[str]:
    lines = ["| rows | case | median s | µs/row | peak RSS MB | × SQL floor |", "|---|---|---|---|---|---|"]
    for s in results["sizes"]:
        for case, label in VALIDATION_LABELS.items():
            figures = s["validation"].get(case)
            if figures is None:
                continue
            ratio = _median_ratio(s["runs"], "validation", case, "floor")
            lines.append(
                f"| {s['rows']:,} | {label} | {figures['seconds']:.2f} | {figures['seconds'] / s['rows'] * 1e6:.2f} | "
                f"{figures['peak_rss_mb']:,.0f} | {_times(ratio)} |"
            )
    return lines


def _agreement(results: dict[str, Any]) -> list[str]:
    lines = []
    for s in results["sizes"]:
        a = s.get("pandas_agreement")
        if not a:
            continue
        differing = ", ".join(f"{item} {n:,}" for item, n in a["differing"].items()) or "none"
        reasons = ", ".join(f"{reason} {n:,}" for reason, n in a["pandas_rejected"].items()) or "none"
        lines.append(
            f"- {s['rows']:,} rows: fitgap published {a['fitgap_rows']:,} rows, the script {a['pandas_rows']:,} "
            f"({a['both']:,} keys in both); of their {a['cells']:,} values, {sum(a['differing'].values()):,} differ "
            f"(by item: {differing}). The script rejected {a.get('pandas_rejected_rows', '?')} rows (reasons: "
            f"{reasons})."
        )
    return lines or ["- (the pandas script was not run)"]


def _every_run(results: dict[str, Any]) -> list[str]:
    cpu = _has_cpu(results)
    lines = [
        "| rows | stage | repeat | case | s |" + (" CPU s |" if cpu else "") + " peak RSS MB | load |",
        "|---|---|---|---|---|" + ("---|" if cpu else "") + "---|---|",
    ]
    for s in results["sizes"]:
        for r in s["runs"]:
            cells = [f"{s['rows']:,}", r["stage"], str(r["repeat"]), r["case"], f"{r['seconds']:.2f}"]
            if cpu:
                cells.append(f"{r['cpu']:.2f}" if "cpu" in r else "—")
            cells += [f"{r['peak_rss_mb']:,.0f}", f"{r['load']:.2f}"]
            lines.append(f"| {' | '.join(cells)} |")
    return lines


def _loads(results: dict[str, Any]) -> str:
    loads = [r["load"] for s in results["sizes"] for r in s["runs"]]
    loads += results.get("startup", {}).get("loads", []) + results.get("fitgap", {}).get("score", {}).get("loads", [])
    return f"{min(loads):.2f}–{max(loads):.2f}" if loads else "—"


def render(results: dict[str, Any]) -> list[str]:
    """The lines of the sections this renderer owns (everything but the kept sections)."""
    if "sizes" not in results:
        raise SystemExit("these results come from the harness before issue 19: run `nox -s bench` again")
    m = results["machine"]
    repeats = sorted({s["repeats"] for s in results["sizes"]})
    limits = ", ".join(f"{s['memory_limit']} at {s['rows']:,}" for s in results["sizes"])
    lines = [
        "# Performance",
        "",
        f"Measured by `nox -s bench` (`benchmarks/run.py`) on {m['date']}: {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gb']} GB; {m['platform']}; Python {m['python']}, DuckDB {m['duckdb']}, pandas "
        f"{m.get('pandas', '-')}, Great Expectations {m['great_expectations']}.",
        "",
        f"How: within each size the cases alternate ({' or '.join(map(str, repeats))} repeats of tool, floor, tool, "
        "floor …), each run in a fresh process; every conversion and every on-disk floor starts from a fresh "
        "database file (deleted before the run, outside the timing). The primary floor is DuckDB reading the UTF-8 "
        "twin of the same file into a table in a DuckDB file (a conversion must publish to a file), with the "
        f"conversion's memory limit ({limits} rows); the in-memory read is the second column. The fixed-width "
        "conversion is measured against the same floors (the same records). Figures: the median wall time of a "
        "case, its largest peak RSS; a ratio is the median of the per-repeat ratios (each run against the floor "
        "run of the same repeat)."
        + (
            " CPU: the user and system seconds of a run's process, its threads and the children it waited for, "
            "its ratio taken the same way (it leaves out the time a run waits for a core another process holds)."
            if _has_cpu(results)
            else ""
        )
        + " The 1-minute load average before each run is in the last table "
        f"({_loads(results)} in this run; this machine has {m['cores']} cores, so a load above about 1 means "
        "someone else was working: read the figures with it).",
        "",
        "## Targets (issue 19)",
        "",
        *_targets(results),
        "",
        "## Conversion",
        "",
        *_conversion(results),
        "",
        "## Validation",
        "",
        "On the table the last CSV conversion published. GX on pandas and the pandas script run up to 1M rows.",
        "",
        *_validation(results),
        "",
        "## Fit & Gap and start-up",
        "",
        "| case | median s | peak RSS MB |",
        "|---|---|---|",
    ]
    if "fitgap" in results:
        score = results["fitgap"]["score"]
        lines.append(
            f"| Fit & Gap: score 20 × 300 functions + Excel | {score['seconds']:.2f} | {score['peak_rss_mb']:,.0f} |"
        )
    if "startup" in results:
        startup = results["startup"]
        lines.append(f"| `fitgap --help` | {startup['seconds']:.2f} | {startup['peak_rss_mb']:,.0f} |")
    lines += [
        "",
        FAIRNESS,
        "",
        *_agreement(results),
        "",
        "## Running it",
        "",
        "`nox -s bench` measures 1M and 10M rows (about 30 minutes; `-- --sizes 1M` for one size, `-- --repeats N`, "
        "`-- --no-pandas`). `-- --with-50m` adds 50M rows, CSV only, one repeat: for runs outside CI, on a quiet "
        "machine, with about 50 GB of free disk and about 45 minutes on 2 cores, 25 of them generating the files "
        "(the harness checks the disk first; "
        "`--drop-data` deletes each size's files once measured). `-- --render` rewrites this page from "
        "`benchmarks/results.json` without measuring.",
        "",
        "## Every run",
        "",
        *_every_run(results),
        "",
    ]
    return lines


def write_markdown(results: dict[str, Any], path: Path) -> None:
    lines = render(results)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    for start, end in KEPT:
        if start in old and end in old:
            lines += [start + old.split(start, 1)[1].split(end, 1)[0] + end, ""]
        elif start == KEPT[0][0]:
            lines += [NOTES_PLACEHOLDER, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
