"""``fitgap convert export``: one file per converted group, columns named by the romanized item names,
and a manifest with each file's row count and sha256. The same database always gives the same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from converters.store import LINEAGE, RUNS, connect, file_sha256, quote
from spec_catalog.base import FitgapError, FrozenModel


class ExportedFile(FrozenModel):
    file: str
    table: str
    rows: int
    columns: tuple[str, ...]
    sha256: str


class ExportManifest(FrozenModel):
    format: str
    encoding: str
    delimiter: str
    newline: str
    files: tuple[ExportedFile, ...]


def _tables(con: object) -> list[str]:
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT table_name FROM duckdb_columns() WHERE column_name = '_mapping' AND schema_name = 'main' "
        "ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def export(
    db: Path,
    out: Path,
    *,
    fmt: Literal["csv", "parquet"] = "csv",
    bom: bool = False,
    delimiter: str = ",",
    newline: Literal["crlf", "lf"] = "crlf",
    tables: list[str] | None = None,
) -> ExportManifest:
    con = connect(db, read_only=True)
    try:
        if RUNS not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}:
            raise FitgapError("the database holds no conversion", where=db, hint="run 'fitgap convert run' first")
        available = _tables(con)
        chosen = tables or available
        unknown = [t for t in chosen if t not in available]
        if unknown:
            raise FitgapError(
                f"no converted table '{unknown[0]}'", where=db, hint=f"tables: {', '.join(available) or 'none'}"
            )
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for table in chosen:
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
                if r[0] not in LINEAGE
            ]
            select = (
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "
                "ORDER BY _mapping, _source_file, _source_line"
            )
            target = out / f"{table}.{fmt}"
            if fmt == "parquet":
                con.execute(f"COPY ({select}) TO {_lit(str(target))} (FORMAT parquet)")
            else:
                line_end = "\\r\\n" if newline == "crlf" else "\\n"
                con.execute(
                    f"COPY ({select}) TO {_lit(str(target))} (FORMAT csv, HEADER, DELIMITER {_lit(delimiter)}, "
                    f"NEW_LINE {_lit(line_end)})"
                )
                if bom:
                    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
            rows = con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]
            files.append(
                ExportedFile(
                    file=target.name, table=table, rows=rows, columns=tuple(columns), sha256=file_sha256(target)
                )
            )
    finally:
        con.close()
    manifest = ExportManifest(
        format=fmt,
        encoding="utf-8-sig" if bom else "utf-8",
        delimiter=delimiter,
        newline=newline,
        files=tuple(files),
    )
    (out / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
