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
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {project / 'fitgap.yaml'}: ここにはすでにプロジェクトがあります — 別のフォルダを指定してください\n",
    )
    english = cli("init", project, "--municipality", "013455", "--lang", "en")
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: {project / 'fitgap.yaml'}: a project exists here already — choose another folder\n",
    )


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
    assert result.stderr == (
        f"エラー: {settings}:11: masking: masking は設定では無効にできません: "
        "権限のある人がコマンドごとに --unmask を付けてください\n"
    )
    english = cli("convert", "runs", "--lang", "en")
    assert english.stderr == (
        f"Error: {settings}:11: masking: masking cannot be switched off in the settings: "
        "authorised users give --unmask on each command\n"
    )


def test_a_misspelt_tolerance_kind_is_refused_with_the_right_one(cli: Cli, project: Path) -> None:
    settings = project / "fitgap.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "reconcile:\n  tolerances: {rows_per_cod: '1', zeigaku: '0.1%'}\n",
        encoding="utf-8",
    )
    result = cli("convert", "runs")
    assert result.exit_code == 2
    assert "許容差のキー 'rows_per_cod' は管理合計の種類（" in result.stderr
    assert result.stderr.endswith("でも項目のローマ字名でもありません — rows_per_code の書き間違いではありませんか？\n")
    english = cli("convert", "runs", "--lang", "en")
    assert "tolerance key 'rows_per_cod'" in english.stderr and "did you mean rows_per_code?" in english.stderr


def test_settings_paths_may_not_leave_the_project(cli: Cli, project: Path) -> None:
    settings = project / "fitgap.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("database: migration.duckdb", "database: ../../elsewhere.duckdb"),
        encoding="utf-8",
    )
    result = cli("convert", "runs")
    assert result.exit_code == 2
    assert result.stderr == (
        f"エラー: {settings}: データベース '../../elsewhere.duckdb' がプロジェクトのフォルダの外を指しています — "
        "プロジェクトの中に置くか、allow_outside_paths: true を設定してください\n"
    )
    assert cli("convert", "runs", "--lang", "en").stderr == (
        f"Error: {settings}: database '../../elsewhere.duckdb' leaves the project folder — keep it "
        "inside the project, or set allow_outside_paths: true\n"
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
    result = cli("report", "readiness", "--lang", "en")
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
        f"130001 東京都 の {tmp_path / 'tokyo' / 'fitgap.yaml'} を作りました: 対象 2 業務、フォルダ mappings, "
        "assessments, exports, reports, suites",
        "都道府県: 福祉事務所のない町村に代わって行う生活保護と児童扶養手当が対象です",
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
        "ほかにも対象ですがカタログにない業務: 005 選挙（共通）, 007 期日前・不在者投票管理, 008 当日投票管理, "
        "009 在外選挙管理, 014 収納管理, 015 滞納管理, 016 地方税（共通）, 038 人口動態調査, 039 火葬等許可 — "
        "'fitgap catalog import' で仕様書を取り込み、fitgap.yaml の businesses に加えてください 次に: cd "
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
    assert result.stderr.startswith(
        f"エラー: カタログのフォルダ {tmp_path / 'shared-catalog'} がプロジェクトのフォルダ {tmp_path / 'town'} の外に"
        "あります — プロジェクトの中に取り込むか写して"
    )
    assert not (tmp_path / "town" / "fitgap.yaml").exists()


def test_init_in_english_speaks_english_and_sets_the_project_language(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", tmp_path / "tokyo", "--municipality", "130001", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"Created {tmp_path / 'tokyo' / 'fitgap.yaml'} for 130001 東京都: 2 businesses in scope; folders mappings, "
        "assessments, exports, reports, suites.",
        "A prefecture: 生活保護 and 児童扶養手当, which it runs for its towns and villages without a 福祉事務所.",
    ]
    found = find_project(tmp_path / "tokyo")
    assert found is not None and found.settings.language == "en"
    text = (tmp_path / "tokyo" / "fitgap.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == [
        "# fitgap migration project: 130001 東京都",
        "# Every fitgap command run inside this folder takes its defaults from here.",
    ]
    japanese = cli("init", tmp_path / "mori", "--municipality", "013455")
    assert japanese.exit_code == 0, japanese.stderr
    found = find_project(tmp_path / "mori")
    assert found is not None and found.settings.language == "ja"
    assert (tmp_path / "mori" / "fitgap.yaml").read_text(encoding="utf-8").splitlines()[:2] == [
        "# fitgap の移行プロジェクト: 013455 森町（北海道）",
        "# このフォルダの中で実行する fitgap のコマンドは、ここの設定を既定値にします。",
    ]
