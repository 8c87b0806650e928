"""The shared base of every package: the frozen model and the error hierarchy.

Everything a user writes or the toolkit reports is a :class:`FrozenModel`. Exceptions mean "could not
run" (bad file, bad option); bad *data* is reported as findings, never raised. The errors themselves live in
:mod:`spec_catalog.errors` (without pydantic, for the CLI's start-up) and are the same classes here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from spec_catalog.errors import CatalogError, FitgapError, InputFileError, UsageError

__all__ = ["CatalogError", "FitgapError", "FrozenModel", "InputFileError", "UsageError"]


class FrozenModel(BaseModel):
    """Immutable model that rejects unknown fields, so a typo in a file is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)
