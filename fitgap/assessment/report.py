"""The scored assessment as a report document (Excel, HTML) — the renderers in reports/ draw it.

It opens with the one-page summary a 課長 reads (key figures, the most serious open gaps, next actions). A 判定 is
shown by its label (the codes stay in the JSON) and drawn in its class's fixed colour (reports.palette), never in a
colour chosen by its position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from fitgap.assessment.history import scored_at
from fitgap.assessment.scoring import TOTAL, UNDECIDED, BusinessScore, GapItem, ScoreReport
from fitgap.assessment.vocab import GAP_MEANINGS, GAP_SEVERITY, NEEDS_ACTION, UNDECIDED_LABEL, GapClass, gap_label
from reports.catalog import SAMPLE_NOTES
from reports.palette import CLASS_COLOURS, TREND_COLOURS
from reports.tables import Cell, Chart, Column, Document, Kpi, RowStyle, Series, Summary, Table
from spec_catalog.codes import message_of
from spec_catalog.models import catalog_label
from spec_catalog.vocab import business_label

Lang = Literal["ja", "en"]
Status = Literal["good", "bad", "neutral"]

TOP_ROWS = 10  # the summary's table must fit its page
BUSINESSES_LISTED = 5  # in one line of 次の対応, the rest counted

FIT_RATE_DEFINITION = {
    "ja": "適合率 =（適合 + 設定で適合）÷ 判定済みの機能（対象外を除く）",
    "en": "Fit rate = (FIT + FIT_WITH_CONFIG) ÷ decided functions other than OUT_OF_SCOPE",
}
READINESS_DEFINITION = {
    "ja": "対応完了率 = 完了した作業 ÷ 全作業。作業 = 各機能の判定、対応が必要な判定（設定で適合・運用で対応・"
    "業務見直し（BPR）・実装不可機能の廃止・独自施策システムへ移行・EUCで対応）の完了、独自機能の対応決定と完了",
    "en": "Readiness = work done ÷ all work. Work = a decision (判定) for every function, 状況 完了 for every decision "
    "that needs work (FIT_WITH_CONFIG and the GAP_ classes but GAP_OPTION_NOT_ADOPTED), and a fate plus 完了 for "
    "every 独自機能",
}
REASONS = {
    "forced_gap": ("廃止が必要な実装不可機能（現行で使用中）", "Forced gap (prohibited function in use)"),
    "mandatory_undecided": ("未判定の実装必須機能", "Mandatory function undecided"),
    "new_work": ("新たに行う業務（実装必須・現行未実施）", "New work (mandatory, not performed today)"),
    "gap": ("ギャップ", "Gap"),
    "option_undecided": ("標準オプションの採否が未定", "Option to decide"),
    "custom_function": ("独自機能", "Custom function"),
}
SEVERITY_LABELS = {"error": ("エラー", "error"), "warning": ("警告", "warning"), "info": ("情報", "info")}
# The classes in the order of the charts and tables: the codes of the counts, undecided last.
CLASS_KEYS: tuple[str, ...] = (*(g.value for g in GapClass), UNDECIDED)


def _t(lang: Lang, ja: str, en: str) -> str:
    return ja if lang == "ja" else en


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _problems(count: int) -> Status:
    """A count of things that must be zero: bad above zero."""
    return "bad" if count else "good"


def next_action(sentence: str, found: Sequence[tuple[str, str, str | None]], lang: Lang, *, now: bool = False) -> str:
    """One line of 次の対応 about the businesses ``found`` (業務ID, 業務名, a detail such as their count): the business
    named when there is one (with ``now``, its detail as the value today), else their IDs with their details, at most
    five and the rest counted."""
    if len(found) == 1:
        business_id, name, detail = found[0]
        current = _t(lang, f"（現在 {detail}）", f" (now {detail})") if now and detail else ""
        return f"{business_id} {name}: {sentence}{current}"
    shown = [f"{business_id}: {detail}" if detail else business_id for business_id, _, detail in found]
    listed = _t(lang, "、", ", ").join(shown[:BUSINESSES_LISTED])
    more = len(shown) - BUSINESSES_LISTED
    if more > 0:
        listed += _t(lang, f" ほか {more} 業務", f" and {more} more")
    return _t(lang, f"{sentence}（{listed}）", f"{sentence} ({listed})")


def _summary_row(score: BusinessScore, lang: Lang) -> tuple[Cell, ...]:
    total = score.business_id == TOTAL
    return (
        "" if total else score.business_id,
        _t(lang, "合計", "Total") if total else score.name,
        score.functions,
        *(score.counts[key] for key in CLASS_KEYS),
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
        *(Column(header=gap_label(g.value, lang), format="integer") for g in GapClass),
        Column(header=gap_label(UNDECIDED, lang), format="integer", scale="alert_if_positive"),
        Column(header=_t(lang, "適合率", "Fit rate"), format="percent", scale="higher_is_better"),
        Column(header=_t(lang, "新たに行う業務", "New work"), format="integer"),
        Column(header=_t(lang, "要廃止の実装不可機能", "Forced gaps"), format="integer"),
        Column(
            header=_t(lang, "未対応の要廃止機能", "Unresolved forced gaps"),
            format="integer",
            scale="alert_if_positive",
        ),
        Column(header=_t(lang, "採否未定のオプション", "Options to decide"), format="integer"),
        Column(header=_t(lang, "未完了の対応", "Open actions"), format="integer"),
        Column(header=_t(lang, "期限超過", "Overdue"), format="integer", scale="alert_if_positive"),
        Column(header=_t(lang, "対応完了率", "Readiness"), format="percent", scale="higher_is_better"),
    )
    rows = [_summary_row(b, lang) for b in report.businesses] + [_summary_row(report.total, lang)]
    styles: list[RowStyle | None] = [None for _ in report.businesses]
    styles.append("total")
    return Table(
        title=_t(lang, "業務別の集計", "Summary per business"),
        sheet=_t(lang, "業務別", "By business"),  # 概要 is the one-page summary's
        columns=columns,
        rows=tuple(rows),
        row_styles=tuple(styles),
        note=f"{FIT_RATE_DEFINITION[lang]} / {READINESS_DEFINITION[lang]}",
    )


def _severity(gap: GapItem) -> int | None:
    """How serious an open gap is (GAP_SEVERITY: a forced gap first, then an undecided 実装必須機能, then by the 判定);
    None: done, or no work of the top table (no action needed, a 独自機能)."""
    if gap.status == "完了" or gap.reason == "custom_function":
        return None
    if gap.reason == "forced_gap":
        return GAP_SEVERITY[GapClass.GAP_PROHIBITED]
    if gap.reason == "mandatory_undecided":
        return 1  # between a forced gap and a BPR, as the gap list ranks it
    decision = next((g for g in NEEDS_ACTION if g.value == gap.decision), None)
    return GAP_SEVERITY[decision] if decision is not None else None


def _top_gaps(report: ScoreReport, lang: Lang) -> Table:
    """The most serious open gaps: by severity, overdue first, then by due date."""
    ranked = sorted(
        ((severity, gap) for gap in report.gaps if (severity := _severity(gap)) is not None),
        key=lambda pair: (
            pair[0],
            not pair[1].overdue,
            pair[1].due or dt.date.max,
            pair[1].business_id or "",
            pair[1].target,
        ),
    )
    names = {b.business_id: b.name for b in report.businesses}
    top = [gap for _, gap in ranked[:TOP_ROWS]]
    styles: list[RowStyle | None] = [
        "danger" if g.reason == "forced_gap" or g.overdue else "warning" if g.reason == "mandatory_undecided" else None
        for g in top
    ]
    more = len(ranked) - len(top)
    return Table(
        title=_t(lang, f"重大な未対応のギャップ（上位 {TOP_ROWS} 件）", f"Most serious open gaps (top {TOP_ROWS})"),
        columns=(
            Column(header=_t(lang, "業務", "Business")),
            Column(header=_t(lang, "機能ID", "Function")),
            Column(header=_t(lang, "機能名", "Name")),
            Column(header=_t(lang, "判定", "Decision")),
            Column(header=_t(lang, "担当", "Owner")),
            Column(header=_t(lang, "期限", "Due"), format="date"),
        ),
        rows=tuple(
            (
                business_label(g.business_id, names.get(g.business_id)) if g.business_id else "",
                g.target,
                g.name,
                gap_label(g.decision, lang),
                g.owner or _t(lang, "（未定）", "(none)"),
                g.due.isoformat() if g.due else None,
            )
            for g in top
        ),
        row_styles=tuple(styles),
        note=_t(lang, f"ほか {more} 件はギャップ一覧にあります。", f"{more} more in the gap list.")
        if more > 0
        else None,
    )


def _kpis(report: ScoreReport, lang: Lang) -> tuple[Kpi, ...]:
    total = report.total
    return (
        Kpi(label=_t(lang, "機能数", "Functions"), value=total.functions, format="integer"),
        Kpi(label=_t(lang, "適合率", "Fit rate"), value=_percent(total.fit_rate), format="percent"),
        Kpi(
            label=_t(lang, "対応完了率", "Readiness"),
            value=_percent(total.readiness),
            format="percent",
            status="good" if total.readiness >= 1 else "neutral",
        ),
        Kpi(
            label=_t(lang, "未対応の要廃止機能", "Unresolved forced gaps"),
            value=total.forced_gaps_unresolved,
            format="integer",
            status=_problems(total.forced_gaps_unresolved),
        ),
        Kpi(label=_t(lang, "新たに行う業務", "New work"), value=total.new_work, format="integer"),
        Kpi(
            label=_t(lang, "未判定の実装必須機能", "Mandatory undecided"),
            value=total.mandatory_undecided,
            format="integer",
            status=_problems(total.mandatory_undecided),
        ),
        Kpi(
            label=_t(lang, "未完了の対応", "Open actions"),
            value=total.open_actions,
            format="integer",
            status="good" if not total.open_actions else "neutral",
        ),
        Kpi(
            label=_t(lang, "期限超過", "Overdue"),
            value=total.overdue,
            format="integer",
            status=_problems(total.overdue),
        ),
    )


def _per_business(report: ScoreReport, count: str, lang: Lang) -> list[tuple[str, str, str | None]]:
    """The businesses whose ``count`` (a BusinessScore field) is above zero, with it."""
    unit = _t(lang, " 件", "")
    return [(b.business_id, b.name, f"{getattr(b, count)}{unit}") for b in report.businesses if getattr(b, count) > 0]


def _actions(report: ScoreReport, lang: Lang) -> tuple[str, ...]:
    """次の対応, the most pressing first: one line per kind of work, naming the businesses it concerns."""
    total = report.total
    per_business = (
        (
            "forced_gaps_unresolved",
            _t(
                lang,
                f"要廃止の実装不可機能 {total.forced_gaps_unresolved} 件の廃止を完了する",
                f"retire {total.forced_gaps_unresolved} prohibited function(s) still in use",
            ),
        ),
        (
            "mandatory_undecided",
            _t(
                lang,
                f"未判定の実装必須機能 {total.mandatory_undecided} 件を判定する",
                f"decide {total.mandatory_undecided} undecided 実装必須機能",
            ),
        ),
        (
            "overdue",
            _t(
                lang,
                f"期限を過ぎた対応 {total.overdue} 件の期限と進め方を見直す",
                f"review the due dates and plans of {total.overdue} overdue action(s)",
            ),
        ),
        (
            "options_to_decide",
            _t(
                lang,
                f"標準オプション機能 {total.options_to_decide} 件の採否を決める",
                f"decide whether to adopt {total.options_to_decide} standard option(s)",
            ),
        ),
    )
    actions = []
    for count, sentence in per_business:
        found = _per_business(report, count, lang)
        if found:
            actions.append(next_action(sentence, found, lang))
    unowned = sum(o.open_actions for o in report.owners if o.owner == "（未定）")
    if unowned:
        actions.append(
            _t(lang, f"担当が決まっていない対応 {unowned} 件の担当を決める", f"name an owner for {unowned} action(s)")
        )
    custom = report.custom_by_fate.get(UNDECIDED, 0)
    if custom:
        actions.append(
            _t(lang, f"対応が決まっていない独自機能 {custom} 件の対応を決める", f"decide the fate of {custom} 独自機能")
        )
    if report.error_findings:
        actions.append(
            _t(
                lang,
                f"調査票の指摘（エラー）{report.error_findings} 件を直す",
                f"fix {report.error_findings} error finding(s) in the workbook",
            )
        )
    return tuple(actions)


def summary_page(report: ScoreReport, lang: Lang = "ja") -> Summary:
    """The one-page summary (A4 一枚): the gate's verdict, key figures, the most serious open gaps, next actions."""
    verdict: str | None = None
    status: Status = "neutral"
    if report.gate is not None:
        verdict = (
            _t(lang, "ゲート: 問題なし", "Gate: passed")
            if report.gate.passed
            else _t(lang, "ゲート: エラーあり", "Gate: failed")
        )
        status = "good" if report.gate.passed else "bad"
    return Summary(
        title=_t(lang, "Fit & Gap 評価の要約", "Fit & Gap assessment at a glance"),
        verdict=verdict,
        verdict_status=status,
        kpis=_kpis(report, lang),
        top=_top_gaps(report, lang),
        actions=_actions(report, lang),
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
                gap_label(gap.decision, lang),
                gap.owner,
                gap.due.isoformat() if gap.due else None,
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
            (o.owner, o.open_actions, o.overdue, o.next_due.isoformat() if o.next_due else None) for o in report.owners
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
    index = 0 if lang == "ja" else 1
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
            (
                SEVERITY_LABELS[f.severity.value][index],
                f.code,
                f.location.sheet or "",
                f.location.cell or "",
                # The catalogue's message in the report's language (the reader's own text is English detail).
                message_of(f.code, lang, function_id=f.value or "…", label=f.location.column or "…"),
            )
            for f in report.findings
        ),
        row_styles=tuple("danger" if f.severity.value == "error" else None for f in report.findings),
    )


