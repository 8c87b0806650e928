"""The one-page summaries a 課長 signs (readiness, Fit & Gap): verdict, key figures as numbers with their formats,
the top rows, next actions; charts in the fixed colours of reports.palette; the trend as two lines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from fitgap.assessment.history import trend
from fitgap.assessment.report import next_action, report_document
from fitgap.assessment.scoring import (
    TOTAL,
    UNDECIDED,
    BusinessScore,
    CatalogInfo,
    GapItem,
    GateResult,
    OwnerSummary,
    ScoreReport,
)
from fitgap.assessment.vocab import GAP_LABELS, CurrentUse, GapClass, parse_choice
from fitgap.project import Thresholds
from fitgap.readiness import ReadinessReport, TableRecord, assess_readiness, readiness_document
from reports.html import render_html
from reports.palette import CLASS_COLOURS, TREND_COLOURS, VERDICT_COLOURS
from reports.tables import Cell, Kpi
from spec_catalog import load_embedded
from spec_catalog.database import ReconcileKind, ReconcileRecord
from spec_catalog.vocab import FunctionClass
from validation import ValidationReport
from validation.runner import RuleResult, TableResult

from conftest import CliResult

Cli = Callable[..., CliResult]

AS_OF = dt.date(2026, 11, 26)
CLASS_KEYS = [*(g.value for g in GapClass), UNDECIDED]


def business_score(business_id: str, name: str, *, work: tuple[int, int], **figures: int) -> BusinessScore:
    """A business's score with ``work`` = (done, items) and the counts given (zero otherwise)."""
    done, items = work
    counts = {key: figures.pop(key, 0) for key in CLASS_KEYS}
    values = {
        field: figures.get(field, 0)
        for field in (
            "forced_gaps",
            "forced_gaps_unresolved",
            "mandatory_undecided",
            "new_work",
            "options_to_decide",
            "open_actions",
            "overdue",
            "custom_functions",
        )
    }
    return BusinessScore(
        business_id=business_id,
        name=name,
        functions=sum(counts.values()),
        mandatory=0,
        optional=0,
        prohibited=0,
        counts=counts,
        decided=sum(counts.values()) - counts[UNDECIDED],
        fit_rate=figures.get("fit_permille", 500) / 1000,
        work_items=items,
        work_done=done,
        readiness=done / items,
        **values,
    )


def score_report(businesses: list[BusinessScore], **fields: object) -> ScoreReport:
    total = business_score(
        TOTAL,
        "合計",
        work=(sum(b.work_done for b in businesses), sum(b.work_items for b in businesses)),
        **{k: sum(b.counts[k] for b in businesses) for k in CLASS_KEYS},
        **{
            f: sum(getattr(b, f) for b in businesses)
            for f in (
                "forced_gaps",
                "forced_gaps_unresolved",
                "mandatory_undecided",
                "new_work",
                "options_to_decide",
                "open_actions",
                "overdue",
            )
        },
    )
    values: dict[str, object] = {
        "file": "assessment.xlsx",
        "as_of": AS_OF,
        "municipality": "013455 森町（北海道）",
        "catalog": CatalogInfo(name="embedded", sample=True, versions={b.business_id: None for b in businesses}),
        "businesses": tuple(businesses),
        "total": total,
        "custom_by_fate": {},
        "links": (),
        "links_without_standard": 0,
        "gaps": (),
        "owners": (),
        "findings": (),
        "error_findings": 0,
        **fields,
    }
    return ScoreReport.model_validate(values)


# --- readiness -------------------------------------------------------------------------------------------------


