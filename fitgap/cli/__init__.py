"""The ``fitgap`` command and its single error boundary.

Exit codes: 0 ok, 1 ran but the data or a gate failed, 2 usage/config/input error, 130 interrupted.
Heavy libraries are imported inside commands, so ``fitgap --help`` stays fast.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import typer.main
from rich.markup import escape
from typer._click.core import Command

from fitgap import __version__
from fitgap.cli import assess, catalog, convert, demo, moji, project, reconcile, report, sample, validate
from fitgap.cli.console import err_console
from fitgap.cli.help_language import help_text, speak
from fitgap.cli.options import Lang, LangOption
from fitgap.cli.usage_errors import usage_hint, usage_message
from spec_catalog.errors import FitgapError
from spec_catalog.language import LANGUAGES, Language, chosen, from_environment, say

app = typer.Typer(
    name="fitgap",
    help=help_text(
        "標準化・ガバメントクラウド移行のための Fit & Gap、既存データの移行・検証、文字同定と現新比較。\n\n"
        "例: fitgap catalog list",
        "Fit & Gap, legacy data conversion and validation for the migration of municipal core systems "
        "to the national standard (標準化・ガバメントクラウド移行).\n\n"
        "Example: fitgap catalog list",
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _group(lang: LangOption = None) -> None:
    """--lang after a group's name too (``fitgap convert --help --lang en``); main reads it before parsing."""
    del lang


for _module in (catalog, assess, convert, sample, validate, report, moji, reconcile):
    _module.app.callback()(_group)
app.command("demo", help=demo.HELP)(demo.demo)
app.command("init", help=project.HELP)(project.init)
app.add_typer(catalog.app, name="catalog")
app.add_typer(assess.app, name="assess")
app.add_typer(convert.app, name="convert")
app.add_typer(sample.app, name="sample")
app.add_typer(validate.app, name="validate")
app.add_typer(report.app, name="report")
app.add_typer(moji.app, name="moji")
app.add_typer(reconcile.app, name="reconcile")

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fitgap {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help=help_text("エラーのトレースバックをすべて表示します。", "Show the full traceback of an error."),
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help=help_text("バージョンを表示して終了します。", "Show the version and exit."),
        ),
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help=help_text(
                "表示の言語: ja（日本語）または en（英語）。各コマンドの後にも書けます。",
                "Language of messages and help: ja or en. Also accepted after the command.",
            ),
            show_default=help_text(
                "プロジェクトの設定、なければ LANG、なければ ja", "the project's, else LANG, else ja"
            ),
        ),
    ] = None,
) -> None:
    del lang  # read before the command line is parsed (main → _language), so help and usage errors speak it too
    # --lang is read before the command line is parsed (main → _language), so help and usage errors speak it too.
    _state["debug"] = debug


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error ends here as one line on stderr and an exit code (with --json, also as a JSON
    object on stdout): what went wrong, where, and how to fix it — in the run's language."""
    args = sys.argv[1:] if argv is None else argv
    _state["debug"] = "--debug" in args
    # No command does linear algebra: without this, importing NumPy starts OpenBLAS's thread, which spins (0.1 s
    # of a core in a conversion of a million rows). Set before a command imports NumPy; a value given wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with chosen(_language(args)) as lang:
        command = typer.main.get_command(app)
        speak(command, lang)
        _run(command, args)


def _run(command: Command, args: list[str]) -> NoReturn:
    as_json = "--json" in args
    try:
        # Without standalone mode a command's typer.Exit(code) comes back as the return value, and so does the
        # 130 typer makes of a KeyboardInterrupt.
        code = command.main(args=args, prog_name="fitgap", standalone_mode=False)
    except FitgapError as exc:
        if _state["debug"]:
            raise
        _fail(exc, as_json)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _interrupted(as_json, _command_path(command, args))
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument …
        context = getattr(exc, "ctx", None)
        hint = usage_hint(context.command_path if context is not None else _command_path(command, args))
        usage = FitgapError(usage_message(exc), hint=hint)
        _fail(usage, as_json, 2 if exc.exit_code in (1, 2) else exc.exit_code)
    except Exception as exc:
        from spec_catalog.database import is_interrupt

        if is_interrupt(exc):  # Ctrl-C while DuckDB ran a statement (a validation, an export …)
            _interrupted(as_json, _command_path(command, args))
        known = _environment_error(exc, args)
        if known is None or _state["debug"]:
            raise
        _fail(known, as_json)
    if code == 130:
        _interrupted(as_json, _command_path(command, args))
    sys.exit(code if isinstance(code, int) else 0)


