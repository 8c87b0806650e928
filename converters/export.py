"""``fitgap convert export``: one file per converted group, columns named by the romanized item names,
and a manifest with each file's row count and sha256. The same database always gives the same bytes.

Exports are data interchange: the values are written as they are in the database (neither masked nor guarded
against spreadsheet formulas); only the file names, made from catalog names, are made safe.

UTF-8 holds every value, ideographic variation sequences (葛󠄀 = U+845B U+E0100) and compatibility ideographs
(﨑 U+FA11) included. A CSV in CP932 (``encoding="cp932"``) for a system that only reads Shift_JIS is written only
when every value fits: CP932 has no variation selectors, so an IVS cannot be written without losing its
selector. The export then writes nothing and names, per table and column, the characters, the number of rows
and the first row's source line (never a value).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

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


@cache
def _in_cp932(ch: str) -> bool:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def _is_selector(ch: str) -> bool:
    """A variation selector (spec_catalog.rules.VARIATION_SELECTOR_CLASS): the second half of an IVS."""
    return 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _not_in_cp932(con: Any, table: str, columns: list[str]) -> list[str]:
    """Per column of ``table`` that holds characters CP932 lacks: what they are, in how many rows, from where."""
    problems = []
    for column in columns:
        c = quote(column)
        # ASCII always fits: only the distinct values with another character are looked at.
        values = con.execute(
            f"SELECT DISTINCT {c} FROM {quote(table)} "
            f"WHERE {c} IS NOT NULL AND NOT regexp_full_match({c}, '[\\x00-\\x7f]*')"
        ).fetchall()
        bad = [v for (v,) in values if not all(_in_cp932(ch) for ch in v)]
        if not bad:
            continue
        chars = sorted({ch for v in bad for ch in v if not _in_cp932(ch)})
        rows, first_file, first_line = con.execute(
            f"SELECT count(*) OVER (), _source_file, _source_line FROM {quote(table)} WHERE {c} IN (SELECT unnest(?)) "
            "ORDER BY _mapping, _source_file, _source_line LIMIT 1",
            [bad],
        ).fetchone()
        selectors = [ch for ch in chars if _is_selector(ch)]
        named = ", ".join(f"U+{ord(ch):04X}" for ch in chars[:5]) + (f" (of {len(chars)})" if len(chars) > 5 else "")
        kind = "characters" if not selectors else "variation selectors (IVS)"
        if selectors and len(selectors) < len(chars):
            kind += " and other characters"
        problems.append(
            f"{table}.{column}: {rows} {'row holds' if rows == 1 else 'rows hold'} {kind} CP932 lacks: {named} "
            f"(first: {first_file} line {first_line})"
        )
    return problems


def export(
    db: Path,
    out: Path,
    *,
    fmt: Literal["csv", "parquet"] = "csv",
    bom: bool = False,
    delimiter: str = ",",
    newline: Literal["crlf", "lf"] = "crlf",
    tables: list[str] | None = None,
    encoding: Literal["utf-8", "cp932"] = "utf-8",
) -> ExportManifest:
    """Write the converted tables to ``out``. ``encoding="cp932"`` writes CSV in CP932 (no BOM), and refuses
    (:class:`FitgapError`, nothing written) when a value holds a character CP932 lacks — an IVS above all."""
    if encoding == "cp932" and (fmt != "csv" or bom):
        raise FitgapError("CP932 is for CSV without a BOM", where=out, hint="drop --bom, or export parquet in UTF-8")
    if encoding == "cp932" and not _in_cp932(delimiter):
        raise FitgapError(f"the delimiter {delimiter!r} is not a CP932 character", where=out, hint="use , or a tab")
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
        if encoding == "cp932":
            problems = [
                p for t in chosen for p in _not_in_cp932(con, t, [c for c in columns_of(con, t) if c not in LINEAGE])
            ]
            if problems:
                raise FitgapError(
                    "CP932 cannot hold every value, nothing was written — " + "; ".join(problems),
                    where=db,
                    hint="export in UTF-8 (the default), which keeps them; CP932 has no variation selectors",
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
                written = target.with_name(f".{target.name}.utf-8") if encoding == "cp932" else target
                con.execute(
                    f"COPY ({select}) TO {literal(str(written))} (FORMAT csv, HEADER, DELIMITER {literal(delimiter)}, "
                    f"NEW_LINE {literal(line_end)})"
                )
                if written != target:
                    _transcode(written, target)
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
        encoding="utf-8-sig" if bom else encoding,
        delimiter=delimiter,
        newline=newline,
        files=tuple(files),
    )
    (out / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _transcode(source: Path, target: Path) -> None:
    """The UTF-8 file DuckDB wrote, as CP932 (every value was checked to fit), in chunks; the UTF-8 one goes."""
    try:
        with (
            source.open(encoding="utf-8", newline="") as read,
            target.open("w", encoding="cp932", errors="strict", newline="") as write,
        ):
            while chunk := read.read(1 << 20):
                write.write(chunk)
    finally:
        source.unlink(missing_ok=True)
