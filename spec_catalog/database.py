"""The database contract: the one module that names the toolkit's tables and opens DuckDB.

The converter writes the target tables (one per catalog group, named by :func:`spec_catalog.models.table_name`,
each row with the lineage columns), a run record per conversion (``fitgap_runs``) and the quarantined rows
(``fitgap_quarantine``); validation, export and readiness read them. Both sides connect here: writers with
:func:`connect`, readers with :func:`connect_read_only` (no extension is ever installed or loaded, so a run
works offline; validation also shuts external file access and locks the configuration). Identifiers and
literals are quoted here; values go in as parameters wherever DuckDB allows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import check_input_file
from spec_catalog.language import say

RUNS = "fitgap_runs"
QUARANTINE = "fitgap_quarantine"
# Every row of a target table says where it came from: file, line, run and mapping.
LINEAGE = ("_source_file", "_source_line", "_run_id", "_mapping")
LINEAGE_TYPES = {"_source_line": "BIGINT"}
MAPPING_COLUMN = "_mapping"  # the lineage column that marks a table as converted by fitgap


class RunStatus(StrEnum):
    """A conversion run's status in ``fitgap_runs``."""

    RUNNING = "running"  # started; a run killed on the way stays so (nothing was published)
    SUCCEEDED = "succeeded"  # published: rows read = loaded + quarantined
    REJECTED = "rejected"  # finished but not published: its counts do not reconcile
    FAILED = "failed"  # stopped on an error (message says which); nothing published
    INTERRUPTED = "interrupted"  # stopped by the user (Ctrl-C); nothing published
    DRY_RUN = "dry-run"  # a preview: never recorded


class RunRecord(FrozenModel):
    """One row of ``fitgap_runs``. Read back, a 'running' run whose process (``pid`` on ``host``) is gone says
    'interrupted': it was killed and blocks nothing."""

    run_id: str
    mapping: str
    mapping_path: str | None = None
    mapping_sha256: str | None = None
    source_path: str | None = None
    source_sha256: str | None = None
    source_bytes: int | None = None
    target_table: str
    status: RunStatus
    rows_read: int | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    reconciled: bool | None = None
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    timings: dict[str, float] | None = None
    tool_version: str | None = None
    unmapped: list[dict[str, Any]] | None = None
    message: str | None = None
    pid: int | None = None  # the process that wrote the run (None in a database older than the column)
    host: str | None = None  # the host that process ran on
    # Each target item's origin (converters.mapping.ItemOrigin as dicts): which items the legacy data did not hold.
    item_origins: list[dict[str, Any]] | None = None


class QuarantineRow(FrozenModel):
    """One row of ``fitgap_quarantine``: a source row (or one of its values) that was not loaded, and why.

    ``value`` is masked when personal; ``rule`` never holds a raw value (a rule id or a fixed text)."""

    run_id: str
    mapping: str
    source_file: str
    line: int
    byte_offset: int | None
    item: str | None
    reason: str
    rule: str
    value: str | None


_RUN_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR PRIMARY KEY",
    "mapping": "VARCHAR",
    "mapping_path": "VARCHAR",
    "mapping_sha256": "VARCHAR",
    "source_path": "VARCHAR",
    "source_sha256": "VARCHAR",
    "source_bytes": "BIGINT",
    "target_table": "VARCHAR",
    "status": "VARCHAR",
    "rows_read": "BIGINT",
    "rows_loaded": "BIGINT",
    "rows_quarantined": "BIGINT",
    "reconciled": "BOOLEAN",
    "started": "TIMESTAMP",
    "finished": "TIMESTAMP",
    "timings": "VARCHAR",
    "tool_version": "VARCHAR",
    "unmapped": "VARCHAR",
    "message": "VARCHAR",
    "pid": "BIGINT",  # added after 0.1: ensure_schema adds them to an older database
    "host": "VARCHAR",
    "item_origins": "VARCHAR",  # JSON: where each item came from (source, derived, constant, omitted)
}
_QUARANTINE_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR",
    "mapping": "VARCHAR",
    "source_file": "VARCHAR",
    "line": "BIGINT",
    "byte_offset": "BIGINT",
    "item": "VARCHAR",
    "reason": "VARCHAR",
    "rule": "VARCHAR",
    "value": "VARCHAR",
}


