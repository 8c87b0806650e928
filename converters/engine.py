"""A conversion run: stage the source, transform every item, quarantine what fails, publish atomically.

Guarantees (docs/reliability.md): a reader of the database sees the target table before or after a run,
never a mix (one transaction); every source row is loaded or quarantined with a reason, and the run fails if
``rows read = rows loaded + rows quarantined`` does not hold; re-running a mapping replaces its previous rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from converters import faults
from converters.mapping import FixedSource, Mapping, check_columns
from converters.plan import Check, ItemPlan, SqlStep, ValueStep, lit, plan_item
from converters.readers import Rejected, Staged, stage
from converters.reasons import Reason
from converters.store import LINEAGE, QUARANTINE, RUNS, connect, ensure_schema, file_sha256, quote
from converters.transforms.width import to_full_width
from reports.masking import mask
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.models import table_name
from spec_catalog.vocab import Sensitivity

TOOL_VERSION = "fitgap 0.1.0"
_TRANSFORM_REASONS = {
    Reason.GAIJI_UNMAPPED,
    Reason.ERA_DATE_INVALID,
    Reason.ERA_DATE_NOT_CALENDAR,
    Reason.DATE_UNKNOWN,
    Reason.TIME_INVALID,
    Reason.CODE_UNMAPPED,
    Reason.LGCODE_INVALID,
    Reason.POSTAL_INVALID,
}


class Unmapped(FrozenModel):
    item: str
    value: str | None
    count: int


class RunResult(FrozenModel):
    run_id: str
    mapping: str
    target_table: str
    status: str  # succeeded, failed, dry-run
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    reconciled: bool
    quarantine_by_reason: dict[str, int]
    unmapped: tuple[Unmapped, ...]
    dates_kept_as_text: int  # 不詳 and non-calendar dates moved to their 不詳表記 item
    timings: dict[str, float]
    preview: tuple[dict[str, str | None], ...] = ()  # --dry-run: the first rows, masked


class _Builder:
    """Accumulates the joins of value steps and the final expression of every item."""

    def __init__(self, con: Any, pua_columns: set[str]) -> None:
        self.con = con
        self.pua_columns = pua_columns  # source columns that hold any 外字 at all
        self.joins: list[str] = []
        self.map_checks: list[tuple[str, str, str, frozenset[str]]] = []  # (item, alias, …, tolerated)
        self.extras: dict[str, list[str]] = {}
        self.counter = 0

    def run(self, plan: ItemPlan) -> str:
        self.item_joins: list[str] = []  # the joins this item's own earlier steps need
        expr = plan.initial
        for step in plan.steps:
            expr = step.build(expr) if isinstance(step, SqlStep) else self._value(plan, step, expr)
        return f"nullif({expr}, '')"

    def _value(self, plan: ItemPlan, step: ValueStep, expr: str) -> str:
        if step.name == "gaiji" and not set(re.findall(r"\bs\.(c\d+)\b", expr)) & self.pua_columns:
            return expr  # no 外字 in the columns this value is made of: nothing to look up
        where = f"regexp_matches({expr}, {lit(step.prefilter)})" if step.prefilter else f"{expr} IS NOT NULL"
        if step.ascii_passes:  # byte length = character length: plain ASCII, the expression need not run
            where = f"strlen({expr}) <> length({expr}) AND {where}"
        keys = [
            row[0]
            for row in self.con.execute(
                f"SELECT DISTINCT {expr} FROM stage s {' '.join(self.item_joins)} WHERE {where}"
            ).fetchall()
        ]
        if not keys:
            return expr
        results = [step.apply(k) for k in keys]
        if step.extra_target:  # the 不詳表記 item is Ｎ: the legacy text goes there in full width
            results = [replace(r, extra=to_full_width(r.extra)) if r.extra else r for r in results]
        alias = f"m{self.counter}"
        self.counter += 1
        self.con.execute(
            f"CREATE TEMP TABLE {alias} AS SELECT unnest($k) AS k, unnest($v) AS v, unnest($r) AS reason, "
            "unnest($d) AS detail, unnest($x) AS extra",
            {
                "k": keys,
                "v": [r.value for r in results],
                "r": [r.reason for r in results],
                "d": [r.detail for r in results],
                "x": [r.extra for r in results],
            },
        )
        self.joins.append(f"LEFT JOIN {alias} ON {alias}.k = ({expr})")
        self.item_joins.append(self.joins[-1])
        tolerated = step.tolerated if step.extra_target else frozenset()
        self.map_checks.append((plan.item.romanized, alias, step.name, tolerated))
        if step.extra_target:
            self.extras.setdefault(step.extra_target, []).append(
                f"CASE WHEN {alias}.reason IN ({', '.join(lit(t) for t in tolerated)}) THEN {alias}.extra END"
            )
        if step.prefilter:
            return f"CASE WHEN {alias}.k IS NOT NULL THEN {alias}.v ELSE {expr} END"
        return f"{alias}.v"


def _pua_columns(con: Any, columns: int) -> set[str]:
    """The staged columns holding any 外字 (Private Use Area character), found in one pass over the stage."""
    if not columns:
        return set()
    # Byte length = character length means plain ASCII: the regular expression runs only for the others.
    checks = ", ".join(
        f"bool_or(strlen(c{i}) <> length(c{i}) AND regexp_matches(c{i}, '[\\x{{E000}}-\\x{{F8FF}}]'))"
        for i in range(columns)
    )
    found = con.execute(f"SELECT {checks} FROM stage").fetchone()
    return {f"c{i}" for i, hit in enumerate(found) if hit}


def _prepare(con: Any, mapping: Mapping, staged: Staged, plans: list[ItemPlan]) -> tuple[list[str], list[Check]]:
    """Create ``conv`` (one row per staged row: every item's value and a ``bad`` flag) and ``detail``.

    ``conv`` stays narrow because it holds every row: the values, whether any check failed, and whether a date
    went to its 不詳表記 item. The source values and the reason of each failed check are needed only for the
    rows that failed, so ``detail`` computes them again for those rows alone (few, as a rule).
    """
    # Readers look at the raw bytes: a file with no 外字 lead bytes at all skips the column pass.
    builder = _Builder(con, _pua_columns(con, len(staged.columns)) if staged.may_have_pua else set())
    finals = [builder.run(plan) for plan in plans]
    values = ["s._line AS _line"]
    for i, (plan, final) in enumerate(zip(plans, finals, strict=True)):
        extras = builder.extras.get(plan.item.romanized)
        value = f"coalesce({final}, {', '.join(extras)})" if extras else final
        values.append(f"{value} AS v{i}")
    map_errors: list[str] = []
    checks: list[str] = []
    for item, alias, _, tolerated in builder.map_checks:
        skip = f" AND {alias}.reason NOT IN ({', '.join(lit(t) for t in tolerated)})" if tolerated else ""
        map_errors.append(f"CASE WHEN {alias}.reason IS NOT NULL{skip} THEN {alias}.reason END")
        checks.append(item)
    sql_checks: list[tuple[int, Check]] = [(i, check) for i, plan in enumerate(plans) for check in plan.checks]
    joins = " ".join(builder.joins)
    # conv: the map errors are computed beside the values, the checks read the values (one statement).
    inner = ", ".join(values + [f"{e} AS me{j}" for j, e in enumerate(map_errors)] + _kept_columns(plans))
    failed = [f"me{j} IS NOT NULL" for j in range(len(map_errors))]
    failed += [f"({check.condition(f'v{i}')})" for i, check in sql_checks]  # NULL (no verdict) is no failure
    kept = [f"kd{i}" for i in range(len(plans)) if _extra_index(plans, i) is not None]
    con.execute(
        f"CREATE TEMP TABLE conv AS SELECT _line, {', '.join(f'v{i}' for i in range(len(plans)))}, "
        f"{' OR '.join(failed) if failed else 'false'} AS bad{''.join(', ' + k for k in kept)} "
        f"FROM (SELECT {inner} FROM stage s {joins})"
    )
    # detail: the failed rows again, with their source values, the reasons and the rules.
    columns = values + [f"{plan.initial} AS src{i}" for i, plan in enumerate(plans)]
    for j, (error, (_, alias, _, _)) in enumerate(zip(map_errors, builder.map_checks, strict=True)):
        columns += [f"{error} AS me{j}", f"{alias}.detail AS mr{j}"]
    select = ["*"] + [
        f"CASE WHEN {check.condition(f'v{i}')} THEN {lit(check.reason)} END AS ce{k}"
        for k, (i, check) in enumerate(sql_checks)
    ]
    con.execute(
        f"CREATE TEMP TABLE detail AS SELECT {', '.join(select)} FROM (SELECT {', '.join(columns)} "
        f"FROM (SELECT * FROM stage WHERE _line IN (SELECT _line FROM conv WHERE bad)) s {joins})"
    )
    return checks, [check for _, check in sql_checks]


def _extra_index(plans: list[ItemPlan], i: int) -> int | None:
    """The index of the item that takes item ``i``'s 不詳 text (its 不詳表記 item), if any."""
    target = next((s.extra_target for s in plans[i].steps if isinstance(s, ValueStep) and s.extra_target), None)
    return next((k for k, p in enumerate(plans) if p.item.romanized == target), None)


def _kept_columns(plans: list[ItemPlan]) -> list[str]:
    """``kd{i}``: item i's date went, as text, into its 不詳表記 item (a 不詳 or non-calendar legacy date)."""
    columns = []
    for i, plan in enumerate(plans):
        j = _extra_index(plans, i)
        if j is not None:
            columns.append(f"(v{i} IS NULL AND {plan.initial} IS NOT NULL AND v{j} IS NOT NULL) AS kd{i}")
    return columns


def _failures(con: Any, plans: list[ItemPlan], map_items: list[str], sql_checks: list[Check]) -> list[tuple[Any, ...]]:
    """(line, item, reason, rule, source value) of every failed check, from ``detail``."""
    index = {plan.item.romanized: i for i, plan in enumerate(plans)}
    owner = {id(check): i for i, plan in enumerate(plans) for check in plan.checks}
    parts = [
        f"SELECT _line, {lit(item)} AS item, me{j} AS reason, mr{j} AS rule, src{index[item]} AS value "
        f"FROM detail WHERE me{j} IS NOT NULL"
        for j, item in enumerate(map_items)
    ]
    parts += [
        f"SELECT _line, {lit(plans[owner[id(c)]].item.romanized)} AS item, ce{k} AS reason, {lit(c.rule)} AS rule, "
        f"src{owner[id(c)]} AS value FROM detail WHERE ce{k} IS NOT NULL"
        for k, c in enumerate(sql_checks)
    ]
    if not parts:
        return []
    rows = con.execute(" UNION ALL ".join(parts) + " ORDER BY _line, item").fetchall()
    # A value a transform rejected is empty afterwards: its other checks (必須 …) would only repeat that.
    by_transform = {(line, item) for line, item, reason, *_ in rows if reason in _TRANSFORM_REASONS}
    return [r for r in rows if r[2] in _TRANSFORM_REASONS or (r[0], r[1]) not in by_transform]


def _offset(mapping: Mapping, staged: Staged, line: int) -> int | None:
    source = mapping.file.source
    if isinstance(source, FixedSource):
        return (line - 1) * (source.length + {"crlf": 2, "lf": 1, "none": 0}[source.terminator])
    offsets = staged.line_offsets
    if offsets is not None and 0 < line <= len(offsets):
        return int(offsets[line - 1])
    return None


def run_conversion(
    mapping: Mapping,
    db_path: Path | None,
    *,
    dry_run: bool = False,
    limit: int | None = None,
    memory_limit: str | None = None,
    unmask: bool = False,
    progress: Callable[[str], None] | None = None,
    on_read: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Convert ``mapping``'s source into its target table in ``db_path`` (in memory for a dry run)."""
    say = progress or (lambda _: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    target = table_name(mapping.spec.business_id, mapping.group.name)
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f") + "-" + mapping.digest[:8]
    source_file = mapping.source_path.name
    con = connect(None if dry_run else db_path, memory_limit=memory_limit)
    try:
        if not dry_run:
            ensure_schema(con)
            _ensure_target(con, mapping, target)
            con.execute(
                f"INSERT INTO {RUNS} (run_id, mapping, mapping_path, mapping_sha256, source_path, source_sha256, "
                "source_bytes, target_table, status, started, tool_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "'running', now(), ?)",
                [
                    run_id,
                    mapping.name,
                    str(mapping.path),
                    mapping.digest,
                    str(mapping.source_path),
                    None,  # filled in once the reader has read (and hashed) the file
                    mapping.source_path.stat().st_size,
                    target,
                    TOOL_VERSION,
                ],
            )
        with tempfile.TemporaryDirectory(prefix="fitgap-") as workdir:
            say("reading")
            staged = stage(con, mapping, Path(workdir), on_read)
            timings["read"] = round(time.perf_counter() - clock, 3)
            faults.point("stage")
            if not dry_run:
                digest = staged.sha256 or file_sha256(mapping.source_path)
                con.execute(f"UPDATE {RUNS} SET source_sha256 = ? WHERE run_id = ?", [digest, run_id])
            check_columns(mapping, staged.columns)
            rejected = staged.rejected
            rows_read = staged.rows_read
            if limit is not None:
                con.execute(f"CREATE TEMP TABLE limited AS SELECT * FROM stage ORDER BY _line LIMIT {int(limit)}")
                con.execute("CREATE OR REPLACE TEMP VIEW stage AS SELECT * FROM limited")
                kept = {row[0] for row in con.execute("SELECT _line FROM stage").fetchall()}
                last = max(kept, default=0)
                rejected = [r for r in rejected if r.line <= last]
                rows_read = len(kept | {r.line for r in rejected})
            say("transforming")
            columns = staged.columns
            plans = [
                plan_item(mapping, item, mapping.file.items.get(item.romanized), columns)
                for item in mapping.group.items
            ]
            map_items, sql_checks = _prepare(con, mapping, staged, plans)
            # conv and detail hold all that is needed from here on: the staged text goes (memory for the publish).
            con.execute("DROP VIEW stage")
            for table in ("limited", "staged", "raw"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
            timings["transform"] = round(time.perf_counter() - clock - timings["read"], 3)
            faults.point("transform")
            # A row the reader rejected was staged blank; its only entry is the reader's reason.
            unreadable = {r.line for r in rejected}
            failures = [f for f in _failures(con, plans, map_items, sql_checks) if f[0] not in unreadable]
            con.execute("CREATE TEMP TABLE excluded (_line BIGINT)")
            bad_lines = {r.line for r in rejected} | {f[0] for f in failures}
            if bad_lines:
                con.execute("INSERT INTO excluded SELECT unnest($l)", {"l": sorted(bad_lines)})
            keys = list(mapping.file.key or [i.romanized for i in mapping.group.primary_key])
            key_index = [next(i for i, p in enumerate(plans) if p.item.romanized == k) for k in keys]
            duplicates: list[tuple[Any, ...]] = []
            if key_index:
                partition = ", ".join(f"v{i}" for i in key_index)
                key_text = " || '|' || ".join(f"coalesce(v{i}, '')" for i in key_index)
                duplicates = con.execute(
                    f"SELECT _line, {key_text} FROM (SELECT *, row_number() OVER (PARTITION BY {partition} "
                    "ORDER BY _line) AS n FROM conv WHERE _line NOT IN (SELECT _line FROM excluded)) "
                    "WHERE n > 1 ORDER BY _line"
                ).fetchall()
                if duplicates:
                    con.execute("INSERT INTO excluded SELECT unnest($l)", {"l": [d[0] for d in duplicates]})
            sensitivity = {p.item.romanized: p.item.sensitivity for p in plans}
            quarantine = _quarantine_rows(
                mapping, staged, run_id, source_file, rejected, failures, duplicates, keys, sensitivity, unmask
            )
            loaded = con.execute(
                "SELECT count(*) FROM conv WHERE _line NOT IN (SELECT _line FROM excluded)"
            ).fetchone()[0]
            quarantined = len({q[3] for q in quarantine})
            reconciled = rows_read == loaded + quarantined
            by_reason = dict(sorted(Counter(q[6] for q in quarantine).items()))
            unmapped_counts = Counter((q[5], q[8]) for q in quarantine if q[6] == Reason.CODE_UNMAPPED)
            unmapped = tuple(
                Unmapped(item=i, value=v, count=n)
                for (i, v), n in sorted(unmapped_counts.items(), key=lambda x: (x[0][0], -x[1]))
            )
            kept_text = _dates_kept(con, plans)
            preview: tuple[dict[str, str | None], ...] = ()
            if dry_run:
                preview = _preview(con, plans, unmask)
                status = "dry-run"
            else:
                say("publishing")
                status = _publish(
                    con,
                    mapping,
                    target,
                    run_id,
                    source_file,
                    plans,
                    quarantine,
                    reconciled,
                    (rows_read, loaded, quarantined),
                    timings,
                    unmapped,
                )
            timings["total"] = round(time.perf_counter() - clock, 3)
            if not dry_run:
                con.execute(f"UPDATE {RUNS} SET timings = ? WHERE run_id = ?", [json.dumps(timings), run_id])
            return RunResult(
                run_id=run_id,
                mapping=mapping.name,
                target_table=target,
                status=status,
                rows_read=rows_read,
                rows_loaded=loaded,
                rows_quarantined=quarantined,
                reconciled=reconciled,
                quarantine_by_reason=by_reason,
                unmapped=unmapped,
                dates_kept_as_text=kept_text,
                timings=timings,
                preview=preview,
            )
    except FitgapError as exc:
        if not dry_run:
            _fail(con, run_id, exc.one_line())
        raise
    finally:
        con.close()


def _fail(con: Any, run_id: str, message: str) -> None:
    # The connection may be what failed; the run then stays 'running', which says the same.
    with contextlib.suppress(Exception):
        con.execute(
            f"UPDATE {RUNS} SET status = 'failed', finished = now(), message = ? WHERE run_id = ?", [message, run_id]
        )


def _dates_kept(con: Any, plans: list[ItemPlan]) -> int:
    """Rows whose date went, as text, into its 不詳表記 item (a 不詳 or non-calendar legacy date)."""
    kept = [f"count_if(kd{i})" for i in range(len(plans)) if _extra_index(plans, i) is not None]
    if not kept:
        return 0
    return int(sum(n or 0 for n in con.execute(f"SELECT {', '.join(kept)} FROM conv").fetchone()))


def _quarantine_rows(
    mapping: Mapping,
    staged: Staged,
    run_id: str,
    source_file: str,
    rejected: list[Rejected],
    failures: list[tuple[Any, ...]],
    duplicates: list[tuple[Any, ...]],
    keys: list[str],
    sensitivity: dict[str, Sensitivity],
    unmask: bool,
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for r in rejected:
        rows.append((run_id, mapping.name, source_file, r.line, r.offset, None, r.reason.value, r.rule, r.value))
    for line, item, reason, rule, value in failures:
        rows.append(
            (
                run_id,
                mapping.name,
                source_file,
                line,
                _offset(mapping, staged, line),
                item,
                reason,
                rule,
                mask(value, sensitivity.get(item, Sensitivity.NONE), unmask=unmask),
            )
        )
    level = max(
        (sensitivity.get(k, Sensitivity.NONE) for k in keys), key=list(Sensitivity).index, default=Sensitivity.NONE
    )
    for line, key in duplicates:
        rows.append(
            (
                run_id,
                mapping.name,
                source_file,
                line,
                _offset(mapping, staged, line),
                "+".join(keys),
                Reason.KEY_DUPLICATE.value,
                f"primary key {'+'.join(keys)} repeated",
                mask(key, level, unmask=unmask),
            )
        )
    return rows


def _preview(con: Any, plans: list[ItemPlan], unmask: bool) -> tuple[dict[str, str | None], ...]:
    names = [p.item.romanized for p in plans]
    rows = con.execute(
        f"SELECT _line, {', '.join(f'v{i}' for i in range(len(plans)))} FROM conv "
        "WHERE _line NOT IN (SELECT _line FROM excluded) ORDER BY _line LIMIT 20"
    ).fetchall()
    return tuple(
        {
            "_line": str(row[0]),
            **{n: mask(v, p.item.sensitivity, unmask=unmask) for n, v, p in zip(names, row[1:], plans, strict=True)},
        }
        for row in rows
    )


def _ensure_target(con: Any, mapping: Mapping, target: str) -> None:
    wanted = [i.romanized for i in mapping.group.items] + list(LINEAGE)
    existing = [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
            "ORDER BY column_index",
            [target],
        ).fetchall()
    ]
    if existing and existing != wanted:
        raise FitgapError(
            f"table {target} has other columns than group {mapping.group.name} of the catalog",
            hint="the catalog changed since it was made: convert into a new database, or drop the table",
        )
    if not existing:
        types = {"_source_line": "BIGINT"}
        columns = ", ".join(f"{quote(c)} {types.get(c, 'VARCHAR')}" for c in wanted)
        con.execute(f"CREATE TABLE IF NOT EXISTS {quote(target)} ({columns})")


def _publish(
    con: Any,
    mapping: Mapping,
    target: str,
    run_id: str,
    source_file: str,
    plans: list[ItemPlan],
    quarantine: list[tuple[Any, ...]],
    reconciled: bool,
    counts: tuple[int, int, int],
    timings: dict[str, float],
    unmapped: tuple[Unmapped, ...],
) -> str:
    read, loaded, quarantined = counts
    unmapped_json = json.dumps([u.model_dump() for u in unmapped], ensure_ascii=False)
    if not reconciled:
        con.execute(
            f"UPDATE {RUNS} SET status = 'failed', finished = now(), rows_read = ?, rows_loaded = ?, "
            "rows_quarantined = ?, reconciled = false, message = ? WHERE run_id = ?",
            [read, loaded, quarantined, f"reconciliation failed: {read} read ≠ {loaded} + {quarantined}", run_id],
        )
        return "failed"
    columns = ", ".join(quote(p.item.romanized) for p in plans) + ", " + ", ".join(quote(c) for c in LINEAGE)
    values = ", ".join(f"v{i}" for i in range(len(plans)))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {quote(target)} WHERE _mapping = ?", [mapping.name])
        con.execute(
            f"INSERT INTO {quote(target)} ({columns}) SELECT {values}, ?, _line, ?, ? FROM conv "
            "WHERE _line NOT IN (SELECT _line FROM excluded)",
            [source_file, run_id, mapping.name],
        )
        faults.point("publish")  # the target's rows are replaced but not committed
        con.execute(f"DELETE FROM {QUARANTINE} WHERE mapping = ?", [mapping.name])
        if quarantine:
            fields = list(zip(*quarantine, strict=True))
            con.execute(
                f"INSERT INTO {QUARANTINE} SELECT unnest($a), unnest($b), unnest($c), unnest($d), unnest($e), "
                "unnest($f), unnest($g), unnest($h), unnest($i)",
                dict(zip("abcdefghi", (list(f) for f in fields), strict=True)),
            )
        con.execute(
            f"UPDATE {RUNS} SET status = 'succeeded', finished = now(), rows_read = ?, rows_loaded = ?, "
            "rows_quarantined = ?, reconciled = true, unmapped = ? WHERE run_id = ?",
            [read, loaded, quarantined, unmapped_json, run_id],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return "succeeded"
