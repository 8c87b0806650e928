"""``fitgap validate run``: the suites against the converted tables, with every failing row listed."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from reports.masking import mask, mask_text
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.codes import Code, info
from spec_catalog.ctrl_c import interruptible
from spec_catalog.database import (
    RunRecord,
    RunStatus,
    columns_of,
    connect_read_only,
    converted_tables,
    count_rows,
    has_runs,
    lineage_of,
    runs_of_table,
    tables,
)
from spec_catalog.database import quote as q
from spec_catalog.language import current, say
from spec_catalog.models import Catalog
from spec_catalog.vocab import Sensitivity
from validation.gx_adapter import Pending
from validation.rules import Rule, SuitePlan, allow_characters, plan_suite

Status = Literal["passed", "failed", "skipped", "error"]
Phase = Literal["sql", "gx", "rows"]  # validate's progress: the SQL counts, GX, the rows of catalog rules GX failed


class FailingRow(FrozenModel):
    source_file: str | None
    source_line: int | None
    key: dict[str, str | None]
    values: dict[str, str | None]  # the items the rule looks at, masked where personal


class RuleResult(FrozenModel):
    rule_id: str
    severity: str
    kind: str
    description: str  # in Japanese (the suite's own text for a custom expectation)
    status: Status
    unexpected_count: int | None
    element_count: int | None
    failing_rows: tuple[FailingRow, ...] = ()
    note: str | None = None
    code: Code | None = None  # the reason code of the failing rows (or RULE_ERROR / GX_COUNT_MISMATCH)
    description_en: str | None = None  # in English, for a report in English (None: as ``description``)

    def text(self, lang: str = "ja") -> str:
        """The description in ``lang``."""
        return self.description_en if lang == "en" and self.description_en else self.description

    @property
    def counts_as_error(self) -> bool:
        """The one place that decides: a failed error rule, or a rule that could not run, is an error."""
        return self.status == "error" or (self.status == "failed" and self.severity == "error")

    @property
    def counts_as_warning(self) -> bool:
        return self.status == "failed" and self.severity == "warning"


class RunCheck(FrozenModel):
    mapping: str
    run_id: str | None
    status: Status
    code: Code | None  # RUN_MISSING, RUN_FAILED, RUN_NOT_RECONCILED, TABLE_STALE
    message: str

    @property
    def counts_as_error(self) -> bool:
        return self.status == "failed"


class TableResult(FrozenModel):
    table: str
    business_id: str
    group: str
    rows: int
    rules: tuple[RuleResult, ...]
    manual_checks: tuple[dict[str, str], ...]
    run_checks: tuple[RunCheck, ...]

    @property
    def errors(self) -> int:
        """Failed error rules and rules that could not run, plus conversion records that fail."""
        return sum(r.counts_as_error for r in self.rules) + sum(c.counts_as_error for c in self.run_checks)

    @property
    def rule_errors(self) -> int:
        return sum(r.counts_as_error for r in self.rules)

    @property
    def run_errors(self) -> int:
        return sum(c.counts_as_error for c in self.run_checks)

    @property
    def warnings(self) -> int:
        return sum(r.counts_as_warning for r in self.rules)


class ValidationReport(FrozenModel):
    database: str
    catalog_sample: bool
    tables: tuple[TableResult, ...]
    errors_failed: int
    warnings_failed: int
    rules_run: int
    passed: bool
    seconds: float
    # The run's inputs, so the report says what it checked (None only in reports of an earlier fitgap).
    catalog: str | None = None
    catalog_versions: dict[str, str | None] | None = None  # 業務ID -> spec version of each table's business
    suites: str | None = None  # the suite folder, or "generated" (from the catalog)
    tool_version: str | None = None
    created: dt.datetime | None = None  # 作成日時, with its UTC offset
    allowed_characters: int = 0  # characters the municipality's decisions accept beside the standard's set
    allowed_characters_file: str | None = None  # the file they were read from (None: none given)


def suites_for(db: Path, catalog: Catalog) -> list[SuitePlan]:
    """Generated suites for every converted table in the database (when no --suites is given)."""
    con = connect_read_only(db, sealed=True)
    try:
        converted = set(converted_tables(con))
    finally:
        con.close()
    plans = []
    for spec in catalog.businesses:
        for group in spec.layouts:
            plan = plan_suite(spec, group, catalog.name)
            if plan.table in converted:
                plans.append(plan)
    if not plans:
        raise FitgapError(
            say(
                "データベースにカタログの変換済みのテーブルがありません",
                "the database holds no converted table of the catalog",
            ),
            where=db,
            hint=say(
                "先に 'fitgap convert run' で変換するか、--suites を指定してください",
                "convert first with 'fitgap convert run', or give --suites",
            ),
        )
    return plans


def _check_tables(con: Any, db: Path, plans: list[SuitePlan]) -> dict[str, int]:
    present = tables(con)
    rows = {}
    for plan in plans:
        if plan.table not in present:
            raise FitgapError(
                say(
                    f"スイート {plan.table} のテーブル {plan.table} がありません",
                    f"no table {plan.table} for suite {plan.table}",
                ),
                where=db,
                hint=say(
                    "先にそのグループを変換するか、そのスイートを取り除いてください",
                    "convert that group first, or remove its suite",
                ),
            )
        wanted = {i for r in plan.rules if r.kind.value == "columns" for i in r.items}
        missing = sorted(wanted - set(columns_of(con, plan.table)))
        if missing:
            absent = ", ".join(missing)
            raise FitgapError(
                say(
                    f"テーブル {plan.table} がスイートと合いません: 列 {absent} がありません",
                    f"table {plan.table} does not match its suite: no column {absent}",
                ),
                where=db,
                hint=say(
                    "データを変換したときのカタログからスイートを作り直してください",
                    "regenerate the suite from the catalog the data was converted with",
                ),
            )
        rows[plan.table] = count_rows(con, plan.table)
    return rows


def _run_check(mapping: str, runs: list[RunRecord], in_table: set[str]) -> RunCheck:
    """The conversion record of one mapping: its last run succeeded and the table holds that run's rows."""
    if not runs:
        return RunCheck(
            mapping=mapping,
            run_id=None,
            status="failed",
            code=Code.RUN_MISSING,
            message=info(Code.RUN_MISSING).message(current()),
        )
    last = runs[0]
    if last.status is not RunStatus.SUCCEEDED or not last.reconciled:
        # a run that was rejected (its counts did not add up, or the publish guard refused it: its message starts
        # with the guard's code) published nothing; one that stopped on an error, was interrupted or killed failed
        code, message = Code.RUN_FAILED, info(Code.RUN_FAILED).message(current(), status=last.status.value)
        if last.status is RunStatus.REJECTED:
            guard = (last.message or "").partition(":")[0]
            if last.reconciled and guard in Code.__members__:
                code, message = Code(guard), last.message or guard
            else:
                code, message = Code.RUN_NOT_RECONCILED, info(Code.RUN_NOT_RECONCILED).message(current())
        return RunCheck(mapping=mapping, run_id=last.run_id, status="failed", code=code, message=message)
    if in_table != {last.run_id}:
        return RunCheck(
            mapping=mapping,
            run_id=last.run_id,
            status="failed",
            code=Code.TABLE_STALE,
            message=info(Code.TABLE_STALE).message(current()),
        )
    return RunCheck(
        mapping=mapping,
        run_id=last.run_id,
        status="passed",
        code=None,
        message=say("件数一致: 読込 = 登録 + 移行エラー", "counts agree: read = loaded + quarantined"),
    )


