"""``fitgap convert export``: one file per converted group, columns named by the romanized item names,
and a manifest with each file's row count and sha256. The same database always gives the same bytes.

Exports are data interchange: the values are written as they are in the database (neither masked nor guarded
against spreadsheet formulas); only the file names, made from catalog names, are made safe.

UTF-8 holds every value, ideographic variation sequences (葛󠄀 = U+845B U+E0100) and compatibility ideographs
(﨑 U+FA11) included. A CSV in CP932 (``encoding="cp932"``) for a system that only reads Shift_JIS is written only
when every value fits: CP932 has no variation selectors, so an IVS cannot be written without losing its
selector. The export then writes nothing and names, per table and column, the characters, the number of rows
and the first row's source line (never a value).

``shrunk`` writes some values other than the database holds them: the 縮退 to JIS X 0213 of ``fitgap convert
export --shrink``, which fitgap works out from the MJ縮退マップ (converters know no MJ data) and records in the
database's 縮退 log. The database is only read; the manifest names the 縮退 run, and the CP932 check above looks at
the values as they are written.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from converters.readers import file_sha256
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.ctrl_c import interruptible
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
from spec_catalog.language import say

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
            say(
                f"テーブル {table!r} からは出力フォルダの中のファイル名を作れません",
                f"table {table!r} makes no file name inside the output folder",
            ),
            where=out,
            hint=say("グループの名前を変えてください", "rename the group"),
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
    # Set when the values were degraded on the way out (--shrink): the run of the database's 縮退 log
    # (spec_catalog.database.SHRINK_LOG) and the attribution the MJ data's licence asks for; None: as in the database.
    shrink_id: str | None = None
    attribution: str | None = None


class ShrunkValues(FrozenModel):
    """Values to write other than the database holds them (the 縮退 of ``--shrink``): per table and column, each
    value that changes and what it becomes. Made by fitgap, which records it under ``shrink_id``."""

    shrink_id: str
    attribution: str
    values: dict[str, dict[str, dict[str, str]]]  # table -> column -> value in the database -> value written


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


_CHANGES = "temp.main.export_changes"  # the values --shrink writes, for the SQL that reads them (a session table)


def _stage_changes(con: Any, shrunk: ShrunkValues) -> None:
    """The changed values in a temporary table of this (read-only) session."""
    con.execute(f"CREATE TEMP TABLE {_CHANGES} (tbl VARCHAR, col VARCHAR, before VARCHAR, after VARCHAR)")
    rows = [
        (t, c, b, a)
        for t, by_column in shrunk.values.items()
        for c, pairs in by_column.items()
        for b, a in pairs.items()
    ]
    if rows:
        con.execute(
            f"INSERT INTO {_CHANGES} SELECT unnest($t), unnest($c), unnest($b), unnest($a)",
            {k: [r[i] for r in rows] for i, k in enumerate("tcba")},
        )


def _source(table: str, columns: list[str], shrunk: ShrunkValues | None) -> str:
    """What the export reads of ``table``: the table, or with --shrink its values as they are written (a column
    with changes takes the changed value where there is one); lineage columns included, for the order."""
    changed = shrunk.values.get(table, {}) if shrunk is not None else {}
    if not any(changed.get(c) for c in columns):
        return quote(table)

    def value(column: str) -> str:
        c = quote(column)
        if not changed.get(column):
            return f"t.{c}"
        return (
            f"coalesce((SELECT x.after FROM {_CHANGES} AS x WHERE x.tbl = {literal(table)} "
            f"AND x.col = {literal(column)} AND x.before = t.{c}), t.{c}) AS {c}"
        )

    every = ", ".join([*(value(c) for c in columns), *(f"t.{quote(c)}" for c in LINEAGE)])
    return f"(SELECT {every} FROM {quote(table)} AS t)"


def _not_in_cp932(con: Any, table: str, source: str, columns: list[str]) -> list[str]:
    """Per column of ``table`` (read as ``source``) that holds characters CP932 lacks: what they are, in how many
    rows, from where."""
    problems = []
    for column in columns:
        c = quote(column)
        # ASCII always fits: only the distinct values with another character are looked at.
        values = con.execute(
            f"SELECT DISTINCT {c} FROM {source} WHERE {c} IS NOT NULL AND NOT regexp_full_match({c}, '[\\x00-\\x7f]*')"
        ).fetchall()
        bad = [v for (v,) in values if not all(_in_cp932(ch) for ch in v)]
        if not bad:
            continue
        chars = sorted({ch for v in bad for ch in v if not _in_cp932(ch)})
        rows, first_file, first_line = con.execute(
            f"SELECT count(*) OVER (), _source_file, _source_line FROM {source} WHERE {c} IN (SELECT unnest(?)) "
            "ORDER BY _mapping, _source_file, _source_line LIMIT 1",
            [bad],
        ).fetchone()
        selectors = [ch for ch in chars if _is_selector(ch)]
        listed = ", ".join(f"U+{ord(ch):04X}" for ch in chars[:5])
        named = listed + (say(f"（全 {len(chars)} 字）", f" (of {len(chars)})") if len(chars) > 5 else "")
        if not selectors:
            kind_ja, kind_en = "文字", "characters"
        elif len(selectors) < len(chars):
            kind_ja, kind_en = "異体字セレクタ（IVS）とその他の文字", "variation selectors (IVS) and other characters"
        else:
            kind_ja, kind_en = "異体字セレクタ（IVS）", "variation selectors (IVS)"
        problems.append(
            say(
                f"{table}.{column}: {rows} 行に CP932 にない{kind_ja}があります: {named}"
                f"（最初: {first_file} の {first_line} 行目）",
                f"{table}.{column}: {rows} {'row holds' if rows == 1 else 'rows hold'} {kind_en} CP932 lacks: "
                f"{named} (first: {first_file} line {first_line})",
            )
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
    shrunk: ShrunkValues | None = None,
) -> ExportManifest:
    """Write the converted tables to ``out``. ``encoding="cp932"`` writes CSV in CP932 (no BOM), and refuses
    (:class:`FitgapError`, nothing written) when a value holds a character CP932 lacks — an IVS above all.
    ``shrunk``: values written changed (the 縮退 of ``--shrink``), the database untouched."""
    if encoding == "cp932" and (fmt != "csv" or bom):
        raise FitgapError(
            say("CP932 は BOM なしの CSV にだけ使えます", "CP932 is for CSV without a BOM"),
            where=out,
            hint=say("--bom を外すか、parquet は UTF-8 で出力してください", "drop --bom, or export parquet in UTF-8"),
        )
    if encoding == "cp932" and not _in_cp932(delimiter):
        raise FitgapError(
            say(
                f"区切り文字 {delimiter!r} は CP932 の文字ではありません",
                f"the delimiter {delimiter!r} is not a CP932 character",
            ),
            where=out,
            hint=say(", かタブを使ってください", "use , or a tab"),
        )
    database = connect_read_only(db)
    try:
        with interruptible(database) as con:  # Ctrl-C stops a statement at once (spec_catalog/ctrl_c.py)
            if not has_runs(con):
                raise FitgapError(
                    say("データベースに変換の記録がありません", "the database holds no conversion"),
                    where=db,
                    hint=say("先に 'fitgap convert run' を実行してください", "run 'fitgap convert run' first"),
                )
            available = converted_tables(con)
            chosen = tables or available
            unknown = [t for t in chosen if t not in available]
            if unknown:
                tables_ja, tables_en = ", ".join(available) or "なし", ", ".join(available) or "none"
                raise FitgapError(
                    say(f"変換済みのテーブル '{unknown[0]}' はありません", f"no converted table '{unknown[0]}'"),
                    where=db,
                    hint=say(f"テーブル: {tables_ja}", f"tables: {tables_en}"),
                )
            columns = {t: [c for c in columns_of(con, t) if c not in LINEAGE] for t in chosen}
            if shrunk is not None:
                _stage_changes(con, shrunk)
            sources = {t: _source(t, columns[t], shrunk) for t in chosen}
            if encoding == "cp932":
                problems = [p for t in chosen for p in _not_in_cp932(con, t, sources[t], columns[t])]
                if problems:
                    listed = "; ".join(problems)
                    raise FitgapError(
                        say(
                            f"CP932 で書けない値があるため、何も書き出していません — {listed}",
                            f"CP932 cannot hold every value, nothing was written — {listed}",
                        ),
                        where=db,
                        hint=say(
                            "UTF-8（既定）で出力してください。UTF-8 ならそのまま残せます。CP932 には異体字セレクタが"
                            "ありません",
                            "export in UTF-8 (the default), which keeps them; CP932 has no variation selectors",
                        ),
                    )
            out.mkdir(parents=True, exist_ok=True)
            targets = {table: _target(out, table, fmt) for table in chosen}
            by_file: dict[Path, set[str]] = {}
            for table, target in targets.items():
                by_file.setdefault(target, set()).add(table)
            for target, same in by_file.items():
                if len(same) > 1:
                    listed = ", ".join(repr(t) for t in sorted(same))
                    raise FitgapError(
                        say(
                            f"テーブル {listed} が同じファイル {target.name} に書き出されることになります",
                            f"tables {listed} would be written to one file {target.name}",
                        ),
                        where=db,
                        hint=say(
                            "--table で一つずつ、別々のフォルダに出力してください",
                            "export them one at a time with --table, into separate folders",
                        ),
                    )
            # An earlier export's manifest goes first: a stopped export must not leave it beside new files.
            (out / "manifest.json").unlink(missing_ok=True)
            files = []
            for table in chosen:
                select = (
                    f"SELECT {', '.join(quote(c) for c in columns[table])} FROM {sources[table]} "
                    "ORDER BY _mapping, _source_file, _source_line"
                )
                target = targets[table]
                # Written under a hidden name and renamed when whole: an export stopped half-way (Ctrl-C, a full
                # disk) leaves no file that looks finished.
                written = target.with_name(f".{target.name}.partial")
                try:
                    if fmt == "parquet":
                        con.execute(f"COPY ({select}) TO {literal(str(written))} (FORMAT parquet)")
                    else:
                        line_end = "\\r\\n" if newline == "crlf" else "\\n"
                        con.execute(
                            f"COPY ({select}) TO {literal(str(written))} "
                            f"(FORMAT csv, HEADER, DELIMITER {literal(delimiter)}, NEW_LINE {literal(line_end)})"
                        )
                        if encoding == "cp932" or bom:
                            _rewrite(written, encoding, bom)
                    rows = count_rows(con, table)
                    written.replace(target)
                finally:
                    written.unlink(missing_ok=True)
                files.append(
                    ExportedFile(
                        file=target.name,
                        table=table,
                        rows=rows,
                        columns=tuple(columns[table]),
                        sha256=file_sha256(target),
                    )
                )
    finally:
        database.close()
    manifest = ExportManifest(
        format=fmt,
        encoding="utf-8-sig" if bom else encoding,
        delimiter=delimiter,
        newline=newline,
        files=tuple(files),
        shrink_id=shrunk.shrink_id if shrunk is not None else None,
        attribution=shrunk.attribution if shrunk is not None else None,
    )
    (out / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _rewrite(path: Path, encoding: str, bom: bool) -> None:
    """The UTF-8 file DuckDB wrote, as CP932 (every value was checked to fit) or after a BOM, in chunks: a file of
    any size in constant memory."""
    again = path.with_name(path.name + ".new")
    try:
        with (
            path.open(encoding="utf-8", newline="") as read,
            again.open("w", encoding=encoding, errors="strict", newline="") as write,
        ):
            if bom:
                write.write("\ufeff")
            while chunk := read.read(1 << 20):
                write.write(chunk)
        again.replace(path)
    finally:
        again.unlink(missing_ok=True)
