"""The shared base of every package: the frozen model and the error hierarchy.

Everything a user writes or the toolkit reports is a :class:`FrozenModel`. Exceptions mean "could not
run" (bad file, bad option); bad *data* is reported as findings, never raised.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """Immutable model that rejects unknown fields, so a typo in a file is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class FitgapError(Exception):
    """Root of the toolkit's errors: the run could not go on. The CLI prints it on one line, exit code 2.

    The message says what went wrong, where, and how to fix it.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | Path | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = str(where) if where is not None else None
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} — {self.hint}"
        # One line, whatever the parts held: a newline would break log parsers and the exit-code contract.
        return " ".join(text.split("\n"))


class InputFileError(FitgapError):
    """A file the user gave cannot be read as what it should be (not xlsx, wrong sheets, corrupted …)."""


class CatalogError(FitgapError):
    """A catalog (embedded or a directory) is inconsistent or a business/version was not found."""


class UsageError(FitgapError):
    """Options that contradict each other or name something that does not exist."""
