"""The outcome of a transform on one value: the new value, or the reason it cannot be converted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Converted:
    value: str | None
    reason: str | None = None  # a reason code (spec_catalog.codes) when the value is rejected
    detail: str | None = None  # what rule failed, for the quarantine's `rule` column
    extra: str | None = None  # a second output, e.g. the 不詳表記 text split off a date

    @property
    def ok(self) -> bool:
        return self.reason is None


def rejected(reason: str, detail: str) -> Converted:
    return Converted(value=None, reason=reason, detail=detail)
