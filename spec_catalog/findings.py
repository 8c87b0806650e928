"""Findings: bad *data* is a result with a stable code, never an exception.

Every package reports problems in its input data this way (assessment workbooks, legacy exports,
validation). A finding's value is already masked when it is personal data.
"""

from __future__ import annotations

from enum import StrEnum

from spec_catalog.base import FrozenModel


class Severity(StrEnum):
    ERROR = "error"  # the result is wrong or incomplete until fixed; the command exits 1
    WARNING = "warning"  # needs a person's look; does not fail the run
    INFO = "info"


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
    code: str  # stable, e.g. ASSESS_UNKNOWN_FUNCTION_ID
    severity: Severity
    message: str
    location: Location = Location()
    value: str | None = None  # masked where the item is personal data
