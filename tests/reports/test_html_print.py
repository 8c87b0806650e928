"""HTML reports print and read like a 庁内 report: print CSS (A4 landscape, 団体名 / 帳票名 / 作成日時 / page x of y
in the page margins, headers repeated, rows and codes never split), the one-page summary first, charts with fixed
colours and thresholds, table filters by one small inline script, and every new text masked by value."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fitgap.assessment.report import CLASS_KEYS, report_document
from fitgap.assessment.scoring import TOTAL, BusinessScore, CatalogInfo, ScoreReport
from reports.html import SUMMARY_TOP_ROWS, css_string, format_value, keep_words, render_html
from reports.palette import STATUS_COLOURS, THRESHOLD_COLOUR, VERDICT_COLOURS
from reports.svg import NEUTRAL, bar_chart, chart_svg, line_chart
from reports.tables import Cell, Chart, Column, Document, Format, Kpi, Series, Summary, Table

from pii_scan import my_numbers_in_text

NUMBER = "123456789018"  # check digit valid
MASKED = "********9018"
CREATED = dt.datetime(2026, 11, 26, 1, 5, tzinfo=dt.UTC)  # 10:05 in Tokyo
COLUMNS = (
    Column(header="業務ID"),
    Column(header="業務名"),
    Column(header="判定"),
    Column(header="率", format="percent"),
)


def _rows(n: int) -> tuple[tuple[Cell, ...], ...]:
    return tuple((f"{i:03d}", f"業務{i}", "NO-GO" if i % 2 else "GO", i / 20) for i in range(1, n + 1))


def _summary(**update: object) -> Summary:
    summary = Summary(
        title="移行判定の概要",
        verdict="GO 6 / NO-GO 12",
        verdict_status="bad",
        kpis=(
            Kpi(label="対応完了率", value=0.602, format="percent", status="bad"),
            Kpi(label="未対応の要廃止機能", value=1234, format="integer", status="bad"),
            Kpi(label="移行エラー行", value=0, format="integer", status="good"),
        ),
        top=Table(title="移行不可の業務", columns=COLUMNS, rows=_rows(3)),
        actions=("業務002の NO-GO を解消する", "移行エラー行を確認する"),
    )
    return summary.model_copy(update=update)


def _document(**update: object) -> Document:
    document = Document(
        title="移行準備状況レポート",
        municipality="北海道札幌市",
        created=CREATED,
        summary=_summary(),
        tables=(
            Table(title="業務別", columns=COLUMNS, rows=_rows(4)),
            Table(title="業務001", columns=COLUMNS, rows=_rows(2), page_break_before=True),
        ),
        charts=(
            Chart(title="業務別の対応完了率", categories=("001", "002"), series=(Series(name="率", values=(0.5, 1)),)),
        ),
    )
    return document.model_copy(update=update)


def _page_rule(html: str) -> str:
    match = re.search(r"@page \{(.*?)\n  \}", html, re.S)
    assert match, "no @page rule"
    return match.group(1)


def test_the_print_css_sets_a4_landscape_and_the_page_margin_boxes() -> None:
    page = _page_rule(render_html(_document()))
    assert "size: A4 landscape;" in page
    assert '@top-left { content: "北海道札幌市";' in page
    assert '@top-right { content: "移行準備状況レポート";' in page
    assert '@bottom-left { content: "作成日時\\20 2026\\2d 11\\2d 26\\20 10\\3a 05";' in page
    assert '@bottom-right { content: "ページ\\20 " counter(page) " / " counter(pages);' in page


def test_the_print_css_keeps_headers_rows_and_codes_together() -> None:
    html = render_html(_document())
    assert "thead { display: table-header-group; }" in html
    assert "tr, .fact, .kpi, svg.chart { break-inside: avoid; }" in html
    assert ".nowrap, .code, .num { white-space: nowrap; }" in html
    assert ".page-break { break-before: page; }" in html and ".rest { break-before: page; }" in html
    assert "word-break: keep-all" in html


def test_the_page_header_shows_the_municipality_and_when_it_was_made() -> None:
    html = render_html(_document())
    assert '<span class="meta">団体名: 北海道札幌市</span>' in html
    assert '<span class="meta">作成日時: 2026-11-26 10:05</span>' in html
    english = render_html(_document(lang="en", municipality=None))
    assert '<span class="meta">Created: 2026-11-26 10:05</span>' in english
    assert "@top-left" not in english and "団体名" not in english
    assert '@bottom-right { content: "Page\\20 " counter(page)' in english


def test_without_a_date_the_report_is_dated_when_it_is_written() -> None:
    before = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).replace(second=0, microsecond=0, tzinfo=None)
    shown = re.search(r'<span class="meta">作成日時: ([0-9: -]+)</span>', render_html(_document(created=None)))
    assert shown
    assert before <= dt.datetime.strptime(shown.group(1), "%Y-%m-%d %H:%M") <= before + dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("title", "css"),
    [
        ("帳票", '"帳票"'),
        ('a"b', '"a\\22 b"'),
        ("x</style><script>", '"x\\3c \\2f style\\3e \\3c script\\3e "'),
        ("a\\b\nc", '"a\\5c b\\a c"'),
        ("；}body{", '"；\\7d body\\7b "'),
    ],
    ids=["japanese", "quote", "closing-style", "backslash-newline", "brace"],
)
def test_texts_in_the_page_margins_are_css_escaped(title: str, css: str) -> None:
    assert css_string(title) == css
    page = _page_rule(render_html(_document(title=title)))
    assert f"@top-right {{ content: {css};" in page


def test_the_summary_comes_first_and_its_page_ends_before_the_rest() -> None:
    html = render_html(_document())
    order = [html.index(mark) for mark in ('<section class="summary">', '<div class="rest">', "<svg", "業務別</h2>")]
    assert order == sorted(order)
    assert html.index('<div class="first-page">') < html.index("<h1>") < order[0]


def test_without_a_summary_nothing_is_forced_onto_a_page_of_its_own() -> None:
    html = render_html(_document(summary=None))
    assert '<section class="summary">' not in html
    assert '<div class="first-page">' not in html and '<div class="rest">' not in html
    assert html.count('<section class="table-section') == 2


def test_the_summary_alone_is_the_first_page_only() -> None:
    html = render_html(_document(), summary_only=True)
    assert '<section class="summary">' in html and "<h1>移行準備状況レポート</h1>" in html
    assert "<svg" not in html and "table-section" not in html and '<div class="rest">' not in html
    with pytest.raises(ValueError, match="summary_only には要約のある帳票が必要です"):
        render_html(_document(summary=None), summary_only=True)


@pytest.mark.parametrize("status", ["good", "bad", "neutral"])
def test_the_verdict_is_coloured_by_its_status(status: str) -> None:
    html = render_html(_document(summary=_summary(verdict_status=status)))
    colour = STATUS_COLOURS[status]
    assert (
        f'<div class="verdict" style="background: #{colour}">GO 6 / <span class="nowrap">NO-GO</span> 12</div>' in html
    )


@pytest.mark.parametrize(
    ("value", "format", "shown"),
    [
        (0.602, "percent", "60.2%"),
        (1, "percent", "100.0%"),
        (1234, "integer", "1,234"),
        (1234567.6, "integer", "1,234,568"),
        (0, "integer", "0"),
        ("2026-11-26", "date", "2026-11-26"),
        ("GO", "text", "GO"),
        (None, "percent", ""),
        (True, "integer", "True"),
    ],
    ids=["percent", "percent-whole", "integer", "integer-rounded", "zero", "date", "text", "none", "bool"],
)
def test_kpi_values_are_formatted_by_their_format(value: Cell, format: Format, shown: str) -> None:
    assert format_value(value, format) == shown


def test_the_kpi_tiles_show_label_value_and_status_colour() -> None:
    html = render_html(_document())
    bad, good = STATUS_COLOURS["bad"], STATUS_COLOURS["good"]
    assert (
        f'<div class="kpi" style="border-left-color: #{bad}"><div class="label">未対応の要廃止機能</div>'
        f'<div class="value" style="color: #{bad}">1,234</div></div>'
    ) in html
    assert f'<div class="label">対応完了率</div><div class="value" style="color: #{bad}">60.2%</div>' in html
    assert f'<div class="label">移行エラー行</div><div class="value" style="color: #{good}">0</div>' in html


def test_the_summary_shows_the_top_table_and_the_next_actions() -> None:
    html = render_html(_document())
    summary = html[html.index('<section class="summary">') : html.index("</section>")]
    assert "<h3>移行不可の業務</h3>" in summary
    assert re.findall(r"<td class=\"code\">(\d{3})</td>", summary) == ["001", "002", "003"]
    assert '<td class="">業務<span class="nowrap">A-1</span></td>' in render_html(
        _document(summary=_summary(top=Table(title="上位", columns=(Column(header="名"),), rows=(("業務A-1",),))))
    )
    assert '<td class="code">NO-GO</td>' in summary and '<td class="num">5.0%</td>' in summary
    assert re.findall(r"<li>(.*?)</li>", summary) == [
        '業務002の <span class="nowrap">NO-GO</span> を解消する',
        "移行エラー行を確認する",
    ]
    assert 'class="capped"' not in summary


def test_a_long_summary_is_capped_with_the_totals_stated() -> None:
    top = Table(title="上位", columns=COLUMNS, rows=_rows(13))
    actions = tuple(f"対応{i}" for i in range(11))
    html = render_html(_document(summary=_summary(top=top, actions=actions)))
    summary = html[html.index('<section class="summary">') : html.index("</section>")]
    assert len(re.findall(r"<tr>", summary)) == 1 + SUMMARY_TOP_ROWS  # the header row and ten
    assert '<p class="capped">全13件のうち上位10件</p>' in summary
    assert re.findall(r"<li>(.*?)</li>", summary) == [f"対応{i}" for i in range(8)]
    assert '<p class="capped">ほか3件は本文を参照</p>' in summary


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("NO-GO", '<span class="nowrap">NO-GO</span>'),
        ("判定は NO-GO です", '判定は <span class="nowrap">NO-GO</span> です'),
        ("2026-11-26 まで", '<span class="nowrap">2026-11-26</span> まで'),
        ("<NO-GO>", '&lt;<span class="nowrap">NO-GO</span>&gt;'),
        ("対応完了率", "対応完了率"),
    ],
    ids=["code", "code-in-text", "date", "escaped", "japanese"],
)
def test_hyphenated_words_are_kept_on_one_line(text: str, html: str) -> None:
    assert keep_words(text) == html


@pytest.mark.parametrize(
    ("value", "td"),
    [
        ("NO-GO", '<td class="code">NO-GO</td>'),
        ("FIT_WITH_CONFIG", '<td class="code">FIT_WITH_CONFIG</td>'),
        ("001", '<td class="code">001</td>'),
        (42, '<td class="num">42</td>'),
        ("業務の名前", '<td class="">業務の名前</td>'),
        ("GO と NO-GO", '<td class="">GO と NO-GO</td>'),  # the report's tables show text exactly as given
    ],
    ids=["verdict", "class-code", "business-code", "number", "japanese", "mixed"],
)
def test_code_and_number_cells_do_not_wrap(value: Cell, td: str) -> None:
    table = Table(title="表", columns=(Column(header="値"),), rows=((value,),))
    assert td in render_html(Document(title="r", tables=(table,)))


def test_a_key_figure_that_is_a_code_does_not_wrap() -> None:
    html = render_html(_document(facts=(("判定", "NO-GO"), ("理由", "未対応の要廃止機能が3件"))))
    assert '<div class="label">判定</div><div class="value nowrap">NO-GO</div>' in html
    assert '<div class="label">理由</div><div class="value">未対応の要廃止機能が3件</div>' in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1234, "1,234"), (0.5, "0.5"), (1234.5678, "1,234.568"), (2.0, "2.0"), (None, ""), ("18業務", "18業務")],
    ids=["integer", "fraction", "rounded", "whole-float", "none", "text"],
)
def test_key_figures_that_are_numbers_read_as_numbers(value: Cell, shown: str) -> None:
    html = render_html(_document(facts=(("値", value),)))
    assert f'<div class="label">値</div><div class="value">{shown}</div>' in html


def test_a_table_marked_so_starts_a_printed_page() -> None:
    html = render_html(_document())
    assert re.findall(r'<section class="(table-section[^"]*)">\s*<h2 id="t\d">([^<]*)</h2>', html) == [
        ("table-section", "業務別"),
        ("table-section page-break", "業務001"),
    ]


def _y_of_tick(svg: str, label: str) -> str:
    match = re.search(rf'<text x="\d+" y="([\d.]+)" text-anchor="end" class="tick">{re.escape(label)}</text>', svg)
    assert match, label
    return f"{float(match.group(1)) - 4:.1f}"


def test_the_threshold_is_a_dashed_line_at_its_value_with_its_label() -> None:
    chart = Chart(
        title="対応完了率",
        categories=("001", "002", "003"),
        series=(Series(name="率", values=(0.2, 0.9, 1.0)),),
        threshold=0.75,
        threshold_label="GOの基準 75%",
    )
    for svg in (bar_chart(chart), line_chart(chart.model_copy(update={"kind": "line"}))):
        y = _y_of_tick(svg, "0.75")
        line = re.search(r'<line x1="56" y1="([\d.]+)" x2="744" y2="([\d.]+)" stroke="#(\w+)" stroke-width="1.5" '
                         r'stroke-dasharray="6 4" class="threshold"/>', svg)  # fmt: skip
        assert line and line.groups() == (y, y, THRESHOLD_COLOUR)
        assert f'style="fill: #{THRESHOLD_COLOUR}" class="threshold-label">GOの基準 75%</text>' in svg


def test_a_threshold_above_every_value_is_still_inside_the_axis() -> None:
    chart = Chart(title="t", categories=("a",), series=(Series(name="s", values=(10.0,)),), threshold=45)
    svg = bar_chart(chart)
    assert re.findall(r'class="tick">(\d+)</text>', svg) == ["0", "20", "40", "60"]
    assert 'class="threshold-label">45</text>' in svg
    assert "threshold" not in bar_chart(chart.model_copy(update={"threshold": None}))


def test_a_line_chart_draws_one_polyline_with_markers_per_series() -> None:
    chart = Chart(
        title="推移",
        kind="line",
        categories=("2026-10-01", "2026-10-15", "2026-11-01", "2026-11-15"),
        series=(
            Series(name="未対応のギャップ", values=(40, 30, 20, 10), colour="C62828"),
            Series(name="対応完了率", values=(0, 10, 20, 40), colour="1565C0"),
        ),
    )
    svg = chart_svg(chart)
    assert svg.count("<rect ") == 2  # no bars: the legend's two swatches only
    # Plot 56..744 wide, 28..236 high, axis 0..40; four points at the centres of four slots of 172 px.
    assert re.findall(r'<polyline points="([^"]+)" fill="none" stroke="(#\w+)" stroke-width="2"/>', svg) == [
        ("142.0,28.0 314.0,80.0 486.0,132.0 658.0,184.0", "#C62828"),
        ("142.0,236.0 314.0,184.0 486.0,132.0 658.0,28.0", "#1565C0"),
    ]
    assert len(re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="3.5" fill="#C62828">', svg)) == 4
    assert "<title>2026-10-15 — 対応完了率: 10</title>" in svg
    assert re.findall(r'class="tick">(\d+)</text>', svg) == ["0", "10", "20", "30", "40"]
    assert re.findall(r'text-anchor="middle" class="tick">([\d-]+)</text>', svg) == list(chart.categories)
    assert '<rect x="56" y="261" width="10" height="10" fill="#C62828" class="swatch"/>' in svg  # by meaning


def test_many_dates_are_labelled_without_overlapping() -> None:
    dates = tuple(f"2026-{m:02d}-{d:02d}" for m in range(1, 13) for d in (1, 15))
    chart = Chart(title="推移", kind="line", categories=dates, series=(Series(name="s", values=(1.0,) * 24),))
    labels = re.findall(r'text-anchor="middle" class="tick">([\d-]+)</text>', chart_svg(chart))
    assert labels == list(dates[::3])


def test_bars_take_the_colour_of_their_category() -> None:
    go, no_go = VERDICT_COLOURS["GO"], VERDICT_COLOURS["NO-GO"]
    chart = Chart(
        title="判定",
        categories=("001", "002", "003"),
        series=(Series(name="対応完了率", values=(0.9, 0.4, 0.5)),),
        category_colours=(go, no_go, None),
    )
    svg = bar_chart(chart)
    assert re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#\w+)">', svg) == [
        f"#{go}",
        f"#{no_go}",
        NEUTRAL[0],  # no colour given for it: the neutral one
    ]
    assert 'width="10" height="10"' not in svg  # no legend swatch of a colour the bars do not have
    assert '<text x="70" y="' in svg and 'class="tick">対応完了率</text>' in svg


def test_series_keep_their_colour_whatever_their_position() -> None:
    fit, gap = Series(name="適合", values=(1.0,), colour="2E7D32"), Series(name="廃止", values=(2.0,), colour="8B0000")
    for series in ((fit, gap), (gap, fit)):
        svg = bar_chart(Chart(title="t", categories=("001",), series=series, stacked=True))
        fills = {name: colour for colour, name in re.findall(r'fill="(#\w+)"><title>001 — (\w+):', svg)}
        assert fills == {"適合": "#2E7D32", "廃止": "#8B0000"}


@pytest.mark.parametrize(
    "colour", ['red" onload="x', "#12345", "url(#x)", "GGGGGG"], ids=["quote", "short", "url", "hex"]
)
def test_a_colour_that_is_not_rrggbb_falls_back_to_neutral(colour: str) -> None:
    svg = bar_chart(Chart(title="t", categories=("a",), series=(Series(name="s", values=(1.0,), colour=colour),)))
    assert f'fill="{NEUTRAL[0]}"><title>' in svg and colour not in svg


def _filter_document(filterable: bool) -> Document:
    table = Table(title="チェックエラー行", columns=COLUMNS, rows=_rows(3), filterable=filterable)
    return _document(tables=(table,))


def test_a_filterable_table_gets_a_filter_box_and_the_inline_script() -> None:
    html = render_html(_filter_document(True))
    assert (
        '<input type="search" class="table-filter" data-table="table-t1" data-unit="行" '
        'placeholder="この表を絞り込む（入力した文字を含む行だけを表示）"'
    ) in html
    assert '<table id="table-t1">' in html
    assert html.count("<script") == 1 and html.count("<script>") == 1
    script = html[html.index("<script>") : html.index("</script>")]
    assert 'querySelectorAll("input.table-filter")' in script and "row.hidden = !hit" in script
    # Nothing external: no src, no link, no URL but the SVG namespace.
    assert not re.search(r"\bsrc\s*=", html) and "<link" not in html
    assert not re.search(r"""href\s*=\s*["'](?!#)""", html)
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")


