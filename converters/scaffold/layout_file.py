"""A vendor's record-layout file (レコードレイアウト) for a fixed-width export: the fields and their bytes.

Vendors hand these over as Excel or CSV (CP932 or UTF-8), one row per field: 項目名, 開始位置 or 順序, バイト数 or
桁数, 型, often below a title and with notes beside. The header row is found among the first rows of the sheet
by its labels (the spellings in :data:`HEADERS`); when only 順序 and 桁数 are given, the start positions are the
running sum. Many layouts list the line break as their last field (項目名 改行, CRLF, LF or 改行コード, 1 or 2
bytes), so their total is the record length plus the terminator: that field is dropped (the terminator is found
in the file) and the scaffold says so. The positions must tile the record: an overlap, or a record length the
file does not have, is refused with one line (a wrong layout would shift every field after the mistake).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import NoReturn

from spec_catalog.base import FrozenModel, InputFileError
from spec_catalog.files import check_input_file
from spec_catalog.language import say
from spec_catalog.office import OLE_SIGNATURE

# The columns of a layout and the header labels each may carry (compared after NFKC, without spaces, in lower
# case). バイト数 wins over 桁数 when a layout has both (桁数 may count characters of a double-byte field).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "項目名",
        "項目名称",
        "データ項目名",
        "フィールド名",
        "項目",
        "データ項目",
        "名称",
        "name",
        "fieldname",
        "field",
    ),
    "start": ("開始位置", "開始バイト", "開始桁", "開始", "位置", "start", "from", "offset"),
    "order": ("順序", "順番", "項番", "番号", "連番", "no", "no.", "seq", "#"),
    "bytes": ("バイト数", "バイト長", "バイト", "byte", "bytes"),
    "length": ("桁数", "長さ", "レングス", "サイズ", "桁", "length", "len", "size"),
    "type": ("型", "属性", "データ型", "タイプ", "type", "形式"),
}
SCAN_ROWS = 30  # the header is looked for in this many rows of each sheet
# Layout types that hold double-byte characters (a 桁数 given in characters is half their bytes).
DOUBLE_BYTE_TYPES = frozenset({"n", "漢字", "全角", "kanji", "g", "日本語", "nc"})
# The name of a last field that is the record's line break (compared as a label, brackets dropped): 改行,
# 改行コード, 改行文字, CRLF, CR+LF, CR/LF, LF, 改行(CRLF) …
_TERMINATOR_NAME = re.compile("(?:改行(?:コード|文字)?)?(?:cr[+/・]?lf|lf)?")


class LayoutField(FrozenModel):
    name: str
    start: int  # first byte, from 1
    length: int  # bytes
    type: str | None = None
    row: int  # the row of the layout file that gives it


class RecordLayout(FrozenModel):
    """The fields of a fixed-width record as the layout file gives them."""

    path: str
    fields: tuple[LayoutField, ...]
    length_label: str  # the header the lengths were read from (バイト数, 桁数 …)
    positions_from: str  # 開始位置, 順序 or the row order
    gaps: tuple[tuple[int, int], ...] = ()  # byte ranges (first, last) no field covers
    terminator_field: LayoutField | None = None  # the line break the layout listed as its last field (dropped)

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def record_length(self) -> int:
        return max(f.start + f.length - 1 for f in self.fields)

    def double_byte_bytes(self) -> int:
        """How many bytes the double-byte fields would add if their 桁数 counted characters."""
        return sum(f.length for f in self.fields if f.type and _label(f.type) in DOUBLE_BYTE_TYPES)


def _label(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()


def _rows(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Every sheet of the layout file as (sheet name, rows of cell texts)."""
    check_input_file(
        path,
        say("レイアウトのファイル", "layout file"),
        hint=say("--layout に渡したパスを確かめてください", "check the path given to --layout"),
    )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from spec_catalog.importers.workbook import cell_text, open_workbook

        try:
            workbook = open_workbook(path)
        except InputFileError as exc:
            raise _layout_hint(exc, path) from None
        return [
            (sheet.title, [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)])
            for sheet in workbook.worksheets
        ]
    if path.suffix.lower() == ".xls":
        raise InputFileError(
            say("古い .xls（Excel 97-2003）のファイルです", "this is an old .xls (Excel 97-2003) file"),
            where=path,
            hint=say(".xlsx か CSV で保存してください", "save it as .xlsx or CSV"),
        )
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputFileError(
            say("レイアウトのファイルが UTF-8 でも CP932 でもありません", "the layout file is neither UTF-8 nor CP932"),
            where=path,
            hint=say("CSV か .xlsx で保存してください", "save it as CSV or .xlsx"),
        )
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [(path.name, [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)])]


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The first row (0-based) that names a field and a length, with the column of each field it names."""
    for number, row in enumerate(rows[:SCAN_ROWS]):
        labels = [_label(cell) for cell in row]
        columns: dict[str, int] = {}
        for field, names in HEADERS.items():
            for name in names:
                if name in labels and labels.index(name) not in columns.values():
                    columns[field] = labels.index(name)
                    break
        if "name" in columns and ("bytes" in columns or "length" in columns):
            return number, columns
    return None


def _number(text: str, what: str, where: str) -> int:
    value = unicodedata.normalize("NFKC", text).strip()
    if not value.isdigit():
        raise InputFileError(
            say(f"{what} {text!r} が整数ではありません", f"{what} {text!r} is not a whole number"),
            where=where,
            hint=say("バイト数を整数で書いてください", "give whole bytes"),
        )
    return int(value)


def read_layout(path: Path) -> RecordLayout:
    """The record layout in ``path`` (.xlsx or CSV); one clear error when it cannot be one."""
    for sheet, rows in _rows(path):
        found = _header(rows)
        if found is not None:
            return _layout(path, sheet, rows, *found)
    raise InputFileError(
        say(
            f"先頭の {SCAN_ROWS} 行に、項目名とバイト数（または桁数）のある見出し行がありません",
            f"no header row with 項目名 and バイト数 (or 桁数) in the first {SCAN_ROWS} rows",
        ),
        where=path,
        hint=say(
            "レイアウトには 項目名、開始位置または順序、バイト数または桁数、型 の列が必要です",
            "the layout needs the columns 項目名, 開始位置 or 順序, バイト数 or 桁数, and 型",
        ),
    )


def _layout(path: Path, sheet: str, rows: list[list[str]], header: int, columns: dict[str, int]) -> RecordLayout:
    length_field = "bytes" if "bytes" in columns else "length"
    labels = [_label(c) for c in rows[header]]

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    raw: list[tuple[int, str, int, int | None, int | None, str | None]] = []
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        name, length = cell(row, "name"), cell(row, length_field)
        if not name or not length:  # a blank row, a heading (【基本情報】) or a note: no field
            continue
        where = (
            say(f"{path}:{sheet} {number} 行目", f"{path}:{sheet} row {number}")
            if path.suffix.lower().startswith(".xls")
            else f"{path}:{number}"
        )
        size = _number(length, rows[header][columns[length_field]], where)
        if size == 0:
            raise InputFileError(
                say(f"フィールド {name} が 0 バイトです", f"field {name} has 0 bytes"),
                where=where,
                hint=say("フィールドごとにバイト数を書いてください", "give each field its bytes"),
            )
        start = _number(cell(row, "start"), "開始位置", where) if cell(row, "start") else None
        order = _number(cell(row, "order"), "順序", where) if cell(row, "order") else None
        raw.append((number, name, size, start, order, cell(row, "type") or None))
    if not raw:
        raise InputFileError(
            say("レイアウトの見出しの下にフィールドがありません", "the layout lists no field below its header"),
            where=path,
            hint=say("シートを確かめてください", "check the sheet"),
        )
    starts = [r[3] for r in raw]
    if all(s is not None for s in starts):
        positions_from = labels[columns["start"]]
        zero_based = min(s for s in starts if s is not None) == 0  # offsets counted from 0
        placed = [(r[0], r[1], r[2], (r[3] or 0) + (1 if zero_based else 0), r[5]) for r in raw]
    else:
        if "order" in columns and all(r[4] is not None for r in raw):
            positions_from = labels[columns["order"]]
            raw.sort(key=lambda r: r[4] or 0)
        else:
            positions_from = "行の順"
        placed, at = [], 1
        for number, name, size, _, _, kind in raw:
            placed.append((number, name, size, at, kind))
            at += size
    fields = _fields(path, placed)
    terminator = fields[-1] if len(fields) > 1 and is_terminator_field(fields[-1]) else None
    if terminator is not None:
        fields = fields[:-1]
    return RecordLayout(
        path=str(path),
        fields=fields,
        length_label=rows[header][columns[length_field]],
        positions_from=positions_from,
        gaps=_gaps(fields),
        terminator_field=terminator,
    )


def is_terminator_field(field: LayoutField) -> bool:
    """Whether a layout's field is the record's line break (1 byte: LF; 2: CRLF), not data."""
    name = _label(field.name).translate(str.maketrans("", "", "()[]「」【】"))
    return field.length in (1, 2) and bool(name) and _TERMINATOR_NAME.fullmatch(name) is not None


def terminator_note(layout: RecordLayout) -> str:
    """What the scaffold says of a layout whose last field is the line break (a comment and a warning)."""
    field = layout.terminator_field
    assert field is not None
    name = " ".join(field.name.split())
    return say(
        f"レイアウトの最後のフィールド {name}（{field.length} バイト、{layout.file_name} の {field.row} 行目）は"
        "改行なので、フィールドにしていません（改行は terminator に書きます）",
        f"the layout's last field {name} ({field.length} bytes, row {field.row} of {layout.file_name}) is the line "
        "break: it is no field (the line break is the terminator)",
    )


def _layout_hint(error: InputFileError, path: Path) -> InputFileError:
    """open_workbook's error for a file given to --layout, with this option's hint when the file is no workbook at
    all (open_workbook's speaks of the catalog's files)."""
    if not is_no_workbook(path):
        return error
    return InputFileError(
        error.message,
        where=error.where,
        hint=say(
            "業者から受け取ったレコードレイアウトを .xlsx か .csv で指定してください",
            "give the record layout you received from the vendor as .xlsx or .csv",
        ),
    )


def is_no_workbook(path: Path) -> bool:
    """Whether ``path`` is a readable file that is no Excel file of any kind (neither a ZIP package nor an OLE
    file). open_workbook's hint for a damaged, old or locked workbook says how to fix it and stays; only such a
    file gets the hint of the option it was given to."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(OLE_SIGNATURE))
    except OSError:
        return False
    return head != OLE_SIGNATURE and not zipfile.is_zipfile(path)


