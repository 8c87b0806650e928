"""No user work is replaced without --force; history keeps every scoring; readiness picks the snapshot by the
time recorded in it; every report states its inputs, the tool version and 作成日時."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fitgap.assessment.history import load_history, load_snapshot, save_snapshot
from fitgap.readiness import latest_snapshot
from spec_catalog import load_embedded
from spec_catalog.models import catalog_label

from conftest import CliResult

Cli = Callable[..., CliResult]
JST = dt.timezone(dt.timedelta(hours=9))


def test_template_refuses_an_existing_workbook(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "assessment.xlsx"
    assert cli("assess", "template", "001", "-o", path).exit_code == 0
    path.write_bytes(b"filled in by staff")
    result = cli("assess", "template", "001", "-o", path)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {path}: 調査票がすでにあります（記入済みかもしれません） — 置き換えるには --force を付けてください\n",
    )
    assert path.read_bytes() == b"filled in by staff"
    assert cli("assess", "template", "001", "-o", path, "--force").exit_code == 0
    assert path.read_bytes() != b"filled in by staff"


def test_suite_refuses_to_replace_a_suite_file(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "suites"
    assert cli("validate", "suite", "001", "-o", folder).exit_code == 0
    edited = folder / "001_住民.json"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"error"', '"warning"'), encoding="utf-8")
    kept = edited.read_text(encoding="utf-8")
    (folder / "001_世帯.json").unlink()
    result = cli("validate", "suite", "001", "-o", folder)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {edited}: スイートのファイルがすでにあります — 置き換えるには --force を付けてください\n",
    )
    assert edited.read_text(encoding="utf-8") == kept
    assert not (folder / "001_世帯.json").exists()  # nothing written when one file may not be
    assert cli("validate", "suite", "001", "-o", folder, "--force").exit_code == 0
    assert edited.read_text(encoding="utf-8") != kept and (folder / "001_世帯.json").exists()


@pytest.fixture
def scored(cli: Cli, tmp_path: Path) -> Path:
    """An assessment scored once, as JSON (a report without a scoring time)."""
    workbook = tmp_path / "a.xlsx"
    assert cli("assess", "template", "001", "-o", workbook).exit_code == 0
    result = cli("assess", "score", workbook, "--as-of", "2026-11-26", "--json")
    path = tmp_path / "scored.json"
    path.write_text(result.stdout, encoding="utf-8")
    return path


def test_history_keeps_one_snapshot_per_scoring(cli: Cli, tmp_path: Path) -> None:
    workbook, history = tmp_path / "a.xlsx", tmp_path / "history"
    assert cli("assess", "template", "001", "-o", workbook).exit_code == 0
    for _ in range(2):
        assert cli("assess", "score", workbook, "--history", history, "--as-of", "2026-11-26").exit_code == 0
    files = sorted(history.glob("*.json"))
    assert len(files) == 2 and all(f.name.startswith("2026-11-26_a_") for f in files)
    first, second = (load_snapshot(f) for f in files)
    assert first.scored_at is not None and second.scored_at is not None and first.scored_at != second.scored_at


def test_two_scorings_in_one_second_are_two_snapshots(scored: Path, tmp_path: Path) -> None:
    report = load_snapshot(scored)
    at = dt.datetime(2026, 11, 26, 10, 15, 0, tzinfo=JST)
    first = save_snapshot(report, tmp_path / "h", now=at)
    second = save_snapshot(report, tmp_path / "h", now=at)
    assert (first.name, second.name) == ("2026-11-26_a_20261126T101500.json", "2026-11-26_a_20261126T101500_2.json")
    assert load_snapshot(second).scored_at == at
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == [first.name, second.name]  # no temporary left


def test_readiness_picks_the_snapshot_by_the_time_recorded_in_it(scored: Path, tmp_path: Path) -> None:
    report = load_snapshot(scored)
    history = tmp_path / "h"
    legacy = history / "2100-01-01_legacy.json"  # an earlier fitgap's snapshot: no time inside
    history.mkdir()
    legacy.write_text(scored.read_text(encoding="utf-8"), encoding="utf-8")
    future = save_snapshot(
        report.model_copy(update={"as_of": dt.date(2099, 12, 31)}),
        history,
        now=dt.datetime(2026, 11, 26, 9, 0, tzinfo=JST),
    )
    latest = save_snapshot(report, history, now=dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC))  # 10:00 JST
    assert sorted(history.glob("*.json"))[-1] == legacy and future.name > latest.name  # names would mislead
    assert latest_snapshot(history) == latest
    assert [s.scored_at for s in load_history(history)] == [
        None,
        dt.datetime(2026, 11, 26, 9, 0, tzinfo=JST),
        dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC),
    ]


@pytest.fixture
def project(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    yield root
    defaults.project.cache_clear()


def test_a_future_as_of_does_not_freeze_the_latest_snapshot(cli: Cli, project: Path) -> None:
    assert cli("assess", "template", "001", "-o", "assessments/a.xlsx").exit_code == 0
    assert cli("assess", "score", "assessments/a.xlsx", "--as-of", "2099-12-31").exit_code == 0
    assert cli("assess", "score", "assessments/a.xlsx", "--as-of", "2026-11-26").exit_code == 0
    result = cli("report", "readiness", "--json")
    snapshot = json.loads(result.stdout)["inputs"]["assessment"]
    assert snapshot["as_of"] == "2026-11-26"
    assert Path(snapshot["snapshot"]).name.startswith("2026-11-26_a_")


def test_reports_state_their_inputs(cli: Cli, residents: Path, tmp_path: Path) -> None:
    catalog = load_embedded()
    db, out = tmp_path / "m.duckdb", tmp_path / "out"
    converted = cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--json", "--accept-quarantine")
    run_id = json.loads(converted.stdout)["run_id"]
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    validation = cli(
        "validate", "run", "--db", db, "--json-file", out / "v.json", "--html", out / "v.html", "--xlsx", out / "v.xlsx"
    )
    assert validation.exit_code in (0, 1)
    checked = json.loads((out / "v.json").read_text(encoding="utf-8"))
    created = dt.datetime.fromisoformat(checked["created"])
    assert before <= created <= dt.datetime.now().astimezone()
    assert {k: checked[k] for k in ("database", "catalog", "suites", "tool_version")} == {
        "database": str(db),
        "catalog": catalog.name,
        "suites": "generated",
        "tool_version": "fitgap 0.1.0",
    }
    assert checked["catalog_versions"] == {"001": catalog.business("001").spec_version}
    html = (out / "v.html").read_text(encoding="utf-8")
    # 作成日時 in Asia/Tokyo wall-clock time, as the page header and footer print it
    tokyo = created.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%Y-%m-%d %H:%M")
    for shown in ("作成日時", tokyo, "fitgap 0.1.0", catalog_label(catalog.name), "カタログから生成"):
        assert shown in html, shown

    workbook, history = tmp_path / "a.xlsx", tmp_path / "history"
    assert cli("assess", "template", "001", "-o", workbook).exit_code == 0
    assert cli("assess", "score", workbook, "--history", history, "--as-of", "2026-11-26").exit_code == 0
    (snapshot,) = history.glob("*.json")
    result = cli(
        "report",
        "readiness",
        "--municipality",
        "013455",
        "--db",
        db,
        "--assessment",
        snapshot,
        "--validation",
        out / "v.json",
        "--json-file",
        out / "r.json",
        "--html",
        out / "r.html",
        "--xlsx",
        out / "r.xlsx",
    )
    assert result.exit_code == 1  # NO-GO: only 001 is assessed and converted
    inputs = json.loads((out / "r.json").read_text(encoding="utf-8"))["inputs"]
    scored_at = dt.datetime.fromisoformat(inputs["assessment"].pop("scored_at"))
    assert scored_at == load_snapshot(snapshot).scored_at
    assert inputs["assessment"] == {"snapshot": str(snapshot), "workbook": str(workbook), "as_of": "2026-11-26"}
    assert inputs["conversion_runs"] == [run_id]
    assert inputs["validation"] == {"database": str(db), "created": checked["created"], "suites": "generated"}
    assert (inputs["catalog"]["name"], inputs["catalog"]["sample"]) == (catalog.name, True)
    assert inputs["catalog"]["versions"]["001"] == catalog.business("001").spec_version
    assert inputs["tool_version"] == "fitgap 0.1.0" and dt.datetime.fromisoformat(inputs["created"]) >= created
    html = (out / "r.html").read_text(encoding="utf-8")
    for shown in ("評価スナップショット", str(snapshot), run_id, "作成日時", "fitgap 0.1.0", str(db)):
        assert shown in html, shown
    from openpyxl import load_workbook

    first = load_workbook(out / "r.xlsx")["判定"]  # the facts' sheet: the first table's, after the summary
    labels = {c.value for row in first.iter_rows(max_col=1) for c in row}
    assert {"評価スナップショット", "変換の実行ID", "検証", "カタログ", "ツール", "作成日時"} <= labels


def test_export_refuses_a_folder_that_holds_files(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    assert cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--accept-quarantine").exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("convert", "export", "--db", db, "-o", out)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {out}: 出力フォルダにすでにファイルがあります（以前の出力ですか？） — 新しいか空のフォルダを指定"
        "するか、ファイルを置き換えるなら --force を付けてください\n",
    )
    assert cli("convert", "export", "--db", db, "-o", out, "--force").exit_code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_suggest_refuses_an_existing_workbook(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text("機能\n住民票の写しの交付\n", encoding="utf-8")
    out = tmp_path / "filled.xlsx"
    out.write_bytes(b"staff's work")
    result = cli("assess", "suggest", source, "--business", "001", "-o", out)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {out}: 調査票がすでにあります（記入済みかもしれません） — 置き換えるには --force を付けてください\n",
    )
    assert out.read_bytes() == b"staff's work"
    assert cli("assess", "suggest", source, "--business", "001", "-o", out, "--force").exit_code == 0
