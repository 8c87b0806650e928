"""``moji scan``: every distinct character of the converted tables (or of a legacy file), counted and classed
against the MJ character set, with where it occurs.

The counting runs in DuckDB (one GROUP BY over the characters of every scanned column); only the distinct
characters are classed in Python. A character is a base character with its variation selector, so an IVS
sequence (葛󠄀 = U+845B U+E0100) counts as one. No value is ever kept: only characters, counts, item names and
masked sample keys.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from fitgap.moji.errors import converted_hint, unsupported_encoding
from reports.masking import mask
from spec_catalog.base import FitgapError, FrozenModel, UsageError
from spec_catalog.ctrl_c import interruptible
from spec_catalog.database import columns_of, connect_read_only, converted_tables, quote
from spec_catalog.files import check_input_file
from spec_catalog.language import say
from spec_catalog.mj import ATTRIBUTION, CharClass, characters, classify, code_points
from spec_catalog.models import Catalog, DataGroup, table_name
from spec_catalog.vocab import DataType, Sensitivity

SAMPLES = 3  # masked sample keys kept per character
_LINES_LISTED = 20  # undecodable lines listed by number (the total is always stated)
# One character = one code point and the variation selector that may follow it (RE2 syntax, as in DuckDB).
# ``(?s)``: a line break inside a value is a character too. Kept in agreement with spec_catalog.mj.characters
# by a test.
CHARACTER_SQL = r"(?s).[\x{FE00}-\x{FE0F}\x{E0100}-\x{E01EF}]?"
SELECTOR_SQL = r"[\x{FE00}-\x{FE0F}\x{E0100}-\x{E01EF}]"  # a value holding a variation selector
ENCODINGS = ("cp932", "utf-8")
# The classes that need no decision: the character is in JIS X 0213 (so in every downstream system).
_INSIDE_JIS = frozenset({CharClass.BASIC, CharClass.JIS_X0208, CharClass.JIS_X0213})
_INSIDE_X0208 = frozenset({CharClass.BASIC, CharClass.JIS_X0208})


class ClassCount(FrozenModel):
    """How many distinct characters of one class were found, and how often they occur."""

    char_class: CharClass
    label: str
    distinct: int
    occurrences: int


class CharCount(FrozenModel):
    """One distinct character: its code points, class, count, the items it occurs in and masked sample keys."""

    char: str
    code_points: str
    char_class: CharClass
    label: str
    count: int
    items: tuple[str, ...]
    samples: tuple[str, ...] = ()
    mapped_to: str | None = None  # a private-use character the given 外字 table maps: what it maps to


class ScanResult(FrozenModel):
    """What ``moji scan`` found. ``characters`` lists every distinct character, by class then count."""

    source: str
    kind: Literal["database", "file"]
    encoding: str | None = None
    gaiji_table: str | None = None
    tables: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # tables (or items) not scanned, and why
    values: int
    total: int  # characters counted (an IVS sequence counts once)
    distinct: int
    undecodable_lines: int = 0  # legacy file: lines that do not decode (not scanned)
    undecodable_listed: tuple[int, ...] = ()  # the first of them, by line number
    by_class: tuple[ClassCount, ...]
    characters: tuple[CharCount, ...]
    attribution: str = ATTRIBUTION  # the classes come from the MJ data (CC BY-SA): every output that uses it says so

    def outside_x0208(self) -> tuple[CharCount, ...]:
        """The characters outside JIS X 0208 (and ASCII / JIS X 0201)."""
        return tuple(c for c in self.characters if c.char_class not in _INSIDE_X0208)

    def needing_decision(self) -> tuple[CharCount, ...]:
        """The characters outside JIS X 0213: private use, not in MJ, MJ characters beyond JIS X 0213."""
        return tuple(c for c in self.characters if c.char_class not in _INSIDE_JIS)


# Counting --------------------------------------------------------------------------------------------


class _Tally:
    """Counts per (character, item) and sample keys per character, gathered from the parts of a scan."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.items: dict[str, list[str]] = {}
        self.samples: dict[str, list[str]] = {}
        self.values = 0

    def add(self, char: str, item: str, count: int, samples: Iterable[str]) -> None:
        self.counts[char] += count
        places = self.items.setdefault(char, [])
        if item not in places:
            places.append(item)
        kept = self.samples.setdefault(char, [])
        for sample in samples:
            if len(kept) < SAMPLES and sample not in kept:
                kept.append(sample)

    def result(self, gaiji: Mapping[str, str] | None, **fields: Any) -> ScanResult:
        found = []
        for char, count in self.counts.items():
            char_class = classify(char, gaiji)
            found.append(
                CharCount(
                    char=char,
                    code_points=code_points(char),
                    char_class=char_class,
                    label=char_class.label_ja,
                    count=count,
                    items=tuple(self.items[char]),
                    samples=tuple(self.samples.get(char, ())),
                    mapped_to=(gaiji or {}).get(char) if char_class is CharClass.PUA_MAPPED else None,
                )
            )
        order = {c: i for i, c in enumerate(CharClass)}
        found.sort(key=lambda c: (order[c.char_class], -c.count, c.char))
        by_class = tuple(
            ClassCount(
                char_class=c,
                label=c.label_ja,
                distinct=sum(1 for f in found if f.char_class is c),
                occurrences=sum(f.count for f in found if f.char_class is c),
            )
            for c in CharClass
        )
        return ScanResult(
            values=self.values,
            total=sum(self.counts.values()),
            distinct=len(found),
            by_class=by_class,
            characters=tuple(found),
            **fields,
        )


