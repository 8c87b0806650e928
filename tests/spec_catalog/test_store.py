"""Catalog directories: loading, overlaying on the embedded catalog, and errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec_catalog import CatalogError, FitgapError, Sensitivity, Source, load_embedded, resolve_catalog
from spec_catalog.language import chosen
from spec_catalog.store import business_file_name, dump_business, load_any, load_directory, write_business


def test_written_files_read_back_equal() -> None:
    spec = load_embedded().business("031")
    assert "personal_data" not in dump_business(spec)  # derived, never stored


def test_round_trip(tmp_path: Path) -> None:
    spec = load_embedded().business("001")
    path = write_business(tmp_path, spec)
    assert path.name == "001.yaml"
    assert load_directory(tmp_path).business("001") == spec.model_copy(update={"import_number": 1})
    assert write_business(tmp_path, spec).name == "001.yaml"
    assert load_directory(tmp_path).business("001").import_number == 2  # every write is the latest import


def test_a_sensitivity_override_is_written_and_an_inferred_one_is_left_to_the_rules(tmp_path: Path) -> None:
    spec = load_embedded().business("031")
    group = spec.layouts[0]
    overridden = [
        i.model_copy(update={"sensitivity": Sensitivity.NONE}) if i.name == "宛名番号" else i for i in group.items
    ]
    changed = spec.model_copy(update={"layouts": (group.model_copy(update={"items": tuple(overridden)}),)})
    text = dump_business(changed)
    assert text.count("sensitivity:") == 1 and "sensitivity: none" in text
    write_business(tmp_path, changed)
    items = {i.name: i for i in load_directory(tmp_path).business("031").layouts[0].items}
    assert items["宛名番号"].sensitivity is Sensitivity.NONE
    assert items["名寄せ先宛名番号"].sensitivity is Sensitivity.PERSONAL
    assert items["個人番号"].sensitivity is Sensitivity.IDENTIFIER


def _versions(tmp_path: Path, versions: list[str | None]) -> str | None:
    base = load_embedded().business("032")
    for version in versions:
        write_business(tmp_path, base.model_copy(update={"spec_version": version}))
    return load_directory(tmp_path).business("032").spec_version


@pytest.mark.parametrize(
    ("imports", "used"),
    [
        (["第2.0版", "第2.1版"], "第2.1版"),
        (["第2.1版", "第2.0版"], "第2.1版"),  # an older 版 imported later does not replace the newer one
        (["第2.1版", None], None),  # no version to compare: the latest import is used
        ([None, "第2.0版"], "第2.0版"),
        (["第2.1版", None, "第2.0版"], "第2.1版"),
        (["令和5年9月", "第2.0版"], "第2.0版"),  # two forms that do not compare: the latest import
        (["令和5年9月", "令和5年3月"], "令和5年9月"),
    ],
    ids=["newer-later", "older-later", "unversioned-later", "versioned-later", "three", "two-forms", "months"],
)
def test_the_latest_import_is_used_unless_versions_say_otherwise(
    tmp_path: Path, imports: list[str | None], used: str | None
) -> None:
    assert _versions(tmp_path, imports) == used


def test_files_written_by_hand_rank_by_version(tmp_path: Path) -> None:
    base = load_embedded().business("032")
    for version in ("第2.1版", None, "第2.0版"):
        spec = base.model_copy(update={"spec_version": version})
        (tmp_path / business_file_name(spec)).write_text(dump_business(spec), encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["032.yaml", "032_v2.0.yaml", "032_v2.1.yaml"]
    assert load_directory(tmp_path).business("032").spec_version == "第2.1版"


def test_one_version_of_a_directory(tmp_path: Path) -> None:
    _versions(tmp_path, ["第2.0版", None, "第2.1版"])
    assert load_any(f"{tmp_path}@第2.0版").business("032").spec_version == "第2.0版"
    assert load_any(f"{tmp_path}@2.1").business("032").spec_version == "第2.1版"
    assert load_any(f"{tmp_path}@unversioned").business("032").spec_version is None
    with pytest.raises(CatalogError) as info:
        load_any(f"{tmp_path}@第9.0版")
    assert info.value.one_line() == (
        f"{tmp_path}: カタログのフォルダに版 第9.0版 の業務のファイルがありません — "
        "このフォルダにあるもの: 032 unversioned, 032 第2.0版, 032 第2.1版"
    )
    with chosen("en"), pytest.raises(CatalogError) as info:
        load_any(f"{tmp_path}@第9.0版")
    assert info.value.one_line() == (
        f"{tmp_path}: no business file of version 第9.0版 in the catalog directory — "
        "the directory holds: 032 unversioned, 032 第2.0版, 032 第2.1版"
    )


def test_file_names_of_versions() -> None:
    base = load_embedded().business("032")
    names = [
        business_file_name(base.model_copy(update={"spec_version": version}))
        for version in (None, "第2.1版", "令和5年9月", "初版")
    ]
    assert names == ["032.yaml", "032_v2.1.yaml", "032_m2023-09.yaml", "032_version.yaml"]


def test_an_imported_directory_overlays_the_embedded_catalog(tmp_path: Path) -> None:
    spec = load_embedded().business("024").model_copy(update={"source": Source.IMPORTED, "spec_version": "第3.0版"})
    write_business(tmp_path, spec)
    catalog = resolve_catalog(tmp_path)
    assert len(catalog.businesses) == 29
    assert catalog.business("024").source is Source.IMPORTED
    assert catalog.business("001").source is Source.SAMPLE
    assert catalog.links == load_embedded().links
    assert (tmp_path / "024_v3.0.yaml").exists()


def _business_yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "001.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """business_id: '001'
name: 住民基本台帳
name_en: Resident registry
spec_name: 住民記録システム標準仕様書
ministry: 総務省
source: sample
"""


def test_a_typo_names_its_line_and_suggests_the_field(tmp_path: Path) -> None:
    _business_yaml(tmp_path, BASE + "functions:\n- function_id: '0010001'\n  name: 転入\n  clas: 実装必須機能\n")
    with pytest.raises(FitgapError) as info:
        load_directory(tmp_path)
    assert info.value.one_line() == (
        f"{tmp_path / '001.yaml'}:10: functions.0.clas: この項目は使えません — 'class' の書き間違いではありませんか？"
        "（ほかに 1 件: すべて見るには 'fitgap --debug' で実行してください）"
    )
    with chosen("en"), pytest.raises(FitgapError) as info:
        load_directory(tmp_path)
    assert info.value.one_line() == (
        f"{tmp_path / '001.yaml'}:10: functions.0.clas: Extra inputs are not permitted — did you mean 'class'? "
        "(and 1 more: run 'fitgap --debug' to see all)"
    )


def test_a_bad_value_names_its_line(tmp_path: Path) -> None:
    _business_yaml(tmp_path, BASE + "functions:\n- function_id: '001001'\n  name: 転入\n  class: 実装必須機能\n")
    with pytest.raises(FitgapError, match=r"001.yaml:8: functions.0.function_id: 機能ID '001001' が 7 桁の数字"):
        load_directory(tmp_path)


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    _business_yaml(tmp_path, BASE + "functions: [\n")
    with pytest.raises(FitgapError, match=r"001.yaml:8: YAML として読めません"):
        load_directory(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "001.yaml").write_bytes("name: 住民".encode("cp932"))
    with pytest.raises(FitgapError, match="UTF-8 のテキストではありません"):
        load_directory(tmp_path)


def test_missing_and_empty_directories(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="カタログのフォルダが見つかりません"):
        load_directory(tmp_path / "nope")
    with pytest.raises(CatalogError, match=r"カタログのフォルダに業務のファイル（\*.yaml）がありません"):
        load_directory(tmp_path)
    with pytest.raises(FitgapError, match="そのようなカタログはありません"):
        load_any(tmp_path / "nope")
    with chosen("en"), pytest.raises(CatalogError, match="catalog directory not found"):
        load_directory(tmp_path / "nope")


def test_unknown_business_lists_choices() -> None:
    with pytest.raises(CatalogError, match=r"業務 '999' がありません.*例: 001 住民基本台帳"):
        load_embedded().business("999")
