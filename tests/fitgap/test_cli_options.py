"""One naming scheme for the output options of every command (docs/cli.md), the reports a project gets by
default, GX Data Docs named after the table and the run, and the progress of long phases."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import typer.main
from typer.core import TyperCommand, TyperGroup, TyperOption

from converters.engine import run_conversion
from converters.guard import PublishGuard
from converters.mapping import load_mapping
from fitgap.cli import app
from fitgap.cli.help_language import english_of
from spec_catalog import load_embedded

from conftest import CliResult

Cli = Callable[..., CliResult]
REPORTS = {"xlsx": "--xlsx", "html": "--html", "json_file": "--json-file", "junit": "--junit"}
# Options that write, named otherwise on purpose: what each is.
OTHER_OUTPUTS = {
    "--docs": "GX Data Docs, a folder GX builds beside the reports",
    "--into": "assess suggest: the project workbook the matches are filled into",
    "--out-table": "moji shrink: a new table in the database, the other place than -o",
}


def _commands(group: TyperGroup, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, TyperCommand]]:
    for name, sub in group.commands.items():
        if isinstance(sub, TyperGroup):
            yield from _commands(sub, (*prefix, name))
        else:
            assert isinstance(sub, TyperCommand)
            yield " ".join((*prefix, name)), sub


ROOT = typer.main.get_command(app)
assert isinstance(ROOT, TyperGroup)
COMMANDS = dict(_commands(ROOT))
OPTIONS = [
    (f"{name} {param.name}", param)
    for name, command in COMMANDS.items()
    for param in command.params
    if isinstance(param, TyperOption)
]


def _primary(option: TyperOption) -> str:
    """The option's name as the help and the docs give it: its first long spelling."""
    return next(o for o in option.opts if o.startswith("--"))


def _writes_a_path(option: TyperOption) -> bool:
    annotation = option.type_descriptor.annotation
    is_path = annotation is Path or get_args(annotation) == (Path,)
    return is_path and re.search(r"\bwrit", english_of(option.help or ""), re.IGNORECASE) is not None


@pytest.mark.parametrize(("where", "option"), OPTIONS, ids=[w for w, _ in OPTIONS])
def test_o_means_the_primary_output_wherever_it_is(where: str, option: TyperOption) -> None:
    # -o and --output go together, on the command's primary output: the file or folder it makes, or the report
    # that is all it makes (assess score).
    assert ("-o" in option.opts) == ("--output" in option.opts), where
    if "-o" in option.opts:
        assert option.name == "output" or _primary(option) in REPORTS.values(), where


@pytest.mark.parametrize(("where", "option"), OPTIONS, ids=[w for w, _ in OPTIONS])
def test_every_option_that_writes_is_named_by_the_scheme(where: str, option: TyperOption) -> None:
    if option.name in REPORTS:
        assert _primary(option) == REPORTS[option.name], where
    if _primary(option) in REPORTS.values():
        assert option.name == next(k for k, v in REPORTS.items() if v == _primary(option)), where
        assert english_of(option.help or "").startswith("Write "), where
        assert "に書き出します" in (option.help or ""), where
    if _writes_a_path(option):
        assert _primary(option) in {"--output", *REPORTS.values(), *OTHER_OUTPUTS}, where
    assert _primary(option) not in ("--out", "--json-out"), f"{where}: an earlier spelling is only an alias"


# The reports each command writes, by the scheme's names (assess: see its own tests).
WRITTEN = {
    "catalog diff": {"--xlsx", "--html", "--json-file"},
    "convert quarantine": {"--xlsx"},  # the cleansing request staff fill in
    "validate run": {"--xlsx", "--html", "--json-file", "--junit"},
    "report readiness": {"--xlsx", "--html", "--json-file"},
    "reconcile run": {"--xlsx", "--html", "--json-file", "--junit"},
    "reconcile results": {"--xlsx", "--html", "--json-file", "--junit"},
}


@pytest.mark.parametrize("name", sorted(c for c in COMMANDS if not c.startswith("assess ")))
def test_the_reports_of_each_command(name: str) -> None:
    names = {_primary(p) for p in COMMANDS[name].params if isinstance(p, TyperOption)}
    assert names & set(REPORTS.values()) == WRITTEN.get(name, set())


# (command, arguments in an earlier spelling, the parameter they set, its value)
EARLIER = [
    ("demo", ["--out", "d"], "output", Path("d")),
    ("catalog import", ["x.xlsx", "--into", "cat"], "output", Path("cat")),
    ("moji sheet", ["--out", "s.xlsx"], "output", Path("s.xlsx")),
    ("moji apply", ["s.xlsx", "--out", "g.csv"], "output", Path("g.csv")),
    ("moji shrink", ["--table", "t", "--out", "t.csv"], "output", Path("t.csv")),
    ("validate run", ["--json-out", "v.json"], "json_file", Path("v.json")),
    ("moji sheet", ["-o", "s.xlsx"], "output", Path("s.xlsx")),
    ("catalog import", ["x.xlsx", "--output", "cat"], "output", Path("cat")),
]


@pytest.mark.parametrize(("name", "args", "param", "value"), EARLIER, ids=[f"{n} {a[-2]}" for n, a, _, _ in EARLIER])
def test_earlier_spellings_still_work(name: str, args: list[str], param: str, value: Any) -> None:
    with COMMANDS[name].make_context(name, args) as context:
        assert context.params[param] == value