# Converted tables ----------------------------------------------------------------------------------------


def _group_of(catalog: Catalog, table: str) -> DataGroup | None:
    """The catalog group a converted table holds (tables are named ``業務ID_グループ``)."""
    for spec in catalog.businesses:
        for group in spec.layouts:
            if table_name(spec.business_id, group.name) == table:
                return group
    return None


def _plan(
    con: Any, catalog: Catalog, tables: list[str] | None, items: list[str] | None
) -> tuple[list[tuple[str, DataGroup | None, list[str]]], list[str]]:
    """Which columns of which tables to scan: every Ｎ item by default, or the named items."""
    available = converted_tables(con)
    if tables:
        unknown = [t for t in tables if t not in available]
        if unknown:
            raise UsageError(
                say(
                    f"--table {unknown[0]!r} はデータベースの変換済みの表にありません",
                    f"--table {unknown[0]!r} is no converted table of the database",
                ),
                hint=converted_hint(available),
            )
    chosen = tables or available
    plan: list[tuple[str, DataGroup | None, list[str]]] = []
    skipped: list[str] = []
    for table in chosen:
        group = _group_of(catalog, table)
        columns = columns_of(con, table)
        if items:
            wanted = [i for i in items if i in columns]
        elif group is None:
            skipped.append(
                say(
                    f"{table}: カタログのどのグループの表でもありません（Ｎ項目が分からないため、--item で項目を"
                    "指定してください）",
                    f"{table}: no group of the catalog (its Ｎ items are unknown: name them with --item)",
                )
            )
            continue
        else:
            wanted = [i.romanized for i in group.items if i.type is DataType.FULL_WIDTH and i.romanized in columns]
        if wanted:
            plan.append((table, group, wanted))
        elif not items:
            skipped.append(
                say(
                    f"{table}: Ｎ項目がありません（--item で項目を指定してください）",
                    f"{table}: no Ｎ item (name items with --item)",
                )
            )
    if items:
        scanned = {i for _, _, wanted in plan for i in wanted}
        missing = [i for i in items if i not in scanned]
        if missing:
            raise UsageError(
                say(
                    f"--item {missing[0]!r} は集計するどの表にもありません",
                    f"--item {missing[0]!r} is in none of the scanned tables",
                ),
                hint=say(
                    "項目のローマ字名（例: shimei）を指定してください（fitgap catalog show BUSINESS --group GROUP で"
                    "確かめられます）",
                    "give the romanized item name, e.g. shimei (fitgap catalog show BUSINESS --group GROUP)",
                ),
            )
    return plan, skipped


def _key_columns(group: DataGroup | None, columns: list[str]) -> list[tuple[str, Sensitivity]]:
    """The key that samples show: the group's primary key, else the source line (which is not personal)."""
    if group is not None:
        key = [(i.romanized, i.sensitivity) for i in group.primary_key if i.romanized in columns]
        if key:
            return key
    return [("_source_line", Sensitivity.NONE)]


def _count_table(con: Any, table: str, group: DataGroup | None, items: list[str], tally: _Tally, unmask: bool) -> None:
    key = _key_columns(group, columns_of(con, table))
    # The key as one text (a list beside each of millions of characters costs 2×), split again for the samples.
    key_sql = " || '\x1f' || ".join(f"coalesce(CAST({quote(k)} AS VARCHAR), '')" for k, _ in key)
    # string_split(v, '') is several times faster than the regex; the regex only where a selector must stay
    # with its character.
    parts = " UNION ALL ".join(
        f"SELECT ? AS item, {key_sql} AS k, unnest(CASE WHEN regexp_matches({quote(i)}, ?) "
        f"THEN regexp_extract_all({quote(i)}, ?) ELSE string_split({quote(i)}, '') END) AS ch "
        f"FROM {quote(table)} WHERE {quote(i)} IS NOT NULL AND {quote(i)} <> ''"
        for i in items
    )
    parameters: list[str] = []
    for i in items:
        parameters += [i, SELECTOR_SQL, CHARACTER_SQL]
    rows = con.execute(
        f"SELECT ch, item, count(*), min(k, {SAMPLES}) FROM ({parts}) GROUP BY ch, item", parameters
    ).fetchall()
    counted = " + ".join(f"count({quote(i)})" for i in items)
    tally.values += int(con.execute(f"SELECT {counted} FROM {quote(table)}").fetchone()[0])
    # GROUP BY returns groups in any order: items are listed (and samples kept) in the order of the table.
    rows.sort(key=lambda r: items.index(r[1]))
    for char, item, count, keys in rows:
        samples = [
            "/".join(mask(v, s, unmask=unmask) or "" for v, (_, s) in zip(k.split("\x1f"), key, strict=True))
            for k in keys
        ]
        tally.add(char, f"{table}.{item}", int(count), samples)


