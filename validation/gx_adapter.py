"""The only module that touches Great Expectations (GX 1.24, pinned to its minor version).

GX 1.24 has no DuckDB datasource, and its generic SQL datasource fails on DuckDB in two ways
(../shared/docs/stack-notes.md): it closes the connection before reading results ("list index out of range"),
and it has no regular expressions for the duckdb dialect. Both are fixed here, and only here: DuckDB gets the
persisted connection GX keeps for sqlite, and the PostgreSQL dialect module (duckdb-engine derives from it)
for building regular expressions. A test compares GX's counts with plain SQL on a fixture with known
defects, so a GX upgrade that breaks this fails loudly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spec_catalog.database import quote

_patched = False


class _DuckDBDialectName(str):
    """Stands for DuckDB in GX's list of dialects that need one persisted connection (it reads `.value`)."""

    value = "duckdb"


def _patch() -> None:
    global _patched
    if _patched:
        return
    import sqlalchemy.dialects.postgresql as postgresql
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_module

    engine_module._PERSISTED_CONNECTION_DIALECTS = (  # type: ignore[assignment]
        *engine_module._PERSISTED_CONNECTION_DIALECTS,
        _DuckDBDialectName("duckdb"),
    )
    original = engine_module.SqlAlchemyExecutionEngine.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.engine.dialect.name == "duckdb":
            self.dialect_module = postgresql

    engine_module.SqlAlchemyExecutionEngine.__init__ = init  # type: ignore[method-assign]
    _patched = True


_defined = False


def _define_catalog_rule() -> None:
    """``expect_column_values_to_pass_catalog_rule`` (validation.rules.CATALOG_RULE_EXPECTATION): a column map
    expectation whose condition is a catalog rule's SQL (``failing_sql``: true for a failing row), for the rules
    GX has no built-in expectation for.

    As a column map expectation its failing-row count is one aggregate of the query GX makes for all the column
    map expectations of a table (an ``unexpected_rows_expectation`` scans the table twice on its own). NULLs of
    the column are not filtered out: the rule's SQL says what a NULL means (a 条件付き必須 fails on one). A row
    for which the SQL gives NULL passes, as it does in the plain SQL count (``count_if``).
    """
    global _defined
    if _defined:
        return
    import sqlalchemy as sa
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine
    from great_expectations.expectations.expectation import ColumnMapExpectation
    from great_expectations.expectations.metrics.map_metric_provider.column_condition_partial import (
        column_condition_partial,
    )
    from great_expectations.expectations.metrics.map_metric_provider.column_map_metric_provider import (
        ColumnMapMetricProvider,
    )

    class ColumnValuesPassCatalogRule(ColumnMapMetricProvider):  # registered with GX by its definition
        condition_metric_name = "column_values.pass_catalog_rule"
        condition_value_keys = ("failing_sql",)
        filter_column_isnull = False

        @column_condition_partial(engine=SqlAlchemyExecutionEngine)
        def _sqlalchemy(cls, column: Any, failing_sql: str, **kwargs: Any) -> Any:
            # A literal column, not sa.text: the SQL is passed as it is (no bind parameters read from colons).
            return sa.literal_column(f"(NOT coalesce(({failing_sql}), false))", type_=sa.Boolean)

    class ExpectColumnValuesToPassCatalogRule(ColumnMapExpectation):  # registered with GX by its definition
        failing_sql: str
        map_metric = "column_values.pass_catalog_rule"
        success_keys = ("failing_sql", "mostly")
        args_keys = ("column", "failing_sql")

        def _validate(
            self, metrics: dict[str, Any], runtime_configuration: Any = None, execution_engine: Any = None
        ) -> Any:
            result = super()._validate(metrics, runtime_configuration, execution_engine)
            # GX calls a column of NULLs only a vacuous pass; a rule's SQL may fail its rows (条件付き必須).
            count = metrics.get(f"{self.map_metric}.unexpected_count")
            if count is not None:
                result["success"] = count == 0
            return result

    _defined = True


