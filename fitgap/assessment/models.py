"""What a filled assessment workbook holds, as read (values already checked against their lists)."""

from __future__ import annotations

import datetime as dt

from fitgap.assessment.vocab import CurrentLinkMethod, CurrentUse, Fate, GapClass, Status
from spec_catalog.base import FrozenModel
from spec_catalog.findings import Finding
from spec_catalog.vocab import FunctionClass


class Place(FrozenModel):
    sheet: str
    row: int


class FunctionRow(FrozenModel):
    business_id: str
    function_id: str
    name: str
    function_class: FunctionClass  # from the catalog, whatever the sheet says
    current_use: CurrentUse | None = None
    practice: str = ""
    gap_class: GapClass | None = None
    policy: str = ""
    owner: str = ""
    due: dt.date | None = None
    status: Status | None = None
    matched_from: str = ""
    confidence: float | None = None
    place: Place


class CustomRow(FrozenModel):
    name: str
    description: str = ""
    system: str = ""
    business_id: str | None = None
    fate: Fate | None = None
    owner: str = ""
    due: dt.date | None = None
    status: Status | None = None
    place: Place


class LinkRow(FrozenModel):
    provider: str
    consumer: str
    data: str = ""
    method: CurrentLinkMethod | None = None
    frequency: str = ""
    note: str = ""
    place: Place


class FilledAssessment(FrozenModel):
    file: str
    catalog: str | None  # the catalog the template was made from (its _fitgap sheet)
    municipality: str | None
    businesses: tuple[str, ...]
    functions: tuple[FunctionRow, ...]
    custom: tuple[CustomRow, ...]
    links: tuple[LinkRow, ...]
    findings: tuple[Finding, ...]
