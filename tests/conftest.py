"""Shared test helpers: the real fixtures, a CLI runner through the real error boundary, workbook builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pii_scan import my_numbers_in_text, scan_outputs

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
SPEC_WORKBOOK = SHARED_FIXTURES / "digital-agency" / "jutogai-atena-item-definition.xlsx"
LOCALGOV_CSV = SHARED_FIXTURES / "localgov" / "localgovjp-utf8.csv"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``fitgap ARGS`` in-process through :func:`fitgap.cli.main`, the real error boundary."""
    from fitgap.cli import console as consoles
    from fitgap.cli import main

    monkeypatch.setenv("COLUMNS", "200")  # keep rich from folding lines in assertions
    # The consoles read COLUMNS once, when first imported (maybe by an earlier test): set their width too.
    monkeypatch.setattr(consoles.console, "width", 200)
    monkeypatch.setattr(consoles.err_console, "width", 200)

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        if "--unmask" not in [str(a) for a in args]:
            leaked = my_numbers_in_text(captured.out + captured.err)
            assert not leaked, f"unmasked 個人番号 in the output of fitgap {' '.join(map(str, args))}: {leaked}"
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def spec_workbook() -> Path:
    assert SPEC_WORKBOOK.exists(), f"the shared fixture is missing: {SPEC_WORKBOOK}"
    return SPEC_WORKBOOK


@pytest.fixture
def residents(tmp_path: Path) -> Path:
    """The resident example folder with 50 generated records as CSV and fixed width."""
    import shutil

    from fitgap.sample import generate

    folder = tmp_path / "residents"
    shutil.copytree(ROOT / "examples" / "residents", folder)
    generate(folder / "residents.csv", 50, "csv")
    generate(folder / "residents.txt", 50, "fixed")
    return folder


@pytest.fixture(autouse=True)
def _japanese_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests expect the default language (Japanese) whatever the machine's LANG (an en_US CI runner would
    otherwise get English outputs: fitgap.cli.defaults.language reads LANG)."""
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session", autouse=True)
def masking_scan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the whole suite: no file any test wrote under pytest's temp, whatever its kind (workbook cells,
    JSON, XML, HTML, CSV, text), holds an unmasked 個人番号 — the data itself aside (see pii_scan)."""
    yield
    leaked = scan_outputs(tmp_path_factory.getbasetemp())
    assert not leaked, f"unmasked 個人番号 in test outputs: {leaked}"
