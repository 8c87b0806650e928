"""Function-requirement workbooks: headers are unconfirmed, so aliases and --column must both work."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec_catalog import FunctionClass, InputFileError, UsageError
from spec_catalog.importers import import_workbook
from spec_catalog.importers.functions import parse_column_options
from spec_catalog.language import chosen
from spec_catalog.store import load_directory

from workbooks import function_workbook, write_sheet

ROWS = [
    ["0010001", "転入", "転入届に基づき住民票を作成する。", "実装必須機能"],
    ["0010002", "転出", "転出届を記録する。", "標準オプション機能"],
    ["0010003", "独自項目", "独自項目を追加する。", "実装不可機能"],
]


def test_header_variant_a_current_labels(tmp_path: Path) -> None:
    path = function_workbook(tmp_path / "a.xlsx", ["機能ID", "機能名称", "機能要件", "実装区分"], ROWS)
    result = import_workbook(path, tmp_path / "cat")
    assert (result.business_id, result.functions, result.kind) == ("001", 3, "functions")
    spec = load_directory(tmp_path / "cat").business("001")
    assert [f.function_class for f in spec.functions] == list(FunctionClass)
    assert spec.functions[0].requirement == "転入届に基づき住民票を作成する。"


def test_header_variant_b_old_labels_other_order_ids_as_numbers(tmp_path: Path) -> None:
    # A vendor's sheet: category column, class before name, old class labels, IDs typed as numbers
    # (Excel dropped the leading zeros), a full-width ＩＤ and a section heading row without an ID.
    header = ["大項目", "機能ＩＤ", "実装要否", "機能名", "要件"]
    rows = [
        ["住民票の記載", None, None, None, None],
        [None, 10001, "実装すべき機能", "転入", "転入届に基づき住民票を作成する。"],
        [None, 10002, "実装してもしなくても良い機能", "転出", "転出届を記録する。"],
        ["その他", 10003, "実装しない機能", "独自項目", "独自項目を追加する。"],
    ]
    path = function_workbook(tmp_path / "b.xlsx", header, rows, title_rows=3)
    import_workbook(path, tmp_path / "cat")
    spec = load_directory(tmp_path / "cat").business("001")
    assert [(f.function_id, f.function_class) for f in spec.functions] == [
        ("0010001", FunctionClass.MANDATORY),
        ("0010002", FunctionClass.OPTIONAL),
        ("0010003", FunctionClass.PROHIBITED),
    ]
    assert [f.category for f in spec.functions] == ["住民票の記載", "住民票の記載", "その他"]


def test_columns_named_by_the_user(tmp_path: Path) -> None:
    header = ["通番", "要件コード", "名称", "対応レベル", "詳細"]
    rows = [
        [1, "0240001", "資格取得", "必須", "資格取得を記録する。"],
        [2, "0240002", "医療費通知", "オプション", "医療費通知を作成する。"],
    ]
    path = function_workbook(tmp_path / "c.xlsx", header, rows)
    with pytest.raises(InputFileError, match="仕様のシートが見つかりません（シート: '機能一覧'）"):
        import_workbook(path, tmp_path / "cat")
    columns = parse_column_options(["機能ID=要件コード", "機能名称=名称", "実装区分=対応レベル", "要件=詳細"])
    result = import_workbook(path, tmp_path / "cat", columns=columns)
    assert (result.business_id, result.functions) == ("024", 2)


@pytest.mark.parametrize("option", ["機能ID", "機能ID=", "色=要件コード"])
def test_bad_column_option(option: str) -> None:
    with pytest.raises(UsageError, match="が FIELD=HEADER の形ではありません"):
        parse_column_options([option])
    with chosen("en"), pytest.raises(UsageError, match="is not FIELD=HEADER"):
        parse_column_options([option])


def test_bad_class_is_reported_with_its_row(tmp_path: Path) -> None:
    rows = [*ROWS, ["0010004", "謎", "", "たぶん"]]
    path = function_workbook(tmp_path / "d.xlsx", ["機能ID", "機能名称", "機能要件", "実装区分"], rows)
    with pytest.raises(InputFileError, match=r"シート '機能一覧' 7 行目: 実装区分 'たぶん' は使えません"):
        import_workbook(path, tmp_path / "cat")


def test_mixed_businesses_are_refused(tmp_path: Path) -> None:
    rows = [*ROWS, ["0100001", "課税", "課税する。", "実装必須機能"]]
    path = function_workbook(tmp_path / "e.xlsx", ["機能ID", "機能名称", "機能要件", "実装区分"], rows)
    with pytest.raises(InputFileError, match="ブックに複数の業務（001, 010）が混ざっています"):
        import_workbook(path, tmp_path / "cat")


def test_unknown_business_id(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "f.xlsx", [["機能ID", "機能名称", "実装区分"], ["0990001", "x", "実装必須機能"]])
    with pytest.raises(InputFileError, match="業務ID 099 は標準の業務ではありません"):
        import_workbook(path, tmp_path / "cat")


def test_a_header_without_rows(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "g.xlsx", [["機能ID", "機能名称", "実装区分"]])
    with pytest.raises(
        InputFileError, match="シート 'Sheet1' に機能一覧の見出しはありますが、その下に機能IDがありません"
    ):
        import_workbook(path, tmp_path / "cat")
