"""Reading the two result files of ``fitgap reconcile results`` into DuckDB, every column as text.

A CSV is decoded in Python (CP932 is not a DuckDB encoding), in large chunks, into a UTF-8 copy with LF line
ends that DuckDB then parses; its encoding is found by trying UTF-8 (with or without a BOM) on the whole file,
then CP932, unless the user names one. An .xlsx sheet is read with openpyxl (cached values of formulas) and
inserted in batches. Either way the table holds ``_line`` (the row in the file: the header row plus the
record's number for a CSV, the sheet's row for Excel) and ``c0 … cN`` (the columns by position: user-supplied
names never reach SQL). Nothing is dropped silently: a record DuckDB cannot parse is an error naming its line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field

from spec_catalog.base import FrozenModel, InputFileError, UsageError
from spec_catalog.database import literal, quote
from spec_catalog.files import check_input_file
from spec_catalog.language import say
from spec_catalog.office import OLE_SIGNATURE

CHUNK = 8 << 20  # bytes decoded at a time: memory stays flat whatever the file size
EXCEL_BATCH = 50_000  # rows of a sheet inserted at a time
AUTO_ENCODINGS = ("utf-8", "cp932")  # tried in this order: a CP932 file is almost never valid UTF-8
_EXCEL_MAGIC = b"PK\x03\x04"
_LF = b"\n"
# DuckDB's kinds of a CSV record it could not read (rejects table, error_type), in Japanese.
_CSV_PROBLEMS = {
    "too many columns": "列が多すぎます",
    "missing columns": "列が足りません",
    "unquoted value": "引用符の使い方が正しくない値があります",
    "line size over maximum": "行が長すぎます",
    "invalid unicode": "UTF-8 として読めない文字があります",
    "cast error": "値を読めません",
}


class ReadOptions(FrozenModel):
    """How to read a file: the encoding of a CSV (None: auto), the sheet of an .xlsx (None: the first) and the
    row of the column names."""

    encoding: str | None = None
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)


class ResultFile(FrozenModel):
    """One result file loaded as table ``table`` (``_line``, ``c0`` …)."""

    path: str
    table: str
    columns: tuple[str, ...]  # the header's names in file order; column i is ``c{i}`` in the table
    rows: int
    format: str  # what was read, e.g. "CSV (cp932)", "Excel (シート 結果)" (in the run's language)


def _header_row_hint() -> str:
    """The hint of a header row that is not where the options say."""
    return say("列名の行を --header-row で指定してください", "give the row of the column names with --header-row")


def is_excel(path: Path) -> bool:
    """Whether ``path`` is an .xlsx workbook (else it is read as CSV); one clear error for what is neither."""
    size = check_input_file(path, say("結果ファイル", "result file"))
    if size == 0:
        raise InputFileError(
            say("ファイルが空です", "the file is empty"),
            where=path,
            hint=say("見出し行のある結果ファイルを指定してください", "give the result file with its header row"),
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_SIGNATURE):  # an old .xls
        raise InputFileError(
            say("古い .xls 形式のブックは読めません", "an old .xls workbook cannot be read"),
            where=path,
            hint=say(".xlsx か CSV で保存し直してください", "save it as .xlsx or CSV"),
        )
    return head.startswith(_EXCEL_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm")


def load_result_file(con: Any, path: Path, table: str, options: ReadOptions, workdir: Path) -> ResultFile:
    """Load ``path`` (CSV or .xlsx) into the temporary table ``table`` of ``con`` (a CSV has no sheet and a
    workbook no encoding: those options are passed over)."""
    if is_excel(path):
        return _load_excel(con, path, table, options)
    return _load_csv(con, path, table, options, workdir)


# CSV ---------------------------------------------------------------------------------------------------------


def _python_encoding(name: str) -> str:
    try:
        found = codecs.lookup(name).name
    except LookupError:
        raise UsageError(
            say(f"文字コード '{name}' は使えません", f"unknown encoding '{name}'"),
            hint=say(
                "--encoding utf-8 や --encoding cp932 のように指定してください",
                "give e.g. --encoding utf-8 or --encoding cp932",
            ),
        ) from None
    return "utf-8-sig" if found == "utf-8" else found  # a BOM is no part of the first column's name


class _NotDecodable(Exception):
    def __init__(self, line: int, offset: int) -> None:
        super().__init__(say(f"{line} 行目、{offset} バイト目", f"line {line}, byte {offset}"))
        self.line, self.offset = line, offset


def _check_nul(block: bytes, line: int, offset: int, path: Path) -> None:
    if b"\x00" in block:
        at = block.index(b"\x00")
        found_line, found_byte = line + block.count(_LF, 0, at), offset + at
        raise InputFileError(
            say(
                f"{found_line} 行目（{found_byte} バイト目）に NUL バイトがあり、テキストファイルではありません",
                f"a NUL byte at line {found_line} (byte {found_byte}): not a text file",
            ),
            where=path,
            hint=say(
                "CSV か .xlsx の結果ファイルそのものを指定してください", "give the CSV or .xlsx result file itself"
            ),
        )


def _decode_error(exc: UnicodeDecodeError, block: bytes, line: int, offset: int) -> _NotDecodable:
    at = min(max(exc.start, 0), len(block))
    return _NotDecodable(line + block.count(_LF, 0, at), offset + at)


def _scan_utf8(path: Path) -> str | None:
    """Check that ``path`` is UTF-8 text without copying it: its line ends (``"\\n"`` or ``"\\r\\n"``) when
    DuckDB can read it as it is, None when they are mixed (a copy must make them one). _NotDecodable otherwise."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    cr = lf = crlf = 0
    last = b""
    with path.open("rb") as source:
        while True:
            block = source.read(CHUNK)
            _check_nul(block, line, offset, path)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise _decode_error(exc, block, line, offset) from None
            if not block:
                break
            cr, lf = cr + block.count(b"\r"), lf + block.count(_LF)
            crlf += block.count(b"\r\n") + (last == b"\r" and block[:1] == _LF)
            last = block[-1:]
            line += block.count(_LF)
            offset += len(block)
    if cr == 0:
        return "\n"
    return "\r\n" if cr == crlf == lf else None