@pytest.fixture
def readiness() -> ReadinessReport:
    """001 NO-GO for five reasons, 002 GO, 003 not assessed, 024 NO-GO for forced gaps and validation errors."""
    catalog = load_embedded()
    scores = [
        business_score("001", "住民基本台帳", work=(10, 20), mandatory_undecided=3),
        business_score("002", "印鑑登録", work=(10, 10)),
        business_score("024", "国民健康保険", work=(9, 10), forced_gaps=2, forced_gaps_unresolved=2),
    ]
    records = {
        "001_住民": TableRecord(
            table="001_住民", rows_read=1000, rows_loaded=980, rows_quarantined=20, run_ids=("run-1",)
        ),
        "024_被保険者": TableRecord(table="024_被保険者", rows_read=500, rows_loaded=500, run_ids=("run-2",)),
    }
    failed = RuleResult(
        rule_id="r", severity="error", kind="k", description="d", status="failed", unexpected_count=1, element_count=1
    )
    validation = ValidationReport(
        database="migration.duckdb",
        catalog_sample=True,
        tables=(
            TableResult(
                table="024_被保険者",
                business_id="024",
                group="被保険者",
                rows=500,
                rules=(failed, failed),
                manual_checks=(),
                run_checks=(),
            ),
        ),
        errors_failed=2,
        warnings_failed=0,
        rules_run=2,
        passed=False,
        seconds=0.1,
    )
    difference = ReconcileRecord(
        reconcile_id="rc-1",
        kind=ReconcileKind.DATA,
        business="001",
        subject="001_住民",
        run_id="run-1",
        compared=980,
        agreed=970,
        explained=6,
        unexplained=4,
    )
    return assess_readiness(
        "森町",
        ("001", "002", "003", "024"),
        catalog,
        Thresholds(),
        score_report(scores),
        records,
        validation,
        comparisons=[difference],
    )


def test_the_readiness_summary(readiness: ReadinessReport) -> None:
    resident, _, koseki, insurance = readiness.businesses
    assert [b.verdict for b in readiness.businesses] == ["NO-GO", "GO", "NO-GO", "NO-GO"]
    document = readiness_document(readiness)
    assert (document.municipality, document.created) == ("森町", readiness.inputs.created)
    summary = document.summary
    assert summary is not None
    assert (summary.title, summary.verdict, summary.verdict_status) == ("移行準備状況の要約", "GO 1 / NO-GO 3", "bad")
    assert summary.kpis == (
        Kpi(label="業務数", value=4, format="integer"),
        Kpi(label="GO", value=1, format="integer", status="good"),
        Kpi(label="NO-GO", value=3, format="integer", status="bad"),
        Kpi(label="対応完了率", value=0.725, format="percent", status="bad"),  # (10 + 10 + 9) ÷ (20 + 10 + 10)
        Kpi(label="移行エラー率", value=0.013333, format="percent", status="bad"),  # 20 ÷ 1,500
        Kpi(label="検証エラー", value=2, format="integer", status="bad"),
        Kpi(label="現新比較の説明のない差異", value=4, format="integer", status="bad"),
    )
    assert summary.top is not None
    assert [c.header for c in summary.top.columns] == ["業務ID", "業務名", "主な理由", "理由の数"]
    assert summary.top.rows == (
        ("001", "住民基本台帳", resident.reasons[0].ja, 5),
        ("003", "戸籍", koseki.reasons[0].ja, 1),
        ("024", "国民健康保険", insurance.reasons[0].ja, 2),
    )
    assert summary.top.note is None
    assert summary.actions == (
        "003 戸籍: Fit & Gap 調査票を記入して採点する",
        "024 国民健康保険: 要廃止の実装不可機能 2 件の廃止を完了する",
        "001 住民基本台帳: 未判定の実装必須機能 3 件を判定する",
        "001 住民基本台帳: 対応完了率を 80% 以上にする（現在 50%）",
        "001 住民基本台帳: 移行エラー行を直して移行エラー率を 1.00% 以下にする（現在 2.00%）",
        "001 住民基本台帳: 変換データを検証する",
        "024 国民健康保険: 検証エラー 2 件を直す",
        "001 住民基本台帳: 現新比較の説明のない差異 4 件を説明するか直す",
    )
    english = readiness_document(readiness, "en").summary
    assert english is not None and english.verdict == "GO 1 / NO-GO 3"
    assert english.actions[2] == "001 住民基本台帳: decide 3 undecided 実装必須機能"
    assert [k.label for k in english.kpis][3:5] == ["Assessment readiness", "Quarantine rate"]


