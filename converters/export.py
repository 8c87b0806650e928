"""``fitgap convert export``: one file per converted group, columns named by the romanized item names,
and a manifest with each file's row count and sha256. The same database always gives the same bytes.

Exports are data interchange: the values are written as they are in the database (neither masked nor guarded
against spreadsheet formulas); only the file names, made from catalog names, are made safe.
"""

from __future__ import annotations

import re
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

# Not in a file name on any system the files may travel to: separators, Windows' reserved characters, controls.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def file_stem(name: str) -> str:
    """A table name as a file name of its own: ``001_住民`` stays, separators and Windows' reserved characters
    become ``_``, no leading or trailing dot or space (no ``..``), no reserved device name (``CON`` …)."""
    stem = _UNSAFE.sub("_", name).strip(" .")
    if not stem or stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


def _target(out: Path, table: str, fmt: str) -> Path:
    """The file of ``table`` in ``out``, checked to stay inside it."""
    target = out / f"{file_stem(table)}.{fmt}"
    if target.resolve().parent != out.resolve():
        raise FitgapError(
            f"table {table!r} makes no file name inside the output folder", where=out, hint="rename the group"
        )
    return target


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
        targets = {table: _target(out, table, fmt) for table in chosen}
        by_file: dict[Path, set[str]] = {}
        for table, target in targets.items():
            by_file.setdefault(target, set()).add(table)
        for target, same in by_file.items():
            if len(same) > 1:
                raise FitgapError(
                    f"tables {', '.join(repr(t) for t in sorted(same))} would be written to one file {target.name}",
                    where=db,
                    hint="export them one at a time with --table, into separate folders",
                )
        files = []
        for table in chosen:
            columns = [c for c in columns_of(con, table) if c not in LINEAGE]
            select = (
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "
                "ORDER BY _mapping, _source_file, _source_line"
            )
            target = targets[table]
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