def _command_path(command: Command, args: list[str]) -> str:
    """``fitgap convert run`` for the words of ``args`` that name commands (an error raised while parsing an
    option's value has no context to say it)."""
    path, node = ["fitgap"], command
    for arg in args:
        child = getattr(node, "commands", {}).get(arg)
        if child is not None:
            path.append(arg)
            node = child
    return " ".join(path)


def _language(args: list[str]) -> Language:
    """--lang (wherever it stands on the line), else the project's language:, else the environment's LANG.

    Decided before the command line is parsed, so help and usage errors speak it too; a wrong value is left to the
    option itself to refuse."""
    for index, arg in enumerate(args):
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGUAGES:
            return value
    here = Path.cwd()
    if not any((folder / "fitgap.yaml").is_file() for folder in (here, *here.parents)):
        return from_environment()  # no project: --help stays fast (reading one imports the YAML parser)
    try:
        from fitgap.cli.defaults import project

        found = project()
    except FitgapError:  # a broken project file is the command's to report, in the environment's language
        return from_environment()
    chosen_there = found.settings.language if found is not None else None
    return chosen_there if chosen_there in LANGUAGES else from_environment()


def _fail(error: FitgapError, as_json: bool, code: int | None = None) -> NoReturn:
    code = error.exit_code if code is None else code
    from reports.masking import mask_text

    # Masked by value: a message must never carry a 個人番号, whatever put it there.
    if as_json:
        body = {
            "message": mask_text(error.message),
            "where": mask_text(error.where),
            "hint": mask_text(error.hint),
            "exit_code": code,
        }
        typer.echo(json.dumps({"error": body}, ensure_ascii=False))
    line = mask_text(error.one_line()) or ""
    label = say("エラー", "Error")
    err_console.print(f"[bold red]{label}:[/bold red] {escape(line)}", highlight=False, soft_wrap=True)
    sys.exit(code)


def _interrupted(as_json: bool, command: str) -> NoReturn:
    from spec_catalog.ctrl_c import published

    if command != "fitgap convert run":
        message = say("中断しました（Ctrl-C）", "Interrupted (Ctrl-C)")
    elif published():  # pressed after the COMMIT: the rows are published, the record says so
        message = say(
            "中断しました（Ctrl-C）が、移行はその前に公開を終えていました"
            "（'fitgap convert runs' で記録を確かめられます）",
            "Interrupted (Ctrl-C), but the conversion had already published (its record: 'fitgap convert runs')",
        )
    else:  # what a stopped conversion leaves is what its user asks first
        message = say(
            "中断しました（Ctrl-C）: こうして止めた移行は 'interrupted' と記録され、何も公開されていません",
            "Interrupted (Ctrl-C): a conversion stopped this way is recorded as 'interrupted' and published nothing",
        )
    if as_json:
        body = {"message": message, "where": None, "hint": None, "exit_code": 130}
        typer.echo(json.dumps({"error": body}, ensure_ascii=False))
    err_console.print(message, highlight=False, soft_wrap=True)
    sys.exit(130)


# What the machine, not the toolkit, got wrong: told in one line like any FitgapError. Anything else is a fault of
# fitgap and keeps its traceback.
# Each text is a (Japanese, English) pair, said in the run's language when the error is made.
_FULL = {
    errno.ENOSPC: ("ディスクがいっぱいです", "the disk is full"),
    errno.EDQUOT: ("ディスクの割り当て（クォータ）を使い切りました", "the disk quota is used up"),
    errno.EFBIG: (
        "ファイルがシステムの許す最大の大きさを超えました",
        "the file grew past the largest size the system allows",
    ),
}
_CHECK_PATH = ("パスを確かめてください", "check the path")
_PERMISSION = (
    ("権限がありません", "permission denied"),
    ("権限を確かめるか、別のパスを選んでください", "check the permissions, or choose another path"),
)
_OS_PROBLEMS = {
    errno.ENOENT: (("見つかりません", "not found"), _CHECK_PATH),
    errno.EISDIR: (
        ("フォルダです", "is a directory"),
        ("フォルダではなくファイル名を指定してください", "give a file name, not a folder"),
    ),
    errno.ENOTDIR: (
        ("パスの途中がフォルダではなくファイルです", "a part of the path is a file, not a folder"),
        _CHECK_PATH,
    ),
    errno.EEXIST: (
        ("フォルダが要る場所にファイルがあります", "exists already as a file, where a folder is needed"),
        ("別のパスを指定するか、そのファイルを取り除いてください", "give another path, or remove the file"),
    ),
    errno.EACCES: _PERMISSION,
    errno.EPERM: _PERMISSION,
    errno.EROFS: (
        ("読み取り専用のファイルシステムです", "the file system is read-only"),
        ("書き込めるディスク上のパスを選んでください", "choose a path on a writable disk"),
    ),
    errno.ENAMETOOLONG: (
        ("ファイル名が長すぎます", "the file name is too long"),
        ("短いパスを選んでください", "choose a shorter path"),
    ),
}
_DUCKDB_PATH = re.compile(r'file "([^"]+)"')


