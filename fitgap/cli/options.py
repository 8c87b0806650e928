"""Options shared by several commands, defined once, and the naming scheme of every output option (docs/cli.md).

- ``-o/--output PATH``: the command's primary output, the file or folder it makes;
- ``--xlsx``, ``--html``, ``--json-file``, ``--junit FILE``: the reports, on every command that writes one;
- ``--json``: JSON on stdout; ``--force``: replace a file a person may have edited.

Spellings of earlier versions stay accepted as aliases (``--out``, ``--into``, ``--json-out``), so no script
breaks; the docs and the examples use only the scheme's (the help lists an alias after the scheme's name).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import typer

from fitgap.cli.help_language import help_text

ReportKind = Literal["xlsx", "html", "json_file", "junit"]

# Each report's option: its name and what it writes (the parameter is named after the kind).
REPORT_OPTIONS: dict[ReportKind, tuple[str, str]] = {
    "xlsx": ("--xlsx", help_text("Excel の帳票を FILE に書き出します。", "Write the Excel report to FILE.")),
    "html": (
        "--html",
        help_text("単体で開ける HTML の帳票を FILE に書き出します。", "Write the self-contained HTML report to FILE."),
    ),
    "json_file": (
        "--json-file",
        help_text("JSON の全内容を FILE に書き出します。", "Write the full JSON report to FILE."),
    ),
    "junit": ("--junit", help_text("JUnit XML を FILE に書き出します（CI 用）。", "Write JUnit XML to FILE (for CI).")),
}
# The spellings of earlier versions, still accepted (the docs do not use them).
ALIASES = {"--output": ("--out", "--into"), "--json-file": ("--json-out",)}


def output_option(help: str, *aliases: str, **options: Any) -> Any:
    """``-o/--output``: the command's primary output (a file or a folder it makes); ``aliases``: the spellings
    the command took before, kept working."""
    unknown = set(aliases) - set(ALIASES["--output"])
    if unknown:  # pragma: no cover - a programming error, caught by the CLI tests at import
        raise ValueError(f"not a known alias of --output: {sorted(unknown)}")
    return typer.Option("-o", "--output", *aliases, help=help, **options)


def report_option(kind: ReportKind, *aliases: str, in_project: str | None = None) -> Any:
    """The option of one report; ``in_project``: the report's name, when a project gets it by default (see
    :func:`report_files`); ``aliases``: the spellings the command took before, kept working."""
    name, help = REPORT_OPTIONS[kind]
    unknown = set(aliases) - set(ALIASES.get(name, ()))
    if unknown:  # pragma: no cover - a programming error, caught by the CLI tests at import
        raise ValueError(f"not a known alias of {name}: {sorted(unknown)}")
    return typer.Option(
        name,
        *aliases,
        metavar="FILE",
        help=help,
        show_default=help_text(
            f"プロジェクトでは reports/{file_name(in_project, kind)}",
            f"in a project: reports/{file_name(in_project, kind)}",
        )
        if in_project
        else False,
    )


def file_name(report: str, kind: ReportKind) -> str:
    """The file a project's report goes to in its output folder: ``validation.xlsx``, ``validation-junit.xml`` …"""
    return _FILES[kind].format(report)


_FILES: dict[ReportKind, str] = {"xlsx": "{}.xlsx", "html": "{}.html", "json_file": "{}.json", "junit": "{}-junit.xml"}


class ReportFiles(NamedTuple):
    """The report files a command writes (None: not that one)."""

    xlsx: Path | None = None
    html: Path | None = None
    json_file: Path | None = None
    junit: Path | None = None


def report_files(
    report: str, given: ReportFiles, kinds: tuple[ReportKind, ...] = ("xlsx", "html", "json_file", "junit")
) -> ReportFiles:
    """The reports the options name; when they name none, inside a project each of ``kinds`` in the project's
    output folder (``reports/validation.xlsx`` …: the tool's own files, replaced on each run); outside a project,
    none: nothing is written unless asked."""
    from fitgap.cli.defaults import project

    found = project()
    if found is None or any(path is not None for path in given):
        return given
    return ReportFiles(**{kind: found.output / file_name(report, kind) for kind in kinds})


XlsxOption = Annotated[Path | None, report_option("xlsx")]
HtmlOption = Annotated[Path | None, report_option("html")]
JsonFileOption = Annotated[Path | None, report_option("json_file")]
JunitOption = Annotated[Path | None, report_option("junit")]

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help=help_text(
            "'fitgap catalog import' で作ったカタログのフォルダ（組み込みカタログに重ねて使います）。",
            "Catalog directory made by 'fitgap catalog import' (overlaid on the embedded catalog).",
        ),
        show_default=help_text("組み込みカタログ", "embedded"),
    ),
]
WelfareOfficeOption = Annotated[
    bool | None,
    typer.Option(
        "--welfare-office/--no-welfare-office",
        help=help_text("団体が福祉事務所を置いているか。", "Whether the municipality has a 福祉事務所."),
        show_default=help_text("市・区は置く、町・村は置かない", "市・区 yes, 町・村 no"),
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help=help_text("表の代わりに機械向けの JSON を出力します。", "Print JSON for machines instead of tables."),
    ),
]


class Lang(StrEnum):
    JA = "ja"
    EN = "en"


LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help=help_text(
            "表示と帳票の言語: ja（日本語）または en（英語）。", "Language of messages and reports: ja or en."
        ),
        show_default=help_text("プロジェクトの設定、なければ LANG、なければ ja", "the project's, else LANG, else ja"),
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help=help_text("移行の DuckDB データベース。", "The DuckDB database of the migration."),
        show_default=help_text("プロジェクトのもの、なければ fitgap.duckdb", "the project's, else fitgap.duckdb"),
    ),
]
UnmaskOption = Annotated[
    bool,
    typer.Option(
        "--unmask",
        help=help_text(
            "個人情報をマスクせずに表示します（権限のある人だけ。警告が出ます）。",
            "Show personal data unmasked (authorised users only; prints a warning).",
        ),
    ),
]
