"""The readiness report names a sub-business with the business it belongs to, so 選挙 and 税 read as one family."""

from __future__ import annotations

import datetime as dt

import pytest

from fitgap.project import Thresholds
from fitgap.readiness import (
    BusinessReadiness,
    CatalogInput,
    ReadinessInputs,
    ReadinessReason,
    ReadinessReport,
    readiness_document,
    readiness_summary,
)
from spec_catalog.codes import Code


def _business(business_id: str, name: str) -> BusinessReadiness:
    reason = ReadinessReason(code=Code.READINESS_NOT_VALIDATED, ja="検証していません", en="not validated")
    return BusinessReadiness(
        business_id=business_id,
        name=name,
        verdict="NO-GO",
        reasons=(reason,),
        assessed=False,
        forced_gaps_unresolved=None,
        mandatory_undecided=None,
        open_actions=None,
        assessment_readiness=None,
        conversion="n/a",
        rows_read=0,
        rows_loaded=0,
        rows_quarantined=0,
        quarantine_rate=None,
        reconciled=None,
        quarantine_by_reason={},
        validation="missing",
        validation_errors=None,
        validation_warnings=None,
    )


def _report() -> ReadinessReport:
    businesses = (
        _business("010", "個人住民税"),
        _business("014", "収納管理"),
        _business("007", "期日前・不在者投票管理"),
    )
    inputs = ReadinessInputs(
        assessment=None,
        conversion_runs=(),
        validation=None,
        catalog=CatalogInput(name="catalog", sample=False, versions={}),
        tool_version="test",
        created=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC),
    )
    return ReadinessReport(
        municipality="013455 森町",
        catalog_sample=False,
        thresholds=Thresholds(),
        businesses=businesses,
        go=0,
        no_go=3,
        inputs=inputs,
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_go_no_go_table_names_a_part_with_its_family(lang: str) -> None:
    table = readiness_document(_report(), lang).tables[0]
    assert [row[:2] for row in table.rows] == [
        ("010", "個人住民税"),
        ("014", "収納管理（税）"),
        ("007", "期日前・不在者投票管理（選挙）"),
    ]


def test_the_summary_names_a_part_with_its_family() -> None:
    top = readiness_summary(_report(), "ja").top
    assert top is not None
    assert [row[1] for row in top.rows] == ["個人住民税", "収納管理（税）", "期日前・不在者投票管理（選挙）"]
