"""The toolkit's errors: the run could not go on (a bad file, a bad option). Bad *data* is never raised: it is
reported as findings.

Apart from :mod:`spec_catalog.base` (which re-exports them) because they need no pydantic: the CLI's error
boundary imports them, and ``fitgap --help`` does not pay for pydantic (0.15 s).
"""

from __future__ import annotations

from pathlib import Path


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
