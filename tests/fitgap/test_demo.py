"""fitgap demo end to end, its outputs, and the readiness page in a real browser."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from converters.mapping import read_gaiji_table

from pii_scan import scan_outputs


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "fitgap-demo"
    done = subprocess.run(
        [sys.executable, "-m", "fitgap", "demo", "--out", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "まず開く:" in done.stdout and "readiness.html" in done.stdout
    assert "文字同定: residents.csv の moji scan" in done.stderr and "模擬" in done.stderr
    return folder


def test_the_demo_makes_every_output(demo: Path) -> None:
    for name in (
        "reports/readiness.html",
        "reports/readiness.xlsx",
        "reports/readiness.json",
        "reports/assessment.html",
        "reports/assessment.xlsx",
        "reports/validation.html",
        "reports/validation.xlsx",
        "reports/validation-junit.xml",
        "migration.duckdb",
        "exports/manifest.json",
        "fitgap.yaml",
        "assessments/assessment.xlsx",
    ):
        assert (demo / name).exists(), name
    assert len(list((demo / "assessments" / "history").glob("*.json"))) == 1


def test_the_demo_verdicts(demo: Path) -> None:
    readiness = json.loads((demo / "reports" / "readiness.json").read_text(encoding="utf-8"))
    verdicts = {b["business_id"]: b["verdict"] for b in readiness["businesses"]}
    assert len(verdicts) == 18 and "020" not in verdicts and "021" not in verdicts
    resident = next(b for b in readiness["businesses"] if b["business_id"] == "001")
    assert (resident["verdict"], resident["conversion"], resident["validation"]) == ("GO", "done", "done")
    assert resident["rows_read"] == 4000 and resident["rows_quarantined"] == 10
    assert readiness["go"] + readiness["no_go"] == 18 and readiness["no_go"] > 0


def test_the_demo_identifies_its_gaiji_from_the_vendor_list(demo: Path) -> None:
    moji = demo / "moji"
    for name in ("gaiji-list.csv", "文字同定.xlsx", "文字同定-記入済.xlsx", "gaiji.csv", "gaiji-decisions.csv"):
        assert (moji / name).exists(), name
    decided = read_gaiji_table(moji / "gaiji.csv", "gaiji.csv")
    hand = read_gaiji_table(demo / "mappings" / "gaiji.csv", "gaiji.csv")
    # J+9AD9 and 戸籍 038140 reproduce the hand-written table; U+E0FF (no code: よし, 6 strokes) is 候補1 好.
    assert hand == {"\ue000": "髙", "\ue001": "𠮷"}
    assert decided == {**hand, "\ue0ff": "好"}
    with (moji / "gaiji-decisions.csv").open(encoding="utf-8-sig", newline="") as handle:
        record = {r["コードポイント"]: r for r in csv.DictReader(handle)}
    as_of = json.loads((demo / "reports" / "readiness.json").read_text(encoding="utf-8"))["inputs"]["assessment"]
    assert {p: (r["決定"], r["MJ番号"], r["反映"], r["判断者"], r["判断日"]) for p, r in record.items()} == {
        # fitgap identified these; the record says so, and the day the decisions were applied.
        "U+E000": ("自動同定", "MJ028902", "外字表", "自動同定（fitgap）", dt.date.today().isoformat()),
        "U+E001": ("自動同定", "MJ032129", "外字表", "自動同定（fitgap）", dt.date.today().isoformat()),
        "U+E0FF": ("候補1", "MJ009553", "外字表", "デモ担当", as_of["as_of"]),
    }


def test_the_readiness_shows_the_character_status_per_business(demo: Path) -> None:
    readiness = json.loads((demo / "reports" / "readiness.json").read_text(encoding="utf-8"))
    statuses = {b["business_id"]: b["characters"] for b in readiness["businesses"] if b["characters"] is not None}
    # 001 住民: the converted 氏名, 町字, 番地, 方書 … hold 108 distinct characters; 髙 and 𠮷 (from the 外字) are MJ
    # characters beyond JIS X 0213; the unmapped 外字 U+E0FF was quarantined, so nothing is left unidentified.
    assert statuses == {
        "001": {
            "tables": ["001_住民"],
            "distinct": 108,
            "jis_x0208": 106,
            "jis_x0213": 0,
            "mj": 2,
            "gaiji_decided": 0,
            "gaiji_undecided": 0,
            "not_in_mj": 0,
            "unidentified": 0,
            "status": "同定済",
        }
    }
    assert readiness["inputs"]["characters"]["gaiji_table"] == str(demo / "moji" / "gaiji.csv")
    assert "CC BY-SA 2.1 JP" in readiness["inputs"]["characters"]["attribution"]
    html = (demo / "reports" / "readiness.html").read_text(encoding="utf-8")
    assert "文字同定の状況（異なり字数）" in html and "CC BY-SA 2.1 JP" in html


def test_the_demo_reconciles_its_runs_and_readiness_shows_it(demo: Path) -> None:
    readiness = json.loads((demo / "reports" / "readiness.json").read_text(encoding="utf-8"))
    comparisons = {b["business_id"]: b["comparison"] for b in readiness["businesses"] if b["comparison"]}
    # Both legacy exports (CSV and fixed width) against the rows they published: 3,990 rows, every value agrees;
    # the 10 rows the runs quarantined are explained by their quarantine records.
    assert list(comparisons) == ["001"]
    assert len(comparisons["001"]["reconciliations"]) == 2
    assert {k: comparisons["001"][k] for k in ("compared", "explained", "unexplained", "status")} == {
        "compared": 3990,
        "explained": 10,
        "unexplained": 0,
        "status": "一致",
    }
    for mapping in ("residents-csv", "residents-fixed"):
        assert (demo / "reports" / f"reconcile-{mapping}.xlsx").is_file()
        junit = (demo / "reports" / f"reconcile-{mapping}-junit.xml").read_text(encoding="utf-8")
        assert 'failures="0"' in junit


def test_the_demo_leaks_no_personal_number(demo: Path) -> None:
    assert scan_outputs(demo) == {}


def test_running_it_again_replaces_the_earlier_demo(demo: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fitgap", "demo", "--out", str(demo), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "fitgap", "demo", "--out", str(other)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "フォルダがすでにあり、以前のデモのものではありません" in refused.stderr
    assert (other / "notes.txt").exists()


def test_the_demo_in_english(tmp_path: Path) -> None:
    folder = tmp_path / "demo-en"
    done = subprocess.run(
        [sys.executable, "-m", "fitgap", "demo", "-o", str(folder), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LANG": "C.UTF-8", "COLUMNS": "250"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("• Catalog: the sample catalog holds ")
    assert "• Cutover readiness: GO " in done.stderr and "カタログ" not in done.stderr
    assert f"Open first: {folder / 'reports' / 'readiness.html'}" in done.stdout and "まず開く" not in done.stdout
    assert "language: en   # ja or en" in (folder / "fitgap.yaml").read_text(encoding="utf-8")
    html = (folder / "reports" / "readiness.html").read_text(encoding="utf-8")
    assert "<title>Cutover readiness report" in html and "移行準備状況レポート" not in html


def test_the_readiness_page_in_headless_chromium(demo: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed here")
    page = demo / "reports" / "readiness.html"
    html = page.read_text(encoding="utf-8")
    # Nothing external: no script, no stylesheet link, no URL in src/href/url().
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", html)
    assert not re.search(r"url\(|@import|//[a-z0-9.-]+\.[a-z]{2,}/", html.replace("http://www.w3.org/2000/svg", ""))
    with tempfile.TemporaryDirectory() as profile:  # outside the test folders the masking scan reads
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "移行準備状況レポート" in dom and "<svg" in dom
    rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>(\d{3})</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>(GO|NO-GO)</td>", dom)
    assert len(rows) == 18 and dict(rows)["001"] == "GO"


def test_the_validation_allows_what_the_decisions_keep(demo: Path) -> None:
    validation = json.loads((demo / "reports" / "validation.json").read_text(encoding="utf-8"))
    # Every demo decision went into the 外字 table: none kept as it is, so nothing beyond the standard's set.
    assert (validation["allowed_characters_file"], validation["allowed_characters"]) == (
        str(demo / "moji" / "gaiji-decisions.csv"),
        0,
    )
    charset = [r for t in validation["tables"] for r in t["rules"] if r["rule_id"].endswith(".charset")]
    assert charset and {r["status"] for r in charset} == {"passed"}


def test_the_readiness_summary_prints_on_one_a4_landscape_page(demo: Path) -> None:
    """The demo's own readiness report: its one-page summary printed to PDF by headless Chromium is one A4
    landscape page, and the whole report prints on A4 landscape."""
    from fitgap.readiness import ReadinessReport, readiness_document
    from reports.html import render_html

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed here")
    report = ReadinessReport.model_validate_json((demo / "reports" / "readiness.json").read_text(encoding="utf-8"))
    document = readiness_document(report)

    def printed(html: str) -> bytes:
        with tempfile.TemporaryDirectory() as folder:  # outside the test folders the masking scan reads
            page, pdf = Path(folder) / "r.html", Path(folder) / "r.pdf"
            page.write_text(html, encoding="utf-8")
            done = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", f"--user-data-dir={Path(folder) / 'profile'}",
                 f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
                capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
            return pdf.read_bytes()

    def pages(pdf: bytes) -> int:
        return len(re.findall(rb"/Type\s*/Page\b", pdf))

    def boxes(pdf: bytes) -> set[tuple[int, int]]:
        found = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
        return {(round(float(w)), round(float(h))) for w, h in found}

    summary = printed(render_html(document, summary_only=True))
    assert pages(summary) == 1 and boxes(summary) == {(842, 595)}  # A4 landscape, in points
    whole = printed(render_html(document))
    assert pages(whole) > 1 and boxes(whole) == {(842, 595)}