def test_the_readiness_tables_speak_the_glossary(readiness: ReadinessReport) -> None:
    document = readiness_document(readiness)
    verdicts = document.tables[0]
    assert [c.header for c in verdicts.columns][3:12] == [
        "未対応の要廃止機能",
        "未判定の実装必須機能",
        "対応完了率",
        "変換",
        "読込行",
        "移行エラー行",
        "移行エラー率",
        "検証",
        "検証エラー",
    ]
    assert [(row[6], row[10]) for row in verdicts.rows] == [
        ("済", "未実施"),
        ("対象外", "対象外"),
        ("対象外", "対象外"),
        ("済", "済"),
    ]
    quarantine, thresholds = document.tables[3], document.tables[4]
    assert (quarantine.title, quarantine.sheet) == ("移行エラーの理由", "移行エラー")
    assert thresholds.rows[2:4] == (
        ("対応完了率（下限）", "min_assessment_readiness", 0.8, None),  # numbers, a rate formatted as percent
        ("移行エラー率（上限）", "max_quarantine_rate", 0.01, None),
    )


def test_the_readiness_chart_colours_the_verdicts_and_draws_the_threshold(readiness: ReadinessReport) -> None:
    thresholds = Thresholds(min_assessment_readiness=0.75)
    report = readiness.model_copy(update={"thresholds": thresholds})
    (chart,) = readiness_document(report).charts
    assert chart.categories == ("001", "002", "003", "024")
    assert chart.series[0].values == (50.0, 100.0, 0.0, 90.0)  # percent, as the threshold
    assert chart.category_colours == tuple(VERDICT_COLOURS[v] for v in ("NO-GO", "GO", "NO-GO", "NO-GO"))
    assert chart.category_colours[1] != chart.category_colours[0]
    assert (chart.threshold, chart.threshold_label) == (75.0, "GO に必要な対応完了率")


@pytest.mark.parametrize(
    ("lang", "legend"),
    [
        ("ja", ("対応完了率（%）", "GO（移行可）", "NO-GO（移行不可）")),
        ("en", ("Readiness (%)", "GO (ready for cutover)", "NO-GO (not ready)")),
    ],
)
def test_the_readiness_chart_has_a_legend_of_its_verdict_colours(
    readiness: ReadinessReport, lang: str, legend: tuple[str, str, str]
) -> None:
    (chart,) = readiness_document(readiness, lang).charts
    go, no_go = VERDICT_COLOURS["GO"], VERDICT_COLOURS["NO-GO"]
    assert chart.category_legend == ((legend[1], go), (legend[2], no_go))
    html = render_html(readiness_document(readiness, lang))
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg"') : html.index("</svg>")]
    # The series is named without a swatch (its bars have two colours), then each colour with what it means.
    assert re.findall(r'class="tick">([^<]+)</text>', svg)[-3:] == list(legend)
    assert re.findall(r'<rect [^>]*fill="(#\w+)" class="swatch"/>', svg) == [f"#{go}", f"#{no_go}"]


def test_one_action_names_every_business_it_holds_back() -> None:
    report = assess_readiness("森町", ("002", "003", "004"), load_embedded(), Thresholds(), None, {}, None)
    document = readiness_document(report)
    assert document.summary is not None
    assert document.summary.actions == ("Fit & Gap 調査票を記入して採点する（002、003、004）",)
    assert [k.value for k in document.summary.kpis] == [3, 0, 3, None, None, None, None]
    assert [k.status for k in document.summary.kpis][3:] == ["bad", "neutral", "neutral", "neutral"]


@pytest.mark.parametrize(
    ("found", "lang", "now", "expected"),
    [
        ([("001", "住民基本台帳", None)], "ja", False, "001 住民基本台帳: 文"),
        ([("001", "住民基本台帳", "3 件")], "ja", False, "001 住民基本台帳: 文"),
        ([("001", "住民基本台帳", "50%")], "ja", True, "001 住民基本台帳: 文（現在 50%）"),
        ([("001", "住民基本台帳", "50%")], "en", True, "001 住民基本台帳: 文 (now 50%)"),
        ([("001", "a", "3 件"), ("024", "b", "2 件")], "ja", False, "文（001: 3 件、024: 2 件）"),
        ([(f"{n:03}", "x", None) for n in range(1, 8)], "ja", False, "文（001、002、003、004、005 ほか 2 業務）"),
        ([(f"{n:03}", "x", None) for n in range(1, 6)], "en", False, "文 (001, 002, 003, 004, 005)"),
        (
            [(f"{n:03}", "x", "1") for n in range(1, 7)],
            "en",
            False,
            "文 (001: 1, 002: 1, 003: 1, 004: 1, 005: 1 and 1 more)",
        ),
    ],
    ids=["one", "one-count", "one-rate", "one-rate-en", "two", "seven", "five-en", "six-en"],
)
def test_next_action_lines(found: list[tuple[str, str, str | None]], lang: str, now: bool, expected: str) -> None:
    assert next_action("文", found, "ja" if lang == "ja" else "en", now=now) == expected


