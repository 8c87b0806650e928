from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from spec_catalog import (
    BusinessSpec,
    Catalog,
    DataGroup,
    DataItem,
    DataType,
    FunctionClass,
    FunctionRequirement,
    OutputCondition,
    Sensitivity,
)
from spec_catalog.language import chosen


def business(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "business_id": "001",
        "name": "住民基本台帳",
        "name_en": "Resident registry",
        "spec_name": "住民記録システム標準仕様書",
        "ministry": "総務省",
        "source": "sample",
    }
    data.update(changes)
    return data


def item(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "item_id": "00100001",
        "name": "宛名番号",
        "romanized": "atenabango",
        "group": "住民",
        "type": "X",
        "length": 15,
        "output_condition": "必須",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("実装必須機能", FunctionClass.MANDATORY),
        ("実装すべき機能", FunctionClass.MANDATORY),
        ("標準オプション機能", FunctionClass.OPTIONAL),
        ("実装してもしなくても良い機能", FunctionClass.OPTIONAL),
        ("実装不可機能", FunctionClass.PROHIBITED),
        ("実装しない機能", FunctionClass.PROHIBITED),
        (" 実装必須 ", FunctionClass.MANDATORY),
    ],
    ids=[
        "mandatory",
        "old-mandatory",
        "option",
        "old-option",
        "prohibited",
        "old-prohibited",
        "short-spaced",
    ],
)
def test_function_class_labels_old_and_new(label: str, expected: FunctionClass) -> None:
    assert FunctionClass.parse(label) is expected


def test_unknown_function_class_says_which_labels_work() -> None:
    with pytest.raises(ValueError, match="実装必須機能、標準オプション機能、実装不可機能のどれかを書いてください"):
        FunctionClass.parse("たぶん必要")
    with chosen("en"), pytest.raises(ValueError, match="use 実装必須機能, 標準オプション機能 or 実装不可機能"):
        FunctionClass.parse("たぶん必要")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Ｎ", DataType.FULL_WIDTH),
        ("N", DataType.FULL_WIDTH),
        (9, DataType.INTEGER),
        ("9V", DataType.DECIMAL),
        ("s9", DataType.SIGNED_INTEGER),
        ("DATE", DataType.DATE),
    ],
)
def test_data_types_accept_the_spellings_of_real_files(label: object, expected: DataType) -> None:
    assert DataType.parse(label) is expected


def test_function_json_uses_class_key() -> None:
    f = FunctionRequirement.model_validate({"function_id": "0010001", "name": "転入", "class": "実装すべき機能"})
    assert f.model_dump(mode="json", by_alias=True)["class"] == "実装必須機能"


@pytest.mark.parametrize("bad", ["001001", "00100011", "001000a", ""])
def test_function_id_must_have_seven_digits(bad: str) -> None:
    with pytest.raises(ValidationError, match="が 7 桁の数字（業務ID \\+ 4 桁の連番）ではありません"):
        FunctionRequirement.model_validate({"function_id": bad, "name": "x", "class": "実装必須機能"})


def test_function_id_must_start_with_its_business_id() -> None:
    with pytest.raises(ValidationError, match="機能ID 0020001 が 001 で始まっていません"):
        BusinessSpec.model_validate(
            business(functions=[{"function_id": "0020001", "name": "x", "class": "実装必須機能"}])
        )


def test_a_business_with_two_ids_accepts_both_prefixes() -> None:
    spec = BusinessSpec.model_validate(
        business(
            business_id="017",
            other_ids=["018"],
            functions=[
                {"function_id": "0170001", "name": "a", "class": "実装必須機能"},
                {"function_id": "0180001", "name": "b", "class": "標準オプション機能"},
            ],
        )
    )
    assert spec.ids == ("017", "018")