def _fields(path: Path, placed: list[tuple[int, str, int, int, str | None]]) -> tuple[LayoutField, ...]:
    """The fields in byte order, names made unique (予備, 予備_2), overlaps refused."""
    seen: dict[str, int] = {}
    fields = []
    for number, name, size, start, kind in sorted(placed, key=lambda p: p[3]):
        seen[name] = seen.get(name, 0) + 1
        unique = name if seen[name] == 1 else f"{name}_{seen[name]}"
        fields.append(LayoutField(name=unique, start=start, length=size, type=kind, row=number))
    for before, after in itertools.pairwise(fields):
        if after.start <= before.start + before.length - 1:
            end = before.start + before.length - 1
            raise InputFileError(
                say(
                    f"フィールド {before.name}（{before.start}–{end} バイト目）と {after.name}（{after.start} バイト目"
                    "から）が重なっています",
                    f"fields {before.name} (bytes {before.start}–{end}) and {after.name} (from byte {after.start}) "
                    "overlap",
                ),
                where=f"{path}:{after.row}",
                hint=say(
                    "これらの行の開始位置とバイト数を確かめてください", "check 開始位置 and バイト数 of these rows"
                ),
            )
    return tuple(fields)


def _gaps(fields: tuple[LayoutField, ...]) -> tuple[tuple[int, int], ...]:
    gaps, at = [], 1
    for f in fields:
        if f.start > at:
            gaps.append((at, f.start - 1))
        at = f.start + f.length
    return tuple(gaps)