# Inside a project -------------------------------------------------------------------------------------------


@pytest.fixture
def project(cli: Cli, residents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project whose database holds the 50 generated residents (45 loaded), the current folder."""
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    mapping = load_mapping(residents / "mapping-csv.yaml", load_embedded())
    result = run_conversion(mapping, root / "migration.duckdb", guard=PublishGuard(max_quarantine_rate=1.0))
    assert result.rows_loaded == 45
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    yield root
    defaults.project.cache_clear()


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_validate_run_in_a_project_writes_its_reports_reads_suites_and_names_the_data_docs(
    cli: Cli, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fitgap.cli import progress
    from spec_catalog.database import connect_read_only, read_runs

    told: list[tuple[str, int, int]] = []
    by_table = progress.by_table

    def recording(steps: progress.Phases, labels: dict[str, str]) -> Callable[[str, int, int], None]:
        tell = by_table(steps, labels)

        def both(phase: str, done: int, total: int) -> None:
            told.append((phase, done, total))
            tell(phase, done, total)

        return both

    monkeypatch.setattr(progress, "by_table", recording)
    first = cli("validate", "run", "--json", "--docs", tmp_path / "docs")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["suites"] == "generated"
    assert _files(project / "reports") == [
        "validation-junit.xml",
        "validation.html",
        "validation.json",
        "validation.xlsx",
    ]
    assert told == [("sql", 0, 1), ("sql", 1, 1), ("gx", 0, 1), ("gx", 1, 1)]
    # GX's Data Docs name the table and the conversion run whose rows it holds, never t0
    con = connect_read_only(project / "migration.duckdb")
    try:
        (run,) = read_runs(con)
    finally:
        con.close()
    pages = [p.split("/") for p in _files(tmp_path / "docs") if not p.startswith("static/")]
    assert [p for p in pages if p[0] != "validations"] == [["expectations", "001_住民.html"], ["index.html"]]
    ((_, suite, run_name, _, page),) = [p for p in pages if p[0] == "validations"]
    assert (suite, run_name, page) == ("001_住民", run.run_id, "migration.duckdb-001_住民.html")

    # the suites written to the project's suites/ folder are the ones run; a report option writes only that one
    assert cli("validate", "suite", "001/住民").exit_code == 0
    assert _files(project / "suites") == ["001_住民.json"]
    for path in (project / "reports").iterdir():
        path.unlink()
    second = cli("validate", "run", "--json", "--xlsx", tmp_path / "only.xlsx")
    assert second.exit_code == 0, second.stderr
    assert json.loads(second.stdout)["suites"] == str(project / "suites")
    assert (_files(project / "reports"), (tmp_path / "only.xlsx").is_file()) == ([], True)


def test_reconcile_run_and_results_in_a_project_write_their_reports_and_nothing_outside(
    cli: Cli, project: Path, residents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fitgap.cli import defaults

    mapping = residents / "mapping-csv.yaml"
    assert cli("reconcile", "run", mapping, "--json").exit_code == 0
    assert _files(project / "reports") == [
        "reconcile-residents-csv.html",
        "reconcile-residents-csv.json",
        "reconcile-residents-csv.xlsx",
    ]
    old, new = tmp_path / "old.csv", tmp_path / "tax-2026.csv"
    for path in (old, new):
        path.write_text("宛名番号,税額\r\n0000000101,1200\r\n", encoding="utf-8")
    for _ in range(2):  # the project's own reports are replaced without --force
        assert cli("reconcile", "results", old, new, "--key", "宛名番号", "--json").exit_code == 0
    assert [f for f in _files(project / "reports") if "results" in f] == [
        "reconcile-results-tax-2026.html",
        "reconcile-results-tax-2026.json",
        "reconcile-results-tax-2026.xlsx",
    ]

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    defaults.project.cache_clear()
    database = project / "migration.duckdb"
    assert cli("reconcile", "run", mapping, "--db", database, "--json").exit_code == 0
    assert cli("reconcile", "results", old, new, "--key", "宛名番号", "--db", database, "--json").exit_code == 0
    assert _files(outside) == []


# Progress ---------------------------------------------------------------------------------------------------


def test_phases_show_their_counts_on_a_terminal_and_nothing_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from fitgap.cli import console as consoles
    from fitgap.cli.progress import phases

    def shown(quiet: bool) -> str:
        screen = io.StringIO()
        monkeypatch.setattr(consoles, "err_console", Console(file=screen, force_terminal=True, width=120))
        with phases(quiet=quiet) as steps:
            steps.start("読み込み", total=100, count="0 行")
            steps.update(completed=100, count="1,234 行")
            steps.start("登録", count="1,234 行")
        return screen.getvalue()

    text = shown(quiet=False)
    assert ("読み込み" in text, "登録" in text, "1,234 行" in text) == (True, True, True)
    assert shown(quiet=True) == ""


def test_moji_scan_tells_the_tables_counted(project: Path) -> None:
    from fitgap.moji import scan_database

    told: list[tuple[int, int]] = []
    result = scan_database(project / "migration.duckdb", load_embedded(), progress=lambda *c: told.append(c))
    assert (result.tables, told) == (("001_住民",), [(0, 1), (1, 1)])