def test_item_id_must_start_with_its_business_id() -> None:
    with pytest.raises(ValidationError, match="データ項目ID 03100001 が 001 で始まっていません"):
        BusinessSpec.model_validate(business(layouts=[{"name": "住民", "items": [item(item_id="03100001")]}]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"item_id": "0010001"}, "が 8 桁の数字"),
        ({"romanized": "Atena Bango"}, "半角の英小文字、数字と _ だけ"),
        ({"type": "9V", "length": 5}, "桁数は 'n,m'"),
        ({"fraction_digits": 2}, "9V の項目にだけ書けます"),
        ({"length": 0}, "桁数は正の数にしてください"),
        ({"condition": "氏名未定でない場合"}, "条件付き必須の項目にだけ書けます"),
        ({"type": "Z"}, r"データ型 'Z' は使えません（使える値: X, Ｎ, 9, 9V, S9, BLOB, YEAR, DATE, TIME）"),
    ],
    ids=["id", "romanized", "9v-length", "fraction-on-x", "zero-length", "condition-on-required", "type"],
)
def test_item_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DataItem.model_validate(item(**changes))


def test_item_personal_flag_is_derived_from_sensitivity() -> None:
    number = DataItem.model_validate(
        item(
            item_id="00100002",
            name="個人番号",
            romanized="kojinbango",
            sensitivity="identifier",
            length=12,
            output_condition="任意",
        )
    )
    assert number.personal_data is True
    assert number.model_dump()["personal_data"] is True
    flagged = DataItem.model_validate(item(personal_data=True))
    assert flagged.sensitivity is Sensitivity.PERSONAL
    with pytest.raises(ValidationError, match="personal_data と sensitivity が食い違っています"):
        DataItem.model_validate(item(personal_data=False, sensitivity="identifier"))


def test_group_rejects_duplicate_items_and_strays() -> None:
    with pytest.raises(ValidationError, match="グループ 住民: データ項目ID 00100001 が重複しています"):
        DataGroup.model_validate({"name": "住民", "items": [item(), item(romanized="other")]})
    with pytest.raises(ValidationError, match="グループ 世帯 に別のグループ（住民）の項目があります"):
        DataGroup.model_validate({"name": "世帯", "items": [item()]})


def test_code_list_references_must_resolve() -> None:
    with pytest.raises(ValidationError, match="001: 項目が参照するコード一覧 001 が定義されていません"):
        BusinessSpec.model_validate(business(layouts=[{"name": "住民", "items": [item(code_list="001")]}]))


def test_catalog_rejects_a_link_to_an_unknown_business() -> None:
    spec = BusinessSpec.model_validate(business())
    with pytest.raises(ValidationError, match="カタログ t: 連携 001→010 の 010 はカタログにない業務IDです"):
        Catalog.model_validate(
            {
                "name": "t",
                "businesses": [spec],
                "links": [{"provider": "001", "consumer": "010", "data_group": "住民"}],
            }
        )


def test_models_are_frozen_and_reject_unknown_fields() -> None:
    spec = BusinessSpec.model_validate(business())
    with pytest.raises(ValidationError):
        spec.name = "x"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        BusinessSpec.model_validate(business(nmae="typo"))


def test_output_condition_parse() -> None:
    assert OutputCondition.parse("条件付き必須") is OutputCondition.CONDITIONAL
    with pytest.raises(ValueError, match="使える値: 必須、条件付き必須、任意"):
        OutputCondition.parse("時々")
    with chosen("en"), pytest.raises(ValueError, match="expected 必須, 条件付き必須 or 任意"):
        OutputCondition.parse("時々")


def test_public_api_exports_every_name_it_lists() -> None:
    import spec_catalog

    for name in spec_catalog.__all__:
        assert getattr(spec_catalog, name) is not None
    assert sorted(spec_catalog.__all__) == sorted(spec_catalog._MODULE_OF)