def _run_checks(con: Any, table: str) -> tuple[RunCheck, ...]:
    """The conversion records of every mapping that wrote the table (none when nothing was recorded)."""
    if not has_runs(con):
        return ()
    runs = runs_of_table(con, table)
    lineage = lineage_of(con, table)
    mappings = sorted(set(lineage) | {r.mapping for r in runs})
    return tuple(_run_check(m, [r for r in runs if r.mapping == m], lineage.get(m, set())) for m in mappings)


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
        # By the item's flag and by value: a key or code column can hold a 個人番号 too.
        return mask(None if value is None else str(value), levels.get(column, Sensitivity.NONE), unmask=unmask)

    return tuple(
        FailingRow(
            source_file=mask(row[-2], Sensitivity.NONE, unmask=unmask),  # masked by value: a name can hold one
            source_line=row[-1],
            key={k: shown(k, v) for k, v in zip(key, row[: len(key)], strict=True)},
            values={k: shown(k, v) for k, v in zip(items, row[len(key) : -2], strict=True)},
        )
        for row in rows
    )


def _recounted(rule: Rule) -> bool:
    """Whether plain SQL counts the rule's failing rows beside GX (the parity check).

    Every rule GX states with a built-in expectation of its own: GX's translation (its regular expressions, its
    NULL handling, its value sets) is what can say something else than the rule's SQL. A catalog rule GX runs as
    the rule's own SQL, so a second count of all rows would only repeat it, at the cost of a second scan as long
    as GX's (measured at 10M rows: the recount of all rules 32.7 s, of the built-in ones 16.4 s). Its failing
    rows are listed, and counted against GX's count, once GX has failed it; the adapter's handling of it is held
    to account by tests (tests/validation/test_validate.py, test_total.py)."""
    return bool(rule.failing_sql) and rule.enabled and not rule.gx_runs_its_sql


