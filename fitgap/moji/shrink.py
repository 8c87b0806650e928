"""``moji shrink``: values degraded (縮退) to JIS X 0213 with the MJ縮退マップ, for downstream systems that know
no more than JIS X 0213 — never silently, never in place.

Each character (a base character with its variation selector: an IVS sequence is one character) goes through
:func:`spec_catalog.mj.shrink`: a character of JIS X 0213 stays, an MJ character outside it becomes the target the
map gives, with the map's table as the legal basis (法務省告示582号別表第四, 戸籍統一文字情報 …); a character the
map does not degrade is kept as it is and reported. A converted table is degraded into a new table (or a new
UTF-8 / CP932 file), and ``convert export --shrink`` degrades the files it writes (:func:`export_shrunk`); the
original is only read. Each run is recorded in the database's 縮退 log
(:data:`spec_catalog.database.SHRINK_LOG`: the map version, and per distinct character its target, legal basis
and count). Reports show characters and counts, never a value.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from converters.export import ExportManifest, ShrunkValues, export
from fitgap.moji.errors import converted_hint, unsupported_encoding
from spec_catalog.base import FitgapError, FrozenModel, UsageError
from spec_catalog.database import (
    LINEAGE,
    ShrinkLogRow,
    columns_of,
    connect,
    connect_read_only,
    converted_tables,
    count_rows,
    create_target,
    quote,
    read_runs,
    record_shrink,
    tables,
)
from spec_catalog.language import say
from spec_catalog.mj import ATTRIBUTION, SHRINK_ORDER, characters, classify, code_points, shrink
from spec_catalog.models import Catalog, table_name
from spec_catalog.vocab import DataType

MAP_VERSION = "MJ縮退マップ Ver.1.2.0"
SUFFIX = "_縮退"  # the default new table: ``001_住民_縮退``
ENCODINGS = ("utf-8", "cp932")
_LISTED = 20  # characters named in an error message (the total is always stated)


class ShrunkChar(FrozenModel):
    """A character the 縮退 changed: what it became, on which legal basis, and how often."""

    original: str
    code_points: str
    target: str
    table: str  # the 縮退マップ's table that is the legal basis, by its Japanese name (法務省告示582号別表第四)
    basis: str  # the basis in full, with its part and rank (法務省告示582号別表第四 表二 第1順位)
    mj_id: str | None  # the MJ文字図形名 of the original
    count: int = 1


class UnshrunkChar(FrozenModel):
    """A character outside JIS X 0213 that the 縮退マップ does not degrade: kept as it is, and flagged."""

    char: str
    code_points: str
    char_class: str  # its class, in Japanese
    count: int = 1


class ShrunkText(FrozenModel):
    """A text degraded to JIS X 0213: the new text, each changed character and each character kept unmapped."""

    text: str
    changed: tuple[ShrunkChar, ...] = ()
    unmapped: tuple[UnshrunkChar, ...] = ()


def _degrade(char: str) -> tuple[str, ShrunkChar | None, UnshrunkChar | None]:
    """One character: (what it becomes, the change if any, the flag if it has no 縮退)."""
    found = shrink(char)
    if found is None:
        return char, None, UnshrunkChar(char=char, code_points=code_points(char), char_class=classify(char).label_ja)
    if found.table is None or found.target == char:
        return char, None, None
    change = ShrunkChar(
        original=char,
        code_points=code_points(char),
        target=found.target,
        table=found.table.label_ja,
        basis=found.basis_ja,
        mj_id=found.mj_id,
    )
    return found.target, change, None


def shrink_text(text: str) -> ShrunkText:
    """``text`` degraded to JIS X 0213, character by character (an IVS sequence is one character); each distinct
    change and each character without a 縮退 is listed once, with its count, in order of first appearance."""
    parts: list[str] = []
    changed: dict[str, ShrunkChar] = {}
    unmapped: dict[str, UnshrunkChar] = {}
    counts: Counter[str] = Counter()
    for char in characters(text):
        new, change, flag = _degrade(char)
        parts.append(new)
        counts[char] += 1
        if change is not None:
            changed.setdefault(char, change)
        if flag is not None:
            unmapped.setdefault(char, flag)
    return ShrunkText(
        text="".join(parts),
        changed=tuple(c.model_copy(update={"count": counts[c.original]}) for c in changed.values()),
        unmapped=tuple(u.model_copy(update={"count": counts[u.char]}) for u in unmapped.values()),
    )


# Tables ------------------------------------------------------------------------------------------------


class ShrinkResult(FrozenModel):
    """What ``moji shrink`` read and wrote: the changes per character and per legal basis, the characters kept
    without a 縮退, the map version and its attribution. Values never appear: characters and counts only."""

    shrink_id: str
    database: str
    source_table: str
    items: tuple[str, ...]
    kind: Literal["table", "file"]
    written: str  # the new table, or the file
    encoding: str | None = None  # of the file
    report: str | None = None  # the JSON record beside the file
    map_version: str = MAP_VERSION
    rows: int
    values_changed: int  # values (row × item) that the 縮退 changed
    changed: tuple[ShrunkChar, ...]  # per distinct character, by count
    by_basis: dict[str, int]  # legal basis (the map's table) -> characters changed on it, in the map's order
    unmapped: tuple[UnshrunkChar, ...]  # kept as they are: no 縮退 to JIS X 0213
    attribution: str = ATTRIBUTION
    created: dt.datetime


def _items(con: Any, catalog: Catalog, table: str, items: list[str] | None) -> list[str]:
    """The items to degrade: the named ones, else every Ｎ item of the table's catalog group."""
    columns = [c for c in columns_of(con, table) if c not in LINEAGE]
    if items:
        unknown = [i for i in items if i not in columns]
        if unknown:
            raise UsageError(
                say(
                    f"--item {unknown[0]!r} は表 {table!r} の項目ではありません",
                    f"--item {unknown[0]!r} is no item of table {table!r}",
                ),
                hint=say(f"次の項目から選んでください: {', '.join(columns)}", f"items: {', '.join(columns)}"),
            )
        return list(dict.fromkeys(items))
    found = _n_items(con, catalog, table)
    if found is None:
        raise UsageError(
            say(
                f"表 {table!r} はカタログのどのグループの表でもありません（Ｎ項目が分かりません）",
                f"table {table!r} is of no group of the catalog (its Ｎ items are unknown)",
            ),
            hint=say(
                "縮退する項目を --item で指定するか、--catalog を指定してください",
                "name the items to degrade with --item, or give --catalog",
            ),
        )
    if not found:
        raise UsageError(
            say(f"表 {table!r} にＮ項目がありません", f"table {table!r} has no Ｎ item"),
            hint=say("縮退する項目を --item で指定してください", "name the items to degrade with --item"),
        )
    return found


