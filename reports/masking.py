"""Masking personal data in every report, log line, error message and finding (on by default).

- identifier (個人番号, 住民票コード): only the last 4 characters show: ``********9018``.
- personal (names, birth dates, addresses): the first character shows, the rest is ``＊``.
``--unmask`` (explicit, per command, with a warning) turns it off for authorised users.
"""

from __future__ import annotations

from spec_catalog.models import BusinessSpec
from spec_catalog.vocab import Sensitivity

MASK = "*"
WIDE_MASK = "＊"


def mask(value: str | None, sensitivity: Sensitivity, *, unmask: bool = False) -> str | None:
    if value is None or unmask or sensitivity is Sensitivity.NONE:
        return value
    if sensitivity is Sensitivity.IDENTIFIER:
        return MASK * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else MASK * len(value)
    return value[:1] + WIDE_MASK * max(len(value) - 1, 0)


def mask_text(value: str | None) -> str | None:
    """For a value whose item is not known (a whole row): show only its length."""
    return None if value is None else f"<{len(value)} characters>"


def masked_samples(spec: BusinessSpec) -> BusinessSpec:
    """The business with the sample values of identifier items (個人番号 …) masked: a catalog printed or
    exported is an output like any other, and a spec's sample can look like a real number."""
    layouts = tuple(
        group.model_copy(
            update={
                "items": tuple(
                    item.model_copy(update={"sample": mask(item.sample, item.sensitivity)})
                    if item.sensitivity is Sensitivity.IDENTIFIER
                    else item
                    for item in group.items
                )
            }
        )
        for group in spec.layouts
    )
    return spec.model_copy(update={"layouts": layouts})
