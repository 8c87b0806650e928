"""Reading user-written files: what is checked before a file is opened, and YAML read strictly (no tags that
build objects, no key twice, no alias bomb), each refused in one line with the file and line."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from spec_catalog.base import FitgapError
from spec_catalog.files import MAX_ALIAS_NODES, check_input_file, read_yaml
from spec_catalog.language import chosen


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The English wording of every message is pinned here; the Japanese (the default) is checked below."""
    with chosen("en"):
        yield


def test_the_messages_are_japanese_by_default(tmp_path: Path) -> None:
    (tmp_path / "dup.yaml").write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    with chosen("ja"), pytest.raises(FitgapError) as raised:
        read_yaml(tmp_path / "dup.yaml")
    assert raised.value.one_line() == (
        f"{tmp_path / 'dup.yaml'}:3: キー 'a' が一つのマッピングに二度あります（1 行目と 3 行目） — "
        "どちらか一つにしてください（YAML は黙って後のほうを使います）"
    )
    with chosen("ja"), pytest.raises(FitgapError) as missing:
        check_input_file(tmp_path / "codes.csv", "コード表", where="m.yaml:7")
    assert (
        missing.value.one_line()
        == f"m.yaml:7: コード表 {tmp_path / 'codes.csv'}が見つかりません — パスを確かめてください"
    )


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path) -> str:
    with pytest.raises(FitgapError) as caught:
        read_yaml(path)
    return caught.value.one_line()


def test_a_plain_file_keeps_its_data_and_lines(tmp_path: Path) -> None:
    path = _yaml(tmp_path, "a: 1\nb:\n  - x\n  - {c: 2026-01-02}\n")
    data, lines = read_yaml(path)
    assert str(data) == "{'a': 1, 'b': ['x', {'c': datetime.date(2026, 1, 2)}]}"
    assert lines == {(): 1, ("a",): 1, ("b",): 2, ("b", 0): 3, ("b", 1): 4, ("b", 1, "c"): 4}


def test_an_empty_file_is_no_data(tmp_path: Path) -> None:
    assert read_yaml(_yaml(tmp_path, "# nothing\n")) == (None, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: !!python/object/apply:os.system ['echo owned']\n",
            "1: the YAML tag '!!python/object/apply:os.system' is not allowed — remove it: the file holds plain "
            "text, numbers, lists and mappings only",
        ),
        (
            "a: 1\nb: !!python/name:os.system\n",
            "2: the YAML tag '!!python/name:os.system' is not allowed — remove it: the file holds plain text, "
            "numbers, lists and mappings only",
        ),
        (
            "a: !secret x\n",
            "1: the YAML tag '!secret' is not allowed — remove it: the file holds plain text, numbers, lists and "
            "mappings only",
        ),
        (
            "a: !!set {x: null}\n",
            "1: the YAML tag '!!set' is not allowed — remove it: the file holds plain text, numbers, lists and "
            "mappings only",
        ),
        (
            "a: 1\nb: 2\na: 3\n",
            "3: the key 'a' appears twice in one mapping (lines 1 and 3) — keep one of them (YAML would silently "
            "use the last)",
        ),
        (
            "x: {k: 1, k: 2}\n",
            "1: the key 'k' appears twice in one mapping (line 1) — keep one of them (YAML would silently use the "
            "last)",
        ),
        (
            "a: &a [1, *a]\n",
            "1: an alias refers to the mapping or list it is inside — write the values out instead of the alias",
        ),
        (
            "a: " + "[" * 80 + "]" * 80 + "\n",
            "1: the YAML nests more than 64 levels deep — check the brackets and indentation there",
        ),
        (
            "when: 2026-13-45\n",
            "1: invalid YAML: cannot read the value (month must be in 1..12) — put it in quotes to keep it as text",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "2: invalid YAML: but found another document — fix the YAML syntax there",
        ),
    ],
    ids=[
        "python-object",
        "python-name",
        "local-tag",
        "set-tag",
        "duplicate-key",
        "duplicate-key-one-line",
        "recursive-alias",
        "too-deep",
        "bad-timestamp",
        "two-documents",
    ],
)
def test_refused_yaml(tmp_path: Path, text: str, message: str) -> None:
    path = _yaml(tmp_path, text)
    assert _refused(path) == f"{path}:{message}"


def test_a_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "owned"
    path = _yaml(tmp_path, f"a: !!python/object/apply:os.mkdir ['{marker}']\n")
    _refused(path)
    assert not marker.exists()


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    levels = ["a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    for n in range(1, 10):
        prev, name = chr(ord("a") + n - 1), chr(ord("a") + n)
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    path = _yaml(tmp_path, "\n".join(levels) + "\n")  # 9**10 values once expanded
    started = time.perf_counter()
    message = _refused(path)
    assert time.perf_counter() - started < 2
    assert message == (
        f"{path}: aliases (*name) would repeat more than {MAX_ALIAS_NODES:,} values — write the values out, or use "
        "fewer aliases"
    )


def test_modest_aliases_and_merge_keys_still_work(tmp_path: Path) -> None:
    path = _yaml(tmp_path, "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\nlist: [*b, *b]\n")
    data, lines = read_yaml(path)
    assert data == {"base": {"x": 1, "y": 2}, "other": {"x": 3, "y": 2}, "list": [{"x": 1, "y": 2}] * 2}
    assert lines[("list", 1, "y")] == 1  # an alias's values have the lines of its anchor


def test_check_input_file_kinds(tmp_path: Path) -> None:
    (tmp_path / "file.csv").write_text("x\n", encoding="utf-8")
    assert check_input_file(tmp_path / "file.csv") == 2
    os.mkfifo(tmp_path / "pipe")
    started = time.perf_counter()
    cases = {
        tmp_path / "nope.csv": "file not found — check the path",
        tmp_path: "file is a directory, not a regular file — give the file inside it",
        tmp_path / "pipe": "file is a named pipe (FIFO), not a regular file — copy the data into a regular file first",
        Path("/dev/zero"): "file is a character device, not a regular file — copy the data into a regular file first",
        tmp_path / "file.csv" / "x": "file not found — check the path",
    }
    for path, message in cases.items():
        with pytest.raises(FitgapError) as caught:
            check_input_file(path)
        assert caught.value.one_line() == f"{path}: {message}"
    assert time.perf_counter() - started < 2  # nothing was opened: the FIFO did not block


def test_check_input_file_names_the_path_at_another_place(tmp_path: Path) -> None:
    with pytest.raises(FitgapError) as caught:
        check_input_file(tmp_path / "codes.csv", "code table", where="m.yaml:7")
    assert caught.value.one_line() == f"m.yaml:7: code table {tmp_path / 'codes.csv'} not found — check the path"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read every file")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    path.chmod(0)
    assert _refused(path) == f"{path}: file cannot be read: permission denied — check the file's permissions"