# --- Fit & Gap ---------------------------------------------------------------------------------------------------


def gap(reason: str, business: str, target: str, decision: str | None, **fields: object) -> GapItem:
    values: dict[str, object] = {
        "rank": 0,
        "reason": reason,
        "business_id": business,
        "target": target,
        "name": f"機能{target}",
        "function_class": FunctionClass.MANDATORY,
        "current_use": CurrentUse.IN_USE,
        "decision": decision,
        "owner": "住民課",
        "due": None,
        "status": None,
        "overdue": False,
        "sheet": "s",
        "row": 4,
        **fields,
    }
    return GapItem.model_validate(values)


@pytest.fixture
def scored() -> ScoreReport:
    businesses = [
        business_score(
            "001",
            "住民基本台帳",
            work=(10, 16),
            FIT=4,
            FIT_WITH_CONFIG=2,
            GAP_BPR=1,
            GAP_PROHIBITED=1,
            UNDECIDED=2,
            forced_gaps=1,
            forced_gaps_unresolved=1,
            mandatory_undecided=2,
            open_actions=3,
            overdue=1,
            new_work=1,
            fit_permille=750,
        ),
        business_score(
            "024", "国民健康保険", work=(6, 8), FIT=3, GAP_EUC=1, OUT_OF_SCOPE=1, options_to_decide=1, open_actions=1
        ),
    ]
    gaps = (
        gap(
            "forced_gap",
            "001",
            "0019020",
            "GAP_PROHIBITED",
            function_class=FunctionClass.PROHIBITED,
            due=dt.date(2027, 3, 31),
            status="対応中",
        ),
        gap("mandatory_undecided", "001", "0019002", None, owner="", rank=1),
        gap("mandatory_undecided", "001", "0019001", None, owner="", rank=1),
        gap("new_work", "001", "0019011", "GAP_OPERATION", current_use=CurrentUse.NOT_USED, rank=1),
        gap("gap", "001", "0019005", "GAP_BPR", due=dt.date(2026, 10, 1), status="未着手", overdue=True, rank=2),
        gap("gap", "024", "0249004", "GAP_EUC", owner="保険年金課", due=dt.date(2027, 1, 31), rank=4),
        gap("gap", "024", "0249005", "GAP_OPTION_NOT_ADOPTED", function_class=FunctionClass.OPTIONAL, rank=7),
        gap("option_undecided", "024", "0249007", None, function_class=FunctionClass.OPTIONAL, rank=8),
        gap("custom_function", "001", "独自の宛名管理", None, function_class=None, rank=3),
        gap("gap", "001", "0019006", "FIT_WITH_CONFIG", status="完了", rank=6),
    )
    return score_report(
        businesses,
        gaps=gaps,
        owners=(OwnerSummary(owner="（未定）", open_actions=2, overdue=0, next_due=None),),
        custom_by_fate={UNDECIDED: 1},
        gate=GateResult(passed=False, failures=("1 unresolved forced gaps (allowed 0)",)),
    )


