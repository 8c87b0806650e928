"""Projects: fitgap init, settings as defaults, paths that may not leave the project, readiness."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fitgap.project import find_project

from conftest import CliResult

Cli = Callable[..., CliResult]


@pytest.fixture
def project(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    yield root
    defaults.project.cache_clear()


def test_init_writes_settings_and_folders(project: Path) -> None:
    found = find_project(project / "reports")
    assert found is not None and found.root == project
    assert (found.settings.municipality, found.settings.name, len(found.settings.businesses)) == ("013455", "森町", 18)
    assert {p.name for p in project.iterdir()} >= {"fitgap.yaml", "mappings", "assessments", "exports", "reports"}


def test_init_refuses_an_existing_project(cli: Cli, project: Path) -> None:
    result = cli("init", project, "--municipality", "013455")
    assert result.exit_code == 2 and "a project exists here already" in result.stderr


def test_commands_take_their_defaults_from_the_project(cli: Cli, project: Path) -> None:
    assert cli("assess", "template", "-o", "assessments/a.xlsx").exit_code == 0
    from openpyxl import load_workbook

    names = load_workbook(project / "assessments" / "a.xlsx").sheetnames
    assert len([n for n in names if n[:3].isdigit()]) == 18  # the project's scope
    assert cli("assess", "score", "assessments/a.xlsx", "--as-of", "2026-11-26").exit_code == 0
    assert len(list((project / "assessments" / "history").glob("*.json"))) == 1
    result = cli("convert", "runs")
    assert result.exit_code == 2 and str(project / "migration.duckdb") in result.stderr


def test_masking_cannot_be_switched_off_in_the_settings(cli: Cli, project: Path) -> None:
    settings = project / "fitgap.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("masking: true", "masking: false"), encoding="utf-8"
    )
    result = cli("convert", "runs")
    assert result.exit_code == 2
    assert (
        "masking cannot be switched off in the settings" in result.stderr
        and "fitgap.yaml:11: masking:" in result.stderr
    )


def test_settings_paths_may_not_leave_the_project(cli: Cli, project: Path) -> None:
    settings = project / "fitgap.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("database: migration.duckdb", "database: ../../elsewhere.duckdb"),
        encoding="utf-8",
    )
    result = cli("convert", "runs")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "database '../../elsewhere.duckdb' leaves the project folder — keep it "
        "inside the project, or set allow_outside_paths: true"
    )


def test_readiness_without_data_is_no_go(cli: Cli, project: Path) -> None:
    result = cli("report", "readiness", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["go"] == 0 and report["no_go"] == 18
    reasons = report["businesses"][0]["reasons"]
    assert [r["code"] for r in reasons] == ["READINESS_NOT_ASSESSED", "READINESS_NOT_CONVERTED"]
    assert [r["ja"] for r in reasons] == ["Fit & Gap 未評価", "データ未変換"]
    assert (project / "reports" / "readiness.html").exists()


def test_readiness_needs_a_municipality(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("report", "readiness")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: no municipality — give --municipality CODE or run inside a project (fitgap init)\n",
    )


def test_sample_generate(cli: Cli, tmp_path: Path) -> None:
    result = cli("sample", "generate", "--rows", "40", "--format", "fixed", "-o", tmp_path / "r.txt")
    assert result.exit_code == 0 and "[7, 13, 17, 23, 29, 31, 37]" in result.stdout
    assert (tmp_path / "r.txt").stat().st_size == 40 * 198
    assert cli("sample", "generate", "--format", "xml", "-o", tmp_path / "x").exit_code == 2
