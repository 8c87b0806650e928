"""The conversion database: connecting safely, and the tables every run writes (runs, quarantine)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from spec_catalog.base import FitgapError

RUNS = "fitgap_runs"
QUARANTINE = "fitgap_quarantine"
LINEAGE = ("_source_file", "_source_line", "_run_id", "_mapping")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {RUNS} (
    run_id VARCHAR PRIMARY KEY, mapping VARCHAR, mapping_path VARCHAR, mapping_sha256 VARCHAR,
    source_path VARCHAR, source_sha256 VARCHAR, source_bytes BIGINT, target_table VARCHAR,
    status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, reconciled BOOLEAN,
    started TIMESTAMP, finished TIMESTAMP, timings VARCHAR, tool_version VARCHAR, unmapped VARCHAR,
    message VARCHAR
);
CREATE TABLE IF NOT EXISTS {QUARANTINE} (
    run_id VARCHAR, mapping VARCHAR, source_file VARCHAR, line BIGINT, byte_offset BIGINT,
    item VARCHAR, reason VARCHAR, rule VARCHAR, value VARCHAR
);
"""


def quote(identifier: str) -> str:
    """A SQL identifier, quoted: user-supplied names never reach SQL as they are."""
    return '"' + identifier.replace('"', '""') + '"'


def connect(path: Path | None, *, read_only: bool = False, memory_limit: str | None = None) -> Any:
    """A DuckDB connection that never installs or downloads anything; a clear error when the file is busy."""
    import duckdb

    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    try:
        if path is None:
            return duckdb.connect(":memory:", config=config)
        if read_only and not path.exists():
            raise FitgapError("database not found", where=path, hint="convert something first: fitgap convert run")
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "not a valid DuckDB database" in str(exc):
            raise FitgapError(
                "not a DuckDB database file", where=path, hint="give a .duckdb file written by fitgap, or a new path"
            ) from None
        if "lock" in str(exc).lower():
            raise FitgapError(
                "the database is in use by another process",
                where=path,
                hint="wait for the other fitgap run to finish (DuckDB allows one writer at a time)",
            ) from None
        raise FitgapError(f"cannot open the database: {str(exc).splitlines()[0]}", where=path) from None
    except duckdb.Error as exc:
        raise FitgapError(
            f"not a DuckDB database ({type(exc).__name__})",
            where=path,
            hint="give a .duckdb file written by fitgap, or a new path",
        ) from None
    if path is not None:
        con.execute(f"SET temp_directory = {_lit(str(path.parent / (path.name + '.tmp')))}")
    return con


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ensure_schema(con: Any) -> None:
    con.execute(SCHEMA)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 8 MiB blocks so a multi-GB export never sits in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()