def _trend(report: ScoreReport, lang: Lang) -> tuple[Table, Chart] | None:
    """Open gaps and readiness of the whole assessment per 基準日 as two lines, the open gaps of each business in
    the table beside them."""
    totals = {p.as_of: p for p in report.trend if p.business_id == TOTAL}
    dates = sorted(totals)
    if len(dates) < 2:
        return None
    businesses = [b.business_id for b in report.businesses]
    by_key = {(p.as_of, p.business_id): p for p in report.trend}
    open_label = _t(lang, "未完了のギャップ（合計）", "Open gaps (total)")
    readiness_label = _t(lang, "対応完了率", "Readiness")
    table = Table(
        title=_t(lang, "未完了のギャップと対応完了率の推移", "Open gaps and readiness over time"),
        sheet=_t(lang, "推移", "Trend"),
        columns=(
            Column(header=_t(lang, "基準日", "As of"), format="date"),
            Column(header=open_label, format="integer"),
            Column(header=readiness_label, format="percent", scale="higher_is_better"),
            *(Column(header=b, format="integer") for b in businesses),
        ),
        rows=tuple(
            (
                d.isoformat(),
                totals[d].open_gaps,
                _percent(totals[d].readiness),
                *(by_key[(d, b)].open_gaps if (d, b) in by_key else None for b in businesses),
            )
            for d in dates
        ),
        note=_t(
            lang,
            "業務ID の列は業務ごとの未完了のギャップです。",
            "The columns named by a 業務ID hold that business's open gaps.",
        ),
    )
    chart = Chart(
        title=_t(lang, "未完了のギャップと対応完了率の推移", "Open gaps and readiness over time"),
        kind="line",
        categories=tuple(d.isoformat() for d in dates),
        series=(
            Series(name=open_label, values=tuple(float(totals[d].open_gaps) for d in dates), colour=TREND_COLOURS[0]),
            Series(
                name=_t(lang, "対応完了率（%）", "Readiness (%)"),
                values=tuple(round(totals[d].readiness * 100, 1) for d in dates),
                colour=TREND_COLOURS[1],
            ),
        ),
        sheet=table.sheet,
        y_title=_t(lang, "件数 / %", "count / %"),
    )
    return table, chart


