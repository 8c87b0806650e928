"""fitgap demo end to end, its outputs, and the readiness page in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

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
    assert "Open first:" in done.stdout and "readiness.html" in done.stdout
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
    assert refused.returncode == 2 and "is not an earlier demo" in refused.stderr
    assert (other / "notes.txt").exists()


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