def _environment_error(error: BaseException, args: list[str]) -> FitgapError | None:
    """A full disk, a damaged database, no memory, or a path the system refused, as a one-line error.

    The whole chain of the exception is looked at: a failed ROLLBACK after a failed COMMIT hides the reason.
    """
    chain = _chain(error)
    for item in chain:
        text = str(item)
        if isinstance(item, OSError) and item.errno in _FULL:
            where = item.filename
            fix = (
                say("そのディスクの空きを作ってから、もう一度実行してください", "free space on that disk and run again")
                if where
                else say(
                    "書き込み先のディスクの空きを作ってから、もう一度実行してください",
                    "free space on the disk written to and run again",
                )
            )
            return FitgapError(say(*_FULL[item.errno]), where=where, hint=fix)
        if _from_duckdb(item) and re.search(r"no space left|disk quota|file too large", text, re.I):
            found = _DUCKDB_PATH.search(text)
            return FitgapError(
                say(*_FULL[errno.ENOSPC]),
                where=found[1] if found else _option(args, "--db"),
                hint=say(
                    "そのディスクの空きを作ってから、もう一度実行してください。データベースはこの実行の前の内容のままです",
                    "free space on that disk and run again: the database keeps what it held before this run",
                ),
            )
    for item in chain:
        text = str(item)
        if _from_duckdb(item) and re.search(r"corrupt database|does not match stored checksum", text, re.I):
            block = re.search(r"block at location (\d+)", text)
            return FitgapError(
                say("データベースのファイルが壊れています", "the database file is damaged")
                + (
                    say(
                        f": {block[1]} バイト目のブロックのチェックサムが合いません",
                        f": the block at byte {block[1]} fails its checksum",
                    )
                    if block
                    else ""
                ),
                where=_option(args, "--db"),
                hint=say(
                    "バックアップから戻すか、新しい --db に移行し直してください",
                    "restore it from a backup, or convert again into a new --db",
                ),
            )
        if _from_duckdb(item) and "max_temp_directory_size" in text:
            # DuckDB's spill (beside the database) reached its limit, by default the disk's free space: the disk is
            # what ran out, and a lower memory limit would only spill more.
            db = _option(args, "--db")
            return FitgapError(
                say(
                    "データベースの一時ファイル用のディスクが足りません（DuckDB がメモリに収まらない分を書き出す先）",
                    "out of disk for the database's temporary files (where DuckDB writes what memory cannot hold)",
                ),
                where=f"{db}.tmp" if db else None,
                hint=say(
                    "そのディスクの空きを作るか、--memory-limit を上げて（書き出しが減ります）、"
                    "もう一度実行してください。データベースはこの実行の前の内容のままです",
                    "free space on that disk, or raise --memory-limit (less is written out), and run again: the "
                    "database keeps what it held before this run",
                ),
            )
        if isinstance(item, MemoryError) or (_from_duckdb(item) and type(item).__name__ == "OutOfMemoryException"):
            return FitgapError(
                say("メモリが足りません", "out of memory"),
                hint=say(
                    "--memory-limit を下げる（DuckDB はデータベースの隣のディスクに書き出して続けます）か、"
                    "メモリを空けてください",
                    "lower --memory-limit (DuckDB then spills to disk beside the database), or free memory",
                ),
            )
        if isinstance(item, OSError) and item.filename is not None:
            strerror = str(item.strerror).lower()
            problem, remedy = _OS_PROBLEMS.get(item.errno or 0, ((strerror, strerror), _CHECK_PATH))
            return FitgapError(say(*problem), where=str(item.filename), hint=say(*remedy))
    return None


def _chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    item: BaseException | None = error
    while item is not None and item not in found:
        found.append(item)
        item = item.__cause__ or item.__context__
    return found


def _from_duckdb(error: BaseException) -> bool:
    return type(error).__module__.split(".")[0] in ("duckdb", "_duckdb")


def _option(args: list[str], name: str) -> str | None:
    """The value given to an option (``--db FILE`` or ``--db=FILE``), if any."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None
