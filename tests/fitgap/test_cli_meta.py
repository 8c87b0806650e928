"""The CLI as a whole: help everywhere, documented commands, real subprocess runs, a light start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from fitgap.cli import app
from fitgap.cli.help_language import english_of

from conftest import ROOT

EXECUTABLE = Path(sys.executable).parent / "fitgap"


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    command = typer.main.get_command(group)
    found: list[tuple[str, ...]] = []
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        if hasattr(sub, "commands"):
            found += [(*prefix, name, n) for n in sub.commands]
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(app)


def test_the_commands_this_issue_promises_exist() -> None:
    assert set(COMMANDS) >= {("catalog", c) for c in ("list", "show", "import", "export", "diff")}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fitgap", *command, "--help"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "例: fitgap " + " ".join(command) in " ".join(result.stdout.split())
    # The same example in the English help (--lang en).
    node = typer.main.get_command(app)
    for name in command:
        node = node.commands[name]  # type: ignore[attr-defined]
    assert "Example: fitgap " + " ".join(command) in " ".join(english_of(node.help or "").split())


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(command: tuple[str, ...]) -> None:
    assert "fitgap " + " ".join(command) in (ROOT / "README.md").read_text(encoding="utf-8")


def test_installed_entry_point_runs() -> None:
    result = subprocess.run([str(EXECUTABLE), "catalog", "list", "--json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 39  # every 業務ID of the standard, 001–039


def test_entry_point_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(EXECUTABLE), "catalog", "import", str(tmp_path / "x.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"エラー: {tmp_path / 'x.xlsx'}: ファイルが見つかりません — パスを確かめてください\n"


def test_entry_point_speaks_english_when_asked(tmp_path: Path) -> None:
    missing = tmp_path / "x.xlsx"
    for args, env in (
        (["--lang", "en", "catalog", "import", str(missing)], {}),
        (["catalog", "import", str(missing), "--lang=en"], {}),
        (["catalog", "import", str(missing)], {"LANG": "en_US.UTF-8"}),
    ):
        result = subprocess.run(
            [str(EXECUTABLE), *args], capture_output=True, text=True, check=False, env={**os.environ, **env}
        )
        assert (result.returncode, result.stderr) == (2, f"Error: {missing}: file not found — check the path\n"), args


def test_help_does_not_import_heavy_libraries() -> None:
    probe = (
        "import sys\n"
        "from fitgap.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'great_expectations', 'pandas', 'openpyxl', 'duckdb', 'numpy', 'yaml', 'pydantic'}\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "[]"


def test_the_language_follows_lang_when_nothing_else_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from fitgap.cli import defaults

    monkeypatch.chdir(tmp_path)  # no project here
    defaults.project.cache_clear()
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert (defaults.language(None), defaults.language("ja")) == ("en", "ja")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert defaults.language(None) == "ja"
    defaults.project.cache_clear()
