"""The cleansing-request workbook (データ補正依頼): a run's quarantined values (移行エラー), one sheet per item, with
a column for staff to write the corrected value. The returned workbook is read back by :mod:`converters.corrections`,
which finds its columns by the headers defined here.

Values and keys arrive masked (:mod:`converters.review` masks them by the item's flag); every cell is written
through :func:`reports.excel.put` as well (masked by value, a formula-like text kept as text). The hidden
照合値 column holds a keyed fingerprint of the source value (no value, and no way to test a guess of one without
the secret kept in the database).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reports.clock import local_time
from reports.excel import FONT_NAME, HEADER_FILL, print_setup, sheet_title, write_cell
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.language import say

TITLE = "データ補正依頼"
GUIDE_SHEET = "説明"
RECORD_SHEET = "行全体（読込不可）"  # rows the reader could not read: no item to correct
# The labels of the guide sheet the reader looks up (column A), and the value column (B).
REQUEST_ID = "依頼ID"
CORRECTED_BY = "補正担当者"
# The columns of an item sheet, in order: the visible ones, then the hidden ones the reader needs.
LINE, KEY, ITEM, REASON, VALUE, CORRECTED, NOTE = "行番号", "キー", "項目", "理由", "値", "補正後の値", "備考"
ITEM_ID, CODES, FINGERPRINT = "項目ID", "理由コード", "照合値"
HEADERS = (LINE, KEY, ITEM, REASON, VALUE, CORRECTED, NOTE, ITEM_ID, CODES, FINGERPRINT)
HIDDEN = (ITEM_ID, CODES, FINGERPRINT)
# Written in 補正後の値 to make the source value empty (an empty cell means: no correction).
EMPTY_VALUE = "（空欄）"

# Every label the reader looks up, in English: the workbook is written in the run's language and read back in
# either (a request written in English may come back to a Japanese run, and the other way round).
ENGLISH = {
    GUIDE_SHEET: "Guide",
    RECORD_SHEET: "Whole rows (unreadable)",
    REQUEST_ID: "Request ID",
    CORRECTED_BY: "Corrected by",
    LINE: "Line",
    KEY: "Key",
    ITEM: "Item",
    REASON: "Reason",
    VALUE: "Value",
    CORRECTED: "Corrected value",
    NOTE: "Note",
    ITEM_ID: "Item ID",
    CODES: "Reason codes",
    FINGERPRINT: "Fingerprint",
    EMPTY_VALUE: "(empty)",
}


def label(name: str) -> str:
    """The label ``name`` (one of the constants above) as the run's language writes it."""
    return say(name, ENGLISH[name])


def spellings(name: str) -> tuple[str, str]:
    """Both spellings of a label, as the reader accepts them."""
    return name, ENGLISH[name]


_INPUT_FILL = "FFF2CC"  # the cells staff fill in
_LOCKED_FILL = "EDEDED"  # a value that cannot be corrected here
_WIDTHS = {LINE: 8, KEY: 20, ITEM: 18, REASON: 48, VALUE: 24, CORRECTED: 28, NOTE: 40}

GUIDE_EN = (
    "Each sheet lists, item by item, the values the conversion could not migrate (移行エラー). Type the right value "
    "in 'Corrected value'.",
    "The value typed replaces the legacy value of that line and item, and is converted and checked as usual on the "
    "next conversion (a wrong value is reported again, with its reason).",
    f"A row left empty is not corrected. To make a value empty, type '{ENGLISH[EMPTY_VALUE]}'.",
    "Values and keys are masked to protect personal data: look them up in the legacy system by line (or key).",
    "Change nothing but 'Corrected value' and 'Corrected by'. The hidden columns (Item ID, Reason codes, "
    "Fingerprint) match the corrections; the fingerprint holds no original value.",
    "A correction is not applied when the legacy file has changed since the request and the line's value differs "
    "(reported as CORRECTION_NOT_APPLIED).",
    f"The rows of '{ENGLISH[RECORD_SHEET]}' could not be read from the legacy file: they cannot be corrected here; "
    "export the legacy data again.",
    "When filled, add this file to the mapping's corrections: and convert again (fitgap convert run MAPPING.yaml; "
    "once only: --corrections FILE).",
)
GUIDE = (
    "各シートは、変換で移行エラーとなった値を項目ごとに並べたものです。「補正後の値」に正しい値を入力してください。",
    "入力した値は元データのその行・その項目の値として扱われ、次回の変換で通常どおり変換・チェックされます"
    "（補正後の値が誤っていれば、理由とともに再び移行エラーになります）。",
    f"空欄の行は補正しません。値を空にするときは「{EMPTY_VALUE}」と入力してください。",
    "値とキーは個人情報保護のためマスクしています。元のシステムで行番号（またはキー）から確認してください。",
    "「補正後の値」と補正担当者以外は変更しないでください。非表示の列（項目ID・理由コード・照合値）は"
    "補正の照合に使います。照合値は元の値そのものを含みません。",
    "依頼後に元データが変わり、その行の値が依頼時と異なるときは、その補正は適用されません"
    "（CORRECTION_NOT_APPLIED として報告されます）。",
    f"「{RECORD_SHEET}」の行は元データから読めなかった行です。ここでは補正できないため、元データを出力し直してください。",
    "記入後、このファイルをマッピングの corrections: に加えて再変換してください"
    "（fitgap convert run MAPPING.yaml。一度だけなら --corrections FILE）。",
)


