"""A municipality profile: who the local government is and which businesses are in its scope.

Scope by default, from the standard's ID scheme (spec_catalog.vocab.STANDARD_BUSINESSES, domain.md §2):

- a city or a ward: the 20 core businesses; a town or a village without a 福祉事務所: the same without 生活保護
  and 児童扶養手当, which its prefecture runs for it;
- a prefecture (130001 東京都): only 生活保護 and 児童扶養手当, which it runs for its towns and villages without a
  福祉事務所 — the other businesses are the municipalities';
- with each business in scope, its parts (sub-businesses with their own 業務ID): 005, 007–009 with 006
  選挙人名簿管理; 014–016 with any of the taxes 010–013; 018 with 017 就学; 038 and 039 with 003 戸籍.

A business of the scope that the catalog has no content for (e.g. 014 before its workbook is imported) is
listed in ``not_in_catalog``: the commands work on ``businesses``, the ones the catalog holds.
"""

from __future__ import annotations

from spec_catalog.base import FrozenModel, UsageError
from spec_catalog.language import say
from spec_catalog.localgov import lookup
from spec_catalog.models import Catalog
from spec_catalog.vocab import (
    STANDARD_BUSINESSES,
    BusinessKind,
    StandardBusiness,
    parts_in_scope,
    standard_business,
    standard_business_named,
)


class MunicipalityProfile(FrozenModel):
    code: str  # 6-digit 全国地方公共団体コード
    name: str
    prefecture: str
    welfare_office: bool  # whether it has its own 福祉事務所 (a prefecture has)
    businesses: tuple[str, ...]  # 業務IDs in scope that the catalog holds
    is_prefecture: bool = False
    not_in_catalog: tuple[str, ...] = ()  # 業務IDs in scope that the catalog has no content for

    @property
    def label(self) -> str:
        if self.is_prefecture:
            return f"{self.code} {self.name}"
        return f"{self.code} {self.name}（{self.prefecture}）"


def is_prefecture_code(code: str) -> bool:
    """A prefecture's 団体コード is its JIS X 0401 number followed by 000 and the check digit (130001 東京都)."""
    return len(code) == 6 and code[2:5] == "000"


def default_scope(catalog: Catalog, *, prefecture: bool, welfare_office: bool) -> list[str]:
    """The businesses in scope before their parts are added; see the module's docstring."""
    if prefecture:
        return [b.business_id for b in STANDARD_BUSINESSES if b.prefecture]
    core = [
        b.business_id
        for b in STANDARD_BUSINESSES
        if b.kind is BusinessKind.CORE and (welfare_office or not b.prefecture)
    ]
    # A business a catalog adds beyond the ID scheme is in scope like a core one, unless it is a common function.
    extra = [b.business_id for b in catalog.businesses if standard_business(b.business_id) is None and not b.common]
    return core + extra


def _named(key: str, catalog: Catalog) -> str:
    """The 業務ID a user named by ID or name: from the catalog, else from the ID scheme (not yet imported)."""
    found = catalog.find(key) or next((b for b in catalog.businesses if key in (b.name, b.name_en)), None)
    if found is not None:
        return key if key in found.ids else found.business_id
    entry: StandardBusiness | None = standard_business(key) or standard_business_named(key)
    if entry is not None:
        return entry.business_id
    return catalog.business(key).business_id  # raises the error that lists the choices


def build_profile(
    code: str,
    catalog: Catalog,
    *,
    welfare_office: bool | None = None,
    businesses: list[str] | None = None,
) -> MunicipalityProfile:
    """The profile of ``code``. Cities and wards have a 福祉事務所; towns and villages are assumed not to
    (the prefecture then runs 生活保護 and 児童扶養手当) unless ``welfare_office`` says otherwise."""
    government = lookup(code)
    prefecture = is_prefecture_code(government.code)
    if prefecture and welfare_office is False:
        raise UsageError(
            say(
                f"{government.label}: 都道府県は生活保護と児童扶養手当を自らの福祉事務所で行います",
                f"{government.label}: a prefecture runs 生活保護 and 児童扶養手当 through its own 福祉事務所",
            ),
            hint=say(
                "都道府県には --no-welfare-office を付けないでください",
                "leave out --no-welfare-office for a prefecture",
            ),
        )
    has_office = prefecture or (government.kind in ("市", "区") if welfare_office is None else welfare_office)
    chosen = (
        [_named(b, catalog) for b in businesses]
        if businesses
        else default_scope(catalog, prefecture=prefecture, welfare_office=has_office)
    )
    scope = sorted(set(chosen) | {part.business_id for part in parts_in_scope(set(chosen))})
    held = [found.business_id for i in scope if (found := catalog.find(i)) is not None]
    in_catalog = tuple(sorted(set(held)))
    if not in_catalog:
        raise UsageError(
            say(
                "対象の業務のうち、カタログにあるものが一つもありません",
                "the profile has no business in scope that the catalog holds",
            ),
            hint=say(
                "'fitgap catalog list' にある業務IDを一つ以上指定するか、その業務の仕様書を取り込んでください",
                "name at least one 業務ID of 'fitgap catalog list', or import its workbook",
            ),
        )
    return MunicipalityProfile(
        code=government.code,
        name=government.name,
        prefecture=government.prefecture,
        welfare_office=has_office,
        businesses=in_catalog,
        is_prefecture=prefecture,
        not_in_catalog=tuple(i for i in scope if catalog.find(i) is None),
    )