def _decisions_chart(report: ScoreReport, sheet: str | None, lang: Lang) -> Chart:
    """判定 per business, stacked: one series per class present, each in its class's fixed colour."""
    series = tuple(
        Series(
            name=gap_label(key, lang),
            values=tuple(float(b.counts[key]) for b in report.businesses),
            colour=CLASS_COLOURS[key],
        )
        for key in CLASS_KEYS
        if any(b.counts[key] for b in report.businesses)
    )
    return Chart(
        title=_t(lang, "業務別の判定", "Decisions per business"),
        categories=tuple(b.business_id for b in report.businesses),
        series=series
        or (Series(name=_t(lang, "機能数", "Functions"), values=tuple(float(b.functions) for b in report.businesses)),),
        stacked=True,
        sheet=sheet,
        y_title=_t(lang, "機能数", "Functions"),
    )


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
    decision = 5  # the 判定 column: its code as the label a person reads
    tables = []
    for business in report.businesses:
        rows = [
            (*row[:decision], gap_label(str(row[decision]), lang) if row[decision] else "", *row[decision + 1 :])
            for row in rows_by_business.get(business.business_id, [])
        ]
        tables.append(
            Table(
                title=business_label(business.business_id, business.name),
                columns=tuple(
                    Column(header=_t(lang, ja, en), format="date" if en == "Due" else "text") for ja, en in headers
                ),
                rows=tuple(rows),
                row_styles=tuple("danger" if row[2] == "実装不可機能" else None for row in rows),
                page_break_before=True,  # printed, each business starts a page of its own
            )
        )
    return tables


