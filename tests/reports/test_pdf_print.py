"""The HTML report in a real browser: headless Chromium prints it to PDF on A4 landscape, the one-page summary
takes exactly one sheet, however full it is, with the rest of the report starting on the next; and a table filter
hides the rows without the typed text.

Chromium is Debian's (``.ci/run`` installs it); without it the test is skipped here and fails in CI. Every file
goes to a temporary folder outside pytest's temp: a browser profile and PDF streams are no report the masking
scan should read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from reports.html import render_html
from reports.palette import TREND_COLOURS, VERDICT_COLOURS
from reports.tables import Chart, Column, Document, Kpi, Series, Summary, Table

A4_LANDSCAPE = (842.0, 595.0)  # points: 297 × 210 mm
COLUMNS = (
    Column(header="業務ID"),
    Column(header="業務名"),
    Column(header="判定"),
    Column(header="対応完了率", format="percent"),
    Column(header="未対応の要廃止機能", format="integer"),
)


def _browser() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed here")
    return browser


def _rows(n: int, name: str = "業務") -> tuple[tuple[str | float | int, ...], ...]:
    return tuple((f"{i:03d}", f"{name}{i}", "NO-GO" if i % 3 else "GO", i / 20, i % 4) for i in range(1, n + 1))


def _summary(full: bool) -> Summary:
    """A typical summary, or the fullest one: more rows and actions than the page holds, long texts."""
    long = "（住民記録システムの標準準拠に伴う帳票レイアウトの変更と関係課への周知を含む）" if full else ""
    kpis = [
        Kpi(label="判定", value="NO-GO", status="bad"),
        Kpi(label="対応完了率", value=0.602, format="percent", status="bad"),
        Kpi(label="未対応の要廃止機能", value=3, format="integer", status="bad"),
        Kpi(label="移行エラー行", value=0, format="integer", status="good"),
    ]
    if full:
        kpis += [Kpi(label=f"指標{i}", value=1234567, format="integer") for i in range(8)]
    return Summary(
        title="移行判定の概要",
        verdict="GO 6 / NO-GO 12",
        verdict_status="bad",
        kpis=tuple(kpis),
        top=Table(title="移行不可の業務", columns=COLUMNS, rows=_rows(25 if full else 8, name="業務" + long)),
        actions=tuple(f"業務{i:03d}の NO-GO を解消する{long}" for i in range(20 if full else 5)),
    )


def _document(summary: Summary | None) -> Document:
    return Document(
        title="移行準備状況レポート",
        municipality="北海道札幌市",
        created=dt.datetime(2026, 11, 26, 10, 5),
        summary=summary,
        facts=(("評価対象", "18業務"),),
        charts=(
            Chart(
                title="業務別の対応完了率",
                categories=tuple(f"{i:03d}" for i in range(1, 19)),
                series=(Series(name="対応完了率", values=tuple(i / 18 for i in range(18))),),
                threshold=0.8,
                threshold_label="GOの基準 80%",
                category_colours=tuple(VERDICT_COLOURS["GO" if i >= 14 else "NO-GO"] for i in range(18)),
            ),
            Chart(
                title="推移",
                kind="line",
                categories=("2026-10-01", "2026-10-15", "2026-11-01"),
                series=(Series(name="未対応のギャップ", values=(40, 30, 12), colour=TREND_COLOURS[0]),),
            ),
        ),
        tables=(
            Table(title="業務別の判定", columns=COLUMNS, rows=_rows(18), filterable=True),
            *(
                Table(title=f"業務{b:03d}のギャップ", columns=COLUMNS, rows=_rows(30), page_break_before=True)
                for b in (1, 2)
            ),
        ),
    )


def _print(browser: str, html: str) -> bytes:
    """``html`` printed to PDF by headless Chromium, without the browser's own header and footer."""
    with tempfile.TemporaryDirectory() as folder:
        page, pdf, profile = Path(folder) / "r.html", Path(folder) / "r.pdf", Path(folder) / "profile"
        page.write_text(html, encoding="utf-8")
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                "--no-pdf-header-footer",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
        return pdf.read_bytes()


def _pages(pdf: bytes) -> int:
    """The page objects of a PDF (``/Type /Page``, not the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _media_boxes(pdf: bytes) -> set[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return {(round(float(w)), round(float(h))) for w, h in boxes}


@pytest.mark.parametrize("full", [False, True], ids=["typical", "fullest"])
def test_the_summary_prints_on_one_a4_landscape_page(full: bool) -> None:
    browser = _browser()
    pdf = _print(browser, render_html(_document(_summary(full)), summary_only=True))
    assert _media_boxes(pdf) == {A4_LANDSCAPE}
    assert _pages(pdf) == 1


def test_the_summary_page_and_each_business_marked_so_print_on_pages_of_their_own() -> None:
    small = tuple(
        Table(title=title, columns=COLUMNS, rows=_rows(3), page_break_before=title != "業務別の判定")
        for title in ("業務別の判定", "業務001のギャップ", "業務002のギャップ")
    )
    document = _document(_summary(full=False)).model_copy(update={"charts": (), "tables": small})
    pdf = _print(_browser(), render_html(document))
    assert _media_boxes(pdf) == {A4_LANDSCAPE}
    # The summary; the heading figures with the overview; 業務001; 業務002 (each would fit on the first page).
    assert _pages(pdf) == 4


def test_the_report_opens_with_the_summary_page_and_prints_on_a4_landscape() -> None:
    browser = _browser()
    typical = _print(browser, render_html(_document(_summary(full=False))))
    fullest = _print(browser, render_html(_document(_summary(full=True))))
    assert _media_boxes(typical) == _media_boxes(fullest) == {A4_LANDSCAPE}
    # The summary is one page of its own, however full, and the rest starts on the next: the same page count.
    assert _pages(typical) == _pages(fullest)
    # Each business marked so starts a page: at least the summary, the overview and the two businesses.
    assert _pages(typical) >= 4


def test_the_table_filter_hides_the_rows_without_the_typed_text() -> None:
    browser = _browser()
    document = Document(title="t", tables=(Table(title="判定", columns=COLUMNS, rows=_rows(6), filterable=True),))
    # What a person does, as a script after the page's own: type full-width "ｎｏ－ｇｏ" into the box.
    typing = (
        '<script>var box = document.querySelector("input.table-filter"); box.value = "ｎｏ－ｇｏ"; '
        'box.dispatchEvent(new Event("input"));</script></body>'
    )
    html = render_html(document).replace("</body>", typing)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "r.html"
        page.write_text(html, encoding="utf-8")
        done = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={Path(folder) / 'profile'}",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = re.findall(r'<tr( hidden="")?>\s*<td class="code">(\d{3})</td>', done.stdout)
    # 003 and 006 are GO: hidden. Full-width letters match after NFKC, and case does not matter.
    assert rows == [("", "001"), ("", "002"), (' hidden=""', "003"), ("", "004"), ("", "005"), (' hidden=""', "006")]
    assert '<span class="filter-count" aria-live="polite">4 / 6 行</span>' in done.stdout
