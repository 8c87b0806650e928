"""Sending the assessment workbook to the 原課 and taking it back: ``fitgap assess split`` and ``merge``.

A split file is a valid assessment workbook (it scores like any other) holding one business, or the rows of one
担当, with a hidden sheet (``_fitgap_split``) that records where it came from: the source workbook's SHA-256
and identity, the split id, what the file holds and the value of every cell of its rows at the split.

The merge compares three values of each cell: at the split, in the returned file, and in the project workbook
now. A change is applied only when nobody else changed that cell; a cell changed differently in two files, or
in a file and in the project workbook since the split, is a conflict: listed, and left as the project workbook
has it. Everything else is merged, so no edit is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from fitgap.assessment.reader import not_an_assessment
from fitgap.assessment.sheets import (
    CUSTOM_COLUMNS,
    CUSTOM_SHEET,
    FUNCTION_COLUMNS,
    LINK_COLUMNS,
    LINK_SHEET,
    META_SHEET,
    STANDARD_LINK_SHEET,
    aliases,
)
from reports.excel import put
from spec_catalog.base import FitgapError, FrozenModel, InputFileError, UsageError
from spec_catalog.files import check_input_file, exists_already
from spec_catalog.importers.workbook import cell_text, find_header_in_sheet
from spec_catalog.language import say
from spec_catalog.models import Catalog

SPLIT_SHEET = "_fitgap_split"
SPLIT_FORMAT = "fitgap-split/1"
RECORDS_MARK = "#records"
# The hidden column of the 独自機能 and 業務連携 sheets of a split file: the row the record has in the project
# workbook. Those rows have no ID; the column moves with the row when a person sorts the sheet.
ROW_KEY_HEADER = "元の行（変更しないでください）"
NO_OWNER = "担当未定"
GUIDE_SHEETS = ("説明", "Instructions")
# Columns that come from the catalog: not merged (the reader uses the catalog's), a change is listed instead.
CATALOG_FIELDS = frozenset({"function_id", "name", "function_class", "requirement"})
# What tells a 独自機能 or 業務連携 row from another: when these differ in the project workbook from the split, its
# row there holds another record now (rows inserted or deleted) and nothing is written into it.
IDENTITY: dict[str, tuple[str, ...]] = {"custom": ("name",), "links": ("provider", "consumer")}
_CHUNK = 30_000  # an Excel cell holds at most 32,767 characters: a long record spans several cells
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')

Kind = Literal["functions", "custom", "links"]
SPECS: dict[Kind, tuple[tuple[str, str, int], ...]] = {
    "functions": FUNCTION_COLUMNS,
    "custom": CUSTOM_COLUMNS,
    "links": LINK_COLUMNS,
}


class SplitBy(StrEnum):
    BUSINESS = "business"
    OWNER = "owner"


# Results ---------------------------------------------------------------------------------------------------


class RowRef(FrozenModel):
    """A row of the project workbook: its sheet, and its 機能ID or (独自機能, 業務連携) its row number."""

    sheet: str
    key: str
    reason: str = ""


class SplitFile(FrozenModel):
    file: str
    part: str  # 業務ID or 担当
    label: str  # 「001 住民基本台帳」 or the 担当
    sheets: tuple[str, ...]
    functions: int
    custom: int
    links: int


class SplitResult(FrozenModel):
    workbook: str
    split_id: str
    source_sha256: str
    by: SplitBy
    files: tuple[SplitFile, ...]
    not_distributed: tuple[RowRef, ...]  # rows in no file (a 独自機能 without 関連業務ID …): they stay as they are


class PartValue(FrozenModel):
    part: str
    value: str


class CellChange(FrozenModel):
    sheet: str
    key: str
    column: str
    old: str
    new: str
    parts: tuple[str, ...]


class Conflict(FrozenModel):
    """A cell left as the project workbook has it, with every value that competed for it."""

    sheet: str
    key: str
    column: str
    kind: Literal["parts_differ", "workbook_changed", "row_gone"]
    at_split: str
    workbook: str  # kept
    parts: tuple[PartValue, ...]


class AddedRow(FrozenModel):
    part: str
    sheet: str
    row: int  # in the merged workbook
    values: dict[str, str]  # header -> value


class NotMerged(FrozenModel):
    """Something in a returned file that the merge could not take: listed, never dropped silently."""

    part: str
    sheet: str
    key: str
    column: str
    value: str
    reason: Literal["catalog_column", "unknown_function", "row_not_returned", "sheet_not_returned", "column_gone"]


class PartReport(FrozenModel):
    file: str
    part: str
    rows_changed: int
    cells_changed: int
    rows_added: int
    conflicts: int
    not_merged: int


class MergeResult(FrozenModel):
    workbook: str
    output: str
    split_id: str
    parts: tuple[PartReport, ...]
    changes: tuple[CellChange, ...]
    added: tuple[AddedRow, ...]
    conflicts: tuple[Conflict, ...]
    not_merged: tuple[NotMerged, ...]


# Cells and sheets ------------------------------------------------------------------------------------------


def cell_value(value: object) -> str:
    """A cell's value as text for comparison: an empty cell and an empty text are the same, a date is
    YYYY-MM-DD, 3.0 is 3; any other text is kept exactly (a space added is an edit)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else ""


