"""Errors that several moji commands raise alike (scan and shrink name the same tables and encodings)."""

from __future__ import annotations

from spec_catalog.base import UsageError
from spec_catalog.language import say


def converted_hint(available: list[str]) -> str:
    """The hint of an unknown --table: the converted tables there are, or that there is none yet."""
    if available:
        names = ", ".join(available)
        return say(f"変換済みの表から選んでください: {names}", f"converted tables: {names}")
    return say("先に変換してください（変換済みの表がありません）", "converted tables: none (convert first)")


def unsupported_encoding(encoding: str, supported: tuple[str, ...]) -> UsageError:
    """The error of an --encoding the command does not write or read."""
    return UsageError(
        say(f"--encoding {encoding!r} は使えません", f"--encoding {encoding!r} is not supported"),
        hint=say(f"{'、'.join(supported)} のどれかを指定してください", f"use one of {', '.join(supported)}"),
    )
