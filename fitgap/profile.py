"""A municipality profile: who the municipality is and which businesses are in its scope."""

from __future__ import annotations

from spec_catalog.base import FrozenModel, UsageError
from spec_catalog.localgov import lookup
from spec_catalog.models import Catalog


class MunicipalityProfile(FrozenModel):
    code: str  # 6-digit 全国地方公共団体コード
    name: str
    prefecture: str
    welfare_office: bool  # whether it has its own 福祉事務所
    businesses: tuple[str, ...]  # 業務IDs in scope

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}（{self.prefecture}）"


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
    has_office = government.kind in ("市", "区") if welfare_office is None else welfare_office
    if businesses:
        scope = [catalog.business(b).business_id for b in businesses]
    else:
        scope = [
            b.business_id
            for b in catalog.businesses
            if not b.common and (has_office or not b.prefecture_without_welfare_office)
        ]
    if not scope:
        raise UsageError("the profile has no business in scope", hint="name at least one 業務ID")
    return MunicipalityProfile(
        code=government.code,
        name=government.name,
        prefecture=government.prefecture,
        welfare_office=has_office,
        businesses=tuple(dict.fromkeys(scope)),
    )