def _transcode(path: Path, encoding: str, out: Path) -> None:
    """Write ``path`` decoded from ``encoding`` to ``out`` as UTF-8 with LF line ends (_NotDecodable if it is not
    ``encoding`` text)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1
    with path.open("rb") as source, out.open("w", encoding="utf-8", newline="") as target:
        carry = ""  # a CR at the end of a chunk may be the first half of CRLF
        while True:
            block = source.read(CHUNK)
            _check_nul(block, line, offset, path)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise _decode_error(exc, block, line, offset) from None
            text = carry + text
            carry = ""
            if block and text.endswith("\r"):
                text, carry = text[:-1], "\r"
            target.write(text.replace("\r\n", "\n"))
            line += block.count(_LF)
            offset += len(block)
            if not block:
                break


def _prepare_csv(path: Path, encoding: str | None, workdir: Path, table: str) -> tuple[Path, str, str]:
    """The UTF-8 file DuckDB reads (``path`` itself when it is UTF-8 with one kind of line end, else a copy),
    the encoding ``path`` was read with, and the line end."""
    out = workdir / f"{table}.utf8.csv"
    tried: list[str] = []
    failure: _NotDecodable | None = None
    for name in [encoding] if encoding else list(AUTO_ENCODINGS):
        python_name = _python_encoding(name)
        try:
            if python_name == "utf-8-sig":
                line_end = _scan_utf8(path)  # a BOM is valid UTF-8, and DuckDB passes over it
                if line_end is not None:
                    return path, name, line_end
            _transcode(path, python_name, out)
        except _NotDecodable as exc:
            tried.append(name)
            failure = exc
            continue
        return out, name, "\n"
    assert failure is not None
    fix = (
        say("--encoding でファイルの文字コードを指定してください", "give the file's encoding with --encoding")
        if encoding is None
        else say("--encoding がファイルに合っているか確かめてください", "check --encoding against the file")
    )
    raise InputFileError(
        say(
            f"ファイルが {' でも '.join(tried)} のテキストではありません（{failure}）",
            f"the file is not {' nor '.join(tried)} text ({failure})",
        ),
        where=path,
        hint=fix,
    )


def _csv_header(utf8: Path, header_row: int, path: Path) -> list[str]:
    with utf8.open(encoding="utf-8-sig", newline="") as handle:
        for _ in range(header_row - 1):
            if not handle.readline():
                break
        first = handle.readline()
    if not first.strip():
        raise InputFileError(
            say(
                f"{header_row} 行目（見出し行）が空か、ありません",
                f"row {header_row} (the header row) is empty or missing",
            ),
            where=path,
            hint=_header_row_hint(),
        )
    try:
        row = next(csv.reader(io.StringIO(first)))
    except csv.Error as exc:
        raise InputFileError(
            say(f"見出し行を CSV として読めません（{exc}）", f"the header row cannot be read as CSV ({exc})"),
            where=path,
        ) from None
    return _names(row, path)


def _load_csv(con: Any, path: Path, table: str, options: ReadOptions, workdir: Path) -> ResultFile:
    utf8, encoding, line_end = _prepare_csv(path, options.encoding, workdir, table)
    names = _csv_header(utf8, options.header_row, path)
    positions = ", ".join(f"{literal(f'c{i}')}: 'VARCHAR'" for i in range(len(names)))
    rejects = f"{table}_rejects"
    options_sql = (
        f"header=true, skip={options.header_row - 1}, all_varchar=true, auto_detect=false, columns={{{positions}}}, "
        "delim=',', quote='\"', escape='\"', strict_mode=true, null_padding=false, store_rejects=true, "
        f"ignore_errors=true, rejects_table={literal(rejects)}, rejects_scan={literal(table + '_scan')}"
    )
    # Given as '\r\n', DuckDB reads no row: a CRLF file is left to its detection (it has no other line end).
    if line_end == "\n":
        options_sql += ", new_line='\\n'"
    con.execute(
        f"CREATE TEMP TABLE {quote(table + '_raw')} AS SELECT * FROM read_csv({literal(str(utf8))}, {options_sql})"
    )
    # The error type only (never csv_line, which holds the record's values).
    bad = con.execute(f"SELECT DISTINCT line, error_type FROM {quote(rejects)} ORDER BY line").fetchall()
    if bad:
        line, kind = bad[0]
        problem = str(kind).lower()
        more = (
            say(f"（ほかに {len(bad) - 1} 件のレコード）", f" (and {len(bad) - 1} more records)")
            if len(bad) > 1
            else ""
        )
        raise InputFileError(
            say(
                f"{line} 行目: {_CSV_PROBLEMS.get(problem, problem)}（見出しは {len(names)} 列）{more}",
                f"line {line}: {problem} (the header has {len(names)} columns){more}",
            ),
            where=path,
            hint=say(
                "どのレコードにも見出しと同じ列が必要です。カンマを含む値は引用符で囲んでください",
                "every record needs the header's columns; quote a value that holds a comma",
            ),
        )
    # A table made by CREATE TABLE AS keeps the file's order (insertion order is preserved): rowid is the record.
    con.execute(
        f"CREATE TEMP VIEW {quote(table)} AS SELECT rowid + {options.header_row + 1} AS _line, * "
        f"FROM {quote(table + '_raw')}"
    )
    rows = int(con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0])
    return ResultFile(path=str(path), table=table, columns=tuple(names), rows=rows, format=f"CSV ({encoding})")


def _names(row: list[Any], path: Path) -> list[str]:
    """Header names, stripped; an empty one is named by its position, a repeated one is an error."""
    while row and (row[-1] is None or not str(row[-1]).strip()):
        row = row[:-1]
    if not row:
        raise InputFileError(say("見出し行が空です", "the header row is empty"), where=path, hint=_header_row_hint())
    names = [str(v).strip() if v is not None and str(v).strip() else f"列{i + 1}" for i, v in enumerate(row)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            raise InputFileError(
                say(
                    f"列 '{name}' が見出しに二度あります（{seen[name]} 列目と {i} 列目）",
                    f"the column '{name}' appears twice in the header (columns {seen[name]} and {i})",
                ),
                where=path,
                hint=say("どちらかの名前を変えてください", "rename one of them"),
            )
        seen[name] = i
    return names


# Excel -------------------------------------------------------------------------------------------------------


def cell_text(value: object) -> str | None:
    """A cell as the text a CSV export of it would hold: whole numbers without '.0', dates in ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _load_excel(con: Any, path: Path, table: str, options: ReadOptions) -> ResultFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise InputFileError(
            say(
                f".xlsx のブックとして読めません（{type(exc).__name__}）",
                f"cannot be read as an .xlsx workbook ({type(exc).__name__})",
            ),
            where=path,
            hint=say("CSV か .xlsx のファイルを指定してください", "give a CSV or .xlsx file"),
        ) from None
    try:
        if options.sheet is None:
            sheet = workbook.worksheets[0]
        elif options.sheet in workbook.sheetnames:
            sheet = workbook[options.sheet]
        else:
            sheets = ", ".join(workbook.sheetnames)
            raise UsageError(
                say(f"シート '{options.sheet}' がありません", f"no sheet '{options.sheet}'"),
                where=path,
                hint=say(f"シート: {sheets}", f"sheets: {sheets}"),
            )
        rows = sheet.iter_rows(min_row=options.header_row, values_only=True)
        header = next(rows, None)
        if header is None:
            raise InputFileError(
                say(
                    f"{options.header_row} 行目（見出し行）がありません",
                    f"row {options.header_row} (the header row) is missing",
                ),
                where=path,
                hint=_header_row_hint(),
            )
        names = _names(list(header), path)
        columns = ", ".join(f"c{i} VARCHAR" for i in range(len(names)))
        con.execute(f"CREATE TEMP TABLE {quote(table)} (_line BIGINT, {columns})")
        count = 0
        for batch in _batches(rows, len(names), options.header_row + 1, path):
            parameters = {"line": batch[0], **{f"c{i}": values for i, values in enumerate(batch[1:])}}
            selected = ", ".join(f"unnest(${name})" for name in parameters)
            con.execute(f"INSERT INTO {quote(table)} SELECT {selected}", parameters)
            count += len(batch[0])
        return ResultFile(
            path=str(path),
            table=table,
            columns=tuple(names),
            rows=count,
            format=say(f"Excel (シート {sheet.title})", f"Excel (sheet {sheet.title})"),
        )
    finally:
        workbook.close()


def _batches(rows: Iterator[tuple[Any, ...]], width: int, first: int, path: Path) -> Iterator[list[list[Any]]]:
    """Columns of up to EXCEL_BATCH rows: [lines, c0 values, c1 values …]; empty rows are passed over."""
    batch: list[list[Any]] = [[] for _ in range(width + 1)]
    for number, row in enumerate(rows, start=first):
        texts = [cell_text(v) for v in row]
        if not any(t is not None and t.strip() for t in texts):
            continue
        if any(t is not None and t.strip() for t in texts[width:]):
            raise InputFileError(
                say(
                    f"{number} 行目の、見出しの最後の列より右に値があります",
                    f"row {number} has a value right of the header's last column",
                ),
                where=path,
                hint=say("見出し行ですべての列に名前を付けてください", "give every column a name in the header row"),
            )
        texts = (texts + [None] * width)[:width]
        batch[0].append(number)
        for i, text in enumerate(texts, start=1):
            batch[i].append(text)
        if len(batch[0]) >= EXCEL_BATCH:
            yield batch
            batch = [[] for _ in range(width + 1)]
    if batch[0]:
        yield batch
