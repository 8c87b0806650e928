"""The CLI's help in Japanese or English.

Help texts are declared where the option is, in both languages: ``help=help_text("…", "…")`` keeps the Japanese
(the default) and remembers its English. Typer reads help texts when the modules are imported, before the run's
language is known, so :func:`speak` puts the command tree into the run's language just before it runs: English
help looked up from the Japanese, and the framework's own words (Usage, Options, [default: …]) in Japanese.

Typer 0.29 vendors click as ``typer._click``; the pin in pyproject.toml keeps the names used here stable.
"""

from __future__ import annotations

from typing import Any

import typer.core
from rich.text import Text
from typer._click import core as click_core
from typer._click.formatting import HelpFormatter

from spec_catalog.language import Language

_ENGLISH: dict[str, str] = {}


def help_text(ja: str, en: str) -> str:
    """A help text: the Japanese, with its English kept for a run in English."""
    _ENGLISH[ja] = en
    return ja


def english_of(text: str) -> str:
    """The English of a help text declared with :func:`help_text` (the text itself when it has none)."""
    return _ENGLISH.get(text, text)


# The framework's words: typer's help panels and click's help option and usage line.
_FRAMEWORK: dict[Language, dict[str, str]] = {
    "ja": {
        "ARGUMENTS_PANEL_TITLE": "引数",
        "OPTIONS_PANEL_TITLE": "オプション",
        "COMMANDS_PANEL_TITLE": "コマンド",
        "ERRORS_PANEL_TITLE": "エラー",
        "DEFAULT_STRING": "[既定: {}]",
        "REQUIRED_LONG_STRING": "[必須]",
        "ENVVAR_STRING": "[環境変数: {}]",
        "DEPRECATED_STRING": "(非推奨) ",
        "ABORTED_TEXT": "中断しました。",
        "RICH_HELP": "使い方は [blue]'{command_path} {help_option}'[/] で表示されます。",
    },
    "en": {
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commands",
        "ERRORS_PANEL_TITLE": "Error",
        "DEFAULT_STRING": "[default: {}]",
        "REQUIRED_LONG_STRING": "[required]",
        "ENVVAR_STRING": "[env var: {}]",
        "DEPRECATED_STRING": "(deprecated) ",
        "ABORTED_TEXT": "Aborted.",
        "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    },
}
_HELP_OPTION = {"ja": "このヘルプを表示して終了します。", "en": "Show this message and exit."}
_USAGE = {"ja": "使い方: ", "en": "Usage: "}


class _Formatter(HelpFormatter):
    """Click's formatter with the usage line's prefix in the run's language."""

    prefix = _USAGE["en"]

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, self.prefix if prefix is None else prefix)


def _folding_text(**options: Any) -> Any:
    """Typer's help text, folded at the width when a run of words has no space: Japanese has none, and the table
    would cut a sentence short with an ellipsis."""
    text = _make_rich_text(**options)
    if isinstance(text, Text):
        text.overflow = "fold"
    return text


_make_rich_text: Any = None  # typer's own, once rich_utils is imported
_spoken: Language = "ja"  # the language of the run, for the help when it is shown


def speak(command: Any, language: Language) -> None:
    """Put the command tree built by typer (and the framework's words) into ``language``."""
    global _spoken
    _spoken = language
    _Formatter.prefix = _USAGE[language]
    click_core.Context.formatter_class = _Formatter
    _speak(command, language, None)


def _speak_rich_utils() -> None:
    """The framework's words in typer's help (rich_utils), in the run's language. Imported only when help is
    shown: it brings Markdown, tracebacks and syntax colouring, 0.09 s of every other command's run."""
    global _make_rich_text
    import typer.rich_utils as rich_utils

    for name, value in _FRAMEWORK[_spoken].items():
        setattr(rich_utils, name, value)
    if _make_rich_text is None:
        _make_rich_text = rich_utils._make_rich_text
    rich_utils._make_rich_text = _folding_text


def _in_the_run_language(format_help: Any) -> Any:
    def format_in_language(self: Any, ctx: Any, formatter: Any) -> Any:
        _speak_rich_utils()
        return format_help(self, ctx, formatter)

    return format_in_language


# Typer imports rich_utils in these two methods, to show help (a run with standalone_mode=False shows no error
# through it): the words are put into the run's language just before.
typer.core.TyperCommand.format_help = _in_the_run_language(typer.core.TyperCommand.format_help)  # type: ignore[method-assign]
typer.core.TyperGroup.format_help = _in_the_run_language(typer.core.TyperGroup.format_help)  # type: ignore[method-assign]


def _speak(command: Any, language: Language, parent: Any) -> None:
    # Each text is kept in Japanese on the object the first time it is seen, so a process that runs in English and
    # then in Japanese (the tests do) finds its Japanese again.
    _translate(command, ("help", "short_help", "epilog"), language)
    context = click_core.Context(command, parent=parent, help_option_names=["-h", "--help"])
    for param in [*command.params, command.get_help_option(context)]:
        if param is None:
            continue
        if param.opts == ["-h", "--help"] or param.opts == ["--help", "-h"]:
            param.help = _HELP_OPTION[language]
            continue
        _translate(param, ("help", "show_default", "rich_help_panel"), language)
    _translate(command, ("rich_help_panel",), language)
    for child in getattr(command, "commands", {}).values():
        _speak(child, language, context)


def _translate(thing: Any, attributes: tuple[str, ...], language: Language) -> None:
    for attribute in attributes:
        japanese = getattr(thing, f"_fitgap_ja_{attribute}", None)
        if japanese is None:
            japanese = getattr(thing, attribute, None)
            if not isinstance(japanese, str):
                continue
            setattr(thing, f"_fitgap_ja_{attribute}", japanese)
        setattr(thing, attribute, english_of(japanese) if language == "en" else japanese)