@pytest.mark.parametrize(
    ("romanized", "name", "expected"),
    [
        ("atenabango", "宛名番号", Sensitivity.PERSONAL),
        ("nayosesakiatenabango", "名寄せ先宛名番号", Sensitivity.PERSONAL),
        ("jutogaishaatenabango", "住登外者宛名番号", Sensitivity.PERSONAL),
        ("setainushi_atenabango", "世帯主宛名番号", Sensitivity.PERSONAL),
        ("setaibango", "世帯番号", Sensitivity.PERSONAL),
        ("hihokenshabango", "被保険者番号", Sensitivity.PERSONAL),
        ("jukyushabango", "受給者番号", Sensitivity.PERSONAL),
        ("togo_bango", "団体内統合宛名番号", Sensitivity.PERSONAL),
        ("kojinbango", "個人番号", Sensitivity.IDENTIFIER),
        ("juminhyokodo", "住民票コード", Sensitivity.IDENTIFIER),
        ("kisonenkinbango", "基礎年金番号", Sensitivity.IDENTIFIER),
        ("shimei", "氏名", Sensitivity.PERSONAL),
        ("seinengappi", "生年月日", Sensitivity.PERSONAL),
        ("jusho_shikuchosonkodo", "住所_市区町村コード", Sensitivity.NONE),
        ("jusho_yubinbango", "住所_郵便番号", Sensitivity.NONE),
        ("sosashaid", "操作者ID", Sensitivity.NONE),
        ("gyomuid", "業務ID", Sensitivity.NONE),
        ("daihyoatenafuragu", "代表宛名フラグ", Sensitivity.NONE),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() else None,
)
def test_identifiers_of_persons_are_personal(romanized: str, name: str, expected: Sensitivity) -> None:
    from spec_catalog.sensitivity import infer_sensitivity

    assert infer_sensitivity(romanized, name) is expected


def test_an_item_without_a_sensitivity_gets_the_inferred_one_and_an_override_is_kept() -> None:
    assert DataItem.model_validate(item()).sensitivity is Sensitivity.PERSONAL  # 宛名番号
    assert DataItem.model_validate(item(sensitivity="none")).sensitivity is Sensitivity.NONE
    assert DataItem.model_validate(item(name="性別", romanized="seibetsu")).sensitivity is Sensitivity.NONE


def test_the_id_scheme_has_001_to_039_with_parts_in_scope_with_their_parents() -> None:
    from spec_catalog.vocab import STANDARD_BUSINESSES, BusinessKind, parts_in_scope, standard_business_named

    assert [b.business_id for b in STANDARD_BUSINESSES] == [f"{n:03d}" for n in range(1, 40)]
    kinds = {kind: [b.business_id for b in STANDARD_BUSINESSES if b.kind is kind] for kind in BusinessKind}
    assert len(kinds[BusinessKind.CORE]) == 20
    assert kinds[BusinessKind.COMMON] == [f"0{n}" for n in range(29, 38)]
    assert kinds[BusinessKind.PART] == ["005", "007", "008", "009", "014", "015", "016", "018", "038", "039"]
    assert {b.business_id: b.name for b in parts_in_scope({"006", "012"})} == {
        "005": "選挙（共通）",
        "007": "期日前・不在者投票管理",
        "008": "当日投票管理",
        "009": "在外選挙管理",
        "014": "収納管理",
        "015": "滞納管理",
        "016": "地方税（共通）",
    }
    assert [b.business_id for b in parts_in_scope({"003"})] == ["038", "039"]
    assert [b.business_id for b in STANDARD_BUSINESSES if b.prefecture] == ["020", "021"]
    assert [b.business_id for b in STANDARD_BUSINESSES if b.held_by] == ["018"]
    assert standard_business_named("住民記録") is standard_business_named("住民基本台帳")


def test_the_embedded_businesses_agree_with_the_id_scheme() -> None:
    from spec_catalog import load_embedded
    from spec_catalog.vocab import BusinessKind, standard_business

    for spec in load_embedded().businesses:
        entry = standard_business(spec.business_id)
        assert entry is not None, spec.business_id
        assert (spec.name, spec.common, spec.prefecture_without_welfare_office) == (
            entry.name,
            entry.kind is BusinessKind.COMMON,
            entry.prefecture,
        )
        assert spec.other_ids == tuple(i for i in ("018",) if spec.business_id == "017")
