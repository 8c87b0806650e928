"""Japanese first, everywhere a person reads (issue 18): every help text and every error message is written in
both languages, so the default run is Japanese and ``--lang en`` English.

Read from the code itself: a help text declared without its English, or an error or terminal line written as a
bare English sentence, fails here with its file and line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

from fitgap.cli import app
from fitgap.cli.help_language import english_of
from spec_catalog.language import chosen

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("spec_catalog", "reports", "converters", "validation", "fitgap")
JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龠]")
# An English word a person would read: three letters or more, not a code (ALL_CAPS), an option (--force), a
# quoted name ('mapping.yaml'), a placeholder or a file extension.
_NOT_WORDS = re.compile(
    r"'[^']*'|\"[^\"]*\"|`[^`]*`|--?[\w-]+|\b[A-Z0-9_]{2,}\b|\.\w+\b|\w+\.\w+|\w+/\w+|\[/?[a-z ]+\]|\bfitgap\b"
)
_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
ERRORS = {"FitgapError", "InputFileError", "CatalogError", "UsageError"}
PRINTS = {"print", "echo"}


def _commands(command: Any, path: str) -> Iterator[tuple[str, Any]]:
    yield path, command
    for name, child in getattr(command, "commands", {}).items():
        yield from _commands(child, f"{path} {name}")


def _help_texts() -> Iterator[tuple[str, str]]:
    with chosen("ja"):
        root = typer.main.get_command(app)
    for path, command in _commands(root, "fitgap"):
        if command.help:
            yield path, command.help
        for param in command.params:
            where = f"{path} {param.opts[0] if param.opts else param.name}"
            if getattr(param, "help", None):
                yield where, param.help
            default = getattr(param, "show_default", None)
            if isinstance(default, str) and " " in default.strip():  # a value (TABLE_縮退) is no sentence
                yield f"{where} (default)", default


def test_every_help_text_is_japanese_with_its_english() -> None:
    missing = [
        f"{where}: {text[:60]!r}"
        for where, text in _help_texts()
        if not JAPANESE.search(text) or english_of(text) == text
    ]
    assert not missing, "help texts without help_text(ja, en):\n" + "\n".join(missing)


def _literal_words(node: ast.AST) -> list[str]:
    """The English words in the literal parts of a str or f-string (empty for anything else: a say() call, a
    variable)."""
    parts: list[str] = []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_words(node.left) + _literal_words(node.right)
    return [word for part in parts for word in _WORD.findall(_NOT_WORDS.sub(" ", part))]


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _english_messages() -> Iterator[str]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node.func)
                said: list[ast.expr] = []
                if name in ERRORS:
                    said = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "hint")]
                elif name in PRINTS and path.parts[-2] == "cli":
                    said = list(node.args[:1])
                for argument in said:
                    words = _literal_words(argument)
                    if words:
                        yield f"{path.relative_to(ROOT)}:{argument.lineno}: {' '.join(words[:6])}"


def test_no_error_or_terminal_line_is_only_english() -> None:
    found = list(_english_messages())
    assert not found, "messages written only in English (use say(ja, en)):\n" + "\n".join(found)