def _n_items(con: Any, catalog: Catalog, table: str) -> list[str] | None:
    """The Ｎ (full-width) items of the table's catalog group that the table has; None: of no group."""
    columns = columns_of(con, table)
    for spec in catalog.businesses:
        for group in spec.layouts:
            if table_name(spec.business_id, group.name) == table:
                return [i.romanized for i in group.items if i.type is DataType.FULL_WIDTH and i.romanized in columns]
    return None


class _Changes:
    """The 縮退 of each distinct value of the chosen items, and the counts over the whole table."""

    def __init__(self) -> None:
        self.values: dict[str, ShrunkText] = {}
        self.changed: dict[str, ShrunkChar] = {}
        self.unmapped: dict[str, UnshrunkChar] = {}
        self.counts: Counter[str] = Counter()
        self.values_changed = 0

    def add(self, value: str, rows: int) -> ShrunkText:
        result = self.values.get(value)
        if result is None:
            result = self.values[value] = shrink_text(value)
        if result.text != value:
            self.values_changed += rows
        for change in result.changed:
            self.changed.setdefault(change.original, change)
            self.counts[change.original] += change.count * rows
        for flag in result.unmapped:
            self.unmapped.setdefault(flag.char, flag)
            self.counts[flag.char] += flag.count * rows
        return result

    def summary(self) -> tuple[tuple[ShrunkChar, ...], dict[str, int], tuple[UnshrunkChar, ...]]:
        changed = sorted(
            (c.model_copy(update={"count": self.counts[c.original]}) for c in self.changed.values()),
            key=lambda c: (-c.count, c.original),
        )
        by_basis: Counter[str] = Counter()
        for change in changed:
            by_basis[change.table] += change.count
        order = [t.label_ja for t in SHRINK_ORDER]  # the map's own order of its tables
        unmapped = sorted(
            (u.model_copy(update={"count": self.counts[u.char]}) for u in self.unmapped.values()),
            key=lambda u: (-u.count, u.char),
        )
        return tuple(changed), {t: by_basis[t] for t in order if t in by_basis}, tuple(unmapped)