def check_record_length(layout: RecordLayout, actual: int, how: str, where: Path) -> None:
    """The layout's fields must end where the file's records do (``actual`` bytes, described by ``how``)."""
    if layout.record_length != actual:
        refuse_record_length(layout, how, where, actual)


def refuse_record_length(layout: RecordLayout, how: str, where: Path, actual: int | None = None) -> NoReturn:
    """One line saying both lengths; when 桁数 of the double-byte fields seem to count characters, say so.
    ``how`` describes the records in the run's language."""
    expected = layout.record_length
    hint = say(
        "レイアウトを出力ファイルと見比べてください（フィールドの過不足、バイト数の誤り）",
        "check the layout against the export (a missing or extra field, a wrong バイト数)",
    )
    if _label(layout.length_label) not in HEADERS["bytes"] and expected + layout.double_byte_bytes() == actual:
        hint = say(
            f"2バイト文字（N）のフィールドの{layout.length_label}が文字数を数えているようです。レイアウトにバイト数"
            "（1文字2バイト）を書いてください",
            f"the {layout.length_label} of the double-byte (N) fields seem to count characters: give バイト数 "
            "(2 bytes a character) in the layout",
        )
    name = Path(layout.path).name
    raise InputFileError(
        say(
            f"レイアウト {name} は1レコード {expected} バイトですが、{how}",
            f"the layout {name} covers {expected} bytes a record but the records are {how}",
        ),
        where=where,
        hint=hint,
    )
