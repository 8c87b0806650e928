"""Corrections files: a returned cleansing-request workbook (データ補正依頼, ``convert quarantine --xlsx``) read
and applied by the next run.

A filled 補正後の値 replaces the SOURCE value of that item's column on that line, before the transforms and the
checks (so a corrected value is converted and checked like any other, and quarantined again with its reason
when it is still wrong). It is applied only when the source still holds the value it was written for: the
workbook keeps a fingerprint of that value, keyed with the request's secret in the database; a changed line is
not corrected and reported as ``CORRECTION_NOT_APPLIED``. Every filled row is recorded in
``spec_catalog.database`` with its line, item, status, file name and sha256 and who filled it, never its value.

Files are listed under ``corrections:`` in the mapping (every run applies them, in order) or given once with
``fitgap convert run --corrections FILE``; for one source value a later row or file wins over an earlier one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from converters.mapping import Mapping, resolve_path
from converters.readers import CONTROL_CHARACTER, Staged, file_sha256
from converters.scaffold.layout_file import is_no_workbook
from reports import cleansing as wb
from spec_catalog.base import FitgapError, FrozenModel, InputFileError
from spec_catalog.codes import Code
from spec_catalog.database import (
    CorrectionRecord,
    CorrectionRequest,
    CorrectionStatus,
    connect_read_only,
    correction_request,
    record_corrections,
)
from spec_catalog.files import check_input_file
from spec_catalog.language import say

_PUA = re.compile("[\ue000-\uf8ff]")


def _not_a_request() -> str:
    return say(
        "'fitgap convert quarantine MAPPING --xlsx FILE' が書き出し、記入したデータ補正依頼のファイルを渡してください",
        "give the データ補正依頼 workbook written by 'fitgap convert quarantine MAPPING --xlsx FILE', filled in",
    )


# Why a filled row was not applied: rule texts in the run's language, never the value.
def changed_detail() -> str:
    return say("元データのこの行の値が依頼時と異なります", "the source value on this line differs from the request's")


def no_line_detail() -> str:
    return say("元データにこの行がありません", "the source has no such line")


def unreadable_detail() -> str:
    return say("元データのこの行は読み込めませんでした", "this line of the source could not be read")


def no_item_detail() -> str:
    return say(
        "行全体の移行エラーは補正できません（元データを出力し直してください）",
        "a row refused as a whole cannot be corrected (export the source again)",
    )


def not_one_column_detail() -> str:
    return say(
        "この項目は元データの1列から作られていません（定数・複数列・キーの組合せ・マッピングにない項目）",
        "the item is not made from one column of the source (a constant, several columns, a key of several "
        "items, or an item the mapping lacks)",
    )


def fingerprint(secret: str, value: str | None) -> str:
    """The hidden 照合値 of a source value: an HMAC keyed with the request's secret (an empty value and none
    are the same, as both load empty)."""
    return hmac.new(bytes.fromhex(secret), (value or "").encode("utf-8"), hashlib.sha256).hexdigest()[:32]


class Correction(NamedTuple):
    """A filled row of a corrections file."""

    sheet: str
    row: int  # the row of the sheet, for messages
    line: int
    item: str | None
    value: str | None  # None: make the value empty (written as （空欄）)
    fingerprint: str


@dataclass(frozen=True)
class CorrectionsFile:
    """A corrections file, read, with the request it answers and that request's secret."""

    path: Path
    sha256: str
    request: CorrectionRequest
    secret: str
    corrected_by: str | None
    corrections: tuple[Correction, ...]


class NotApplied(FrozenModel):
    file: str
    line: int
    item: str | None
    code: Code
    detail: str


class CorrectionFileResult(FrozenModel):
    file: str
    sha256: str
    request_id: str
    corrected_by: str | None
    applied: int
    not_applied: int
    superseded: int
    applied_by_item: dict[str, int]


class CorrectionSummary(FrozenModel):
    """What a run did with its corrections files (counts, and every row not applied with why)."""

    files: tuple[CorrectionFileResult, ...]
    applied: int
    not_applied: int
    superseded: int
    not_applied_rows: tuple[NotApplied, ...]


