"""Loading user-written YAML files into models, with one readable line per problem.

A pydantic error names a location such as ``functions.3.class``; users think in lines of their file. The
loader keeps the YAML node marks so each problem says ``FILE:LINE: where: what — fix``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from spec_catalog.base import FitgapError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    """The data of a YAML file and the line (1-based) of every mapping key and sequence entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FitgapError("file not found", where=path, hint="check the path") from None
    except UnicodeDecodeError as exc:
        raise FitgapError(f"not UTF-8 text (byte {exc.start})", where=path, hint="save the file as UTF-8") from None
    except OSError as exc:
        raise FitgapError(f"cannot read: {exc.strerror}", where=path) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise FitgapError(f"invalid YAML: {problem}", where=where, hint="fix the YAML syntax there") from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    data = yaml.load(text, Loader=_Loader)
    return data, lines


def _collect_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*loc, str(key_node.value))
            _collect_lines(value_node, key, lines)
            lines[key] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _collect_lines(child, (*loc, index), lines)


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