def quote(identifier: str) -> str:
    """A SQL identifier, quoted: user-supplied names never reach SQL as they are."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal, for the few places DuckDB takes no parameter (DDL, COPY, SET, inlined constants)."""
    return "'" + str(text).replace("'", "''") + "'"


_SAFE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _open(path: Path | None, read_only: bool, config: dict[str, Any]) -> Any:
    import duckdb

    try:
        if path is None:
            return duckdb.connect(":memory:", config=config)
        if read_only and not path.exists():
            raise FitgapError(
                say("データベースが見つかりません", "database not found"),
                where=path,
                hint=say(
                    "先に移行してください: fitgap convert run MAPPING --db FILE",
                    "convert first: fitgap convert run MAPPING --db FILE",
                ),
            )
        if path.exists():
            check_input_file(path, say("データベース", "database"))  # a FIFO or a device would hang
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "not a valid DuckDB database" in str(exc):
            raise FitgapError(
                say("DuckDB のデータベースファイルではありません", "not a DuckDB database file"),
                where=path,
                hint=_give_a_duckdb_file(),
            ) from None
        if "lock" in str(exc).lower():
            raise FitgapError(
                say("データベースを別のプロセスが使っています", "the database is in use by another process"),
                where=path,
                hint=say(
                    "別の fitgap の実行が終わるのを待ってください（DuckDB に同時に書けるのは一つだけです）",
                    "wait for the other fitgap run to finish (DuckDB allows one writer at a time)",
                ),
            ) from None
        first = str(exc).splitlines()[0]
        raise FitgapError(
            say(f"データベースを開けません: {first}", f"cannot open the database: {first}"), where=path
        ) from None
    except duckdb.Error as exc:
        kind = type(exc).__name__
        raise FitgapError(
            say(f"DuckDB のデータベースではありません（{kind}）", f"not a DuckDB database ({kind})"),
            where=path,
            hint=_give_a_duckdb_file(),
        ) from None


def _give_a_duckdb_file() -> str:
    return say(
        "fitgap が書いた .duckdb ファイルか、新しいパスを指定してください",
        "give a .duckdb file written by fitgap, or a new path",
    )


def is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB's answer to Ctrl-C. A statement that is running when the user presses it stops
    with ``RuntimeError('Query interrupted')`` (``InterruptException`` when interrupted from another thread), and
    Python's KeyboardInterrupt is gone: callers treat it as one."""
    import duckdb

    return isinstance(exc, duckdb.InterruptException) or (type(exc) is RuntimeError and str(exc) == "Query interrupted")


def connect(path: Path | None, *, memory_limit: str | None = None) -> Any:
    """A connection for a writer (``None``: in memory). Spills go beside the database file."""
    config: dict[str, Any] = dict(_SAFE)
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = _open(path, False, config)
    if path is not None:
        con.execute(f"SET temp_directory = {literal(str(path.parent / (path.name + '.tmp')))}")
    return con


def connect_read_only(path: Path, *, sealed: bool = False) -> Any:
    """A connection for a reader. ``sealed`` (validation) also forbids reading or writing any other file and
    locks the configuration, so a rule's SQL can only look at the database it checks."""
    config: dict[str, Any] = dict(_SAFE)
    if sealed:
        config["enable_external_access"] = False
    con = _open(path, True, config)
    if sealed:
        con.execute("SET lock_configuration = true")
    return con


def ensure_schema(con: Any) -> None:
    """Create the run and quarantine tables when the database has none yet, and add the columns a newer version
    records to the tables of an older database (they stay NULL in its old rows)."""
    for table, columns in ((RUNS, _RUN_COLUMNS), (QUARANTINE, _QUARANTINE_COLUMNS)):
        body = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
        have = set(columns_of(con, table))
        for name, kind in columns.items():
            if name not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind}")


def tables(con: Any) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}


def has_runs(con: Any) -> bool:
    return RUNS in tables(con)


