"""Option defaults: what the user gave, else the project's settings (fitgap.yaml), else the built-in."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

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
    """--lang, else the project's ``language:``, else English when the environment's LANG is English (en_US…),
    else Japanese."""
    if option is not None:
        return option
    found = project()
    if found is not None:
        return found.settings.language
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "ja"


def municipality(option: str | None) -> str | None:
    if option is not None:
        return option
    found = project()
    return found.settings.municipality if found else None


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