def test_the_fit_and_gap_summary(scored: ScoreReport) -> None:
    document = report_document(scored, {})
    assert (document.municipality, document.created) == ("013455 森町（北海道）", None)
    summary = document.summary
    assert summary is not None
    assert (summary.title, summary.verdict, summary.verdict_status) == (
        "Fit & Gap 評価の要約",
        "ゲート: エラーあり",
        "bad",
    )
    assert summary.kpis == (
        Kpi(label="機能数", value=15, format="integer"),
        Kpi(label="適合率", value=0.5, format="percent"),
        Kpi(label="対応完了率", value=0.6667, format="percent"),  # 16 ÷ 24
        Kpi(label="未対応の要廃止機能", value=1, format="integer", status="bad"),
        Kpi(label="新たに行う業務", value=1, format="integer"),
        Kpi(label="未判定の実装必須機能", value=2, format="integer", status="bad"),
        Kpi(label="未完了の対応", value=4, format="integer"),
        Kpi(label="期限超過", value=1, format="integer", status="bad"),
    )
    top = summary.top
    assert top is not None
    assert [c.header for c in top.columns] == ["業務", "機能ID", "機能名", "判定", "担当", "期限"]
    assert top.columns[-1].format == "date"
    assert top.rows == (
        ("001 住民基本台帳", "0019020", "機能0019020", "実装不可機能の廃止", "住民課", "2027-03-31"),
        ("001 住民基本台帳", "0019001", "機能0019001", "未判定", "（未定）", None),
        ("001 住民基本台帳", "0019002", "機能0019002", "未判定", "（未定）", None),
        ("001 住民基本台帳", "0019005", "機能0019005", "業務見直し（BPR）", "住民課", "2026-10-01"),
        ("024 国民健康保険", "0249004", "機能0249004", "EUCで対応", "保険年金課", "2027-01-31"),
        ("001 住民基本台帳", "0019011", "機能0019011", "運用で対応", "住民課", None),
    )
    assert top.row_styles == ("danger", "warning", "warning", "danger", None, None)
    assert top.note is None
    assert summary.actions == (
        "001 住民基本台帳: 要廃止の実装不可機能 1 件の廃止を完了する",
        "001 住民基本台帳: 未判定の実装必須機能 2 件を判定する",
        "001 住民基本台帳: 期限を過ぎた対応 1 件の期限と進め方を見直す",
        "024 国民健康保険: 標準オプション機能 1 件の採否を決める",
        "担当が決まっていない対応 2 件の担当を決める",
        "対応が決まっていない独自機能 1 件の対応を決める",
    )
    passed = report_document(scored.model_copy(update={"gate": GateResult(passed=True, failures=())}), {}, "en")
    assert passed.summary is not None
    assert (passed.summary.verdict, passed.summary.verdict_status) == ("Gate: passed", "good")
    assert passed.summary.actions[0] == "001 住民基本台帳: retire 1 prohibited function(s) still in use"


def test_the_top_gaps_are_capped_with_the_rest_counted(scored: ScoreReport) -> None:
    many = tuple(gap("gap", "024", f"02490{n:02}", "GAP_EUC", rank=4) for n in range(12))
    summary = report_document(scored.model_copy(update={"gaps": many}), {}).summary
    assert summary is not None and summary.top is not None
    assert [row[1] for row in summary.top.rows] == [f"02490{n:02}" for n in range(10)]
    assert summary.top.note == "ほか 2 件はギャップ一覧にあります。"


@pytest.mark.parametrize(
    "present",
    [
        ["FIT", "FIT_WITH_CONFIG", "GAP_BPR", "GAP_PROHIBITED", UNDECIDED],
        ["GAP_PROHIBITED", UNDECIDED],
        ["OUT_OF_SCOPE", "GAP_EUC", "GAP_OPERATION", "GAP_OPTION_NOT_ADOPTED", "GAP_EXTERNAL", "FIT"],
    ],
    ids=["mixed", "two", "others"],
)
def test_every_class_series_has_its_palette_colour(present: list[str]) -> None:
    report = score_report([business_score("001", "住民基本台帳", work=(1, 2), **dict.fromkeys(present, 1))])
    chart = report_document(report, {}).charts[0]
    codes = {label: gap.value for gap, (label, _) in GAP_LABELS.items()} | {"未判定": UNDECIDED}
    assert sorted(codes[s.name] for s in chart.series) == sorted(present)
    assert {codes[s.name]: s.colour for s in chart.series} == {key: CLASS_COLOURS[key] for key in present}
    assert chart.stacked


def test_the_summary_per_business_and_the_lists_show_labels(scored: ScoreReport) -> None:
    rows: dict[str, list[tuple[Cell, ...]]] = {
        "001": [("0019005", "機能", "実装必須機能", "使用中", "", "GAP_BPR", "", "住民課", "2026-10-01", "未着手")]
    }
    document = report_document(scored, rows)
    per_business = document.tables[0]
    assert per_business.sheet == "業務別"
    assert [row[:3] for row in per_business.rows] == [
        ("001", "住民基本台帳", 10),
        ("024", "国民健康保険", 5),
        ("", "合計", 15),
    ]
    headers = [c.header for c in per_business.columns]
    assert headers[3:13] == [GAP_LABELS[g][0] for g in GapClass] + ["未判定"]
    assert headers[14:17] == ["新たに行う業務", "要廃止の実装不可機能", "未対応の要廃止機能"]
    assert headers[-1] == "対応完了率"
    gap_list = document.tables[1]
    assert [row[0] for row in gap_list.rows][:4] == [
        "廃止が必要な実装不可機能（現行で使用中）",
        "未判定の実装必須機能",
        "未判定の実装必須機能",
        "新たに行う業務（実装必須・現行未実施）",
    ]
    assert gap_list.rows[4][6] == "業務見直し（BPR）"
    business = next(t for t in document.tables if t.title == "001 住民基本台帳")
    assert business.rows[0][5] == "業務見直し（BPR）"
    assert ("未対応の要廃止機能", "1") in document.facts and (
        "ゲート",
        "エラーあり: 1 unresolved forced gaps (allowed 0)",
    ) in document.facts


