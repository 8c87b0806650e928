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
from spec_catalog.language import current, say

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
    (stat.S_ISDIR, ("フォルダ", "a directory")),
    (stat.S_ISFIFO, ("名前付きパイプ（FIFO）", "a named pipe (FIFO)")),
    (stat.S_ISCHR, ("キャラクタデバイス", "a character device")),
    (stat.S_ISBLK, ("ブロックデバイス", "a block device")),
    (stat.S_ISSOCK, ("ソケット", "a socket")),
)


def check_input_file(
    path: Path, what: str | None = None, *, where: str | Path | None = None, hint: str | None = None
) -> int:
    """The size of ``path`` when it is a regular file this process may read; else one clear error.

    Checked before opening: opening a FIFO waits for a writer (forever), a device can stream without end, and a
    directory fails with an OS error. The error is at ``path`` (``what not found``), or at ``where`` with the
    path in the message (``code table codes.csv not found`` at the mapping's line). ``what`` is a noun in the
    run's language (``say("コード表", "code table")``).
    """
    what = what if what is not None else say("ファイル", "file")
    hint = hint if hint is not None else say("パスを確かめてください", "check the path")
    subject, at = (f"{what} {path}", where) if where is not None else (what, path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise FitgapError(say(f"{subject}が見つかりません", f"{subject} not found"), where=at, hint=hint) from None
    except OSError as exc:
        raise FitgapError(
            say(f"{subject}を読めません: {exc.strerror}", f"{subject} cannot be read: {exc.strerror}"), where=at
        ) from None
    for test, (kind_ja, kind_en) in _FILE_KINDS:
        if test(info.st_mode):
            fix = (
                say("その中のファイルを指定してください", "give the file inside it")
                if test is stat.S_ISDIR
                else say("先にデータを通常のファイルに写してください", "copy the data into a regular file first")
            )
            raise FitgapError(
                say(
                    f"{subject}は{kind_ja}で、通常のファイルではありません",
                    f"{subject} is {kind_en}, not a regular file",
                ),
                where=at,
                hint=fix,
            )
    if not os.access(path, os.R_OK):
        raise FitgapError(
            say(f"{subject}を読めません: 権限がありません", f"{subject} cannot be read: permission denied"),
            where=at,
            hint=say("ファイルの権限を確かめてください", "check the file's permissions"),
        )
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
    # (node, depth, its children once entered: the node is then left, its size known from theirs)
    pending: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
    on_path: set[int] = set()
    while pending:
        node, depth, entered = pending.pop()
        key = id(node)
        if entered is not None:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in entered)
            continue
        if key in size:
            continue
        if key in on_path:
            raise FitgapError(
                say(
                    "エイリアスが、それ自身を含むマッピングやリストを指しています",
                    "an alias refers to the mapping or list it is inside",
                ),
                where=f"{path}:{_line(node)}",
                hint=say("エイリアスではなく値を書いてください", "write the values out instead of the alias"),
            )
        if depth > MAX_DEPTH:
            raise FitgapError(
                say(
                    f"YAML の入れ子が {MAX_DEPTH} 段を超えています", f"the YAML nests more than {MAX_DEPTH} levels deep"
                ),
                where=f"{path}:{_line(node)}",
                hint=say("そこの括弧と字下げを確かめてください", "check the brackets and indentation there"),
            )
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_CORE, "!!")
            raise FitgapError(
                say(f"YAML のタグ '{tag}' は使えません", f"the YAML tag '{tag}' is not allowed"),
                where=f"{path}:{_line(node)}",
                hint=say(
                    "取り除いてください。このファイルに書けるのは文字列、数値、リスト、マッピングだけです",
                    "remove it: the file holds plain text, numbers, lists and mappings only",
                ),
            )
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1  # most nodes: no children, so entered and left at once
            continue
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, path)
        children = _children(node)
        on_path.add(key)
        pending.append((node, depth, children))
        pending.extend((child, depth + 1, None) for child in children if id(child) not in size)
    added = size[id(root)] - len(size)
    if added > MAX_ALIAS_NODES:
        raise FitgapError(
            say(
                f"エイリアス（*name）が {MAX_ALIAS_NODES:,} 個を超える値を繰り返すことになります",
                f"aliases (*name) would repeat more than {MAX_ALIAS_NODES:,} values",
            ),
            where=path,
            hint=say("値を書き出すか、エイリアスを減らしてください", "write the values out, or use fewer aliases"),
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
            first, again = seen[key], _line(key_node)
            lines = (
                say(f"{first} 行目と {again} 行目", f"lines {first} and {again}")
                if first != again
                else say(f"{first} 行目", f"line {first}")
            )
            raise FitgapError(
                say(
                    f"キー '{key_node.value}' が一つのマッピングに二度あります（{lines}）",
                    f"the key '{key_node.value}' appears twice in one mapping ({lines})",
                ),
                where=f"{path}:{_line(key_node)}",
                hint=say(
                    "どちらか一つにしてください（YAML は黙って後のほうを使います）",
                    "keep one of them (YAML would silently use the last)",
                ),
            )
        seen[key] = _line(key_node)


def read_yaml(path: Path, *, lines: bool = True) -> tuple[Any, dict[Loc, int]]:
    """The data of a YAML file and the line (1-based) of every mapping key and sequence entry (``lines=False``:
    none, for a caller that needs them only to report a problem and reads the file again then)."""
    check_input_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FitgapError(
            say(f"UTF-8 のテキストではありません（{exc.start} バイト目）", f"not UTF-8 text (byte {exc.start})"),
            where=path,
            hint=say("UTF-8 で保存し直してください", "save the file as UTF-8"),
        ) from None
    except OSError as exc:
        raise FitgapError(say(f"読めません: {exc.strerror}", f"cannot read: {exc.strerror}"), where=path) from None
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
        fix = (
            say("文字列として残すには引用符で囲んでください", "put it in quotes to keep it as text")
            if isinstance(exc, _ValueProblem)
            else say("そこの YAML の書き方を直してください", "fix the YAML syntax there")
        )
        raise FitgapError(
            say(f"YAML として読めません（{problem}）", f"invalid YAML: {problem}"), where=where, hint=fix
        ) from None
    finally:
        loader.dispose()
    located: dict[Loc, int] = {}
    if lines:
        _collect_lines(node, located)
    return data, located


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
        place = ".".join(str(part) for part in loc) or say("（最上位）", "(top level)")
        message = pydantic_message(item)
        hint = ""
        if item["type"] == "extra_forbidden" and loc:
            close = difflib.get_close_matches(str(loc[-1]), sorted(known), n=1)
            hint = (
                say(f" — '{close[0]}' の書き間違いではありませんか？", f" — did you mean '{close[0]}'?")
                if close
                else say(" — 取り除いてください", " — remove it")
            )
        elif item["type"] == "missing":
            hint = say(" — 書き加えてください", " — add it")
        elif item["type"] == "string_type" and isinstance(item.get("input"), bool):
            hint = say(
                " — YAML は yes/no/on/off/true/false を真偽値として読みます。文字列なら引用符で囲んでください",
                " — YAML reads yes/no/on/off/true/false as a truth value: put the text in quotes",
            )
        problems.append(f"{where}: {place}: {message}{hint}")
    return problems


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Load a YAML file into ``model``; every problem is reported with its line in one error."""
    data, _ = read_yaml(path, lines=False)  # the lines are for a problem: most files have none
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _, lines = read_yaml(path)
        problems = describe_validation_error(exc, path, lines, model)
        more = (
            say(
                f"（ほかに {len(problems) - 1} 件: すべて見るには 'fitgap --debug' で実行してください）",
                f" (and {len(problems) - 1} more: run 'fitgap --debug' to see all)",
            )
            if len(problems) > 1
            else ""
        )
        raise FitgapError(problems[0] + more) from exc


# Pydantic's own messages for the problems a hand-written file has most, in Japanese. Messages our validators
# raise are already in the run's language; any other pydantic message stays as pydantic wrote it.
_PYDANTIC_JA = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目は使えません",
    "string_type": "文字列を書いてください",
    "int_type": "整数を書いてください",
    "int_parsing": "整数として読めません",
    "float_type": "数値を書いてください",
    "float_parsing": "数値として読めません",
    "bool_type": "真偽値（true / false）を書いてください",
    "bool_parsing": "真偽値（true / false）として読めません",
    "list_type": "リストを書いてください",
    "dict_type": "マッピング（キー: 値）を書いてください",
    "model_type": "マッピング（キー: 値）を書いてください",
    "date_type": "日付を書いてください",
    "date_from_datetime_parsing": "日付として読めません",
}


def pydantic_message(item: Any) -> str:
    """One problem pydantic found (an item of ``ValidationError.errors()``), in the run's language."""
    message = str(item["msg"]).removeprefix("Value error, ")
    if current() == "en" or item["type"] == "value_error":
        return message
    if item["type"] in ("literal_error", "enum"):
        expected = (item.get("ctx") or {}).get("expected")
        return f"使える値ではありません（使える値: {expected}）" if expected else message
    if item["type"] in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next(iter((item.get("ctx") or {}).values()), None)
        words = {
            "greater_than_equal": "以上",
            "less_than_equal": "以下",
            "greater_than": "より大きい値",
            "less_than": "より小さい値",
        }
        return f"{limit} {words[item['type']]}にしてください" if limit is not None else message
    return _PYDANTIC_JA.get(item["type"], message)


def exists_already(path: Path, *, filled_in: bool = False, what: str | None = None) -> FitgapError:
    """The error for an output that would replace a file a person may have edited: replaced only with --force."""
    subject = what if what is not None else say("ファイル", "the file")
    maybe = say("（記入済みかもしれません）", " (it may be filled in)") if filled_in else ""
    return FitgapError(
        say(f"{subject}がすでにあります{maybe}", f"{subject} exists already{maybe}"),
        where=path,
        hint=say("置き換えるには --force を付けてください", "add --force to replace it"),
    )
