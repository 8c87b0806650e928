"""``fitgap validate run``: the suites against the converted tables, with every failing row listed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from reports.masking import mask
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.models import Catalog
from spec_catalog.vocab import Sensitivity
from validation.rules import Rule, SuitePlan, plan_suite, q

LINEAGE = ("_source_file", "_source_line", "_run_id", "_mapping")
Status = Literal["passed", "failed", "skipped", "error"]


class FailingRow(FrozenModel):
    source_file: str | None
    source_line: int | None
    key: dict[str, str | None]
    values: dict[str, str | None]  # the items the rule looks at, masked where personal


class RuleResult(FrozenModel):
    rule_id: str
    severity: str
    kind: str
    description: str
    status: Status
    unexpected_count: int | None
    element_count: int | None
    failing_rows: tuple[FailingRow, ...] = ()
    note: str | None = None


class RunCheck(FrozenModel):
    mapping: str
    run_id: str | None
    status: Status
    code: str | None  # RUN_FAILED, RUN_NOT_RECONCILED, TABLE_STALE
    message: str


class TableResult(FrozenModel):
    table: str
    business_id: str
    group: str
    rows: int
    rules: tuple[RuleResult, ...]
    manual_checks: tuple[dict[str, str], ...]
    run_checks: tuple[RunCheck, ...]


class ValidationReport(FrozenModel):
    database: str
    catalog_sample: bool
    tables: tuple[TableResult, ...]
    errors_failed: int
    warnings_failed: int
    rules_run: int
    passed: bool
    seconds: float


def suites_for(db: Path, catalog: Catalog) -> list[SuitePlan]:
    """Generated suites for every converted table in the database (when no --suites is given)."""
    con = _open(db)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_columns() WHERE column_name = '_mapping' AND schema_name = 'main'"
            ).fetchall()
        }
    finally:
        con.close()
    plans = []
    for spec in catalog.businesses:
        for group in spec.layouts:
            plan = plan_suite(spec, group, catalog.name)
            if plan.table in tables:
                plans.append(plan)
    if not plans:
        raise FitgapError(
            "the database holds no converted table of the catalog",
            where=db,
            hint="convert first with 'fitgap convert run', or give --suites",
        )
    return plans


def _open(db: Path) -> Any:
    import duckdb

    if not db.exists():
        raise FitgapError("database not found", where=db, hint="convert first: fitgap convert run MAPPING --db FILE")
    try:
        return duckdb.connect(
            str(db), read_only=True, config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
    except duckdb.Error as exc:
        raise FitgapError(
            f"cannot open the database ({str(exc).splitlines()[0]})",
            where=db,
            hint="is another fitgap process writing it?",
        ) from None


def _check_tables(con: Any, db: Path, plans: list[SuitePlan]) -> dict[str, int]:
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    rows = {}
    for plan in plans:
        if plan.table not in tables:
            raise FitgapError(
                f"no table {plan.table} for suite {plan.table}",
                where=db,
                hint="convert that group first, or remove its suite",
            )
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'", [plan.table]
            ).fetchall()
        }
        wanted = {i for r in plan.rules if r.kind.value == "columns" for i in r.items}
        missing = sorted(wanted - columns)
        if missing:
            raise FitgapError(
                f"table {plan.table} does not match its suite: no column {', '.join(missing)}",
                where=db,
                hint="regenerate the suite from the catalog the data was converted with",
            )
        rows[plan.table] = con.execute(f"SELECT count(*) FROM {q(plan.table)}").fetchone()[0]
    return rows


def _run_checks(con: Any, table: str) -> tuple[RunCheck, ...]:
    """The conversion records: the last run of each mapping reconciled, and the table holds its rows."""
    if "fitgap_runs" not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}:
        return ()
    checks = []
    mappings = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT _mapping FROM {q(table)} UNION SELECT DISTINCT mapping FROM fitgap_runs "
            "WHERE target_table = ? ORDER BY 1",
            [table],
        ).fetchall()
    ]
    for mapping in mappings:
        last = con.execute(
            "SELECT run_id, status, reconciled FROM fitgap_runs WHERE target_table = ? AND mapping = ? "
            "ORDER BY started DESC LIMIT 1",
            [table, mapping],
        ).fetchone()
        good = con.execute(
            "SELECT run_id FROM fitgap_runs WHERE target_table = ? AND mapping = ? AND status = 'succeeded' "
            "ORDER BY started DESC LIMIT 1",
            [table, mapping],
        ).fetchone()
        in_table = {
            r[0]
            for r in con.execute(f"SELECT DISTINCT _run_id FROM {q(table)} WHERE _mapping = ?", [mapping]).fetchall()
        }
        if last is None:
            checks.append(
                RunCheck(
                    mapping=mapping,
                    run_id=None,
                    status="failed",
                    code="RUN_MISSING",
                    message="rows in the table have no run record",
                )
            )
        elif last[1] != "succeeded" or not last[2]:
            # the engine marks a run that read more rows than it accounted for as failed with reconciled =
            # false; a run that stopped on an error (or was killed: still 'running') has reconciled unset
            code = "RUN_NOT_RECONCILED" if last[2] is False else "RUN_FAILED"
            checks.append(
                RunCheck(
                    mapping=mapping,
                    run_id=last[0],
                    status="failed",
                    code=code,
                    message=f"the last run is {last[1]}: fix it and convert again",
                )
            )
        elif good is not None and in_table != {good[0]}:
            checks.append(
                RunCheck(
                    mapping=mapping,
                    run_id=good[0],
                    status="failed",
                    code="TABLE_STALE",
                    message="the table does not hold the rows of the mapping's last successful run",
                )
            )
        else:
            checks.append(
                RunCheck(
                    mapping=mapping,
                    run_id=last[0],
                    status="passed",
                    code=None,
                    message="reconciled: rows read = loaded + quarantined",
                )
            )
    return tuple(checks)


def _sensitivity(catalog: Catalog, plan: SuitePlan) -> dict[str, Sensitivity]:
    spec = catalog.find(plan.business_id)
    group = spec.group(plan.group) if spec else None
    return {i.romanized: i.sensitivity for i in group.items} if group else {}


def _failing_rows(
    con: Any, plan: SuitePlan, rule: Rule, levels: dict[str, Sensitivity], unmask: bool
) -> tuple[FailingRow, ...]:
    key = list(plan.key)
    items = [i for i in rule.items if i not in key]
    columns = [*key, *items, "_source_file", "_source_line"]
    rows = con.execute(
        f"SELECT {', '.join(q(c) for c in columns)} FROM {q(plan.table)} WHERE {rule.failing_sql} "
        "ORDER BY _source_file, _source_line"
    ).fetchall()

    def shown(column: str, value: Any) -> str | None:
        return mask(None if value is None else str(value), levels.get(column, Sensitivity.NONE), unmask=unmask)

    return tuple(
        FailingRow(
            source_file=row[-2],
            source_line=row[-1],
            key={k: shown(k, v) for k, v in zip(key, row[: len(key)], strict=True)},
            values={k: shown(k, v) for k, v in zip(items, row[len(key) : -2], strict=True)},
        )
        for row in rows
    )


def _sql_counts(con: Any, plan: SuitePlan) -> dict[str, int]:
    """The failing-row count of every rule with SQL, in one pass over the table (the GX parity check)."""
    rules = [r for r in plan.rules if r.failing_sql and r.enabled]
    if not rules:
        return {}
    counts = ", ".join(f"count_if({r.failing_sql})" for r in rules)
    values = con.execute(f"SELECT {counts} FROM {q(plan.table)}").fetchone()
    return {r.rule_id: int(v) for r, v in zip(rules, values, strict=True)}


def validate(
    db: Path, plans: list[SuitePlan], catalog: Catalog, *, docs: Path | None = None, unmask: bool = False
) -> ValidationReport:
    """Run the suites with GX; plain SQL counts the same rules and lists every failing row, meanwhile."""
    from validation.gx_adapter import Pending

    clock = time.perf_counter()
    skipped: dict[str, str] = {}
    con = _open(db)
    try:
        rows = _check_tables(con, db, plans)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for plan in plans:
            for rule in plan.rules:
                if not rule.enabled:
                    skipped[rule.rule_id] = "switched off in the suite"
                elif rule.references and rule.references not in tables:
                    skipped[rule.rule_id] = f"table {rule.references} is not in the database"
        suites = [
            (
                plan.table,
                [
                    {"type": r.expectation["type"], "kwargs": r.expectation["kwargs"], "meta": {"rule_id": r.rule_id}}
                    for r in plan.rules
                    if r.rule_id not in skipped
                ],
            )
            for plan in plans
        ]
        # GX runs in a child process, read-only, while this one counts the same rules with plain SQL: the two
        # cores of a small machine both work, and the parity check costs no extra time.
        pending = Pending(db, suites, docs)
        run_checks = {plan.table: _run_checks(con, plan.table) for plan in plans}
        counts: dict[str, int] = {}
        failing: dict[str, tuple[FailingRow, ...]] = {}
        for plan in plans:
            levels = _sensitivity(catalog, plan)
            active = plan.model_copy(update={"rules": tuple(r for r in plan.rules if r.rule_id not in skipped)})
            counts.update(_sql_counts(con, active))
            for rule in active.rules:
                if counts.get(rule.rule_id):
                    failing[rule.rule_id] = _failing_rows(con, plan, rule, levels, unmask)
    finally:
        con.close()
    outcomes = pending.result()
    results = []
    for plan in plans:
        by_id = {o.rule_id: o for o in outcomes.get(plan.table, [])}
        rule_results = []
        for rule in plan.rules:
            outcome = by_id.get(rule.rule_id)
            if outcome is None:
                rule_results.append(
                    RuleResult(
                        rule_id=rule.rule_id,
                        severity=rule.severity,
                        kind=rule.kind.value,
                        description=rule.description,
                        status="skipped",
                        unexpected_count=None,
                        element_count=None,
                        note=skipped.get(rule.rule_id),
                    )
                )
                continue
            status: Status = "error" if outcome.error else "passed" if outcome.success else "failed"
            note = outcome.error
            sql_count = counts.get(rule.rule_id)
            if status != "error" and sql_count is not None and (outcome.unexpected_count or 0) != sql_count:
                status, note = (
                    "error",
                    (
                        f"GX counted {outcome.unexpected_count} failing rows, plain SQL {sql_count}: "
                        "the GX adapter needs a look (GX upgraded?)"
                    ),
                )
            elif status == "failed" and rule.failing_sql is None:
                note = f"GX sample (custom rule): {outcome.sample[:20]}"
            rule_results.append(
                RuleResult(
                    rule_id=rule.rule_id,
                    severity=rule.severity,
                    kind=rule.kind.value,
                    description=rule.description,
                    status=status,
                    unexpected_count=outcome.unexpected_count,
                    element_count=outcome.element_count,
                    failing_rows=failing.get(rule.rule_id, ()) if status == "failed" else (),
                    note=note,
                )
            )
        results.append(
            TableResult(
                table=plan.table,
                business_id=plan.business_id,
                group=plan.group,
                rows=rows[plan.table],
                rules=tuple(rule_results),
                manual_checks=tuple(m.model_dump() for m in plan.manual_checks),
                run_checks=run_checks[plan.table],
            )
        )
    failed = [r for t in results for r in t.rules if r.status in ("failed", "error")]
    errors = sum(1 for r in failed if r.severity == "error" or r.status == "error")
    errors += sum(1 for t in results for c in t.run_checks if c.status == "failed")
    return ValidationReport(
        database=str(db),
        catalog_sample=any(p.sample for p in plans),
        tables=tuple(results),
        errors_failed=errors,
        warnings_failed=sum(1 for r in failed if r.severity == "warning" and r.status == "failed"),
        rules_run=sum(1 for t in results for r in t.rules if r.status != "skipped"),
        passed=errors == 0,
        seconds=round(time.perf_counter() - clock, 3),
    )