# GX's connection is sealed as the runner's is (spec_catalog.database.connect_read_only): read-only, no file
# but the database, no extension loaded, the configuration locked (duckdb-engine hands the URL's query to
# DuckDB's configuration).
_SEALED = {
    "access_mode": "read_only",
    "enable_external_access": "false",
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
    "lock_configuration": "true",
}


def connection_string(db: Path) -> str:
    """The SQLAlchemy URL GX opens the database with: read-only and sealed."""
    from urllib.parse import urlencode

    return f"duckdb:///{db.resolve()}?{urlencode(_SEALED)}"  # SQLAlchemy takes the path as it is


@dataclass
class Outcome:
    """GX's verdict on one expectation."""

    rule_id: str
    success: bool
    unexpected_count: int | None
    element_count: int | None
    sample: list[Any]
    error: str | None  # GX could not evaluate it


class Pending:
    """GX validating in a child process: started first (it imports GX meanwhile), given its work by
    :meth:`send`, waited for by :meth:`result`; :meth:`cancel` stops it.

    GX keeps DuckDB connections (and logging and warning state) alive in the process that ran it; a child
    process that exits frees all of it. It opens the database read-only, so the caller may read it meanwhile.
    """

    def __init__(self) -> None:
        import subprocess
        import sys
        import tempfile

        # GX's warnings go to a file, not a pipe: a full pipe nobody reads would stop the child mid-run.
        self.errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - closed by result()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "validation.gx_adapter"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            encoding="utf-8",
        )
        self.db: Path | None = None
        self._sender: threading.Thread | None = None

    def send(
        self,
        db: Path,
        suites: list[tuple[str, list[dict[str, Any]]]],
        docs: Path | None,
        runs: dict[str, str] | None = None,
    ) -> None:
        """What to validate. ``runs``: each table's run as the Data Docs name it (the conversion runs whose rows
        the table holds)."""
        import json

        self.db = db
        request = json.dumps({"db": str(db), "docs": str(docs) if docs else None, "suites": suites, "runs": runs or {}})
        # Sent from a thread (the child reads it once GX is imported, and a pipe holds less than a request): GX
        # validates while the caller counts with SQL the rules GX translates. Both read the database only.
        self._sender = threading.Thread(target=self._send, args=(request,), name="gx-request", daemon=True)
        self._sender.start()

    def _send(self, request: str) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(request)
            self.process.stdin.close()
        except (BrokenPipeError, ValueError, OSError):  # the child stopped early: its error is told by result()
            pass

    @contextlib.contextmanager
    def stopped_on_error(self) -> Iterator[Pending]:
        """Within: an exception (Ctrl-C too) stops the child before it goes on."""
        try:
            yield self
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        """Stop the child (its caller failed, or was interrupted, before it asked for the result)."""
        self.process.kill()
        self.process.wait()
        if self._sender is not None:
            self._sender.join()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def result(self, on_table: Callable[[str], None] | None = None) -> dict[str, list[Outcome]]:
        """The outcomes per table; ``on_table`` is told each table as GX finishes it."""
        import json

        assert self.process.stdout is not None and self._sender is not None, "send() comes first"
        outcomes: dict[str, list[dict[str, Any]]] = {}
        try:
            # One JSON object a line: {"done": TABLE} as each table is validated, then {"outcomes": …}.
            for line in self.process.stdout:
                message = json.loads(line)
                if "done" in message:
                    if on_table is not None:
                        on_table(message["done"])
                else:
                    outcomes = message["outcomes"]
            self.process.wait()
            self._sender.join()
            self.errors.seek(0)
            err = self.errors.read()
        finally:
            self.process.stdout.close()
            self.errors.close()
        if self.process.returncode != 0:
            from spec_catalog.base import FitgapError
            from spec_catalog.language import say

            last = (err.strip().splitlines() or [say("出力なし", "no output")])[-1]
            raise FitgapError(
                say(f"Great Expectations を実行できませんでした: {last}", f"Great Expectations could not run: {last}"),
                where=self.db,
                hint=say(
                    "--debug を付けてもう一度実行してください。GX を更新したときは validation/gx_adapter.py を"
                    "見てください",
                    "run again with --debug; if GX was upgraded, see validation/gx_adapter.py",
                ),
            )
        return {table: [Outcome(**o) for o in found] for table, found in outcomes.items()}


