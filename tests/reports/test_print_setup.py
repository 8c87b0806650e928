"""Every workbook fitgap writes prints: A4 landscape, fit to the page width, the header row on every page,
団体名 / 帳票名 / 作成日時 and ページ x / y in the header and footer. Read back with openpyxl, workbook by workbook;
and the Excel report as data: the one-page summary first with numbers as numbers, chart data on a hidden sheet."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from fitgap.assessment.template import write_template
from fitgap.moji import scan_file
from fitgap.moji.sheet import write_sheet
from fitgap.profile import MunicipalityProfile
from reports.cleansing import CleansingRequest, RequestRow, RequestSheet, write_cleansing_request
from reports.excel_report import write_document
from reports.palette import STATUS_COLOURS, THRESHOLD_COLOUR
from reports.tables import Chart, Column, Document, Kpi, Series, Summary, Table
from spec_catalog import load_embedded

CREATED = dt.datetime(2026, 11, 26, 1, 5, tzinfo=dt.UTC)  # 10:05 in Tokyo
NOW_FOOTER = re.compile(r"作成日時 \d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def assert_prints(sheet: Any, *, title: str, municipality: str, header_row: int, one_page: bool = False) -> None:
    """The print setup of one sheet, as :func:`reports.excel.print_setup` writes it."""
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), sheet.title  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
    # An absent fitToWidth / fitToHeight is 1, the file format's default.
    fit = tuple(1 if value is None else int(value) for value in (setup.fitToWidth, setup.fitToHeight))
    assert fit == (1, 1 if one_page else 0), sheet.title
    assert sheet.print_title_rows == f"${header_row}:${header_row}", sheet.title
    assert sheet.oddHeader.left.text == municipality, sheet.title
    assert sheet.oddHeader.center.text == title.replace("&", "&&"), sheet.title  # a literal & is doubled
    assert NOW_FOOTER.fullmatch(sheet.oddFooter.left.text or ""), sheet.title
    assert sheet.oddFooter.center.text == "&A", sheet.title
    assert sheet.oddFooter.right.text == "ページ &P / &N", sheet.title


def _document(**changes: Any) -> Document:
    document = Document(
        title="Fit & Gap 報告書",
        municipality="013455 テスト町",
        created=CREATED,
        facts=(("対象業務", 18), ("適合率", 0.5), ("作成日時", "2026-11-26T10:15:00+09:00"), ("基準日", "2026-11-26")),
        summary=Summary(
            title="移行判定の概要",
            verdict="GO 6 / NO-GO 12",
            verdict_status="bad",
            kpis=(
                Kpi(label="適合率", value=0.602, format="percent", status="good"),
                Kpi(label="未対応の要廃止機能", value=1234, format="integer", status="bad"),
                Kpi(label="基準日", value="2026-11-26", format="date"),
            ),
            top=Table(
                title="ギャップの多い業務",
                columns=(Column(header="業務"), Column(header="ギャップ", format="integer")),
                rows=(("住民基本台帳", 7), ("個人住民税", 3)),
            ),
            actions=("実装不可機能の廃止を決める", "期限を過ぎた対応を確認する"),
        ),
        tables=(
            Table(
                title="業務別",
                columns=(Column(header="業務"), Column(header="対応完了率", format="percent")),
                rows=(("住民基本台帳", 0.5), ("個人住民税", 0.9)),
            ),
            Table(title="ギャップ一覧", columns=(Column(header="機能ID"),), rows=(("0010001",),)),
        ),
        charts=(
            Chart(
                title="業務別の対応完了率",
                sheet="業務別",
                categories=("住民基本台帳", "個人住民税"),
                series=(Series(name="対応完了率", values=(0.5, 0.9)),),
                threshold=0.8,
                threshold_label="GO の基準",
                category_colours=("C62828", "2E7D32"),
            ),
            Chart(
                title="推移",
                kind="line",
                categories=("2026-10-01", "2026-11-01"),
                series=(
                    Series(name="未対応のギャップ", values=(40.0, 31.0), colour="C62828"),
                    Series(name="対応完了率", values=(0.4, 0.6), colour="1565C0"),
                ),
            ),
        ),
    )
    return document.model_copy(update=changes)


def test_every_sheet_of_a_report_prints_with_header_and_footer(tmp_path: Path) -> None:
    book = load_workbook(write_document(_document(), tmp_path / "r.xlsx"))
    assert book.sheetnames == ["概要", "業務別", "ギャップ一覧", "_chart_data"]
    assert [s.sheet_state for s in book.worksheets] == ["visible", "visible", "visible", "hidden"]
    title, municipality = "Fit & Gap 報告書", "013455 テスト町"
    assert_prints(book["概要"], title=title, municipality=municipality, header_row=1, one_page=True)
    # The facts sit above the first table: its header is on row 6 (four facts, a blank row).
    assert_prints(book["業務別"], title=title, municipality=municipality, header_row=6)
    assert_prints(book["ギャップ一覧"], title=title, municipality=municipality, header_row=1)
    assert book["業務別"].oddFooter.left.text == "作成日時 2026-11-26 10:05"  # Document.created, in Tokyo


@pytest.mark.parametrize(
    ("lang", "first", "footer", "page"),
    [("ja", "概要", "作成日時 ", "ページ &P / &N"), ("en", "Summary", "Created ", "Page &P / &N")],
    ids=["ja", "en"],
)
def test_the_summary_sheet_and_footer_follow_the_language(
    tmp_path: Path, lang: str, first: str, footer: str, page: str
) -> None:
    book = load_workbook(write_document(_document(lang=lang), tmp_path / "r.xlsx"))
    sheet = book.worksheets[0]
    assert sheet.title == first
    assert sheet.oddFooter.left.text == f"{footer}2026-11-26 10:05"
    assert sheet.oddFooter.right.text == page


def test_a_document_without_municipality_or_date_prints_now_and_no_name(tmp_path: Path) -> None:
    document = _document(municipality=None, created=None, summary=None, charts=())
    book = load_workbook(write_document(document, tmp_path / "r.xlsx"))
    assert book.sheetnames == ["業務別", "ギャップ一覧"]
    for sheet in book.worksheets:
        assert sheet.oddHeader.left.text is None  # nothing to print on the left
        assert NOW_FOOTER.fullmatch(sheet.oddFooter.left.text or "")


def test_header_texts_are_masked_by_value(tmp_path: Path) -> None:
    number = "123456789018"  # a check-digit-valid 個人番号
    document = _document(title=f"報告 {number}", municipality=f"町 {number}", summary=None, charts=())
    sheet = load_workbook(write_document(document, tmp_path / "r.xlsx")).worksheets[0]
    assert (sheet.oddHeader.left.text, sheet.oddHeader.center.text) == ("町 ********9018", "報告 ********9018")


def test_the_summary_is_first_with_numbers_as_numbers(tmp_path: Path) -> None:
    sheet = load_workbook(write_document(_document(), tmp_path / "r.xlsx"))["概要"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    assert sheet["A1"].value == "移行判定の概要"
    verdict = cells["GO 6 / NO-GO 12"]
    assert verdict.fill.fgColor.rgb[-6:] == STATUS_COLOURS["bad"]
    kpis = [
        (
            sheet.cell(row=r, column=1).value,
            sheet.cell(row=r, column=2).value,
            sheet.cell(row=r, column=2).number_format,
        )
        for r in range(cells["指標"].row + 1, cells["指標"].row + 4)
    ]
    assert kpis == [
        ("適合率", 0.602, "0.0%"),
        ("未対応の要廃止機能", 1234, "#,##0"),
        ("基準日", dt.datetime(2026, 11, 26), "yyyy-mm-dd"),
    ]
    assert cells[0.602].font.color.rgb[-6:] == STATUS_COLOURS["good"]
    top = cells["ギャップの多い業務"].row
    assert [sheet.cell(row=top + 2, column=c).value for c in (1, 2)] == ["住民基本台帳", 7]
    assert cells["次の対応"].row < cells["・実装不可機能の廃止を決める"].row < cells["・期限を過ぎた対応を確認する"].row


def test_facts_keep_numbers_and_dates(tmp_path: Path) -> None:
    sheet = load_workbook(write_document(_document(), tmp_path / "r.xlsx"))["業務別"]
    facts = [(sheet.cell(row=r, column=2).value, sheet.cell(row=r, column=2).number_format) for r in range(1, 5)]
    assert facts == [
        (18, "#,##0"),
        (0.5, "#,##0.0##"),
        (dt.datetime(2026, 11, 26, 10, 15), "yyyy-mm-dd hh:mm"),
        (dt.datetime(2026, 11, 26), "yyyy-mm-dd"),
    ]


def test_chart_data_sit_on_a_hidden_sheet_and_the_charts_draw_them(tmp_path: Path) -> None:
    book = load_workbook(write_document(_document(), tmp_path / "r.xlsx"))
    table = book["業務別"]
    assert table.max_column == 2  # nothing far right of the table any more (the data were at column AN)
    data = book["_chart_data"]
    assert data.sheet_state == "hidden"
    assert [c.value for c in data[1]][:3] == ["業務別の対応完了率", "対応完了率", "GO の基準"]
    assert [c.value for c in data[2]][:3] == ["住民基本台帳", 0.5, 0.8]
    bar, line = table._charts
    # The charts draw the hidden cells: no plotVisOnly="1" (absent, Excel and LibreOffice draw hidden cells).
    with zipfile.ZipFile(tmp_path / "r.xlsx") as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2 and not any(re.search(r'plotVisOnly val="(1|true)"', xml) for xml in charts)
    assert [type(c).__name__ for c in bar._charts] == ["BarChart", "LineChart"]  # the threshold is a line
    (values,) = bar._charts[0].series
    assert values.val.numRef.f.replace("'", "") == "_chart_data!$B$2:$B$3"
    assert [p.graphicalProperties.solidFill.srgbClr for p in values.dPt] == ["C62828", "2E7D32"]
    (threshold,) = bar._charts[1].series
    assert threshold.tx.strRef.f.replace("'", "").replace("$", "") == "_chart_data!C1"
    line_of = threshold.graphicalProperties.line
    assert (line_of.solidFill.srgbClr, line_of.prstDash) == (THRESHOLD_COLOUR, "dash")
    assert type(line).__name__ == "LineChart"
    assert [s.graphicalProperties.line.solidFill.srgbClr for s in line.series] == ["C62828", "1565C0"]
    assert line.series[0].val.numRef.f.replace("'", "") == "_chart_data!$B$6:$B$7"  # below the first chart's data


def test_the_assessment_template_prints_every_sheet(tmp_path: Path) -> None:
    catalog = load_embedded()
    profile = MunicipalityProfile(
        code="013455", name="テスト町", prefecture="北海道", welfare_office=False, businesses=("001",)
    )
    path = write_template(tmp_path / "t.xlsx", catalog, [catalog.business("001")], profile)
    book = load_workbook(path)
    visible = [s for s in book.worksheets if s.sheet_state == "visible"]
    assert [s.title for s in visible] == ["説明", "001 住民基本台帳", "独自機能", "業務連携", "標準の連携（参考）"]
    for sheet in visible:
        header_row = 1 if sheet.title in ("説明", "標準の連携（参考）") else 3
        assert_prints(sheet, title="Fit & Gap 調査票", municipality=profile.label, header_row=header_row)


def test_the_cleansing_request_prints_every_sheet(tmp_path: Path) -> None:
    row = RequestRow(
        line=8,
        key="0001",
        item="seinengappi",
        item_name="生年月日",
        reasons=("日付ではありません",),
        codes=("ERA_DATE_INVALID",),
        value="4＊＊＊＊＊＊",
        fingerprint="ab12",
    )
    request = CleansingRequest(
        request_id="req-1",
        mapping="residents",
        run_id="run-1",
        target_table="001_住民",
        source_file="residents.csv",
        created="2026-11-26T10:15:00+09:00",
        rows=1,
        sheets=(RequestSheet(title="生年月日", rows=(row,)),),
    )
    path = write_cleansing_request(request, tmp_path / "c.xlsx", municipality="013455 テスト町")
    book = load_workbook(path)
    assert book.sheetnames == ["説明", "生年月日"]
    for sheet in book.worksheets:
        assert_prints(sheet, title="データ補正依頼", municipality="013455 テスト町", header_row=1)
        assert sheet.oddFooter.left.text == "作成日時 2026-11-26 10:15"  # the request's own 作成日時
    created = next(c for c in book["説明"]["A"] if c.value == "作成日時")
    assert book["説明"].cell(row=created.row, column=2).value == dt.datetime(2026, 11, 26, 10, 15)


def test_the_moji_decision_workbook_prints_every_sheet(tmp_path: Path) -> None:
    source = tmp_path / "residents.csv"
    source.write_text("key,shimei\n1,\ue000子\n", encoding="utf-8")
    scan = scan_file(source, encoding="utf-8")
    written = write_sheet(scan, tmp_path / "moji.xlsx", municipality="013455 テスト町")
    assert written.rows == 1
    book = load_workbook(tmp_path / "moji.xlsx")
    assert book.sheetnames == ["説明", "文字一覧"]
    for sheet in book.worksheets:
        assert_prints(sheet, title="文字同定シート", municipality="013455 テスト町", header_row=1)
