"""``fitgap convert export``: one file per converted group, columns named by the romanized item names,
and a manifest with each file's row count and sha256. The same database always gives the same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from converters.readers import file_sha256
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.database import (
    LINEAGE,
    columns_of,
    connect_read_only,
    converted_tables,
    count_rows,
    has_runs,
    literal,
    quote,
)


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
    con = connect_read_only(db)
    try:
        if not has_runs(con):
            raise FitgapError("the database holds no conversion", where=db, hint="run 'fitgap convert run' first")
        available = converted_tables(con)
        chosen = tables or available
        unknown = [t for t in chosen if t not in available]
        if unknown:
            raise FitgapError(
                f"no converted table '{unknown[0]}'", where=db, hint=f"tables: {', '.join(available) or 'none'}"
            )
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for table in chosen:
            columns = [c for c in columns_of(con, table) if c not in LINEAGE]
            select = (
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "
                "ORDER BY _mapping, _source_file, _source_line"
            )
            target = out / f"{table}.{fmt}"
            if fmt == "parquet":
                con.execute(f"COPY ({select}) TO {literal(str(target))} (FORMAT parquet)")
            else:
                line_end = "\\r\\n" if newline == "crlf" else "\\n"
                con.execute(
                    f"COPY ({select}) TO {literal(str(target))} (FORMAT csv, HEADER, DELIMITER {literal(delimiter)}, "
                    f"NEW_LINE {literal(line_end)})"
                )
                if bom:
                    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
            rows = count_rows(con, table)
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
