"""Importing 項目定義書 workbooks: the real Digital Agency file and built variants."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from spec_catalog import DataType, InputFileError, OutputCondition, Sensitivity, Source
from spec_catalog.importers import import_workbook
from spec_catalog.store import load_directory

from workbooks import item, layout_workbook


def test_real_fixture_loads_exactly(spec_workbook: Path, tmp_path: Path) -> None:
    result = import_workbook(spec_workbook, tmp_path)
    assert (result.business_id, result.groups, result.items, result.code_lists) == ("031", 1, 29, 3)
    assert result.source is Source.IMPORTED
    spec = load_directory(tmp_path).business("031")
    (group,) = spec.layouts
    assert group.name == "住登外者宛名基本情報"
    conditions = Counter(i.output_condition for i in group.items)
    assert conditions == {
        OutputCondition.REQUIRED: 5,
        OutputCondition.CONDITIONAL: 12,
        OutputCondition.OPTIONAL: 12,
    }
    by_name = {i.name: i for i in group.items}
    atena = by_name["宛名番号"]
    assert (atena.item_id, atena.type, atena.length, atena.primary_key) == (
        "03100001",
        DataType.HALF_WIDTH,
        15,
        True,
    )
    assert [i.name for i in group.primary_key] == ["宛名番号"]
    sex = by_name["性別"]
    assert (sex.type, sex.length, sex.code_list) == (DataType.HALF_WIDTH, 1, "001")
    assert [v.code for v in spec.code_list("001").values] == ["0", "1", "2"]  # type: ignore[union-attr]
    flag = by_name["代表宛名フラグ"]
    assert (flag.type, flag.length, flag.code_list) == (DataType.INTEGER, 1, "002")
    assert [v.label for v in spec.code_list("002").values] == ["代表宛名", "非代表宛名"]  # type: ignore[union-attr]
    assert by_name["操作時刻"].type is DataType.TIME
    assert by_name["氏名"].type is DataType.FULL_WIDTH and by_name["氏名"].length == 100
    assert by_name["氏名"].condition == "氏名未定でない場合は出力必須"
    assert all(i.condition for i in group.items if i.output_condition is OutputCondition.CONDITIONAL)
    assert by_name["個人番号"].sensitivity is Sensitivity.IDENTIFIER
    assert by_name["宛名番号"].sensitivity is Sensitivity.PERSONAL  # an identifier of a person
    assert by_name["名寄せ先宛名番号"].sensitivity is Sensitivity.PERSONAL
    assert by_name["操作者ID"].sensitivity is Sensitivity.NONE  # a member of staff, not a resident
    assert by_name["生年月日"].sensitivity is Sensitivity.PERSONAL
    assert by_name["住所_市区町村コード"].sensitivity is Sensitivity.NONE
    assert by_name["業務ID"].repeat == 999
    assert spec.code_list("999").open  # type: ignore[union-attr]
    assert all(i.related_functions == ("0310002",) for i in group.items)
    assert by_name["宛名番号"].mandatory_implementation and not by_name["個人番号"].mandatory_implementation
    assert "\n" in by_name["住所_番地号表記"].sample  # type: ignore[operator]  # multi-line cells kept


def test_built_variant_with_spacer_rows_numbers_and_decimal(tmp_path: Path) -> None:
    rows = [
        item(1, "宛名番号", "atenabango", "X", 15, "必須", pk=True),
        [None] * 21,  # blank spacer row
        item(2, "性別", "seibetsu", "X", 1, "必須", code=1),
        item(3, "負担割合", "futanwariai", "9V", "1,1", "任意"),
        item(
            4,
            "氏名",
            "shimei",
            "N",
            100,
            "条件付き必須",
            description="・全角\n※※氏名未定でない場合は出力必須",
        ),
        item(5, "区分", "kubun", 9, 1, "任意", code="002"),
    ]
    codes: list[list[object]] = [
        [1, "性別", 1, "男"],
        [None, None, 2, "女"],
        [2, "区分", "0", "なし"],
        [None, None, "1", "あり"],
    ]
    path = layout_workbook(tmp_path / "layout.xlsx", rows, codes)
    result = import_workbook(path, tmp_path / "cat")
    assert result.spec_version == "第2.1版"  # read from the title row
    spec = load_directory(tmp_path / "cat").business("001")
    items = {i.romanized: i for i in spec.layouts[0].items}
    assert list(items) == ["atenabango", "seibetsu", "futanwariai", "shimei", "kubun"]
    assert (items["futanwariai"].length, items["futanwariai"].fraction_digits) == (1, 1)
    assert items["shimei"].type is DataType.FULL_WIDTH
    assert items["shimei"].condition == "氏名未定でない場合は出力必須"
    assert items["seibetsu"].code_list == "001" and items["kubun"].code_list == "002"
    assert [v.code for v in spec.code_list("001").values] == ["1", "2"]  # type: ignore[union-attr]
    assert (tmp_path / "cat" / "001_v2.1.yaml").exists()


def test_a_bad_row_is_reported_with_sheet_and_row(tmp_path: Path) -> None:
    rows = [item(1, "宛名番号", "atenabango", "X", 15, "必須"), item(2, "性別", "seibetsu", "Q", 1, "必須")]
    path = layout_workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputFileError, match=r"シート '項目定義書' 8 行目: データ型 'Q' は使えません"):
        import_workbook(path, tmp_path / "cat")


def test_an_undefined_code_list_is_an_error(tmp_path: Path) -> None:
    path = layout_workbook(tmp_path / "bad.xlsx", [item(1, "性別", "seibetsu", "X", 1, "必須", code=7)])
    with pytest.raises(InputFileError, match="001: 項目が参照するコード一覧 007 が定義されていません"):
        import_workbook(path, tmp_path / "cat")


def test_layout_and_functions_merge_into_one_business_file(spec_workbook: Path, tmp_path: Path) -> None:
    from workbooks import function_workbook

    functions = function_workbook(
        tmp_path / "f.xlsx",
        ["機能ID", "機能名称", "機能要件", "実装区分"],
        [["0310001", "付番", "宛名番号を付番する", "実装必須機能"]],
    )
    import_workbook(spec_workbook, tmp_path / "cat", spec_version="第2.7版")
    result = import_workbook(functions, tmp_path / "cat", spec_version="第2.7版")
    assert (result.items, result.functions, result.source) == (29, 1, Source.IMPORTED)
    assert sorted(p.name for p in (tmp_path / "cat").iterdir()) == ["031_v2.7.yaml"]


def test_versions_live_side_by_side_and_the_newest_is_used(spec_workbook: Path, tmp_path: Path) -> None:
    from workbooks import function_workbook

    functions = function_workbook(
        tmp_path / "f.xlsx",
        ["機能ID", "機能名称", "機能要件", "実装区分"],
        [["0310001", "付番", "宛名番号を付番する", "実装必須機能"]],
    )
    import_workbook(spec_workbook, tmp_path / "cat")  # the real file states no version
    result = import_workbook(functions, tmp_path / "cat")  # its title says 第5.0版
    assert result.spec_version == "第5.0版"
    assert sorted(p.name for p in (tmp_path / "cat").iterdir()) == ["031.yaml", "031_v5.0.yaml"]
    assert load_directory(tmp_path / "cat").business("031").spec_version == "第5.0版"
