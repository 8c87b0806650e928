"""Option defaults: what the user gave, else the project's settings (fitgap.yaml), else the built-in."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from spec_catalog.language import current

if TYPE_CHECKING:
    from fitgap.project import Project

BUILT_IN_DB = Path("fitgap.duckdb")


@cache
def project() -> Project | None:
    from fitgap.project import find_project  # reads YAML: not on the start-up path of --help

    return find_project()


def catalog_dir(option: Path | None) -> Path | None:
    if option is not None:
        return option
    found = project()
    return found.catalog if found else None


def database(option: Path | None) -> Path:
    if option is not None:
        return option
    found = project()
    return found.database if found else BUILT_IN_DB


def language(option: str | None) -> str:
    """The command's --lang, else the run's language: decided by the CLI before the command line was parsed
    (--lang anywhere on it, else the project's ``language:``, else LANG; see fitgap.cli.main)."""
    if option is not None:
        return option
    return current()


def municipality(option: str | None) -> str | None:
    if option is not None:
        return option
    found = project()
    return found.settings.municipality if found else None


def municipality_name() -> str | None:
    """The 団体名 the reports print in their headers: the project's municipality, 「013455 森町（北海道）」 (the code
    alone when the table does not know it); None outside a project."""
    code = municipality(None)
    if code is None:
        return None
    from spec_catalog.base import FitgapError
    from spec_catalog.localgov import lookup

    try:
        return lookup(code).label
    except FitgapError:  # a code abolished since the project began still names the project
        return code


def history(option: Path | None) -> Path | None:
    if option is not None:
        return option
    found = project()
    return found.history if found else None


def allowed_characters(option: Path | None) -> Path | None:
    """The characters the municipality's decisions allow (validation's character-set rule): the option, else the
    project's ``moji: {allowed: FILE}``, else none."""
    if option is not None:
        return option
    found = project()
    return found.allowed_characters if found else None