def scan_database(
    db: Path,
    catalog: Catalog,
    *,
    tables: list[str] | None = None,
    items: list[str] | None = None,
    gaiji: Mapping[str, str] | None = None,
    gaiji_table: Path | None = None,
    unmask: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Count and class every character of the Ｎ items (or ``items``) of the converted tables (or ``tables``).

    The database is opened read-only. ``gaiji`` (a 外字 table) tells mapped private-use characters from
    unmapped ones. Sample keys are masked by the key item's sensitivity unless ``unmask``. ``progress`` is
    told (tables counted, tables) before the first and after each table."""
    database = connect_read_only(db)
    try:
        with interruptible(database) as con:  # Ctrl-C stops a statement at once (spec_catalog/ctrl_c.py)
            plan, skipped = _plan(con, catalog, tables, items)
            tally = _Tally()
            for done, (table, group, wanted) in enumerate(plan):
                if progress is not None:
                    progress(done, len(plan))
                _count_table(con, table, group, wanted, tally, unmask)
            if progress is not None:
                progress(len(plan), len(plan))
    finally:
        database.close()
    return tally.result(
        gaiji,
        source=str(db),
        kind="database",
        gaiji_table=str(gaiji_table) if gaiji_table else None,
        tables=tuple(t for t, _, _ in plan),
        items=tuple(f"{t}.{i}" for t, _, wanted in plan for i in wanted),
        skipped=tuple(skipped),
    )


# Legacy files ---------------------------------------------------------------------------------------------


def _decoded_lines(path: Path, encoding: str, bad: list[int]) -> Iterator[tuple[int, str]]:
    """The lines of ``path`` decoded strictly, with their numbers; a line that does not decode is left out and
    its number kept in ``bad``."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                bad.append(number)
                continue
            yield number, text.removeprefix("\ufeff") if number == 1 else text


# A field of a header names a column: short, no run of digits (a date, a number, a code of a record has one).
_DATA_LIKE = re.compile(r"\d{3,}|[-/.:]\d")


def _is_header(row: list[str]) -> bool:
    """Whether a file's first row names its fields: every field present, short and without the digits a record
    holds. A file without one (a headerless CSV, a fixed-width file read as one field) is all data: its first
    record must never become an item name, which is printed."""
    return bool(row) and all(f.strip() and len(f) <= 30 and not _DATA_LIKE.search(f) for f in row)


def scan_file(
    path: Path,
    *,
    encoding: str = "cp932",
    gaiji: Mapping[str, str] | None = None,
    gaiji_table: Path | None = None,
) -> ScanResult:
    """Count and class every character of every field of a legacy CSV export (a header line, when the first line is
    one, names the fields; else they are 列1, 列2 …).

    A line that does not decode in ``encoding`` is not scanned; the result counts and lists them. Sample keys are
    line numbers (a legacy file's lines are not personal)."""
    if encoding not in ENCODINGS:
        raise unsupported_encoding(encoding, ENCODINGS)
    check_input_file(path, say("旧データのファイル", "legacy file"))
    bad: list[int] = []
    last = [0]  # the line the csv reader read last: where the row it returns ends

    def texts() -> Iterator[str]:
        for number, text in _decoded_lines(path, encoding, bad):
            last[0] = number
            yield text

    tally = _Tally()
    per_item: dict[tuple[str, str], int] = Counter()
    samples: dict[tuple[str, str], list[str]] = {}
    header: list[str] = []
    try:
        reader = csv.reader(texts())
        for index, row in enumerate(reader):
            if index == 0 and _is_header(row):
                header = row
                continue
            line = last[0]
            for column, value in enumerate(row):
                if not value:
                    continue
                tally.values += 1
                item = header[column] if column < len(header) and header[column] else f"列{column + 1}"
                for char in characters(value):
                    per_item[(char, item)] += 1
                    kept = samples.setdefault((char, item), [])
                    if len(kept) < SAMPLES and f"行{line}" not in kept:
                        kept.append(f"行{line}")
    except csv.Error as exc:
        raise FitgapError(
            say(f"文字の集計で CSV として読めません: {exc}", f"not a CSV file the scan can read: {exc}"), where=path
        ) from None
    for (char, item), count in per_item.items():
        tally.add(char, item, count, samples[(char, item)])
    return tally.result(
        gaiji,
        source=str(path),
        kind="file",
        encoding=encoding,
        gaiji_table=str(gaiji_table) if gaiji_table else None,
        items=tuple(header),
        undecodable_lines=len(bad),
        undecodable_listed=tuple(bad[:_LINES_LISTED]),
    )
