"""catalog diff: every kind of change between two versions of a business."""

from __future__ import annotations

from pathlib import Path

from spec_catalog import ChangeKind, DataType, FunctionClass, OutputCondition, diff_catalogs, load_embedded
from spec_catalog.diff import diff_business
from spec_catalog.models import BusinessSpec, Catalog, CodeList, CodeValue, DataGroup, FunctionRequirement


def _second_version() -> tuple[BusinessSpec, BusinessSpec]:
    old = load_embedded().business("001").model_copy(update={"spec_version": "第4.0版"})
    functions = list(old.functions)
    functions[0] = functions[0].model_copy(update={"name": "転入届の受付"})  # renamed
    functions[17] = functions[17].model_copy(update={"function_class": FunctionClass.MANDATORY})  # option → mandatory
    functions[1] = functions[1].model_copy(update={"requirement": "新しい要件"})  # text changed
    removed = functions.pop(21)
    functions.append(FunctionRequirement(function_id="0019099", name="新機能", function_class=FunctionClass.OPTIONAL))
    residents, households = old.layouts
    items = list(residents.items)
    items[1] = items[1].model_copy(update={"type": DataType.FULL_WIDTH})
    items[4] = items[4].model_copy(update={"length": 200, "name": "氏名（漢字）"})
    items[6] = items[6].model_copy(update={"output_condition": OutputCondition.REQUIRED})
    items[2] = items[2].model_copy(update={"primary_key": True})
    items[9] = items[9].model_copy(update={"code_list": "003"})
    items[22] = items[22].model_copy(update={"code_list": None})  # 異動事由 loses its code list (005)
    gone = items.pop(24)
    items.append(
        items[0].model_copy(
            update={"item_id": "00100099", "name": "新項目", "romanized": "shinkomoku", "primary_key": False}
        )
    )
    code_lists = list(old.code_lists)
    code_lists[0] = CodeList(
        code_list_id="001", name="性別", values=(*code_lists[0].values, CodeValue(code="9", label="その他"))
    )
    code_lists.pop()
    code_lists.append(CodeList(code_list_id="009", name="新コード", open=True))
    new = old.model_copy(
        update={
            "spec_version": "第5.0版",
            "functions": tuple(functions),
            "layouts": (DataGroup(name="住民", items=tuple(items)),),
            "code_lists": tuple(code_lists),
        }
    )
    assert removed.function_id == "0019022" and gone.item_id == "00100025" and households.name == "世帯"
    return old, BusinessSpec.model_validate(new.model_dump())


def test_every_kind_of_change_is_reported() -> None:
    old, new = _second_version()
    changes = diff_business(old, new)
    found = {(c.kind, c.target): (c.old, c.new) for c in changes}
    assert found[(ChangeKind.VERSION_CHANGED, "001")] == ("第4.0版", "第5.0版")
    assert found[(ChangeKind.FUNCTION_RENAMED, "0019001")] == ("転入", "転入届の受付")
    assert found[(ChangeKind.FUNCTION_RECLASSIFIED, "0019018")] == ("標準オプション機能", "実装必須機能")
    assert found[(ChangeKind.FUNCTION_TEXT_CHANGED, "0019002")][1] == "新しい要件"
    assert (ChangeKind.FUNCTION_REMOVED, "0019022") in found
    assert found[(ChangeKind.FUNCTION_ADDED, "0019099")] == (None, "標準オプション機能")
    assert (ChangeKind.GROUP_REMOVED, "世帯") in found
    assert found[(ChangeKind.ITEM_TYPE_CHANGED, "00100002")] == ("X", "Ｎ")
    assert found[(ChangeKind.ITEM_LENGTH_CHANGED, "00100005")] == ("100", "200")
    assert found[(ChangeKind.ITEM_RENAMED, "00100005")] == ("氏名 (shimei)", "氏名（漢字） (shimei)")
    assert found[(ChangeKind.ITEM_CONDITION_CHANGED, "00100007")] == ("任意", "必須")
    assert found[(ChangeKind.ITEM_KEY_CHANGED, "00100003")] == ("-", "PK")
    assert found[(ChangeKind.ITEM_CODE_LIST_CHANGED, "00100010")] == ("001", "003")
    assert (ChangeKind.ITEM_REMOVED, "00100025") in found
    assert (ChangeKind.ITEM_ADDED, "00100099") in found
    assert found[(ChangeKind.CODE_VALUES_CHANGED, "001")][1] == "0:不明, 1:男, 2:女, 9:その他"
    assert (ChangeKind.CODE_LIST_REMOVED, "005") in found
    assert found[(ChangeKind.CODE_LIST_ADDED, "009")] == (None, "任意")
    # The 世帯 group's items left with the group.
    assert sum(1 for c in changes if c.kind is ChangeKind.ITEM_REMOVED) == 1 + 5


def test_identical_catalogs_have_no_changes_and_counts_follow_kinds() -> None:
    catalog = load_embedded()
    assert diff_catalogs(catalog, catalog).changes == ()
    old, new = _second_version()
    result = diff_catalogs(Catalog(name="old", businesses=(old,)), Catalog(name="new", businesses=(new,)))
    assert result.counts["item_removed"] == 6
    assert list(result.counts) == [k.value for k in ChangeKind if k.value in result.counts]


def test_businesses_added_and_removed_and_filter() -> None:
    catalog = load_embedded()
    smaller = Catalog(name="s", businesses=catalog.businesses[:2])
    result = diff_catalogs(smaller, Catalog(name="t", businesses=catalog.businesses[1:3]))
    assert [(c.kind, c.business_id) for c in result.changes] == [
        (ChangeKind.BUSINESS_REMOVED, "001"),
        (ChangeKind.BUSINESS_ADDED, "003"),
    ]
    assert diff_catalogs(smaller, catalog, ["002"]).changes == ()


def test_two_versions_of_one_business_held_side_by_side(tmp_path: Path) -> None:
    from spec_catalog.diff import diff_sources
    from spec_catalog.store import write_business

    old = load_embedded().business("032").model_copy(update={"spec_version": "第2.0版"})
    new = old.model_copy(update={"spec_version": "第2.1版", "functions": old.functions[1:]})
    write_business(tmp_path, old)
    write_business(tmp_path, new)
    result = diff_sources(f"{tmp_path}@第2.0版", f"{tmp_path}@第2.1版")
    assert [(c.kind, c.target) for c in result.changes] == [
        (ChangeKind.VERSION_CHANGED, "032"),
        (ChangeKind.FUNCTION_REMOVED, old.functions[0].function_id),
    ]
    assert (result.old, result.new) == (f"{tmp_path.name}@第2.0版", f"{tmp_path.name}@第2.1版")