def _cell_text(value: object) -> str | None:
    """A filled cell as the text a person sees (a number typed where the column is not text, a date …)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not isinstance(value, bool) and value == value and abs(value) != float("inf"):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)).normalize(), "f")
    text = str(value).strip()
    return text or None


def read_corrections_file(path: Path) -> tuple[str, str | None, list[Correction]]:
    """The request id, the 補正担当者 (else the file's last author) and the filled rows of a corrections file."""
    from spec_catalog.importers.workbook import open_workbook

    try:
        workbook = open_workbook(path)
    except InputFileError as exc:
        # A file that is no workbook at all gets this file's hint (open_workbook's speaks of the catalog's files).
        if not is_no_workbook(path):
            raise
        raise InputFileError(
            exc.message,
            where=exc.where,
            hint=say(
                "convert quarantine --xlsx で書き出した補正依頼ブックを指定してください",
                "give the cleansing-request workbook written by convert quarantine --xlsx",
            ),
        ) from None
    # The workbook may have been written in either language: every label is looked up in both.
    guide_name = next((name for name in wb.spellings(wb.GUIDE_SHEET) if name in workbook.sheetnames), None)
    if guide_name is None:
        raise FitgapError(
            say(
                f"シート '{wb.GUIDE_SHEET}' がありません。データ補正依頼のファイルではありません",
                f"no sheet '{wb.GUIDE_SHEET}' or '{wb.ENGLISH[wb.GUIDE_SHEET]}': not a cleansing-request workbook",
            ),
            where=path,
            hint=_not_a_request(),
        )
    guide = workbook[guide_name]
    facts = {
        str(row[0]).strip(): row[1]
        for row in guide.iter_rows(min_row=1, max_row=40, max_col=2, values_only=True)
        if row and row[0] is not None
    }

    def fact(name: str) -> str | None:
        return next((text for spelling in wb.spellings(name) if (text := _cell_text(facts.get(spelling)))), None)

    request_id = fact(wb.REQUEST_ID)
    if request_id is None:
        raise FitgapError(
            say(
                f"シート '{guide_name}' に{wb.REQUEST_ID}がありません",
                f"sheet '{guide_name}' names no {wb.ENGLISH[wb.REQUEST_ID]}",
            ),
            where=path,
            hint=_not_a_request(),
        )
    corrected_by = fact(wb.CORRECTED_BY) or _cell_text(workbook.properties.lastModifiedBy)
    corrections: list[Correction] = []
    for sheet in workbook.worksheets:
        if sheet.title == guide_name:
            continue
        header = [_cell_text(c) for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())]
        at = {
            name: header.index(spelling) for name in wb.HEADERS for spelling in wb.spellings(name) if spelling in header
        }
        if not {wb.LINE, wb.CORRECTED, wb.ITEM_ID, wb.FINGERPRINT} <= at.keys():
            continue  # a sheet of the person's own (notes …)
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = list(row) + [None] * (len(header) - len(row))
            written = _cell_text(cells[at[wb.CORRECTED]])
            if written is None:
                continue
            line = _cell_text(cells[at[wb.LINE]])
            if line is None or not line.isdigit():
                raise FitgapError(
                    say(
                        f"シート '{sheet.title}' の {number} 行目: {wb.LINE}が行番号ではありません",
                        f"sheet '{sheet.title}' row {number}: {wb.ENGLISH[wb.LINE]} is not a line number",
                    ),
                    where=path,
                    hint=say(
                        f"{wb.LINE}の列は書き出されたままにしてください",
                        f"leave the {wb.ENGLISH[wb.LINE]} column as it was written",
                    ),
                )
            corrections.append(
                Correction(
                    sheet=sheet.title,
                    row=number,
                    line=int(line),
                    item=_cell_text(cells[at[wb.ITEM_ID]]),
                    value=None if written in wb.spellings(wb.EMPTY_VALUE) else written,
                    fingerprint=_cell_text(cells[at[wb.FINGERPRINT]]) or "",
                )
            )
    return request_id, corrected_by, corrections


def correction_paths(mapping: Mapping, extra: Sequence[Path] = ()) -> list[Path]:
    """The mapping's ``corrections:`` files (relative to it), then ``extra`` (given on the command line)."""
    paths = []
    what = say("補正ファイル", "corrections file")
    for index, text in enumerate(mapping.file.corrections):
        line = mapping.lines.get(("corrections", index)) or mapping.lines.get(("corrections",))
        where = f"{mapping.path}:{line}" if line else str(mapping.path)
        path = resolve_path(mapping.path.parent, text, mapping.file.allow_outside_paths, where, what)
        check_input_file(path, what, where=where)
        paths.append(path)
    for path in extra:
        check_input_file(
            path,
            what,
            hint=say("--corrections に渡したパスを確かめてください", "check the path given to --corrections"),
        )
        paths.append(path)
    return paths


