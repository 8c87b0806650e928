from __future__ import annotations

import pytest

from fitgap.profile import build_profile
from spec_catalog import FitgapError, load_embedded
from spec_catalog.localgov import all_local_governments, lookup

CATALOG = load_embedded()


def test_mori_town_has_18_businesses() -> None:
    profile = build_profile("013455", CATALOG)
    assert (profile.name, profile.prefecture, profile.welfare_office) == ("森町", "北海道", False)
    assert len(profile.businesses) == 18
    assert "020" not in profile.businesses and "021" not in profile.businesses


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
    with pytest.raises(FitgapError) as info:
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
