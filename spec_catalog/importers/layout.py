"""Reading a 項目定義書 / 基本データリスト workbook (domain.md §4) into data groups and code lists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spec_catalog.base import InputFileError
from spec_catalog.importers.workbook import Header, cell_text, find_header, normalize_label, raise_row_problems
from spec_catalog.models import CodeList, CodeValue, DataGroup, DataItem
from spec_catalog.sensitivity import infer_sensitivity

# field -> normalized header labels, most specific first
LAYOUT_ALIASES: dict[str, tuple[str, ...]] = {
    "item_id": ("データ項目id", "項目id"),
    "name": ("データ項目", "データ項目名", "項目名"),
    "romanized": ("データ項目(ローマ字)", "ローマ字", "データ項目_ローマ字"),
    "group": ("グループ_名称", "グループ名称", "グループ名", "グループ"),
    "primary_key": ("グループ_主キー", "主キー"),
    "foreign_key": ("グループ_外部キー", "外部キー"),
    "lv1": ("クラス分類_lv1", "lv1"),
    "lv2": ("クラス分類_lv2", "lv2"),
    "lv3": ("クラス分類_lv3", "lv3"),
    "type": ("データ型",),
    "length": ("桁数",),
    "code_list": ("コード", "コードid"),
    "repeat": ("繰り返し",),
    "output_condition": ("データ出力条件",),
    "definition": ("項目定義",),
    "description": ("項目説明",),
    "related": ("標準仕様書関連箇所",),
    "mandatory_implementation": ("実装類型",),
    "sample": ("サンプル値",),
    "remarks": ("備考",),
}
LAYOUT_REQUIRED = ("item_id", "name", "romanized", "group", "type", "output_condition")

CODE_ALIASES: dict[str, tuple[str, ...]] = {
    "code_list_id": ("コードid",),
    "name": ("コード名",),
    "code": ("コード値",),
    "label": ("コード値の内容", "内容"),
    "note": ("備考",),
}
CODE_REQUIRED = ("code_list_id", "code", "label")

_MARKS = {"○", "〇", "◯", "●", "◎"}
_FUNCTION_REF = re.compile(r"(?<!\d)(\d{7})(?!\d)")
_OPEN_CODE = {"任意"}


def normalize_code_list_id(value: object) -> str | None:
    """``1``, ``'1'`` and ``'001'`` all name code list ``001``; a 連携 reference (``業務名_…``) stays as given."""
    text = cell_text(value)
    if not text:
        return None
    return text.zfill(3) if text.isdigit() else text


class LayoutRows:
    """Cell access for one data row of the located header."""

    def __init__(self, header: Header, row: int) -> None:
        self.header, self.row = header, row

    def text(self, field: str) -> str:
        columns = self.header.columns.get(field)
        if not columns:
            return ""
        return cell_text(self.header.sheet.cell(row=self.row, column=columns[0]).value)

    def raw(self, field: str, index: int = 0) -> Any:
        columns = self.header.columns.get(field, [])
        return self.header.sheet.cell(row=self.row, column=columns[index]).value if len(columns) > index else None


def _item_id(row: LayoutRows) -> str:
    """The 8-digit データ項目ID, which the official sheets keep in two cells (``031`` and ``1``)."""
    first, second = cell_text(row.raw("item_id", 0)), cell_text(row.raw("item_id", 1))
    if first and second:
        if not (first.isdigit() and second.isdigit()):
            raise ValueError(f"データ項目ID cells {first!r} and {second!r} are not numbers")
        return first.zfill(3) + second.zfill(5)
    return first or second


def _length(text: str) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    parts = re.split(r"[,，.．]", text)
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"桁数 {text!r} is not a number (or 'n,m' for 9V)") from None
    return (numbers[0], numbers[1]) if len(numbers) == 2 else (numbers[0], None)


def _condition(description: str) -> str | None:
    """The text after ※※ in 項目説明: the condition of a 条件付き必須 item."""
    parts = [line.split("※※", 1)[1].strip() for line in description.splitlines() if "※※" in line]
    return "\n".join(parts) or None


def _item(row: LayoutRows) -> DataItem | None:
    item_id = _item_id(row)
    if not item_id or not row.text("name"):
        return None  # spacer rows, the closing row of marks, notes under the table
    length, fraction = _length(row.text("length"))
    description = row.text("description")
    output_condition = row.text("output_condition")
    classification = tuple(t for t in (row.text("lv1"), row.text("lv2"), row.text("lv3")) if t)
    return DataItem.model_validate(
        {
            "item_id": item_id,
            "name": row.text("name"),
            "romanized": row.text("romanized"),
            "group": row.text("group"),
            "primary_key": row.text("primary_key") in _MARKS,
            "foreign_key": row.text("foreign_key") in _MARKS,
            "type": row.text("type"),
            "length": length,
            "fraction_digits": fraction,
            "code_list": normalize_code_list_id(row.raw("code_list")),
            "repeat": int(row.text("repeat")) if row.text("repeat").isdigit() else None,
            "output_condition": output_condition,
            "condition": _condition(description) if normalize_label(output_condition) == "条件付き必須" else None,
            "definition": row.text("definition"),
            "description": description,
            "classification": classification,
            "related_functions": tuple(dict.fromkeys(_FUNCTION_REF.findall(row.text("related")))),
            "mandatory_implementation": row.text("mandatory_implementation") in _MARKS,
            "sample": row.text("sample") or None,
            "remarks": row.text("remarks") or None,
            "sensitivity": infer_sensitivity(row.text("romanized"), row.text("name")),
        }
    )


def read_layout(workbook: Any, path: Path) -> tuple[tuple[DataGroup, ...], tuple[CodeList, ...]] | None:
    """The groups and code lists of a 項目定義書, or None when the workbook has no item-definition header."""
    header = find_header(workbook, LAYOUT_ALIASES, LAYOUT_REQUIRED)
    if header is None:
        return None
    groups: dict[str, list[DataItem]] = {}
    problems: list[str] = []
    for row_number in range(header.row + 1, header.sheet.max_row + 1):
        try:
            item = _item(LayoutRows(header, row_number))
        except (ValidationError, ValueError) as exc:
            message = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            problems.append(f"sheet '{header.sheet.title}' row {row_number}: {message.removeprefix('Value error, ')}")
            continue
        if item is not None:
            groups.setdefault(item.group, []).append(item)
    raise_row_problems(problems, path)
    if not groups:
        raise InputFileError(
            f"sheet '{header.sheet.title}' has the item-definition header but no items below it",
            where=path,
            hint="check that the data rows carry a データ項目ID",
        )
    code_lists = read_code_lists(workbook, path)
    return tuple(DataGroup(name=name, items=tuple(items)) for name, items in groups.items()), code_lists


def read_code_lists(workbook: Any, path: Path) -> tuple[CodeList, ...]:
    """The コード一覧（個別） sheet: a list starts at a row with a コードID; rows below add its values."""
    header = find_header(workbook, CODE_ALIASES, CODE_REQUIRED)
    if header is None:
        return ()
    lists: list[dict[str, Any]] = []
    for row_number in range(header.row + 1, header.sheet.max_row + 1):
        row = LayoutRows(header, row_number)
        list_id = normalize_code_list_id(row.raw("code_list_id"))
        code, label = row.text("code"), row.text("label")
        if list_id:
            lists.append({"code_list_id": list_id, "name": row.text("name"), "values": [], "open": False})
            if row.text("note"):
                lists[-1]["note"] = row.text("note")
        if not code or not lists:
            continue
        if code in _OPEN_CODE:
            lists[-1]["open"] = True  # 自治体固有コード: the municipality defines the values
        else:
            lists[-1]["values"].append(CodeValue(code=code, label=label))
    try:
        return tuple(CodeList.model_validate(data) for data in lists)
    except ValidationError as exc:
        raise InputFileError(
            f"sheet '{header.sheet.title}': {exc.errors()[0]['msg'].removeprefix('Value error, ')}",
            where=path,
            hint="fix the code list in the workbook and import again",
        ) from None
