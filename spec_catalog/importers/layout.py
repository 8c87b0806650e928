"""Reading the sheets of a 項目定義書 / 基本データリスト workbook (domain.md §4): data items and code lists.

Every item sheet is read (one グループ each, usually) and every code-list sheet. The legend of the official
workbook says how an item names its code list: a bare コードID refers to the file's own 「コード一覧（個別）」,
and an ID that starts with a business name, ``<業務名>_<コード番号>`` (``住民基本台帳_001``), to a list another
business owns, given in the 「コード一覧（連携）」 sheet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spec_catalog.base import InputFileError
from spec_catalog.importers.workbook import (
    Header,
    cell_text,
    normalize_label,
    problem_of,
    raise_row_problems,
    row_place,
)
from spec_catalog.language import say
from spec_catalog.models import CodeList, CodeValue, DataItem
from spec_catalog.sensitivity import infer_sensitivity
from spec_catalog.vocab import standard_business_named

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
    "business": ("業務名",),  # a 連携 sheet may name the owning business on each list
}
CODE_REQUIRED = ("code_list_id", "code", "label")

_MARKS = {"○", "〇", "◯", "●", "◎"}
_FUNCTION_REF = re.compile(r"(?<!\d)(\d{7})(?!\d)")
_OPEN_CODE = {"任意"}


def normalize_code_list_id(value: object) -> str | None:
    """``1``, ``'1'`` and ``'001'`` all name code list ``001``; a 連携 reference ``住民基本台帳_1`` is
    ``住民基本台帳_001`` (full-width digits and underscore read as half-width). A business named by another of
    its names (住民記録_1) is named as the ID scheme names it (住民基本台帳_001), so that an item and the 連携
    sheet that use different names still meet."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if not text:
        return None
    if text.isdigit():
        return text.zfill(3)
    business, separator, number = text.rpartition("_")
    if separator and business.strip() and number.strip().isdigit():
        entry = standard_business_named(business)
        return f"{entry.name if entry else business.strip()}_{number.strip().zfill(3)}"
    return text


def linked_business(code_list_id: str) -> str | None:
    """The business name of a 連携 code-list ID (``住民基本台帳`` of ``住民基本台帳_001``), else None."""
    business, separator, number = code_list_id.rpartition("_")
    return business if separator and business and number.isdigit() else None


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
            raise ValueError(
                say(
                    f"データ項目IDのセル {first!r} と {second!r} が数字ではありません",
                    f"データ項目ID cells {first!r} and {second!r} are not numbers",
                )
            )
        return first.zfill(3) + second.zfill(5)
    return first or second


def _length(text: str) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    parts = re.split(r"[,，.．]", text)
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise ValueError(
            say(
                f"桁数 {text!r} が数字ではありません（9V は 'n,m'）", f"桁数 {text!r} is not a number (or 'n,m' for 9V)"
            )
        ) from None
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


def read_item_sheet(header: Header, path: Path) -> list[DataItem]:
    """The data items below the header of one item sheet; every bad row is reported, none is dropped."""
    items: list[DataItem] = []
    problems: list[str] = []
    for row_number in range(header.row + 1, header.sheet.max_row + 1):
        try:
            item = _item(LayoutRows(header, row_number))
        except (ValidationError, ValueError) as exc:
            problems.append(f"{row_place(header.sheet.title, row_number)}: {problem_of(exc)}")
            continue
        if item is not None:
            items.append(item)
    raise_row_problems(problems, path)
    if not items:
        raise InputFileError(
            say(
                f"シート '{header.sheet.title}' に項目定義の見出しはありますが、その下に項目がありません",
                f"sheet '{header.sheet.title}' has the item-definition header but no items below it",
            ),
            where=path,
            hint=say(
                "データの行にデータ項目IDがあるか確かめてください", "check that the data rows carry a データ項目ID"
            ),
        )
    return items


@dataclass
class CodeSheet:
    """What one code-list sheet holds: its lists and what the reader noticed on the way."""

    code_lists: list[CodeList]
    notes: list[str] = field(default_factory=list)


def _title_business(sheet: Any, header_row: int) -> str:
    """The 業務名 of the title block above the header (the official sheets put it under a 業務名 label)."""
    for row in range(1, header_row):
        for column in range(1, min(sheet.max_column or 0, 50) + 1):
            if normalize_label(sheet.cell(row=row, column=column).value or "") != "業務名":
                continue
            below = cell_text(sheet.cell(row=row + 1, column=column).value)
            right = next(
                (
                    text
                    for c in range(column + 1, min(sheet.max_column or 0, 50) + 1)
                    if (text := cell_text(sheet.cell(row=row, column=c).value))
                ),
                "",
            )
            return below or right
    return ""


def read_code_sheet(header: Header, path: Path) -> CodeSheet:
    """The code lists of one sheet: a list starts at a row with a コードID; rows below add its values.

    On a 「コード一覧（連携）」 sheet every list belongs to another business: its ID becomes
    ``<業務名>_<コード番号>`` with the 業務名 of the row (a 業務名 column), or of the sheet's title block, unless
    the コードID already has that form; ``owner`` is the 業務ID of that business."""
    sheet = header.sheet
    linked_sheet = "連携" in normalize_label(sheet.title)
    title_business = _title_business(sheet, header.row) if linked_sheet else ""
    result = CodeSheet(code_lists=[])
    lists: list[dict[str, Any]] = []
    problems: list[str] = []
    business = ""
    for row_number in range(header.row + 1, sheet.max_row + 1):
        row = LayoutRows(header, row_number)
        business = row.text("business") or business  # a 業務名 cell often spans the rows of its lists
        list_id = normalize_code_list_id(row.raw("code_list_id"))
        code, label = row.text("code"), row.text("label")
        if list_id:
            if linked_business(list_id) is None and linked_sheet:
                owner_name = business or title_business
                if not owner_name:
                    problems.append(
                        row_place(sheet.title, row_number)
                        + say(
                            f": コード一覧 {list_id} に業務名がありません"
                            "（連携のコード一覧は <業務名>_<コード番号>、例: 住民基本台帳_001）",
                            f": code list {list_id} names no 業務名 "
                            "(a 連携 code list is <業務名>_<コード番号>, e.g. 住民基本台帳_001)",
                        )
                    )
                    continue
                list_id = normalize_code_list_id(f"{owner_name}_{list_id}") or list_id
            lists.append({"code_list_id": list_id, "name": row.text("name"), "values": [], "open": False})
            if (named := linked_business(list_id)) is not None:
                entry = standard_business_named(named)
                if entry is None:
                    result.notes.append(
                        say(
                            f"{list_id}: {named} は業務IDの体系にない業務です（所管が不明）",
                            f"{list_id}: {named} is not a business of the ID scheme (owner unknown)",
                        )
                    )
                else:
                    lists[-1]["owner"] = entry.business_id
            if row.text("note"):
                lists[-1]["note"] = row.text("note")
        if not code or not lists:
            continue
        if code in _OPEN_CODE:
            lists[-1]["open"] = True  # 自治体固有コード: the municipality defines the values
        else:
            lists[-1]["values"].append(CodeValue(code=code, label=label))
    raise_row_problems(problems, path)
    try:
        result.code_lists = [CodeList.model_validate(data) for data in lists]
    except ValidationError as exc:
        raise InputFileError(
            say(f"シート '{sheet.title}'", f"sheet '{sheet.title}'") + f": {problem_of(exc)}",
            where=path,
            hint=say(
                "ブックのコード一覧を直して、もう一度取り込んでください",
                "fix the code list in the workbook and import again",
            ),
        ) from None
    return result