def converted_tables(con: Any) -> list[str]:
    """The tables a conversion wrote (they carry the lineage columns), in name order."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE column_name = ? AND schema_name = 'main' ORDER BY table_name",
        [MAPPING_COLUMN],
    ).fetchall()
    return [r[0] for r in rows]


def columns_of(con: Any, table: str) -> list[str]:
    """A table's columns in their order (empty when there is no such table)."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def create_target(con: Any, table: str, items: list[str]) -> None:
    """A group's target table: every item as text, then the lineage columns."""
    columns = ", ".join(f"{quote(c)} {LINEAGE_TYPES.get(c, 'VARCHAR')}" for c in [*items, *LINEAGE])
    con.execute(f"CREATE TABLE IF NOT EXISTS {quote(table)} ({columns})")


def count_rows(con: Any, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0])


# Run records -----------------------------------------------------------------------------------------


def start_run(con: Any, record: RunRecord) -> None:
    """Record a run as 'running', with the pid and host of the process writing it (this one unless given)."""
    con.execute(
        f"INSERT INTO {RUNS} (run_id, mapping, mapping_path, mapping_sha256, source_path, source_bytes, "
        "target_table, status, started, tool_version, pid, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?)",
        [
            record.run_id,
            record.mapping,
            record.mapping_path,
            record.mapping_sha256,
            record.source_path,
            record.source_bytes,
            record.target_table,
            RunStatus.RUNNING.value,
            record.tool_version,
            record.pid if record.pid is not None else os.getpid(),
            record.host if record.host is not None else socket.gethostname(),
        ],
    )


def update_run(con: Any, run_id: str, **values: Any) -> None:
    """Set some fields of a run record (``finished=True`` stamps the time)."""
    assignments, parameters = [], []
    for name, value in values.items():
        if name not in _RUN_COLUMNS:
            raise ValueError(f"{name} is no column of {RUNS}")
        if name == "finished":
            assignments.append("finished = now()")
            continue
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, StrEnum):
            value = value.value
        assignments.append(f"{name} = ?")
        parameters.append(value)
    con.execute(f"UPDATE {RUNS} SET {', '.join(assignments)} WHERE run_id = ?", [*parameters, run_id])


def run_status(con: Any, run_id: str) -> str | None:
    """The status a run's record holds now (None: no such record)."""
    row = con.execute(f"SELECT status FROM {RUNS} WHERE run_id = ?", [run_id]).fetchone()
    return None if row is None else str(row[0])


def _record(row: tuple[Any, ...]) -> RunRecord:
    data = dict(zip(_RUN_COLUMNS, row, strict=True))
    for name in ("timings", "unmapped", "item_origins"):
        data[name] = json.loads(data[name]) if data[name] else None
    record = RunRecord.model_validate(data)
    if record.status is RunStatus.RUNNING and _writer_gone(record):
        gone = f"its process (pid {record.pid} on {record.host}) ended without finishing the run"
        return record.model_copy(update={"status": RunStatus.INTERRUPTED, "message": record.message or gone})
    return record


