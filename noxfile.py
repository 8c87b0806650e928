"""Developer sessions: tests, lint, typecheck, demo. The project and its dev group come from pyproject."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
DEV = nox.project.dependency_groups(PYPROJECT, "dev")
PACKAGES = ["fitgap", "converters", "spec_catalog", "validation", "reports"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; extra arguments go to pytest (nox -s tests -- -k diff)."""
    session.install(".", *DEV)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*[d for d in DEV if d.startswith("ruff")])
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict with the pydantic plugin on the packages."""
    session.install(".", *DEV)
    session.run("mypy", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on synthetic data: fitgap demo (arguments go to it, e.g. -- --out DIR)."""
    session.install(".")
    session.run("fitgap", "demo", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks against their floors and baselines, 1M and 10M rows (benchmarks/run.py; arguments go to it:
    -- --sizes 1M, -- --with-50m outside CI, -- --render to rewrite docs/performance.md from the saved results)."""
    session.install(".")  # pandas, the baselines' library, comes with Great Expectations
    session.run("python", "benchmarks/run.py", *session.posargs)