def _count_values(con: Any, table: str, item: str, changes: _Changes) -> dict[str, str]:
    """Every distinct value of one item degraded; returns the values the 縮退 changes (old -> new)."""
    rows = con.execute(
        f"SELECT {quote(item)}, count(*) FROM {quote(table)} WHERE {quote(item)} IS NOT NULL GROUP BY 1"
    ).fetchall()
    updates = {}
    for value, count in rows:
        result = changes.add(str(value), int(count))
        if result.text != value:
            updates[str(value)] = result.text
    return updates


def _check_new_table(con: Any, source: str, out_table: str, force: bool) -> None:
    new_name = say(f"新しい名前を指定してください（例: {source}{SUFFIX}）", f"give a new name, e.g. {source}{SUFFIX}")
    if out_table == source:
        raise UsageError(
            say(
                "--out-table が読み込む表と同じです（縮退は元の表を書き換えません）",
                "the 縮退 never writes in place: --out-table names the table it reads",
            ),
            where=out_table,
            hint=new_name,
        )
    converted_by_runs = {r.target_table for r in read_runs(con)}
    if out_table in converted_by_runs or out_table.startswith("fitgap_"):
        raise UsageError(
            say(
                f"表 {out_table!r} はツール自身の表です（変換の出力先か記録）",
                f"table {out_table!r} is the toolkit's own (a conversion's target or a record)",
            ),
            hint=new_name,
        )
    if out_table in tables(con) and not force:
        raise UsageError(
            say(
                f"表 {out_table!r} がすでにあります（前の縮退のものかもしれません）",
                f"table {out_table!r} exists already (an earlier 縮退?)",
            ),
            hint=say(
                "--out-table で新しい名前を指定するか、置き換えるには --force を付けてください",
                "give a new name with --out-table, or add --force to replace it",
            ),
        )


