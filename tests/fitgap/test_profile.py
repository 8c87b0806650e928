from __future__ import annotations

from pathlib import Path

import pytest

from fitgap.profile import build_profile
from spec_catalog import FitgapError, UsageError, load_embedded
from spec_catalog.language import chosen
from spec_catalog.localgov import all_local_governments, lookup

CATALOG = load_embedded()


PARTS_NOT_IN_THE_EMBEDDED_CATALOG = ("005", "007", "008", "009", "014", "015", "016", "038", "039")


def test_mori_town_has_18_businesses() -> None:
    profile = build_profile("013455", CATALOG)
    assert (profile.name, profile.prefecture, profile.welfare_office) == ("森町", "北海道", False)
    assert len(profile.businesses) == 18
    assert "020" not in profile.businesses and "021" not in profile.businesses
    # The parts of 選挙, 税 and 戸籍 come into scope with them; the embedded catalog has no content for them.
    assert profile.not_in_catalog == PARTS_NOT_IN_THE_EMBEDDED_CATALOG
    assert (profile.is_prefecture, profile.label) == (False, "013455 森町（北海道）")


def test_a_prefecture_runs_public_assistance_and_child_rearing_allowance() -> None:
    profile = build_profile("130001", CATALOG)
    assert (profile.code, profile.name, profile.is_prefecture, profile.welfare_office) == (
        "130001",
        "東京都",
        True,
        True,
    )
    assert (profile.businesses, profile.not_in_catalog, profile.label) == (("020", "021"), (), "130001 東京都")
    assert build_profile("01000", CATALOG).businesses == ("020", "021")  # 北海道, from its 5-digit code
    with pytest.raises(UsageError) as refused:
        build_profile("130001", CATALOG, welfare_office=False)
    assert (refused.value.message.split(": ", 1)[1], refused.value.hint) == (
        "都道府県は生活保護と児童扶養手当を自らの福祉事務所で行います",
        "都道府県には --no-welfare-office を付けないでください",
    )
    with chosen("en"), pytest.raises(UsageError) as refused:
        build_profile("130001", CATALOG, welfare_office=False)
    assert (refused.value.message.split(": ", 1)[1], refused.value.hint) == (
        "a prefecture runs 生活保護 and 児童扶養手当 through its own 福祉事務所",
        "leave out --no-welfare-office for a prefecture",
    )


def test_imported_parts_come_into_scope_with_their_parent(tmp_path: Path) -> None:
    from spec_catalog import resolve_catalog
    from spec_catalog.importers import scheme_business
    from spec_catalog.models import BusinessSpec
    from spec_catalog.store import write_business

    for business_id in ("007", "014"):
        function = {"function_id": f"{business_id}9001", "name": "サンプル", "class": "実装必須機能"}
        write_business(
            tmp_path,
            BusinessSpec.model_validate({**scheme_business(business_id).model_dump(), "functions": [function]}),
        )
    catalog = resolve_catalog(tmp_path)
    town = build_profile("013455", catalog)
    assert len(town.businesses) == 20 and {"007", "014"} <= set(town.businesses)
    assert "007" not in town.not_in_catalog and "005" in town.not_in_catalog
    assert build_profile("131016", catalog, businesses=["選挙人名簿管理"]).businesses == ("006", "007")
    assert build_profile("131016", catalog, businesses=["012"]).businesses == ("012", "014")
    assert build_profile("131016", catalog, businesses=["017"]).businesses == ("017",)  # 018 is in 017's file


def test_a_town_with_its_own_welfare_office() -> None:
    assert len(build_profile("013455", CATALOG, welfare_office=True).businesses) == 20


def test_a_city_has_all_20() -> None:
    profile = build_profile("011002", CATALOG)
    assert (profile.name, profile.welfare_office, len(profile.businesses)) == ("札幌市", True, 20)


def test_named_businesses() -> None:
    assert build_profile("131016", CATALOG, businesses=["住民基本台帳", "024"]).businesses == ("001", "024")


def test_a_legacy_five_digit_code_is_completed() -> None:
    assert lookup("01345").code == "013455"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("013456", "013456 has a wrong check digit (expected 5) — did you mean 013455 森町（北海道）?"),
        ("019992", "no local government has the code 019992 — nearest valid codes: 019640 Haboro"),
        (
            "abc",
            "'abc' is not a 全国地方公共団体コード — give the 6-digit code with its check digit, e.g. 013455 for 森町 (北海道)",
        ),
    ],
    ids=["check-digit", "unknown", "not-a-code"],
)
def test_wrong_codes_name_the_nearest_valid_ones(code: str, message: str) -> None:
    with chosen("en"), pytest.raises(FitgapError) as info:  # the English wording: the codes it names are the point
        lookup(code)
    if code == "019992":
        assert info.value.one_line().startswith("no local government has the code 019992 — nearest valid codes: ")
        assert info.value.one_line().count("（") == 3
    else:
        assert info.value.one_line() == message


def test_the_embedded_table_is_the_national_list() -> None:
    governments = all_local_governments()
    assert len(governments) == 1916
    assert {g.kind for g in governments} == {"市", "区", "町", "村"}
