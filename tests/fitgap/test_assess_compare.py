"""assess compare: the key figures before and after with their difference, as numbers in Excel and HTML; the
reports of assess score and compare go to the project's output folder by default."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assessment_fill import COL, fill
from conftest import CliResult

Cli = Callable[..., CliResult]
KPIS = [
    "fit_rate",
    "readiness",
    "open_gaps",
    "forced_gaps_unresolved",
    "new_work",
    "undecided",
    "open_actions",
    "overdue",
]


@pytest.fixture
def snapshots(cli: Cli, tmp_path: Path) -> tuple[Path, Path]:
    """Two scorings of one workbook: before and after every 001 action is done."""
    path = tmp_path / "a.xlsx"
    assert cli("assess", "template", "001", "024", "-o", path).exit_code == 0
    fill(path, seed=1)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert cli("assess", "score", path, "--as-of", "2026-10-01", "--json-file", old).exit_code in (0, 1)
    workbook = load_workbook(path)
    sheet = workbook["001 住民基本台帳"]
    for row in range(4, sheet.max_row + 1):
        sheet.cell(row=row, column=COL["status"], value="完了")
    workbook.save(path)
    assert cli("assess", "score", path, "--as-of", "2026-11-01", "--json-file", new).exit_code in (0, 1)
    return old, new


def figures(report: dict[str, Any], business: str | None = None) -> dict[str, Any]:
    score = (
        report["total"] if business is None else next(b for b in report["businesses"] if b["business_id"] == business)
    )
    gaps = [g for g in report["gaps"] if g["status"] != "完了" and business in (None, g["business_id"])]
    return {
        "fit_rate": score["fit_rate"],
        "readiness": score["readiness"],
        "open_gaps": len(gaps),
        "forced_gaps_unresolved": score["forced_gaps_unresolved"],
        "new_work": score["new_work"],
        "undecided": score["counts"]["UNDECIDED"],
        "open_actions": score["open_actions"],
        "overdue": score["overdue"],
    }


def header_row(sheet: Any, text: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if text in [c.value for c in sheet[r]])


def test_compare_writes_deltas_as_numbers(cli: Cli, snapshots: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = snapshots
    before, after = (json.loads(p.read_text(encoding="utf-8")) for p in (old, new))
    xlsx, html = tmp_path / "c.xlsx", tmp_path / "c.html"
    result = cli("assess", "compare", old, new, "--xlsx", xlsx, "--html", html, "--json")
    assert result.exit_code == 0, result.stderr
    compared = json.loads(result.stdout)
    want = [figures(before), figures(after)]
    assert [k["kpi"] for k in compared["total"]["kpis"]] == KPIS
    for kpi in compared["total"]["kpis"]:
        b, a = want[0][kpi["kpi"]], want[1][kpi["kpi"]]
        assert (kpi["before"], kpi["after"]) == (b, a), kpi["kpi"]
        assert kpi["delta"] == pytest.approx(a - b), kpi["kpi"]
    per_business = {b["business_id"]: b for b in compared["businesses"]}
    assert sorted(per_business) == ["001", "024"]
    assert {k["kpi"]: k["after"] for k in per_business["001"]["kpis"]}["open_gaps"] == figures(after, "001")[
        "open_gaps"
    ]
    # Every gap of a 001 function open before is closed now (独自機能 were not touched); nothing opened.
    closed = sorted(
        g["target"]
        for g in before["gaps"]
        if g["business_id"] == "001" and g["status"] != "完了" and g["reason"] != "custom_function"
    )
    assert sorted(f["target"] for f in compared["functions"] if f["change"] == "closed") == closed
    assert [f for f in compared["functions"] if f["change"] == "opened"] == []
    assert len(compared["closed"]) == len(closed)  # the earlier JSON fields stay

    workbook = load_workbook(xlsx)
    rates, counts = workbook["率の変化"], workbook["件数の変化"]
    top = header_row(rates, "適合率（前）")
    headers = [c.value for c in rates[top]]
    total = next(r for r in range(top + 1, rates.max_row + 1) if rates.cell(row=r, column=1).value == "合計")
    for kpi in ("fit_rate", "readiness"):
        label = {"fit_rate": "適合率", "readiness": "対応完了率"}[kpi]
        cells = [rates.cell(row=total, column=headers.index(f"{label}（{w}）") + 1) for w in ("前", "後", "差")]
        assert all(type(c.value) in (int, float) and "%" in c.number_format for c in cells), kpi  # 0.0 reads as 0
        assert [c.value for c in cells[:2]] == pytest.approx([want[0][kpi], want[1][kpi]])
        assert cells[2].value == pytest.approx(want[1][kpi] - want[0][kpi])
    top = header_row(counts, "未解消のギャップ（前）")
    headers = [c.value for c in counts[top]]
    total = next(r for r in range(top + 1, counts.max_row + 1) if counts.cell(row=r, column=1).value == "合計")
    values = [
        counts.cell(row=total, column=headers.index(f"未解消のギャップ（{w}）") + 1).value for w in ("前", "後", "差")
    ]
    assert values == [want[0]["open_gaps"], want[1]["open_gaps"], want[1]["open_gaps"] - want[0]["open_gaps"]]
    assert all(type(v) is int for v in values)
    changed = workbook["変化したギャップ"]
    top = header_row(changed, "区分")
    kinds = [changed.cell(row=r, column=1).value for r in range(top + 1, changed.max_row + 1)]
    assert kinds.count("解消") == len(closed)
    page = html.read_text(encoding="utf-8")
    for title in (
        "Fit &amp; Gap 比較レポート",
        "率の変化（業務別）",
        "件数の変化（業務別）",
        "変化したギャップ（新規・変更・解消）",
    ):
        assert title in page, title

    shown = cli("assess", "compare", old, new)
    assert shown.exit_code == 0
    assert f"Fit & Gap の変化（{before['as_of']} → {after['as_of']}）" in shown.stdout
    english = cli("assess", "compare", old, new, "--lang", "en", "--xlsx", tmp_path / "e.xlsx")
    assert english.exit_code == 0 and "Rates" in load_workbook(tmp_path / "e.xlsx").sheetnames


@pytest.fixture
def project(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    yield root
    defaults.project.cache_clear()


def test_in_a_project_score_and_compare_write_to_its_output_folder(cli: Cli, project: Path) -> None:
    assert cli("assess", "template", "001", "-o", "assessments/a.xlsx").exit_code == 0
    for as_of in ("2026-10-01", "2026-11-01"):
        result = cli("assess", "score", "assessments/a.xlsx", "--as-of", as_of)
        assert result.exit_code == 0, result.stderr
    reports = project / "reports"
    assert {p.name for p in reports.iterdir()} == {"assessment.xlsx", "assessment.html"}
    snapshots = sorted((project / "assessments" / "history").glob("*.json"))
    result = cli("assess", "compare", *snapshots)
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in reports.iterdir()} == {
        "assessment.xlsx",
        "assessment.html",
        "assessment-compare.xlsx",
        "assessment-compare.html",
    }
    assert f"出力: {reports / 'assessment-compare.xlsx'}" in result.stdout
    # An output named on the command line replaces the defaults.
    written = (reports / "assessment.xlsx").stat().st_mtime_ns
    result = cli("assess", "score", "assessments/a.xlsx", "--json-file", project / "s.json")
    assert result.exit_code == 0
    assert json.loads((project / "s.json").read_text(encoding="utf-8"))["businesses"][0]["business_id"] == "001"
    assert (reports / "assessment.xlsx").stat().st_mtime_ns == written
