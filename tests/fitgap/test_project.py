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


def test_a_misspelt_tolerance_kind_is_refused_with_the_right_one(cli: Cli, project: Path) -> None:
    settings = project / "fitgap.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "reconcile:\n  tolerances: {rows_per_cod: '1', zeigaku: '0.1%'}\n",
        encoding="utf-8",
    )
    result = cli("convert", "runs")
    assert result.exit_code == 2
    assert "tolerance key 'rows_per_cod'" in result.stderr and "did you mean rows_per_code?" in result.stderr


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


def test_init_for_a_prefecture(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", tmp_path / "tokyo", "--municipality", "130001")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"Created {tmp_path / 'tokyo' / 'fitgap.yaml'} for 130001 東京都: 2 businesses in scope; folders mappings, "
        "assessments, exports, reports, suites.",
        "A prefecture: 生活保護 and 児童扶養手当, which it runs for its towns and villages without a 福祉事務所.",
    ]
    found = find_project(tmp_path / "tokyo")
    assert found is not None
    assert (found.settings.municipality, found.settings.name, found.settings.businesses) == (
        "130001",
        "東京都",
        ("020", "021"),
    )


def test_init_names_the_parts_in_scope_the_catalog_does_not_hold(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", tmp_path / "mori", "--municipality", "013455")
    assert result.exit_code == 0, result.stderr
    assert " ".join(result.stdout.split()).endswith(
        "Also in scope but not in the catalog: 005 選挙（共通）, 007 期日前・不在者投票管理, 008 当日投票管理, "
        "009 在外選挙管理, 014 収納管理, 015 滞納管理, 016 地方税（共通）, 038 人口動態調査, 039 火葬等許可 — import "
        "their workbooks with 'fitgap catalog import', then add them to businesses in fitgap.yaml. Next: cd "
        f"{tmp_path / 'mori'} && fitgap assess template -o assessments/assessment.xlsx"
    )


def test_a_catalog_given_to_init_is_written_relative_to_the_project(
    cli: Cli, tmp_path: Path, spec_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fitgap.cli import defaults

    monkeypatch.chdir(tmp_path)
    assert cli("catalog", "import", spec_workbook, "--into", "town/catalog").exit_code == 0
    result = cli("init", "town", "--municipality", "013455", "--catalog", "town/catalog")
    assert result.exit_code == 0, result.stderr
    found = find_project(tmp_path / "town")
    assert found is not None and found.settings.catalog == "catalog"
    monkeypatch.chdir(tmp_path / "town")
    defaults.project.cache_clear()
    try:
        assert cli("assess", "template", "-o", "assessments/a.xlsx").exit_code == 0  # the catalog is found
    finally:
        defaults.project.cache_clear()


def test_a_catalog_outside_the_project_is_refused_at_init(cli: Cli, tmp_path: Path, spec_workbook: Path) -> None:
    assert cli("catalog", "import", spec_workbook, "--into", tmp_path / "shared-catalog").exit_code == 0
    result = cli("init", tmp_path / "town", "--municipality", "013455", "--catalog", tmp_path / "shared-catalog")
    assert result.exit_code == 2
    assert "is outside the project folder" in result.stderr and not (tmp_path / "town" / "fitgap.yaml").exists()
