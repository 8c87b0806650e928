"""The scored assessment as a report document (Excel, HTML) — the renderers in reports/ draw it."""

from __future__ import annotations

from typing import Literal

from fitgap.assessment.scoring import UNDECIDED, BusinessScore, ScoreReport
from fitgap.assessment.vocab import GAP_LABELS, GapClass
from reports.catalog import SAMPLE_NOTE
from reports.tables import Cell, Chart, Column, Document, RowStyle, Series, Table

Lang = Literal["ja", "en"]

FIT_RATE_DEFINITION = {
    "ja": "適合率 =（FIT + FIT_WITH_CONFIG）÷ 判定済みの機能（OUT_OF_SCOPE を除く）",
    "en": "Fit rate = (FIT + FIT_WITH_CONFIG) ÷ decided functions other than OUT_OF_SCOPE",
}
READINESS_DEFINITION = {
    "ja": "準備度 = 完了した作業 ÷ 全作業。作業 = 各機能の判定、対応が必要な判定"
    "（FIT_WITH_CONFIG と、GAP_OPTION_NOT_ADOPTED 以外の GAP_*）の完了、独自機能の対応決定と完了",
    "en": "Readiness = work done ÷ all work. Work = a decision (判定) for every function, 状況 完了 for every decision "
    "that needs work (FIT_WITH_CONFIG and the GAP_ classes but GAP_OPTION_NOT_ADOPTED), and a fate plus 完了 for "
    "every 独自機能",
}
REASONS = {
    "forced_gap": ("強制ギャップ（実装不可機能を使用中）", "Forced gap (prohibited function in use)"),
    "mandatory_undecided": ("実装必須機能が未判定", "Mandatory function undecided"),
    "new_work": ("新規業務（実装必須・現行未使用）", "New work (mandatory, not performed today)"),
    "gap": ("ギャップ", "Gap"),
    "option_undecided": ("標準オプションの採否が未定", "Option to decide"),
    "custom_function": ("独自機能", "Custom function"),
}


def _t(lang: Lang, ja: str, en: str) -> str:
    return ja if lang == "ja" else en


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _summary_row(score: BusinessScore) -> tuple[Cell, ...]:
    return (
        score.business_id,
        score.name,
        score.functions,
        *(score.counts[g.value] for g in GapClass),
        score.counts[UNDECIDED],
        _percent(score.fit_rate),
        score.new_work,
        score.forced_gaps,
        score.forced_gaps_unresolved,
        score.options_to_decide,
        score.open_actions,
        score.overdue,
        _percent(score.readiness),
    )


def _summary(report: ScoreReport, lang: Lang) -> Table:
    columns = (
        Column(header=_t(lang, "業務ID", "Business")),
        Column(header=_t(lang, "業務名", "Name")),
        Column(header=_t(lang, "機能数", "Functions"), format="integer"),
        *(Column(header=g.value, format="integer") for g in GapClass),
        Column(header=_t(lang, "未判定", "Undecided"), format="integer", scale="alert_if_positive"),
        Column(header=_t(lang, "適合率", "Fit rate"), format="percent", scale="higher_is_better"),
        Column(header=_t(lang, "新規業務", "New work"), format="integer"),
        Column(header=_t(lang, "強制ギャップ", "Forced gaps"), format="integer"),
        Column(
            header=_t(lang, "未解消の強制ギャップ", "Unresolved forced gaps"),
            format="integer",
            scale="alert_if_positive",
        ),
        Column(header=_t(lang, "採否未定のオプション", "Options to decide"), format="integer"),
        Column(header=_t(lang, "未完了の対応", "Open actions"), format="integer"),
        Column(header=_t(lang, "期限超過", "Overdue"), format="integer", scale="alert_if_positive"),
        Column(header=_t(lang, "準備度", "Readiness"), format="percent", scale="higher_is_better"),
    )
    rows = [_summary_row(b) for b in report.businesses] + [_summary_row(report.total)]
    styles: list[RowStyle | None] = [None for _ in report.businesses]
    styles.append("total")
    return Table(
        title=_t(lang, "業務別の集計", "Summary per business"),
        sheet=_t(lang, "概要", "Summary"),
        columns=columns,
        rows=tuple(rows),
        row_styles=tuple(styles),
        note=f"{FIT_RATE_DEFINITION[lang]} / {READINESS_DEFINITION[lang]}",
    )


