"""Reading every sheet of a spec workbook, and saying what each one gave.

Each sheet is recognised by its header, wherever it sits in the sheet: an item sheet (項目定義書: data items,
usually one グループ), a code-list sheet (コード一覧（個別）/（連携）), or a function list. A sheet with none of
these (a legend, a cover, a change history) is reported as skipped. A sheet that carries part of a header —
of items, of a function list or of code lists — but not all of it cannot be read, and the import stops on it
rather than drop it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from spec_catalog.base import FrozenModel, InputFileError
from spec_catalog.importers.functions import FUNCTION_REQUIRED, function_aliases, read_function_sheet
from spec_catalog.importers.layout import (
    CODE_ALIASES,
    CODE_REQUIRED,
    LAYOUT_ALIASES,
    LAYOUT_REQUIRED,
    read_code_sheet,
    read_item_sheet,
)
from spec_catalog.importers.workbook import closest_header, find_header_in_sheet
from spec_catalog.language import say
from spec_catalog.models import CodeList, DataItem, FunctionRequirement


@dataclass(frozen=True)
class _Kind:
    """A kind of spec sheet, for the refusal of a sheet that carries part of its header."""

    what: tuple[str, str]  # "項目のシート", "an item sheet"
    header: tuple[str, str]  # the header it should carry: 項目定義書の見出し
    labels: dict[str, str]  # required field -> the label of the official header
    like: int  # a row with this many of the required labels is such a header, whole or not


_ITEM_KIND = _Kind(
    what=("項目のシート", "an item sheet"),
    header=("項目定義書", "項目定義書"),
    labels={
        "item_id": "データ項目ID",
        "name": "データ項目",
        "romanized": "データ項目（ローマ字）",
        "group": "グループ",
        "type": "データ型",
        "output_condition": "データ出力条件",
    },
    like=3,
)
_FUNCTION_KIND = _Kind(
    what=("機能一覧のシート", "a function list"),
    header=("機能一覧", "function-list"),
    labels={"function_id": "機能ID", "name": "機能名称", "function_class": "実装区分"},
    like=2,
)
_CODE_KIND = _Kind(
    what=("コード一覧のシート", "a code-list sheet"),
    header=("コード一覧", "code-list"),
    labels={"code_list_id": "コードID", "code": "コード値", "label": "コード値の内容"},
    like=2,
)


class SheetKind(StrEnum):
    ITEMS = "items"
    CODE_LISTS = "code_lists"
    FUNCTIONS = "functions"
    SKIPPED = "skipped"


class SheetReport(FrozenModel):
    """What the import read from one sheet."""

    sheet: str
    kind: SheetKind
    header_row: int | None = None  # the last header row; data start below it
    groups: tuple[str, ...] = ()
    items: int = 0
    code_lists: tuple[str, ...] = ()
    functions: int = 0
    notes: tuple[str, ...] = ()


@dataclass
class WorkbookContent:
    """Everything the sheets of a workbook hold, in sheet order."""

    items: list[DataItem] = field(default_factory=list)
    code_lists: list[CodeList] = field(default_factory=list)
    functions: list[FunctionRequirement] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)

    @property
    def has_layout(self) -> bool:
        return bool(self.items)

    @property
    def has_functions(self) -> bool:
        return bool(self.functions)


def _refuse_partial_header(
    sheet: Any, path: Path, kind: _Kind, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> None:
    """One error when a row of ``sheet`` carries enough of the header of ``kind`` to be one, but not all of it."""
    closest = closest_header(sheet, aliases, required)
    if closest is None or len(closest[1]) < kind.like:
        return
    row, found = closest
    missing = ", ".join(kind.labels[f] for f in required if f not in found)
    present = ", ".join(kind.labels[f] for f in found)
    what_ja, what_en = kind.what
    header_ja, header_en = kind.header
    raise InputFileError(
        say(
            f"シート '{sheet.title}' は{what_ja}のようですが（{row} 行目に {present}）、{missing} の列がなく読めません",
            f"sheet '{sheet.title}' looks like {what_en} (row {row} has {present}) "
            f"but cannot be read: no {missing} column",
        ),
        where=path,
        hint=say(
            f"その列に{header_ja}の見出しを付けるか、仕様の一部でなければシートを削除してください",
            f"give the column its {header_en} header, or delete the sheet if it is not part of the specification",
        ),
    )


def read_sheets(workbook: Any, path: Path, columns: dict[str, str] | None = None) -> WorkbookContent:
    """Read every sheet of ``workbook``; see the module's docstring."""
    content = WorkbookContent()
    functions_aliases = function_aliases(columns)
    for sheet in workbook.worksheets:
        if (header := find_header_in_sheet(sheet, LAYOUT_ALIASES, LAYOUT_REQUIRED)) is not None:
            items = read_item_sheet(header, path)
            content.items += items
            report = SheetReport(
                sheet=sheet.title,
                kind=SheetKind.ITEMS,
                header_row=header.row,
                groups=tuple(dict.fromkeys(i.group for i in items)),
                items=len(items),
            )
        elif (header := find_header_in_sheet(sheet, CODE_ALIASES, CODE_REQUIRED)) is not None:
            read = read_code_sheet(header, path)
            content.code_lists += read.code_lists
            report = SheetReport(
                sheet=sheet.title,
                kind=SheetKind.CODE_LISTS,
                header_row=header.row,
                code_lists=tuple(c.code_list_id for c in read.code_lists),
                notes=tuple(read.notes),
            )
        elif (header := find_header_in_sheet(sheet, functions_aliases, FUNCTION_REQUIRED)) is not None:
            functions = read_function_sheet(header, path)
            content.functions += functions
            report = SheetReport(
                sheet=sheet.title, kind=SheetKind.FUNCTIONS, header_row=header.row, functions=len(functions)
            )
        else:
            _refuse_partial_header(sheet, path, _ITEM_KIND, LAYOUT_ALIASES, LAYOUT_REQUIRED)
            _refuse_partial_header(sheet, path, _FUNCTION_KIND, functions_aliases, FUNCTION_REQUIRED)
            _refuse_partial_header(sheet, path, _CODE_KIND, CODE_ALIASES, CODE_REQUIRED)
            report = SheetReport(
                sheet=sheet.title, kind=SheetKind.SKIPPED, notes=(say("仕様の見出しがありません", "no spec header"),)
            )
        content.sheets.append(report)
    return content