def _facts(report: ScoreReport, lang: Lang, municipality: str | None) -> tuple[tuple[str, str], ...]:
    total = report.total
    catalog = report.catalog
    kind = _t(lang, "サンプル", "SAMPLE") if catalog.sample else _t(lang, "公式", "official")
    versions = ", ".join(f"{b} {v}" for b, v in catalog.versions.items() if v) or _t(lang, "版不明", "version unknown")
    fates = ", ".join(f"{gap_label(k, lang)} {v}" for k, v in report.custom_by_fate.items())
    facts: tuple[tuple[str, str], ...] = (
        (_t(lang, "団体", "Municipality"), municipality or "—"),
        (_t(lang, "カタログ", "Catalog"), f"{catalog_label(catalog.name)}（{kind}; {versions}）"),
        (_t(lang, "基準日", "As of"), report.as_of.isoformat()),
        (_t(lang, "適合率", "Fit rate"), f"{total.fit_rate:.1%}" if total.fit_rate is not None else "—"),
        (_t(lang, "対応完了率", "Readiness"), f"{total.readiness:.1%}"),
        (_t(lang, "未対応の要廃止機能", "Unresolved forced gaps"), str(total.forced_gaps_unresolved)),
        (_t(lang, "新たに行う業務", "New work"), str(total.new_work)),
        (_t(lang, "未完了の対応", "Open actions"), str(total.open_actions)),
        (_t(lang, "標準にない現行連携", "Links without a standard counterpart"), str(report.links_without_standard)),
        (_t(lang, "独自機能", "Custom functions"), fates or "0"),
        (_t(lang, "指摘（エラー）", "Findings (errors)"), f"{len(report.findings)} ({report.error_findings})"),
    )
    if report.gate is not None:
        verdict = (
            _t(lang, "問題なし", "passed")
            if report.gate.passed
            else _t(lang, "エラーあり: ", "failed: ") + "; ".join(report.gate.failures)
        )
        facts = (*facts, (_t(lang, "ゲート", "Gate"), verdict))
    return facts