def _function_id(value: object) -> str:
    text = cell_text(value)
    return text.zfill(7) if text.isdigit() and len(text) < 7 else text


@dataclass
class SheetArea:
    """The data rows under one located header of a business, 独自機能 or 業務連携 sheet."""

    kind: Kind
    sheet: Any
    header_row: int
    columns: dict[str, int]  # field -> column
    business_id: str | None = None
    key_column: int | None = None  # 独自機能 / 業務連携 of a split file: the hidden 元の行 column

    @property
    def title(self) -> str:
        return str(self.sheet.title)

    def rows(self) -> range:
        return range(self.header_row + 1, (self.sheet.max_row or 0) + 1)

    def raw(self, row: int, name: str) -> Any:
        return self.sheet.cell(row=row, column=self.columns[name]).value if name in self.columns else None

    def values(self, row: int) -> dict[str, str]:
        found = {name: cell_value(self.raw(row, name)) for name in self.columns}
        return {name: value for name, value in found.items() if value}

    def blank(self, row: int) -> bool:
        return not self.values(row)

    def key(self, row: int) -> str:
        if self.kind == "functions":
            return _function_id(self.raw(row, "function_id"))
        return str(row)

    def header(self, name: str) -> str:
        return next(label for field_name, label, _ in SPECS[self.kind] if field_name == name)


def _business(text: str, catalog: Catalog) -> str | None:
    """The business a 業務ID or a business name names (the 関連業務ID of a 独自機能, an end of a 業務連携)."""
    key = text.strip()
    found = catalog.find(key.zfill(3)) if key.isdigit() else None
    found = found or next((b for b in catalog.businesses if key and key in (b.name, b.name_en)), None)
    return found.business_id if found else None


def _business_of(sheet: Any, header_row: int, columns: dict[str, int], catalog: Catalog) -> str | None:
    prefix = str(sheet.title)[:3]
    if prefix.isdigit() and (found := catalog.find(prefix)):
        return found.business_id
    for row in range(header_row + 1, (sheet.max_row or 0) + 1):
        function_id = _function_id(sheet.cell(row=row, column=columns["function_id"]).value)
        if len(function_id) == 7 and (found := catalog.find(function_id[:3])):
            return found.business_id
    return None


def sheet_areas(workbook: Any, catalog: Catalog) -> list[SheetArea]:
    """The business, 独自機能 and 業務連携 sheets of a workbook, found by their headers as the reader finds them."""
    areas: list[SheetArea] = []
    for sheet in workbook.worksheets:
        if sheet.title in (SPLIT_SHEET, META_SHEET, STANDARD_LINK_SHEET):
            continue
        kind: Kind
        required: tuple[str, ...]
        if sheet.title == CUSTOM_SHEET:
            kind, required = "custom", ("name", "fate")
        elif sheet.title == LINK_SHEET:
            kind, required = "links", ("provider", "consumer")
        else:
            kind, required = "functions", ("function_id", "current_use", "gap_class")
        header = find_header_in_sheet(sheet, aliases(SPECS[kind]), required)
        if header is None:
            continue
        columns = {name: found[0] for name, found in header.columns.items()}
        area = SheetArea(kind, sheet, header.row, columns)
        if kind == "functions":
            area.business_id = _business_of(sheet, header.row, columns, catalog)
            if area.business_id is None:
                continue  # the reader does not score it either (ASSESS_UNKNOWN_BUSINESS)
        else:
            area.key_column = _key_column(sheet, header.row)
        areas.append(area)
    return areas


def _key_column(sheet: Any, header_row: int) -> int | None:
    for column in range(1, (sheet.max_column or 0) + 1):
        if sheet.cell(row=header_row, column=column).value == ROW_KEY_HEADER:
            return column
    return None