def _gap_list(report: ScoreReport, lang: Lang) -> Table:
    index = 0 if lang == "ja" else 1
    styles: list[RowStyle | None] = []
    rows = []
    for gap in report.gaps:
        rows.append(
            (
                REASONS[gap.reason][index],
                gap.business_id or "",
                gap.target,
                gap.name,
                gap.function_class.value if gap.function_class else "",
                gap.current_use.value if gap.current_use else "",
                gap.decision or "",
                gap.owner,
                gap.due.isoformat() if gap.due else "",
                gap.status or "",
                _t(lang, "超過", "overdue") if gap.overdue else "",
                f"{gap.sheet}!{gap.row}",
            )
        )
        if gap.status == "完了":
            styles.append("muted")
        elif gap.reason == "forced_gap" or gap.overdue:
            styles.append("danger")
        elif gap.reason in ("mandatory_undecided", "new_work"):
            styles.append("warning")
        else:
            styles.append(None)
    headers = (
        ("種別", "Kind"),
        ("業務ID", "Business"),
        ("機能ID／名称", "Function"),
        ("機能名称／説明", "Name"),
        ("実装区分", "Class"),
        ("現行利用", "In use"),
        ("判定／対応", "Decision"),
        ("担当", "Owner"),
        ("期限", "Due"),
        ("状況", "Status"),
        ("期限超過", "Overdue"),
        ("場所", "Where"),
    )
    return Table(
        title=_t(lang, "ギャップ一覧（重大な順）", "Gap list (most serious first)"),
        sheet=_t(lang, "ギャップ一覧", "Gaps"),
        columns=tuple(Column(header=_t(lang, ja, en), format="date" if en == "Due" else "text") for ja, en in headers),
        rows=tuple(rows),
        row_styles=tuple(styles),
    )


def _owners(report: ScoreReport, lang: Lang) -> Table:
    return Table(
        title=_t(lang, "担当別の未完了の対応", "Open actions by owner"),
        sheet=_t(lang, "担当別", "Owners"),
        columns=(
            Column(header=_t(lang, "担当", "Owner")),
            Column(header=_t(lang, "未完了", "Open"), format="integer"),
            Column(header=_t(lang, "期限超過", "Overdue"), format="integer", scale="alert_if_positive"),
            Column(header=_t(lang, "直近の期限", "Next due"), format="date"),
        ),
        rows=tuple(
            (o.owner, o.open_actions, o.overdue, o.next_due.isoformat() if o.next_due else "") for o in report.owners
        ),
    )


def _links(report: ScoreReport, lang: Lang) -> Table:
    return Table(
        title=_t(lang, "現行の業務連携と標準の連携", "Current links against the standard's links"),
        sheet=_t(lang, "業務連携", "Links"),
        columns=tuple(
            Column(header=_t(lang, ja, en))
            for ja, en in (
                ("提供元", "From"),
                ("提供先", "To"),
                ("データ", "Data"),
                ("方式", "Method"),
                ("標準の連携", "In the standard"),
            )
        ),
        rows=tuple(
            (
                k.provider,
                k.consumer,
                k.data,
                k.method or "",
                _t(lang, "あり", "yes") if k.standard else _t(lang, "なし", "no"),
            )
            for k in report.links
        ),
        row_styles=tuple(None if k.standard else "warning" for k in report.links),
    )


def _findings(report: ScoreReport, lang: Lang) -> Table:
    return Table(
        title=_t(lang, "指摘事項", "Findings"),
        sheet=_t(lang, "指摘", "Findings"),
        columns=tuple(
            Column(header=_t(lang, ja, en))
            for ja, en in (
                ("重要度", "Severity"),
                ("コード", "Code"),
                ("シート", "Sheet"),
                ("セル", "Cell"),
                ("内容", "Message"),
            )
        ),
        rows=tuple(
            (f.severity.value, f.code, f.location.sheet or "", f.location.cell or "", f.message)
            for f in report.findings
        ),
        row_styles=tuple("danger" if f.severity.value == "error" else None for f in report.findings),
    )


def _trend(report: ScoreReport, lang: Lang) -> tuple[Table, Chart] | None:
    dates = sorted({p.as_of for p in report.trend})
    if len(dates) < 2:
        return None
    businesses = [b.business_id for b in report.businesses]
    by_key = {(p.as_of, p.business_id): p for p in report.trend}
    rows = tuple(
        (d.isoformat(), *(by_key[(d, b)].open_gaps if (d, b) in by_key else None for b in businesses)) for d in dates
    )
    table = Table(
        title=_t(lang, "未解消ギャップの推移", "Open gaps over time"),
        sheet=_t(lang, "推移", "Trend"),
        columns=(
            Column(header=_t(lang, "基準日", "As of"), format="date"),
            *(Column(header=b, format="integer") for b in businesses),
        ),
        rows=rows,
    )
    chart = Chart(
        title=_t(lang, "未解消ギャップの推移（業務別）", "Open gaps per business over time"),
        categories=tuple(d.isoformat() for d in dates),
        series=tuple(
            Series(name=b, values=tuple(float(by_key[(d, b)].open_gaps) if (d, b) in by_key else 0.0 for d in dates))
            for b in businesses
        ),
        sheet=table.sheet,
    )
    return table, chart


