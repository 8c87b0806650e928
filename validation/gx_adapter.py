"""The only module that touches Great Expectations (GX 1.24, pinned to its minor version).

GX 1.24 has no DuckDB datasource, and its generic SQL datasource fails on DuckDB in two ways
(../shared/docs/stack-notes.md): it closes the connection before reading results ("list index out of range"),
and it has no regular expressions for the duckdb dialect. Both are fixed here, and only here: DuckDB gets the
persisted connection GX keeps for sqlite, and the PostgreSQL dialect module (duckdb-engine derives from it)
for building regular expressions. A test compares GX's counts with plain SQL on a fixture with known
defects, so a GX upgrade that breaks this fails loudly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
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
    """GX validating in a child process; :meth:`result` waits for it.

    GX keeps DuckDB connections (and logging and warning state) alive in the process that ran it; a child
    process that exits frees all of it. It opens the database read-only, so the caller may read it meanwhile.
    ``runs``: each table's run as the Data Docs name it (the conversion runs whose rows the table holds).
    """

    def __init__(
        self,
        db: Path,
        suites: list[tuple[str, list[dict[str, Any]]]],
        docs: Path | None,
        runs: dict[str, str] | None = None,
    ) -> None:
        import json
        import subprocess
        import sys
        import tempfile

        self.db = db
        # GX's warnings go to a file, not a pipe: a full pipe nobody reads would stop the child mid-run.
        self.errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - closed by result()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "validation.gx_adapter"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            encoding="utf-8",
        )
        self.request = json.dumps(
            {"db": str(db), "docs": str(docs) if docs else None, "suites": suites, "runs": runs or {}}
        )

    def result(self, on_table: Callable[[str], None] | None = None) -> dict[str, list[Outcome]]:
        """The outcomes per table; ``on_table`` is told each table as GX finishes it."""
        import json

        assert self.process.stdin is not None and self.process.stdout is not None
        outcomes: dict[str, list[dict[str, Any]]] = {}
        try:
            try:
                self.process.stdin.write(self.request)
                self.process.stdin.close()
            except BrokenPipeError:  # the child stopped early: its error is told below
                pass
            # One JSON object a line: {"done": TABLE} as each table is validated, then {"outcomes": …}.
            for line in self.process.stdout:
                message = json.loads(line)
                if "done" in message:
                    if on_table is not None:
                        on_table(message["done"])
                else:
                    outcomes = message["outcomes"]
            self.process.wait()
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
    return Pending(db, suites, docs, runs).result()


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
        error=str(message).splitlines()[0] if raised and message else None,
    )


def main() -> None:
    """``python -m validation.gx_adapter``: a JSON request on stdin; on stdout one JSON object a line,
    ``{"done": TABLE}`` as each table is validated, then ``{"outcomes": …}``."""
    import json
    import sys
    from dataclasses import asdict

    # Import GX (about 2.5 s) before the request arrives: the parent sends it only when its own SQL counts
    # are done, so the import and those counts overlap instead of queueing.
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
