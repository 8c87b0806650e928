"""The ``fitgap`` command and its single error boundary.

Exit codes: 0 ok, 1 ran but the data or a gate failed, 2 usage/config/input error, 130 interrupted.
Heavy libraries are imported inside commands, so ``fitgap --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from fitgap import __version__
from fitgap.cli import assess, catalog, convert, demo, project, report, sample, validate
from fitgap.cli.console import err_console
from spec_catalog.base import FitgapError

app = typer.Typer(
    name="fitgap",
    help=(
        "Fit & Gap, legacy data conversion and validation for the migration of municipal core systems "
        "to the national standard (標準化・ガバメントクラウド移行).\n\n"
        "Example: fitgap catalog list"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("demo")(demo.demo)
app.command("init")(project.init)
app.add_typer(catalog.app, name="catalog")
app.add_typer(assess.app, name="assess")
app.add_typer(convert.app, name="convert")
app.add_typer(sample.app, name="sample")
app.add_typer(validate.app, name="validate")
app.add_typer(report.app, name="report")

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fitgap {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    _state["debug"] = debug


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error ends here as one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    _state["debug"] = "--debug" in args
    try:
        # Without standalone mode a command's typer.Exit(code) comes back as the return value.
        code = app(args=args, prog_name="fitgap", standalone_mode=False)
    except FitgapError as exc:
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]Error:[/bold red] {escape(exc.one_line())}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("Interrupted.")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument …
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err_console.print(f"Error: {escape(exc.format_message())}", highlight=False, soft_wrap=True)
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