def test_a_report_without_filters_has_no_script() -> None:
    html = render_html(_filter_document(False))
    assert "<script" not in html and "table-filter" not in html
    assert "<script" not in render_html(_filter_document(True), summary_only=True)


def test_the_summary_kpis_and_new_texts_are_masked_by_value() -> None:
    top = Table(
        title=f"上位 {NUMBER}", columns=(Column(header=f"列 {NUMBER}"),), rows=((f"値 {NUMBER}",), (int(NUMBER),))
    )
    summary = Summary(
        title=f"概要 {NUMBER}",
        verdict=f"NO-GO {NUMBER}",
        kpis=(Kpi(label=f"指標 {NUMBER}", value=int(NUMBER), format="integer"),),
        top=top,
        actions=(f"確認 {NUMBER}",),
    )
    chart = Chart(
        title="c", categories=("a",), series=(Series(name="s", values=(1.0,)),), threshold=1, threshold_label=NUMBER
    )
    document = _document(municipality=f"団体 {NUMBER}", summary=summary, charts=(chart,), tables=())
    html = render_html(document)
    assert my_numbers_in_text(html) == []
    # municipality (header); summary title, verdict, KPI label and value, top title, header, two cells, action;
    # the threshold label. The page margin boxes hold the municipality too, CSS-escaped (``*`` is ``\2a``).
    assert html.count(MASKED) == 11
    assert (
        f"<h2>概要 {MASKED}</h2>" in html
        and f'<div class="value" style="color: #{STATUS_COLOURS["neutral"]}">{MASKED}</div>' in html
    )
    assert "\\2a \\2a \\2a \\2a \\2a \\2a \\2a \\2a 9018" in _page_rule(html)
    assert NUMBER in render_html(document, unmask=True)


