"""Reading user-written files: the checks before opening one, and YAML into models with one line per problem.

A pydantic error names a location such as ``functions.3.class``; users think in lines of their file. The
loader keeps the YAML node marks so each problem says ``FILE:LINE: where: what — fix``.

YAML is read strictly: plain values only (no ``!!python/…`` or other tags that build objects), no key twice in
one mapping (YAML would keep the last one silently), and aliases may not multiply the document (an alias bomb
is refused before anything is expanded).
"""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from spec_catalog.base import FitgapError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The nodes that aliases may add to a document beyond its own; a 9-level alias bomb would add 387 million.
MAX_ALIAS_NODES = 100_000
# Deeper than any file of the toolkit nests (the parser itself stops at 1000, past Python's recursion limit).
MAX_DEPTH = 64
_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(_CORE + t for t in ("null", "bool", "int", "float", "str", "seq", "map", "timestamp", "merge"))
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_input_file(
    path: Path, what: str = "file", *, where: str | Path | None = None, hint: str = "check the path"
) -> int:
    """The size of ``path`` when it is a regular file this process may read; else one clear error.

    Checked before opening: opening a FIFO waits for a writer (forever), a device can stream without end, and a
    directory fails with an OS error. The error is at ``path`` (``what not found``), or at ``where`` with the
    path in the message (``code table codes.csv not found`` at the mapping's line).
    """
    subject, at = (f"{what} {path}", where) if where is not None else (what, path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise FitgapError(f"{subject} not found", where=at, hint=hint) from None
    except OSError as exc:
        raise FitgapError(f"{subject} cannot be read: {exc.strerror}", where=at) from None
    for test, kind in _FILE_KINDS:
        if test(info.st_mode):
            fix = "give the file inside it" if kind == "a directory" else "copy the data into a regular file first"
            raise FitgapError(f"{subject} is {kind}, not a regular file", where=at, hint=fix)
    if not os.access(path, os.R_OK):
        raise FitgapError(f"{subject} cannot be read: permission denied", where=at, hint="check the file's permissions")
    return info.st_size


class _ValueProblem(yaml.constructor.ConstructorError):
    """A scalar YAML typed but Python cannot build (``2026-13-45`` is a timestamp of month 13)."""


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with a value that cannot be built reported at its line instead of as a traceback."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise _ValueProblem(None, None, f"cannot read the value ({exc})", node.start_mark) from None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _check_nodes(root: yaml.Node, path: Path) -> None:
    """Refuse tags, repeated keys, nesting and aliases that YAML would accept, before anything is built.

    Aliases make the node tree a graph: each distinct node is looked at once, and the size the document would
    have once its aliases are expanded is counted from the sizes of the nodes below (no expansion happens).
    """
    size: dict[int, int] = {}
    pending: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    on_path: set[int] = set()
    while pending:
        node, depth, done = pending.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            continue
        if key in size:
            continue
        if key in on_path:
            raise FitgapError(
                "an alias refers to the mapping or list it is inside",
                where=f"{path}:{_line(node)}",
                hint="write the values out instead of the alias",
            )
        if depth > MAX_DEPTH:
            raise FitgapError(
                f"the YAML nests more than {MAX_DEPTH} levels deep",
                where=f"{path}:{_line(node)}",
                hint="check the brackets and indentation there",
            )
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_CORE, "!!")
            raise FitgapError(
                f"the YAML tag '{tag}' is not allowed",
                where=f"{path}:{_line(node)}",
                hint="remove it: the file holds plain text, numbers, lists and mappings only",
            )
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, path)
        on_path.add(key)
        pending.append((node, depth, True))
        pending.extend((child, depth + 1, False) for child in children if id(child) not in size)
    added = size[id(root)] - len(size)
    if added > MAX_ALIAS_NODES:
        raise FitgapError(
            f"aliases (*name) would repeat more than {MAX_ALIAS_NODES:,} values",
            where=path,
            hint="write the values out, or use fewer aliases",
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_keys(node: yaml.MappingNode, path: Path) -> None:
    """No key twice in one mapping (keys merged in with ``<<`` may be overridden: that is what they are for)."""
    seen: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _CORE + "merge":
            continue
        key = (key_node.tag, key_node.value)
        if key in seen:
            lines = f"lines {seen[key]} and {_line(key_node)}" if seen[key] != _line(key_node) else f"line {seen[key]}"
            raise FitgapError(
                f"the key '{key_node.value}' appears twice in one mapping ({lines})",
                where=f"{path}:{_line(key_node)}",
                hint="keep one of them (YAML would silently use the last)",
            )
        seen[key] = _line(key_node)


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    """The data of a YAML file and the line (1-based) of every mapping key and sequence entry."""
    check_input_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FitgapError(f"not UTF-8 text (byte {exc.start})", where=path, hint="save the file as UTF-8") from None
    except OSError as exc:
        raise FitgapError(f"cannot read: {exc.strerror}", where=path) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check_nodes(node, path)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        fix = "put it in quotes to keep it as text" if isinstance(exc, _ValueProblem) else "fix the YAML syntax there"
        raise FitgapError(f"invalid YAML: {problem}", where=where, hint=fix) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    _collect_lines(node, lines)
    return data, lines


def _collect_lines(root: yaml.Node, lines: dict[Loc, int]) -> None:
    """The line of every location (aliases are bounded by :func:`_check_nodes`, so walking them is cheap)."""
    pending: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while pending:
        node, loc = pending.pop()
        lines.setdefault(loc, _line(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*loc, str(key_node.value))
                lines[key] = _line(key_node)
                pending.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((child, (*loc, index)) for index, child in enumerate(node.value))


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
        for arg in _nested_models(field.annotation):
            names |= _field_names(arg, seen)
    return names


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _nested_models(arg)]


def describe_validation_error(
    error: ValidationError, path: Path, lines: dict[Loc, int], model: type[BaseModel]
) -> list[str]:
    """One line per problem: ``FILE:LINE: location: message — fix``."""
    known = _field_names(model)
    problems = []
    # A misspelt key shows up twice (extra + missing); the line that can say "did you mean" goes first.
    for item in sorted(error.errors(), key=lambda e: (e["type"] != "extra_forbidden", e["type"] == "tuple_type")):
        # Union tags (the 'csv' of source.csv.delimiter) are not in the file: keep the parts that are.
        loc: Loc = ()
        for part in item["loc"]:
            if (*loc, part) in lines or (isinstance(part, str) and part == item["loc"][-1]):
                loc = (*loc, part)
        # A model-level validator reports at the object; walk up until a located node is found.
        line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
        where = f"{path}:{line}" if line else str(path)
        place = ".".join(str(part) for part in loc) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        hint = ""
        if item["type"] == "extra_forbidden" and loc:
            close = difflib.get_close_matches(str(loc[-1]), sorted(known), n=1)
            hint = f" — did you mean '{close[0]}'?" if close else " — remove it"
        elif item["type"] == "missing":
            hint = " — add it"
        elif item["type"] == "string_type" and isinstance(item.get("input"), bool):
            hint = " — YAML reads yes/no/on/off/true/false as a truth value: put the text in quotes"
        problems.append(f"{where}: {place}: {message}{hint}")
    return problems


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Load a YAML file into ``model``; every problem is reported with its line in one error."""
    data, lines = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = describe_validation_error(exc, path, lines, model)
        more = f" (and {len(problems) - 1} more: run 'fitgap --debug' to see all)" if len(problems) > 1 else ""
        raise FitgapError(problems[0] + more) from exc
