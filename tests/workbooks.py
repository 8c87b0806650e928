"""Builders of spec workbooks for tests (openpyxl), in the shapes real files take."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

Row = Sequence[object]


def write_sheet(path: Path, rows: Sequence[Row], title: str = "Sheet1", start_row: int = 1) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path


def function_workbook(path: Path, header: Row, rows: Sequence[Row], *, title_rows: int = 2) -> Path:
    """A function list with a title block above a one-row header, as vendors' sheets have."""
    top: list[Row] = [["機能要件一覧（住民記録） 第5.0版"]] + [[]] * (title_rows - 1)
    return write_sheet(path, [*top, header, *rows], title="機能一覧")


def layout_workbook(path: Path, items: Sequence[Row], codes: Sequence[Row] = ()) -> Path:
    """A 項目定義書 in the official shape: title, two-row header, two-cell IDs, a code-list sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "項目定義書"
    sheet["B1"] = "■地方公共団体情報システム-（住民記録）項目定義書 第2.1版"
    top = {
        "B": "データ項目ID",
        "D": "データ項目",
        "E": "データ項目（ローマ字）",
        "F": "グループ",
        "I": "クラス分類",
        "L": "データ型",
        "M": "桁数",
        "N": "コード",
        "O": "繰り返し",
        "P": "データ出力条件",
        "Q": "項目定義",
        "R": "項目説明",
        "S": "標準仕様書関連箇所",
        "T": "実装類型",
        "U": "サンプル値",
        "V": "備考",
    }
    for col, label in top.items():
        sheet[f"{col}5"] = label
    for col, label in {
        "F": "名称",
        "G": "主キー",
        "H": "外部キー",
        "I": "LV1",
        "J": "LV2",
        "K": "LV3",
    }.items():
        sheet[f"{col}6"] = label
    sheet.merge_cells("B5:C6")
    for col in "DELMNOPQRSTUV":
        sheet.merge_cells(f"{col}5:{col}6")
    for r, row in enumerate(items, start=7):
        for c, value in enumerate(row, start=2):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    if codes:
        code_sheet = workbook.create_sheet("コード一覧（個別）")
        for c, label in enumerate(["コードID", "コード名", "コード値", "コード値の内容", "備考"], start=1):
            code_sheet.cell(row=4, column=c, value=label)
        for r, row in enumerate(codes, start=5):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    code_sheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path


def item(
    seq: int,
    name: str,
    romanized: str,
    dtype: object,
    length: object,
    condition: str,
    *,
    business: str = "001",
    group: str = "住民",
    pk: bool = False,
    code: object = None,
    description: str = "",
    related: str = "0010001転入",
) -> Row:
    """One item row from column B: ID (two cells), names, group/PK/FK, LV1-3, type … 備考."""
    return [
        business,
        seq,
        name,
        romanized,
        group,
        "○" if pk else None,
        None,
        None,
        None,
        None,
        dtype,
        length,
        code,
        None,
        condition,
        f"{name}の定義",
        description,
        related,
        "○",
        None,
        None,
    ]