class RequestRow(FrozenModel):
    """One quarantined value (a source line and item) on an item sheet."""

    line: int
    key: str | None  # the row's key as the source holds it, masked
    item: str | None  # romanized name; None: the reader rejected the whole record
    item_name: str
    reasons: tuple[str, ...]  # Japanese messages, one per reason
    codes: tuple[str, ...]
    value: str | None  # masked
    fingerprint: str  # "" when the value cannot be corrected here
    note: str | None = None  # why it cannot be corrected here, if so

    @property
    def correctable(self) -> bool:
        return bool(self.fingerprint)


class RequestSheet(FrozenModel):
    title: str  # the item's Japanese name (made a valid, unique sheet name when written)
    rows: tuple[RequestRow, ...]


class CleansingRequest(FrozenModel):
    """What the workbook holds: the request's facts and one sheet per item."""

    request_id: str
    mapping: str
    run_id: str
    target_table: str
    source_file: str
    created: str  # 作成日時, ISO with the UTC offset
    rows: int  # quarantined (line, item) pairs listed
    sheets: tuple[RequestSheet, ...]


def write_cleansing_request(
    request: CleansingRequest, path: Path, *, unmask: bool = False, municipality: str | None = None
) -> Path:
    """Write the workbook (the caller has decided that ``path`` may be written); ``municipality`` (団体名) goes
    in every printed page's header."""
    from openpyxl import Workbook

    workbook = Workbook()
    guide = workbook.active
    guide.title = label(GUIDE_SHEET)
    used = {guide.title}
    _write_guide(guide, request, unmask)
    sheets = [guide]
    for sheet in request.sheets:
        sheets.append(workbook.create_sheet(sheet_title(sheet.title, used)))
        _write_sheet(sheets[-1], sheet, unmask)
    created = _created(request)
    for sheet in sheets:  # the header row of an item sheet, the title of the guide, on every printed page
        print_setup(sheet, title=_title(), municipality=municipality, created=created, header_row=1, unmask=unmask)
    workbook.properties.title = _title()
    workbook.properties.creator = "fitgap"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise FitgapError(
            say(f"ブックを書き込めません: {exc.strerror}", f"cannot write the workbook: {exc.strerror}"),
            where=path,
            hint=say(
                "Excel で開いていれば閉じるか、別のパスを指定してください", "close it in Excel or choose another path"
            ),
        ) from None
    return path


def _title() -> str:
    return say(TITLE, "Data correction request")


def _created(request: CleansingRequest) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(request.created)
    except ValueError:
        return None  # not ISO: the print header says when the workbook was written


def _write_guide(sheet: Any, request: CleansingRequest, unmask: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    write_cell(sheet, 1, 1, _title(), unmask=unmask).font = Font(name=FONT_NAME, size=14, bold=True)
    facts = (
        (label(REQUEST_ID), request.request_id),
        (say("マッピング", "Mapping"), request.mapping),
        (say("実行 ID", "Run ID"), request.run_id),
        (say("対象テーブル", "Target table"), request.target_table),
        (say("元データ", "Legacy file"), request.source_file),
        (say("作成日時", "Created"), local_time(created) if (created := _created(request)) else request.created),
        (say("移行エラーの値", "Values not migrated"), request.rows),
        (label(CORRECTED_BY), None),
    )
    row = 3
    for shown, value in facts:
        write_cell(sheet, row, 1, shown, unmask=unmask).font = Font(name=FONT_NAME, size=10, bold=True)
        cell = write_cell(sheet, row, 2, value, unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=10)
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        if shown == label(CORRECTED_BY):
            cell.fill = PatternFill("solid", fgColor=_INPUT_FILL)
        row += 1
    heading = say("記入方法", "How to fill it in")
    write_cell(sheet, row + 1, 1, heading, unmask=unmask).font = Font(name=FONT_NAME, size=10, bold=True)
    for offset, text in enumerate(say("\n".join(GUIDE), "\n".join(GUIDE_EN)).split("\n"), start=row + 2):
        cell = write_cell(sheet, offset, 1, f"・{text}", unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=10)
        cell.alignment = Alignment(vertical="top")
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 48


def _write_sheet(sheet: Any, content: RequestSheet, unmask: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for col, header in enumerate(HEADERS, start=1):
        cell = write_cell(sheet, 1, col, label(header), unmask=unmask)
        cell.font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
    body = Font(name=FONT_NAME, size=10)
    for r, row in enumerate(content.rows, start=2):
        values = {
            LINE: row.line,
            KEY: row.key,
            ITEM: row.item_name,
            REASON: "\n".join(row.reasons),
            VALUE: row.value,
            CORRECTED: None,
            NOTE: row.note,
            ITEM_ID: row.item,
            CODES: ",".join(row.codes),
            FINGERPRINT: row.fingerprint,
        }
        for col, header in enumerate(HEADERS, start=1):
            cell = write_cell(sheet, r, col, values[header], unmask=unmask)
            cell.font = body
            cell.alignment = Alignment(vertical="top", wrap_text=header == REASON)
            if header == CORRECTED:
                cell.number_format = "@"  # typed digits stay text (a code keeps its leading zeros)
                cell.fill = PatternFill("solid", fgColor=_INPUT_FILL if row.correctable else _LOCKED_FILL)
    for col, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = _WIDTHS.get(header, 12)
        sheet.column_dimensions[letter].hidden = header in HIDDEN
    sheet.freeze_panes = "A2"
    last = get_column_letter(HEADERS.index(NOTE) + 1)
    sheet.auto_filter.ref = f"A1:{last}{max(len(content.rows) + 1, 2)}"