def _meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    rows = workbook[META_SHEET].iter_rows(values_only=True)
    return {cell_text(r[0]): cell_text(r[1]) for r in rows if r and len(r) > 1 and r[0]}


def _identity(workbook: Any, areas: list[SheetArea]) -> str:
    """What tells a project workbook from another after it was edited: the template's record (catalog,
    団体, businesses, date made) and its business sheets."""
    meta = _meta(workbook)
    data = {name: meta.get(name, "") for name in ("format", "catalog", "municipality", "businesses", "created")}
    data["sheets"] = ",".join(a.title for a in areas if a.kind == "functions")
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def load_workbook_file(path: Path, what: str | None = None) -> tuple[Any, bytes]:
    """The workbook with its formulas (it is written back) and its bytes, or one line saying what it is not;
    ``what``: the noun in the run's language (the 調査票 when None)."""
    from openpyxl import load_workbook

    check_input_file(path, what if what is not None else say("調査票", "workbook"))
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputFileError(
            say(
                ".xlsx のブックではありません（古い .xls、パスワード付きのファイル、またはブック以外のファイル）",
                "not an .xlsx workbook (an old .xls, a password-protected file or no workbook at all)",
            ),
            where=path,
            hint=say(
                "Excel でパスワードなしの .xlsx として保存し直してください",
                "save it as .xlsx in Excel, without a password",
            ),
        )
    try:
        return load_workbook(io.BytesIO(data)), data
    except Exception as exc:  # openpyxl raises many types (KeyError, ParseError, …) on damaged packages
        raise InputFileError(
            say(f"ブックを読めません（{type(exc).__name__}）", f"the workbook cannot be read ({type(exc).__name__})"),
            where=path,
            hint=say("Excel で開いて保存し直してください", "open and re-save it in Excel"),
        ) from exc