def test_a_chart_coloured_by_category_names_what_each_colour_means() -> None:
    go, no_go = VERDICT_COLOURS["GO"], VERDICT_COLOURS["NO-GO"]
    chart = Chart(
        title="判定",
        categories=("001", "002"),
        series=(Series(name="対応完了率", values=(0.9, 0.4)),),
        category_colours=(go, no_go),
        category_legend=(("GO（移行可）", go), ("NO-GO（移行不可）", no_go)),
    )
    svg = bar_chart(chart)
    assert re.findall(r'<rect x="(\d+)" y="\d+" width="10" height="10" fill="(#\w+)" class="swatch"/>', svg) == [
        ("150", f"#{go}"),  # after the series' name, which has no swatch: its bars have two colours
        ("258", f"#{no_go}"),
    ]
    assert re.findall(r'class="tick">([^<]+)</text>', svg)[-3:] == ["対応完了率", "GO（移行可）", "NO-GO（移行不可）"]
    # A legend of category colours is only for a chart coloured by category.
    two = chart.model_copy(update={"series": (*chart.series, Series(name="基準", values=(0.5, 0.5)))})
    assert "GO（移行可）" not in bar_chart(two)


def test_the_legend_of_the_category_colours_is_masked_by_value() -> None:
    chart = Chart(
        title="判定",
        categories=("001",),
        series=(Series(name="率", values=(1.0,)),),
        category_colours=("2E7D32",),
        category_legend=((f"GO {NUMBER}", "2E7D32"),),
    )
    html = render_html(_document(charts=(chart,)))
    assert NUMBER not in html and f"GO {MASKED}" in html


