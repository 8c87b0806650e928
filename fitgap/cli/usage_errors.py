"""Usage errors (unknown option, missing argument, a value the option does not take) in the run's language.

Typer's vendored click writes them in English; in Japanese the message is rebuilt from the exception's parts, and
the details click only has as English text are read with the patterns below. A detail no pattern knows stays as
click wrote it, after a Japanese frame, so nothing is lost.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click import exceptions as click_errors

from spec_catalog.language import current

_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^'(?P<value>.*)' is not one of (?P<choices>.*)\.$"), "'{value}' は使えません（使える値: {choices}）"),
    (re.compile(r"^\w+ '(?P<value>.*)' does not exist\.$"), "'{value}' がありません"),
    (re.compile(r"^\w+ '(?P<value>.*)' is a file\.$"), "'{value}' はファイルです（フォルダを指定してください）"),
    (re.compile(r"^\w+ '(?P<value>.*)' is a directory\.$"), "'{value}' はフォルダです（ファイルを指定してください）"),
    (re.compile(r"^\w+ '(?P<value>.*)' is not readable\.$"), "'{value}' を読む権限がありません"),
    (re.compile(r"^\w+ '(?P<value>.*)' is not writable\.$"), "'{value}' に書く権限がありません"),
    (re.compile(r"^Value '(?P<value>.*)' is not a valid int\.$"), "'{value}' は整数ではありません"),
    (re.compile(r"^Value '(?P<value>.*)' is not a valid float\.$"), "'{value}' は数値ではありません"),
    (re.compile(r"^Value '(?P<value>.*)' is not a valid (?P<kind>\w+)\.$"), "'{value}' は {kind} として読めません"),
    (re.compile(r"^Input should be a valid integer.*$"), "整数を指定してください"),
    (re.compile(r"^Input should be a valid number.*$"), "数値を指定してください"),
    (re.compile(r"^Input should be greater than or equal to (?P<n>\S+)$"), "{n} 以上を指定してください"),
    (re.compile(r"^Input should be greater than (?P<n>\S+)$"), "{n} より大きい値を指定してください"),
    (re.compile(r"^Input should be less than or equal to (?P<n>\S+)$"), "{n} 以下を指定してください"),
    (re.compile(r"^Input should be less than (?P<n>\S+)$"), "{n} より小さい値を指定してください"),
)
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^No such command '(?P<name>.*)'\.$"), "コマンド '{name}' はありません"),
    (
        re.compile(r"^No such command '(?P<name>.*)'\. Did you mean '(?P<close>.*)'\?$"),
        "コマンド '{name}' はありません（'{close}' の書き間違いではありませんか？）",
    ),
    (re.compile(r"^Missing command\.$"), "コマンドを指定してください"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$"), "余分な引数があります: {args}"),
    (re.compile(r"^Option '(?P<name>.*)' requires an argument\.$"), "オプション {name} には値が必要です"),
    (
        re.compile(r"^Option '(?P<name>.*)' requires (?P<n>\d+) arguments\.$"),
        "オプション {name} には値が {n} 個必要です",
    ),
    (re.compile(r"^Option '(?P<name>.*)' does not take a value\.$"), "オプション {name} は値をとりません"),
    (re.compile(r"^Argument '(?P<name>.*)' takes (?P<n>\d+) values\.$"), "引数 {name} には値が {n} 個必要です"),
)


def usage_message(error: Any) -> str:
    """The one-line message of a usage error, in the run's language."""
    if current() == "en":
        return str(error.format_message()).replace("Value error, ", "")  # pydantic's prefix: no news to a user
    if isinstance(error, click_errors.NoSuchOption):
        possible = f"（候補: {', '.join(sorted(error.possibilities))}）" if error.possibilities else ""
        return f"オプション {error.option_name} はありません{possible}"
    if isinstance(error, click_errors.MissingParameter):
        hint = _hint(error)
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        return f"{'引数' if kind == 'argument' else 'オプション'} {hint} を指定してください"
    if isinstance(error, click_errors.BadParameter):
        detail = str(error.message).removeprefix("Value error, ")
        return f"{_hint(error)} の値が正しくありません: {_read(detail, _DETAILS)}"
    return _read(str(error.message), _MESSAGES)


def usage_hint(command_path: str) -> str:
    if current() == "en":
        return f"see '{command_path} --help'"
    return f"'{command_path} --help' で使い方を確かめてください"


def _hint(error: Any) -> str:
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if hint is None:
        return ""
    return hint if isinstance(hint, str) else " / ".join(hint)


def _read(text: str, patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, japanese in patterns:
        found = pattern.match(text)
        if found is not None:
            return japanese.format(**found.groupdict())
    return text