def save_workbook(workbook: Any, path: Path) -> Path:
    """Save whole or not at all: a temporary file beside ``path``, then renamed over it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".fitgap-", suffix=".xlsx")
        os.close(handle)
        try:
            workbook.save(name)
            Path(name).replace(path)
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError as exc:
        raise FitgapError(
            say(f"ブックを書き込めません: {exc.strerror}", f"cannot write the workbook: {exc.strerror}"), where=path
        ) from None
    return path


def _split_file_message() -> str:
    return say(
        "分割したファイルで、プロジェクトの調査票ではありません", "this is a file of a split, not the project workbook"
    )


# Split -----------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    part: str
    label: str
    rows: dict[str, list[int]] = field(default_factory=dict)  # sheet -> rows of the project workbook

    def add(self, sheet: str, row: int) -> None:
        self.rows.setdefault(sheet, []).append(row)


def _records(area: SheetArea, path: Path, skipped: list[RowRef]) -> list[int]:
    """The rows of ``area`` that a split hands out: filled rows (business sheets: with a 機能ID, once)."""
    rows: list[int] = []
    seen: dict[str, int] = {}
    for row in area.rows():
        if area.blank(row):
            continue
        key = area.key(row)
        if area.kind == "functions":
            if not key:
                skipped.append(RowRef(sheet=area.title, key=str(row), reason=say("機能IDがない", "no 機能ID")))
                continue
            if key in seen:
                raise InputFileError(
                    say(
                        f"機能ID {key} がシート '{area.title}' の {seen[key]} 行目と {row} 行目にあります",
                        f"機能ID {key} is on rows {seen[key]} and {row} of sheet '{area.title}'",
                    ),
                    where=path,
                    hint=say(
                        "機能IDごとに1行にしてから（'fitgap assess score' がそうした行を挙げます）、"
                        "分割し直してください",
                        "keep one row per 機能ID ('fitgap assess score' lists such rows), then split again",
                    ),
                )
            seen[key] = row
        rows.append(row)
    return rows


def _plans(areas: list[SheetArea], by: SplitBy, catalog: Catalog, path: Path) -> tuple[list[_Plan], list[RowRef]]:
    skipped: list[RowRef] = []
    rows = {a.title: _records(a, path, skipped) for a in areas}
    plans: dict[str, _Plan] = {}
    if by is SplitBy.BUSINESS:
        for area in areas:
            if area.kind == "functions" and area.business_id is not None:
                name = catalog.business(area.business_id).name
                plan = plans.setdefault(area.business_id, _Plan(area.business_id, f"{area.business_id} {name}"))
                for row in rows[area.title]:
                    plan.add(area.title, row)
        for area in areas:
            if area.kind == "functions":
                continue
            fields = ("business_id",) if area.kind == "custom" else ("provider", "consumer")
            for row in rows[area.title]:
                owners = {_business(cell_text(area.raw(row, name)), catalog) for name in fields}
                targets = [plans[b] for b in sorted(b for b in owners if b is not None and b in plans)]
                for plan in targets:
                    plan.add(area.title, row)
                if not targets:
                    reason = (
                        say("関連業務IDが調査票の業務にない", "no 関連業務ID of the workbook")
                        if area.kind == "custom"
                        else say("提供元・提供先が調査票の業務にない", "no business of the workbook")
                    )
                    skipped.append(RowRef(sheet=area.title, key=str(row), reason=reason))
        return list(plans.values()), skipped
    for area in areas:
        if area.kind == "links":
            reason = say("業務連携には担当の列がない", "業務連携 has no 担当")
            skipped += [RowRef(sheet=area.title, key=str(r), reason=reason) for r in rows[area.title]]
            continue
        for row in rows[area.title]:
            owner = cell_text(area.raw(row, "owner")) or NO_OWNER
            plans.setdefault(owner, _Plan(owner, owner)).add(area.title, row)
    ordered = sorted(plans.values(), key=lambda p: (p.part == NO_OWNER, p.part))
    return ordered, skipped


def _file_name(stem: str, plan: _Plan, by: SplitBy, used: set[str]) -> str:
    words = (stem, plan.label) if by is SplitBy.BUSINESS else (stem, "担当", plan.label)
    base = "_".join(_UNSAFE.sub("_", w).strip("_") for w in words if w)
    name, n = f"{base}.xlsx", 2
    while name.lower() in used:
        name, n = f"{base}_{n}.xlsx", n + 1
    used.add(name.lower())
    return name


def _copy_row(sheet: Any, source: int, target: int, last_column: int) -> None:
    from copy import copy

    for column in range(1, last_column + 1):
        origin = sheet.cell(row=source, column=column)
        cell = put(sheet.cell(row=target, column=column), origin.value)
        cell._style = copy(origin._style)
    height = sheet.row_dimensions[source].height
    sheet.row_dimensions[target].height = height


def _keep_rows(area: SheetArea, keep: list[int], *, delete_rest: bool) -> list[int]:
    """Move the rows ``keep`` up under the header, in their order; the rows below are deleted (business
    sheets) or emptied, keeping their formats and drop-downs for new rows (独自機能, 業務連携).
    Returns the rows they now have."""
    sheet = area.sheet
    last_row, last_column = sheet.max_row or 0, sheet.max_column or 0
    target = area.header_row + 1
    moved = []
    for source in keep:
        if source != target:
            _copy_row(sheet, source, target, last_column)
        moved.append(target)
        target += 1
    if target <= last_row:
        if delete_rest:
            sheet.delete_rows(target, last_row - target + 1)
        else:
            for row in range(target, last_row + 1):
                for column in range(1, last_column + 1):
                    sheet.cell(row=row, column=column).value = None
    return moved


def _reference_rows(workbook: Any, ids: set[str]) -> None:
    """The standard's links (reference sheet) of the file's businesses only."""
    if STANDARD_LINK_SHEET not in workbook.sheetnames:
        return
    sheet = workbook[STANDARD_LINK_SHEET]
    for row in range((sheet.max_row or 0), 1, -1):
        ends = {cell_text(sheet.cell(row=row, column=c).value) for c in (1, 3)}
        if not ends & ids:
            sheet.delete_rows(row)


def _write_rows(sheet: Any, first: int, rows: Iterable[list[object]]) -> int:
    row = first
    for values in rows:
        for column, value in enumerate(values, start=1):
            put(sheet.cell(row=row, column=column), value)
        row += 1
    return row


def _write_part(
    source: bytes,
    catalog: Catalog,
    areas: list[SheetArea],
    plan: _Plan,
    header: list[list[object]],
    path: Path,
) -> SplitFile:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(source))
    mine = [replace(a, sheet=workbook[a.title]) for a in areas if a.kind != "functions" or a.title in plan.rows]
    keep = {a.title for a in mine} | {STANDARD_LINK_SHEET, META_SHEET, *GUIDE_SHEETS}
    for sheet in list(workbook.worksheets):
        if sheet.title not in keep:
            workbook.remove(sheet)
    records: list[list[object]] = []
    counts = {"functions": 0, "custom": 0, "links": 0}
    for area in mine:
        wanted = plan.rows.get(area.title, [])
        if area.kind == "functions":
            filled = [r for r in area.rows() if not area.blank(r)]
            rows = wanted if filled == wanted else _keep_rows(area, wanted, delete_rest=True)
            keys = [area.key(r) for r in rows]
        else:
            rows = _keep_rows(area, wanted, delete_rest=False)
            keys = [str(r) for r in wanted]
            area.key_column = max(area.sheet.max_column or 0, *area.columns.values()) + 1
            put(area.sheet.cell(row=area.header_row, column=area.key_column), ROW_KEY_HEADER)
            for row, key in zip(rows, keys, strict=True):
                put(area.sheet.cell(row=row, column=area.key_column), int(key))
            letter = area.sheet.cell(row=area.header_row, column=area.key_column).column_letter
            area.sheet.column_dimensions[letter].hidden = True
        counts[area.kind] += len(rows)
        for row, key in zip(rows, keys, strict=True):
            text = json.dumps(area.values(row), ensure_ascii=False, sort_keys=True)
            records.append([area.title, key, *(text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK))])
    ids = {i for a in mine if a.business_id for i in catalog.business(a.business_id).ids}
    _reference_rows(workbook, ids)
    if META_SHEET in workbook.sheetnames:
        meta = workbook[META_SHEET]
        for row in range(1, (meta.max_row or 0) + 1):
            if meta.cell(row=row, column=1).value == "businesses":
                put(meta.cell(row=row, column=2), ",".join(sorted({a.business_id for a in mine if a.business_id})))
    provenance = workbook.create_sheet(SPLIT_SHEET)
    next_row = _write_rows(provenance, 1, [*header, ["part", plan.part], ["label", plan.label]])
    _write_rows(provenance, next_row, [[RECORDS_MARK, "key", "values"], *records])
    provenance.sheet_state = "hidden"
    workbook.active = 0  # the guide: the sheet that was active may be gone
    for index, sheet in enumerate(workbook.worksheets):
        sheet.sheet_view.tabSelected = index == 0  # two selected tabs would group the sheets in Excel
    save_workbook(workbook, path)
    return SplitFile(
        file=str(path),
        part=plan.part,
        label=plan.label,
        sheets=tuple(a.title for a in mine if a.kind == "functions"),
        functions=counts["functions"],
        custom=counts["custom"],
        links=counts["links"],
    )


def split_workbook(
    path: Path,
    catalog: Catalog,
    by: SplitBy,
    directory: Path,
    *,
    force: bool = False,
    now: dt.datetime | None = None,
) -> SplitResult:
    """One workbook per business (with the 独自機能 and 業務連携 rows of that business) or per 担当 (the rows
    of each 担当 across businesses), written to ``directory``; an existing file is replaced only with ``force``."""
    workbook, source = load_workbook_file(path)
    if SPLIT_SHEET in workbook.sheetnames:
        raise UsageError(
            _split_file_message(),
            where=path,
            hint=say(
                "プロジェクトの調査票を分割してください。このファイルは 'fitgap assess merge' で調査票に戻せます",
                "split the project workbook; merge this file back into it with 'fitgap assess merge'",
            ),
        )
    areas = sheet_areas(workbook, catalog)
    if not any(a.kind == "functions" for a in areas):
        raise not_an_assessment(path)
    plans, skipped = _plans(areas, by, catalog, path)
    used: set[str] = set()
    targets = [directory / _file_name(path.stem, plan, by, used) for plan in plans]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        more = say(f"（ほか {len(existing) - 1} 件）", f" (and {len(existing) - 1} more)") if len(existing) > 1 else ""
        raise exists_already(existing[0], filled_in=True, what=say(f"ファイル{more}", f"the file{more}"))
    split_id = uuid.uuid4().hex
    sha = hashlib.sha256(source).hexdigest()
    header: list[list[object]] = [
        ["format", SPLIT_FORMAT],
        ["split_id", split_id],
        ["source_file", path.name],
        ["source_sha256", sha],
        ["source_identity", _identity(workbook, areas)],
        ["by", by.value],
        ["created", (now or dt.datetime.now()).astimezone().isoformat(timespec="seconds")],
    ]
    files = [
        _write_part(source, catalog, areas, plan, header, target) for plan, target in zip(plans, targets, strict=True)
    ]
    return SplitResult(
        workbook=str(path),
        split_id=split_id,
        source_sha256=sha,
        by=by,
        files=tuple(files),
        not_distributed=tuple(skipped),
    )


# Merge -----------------------------------------------------------------------------------------------------


@dataclass
class _Part:
    path: Path
    name: str  # how results name it: the file name (the path when two files share a name)
    meta: dict[str, str]
    base: dict[tuple[str, str], dict[str, str]]  # (sheet, key) -> values at the split
    areas: dict[str, SheetArea]


def _provenance(workbook: Any, path: Path) -> tuple[dict[str, str], dict[tuple[str, str], dict[str, str]]]:
    if SPLIT_SHEET not in workbook.sheetnames:
        raise UsageError(
            say(
                "'fitgap assess split' のファイルではありません（_fitgap_split シートがありません）",
                "not a file of 'fitgap assess split' (it has no _fitgap_split sheet)",
            ),
            where=path,
            hint=say(
                "分割で書き出し、原課から返ってきたファイルを指定してください",
                "give the files the split wrote, as the 原課 returned them",
            ),
        )
    meta: dict[str, str] = {}
    base: dict[tuple[str, str], dict[str, str]] = {}
    in_records = False
    for values in workbook[SPLIT_SHEET].iter_rows(values_only=True):
        if not values or values[0] is None:
            continue
        if values[0] == RECORDS_MARK:
            in_records = True
        elif in_records:
            text = "".join(str(v) for v in values[2:] if v is not None)
            base[(str(values[0]), cell_text(values[1]))] = json.loads(text) if text else {}
        else:
            meta[str(values[0])] = cell_text(values[1] if len(values) > 1 else None)
    if meta.get("format") != SPLIT_FORMAT:
        raise UsageError(
            say(
                f"別の形式の分割ファイルです（{meta.get('format') or 'なし'}）",
                f"a split file of another format ({meta.get('format') or 'none'})",
            ),
            where=path,
            hint=say(
                "この版の fitgap でプロジェクトの調査票を分割し直してください",
                "split the project workbook again with this version of fitgap",
            ),
        )
    return meta, base


def _read_parts(paths: list[Path], catalog: Catalog) -> list[_Part]:
    names = [p.name for p in paths]
    parts = []
    for path in paths:
        workbook, _ = load_workbook_file(path, say("回収ファイル", "returned file"))
        meta, base = _provenance(workbook, path)
        areas = {a.title: a for a in sheet_areas(workbook, catalog)}
        name = path.name if names.count(path.name) == 1 else str(path)
        parts.append(_Part(path=path, name=name, meta=meta, base=base, areas=areas))
    return parts


def _check_parts(parts: list[_Part], workbook: Any, source: bytes, areas: list[SheetArea]) -> None:
    """One split, and split from this workbook: the same bytes, or (edited since) the same identity."""
    first = parts[0]
    for part in parts[1:]:
        if part.meta.get("split_id") != first.meta.get("split_id"):
            raise UsageError(
                say(
                    f"{first.path.name} とは別の分割のファイルです（分割ID {part.meta.get('split_id', '?')[:8]}、"
                    f"{first.path.name} は {first.meta.get('split_id', '?')[:8]}）",
                    f"a file of another split than {first.path.name} (split {part.meta.get('split_id', '?')[:8]}, "
                    f"not {first.meta.get('split_id', '?')[:8]})",
                ),
                where=part.path,
                hint=say(
                    "一つの分割のファイルをまとめて取り込んでください。新しく配るには分割し直してください",
                    "merge the files of one split together; split again to hand out new files",
                ),
            )
    if hashlib.sha256(source).hexdigest() == first.meta.get("source_sha256"):
        return
    if _identity(workbook, areas) != first.meta.get("source_identity"):
        raise UsageError(
            say(
                f"この調査票ではなく、別の調査票（{first.meta.get('source_file', '?')}）から分割されたファイルです",
                f"split from another workbook ({first.meta.get('source_file', '?')}), not from this one",
            ),
            where=first.path,
            hint=say("分割元の調査票に取り込んでください", "merge it into the workbook it was split from"),
        )


@dataclass
class _Proposal:
    part: str
    at_split: str
    value: str
    raw: Any
    row_at_split: dict[str, str]


class _Merge:
    """The proposals of every returned file, decided cell by cell against the project workbook."""

    def __init__(self, areas: list[SheetArea]) -> None:
        self.areas = {a.title: a for a in areas}
        self.rows: dict[str, dict[str, int]] = {}
        for area in areas:
            rows = self.rows.setdefault(area.title, {})
            for row in area.rows():
                if not area.blank(row) and area.key(row):
                    rows.setdefault(area.key(row), row)  # the first, as the reader takes it
        self.proposals: dict[tuple[str, str, str], list[_Proposal]] = {}
        self.not_merged: list[NotMerged] = []
        self.new_rows: list[tuple[str, str, dict[str, Any]]] = []  # (part, sheet, field -> raw value)

    def _skip(self, part: str, sheet: str, key: str, reason: Any, column: str = "", value: str = "") -> None:
        self.not_merged.append(NotMerged(part=part, sheet=sheet, key=key, column=column, value=value, reason=reason))

    def collect(self, part: _Part) -> None:
        for sheet in sorted({sheet for sheet, _ in part.base}):
            area = part.areas.get(sheet)
            keys = [key for s, key in part.base if s == sheet]
            if area is None or (area.kind != "functions" and area.key_column is None):
                for key in keys:  # the sheet, or the hidden 元の行 column that matches its rows, was removed
                    self._skip(part.name, sheet, key, "sheet_not_returned")
                continue
            found = self._part_rows(part, area)
            for key in keys:
                row = found.get(key)
                if row is None:
                    self._skip(part.name, sheet, key, "row_not_returned")
                    continue
                base = part.base[(sheet, key)]
                for name in area.columns:
                    raw = area.raw(row, name)
                    value, at_split = cell_value(raw), base.get(name, "")
                    if value == at_split:
                        continue
                    if area.kind == "functions" and name in CATALOG_FIELDS:
                        self._skip(part.name, sheet, key, "catalog_column", area.header(name), value)
                        continue
                    self.proposals.setdefault((sheet, key, name), []).append(
                        _Proposal(part=part.name, at_split=at_split, value=value, raw=raw, row_at_split=base)
                    )

    def _part_rows(self, part: _Part, area: SheetArea) -> dict[str, int]:
        """The rows of a returned sheet by key. A row the split did not hand out is new (独自機能, 業務連携:
        added to the workbook) or listed (a business sheet's row of another 機能ID)."""
        found: dict[str, int] = {}
        for row in area.rows():
            if area.kind == "functions":
                if area.blank(row):
                    continue
                key = area.key(row)
                if key and key not in found and (area.title, key) in part.base:
                    found[key] = row
                else:
                    self._skip(part.name, area.title, key or str(row), "unknown_function")
                continue
            assert area.key_column is not None
            key = cell_text(area.sheet.cell(row=row, column=area.key_column).value)
            if key and key not in found and (area.title, key) in part.base:
                found[key] = row  # emptied, it still counts: emptying the cells is the edit
            elif not area.blank(row):  # a row a person added (or copied, key and all)
                self.new_rows.append((part.name, area.title, {n: area.raw(row, n) for n in area.columns}))
        return found

    def decide(self) -> tuple[list[CellChange], list[Conflict]]:
        changes: list[CellChange] = []
        conflicts: list[Conflict] = []
        for (sheet, key, name), proposals in self.proposals.items():
            at_split = proposals[0].at_split
            offered = tuple(PartValue(part=p.part, value=p.value) for p in proposals)
            wanted = {p.value for p in proposals}
            area = self.areas.get(sheet)
            row = self.rows.get(sheet, {}).get(key)
            if area is not None and row is not None and area.kind in IDENTITY:
                was = proposals[0].row_at_split
                if any(cell_value(area.raw(row, f)) != was.get(f, "") for f in IDENTITY[area.kind]):
                    row = None  # another record stands on that row now
            if area is None or row is None or name not in area.columns:
                conflicts.append(
                    Conflict(
                        sheet=sheet,
                        key=key,
                        column=_header(name),
                        kind="row_gone",
                        at_split=at_split,
                        workbook="",
                        parts=offered,
                    )
                )
                continue
            current = cell_value(area.raw(row, name))
            kind: Literal["parts_differ", "workbook_changed"]
            if len(wanted) > 1:
                kind = "parts_differ"
            elif current in wanted:
                continue  # the workbook has it already (a file merged before)
            elif current != at_split:
                kind = "workbook_changed"
            else:
                _write(area.sheet.cell(row=row, column=area.columns[name]), proposals[0].raw)
                changes.append(
                    CellChange(
                        sheet=sheet,
                        key=key,
                        column=area.header(name),
                        old=current,
                        new=proposals[0].value,
                        parts=tuple(dict.fromkeys(p.part for p in proposals)),
                    )
                )
                continue
            conflicts.append(
                Conflict(
                    sheet=sheet,
                    key=key,
                    column=area.header(name),
                    kind=kind,
                    at_split=at_split,
                    workbook=current,
                    parts=offered,
                )
            )
        return changes, conflicts

    def append(self) -> list[AddedRow]:
        """The rows people added to 独自機能 and 業務連携, below the last filled row of the workbook's sheet."""
        added: list[AddedRow] = []
        for part, sheet, raw in self.new_rows:
            area = self.areas.get(sheet)
            values = {name: value for name, value in raw.items() if cell_value(value)}
            if area is None:
                for name, value in values.items():
                    self._skip(part, sheet, "", "sheet_not_returned", _header(name), cell_value(value))
                continue
            filled = [r for r in area.rows() if not area.blank(r)]
            row = (filled[-1] if filled else area.header_row) + 1
            shown: dict[str, str] = {}
            for name, value in values.items():
                if name not in area.columns:
                    self._skip(part, sheet, "", "column_gone", _header(name), cell_value(value))
                    continue
                _write(area.sheet.cell(row=row, column=area.columns[name]), value)
                shown[area.header(name)] = cell_value(value)
            added.append(AddedRow(part=part, sheet=sheet, row=row, values=shown))
        return added


def _header(name: str) -> str:
    return next((h for f, h, _ in (*FUNCTION_COLUMNS, *CUSTOM_COLUMNS, *LINK_COLUMNS) if f == name), name)


def _write(cell: Any, value: Any) -> None:
    put(cell, value)
    if isinstance(value, dt.date) and cell.number_format == "General":
        cell.number_format = "yyyy-mm-dd"


def merge_parts(
    path: Path,
    parts: list[Path],
    catalog: Catalog,
    output: Path | None,
    *,
    force: bool = False,
) -> MergeResult:
    """Read the returned files of one split back into the project workbook ``path`` and write the result to
    ``output``; into ``path`` itself, or over an existing ``output``, only with ``force``."""
    if not parts:
        raise UsageError(
            say("取り込む回収ファイルがありません", "no returned files to merge"),
            hint=say("調査票の後に回収ファイルを指定してください", "give the files after the workbook"),
        )
    target = output if output is not None else path
    if target.resolve() == path.resolve() and not force:
        raise UsageError(
            say(
                "取り込みの結果がプロジェクトの調査票に上書きされます",
                "the merge would write into the project workbook",
            ),
            where=path,
            hint=say(
                "取り込んだ調査票の出力先を -o FILE で指定するか、この調査票に書き込むなら --force を付けてください",
                "give -o FILE for the merged workbook, or add --force to write into this one",
            ),
        )
    if target.resolve() != path.resolve() and target.exists() and not force:
        raise exists_already(target, filled_in=True)
    workbook, source = load_workbook_file(path)
    if SPLIT_SHEET in workbook.sheetnames:
        raise UsageError(
            _split_file_message(),
            where=path,
            hint=say(
                "先にプロジェクトの調査票、続けて回収ファイルを指定してください",
                "give the project workbook first, then the returned files",
            ),
        )
    areas = sheet_areas(workbook, catalog)
    read = _read_parts(parts, catalog)
    _check_parts(read, workbook, source, areas)
    merge = _Merge(areas)
    for part in read:
        merge.collect(part)
    changes, conflicts = merge.decide()
    added = merge.append()
    save_workbook(workbook, target)
    reports = []
    for part in read:
        mine = [c for c in changes if part.name in c.parts]
        reports.append(
            PartReport(
                file=part.name,
                part=part.meta.get("label", ""),
                rows_changed=len({(c.sheet, c.key) for c in mine}),
                cells_changed=len(mine),
                rows_added=sum(1 for a in added if a.part == part.name),
                conflicts=sum(1 for c in conflicts if any(v.part == part.name for v in c.parts)),
                not_merged=sum(1 for n in merge.not_merged if n.part == part.name),
            )
        )
    return MergeResult(
        workbook=str(path),
        output=str(target),
        split_id=read[0].meta.get("split_id", ""),
        parts=tuple(reports),
        changes=tuple(changes),
        added=tuple(added),
        conflicts=tuple(conflicts),
        not_merged=tuple(merge.not_merged),
    )