def business_tables(
    report: ScoreReport, rows_by_business: dict[str, list[tuple[Cell, ...]]], lang: Lang
) -> list[Table]:
    headers = (
        ("機能ID", "Function"),
        ("機能名称", "Name"),
        ("実装区分", "Class"),
        ("現行利用", "In use"),
        ("現行の運用", "Current practice"),
        ("判定", "Decision"),
        ("対応方針", "Policy"),
        ("担当", "Owner"),
        ("期限", "Due"),
        ("状況", "Status"),
    )
    tables = []
    for business in report.businesses:
        rows = rows_by_business.get(business.business_id, [])
        tables.append(
            Table(
                title=f"{business.business_id} {business.name}",
                columns=tuple(
                    Column(header=_t(lang, ja, en), format="date" if en == "Due" else "text") for ja, en in headers
                ),
                rows=tuple(rows),
                row_styles=tuple("danger" if row[2] == "実装不可機能" else None for row in rows),
            )
        )
    return tables


def report_document(
    report: ScoreReport, rows_by_business: dict[str, list[tuple[Cell, ...]]], lang: Lang = "ja"
) -> Document:
    """The whole report: key figures, summary with chart, gap list, owners, business sheets, links, findings."""
    total = report.total
    catalog = report.catalog
    kind = _t(lang, "サンプル", "SAMPLE") if catalog.sample else _t(lang, "公式", "official")
    versions = ", ".join(f"{b} {v}" for b, v in catalog.versions.items() if v) or _t(lang, "版不明", "version unknown")
    facts: tuple[tuple[str, str], ...] = (
        (_t(lang, "団体", "Municipality"), report.municipality or "—"),
        (
            _t(lang, "カタログ", "Catalog"),
            f"{catalog.name}（{kind}; {versions}）",
        ),
        (_t(lang, "基準日", "As of"), report.as_of.isoformat()),
        (_t(lang, "適合率", "Fit rate"), f"{total.fit_rate:.1%}" if total.fit_rate is not None else "—"),
        (_t(lang, "準備度", "Readiness"), f"{total.readiness:.1%}"),
        (_t(lang, "未解消の強制ギャップ", "Unresolved forced gaps"), str(total.forced_gaps_unresolved)),
        (_t(lang, "新規業務", "New work"), str(total.new_work)),
        (_t(lang, "未完了の対応", "Open actions"), str(total.open_actions)),
        (_t(lang, "標準にない現行連携", "Links without a standard counterpart"), str(report.links_without_standard)),
        (
            _t(lang, "独自機能", "Custom functions"),
            ", ".join(f"{k} {v}" for k, v in report.custom_by_fate.items()) or "0",
        ),
        (_t(lang, "指摘（エラー）", "Findings (errors)"), f"{len(report.findings)} ({report.error_findings})"),
    )
    if report.gate is not None:
        verdict = (
            _t(lang, "合格", "passed")
            if report.gate.passed
            else _t(lang, "不合格: ", "failed: ") + "; ".join(report.gate.failures)
        )
        facts = (*facts, (_t(lang, "ゲート", "Gate"), verdict))
    summary = _summary(report, lang)
    chart = Chart(
        title=_t(lang, "業務別の判定", "Decisions per business"),
        categories=tuple(b.business_id for b in report.businesses),
        series=tuple(
            Series(name=name, values=tuple(float(b.counts[key]) for b in report.businesses))
            for key, name in [*((g.value, g.value) for g in GapClass), (UNDECIDED, _t(lang, "未判定", "Undecided"))]
            if any(b.counts[key] for b in report.businesses)
        )
        or (Series(name=_t(lang, "機能数", "Functions"), values=tuple(float(b.functions) for b in report.businesses)),),
        stacked=True,
        sheet=summary.sheet,
        y_title=_t(lang, "機能数", "Functions"),
    )
    tables = [
        summary,
        _gap_list(report, lang),
        _owners(report, lang),
        *business_tables(report, rows_by_business, lang),
        _links(report, lang),
        _findings(report, lang),
    ]
    charts = [chart]
    trend = _trend(report, lang)
    if trend is not None:
        tables.append(trend[0])
        charts.append(trend[1])
    gap_legend = Table(
        title=_t(lang, "判定の意味", "Decision classes"),
        sheet=_t(lang, "定義", "Definitions"),
        columns=(Column(header=_t(lang, "判定", "Decision")), Column(header=_t(lang, "意味", "Meaning"))),
        rows=(
            *((g.value, GAP_LABELS[g][0 if lang == "ja" else 1]) for g in GapClass),
            (_t(lang, "適合率", "Fit rate"), FIT_RATE_DEFINITION[lang]),
            (_t(lang, "準備度", "Readiness"), READINESS_DEFINITION[lang]),
        ),
    )
    tables.append(gap_legend)
    return Document(
        title=_t(lang, "Fit & Gap 評価レポート", "Fit & Gap assessment report"),
        note=SAMPLE_NOTE if catalog.sample else None,
        facts=facts,
        tables=tuple(tables),
        charts=tuple(charts),
        lang=lang,
    )