def _failed_by_gx(plans: list[SuitePlan], outcomes: dict[str, list[Any]]) -> list[tuple[SuitePlan, list[Rule]]]:
    """Per table that has any: the catalog rules (not recounted) GX failed, not those it could not evaluate."""
    failed = {o.rule_id for found in outcomes.values() for o in found if not o.success and o.error is None}
    late = [
        (plan, [r for r in plan.rules if r.rule_id in failed and r.enabled and r.failing_sql and r.gx_runs_its_sql])
        for plan in plans
    ]
    return [(plan, rules) for plan, rules in late if rules]


def _sql_counts(con: Any, plan: SuitePlan) -> dict[str, int]:
    """The failing-row count of every recounted rule (:func:`_recounted`), in one pass over the table."""
    rules = [r for r in plan.rules if _recounted(r)]
    if not rules:
        return {}
    counts = ", ".join(f"count_if({r.failing_sql})" for r in rules)
    values = con.execute(f"SELECT {counts} FROM {q(plan.table)}").fetchone()
    return {r.rule_id: int(v) for r, v in zip(rules, values, strict=True)}


def _skipped(con: Any, plans: list[SuitePlan]) -> dict[str, str]:
    """Rules that will not run, and why."""
    present = tables(con)
    skipped: dict[str, str] = {}
    for plan in plans:
        for rule in plan.rules:
            if not rule.enabled:
                skipped[rule.rule_id] = say("スイートで無効", "switched off in the suite")
            elif rule.references and rule.references not in present:
                table = rule.references
                skipped[rule.rule_id] = say(f"{table} がデータベースにありません", f"{table} is not in the database")
    return skipped


def _gx_runs(run_checks: dict[str, tuple[RunCheck, ...]]) -> dict[str, str]:
    """Each table's run as GX's Data Docs name it: the conversion runs whose rows it holds (``+`` between two;
    none when a check failed: the adapter then names the run by the time of the validation)."""
    found = {
        table: sorted({c.run_id for c in checks if c.run_id and c.status == "passed"})
        for table, checks in run_checks.items()
    }
    return {table: "+".join(ids) for table, ids in found.items() if ids}