def test_the_trend_is_two_lines_of_the_whole_assessment(scored: ScoreReport) -> None:
    later = scored.model_copy(
        update={
            "as_of": dt.date(2026, 12, 1),
            "gaps": tuple(g.model_copy(update={"status": "完了"}) for g in scored.gaps[:4]) + scored.gaps[4:],
            "total": scored.total.model_copy(update={"readiness": 0.8}),
        }
    )
    points = trend([scored, later])
    totals = [(p.as_of, p.open_gaps, p.readiness) for p in points if p.business_id == TOTAL]
    assert totals == [(AS_OF, 9, scored.total.readiness), (dt.date(2026, 12, 1), 5, 0.8)]
    document = report_document(later.model_copy(update={"trend": points}), {})
    chart = document.charts[-1]
    assert (chart.kind, chart.categories) == ("line", ("2026-11-26", "2026-12-01"))
    assert [(s.name, s.values, s.colour) for s in chart.series] == [
        ("未完了のギャップ（合計）", (9.0, 5.0), TREND_COLOURS[0]),
        ("対応完了率（%）", (66.7, 80.0), TREND_COLOURS[1]),
    ]
    table = next(t for t in document.tables if t.sheet == "推移")
    assert [c.header for c in table.columns] == ["基準日", "未完了のギャップ（合計）", "対応完了率", "001", "024"]
    assert table.rows == (("2026-11-26", 9, 0.6667, 6, 3), ("2026-12-01", 5, 0.8, 2, 3))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("適合", GapClass.FIT),
        ("適合（標準機能のまま）", GapClass.FIT),
        ("設定で適合", GapClass.FIT_WITH_CONFIG),
        ("設定で適合（パラメータ設定）", GapClass.FIT_WITH_CONFIG),
        ("業務見直し（BPR）", GapClass.GAP_BPR),
        ("業務の見直し（BPR）", GapClass.GAP_BPR),
        ("実装不可機能の廃止", GapClass.GAP_PROHIBITED),
        ("実装不可機能の廃止（強制ギャップ）", GapClass.GAP_PROHIBITED),
        ("FIT_WITH_CONFIG", GapClass.FIT_WITH_CONFIG),
        ("Handled by EUC", GapClass.GAP_EUC),
        ("強制ギャップ", None),
    ],
)
def test_labels_old_and_new_read_back(text: str, expected: GapClass | None) -> None:
    assert parse_choice(GapClass, text) is expected


def test_a_missing_validation_report_is_one_line_in_the_run_s_language(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "v.json"
    args = ("report", "readiness", "--municipality", "013455", "--db", tmp_path / "x.duckdb", "--validation", missing)
    result = cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"エラー: {missing}: 検証の帳票が見つかりません — "
        "'fitgap validate run --json-file FILE' で書いた JSON ファイルを指定してください\n",
    )
    english = cli(*args, "--lang", "en")
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: {missing}: validation report not found — "
        "give the JSON file written by 'fitgap validate run --json-file FILE'\n",
    )


def test_the_report_help_is_japanese_by_default(cli: Cli) -> None:
    text = " ".join(cli("report", "readiness", "--help").stdout.split())
    assert "業務ごとに GO / NO-GO（移行可 / 移行不可）を判定します" in text
    assert "採点済みの評価（JSON）" in text and "Combine the Fit & Gap status" not in text
    assert "Reports that combine" not in " ".join(cli("report", "--help").stdout.split())
    english = " ".join(cli("--lang", "en", "report", "readiness", "--help").stdout.split())
    assert "Combine the Fit & Gap status" in english and "A scored assessment (JSON)" in english