def _writer_gone(record: RunRecord) -> bool:
    """Whether the process that wrote a run record is known to be gone: on this host, with no such pid.

    A run from another host, or with no pid (written before pids were recorded), cannot be told: it stays
    'running'. A reused pid makes a gone run look alive, never the other way round."""
    if record.pid is None or record.pid <= 0 or record.host != socket.gethostname() or record.pid == os.getpid():
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return False
    try:
        os.kill(record.pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists, as another user's process
        return False
    return False


def _run_columns(con: Any) -> str:
    """The run columns to select: NULL for those an older database lacks (a reader does not alter it)."""
    have = set(columns_of(con, RUNS))
    return ", ".join(name if name in have else f"NULL AS {name}" for name in _RUN_COLUMNS)


def read_runs(con: Any, *, latest_only: bool = False) -> list[RunRecord]:
    """The run records in start order; ``latest_only``: the last run of each (target table, mapping).

    A 'running' run whose process is gone is read as 'interrupted'."""
    if not has_runs(con):
        return []
    columns = _run_columns(con)
    source = RUNS
    if latest_only:
        source = (
            f"(SELECT *, row_number() OVER (PARTITION BY target_table, mapping ORDER BY started DESC) AS n "
            f"FROM {RUNS}) WHERE n = 1"
        )
    rows = con.execute(f"SELECT {columns} FROM {source} ORDER BY started, run_id").fetchall()
    return [_record(r) for r in rows]


def runs_of_table(con: Any, table: str) -> list[RunRecord]:
    """The runs that wrote ``table``, newest first ('running' ones whose process is gone: 'interrupted')."""
    if not has_runs(con):
        return []
    rows = con.execute(
        f"SELECT {_run_columns(con)} FROM {RUNS} WHERE target_table = ? ORDER BY started DESC", [table]
    ).fetchall()
    return [_record(r) for r in rows]


def lineage_of(con: Any, table: str) -> dict[str, set[str]]:
    """For each mapping with rows in ``table``: the run ids those rows came from."""
    found: dict[str, set[str]] = {}
    for mapping, run_id in con.execute(f"SELECT DISTINCT _mapping, _run_id FROM {quote(table)}").fetchall():
        found.setdefault(mapping, set()).add(run_id)
    return found


# Quarantine ------------------------------------------------------------------------------------------


def replace_quarantine(con: Any, mapping: str, rows: list[QuarantineRow]) -> None:
    """The mapping's quarantined rows become ``rows`` (inside the caller's transaction)."""
    con.execute(f"DELETE FROM {QUARANTINE} WHERE mapping = ?", [mapping])
    if not rows:
        return
    names = list(_QUARANTINE_COLUMNS)
    con.execute(
        f"INSERT INTO {QUARANTINE} ({', '.join(names)}) SELECT {', '.join(f'unnest(${n})' for n in names)}",
        {n: [getattr(r, n) for r in rows] for n in names},
    )


def quarantine_counts(con: Any) -> dict[str, dict[str, int]]:
    """Per target table: quarantined source rows by reason."""
    if QUARANTINE not in tables(con) or not has_runs(con):
        return {}
    counts: dict[str, dict[str, int]] = {}
    for table, reason, count in con.execute(
        f"SELECT r.target_table, q.reason, count(DISTINCT (q.mapping, q.line)) FROM {QUARANTINE} q "
        f"JOIN {RUNS} r ON q.run_id = r.run_id GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall():
        counts.setdefault(table, {})[reason] = int(count)
    return counts


def quarantine_lines(con: Any, run_id: str) -> dict[int, str]:
    """The source lines one run quarantined, each with its reasons (codes joined by ', ')."""
    if QUARANTINE not in tables(con):
        return {}
    rows = con.execute(
        f"SELECT line, string_agg(DISTINCT reason, ', ' ORDER BY reason) FROM {QUARANTINE} WHERE run_id = ? "
        "GROUP BY line",
        [run_id],
    ).fetchall()
    return {int(line): str(reasons) for line, reasons in rows}


def read_quarantine(con: Any, mapping: str | None = None) -> list[QuarantineRow]:
    """Quarantined rows (of one mapping, or all), by mapping, line and item."""
    if QUARANTINE not in tables(con):
        return []
    where, parameters = ("WHERE mapping = ?", [mapping]) if mapping else ("", [])
    rows = con.execute(
        f"SELECT {', '.join(_QUARANTINE_COLUMNS)} FROM {QUARANTINE} {where} ORDER BY mapping, line, item", parameters
    ).fetchall()
    return [QuarantineRow.model_validate(dict(zip(_QUARANTINE_COLUMNS, r, strict=True))) for r in rows]


# Published rows ----------------------------------------------------------------------------------------


def published_rows(con: Any, table: str, mapping: str) -> int:
    """How many rows of ``table`` the mapping has published (0 when there is no such table)."""
    if MAPPING_COLUMN not in columns_of(con, table):
        return 0
    return int(
        con.execute(f"SELECT count(*) FROM {quote(table)} WHERE {quote(MAPPING_COLUMN)} = ?", [mapping]).fetchone()[0]
    )


def has_other_mappings(con: Any, table: str, mapping: str) -> bool:
    """Whether rows of ``table`` were published by another mapping than ``mapping`` (they hold keys too)."""
    if MAPPING_COLUMN not in columns_of(con, table):
        return False
    column = quote(MAPPING_COLUMN)
    found = con.execute(f"SELECT 1 FROM {quote(table)} WHERE {column} IS DISTINCT FROM ? LIMIT 1", [mapping])
    return found.fetchone() is not None


# Corrections (データ補正) -----------------------------------------------------------------------------
# A cleansing request (``convert quarantine --xlsx``) is recorded with a random secret: the workbook's hidden
# fingerprints of the quarantined source values are keyed with it, so the workbook lets no one test guesses of a
# value (a birth date has only some 40,000 candidates), while the next run, which reads the secret here, can tell
# whether the source still holds the value a correction was written for. Each correction a run reads is recorded
# with its line and item (never its value), the file it came from and who filled it.

CORRECTION_REQUESTS = "fitgap_correction_requests"
CORRECTIONS = "fitgap_corrections"


class CorrectionStatus(StrEnum):
    """What a run did with one filled row of a corrections file."""

    APPLIED = "applied"  # the source value was replaced before the transforms and checks ran
    NOT_APPLIED = "not-applied"  # the source no longer holds the value (CORRECTION_NOT_APPLIED) …
    SUPERSEDED = "superseded"  # a later row (or file) corrects the same source value


class CorrectionRequest(FrozenModel):
    """One row of ``fitgap_correction_requests``: a cleansing-request workbook written from a run's quarantine."""

    request_id: str
    run_id: str  # the run whose quarantine the workbook lists
    mapping: str
    target_table: str
    file_name: str
    rows: int  # quarantined (line, item) pairs listed
    created: dt.datetime | None = None


class CorrectionRecord(FrozenModel):
    """One row of ``fitgap_corrections``: a filled row of a corrections file, as a run used it (no value)."""

    run_id: str
    mapping: str
    request_id: str
    file_name: str
    file_sha256: str
    line: int
    item: str | None
    status: CorrectionStatus
    reason: str | None = None  # CORRECTION_NOT_APPLIED for a row not applied
    detail: str | None = None  # why, as a rule text (never the value)
    corrected_by: str | None = None  # the 補正担当者 the workbook names, else its last author
    recorded: dt.datetime | None = None


_REQUEST_COLUMNS: dict[str, str] = {
    "request_id": "VARCHAR PRIMARY KEY",
    "run_id": "VARCHAR",
    "mapping": "VARCHAR",
    "target_table": "VARCHAR",
    "file_name": "VARCHAR",
    "rows": "BIGINT",
    "created": "TIMESTAMP",
    "secret": "VARCHAR",  # hex; never part of a model, so never printed
}
_CORRECTION_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR",
    "mapping": "VARCHAR",
    "request_id": "VARCHAR",
    "file_name": "VARCHAR",
    "file_sha256": "VARCHAR",
    "line": "BIGINT",
    "item": "VARCHAR",
    "status": "VARCHAR",
    "reason": "VARCHAR",
    "detail": "VARCHAR",
    "corrected_by": "VARCHAR",
    "recorded": "TIMESTAMP",
}


def ensure_correction_schema(con: Any) -> None:
    """Create the tables of cleansing requests and applied corrections when the database has none yet."""
    for table, columns in ((CORRECTION_REQUESTS, _REQUEST_COLUMNS), (CORRECTIONS, _CORRECTION_COLUMNS)):
        body = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")


def record_correction_request(con: Any, request: CorrectionRequest, secret: str) -> None:
    """Record a cleansing request and the secret its fingerprints are keyed with (hex)."""
    ensure_correction_schema(con)
    con.execute(
        f"INSERT INTO {CORRECTION_REQUESTS} (request_id, run_id, mapping, target_table, file_name, rows, created, "
        "secret) VALUES (?, ?, ?, ?, ?, ?, now(), ?)",
        [
            request.request_id,
            request.run_id,
            request.mapping,
            request.target_table,
            request.file_name,
            request.rows,
            secret,
        ],
    )


def correction_request(con: Any, request_id: str) -> tuple[CorrectionRequest, str] | None:
    """A recorded cleansing request and its secret (hex), or None when the database does not know it."""
    if CORRECTION_REQUESTS not in tables(con):
        return None
    names = [n for n in _REQUEST_COLUMNS if n != "secret"]
    row = con.execute(
        f"SELECT {', '.join(names)}, secret FROM {CORRECTION_REQUESTS} WHERE request_id = ?", [request_id]
    ).fetchone()
    if row is None:
        return None
    return CorrectionRequest.model_validate(dict(zip(names, row[:-1], strict=True))), str(row[-1])


def record_corrections(con: Any, records: list[CorrectionRecord]) -> None:
    """Record what a run did with the rows of its corrections files (stamped now)."""
    if not records:
        return
    ensure_correction_schema(con)
    names = [n for n in _CORRECTION_COLUMNS if n != "recorded"]
    con.execute(
        f"INSERT INTO {CORRECTIONS} ({', '.join(names)}, recorded) "
        f"SELECT {', '.join(f'unnest(${n})' for n in names)}, now()",
        {n: [getattr(r, n).value if n == "status" else getattr(r, n) for r in records] for n in names},
    )


def read_corrections(con: Any, *, run_id: str | None = None, mapping: str | None = None) -> list[CorrectionRecord]:
    """The corrections runs used (of one run, or one mapping, or all), by run, line and item."""
    if CORRECTIONS not in tables(con):
        return []
    conditions, parameters = [], []
    for name, value in (("run_id", run_id), ("mapping", mapping)):
        if value is not None:
            conditions.append(f"{name} = ?")
            parameters.append(value)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = con.execute(
        f"SELECT {', '.join(_CORRECTION_COLUMNS)} FROM {CORRECTIONS} {where} ORDER BY recorded, run_id, line, item",
        parameters,
    ).fetchall()
    return [CorrectionRecord.model_validate(dict(zip(_CORRECTION_COLUMNS, r, strict=True))) for r in rows]


# 縮退 (moji shrink) ---------------------------------------------------------------------------------------
# Each degradation of a table's values to JIS X 0213 (never in place) is recorded: which table it read, where it
# wrote, which 縮退マップ version, and per distinct character its target, legal basis and count (never a value).

SHRINK_LOG = "fitgap_shrink_log"


class ShrinkLogRow(FrozenModel):
    """One row of ``fitgap_shrink_log``: a character one 縮退 run changed (``target`` and ``basis`` set) or kept
    because the map does not degrade it (both None); a run that changed nothing has one row with ``char`` None."""

    shrink_id: str
    source_table: str
    items: str  # comma-separated romanized item names
    written: str  # the new table, or the file
    map_version: str
    char: str | None
    code_points: str | None
    target: str | None
    basis_table: str | None  # the 縮退マップ's table that is the legal basis, its Japanese name
    basis: str | None  # the basis in full (法務省告示582号別表第四 表二 第1順位)
    mj_id: str | None
    count: int
    recorded: dt.datetime | None = None


_SHRINK_COLUMNS: dict[str, str] = {
    "shrink_id": "VARCHAR",
    "source_table": "VARCHAR",
    "items": "VARCHAR",
    "written": "VARCHAR",
    "map_version": "VARCHAR",
    "char": "VARCHAR",
    "code_points": "VARCHAR",
    "target": "VARCHAR",
    "basis_table": "VARCHAR",
    "basis": "VARCHAR",
    "mj_id": "VARCHAR",
    "count": "BIGINT",
    "recorded": "TIMESTAMP",
}


def record_shrink(con: Any, rows: list[ShrinkLogRow]) -> None:
    """Record the rows of one 縮退 run (stamped now), creating ``fitgap_shrink_log`` when the database has none."""
    body = ", ".join(f"{name} {kind}" for name, kind in _SHRINK_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {SHRINK_LOG} ({body})")
    if not rows:
        return
    names = [n for n in _SHRINK_COLUMNS if n != "recorded"]
    con.execute(
        f"INSERT INTO {SHRINK_LOG} ({', '.join(names)}, recorded) SELECT {', '.join(f'unnest(${n})' for n in names)}, "
        "now()",
        {n: [getattr(r, n) for r in rows] for n in names},
    )


def read_shrink_log(con: Any, shrink_id: str | None = None) -> list[ShrinkLogRow]:
    """The recorded 縮退 rows (of one run, or all), by time, run and character."""
    if SHRINK_LOG not in tables(con):
        return []
    where, parameters = ("WHERE shrink_id = ?", [shrink_id]) if shrink_id else ("", [])
    rows = con.execute(
        f"SELECT {', '.join(_SHRINK_COLUMNS)} FROM {SHRINK_LOG} {where} ORDER BY recorded, shrink_id, char",
        parameters,
    ).fetchall()
    return [ShrinkLogRow.model_validate(dict(zip(_SHRINK_COLUMNS, r, strict=True))) for r in rows]


# Each reconciliation (fitgap reconcile run / results) is recorded with its counts, so readiness can tell a
# business whose latest reconciliation found unexplained differences. Differences themselves (masked) are kept
# per reconciliation in ``fitgap_reconcile_differences``: nothing is sampled.

RECONCILIATIONS = "fitgap_reconciliations"
RECONCILE_DIFFERENCES = "fitgap_reconcile_differences"


class ReconcileKind(StrEnum):
    DATA = "data"  # reconcile run: a published conversion against its legacy source
    RESULTS = "results"  # reconcile results: the new system's results against the legacy system's


class ReconcileRecord(FrozenModel):
    """One row of ``fitgap_reconciliations``."""

    reconcile_id: str
    kind: ReconcileKind
    business: str | None  # 業務ID, when known (data: the mapping's; results: --business)
    subject: str  # data: the target table; results: the new result file's name
    mapping: str | None = None
    run_id: str | None = None
    compared: int  # rows compared on both sides
    agreed: int
    explained: int
    unexplained: int
    totals_failed: int = 0
    recorded: dt.datetime | None = None


_RECONCILE_COLUMNS: dict[str, str] = {
    "reconcile_id": "VARCHAR",
    "kind": "VARCHAR",
    "business": "VARCHAR",
    "subject": "VARCHAR",
    "mapping": "VARCHAR",
    "run_id": "VARCHAR",
    "compared": "BIGINT",
    "agreed": "BIGINT",
    "explained": "BIGINT",
    "unexplained": "BIGINT",
    "totals_failed": "BIGINT",
    "recorded": "TIMESTAMP",
}
_DIFFERENCE_COLUMNS: dict[str, str] = {
    "reconcile_id": "VARCHAR",
    "code": "VARCHAR",
    "line": "BIGINT",
    "key": "VARCHAR",
    "item": "VARCHAR",
    "legacy": "VARCHAR",
    "expected": "VARCHAR",
    "actual": "VARCHAR",
    "explanation": "VARCHAR",
    "detail": "VARCHAR",
}


def record_reconciliation(con: Any, record: ReconcileRecord, differences: list[dict[str, Any]] | None = None) -> None:
    """Record one reconciliation (stamped now) and its differences (dicts with the keys of
    ``_DIFFERENCE_COLUMNS`` but ``reconcile_id``; values already masked), creating the tables when needed."""
    for table, columns in ((RECONCILIATIONS, _RECONCILE_COLUMNS), (RECONCILE_DIFFERENCES, _DIFFERENCE_COLUMNS)):
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{n} {k}' for n, k in columns.items())})")
    names = [n for n in _RECONCILE_COLUMNS if n != "recorded"]
    con.execute(
        f"INSERT INTO {RECONCILIATIONS} ({', '.join(names)}, recorded) VALUES ({', '.join('?' for _ in names)}, now())",
        [getattr(record, n) for n in names],
    )
    if differences:
        names = [n for n in _DIFFERENCE_COLUMNS if n != "reconcile_id"]
        con.execute(
            f"INSERT INTO {RECONCILE_DIFFERENCES} (reconcile_id, {', '.join(names)}) "
            f"SELECT $id, {', '.join(f'unnest(${n})' for n in names)}",
            {"id": record.reconcile_id, **{n: [d.get(n) for d in differences] for n in names}},
        )


def read_reconciliations(con: Any, *, latest_only: bool = True) -> list[ReconcileRecord]:
    """The recorded reconciliations, oldest first; ``latest_only``: the latest per kind, business, subject, mapping
    and run."""
    if RECONCILIATIONS not in tables(con):
        return []
    rows = con.execute(
        f"SELECT {', '.join(_RECONCILE_COLUMNS)} FROM {RECONCILIATIONS} ORDER BY recorded, reconcile_id"
    ).fetchall()
    records = [ReconcileRecord.model_validate(dict(zip(_RECONCILE_COLUMNS, r, strict=True))) for r in rows]
    if not latest_only:
        return records
    # Two mappings may write one table, and readiness counts a data reconciliation only for the run published
    # now: the latest per run (an older run's record never hides the current run's), per business for results.
    latest = {(r.kind, r.business, r.subject, r.mapping, r.run_id): r for r in records}
    return list(latest.values())