def run_suites(
    db: Path,
    suites: list[tuple[str, list[dict[str, Any]]]],
    docs: Path | None = None,
    runs: dict[str, str] | None = None,
) -> dict[str, list[Outcome]]:
    """Validate each (table, expectations) pair in a child process and wait for it."""
    pending = Pending()
    pending.send(db, suites, docs, runs)
    return pending.result()


def _run_here(
    db: Path,
    suites: list[tuple[str, list[dict[str, Any]]]],
    docs: Path | None = None,
    runs: dict[str, str] | None = None,
    on_table: Callable[[str], None] | None = None,
) -> dict[str, list[Outcome]]:
    """Validate each (table, expectations) pair here; the database is opened read-only.

    GX's objects are named after what they check, as the Data Docs show them: the data source after the
    database file, the asset, batch, suite, validation and checkpoint after the table (``001_住民``), and the
    run after ``runs`` (the conversion runs whose rows the table holds), else the time of this validation."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # GX 1.24 sends nothing; make sure of it
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import datetime as dt

    import great_expectations as gx
    from great_expectations.checkpoint.actions import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.registry import get_expectation_impl

    _patch()
    _define_catalog_rule()
    started = dt.datetime.now(dt.UTC)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_sql(name=db.name, connection_string=connection_string(db))
    if docs is not None:
        context.add_data_docs_site(
            site_name="fitgap",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs.resolve())},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    fallback = f"validate-{started:%Y%m%dT%H%M%SZ}"

    def run(table: str, name: str, batch: Any, expectations: list[dict[str, Any]], detailed: bool) -> list[Outcome]:
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=name,
                expectations=[get_expectation_impl(e["type"])(**e["kwargs"], meta=e["meta"]) for e in expectations],
            )
        )
        validation = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        actions: list[Any] = [UpdateDataDocsAction(name="docs")] if docs is not None else []
        result_format: dict[str, Any] = (
            {"result_format": "SUMMARY", "partial_unexpected_count": 20}
            if detailed
            else {"result_format": "BOOLEAN_ONLY"}
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=name, validation_definitions=[validation], actions=actions, result_format=result_format)
        )
        run_id = RunIdentifier(run_name=(runs or {}).get(table) or fallback, run_time=started)
        (result,) = checkpoint.run(run_id=run_id).run_results.values()
        return [_outcome(r, detailed) for r in result.results]

    results: dict[str, list[Outcome]] = {}
    try:
        for table, expectations in suites:
            batch = source.add_table_asset(name=table, table_name=quote(table)).add_batch_definition_whole_table(table)
            # Clean data is the usual case before a cutover: a first pass asks GX only pass or fail, which
            # spares it a query per expectation for the sample of failing values; only the expectations that
            # failed run again for their counts and samples. Data Docs want the detail of every one.
            detailed = docs is not None
            outcomes = run(table, table, batch, expectations, detailed)
            errors = [o.rule_id for o in outcomes if o.error is not None]
            if len(errors) > 1:
                # GX computes the counts of a table's column map expectations in one query, so one expectation
                # it cannot evaluate fails them all: each runs again alone, and only those that fail alone err.
                alone: dict[str, Outcome] = {}
                for n, e in enumerate(e for e in expectations if str(e["meta"].get("rule_id")) in errors):
                    (alone[str(e["meta"].get("rule_id"))],) = run(table, f"{table} (alone {n})", batch, [e], detailed)
                outcomes = [alone.get(o.rule_id, o) for o in outcomes]
            failed = {o.rule_id for o in outcomes if not o.success and o.error is None}
            if failed and not detailed:
                again = [e for e in expectations if str(e["meta"].get("rule_id")) in failed]
                details = {o.rule_id: o for o in run(table, f"{table} (detail)", batch, again, True)}
                outcomes = [details.get(o.rule_id, o) for o in outcomes]
            results[table] = outcomes
            if on_table is not None:
                on_table(table)
        if docs is not None:
            _mask_docs(docs)
    finally:
        # GX keeps the persisted connection open after close(): close it, so the file is free again.
        engine = source.get_execution_engine()
        if engine._connection is not None:
            engine._connection.close()
            engine._connection = None
        engine.close()
    return results


def _mask_docs(docs: Path) -> None:
    """GX writes the failing values it sampled into its Data Docs as they are: every page and stored result
    is masked by value afterwards, as every other report is (a 個人番号 anywhere shows its last four digits)."""
    from reports.masking import mask_text

    for path in docs.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json"):
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            masked = mask_text(text) or ""
            if masked != text:
                path.write_text(masked, encoding="utf-8", errors="surrogateescape")


def _outcome(r: Any, detailed: bool) -> Outcome:
    """One GX expectation result as an Outcome. A pass without detail (BOOLEAN_ONLY) of an expectation
    about rows and without ``mostly`` means no failing row, so its count is 0, as SUMMARY would say."""
    config = r.expectation_config
    assert config is not None
    info = r.exception_info or {}
    raised = (
        info.get("raised_exception")
        if "raised_exception" in info
        else any(v.get("raised_exception") for v in info.values() if isinstance(v, dict))
    )
    message = (
        info.get("exception_message")
        if "exception_message" in info
        else next((v.get("exception_message") for v in info.values() if isinstance(v, dict)), None)
    )
    if raised and not str(message or "").strip():
        # Some of GX's errors have no message (MetricResolutionError): the traceback's last line names the kind.
        trace = info.get("exception_traceback") or next(
            (v.get("exception_traceback") for v in info.values() if isinstance(v, dict)), None
        )
        message = (str(trace or "").strip().splitlines() or ["GX raised an exception"])[-1]
    result = r.result or {}
    count = result.get("unexpected_count")
    if count is None and config.type == "unexpected_rows_expectation":
        count = result.get("observed_value")
    if not detailed and r.success and "mostly" not in config.kwargs and not config.type.startswith("expect_table_"):
        count = 0  # table-level expectations have no failing rows to count
    return Outcome(
        rule_id=str((config.meta or {}).get("rule_id")),
        success=bool(r.success),
        unexpected_count=count,
        element_count=result.get("element_count"),
        sample=list(result.get("partial_unexpected_list") or []),
        error=str(message).strip().splitlines()[0] if raised else None,
    )


def main() -> None:
    """``python -m validation.gx_adapter``: a JSON request on stdin; on stdout one JSON object a line,
    ``{"done": TABLE}`` as each table is validated, then ``{"outcomes": …}``."""
    import json
    import sys
    from dataclasses import asdict

    # Import GX (2.5–5 s) before reading the request: the parent meanwhile plans and counts with SQL.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401

    def say(message: dict[str, Any]) -> None:
        # ASCII only: the parent reads UTF-8 whatever this process's locale makes of its stdout
        sys.stdout.write(json.dumps(message, default=str) + "\n")
        sys.stdout.flush()

    request = json.load(sys.stdin)
    docs = Path(request["docs"]) if request["docs"] else None
    outcomes = _run_here(
        Path(request["db"]),
        [(t, e) for t, e in request["suites"]],
        docs,
        request.get("runs") or {},
        on_table=lambda table: say({"done": table}),
    )
    say({"outcomes": {t: [asdict(o) for o in found] for t, found in outcomes.items()}})


if __name__ == "__main__":
    main()
