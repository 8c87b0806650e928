"""The embedded catalog: 20 businesses plus the common functions, sample function lists, real 031 layout."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from spec_catalog import FunctionClass, Source, load_embedded
from spec_catalog.importers import import_workbook
from spec_catalog.store import EMBEDDED_DIR, load_directory

CATALOG = load_embedded()
STANDARD = [
    "001",
    "002",
    "003",
    "004",
    "006",
    "010",
    "011",
    "012",
    "013",
    "017",
    "019",
    "020",
    "021",
    "022",
    "023",
    "024",
    "025",
    "026",
    "027",
    "028",
]
COMMON = ["029", "030", "031", "032", "033", "034", "035", "036", "037"]


def test_the_twenty_businesses_and_the_common_functions() -> None:
    assert [b.business_id for b in CATALOG.businesses if not b.common] == STANDARD
    assert [b.business_id for b in CATALOG.businesses if b.common] == COMMON
    assert CATALOG.business("017").ids == ("017", "018")
    assert CATALOG.business("住民基本台帳").business_id == "001"


def test_prefecture_runs_welfare_businesses_for_towns_without_an_office() -> None:
    assert {b.business_id for b in CATALOG.businesses if b.prefecture_without_welfare_office} == {
        "020",
        "021",
    }


# 031 and 032 hold the real functions of the 共通機能標準仕様書 (tests/spec_catalog/test_import_docx.py).
REAL = ["031", "032"]
SAMPLES = [b for b in STANDARD + COMMON if b not in REAL]


def test_every_business_but_the_real_common_functions_is_marked_as_a_sample() -> None:
    assert [b.business_id for b in CATALOG.businesses if b.source is not Source.SAMPLE] == REAL
    assert all(CATALOG.business(b).source is Source.OFFICIAL for b in REAL)
    assert CATALOG.is_sample


@pytest.mark.parametrize("business_id", SAMPLES)
def test_function_lists_have_20_to_60_functions_of_all_three_classes(business_id: str) -> None:
    spec = CATALOG.business(business_id)
    assert 20 <= len(spec.functions) <= 60
    assert set(Counter(f.function_class for f in spec.functions)) == set(FunctionClass)


@pytest.mark.parametrize("business_id", SAMPLES)
def test_sample_function_ids_are_in_the_sample_range(business_id: str) -> None:
    # Sequences 9001-9999: never used by a published function list (docs/catalog.md), so a sample ID is
    # never taken for a real function.
    spec = CATALOG.business(business_id)
    assert all(9001 <= int(f.function_id[3:]) <= 9999 for f in spec.functions)
    assert "サンプル" in (spec.attribution or "")


@pytest.mark.parametrize(
    ("business_id", "group", "items"),
    [
        ("001", "住民", 28),
        ("001", "世帯", 5),
        ("024", "被保険者", 18),
        ("010", "課税対象者", 18),
        ("031", "住登外者宛名基本情報", 29),
    ],
)
def test_layouts(business_id: str, group: str, items: int) -> None:
    layout = CATALOG.business(business_id).group(group)
    assert layout is not None
    assert len(layout.items) == items
    assert layout.primary_key


def test_resident_group_has_the_items_the_migration_needs() -> None:
    residents = CATALOG.business("001").group("住民")
    assert residents is not None
    names = {i.name for i in residents.items}
    assert {
        "宛名番号",
        "世帯番号",
        "氏名",
        "氏名_読み仮名",
        "生年月日",
        "生年月日_不詳表記",
        "性別",
        "続柄",
        "住所_市区町村コード",
        "住所_町字コード",
        "住所_郵便番号",
        "住民となった年月日",
        "異動事由",
        "個人番号",
    } <= names
    by_name = {i.name: i for i in residents.items}
    assert by_name["個人番号"].personal_data and by_name["住民票コード"].personal_data
    assert by_name["氏名"].personal_data and not by_name["性別"].personal_data


def test_national_health_insurance_has_a_compound_key() -> None:
    group = CATALOG.business("024").group("被保険者")
    assert group is not None
    assert [i.name for i in group.primary_key] == ["宛名番号", "資格取得年月日"]


def test_embedded_031_is_exactly_what_the_importer_reads_from_the_real_file(
    spec_workbook: Path, tmp_path: Path
) -> None:
    import_workbook(spec_workbook, tmp_path)
    fresh = load_directory(tmp_path).business("031")
    embedded = CATALOG.business("031")
    assert fresh.layouts == embedded.layouts
    assert fresh.code_lists == embedded.code_lists
    assert "デジタル庁" in (embedded.attribution or "") and "加工して作成" in (embedded.attribution or "")


def test_links_name_known_groups_of_the_provider_where_it_has_a_layout() -> None:
    for link in CATALOG.links:
        provider = CATALOG.business(link.provider)
        if provider.layouts and link.provider in {"001", "010", "024", "031"}:
            assert provider.group(link.data_group) is not None, link


def test_embedded_files_are_one_per_business() -> None:
    files = sorted(p.name for p in EMBEDDED_DIR.glob("*.yaml") if p.name != "catalog.yaml")
    assert files == [f"{b}.yaml" for b in sorted(STANDARD + COMMON)]