def _business(business_id: str, name: str) -> BusinessScore:
    counts = dict.fromkeys(CLASS_KEYS, 0)
    figures = ("functions", "mandatory", "optional", "prohibited", "decided", "new_work", "forced_gaps")
    more = ("forced_gaps_unresolved", "options_to_decide", "mandatory_undecided", "custom_functions", "open_actions")
    return BusinessScore.model_validate(
        {
            "business_id": business_id,
            "name": name,
            "counts": counts,
            "fit_rate": None,
            "readiness": 0.0,
            **dict.fromkeys((*figures, *more, "overdue", "work_items", "work_done"), 0),
        }
    )


def test_each_business_of_the_fit_and_gap_report_starts_a_printed_page() -> None:
    businesses = (_business("001", "住民基本台帳"), _business("002", "印鑑登録"), _business("024", "国民健康保険"))
    report = ScoreReport(
        file="assessment.xlsx",
        as_of=dt.date(2026, 11, 26),
        municipality="013455 森町（北海道）",
        catalog=CatalogInfo(name="embedded", sample=False, versions={}),
        businesses=businesses,
        total=_business(TOTAL, "合計"),
        custom_by_fate={},
        links=(),
        links_without_standard=0,
        gaps=(),
        owners=(),
        findings=(),
        error_findings=0,
    )
    html = render_html(report_document(report, {}))
    found = re.findall(r'<section class="([^"]+)">\s*<h2 id="t\d+">([^<]+)</h2>', html)
    sections = {title: classes.split() for classes, title in found}
    business_sections = [f"{b.business_id} {b.name}" for b in businesses]
    assert [title for title in sections if title in business_sections] == business_sections
    for title in business_sections[1:]:  # between businesses: a new sheet of paper
        assert sections[title] == ["table-section", "page-break"], title
    assert "page-break" in sections[business_sections[0]]  # the first leaves the lists before it, too
    assert [t for t, classes in sections.items() if "page-break" in classes] == business_sections
    assert ".page-break { break-before: page; }" in html  # the print CSS that makes the class a page break
