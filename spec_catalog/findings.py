"""Findings: bad *data* is a result with a stable code, never an exception.

Every package reports problems in its input data this way (assessment workbooks, legacy exports,
validation). A finding's value is already masked when it is personal data.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code, Severity, severity_of
from spec_catalog.language import say

__all__ = ["Code", "Finding", "Location", "Severity"]


class Location(FrozenModel):
    """Where a finding is: as much of file, sheet and cell, line, byte offset and column as applies."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None
    byte_offset: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file, f"'{self.sheet}'" if self.sheet else None, self.cell]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.byte_offset is not None:
            parts.append(f"byte {self.byte_offset}")
        if self.column:
            parts.append(self.column)
        return " ".join(p for p in parts if p)


class Finding(FrozenModel):
    """A problem in input data. Its code and severity come from the code catalogue (spec_catalog.codes)."""

    code: Code  # stable, e.g. ASSESS_UNKNOWN_FUNCTION_ID
    severity: Severity = Severity.ERROR  # always the catalogue's (filled in or checked below)
    message: str
    location: Location = Location()
    value: str | None = None  # masked where the item is personal data

    @model_validator(mode="before")
    @classmethod
    def _catalogue_severity(cls, data: Any) -> Any:
        # The catalogue decides a code's severity: given, it must agree; left out, it is filled in.
        if isinstance(data, dict) and data.get("code") in Code.__members__:
            expected = severity_of(data["code"])
            given = data.get("severity")
            if given is None:
                data = {**data, "severity": expected}
            elif Severity(given) is not expected:
                raise ValueError(
                    say(
                        f"{data['code']} の重大度はコード一覧では {expected.value} です（{given} ではありません）",
                        f"{data['code']} is a {expected.value} in the code catalogue, not {given}",
                    )
                )
        return data