def _write_table(con: Any, table: str, out_table: str, items: list[str], changes: _Changes, force: bool) -> None:
    """The new table: a copy of ``table`` (lineage included) whose ``items`` hold the degraded values."""
    _check_new_table(con, table, out_table, force)
    columns = [c for c in columns_of(con, table) if c not in LINEAGE]
    updates = {item: _count_values(con, table, item, changes) for item in items}
    con.execute("BEGIN TRANSACTION")
    try:
        if out_table in tables(con):
            con.execute(f"DROP TABLE {quote(out_table)}")
        create_target(con, out_table, columns)
        every = ", ".join(quote(c) for c in [*columns, *LINEAGE])
        con.execute(f"INSERT INTO {quote(out_table)} ({every}) SELECT {every} FROM {quote(table)}")
        for item, mapping in updates.items():
            if mapping:
                con.execute(
                    f"UPDATE {quote(out_table)} AS t SET {quote(item)} = m.after "
                    "FROM (SELECT unnest($before) AS before, unnest($after) AS after) AS m "
                    f"WHERE t.{quote(item)} = m.before",
                    {"before": list(mapping), "after": list(mapping.values())},
                )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _unencodable(values: Iterable[str], encoding: str) -> set[str]:
    found: set[str] = set()
    for value in values:
        try:
            value.encode(encoding)
        except UnicodeEncodeError:
            found.update(ch for ch in characters(value) if not _encodes(ch, encoding))
    return found


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _write_file(
    con: Any, table: str, out_file: Path, items: list[str], changes: _Changes, encoding: str, force: bool
) -> None:
    """The new file: the table's columns (no lineage) with the degraded ``items``, as CSV with a header, CRLF.

    Nothing is written when a value cannot be encoded in ``encoding`` (the characters are named)."""
    if out_file.exists() and not force:
        raise UsageError(
            say(
                "出力ファイルがすでにあります（前の縮退のものかもしれません）",
                "the output file exists already (an earlier 縮退?)",
            ),
            where=out_file,
            hint=say(
                "新しいファイルを指定するか、置き換えるには --force を付けてください",
                "give a new file, or add --force to replace it",
            ),
        )
    columns = [c for c in columns_of(con, table) if c not in LINEAGE]
    for item in items:
        _count_values(con, table, item, changes)
    chosen = {columns.index(i) for i in items}
    every = ", ".join(quote(c) for c in columns)
    select = f"SELECT {every} FROM {quote(table)} ORDER BY _mapping, _source_file, _source_line"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    partial = out_file.with_name(out_file.name + ".partial")
    bad: set[str] = set()
    try:
        with partial.open("w", encoding=encoding, errors="replace", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            cursor = con.execute(select)
            while batch := cursor.fetchmany(10_000):
                for row in batch:
                    out = [changes.values[v].text if i in chosen and v is not None else v for i, v in enumerate(row)]
                    texts = [str(v) for v in out if v is not None]
                    bad |= _unencodable(texts, encoding)
                    writer.writerow(["" if v is None else v for v in out])
        if bad:
            listed = " ".join(f"{ch} ({code_points(ch)})" for ch in sorted(bad)[:_LISTED])
            more = say(f" …（全 {len(bad)} 字）", f" … ({len(bad)} in all)") if len(bad) > _LISTED else ""
            raise FitgapError(
                say(
                    f"{len(bad)} 字を {encoding} で書けません: {listed}{more}",
                    f"{len(bad)} character(s) cannot be written in {encoding}: {listed}{more}",
                ),
                where=out_file,
                hint=say(
                    "UTF-8 で書き出す（--encoding utf-8）か、先にこれらの文字を決めてください（fitgap moji sheet）",
                    "write UTF-8 (--encoding utf-8), or decide these characters first (fitgap moji sheet)",
                ),
            )
        partial.replace(out_file)
    finally:
        partial.unlink(missing_ok=True)


def shrink_table(
    db: Path,
    table: str,
    catalog: Catalog,
    *,
    items: list[str] | None = None,
    out_table: str | None = None,
    out_file: Path | None = None,
    encoding: str = "utf-8",
    force: bool = False,
) -> ShrinkResult:
    """Degrade the Ｎ items (or ``items``) of a converted table to JIS X 0213 into a new table (``out_table``,
    by default ``TABLE_縮退``) or a new CSV file (``out_file``, UTF-8 or CP932); the original is only read. The run
    is recorded in the database's 縮退 log; a file also gets its JSON record beside it (``FILE.縮退.json``)."""
    if out_table is not None and out_file is not None:
        raise UsageError(
            say(
                "--out-table と -o/--output は一緒には使えません（縮退した値の書き先は一つです）",
                "--out-table and -o/--output cannot be used together (one place to write the degraded values)",
            ),
            hint=say("どちらか一方を指定してください", "give one of them"),
        )
    if out_file is None and out_table is None:
        out_table = table + SUFFIX
    if encoding not in ENCODINGS:
        raise unsupported_encoding(encoding, ENCODINGS)
    if not db.exists():
        raise FitgapError(
            say("データベースが見つかりません", "database not found"),
            where=db,
            hint=say(
                "先に移行してください: fitgap convert run MAPPING --db FILE",
                "convert first: fitgap convert run MAPPING --db FILE",
            ),
        )
    con = connect(db)
    try:
        available = converted_tables(con)
        if table not in available:
            raise UsageError(
                say(
                    f"--table {table!r} はデータベースの変換済みの表にありません",
                    f"--table {table!r} is no converted table of the database",
                ),
                where=db,
                hint=converted_hint(available),
            )
        chosen = _items(con, catalog, table, items)
        changes = _Changes()
        report: Path | None = None
        if out_table is not None:
            _write_table(con, table, out_table, chosen, changes, force)
            written = out_table
        else:
            assert out_file is not None
            report = out_file.with_name(out_file.name + ".縮退.json")
            _write_file(con, table, out_file, chosen, changes, encoding, force)
            written = str(out_file)
        changed, by_basis, unmapped = changes.summary()
        result = ShrinkResult(
            shrink_id=uuid.uuid4().hex[:12],
            database=str(db),
            source_table=table,
            items=tuple(chosen),
            kind="table" if out_table is not None else "file",
            written=written,
            encoding=encoding if out_file is not None else None,
            report=str(report) if report is not None else None,
            rows=count_rows(con, table),
            values_changed=changes.values_changed,
            changed=changed,
            by_basis=by_basis,
            unmapped=unmapped,
            created=dt.datetime.now(dt.UTC),
        )
        record_shrink(con, _log_rows(result))
    finally:
        con.close()
    if report is not None:
        report.write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return result


def _log_rows(result: ShrinkResult) -> list[ShrinkLogRow]:
    """The run as rows of the 縮退 log: one per distinct character changed or kept unmapped (a run that changed
    nothing: one row without a character, so every run is recorded)."""

    def row(char: str | None, points: str | None, count: int, change: ShrunkChar | None = None) -> ShrinkLogRow:
        return ShrinkLogRow(
            shrink_id=result.shrink_id,
            source_table=result.source_table,
            items=",".join(result.items),
            written=result.written,
            map_version=result.map_version,
            char=char,
            code_points=points,
            target=change.target if change else None,
            basis_table=change.table if change else None,
            basis=change.basis if change else None,
            mj_id=change.mj_id if change else None,
            count=count,
        )

    rows = [row(c.original, c.code_points, c.count, c) for c in result.changed]
    rows += [row(u.char, u.code_points, u.count) for u in result.unmapped]
    return rows or [row(None, None, 0)]


# Exports -----------------------------------------------------------------------------------------------


class ShrunkExport(FrozenModel):
    """``convert export --shrink``: the files written with the Ｎ items degraded to JIS X 0213 (the database
    untouched), the 縮退 of each table as one run of the 縮退 log, and the totals. Characters and counts only."""

    shrink_id: str
    manifest: ExportManifest
    tables: tuple[ShrinkResult, ...]  # one per file (``written``), in the manifest's order
    values_changed: int  # values (row × item) the 縮退 changed, over every file
    characters_changed: int  # occurrences of characters degraded
    characters_unmapped: int  # occurrences of characters kept as they are: the map has no 縮退 for them
    map_version: str = MAP_VERSION
    attribution: str = ATTRIBUTION


def export_shrunk(
    db: Path,
    out: Path,
    catalog: Catalog,
    *,
    fmt: Literal["csv", "parquet"] = "csv",
    bom: bool = False,
    delimiter: str = ",",
    newline: Literal["crlf", "lf"] = "crlf",
    tables: list[str] | None = None,
    encoding: Literal["utf-8", "cp932"] = "utf-8",
) -> ShrunkExport:
    """:func:`converters.export` with every Ｎ item of each table's catalog group degraded to JIS X 0213 in the
    files only. The 縮退 is worked out on the database's distinct values (read-only), the files are written (in
    CP932 only when every degraded value fits), then the run is recorded in the database's 縮退 log: per table and
    character its target, legal basis and count, ``written`` naming the file. A table of no catalog group is
    refused: its Ｎ items are unknown, so its values could not be promised to be in JIS X 0213."""
    shrink_id = uuid.uuid4().hex[:12]
    con = connect_read_only(db)
    try:
        available = converted_tables(con)
        chosen = [t for t in (tables or available) if t in available]  # export names the tables it lacks
        items = {t: _n_items(con, catalog, t) for t in chosen}
        unknown = [t for t, found in items.items() if found is None]
        if unknown:
            names = ", ".join(repr(t) for t in unknown)
            raise UsageError(
                say(
                    f"--shrink: 表 {names} はカタログのどのグループの表でもありません（Ｎ項目が分かりません）",
                    f"--shrink: table {names} is of no group of the catalog (its Ｎ items are unknown)",
                ),
                where=db,
                hint=say(
                    "書き出す表を --table で選ぶか、--catalog を指定してください",
                    "choose the tables to export with --table, or give --catalog",
                ),
            )
        changes = {t: _Changes() for t in chosen}
        values = {t: {i: _count_values(con, t, i, changes[t]) for i in items[t] or []} for t in chosen}
        rows = {t: count_rows(con, t) for t in chosen}
    finally:
        con.close()
    manifest = export(
        db,
        out,
        fmt=fmt,
        bom=bom,
        delimiter=delimiter,
        newline=newline,
        tables=tables,
        encoding=encoding,
        shrunk=ShrunkValues(shrink_id=shrink_id, attribution=ATTRIBUTION, values=values),
    )
    created = dt.datetime.now(dt.UTC)
    results = []
    for file in manifest.files:
        changed, by_basis, unmapped = changes[file.table].summary()
        results.append(
            ShrinkResult(
                shrink_id=shrink_id,
                database=str(db),
                source_table=file.table,
                items=tuple(items[file.table] or ()),
                kind="file",
                written=str(out / file.file),
                encoding=manifest.encoding,
                rows=rows[file.table],
                values_changed=changes[file.table].values_changed,
                changed=changed,
                by_basis=by_basis,
                unmapped=unmapped,
                created=created,
            )
        )
    con = connect(db)
    try:
        record_shrink(con, [row for result in results for row in _log_rows(result)])
    finally:
        con.close()
    return ShrunkExport(
        shrink_id=shrink_id,
        manifest=manifest,
        tables=tuple(results),
        values_changed=sum(r.values_changed for r in results),
        characters_changed=sum(c.count for r in results for c in r.changed),
        characters_unmapped=sum(u.count for r in results for u in r.unmapped),
    )