def load_corrections(mapping: Mapping, db: Path | None, extra: Sequence[Path] = ()) -> list[CorrectionsFile]:
    """Read the mapping's corrections files (and ``extra``) with the requests they answer, from ``db``.

    A file is refused (one line, exit 2) when it is no cleansing-request workbook, when the database does not
    know its request (it was written from another database) or when it was written for another mapping."""
    paths = correction_paths(mapping, extra)
    if not paths:
        return []
    read = [(path, *read_corrections_file(path)) for path in paths]
    hint = say(
        "書き出したときのデータベース（--db）で適用してください",
        "apply it with the database it was written from (--db)",
    )
    if db is None or not db.exists():
        raise FitgapError(
            say(
                f"補正ファイル {paths[0]} には、書き出したときのデータベースが必要です",
                f"corrections file {paths[0]} needs the database it was written from",
            ),
            where=db,
            hint=hint,
        )
    con = connect_read_only(db)
    try:
        found = {request_id: correction_request(con, request_id) for _, request_id, _, _ in read}
    finally:
        con.close()
    files = []
    for path, request_id, corrected_by, corrections in read:
        known = found[request_id]
        if known is None:
            raise FitgapError(
                say(
                    f"このファイルの依頼 {request_id} はデータベースにありません",
                    f"the database does not know the request {request_id} of this file",
                ),
                where=path,
                hint=hint,
            )
        request, secret = known
        if request.mapping != mapping.name:
            raise FitgapError(
                say(
                    f"このファイルはマッピング '{mapping.name}' ではなく '{request.mapping}' の補正です",
                    f"the file corrects mapping '{request.mapping}', not '{mapping.name}'",
                ),
                where=path,
                hint=say(
                    f"マッピング '{request.mapping}' の corrections: に書いてください",
                    f"list it under corrections: of mapping '{request.mapping}'",
                ),
            )
        files.append(CorrectionsFile(path, file_sha256(path), request, secret, corrected_by, tuple(corrections)))
    return files


def source_column(mapping: Mapping, item: str | None, columns: list[str]) -> int | None:
    """The staged column (its position) that alone makes ``item``, or None when a correction cannot say which
    source value to replace (a constant, several columns, a key of several items, an item the mapping lacks)."""
    spec = mapping.file.items.get(item or "")
    if spec is None or spec.value is not None or len(spec.columns) != 1 or spec.columns[0] not in columns:
        return None
    return columns.index(spec.columns[0])


def apply_corrections(
    con: Any, files: Sequence[CorrectionsFile], mapping: Mapping, staged: Staged, run_id: str, *, record: bool
) -> CorrectionSummary | None:
    """Replace the staged source values the corrections are for (the ``stage`` view becomes one that reads
    them), before any transform; ``record``: write what was done to the database. None without files."""
    if not files:
        return None
    records: list[tuple[int, CorrectionRecord]] = []  # (the file's position in files, what was done)

    def entry(index: int, c: Correction, status: CorrectionStatus, detail: str | None) -> tuple[int, CorrectionRecord]:
        f = files[index]
        return index, CorrectionRecord(
            run_id=run_id,
            mapping=mapping.name,
            request_id=f.request.request_id,
            file_name=f.path.name,
            file_sha256=f.sha256,
            line=c.line,
            item=c.item,
            status=status,
            reason=Code.CORRECTION_NOT_APPLIED.value if status is CorrectionStatus.NOT_APPLIED else None,
            detail=detail,
            corrected_by=f.corrected_by,
        )

    candidates: list[tuple[int, Correction, int]] = []
    for index, f in enumerate(files):
        for c in f.corrections:
            column = source_column(mapping, c.item, staged.columns)
            if column is None:
                why = not_one_column_detail() if c.item else no_item_detail()
                records.append(entry(index, c, CorrectionStatus.NOT_APPLIED, why))
            else:
                candidates.append((index, c, column))
    current = _current_values(con, candidates)
    unreadable = {r.line for r in staged.rejected}
    chosen: dict[tuple[int, int], int] = {}  # (line, column) -> index in records of the correction that applies
    fixes: dict[tuple[int, int], str | None] = {}
    for index, c, column in candidates:
        place = (c.line, column)
        if c.line in unreadable:
            records.append(entry(index, c, CorrectionStatus.NOT_APPLIED, unreadable_detail()))
        elif place not in current:
            records.append(entry(index, c, CorrectionStatus.NOT_APPLIED, no_line_detail()))
        elif not hmac.compare_digest(fingerprint(files[index].secret, current[place]), c.fingerprint):
            records.append(entry(index, c, CorrectionStatus.NOT_APPLIED, changed_detail()))
        else:
            if place in chosen:  # a later row or file corrects the same source value
                earlier, (owner, done) = chosen[place], records[chosen[place]]
                records[earlier] = (owner, done.model_copy(update={"status": CorrectionStatus.SUPERSEDED}))
            chosen[place] = len(records)
            records.append(entry(index, c, CorrectionStatus.APPLIED, None))
            fixes[place] = c.value
    _restage(con, fixes, len(staged.columns))
    # The reader skips the 外字 pass for a file without any: a corrected value may bring one.
    if any(v is not None and _PUA.search(v) for v in fixes.values()):
        staged.may_have_pua = True
    if any(v is not None and CONTROL_CHARACTER.search(v) for v in fixes.values()):  # the X items' width checks
        staged.may_have_controls = True
    if record:
        record_corrections(con, [r for _, r in records])
    return _summary(files, records)