def _gx_suites(plans: list[SuitePlan], skipped: dict[str, str]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
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


def _english(plan: SuitePlan, catalog: Catalog) -> dict[str, str]:
    """The English descriptions of the plan's catalog rules (the plan holds the Japanese ones)."""
    spec = catalog.find(plan.business_id)
    group = spec.group(plan.group) if spec else None
    if spec is None or group is None:
        return {}
    return {r.rule_id: r.description for r in plan_suite(spec, group, catalog.name, "en").rules}


def _rule_result(
    rule: Rule,
    outcome: Any,
    skipped: dict[str, str],
    sql_count: int | None,
    failing: tuple[FailingRow, ...],
    english: str | None = None,
    level: Sensitivity = Sensitivity.NONE,
    unmask: bool = False,
) -> RuleResult:
    """GX's outcome for one rule, checked against the plain SQL count; ``english``: its description in English.
    ``level``: the sensitivity of the rule's column, by which GX's sample of failing values is masked (and by
    value), as the failing rows are; GX's error text is masked by value (a database error can quote a value)."""
    if outcome is None:
        return RuleResult(
            rule_id=rule.rule_id,
            severity=rule.severity,
            kind=rule.kind.value,
            description=rule.description,
            description_en=english,
            status="skipped",
            unexpected_count=None,
            element_count=None,
            note=skipped.get(rule.rule_id),
        )
    status: Status = "error" if outcome.error else "passed" if outcome.success else "failed"
    note, code = mask_text(outcome.error, unmask=unmask), Code.RULE_ERROR if outcome.error else rule.code
    if status != "error" and sql_count is not None and (outcome.unexpected_count or 0) != sql_count:
        status, code = "error", Code.GX_COUNT_MISMATCH
        note = info(code).message(current(), gx=outcome.unexpected_count, sql=sql_count) + say(
            ": GX との接続部（validation/gx_adapter.py）を確かめてください（GX を更新しましたか？）",
            ": the GX adapter needs a look (GX upgraded?)",
        )
    elif status == "failed" and rule.failing_sql is None:
        sample = ", ".join(mask(str(v), level, unmask=unmask) or "" for v in outcome.sample[:20] if v is not None)
        note = say(f"GX の例（独自のルール）: {sample}", f"GX sample (custom rule): {sample}")
    return RuleResult(
        rule_id=rule.rule_id,
        severity=rule.severity,
        kind=rule.kind.value,
        description=rule.description,
        description_en=english,
        status=status,
        unexpected_count=outcome.unexpected_count,
        element_count=outcome.element_count,
        failing_rows=failing if status == "failed" else (),
        note=note,
        code=code if status != "passed" else None,
    )


def _allowing(plan: SuitePlan, catalog: Catalog, allowed: frozenset[str]) -> SuitePlan:
    spec = catalog.find(plan.business_id)
    group = spec.group(plan.group) if spec else None
    return allow_characters(plan, spec, group, allowed) if spec and group else plan


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"fitgap {version('fitgap')}"
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
        return "fitgap (not installed)"


def validate(
    db: Path,
    plans: list[SuitePlan],
    catalog: Catalog,
    *,
    docs: Path | None = None,
    unmask: bool = False,
    suites: Path | None = None,
    allowed: frozenset[str] = frozenset(),
    allowed_file: Path | None = None,
    progress: Callable[[Phase, int, int], None] | None = None,
    gx: Pending | None = None,
) -> ValidationReport:
    """Run the suites with GX; meanwhile plain SQL counts the rules GX translates into expectations of its own
    (:func:`_recounted`) and lists every failing row; the failing rows of the catalog rules GX fails follow.

    ``suites`` is the folder the plans were read from (None: generated from the catalog), for the report;
    ``allowed``: characters the municipality's decisions accept in Ｎ items beside the standard's set, read from
    ``allowed_file`` (named in the report). ``progress`` is told (phase, tables done, tables) as each table is
    counted with SQL (``"sql"``), then validated by GX (``"gx"``), then, where GX failed a catalog rule, as its
    failing rows are read (``"rows"``). ``gx``: GX's child process, started by the
    caller as early as it could (GX takes seconds to import); stopped here if the run fails before GX's result."""
    created = dt.datetime.now().astimezone()
    clock = time.perf_counter()
    tell = progress or (lambda _phase, _done, _total: None)
    pending = gx or Pending()
    with pending.stopped_on_error():  # an error or Ctrl-C before GX's result stops its child too
        plans = [_allowing(plan, catalog, allowed) for plan in plans]
        database = connect_read_only(db, sealed=True)
        try:
            with interruptible(database) as con:  # Ctrl-C stops a count at once (spec_catalog/ctrl_c.py)
                rows = _check_tables(con, db, plans)
                skipped = _skipped(con, plans)
                run_checks = {plan.table: _run_checks(con, plan.table) for plan in plans}
                # GX runs in a child process, read-only, while this one counts its translated rules with plain SQL:
                # GX's own Python work (its import, its planning) overlaps this process's queries.
                pending.send(db, _gx_suites(plans, skipped), docs, _gx_runs(run_checks))
                counts: dict[str, int] = {}
                failing: dict[str, tuple[FailingRow, ...]] = {}
                tell("sql", 0, len(plans))
                for done, plan in enumerate(plans, start=1):
                    levels = _sensitivity(catalog, plan)
                    active = plan.model_copy(update={"rules": tuple(r for r in plan.rules if r.rule_id not in skipped)})
                    counts.update(_sql_counts(con, active))
                    for rule in active.rules:
                        if counts.get(rule.rule_id):
                            failing[rule.rule_id] = _failing_rows(con, plan, rule, levels, unmask)
                    tell("sql", done, len(plans))
                validated: list[str] = []
                tell("gx", 0, len(plans))

                def on_table(table: str) -> None:
                    validated.append(table)
                    tell("gx", len(validated), len(plans))

                # This connection stays open until GX is done: the rows below are read from the state GX read (a
                # read-only connection keeps writers out of the file).
                outcomes = pending.result(on_table)
                late = _failed_by_gx(plans, outcomes)
                if late:  # the catalog rules GX failed: their failing rows, and their count beside GX's
                    tell("rows", 0, len(late))
                for done, (plan, failed_rules) in enumerate(late, start=1):
                    levels = _sensitivity(catalog, plan)
                    for rule in failed_rules:
                        failing[rule.rule_id] = _failing_rows(con, plan, rule, levels, unmask)
                        counts[rule.rule_id] = len(failing[rule.rule_id])
                    tell("rows", done, len(late))
        finally:
            database.close()
    results = []
    for plan in plans:
        by_id = {o.rule_id: o for o in outcomes.get(plan.table, [])}
        english = _english(plan, catalog)
        levels = _sensitivity(catalog, plan)
        rule_results = tuple(
            _rule_result(
                r,
                by_id.get(r.rule_id),
                skipped,
                counts.get(r.rule_id),
                failing.get(r.rule_id, ()),
                english.get(r.rule_id),
                levels.get(r.items[0], Sensitivity.NONE) if r.items else Sensitivity.NONE,
                unmask,
            )
            for r in plan.rules
        )
        results.append(
            TableResult(
                table=plan.table,
                business_id=plan.business_id,
                group=plan.group,
                rows=rows[plan.table],
                rules=rule_results,
                manual_checks=tuple(m.model_dump() for m in plan.manual_checks),
                run_checks=run_checks[plan.table],
            )
        )
    errors = sum(t.errors for t in results)
    return ValidationReport(
        database=str(db),
        catalog_sample=any(p.sample for p in plans),
        tables=tuple(results),
        errors_failed=errors,
        warnings_failed=sum(t.warnings for t in results),
        rules_run=sum(1 for t in results for r in t.rules if r.status != "skipped"),
        passed=errors == 0,
        seconds=round(time.perf_counter() - clock, 3),
        catalog=catalog.name,
        catalog_versions={
            p.business_id: spec.spec_version for p in plans if (spec := catalog.find(p.business_id)) is not None
        },
        suites=str(suites) if suites is not None else "generated",
        tool_version=_tool_version(),
        created=created.replace(microsecond=0),
        allowed_characters=len(allowed),
        allowed_characters_file=str(allowed_file) if allowed_file is not None else None,
    )