def _legend(lang: Lang) -> Table:
    index = 0 if lang == "ja" else 1
    return Table(
        title=_t(lang, "判定と用語の意味", "Decision classes and terms"),
        sheet=_t(lang, "定義", "Definitions"),
        columns=(
            Column(header=_t(lang, "判定・用語", "Decision or term")),
            Column(header=_t(lang, "コード", "Code")),
            Column(header=_t(lang, "意味", "Meaning")),
        ),
        rows=(
            *((gap_label(g.value, lang), g.value, GAP_MEANINGS[g][index]) for g in GapClass),
            (UNDECIDED_LABEL[index], UNDECIDED, _t(lang, "判定がまだない", "No decision yet")),
            (_t(lang, "適合率", "Fit rate"), "", FIT_RATE_DEFINITION[lang]),
            (_t(lang, "対応完了率", "Readiness"), "", READINESS_DEFINITION[lang]),
        ),
    )


def report_document(
    report: ScoreReport,
    rows_by_business: dict[str, list[tuple[Cell, ...]]],
    lang: Lang = "ja",
    municipality: str | None = None,
) -> Document:
    """The whole report: the one-page summary, key figures, summary per business with its chart, gap list, owners,
    business sheets, links, findings, the trend, the definitions. Its 団体名 is the one the workbook records, else
    ``municipality`` (the project's)."""
    who = report.municipality or municipality
    summary = _summary(report, lang)
    tables = [
        summary,
        _gap_list(report, lang),
        _owners(report, lang),
        *business_tables(report, rows_by_business, lang),
        _links(report, lang),
        _findings(report, lang),
    ]
    charts = [_decisions_chart(report, summary.sheet, lang)]
    trend = _trend(report, lang)
    if trend is not None:
        tables.append(trend[0])
        charts.append(trend[1])
    tables.append(_legend(lang))
    return Document(
        title=_t(lang, "Fit & Gap 評価レポート", "Fit & Gap assessment report"),
        note=SAMPLE_NOTES["en" if lang == "en" else "ja"] if report.catalog.sample else None,
        facts=_facts(report, lang, who),
        tables=tuple(tables),
        charts=tuple(charts),
        lang=lang,
        municipality=who,
        created=scored_at(report),
        summary=summary_page(report, lang),
    )