def _current_values(con: Any, candidates: list[tuple[int, Correction, int]]) -> dict[tuple[int, int], str | None]:
    """The staged value of every (line, column) a correction names (lines the stage lacks are left out)."""
    if not candidates:
        return {}
    columns = sorted({column for _, _, column in candidates})
    lines = sorted({c.line for _, c, _ in candidates})
    con.execute("CREATE TEMP TABLE correction_lines AS SELECT unnest($l)::BIGINT AS _line", {"l": lines})
    rows = con.execute(
        f"SELECT s._line, {', '.join(f's.c{k}' for k in columns)} FROM stage s "
        "WHERE s._line IN (SELECT _line FROM correction_lines)"
    ).fetchall()
    con.execute("DROP TABLE correction_lines")
    return {(int(row[0]), column): value for row in rows for column, value in zip(columns, row[1:], strict=True)}


def _restage(con: Any, fixes: dict[tuple[int, int], str | None], width: int) -> None:
    """``stage`` becomes a view of the staged rows with the corrected values in place (the rows themselves are
    not copied: a file of millions of rows with a few corrections costs a small join)."""
    if not fixes:
        return
    places = sorted(fixes)
    con.execute(
        "CREATE TEMP TABLE corrected AS SELECT unnest($l)::BIGINT AS _line, unnest($c)::INTEGER AS col, "
        "unnest($v)::VARCHAR AS value",
        {"l": [p[0] for p in places], "c": [p[1] for p in places], "v": [fixes[p] for p in places]},
    )
    con.execute("ALTER VIEW stage RENAME TO uncorrected")
    fixed = sorted({column for _, column in places})
    parts = ["s._line"]
    joins = []
    for i in range(width):
        if i in fixed:
            joins.append(f"LEFT JOIN (SELECT _line, value FROM corrected WHERE col = {i}) f{i} ON f{i}._line = s._line")
            parts.append(f"CASE WHEN f{i}._line IS NOT NULL THEN f{i}.value ELSE s.c{i} END AS c{i}")
        else:
            parts.append(f"s.c{i}")
    con.execute(f"CREATE TEMP VIEW stage AS SELECT {', '.join(parts)} FROM uncorrected s {' '.join(joins)}")


def _summary(files: Sequence[CorrectionsFile], records: list[tuple[int, CorrectionRecord]]) -> CorrectionSummary:
    results = []
    for index, f in enumerate(files):
        mine = [r for owner, r in records if owner == index]
        status = Counter(r.status for r in mine)
        applied = Counter(r.item or "" for r in mine if r.status is CorrectionStatus.APPLIED)
        results.append(
            CorrectionFileResult(
                file=f.path.name,
                sha256=f.sha256,
                request_id=f.request.request_id,
                corrected_by=f.corrected_by,
                applied=status[CorrectionStatus.APPLIED],
                not_applied=status[CorrectionStatus.NOT_APPLIED],
                superseded=status[CorrectionStatus.SUPERSEDED],
                applied_by_item=dict(sorted(applied.items())),
            )
        )
    missed = sorted(
        (r for _, r in records if r.status is CorrectionStatus.NOT_APPLIED), key=lambda r: (r.line, r.item or "")
    )
    return CorrectionSummary(
        files=tuple(results),
        applied=sum(r.applied for r in results),
        not_applied=sum(r.not_applied for r in results),
        superseded=sum(r.superseded for r in results),
        not_applied_rows=tuple(
            NotApplied(
                file=r.file_name, line=r.line, item=r.item, code=Code.CORRECTION_NOT_APPLIED, detail=r.detail or ""
            )
            for r in missed
        ),
    )
