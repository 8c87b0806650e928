"""The language a person reads: Japanese by default, English on request.

Every sentence a user reads is written in both languages where it is said — ``say("…", "…")``, Japanese first —
so a newcomer sees both texts side by side and neither can drift from the code around it. Codes (reason codes,
機能ID, option names) stay codes in both.

Who decides: the CLI, once per run (``--lang``, else the project's ``language:``, else English when the
environment's ``LANG`` is English, else Japanese), with :func:`chosen`. Library code only asks :func:`current`.
The words are those of docs/glossary.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

Language = Literal["ja", "en"]
LANGUAGES: tuple[Language, ...] = ("ja", "en")

_chosen: ContextVar[Language | None] = ContextVar("fitgap_language", default=None)


def from_environment() -> Language:
    """English when the environment's LANG is English (en_US.UTF-8 …), else Japanese."""
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "ja"


def current() -> Language:
    """The language of this run: the one chosen for it, else the environment's."""
    return _chosen.get() or from_environment()


def say(ja: str, en: str) -> str:
    """The sentence in the current language."""
    return en if current() == "en" else ja


@contextmanager
def chosen(language: Language | None) -> Iterator[Language]:
    """Speak ``language`` inside the block (the environment's when None); the previous choice comes back after it,
    so one run in English does not leave the next one (in the same process, as in the tests) in English."""
    token = _chosen.set(language)
    try:
        yield current()
    finally:
        _chosen.reset(token)
