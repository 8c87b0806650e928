"""Terminal summaries of results that are more than one table, in Japanese or English (``lang``; the words are
those of docs/glossary.md). Every line is masked by value like the tables (:mod:`reports.masking`): a finding, a
note or a rule text can quote what a person typed or a legacy file held."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from fitgap.assessment.scoring import TOTAL, ScoreReport
from reports.masking import mask_text
from reports.tables import Column, Table, columns
from reports.terminal import print_table
from spec_catalog.codes import message_of
from spec_catalog.findings import Finding
from spec_catalog.language import say

if TYPE_CHECKING:  # annotations only: 'assess score' need not import the converters (numpy) and validation
    from converters import RunResult
    from fitgap.readiness import ReadinessReport
    from fitgap.reconcile.models import Reconciliation
    from validation import RuleResult, ValidationReport


def _t(lang: str, ja: str, en: str) -> str:
    return en if lang == "en" else ja


def _headers(lang: str, *pairs: tuple[str, str]) -> tuple[Column, ...]:
    """Column headers from (Japanese, English) pairs."""
    return columns(*(_t(lang, ja, en) for ja, en in pairs))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _say(
    console: Console, text: str, *, unmask: bool = False, markup: bool | None = None, highlight: bool | None = None
) -> None:
    console.print(mask_text(text, unmask=unmask), markup=markup, highlight=highlight)


def _wrote(console: Console, outputs: list[Path], lang: str) -> None:
    for path in outputs:
        _say(console, _t(lang, f"出力: {path}", f"Wrote {path}"), markup=False)


def _severity(severity: str, lang: str) -> str:
    return {
        "error": _t(lang, "エラー", "error"),
        "warning": _t(lang, "警告", "warning"),
        "info": _t(lang, "注記", "info"),
    }.get(severity, severity)


def code_message(code: str, lang: str, **values: object) -> str:
    """The catalogue's message of ``code`` in ``lang`` (:func:`spec_catalog.codes.message_of`)."""
    return message_of(code, lang, **values)


def finding_message(finding: Finding, lang: str) -> str:
    """A finding's catalogue message in ``lang`` (a finding keeps its value, which names the 機能ID where the
    message has one)."""
    return code_message(finding.code, lang, function_id=finding.value or "…")


def print_score(console: Console, report: ScoreReport, outputs: list[Path], lang: str = "ja") -> None:
    if report.catalog.sample:
        console.print(
            _t(
                lang,
                "[yellow]サンプルのカタログ（公式の機能一覧ではありません）で評価しました。[/yellow]",
                "[yellow]Scored against the SAMPLE catalog (not the official function lists).[/yellow]",
            )
        )
    rows = tuple(
        (
            "" if b.business_id == TOTAL else b.business_id,
            _t(lang, "合計", "Total") if b.business_id == TOTAL else b.name,
            b.functions,
            b.decided,
            _pct(b.fit_rate),
            b.new_work,
            b.forced_gaps_unresolved,
            b.open_actions,
            b.overdue,
            _pct(b.readiness),
        )
        for b in (*report.businesses, report.total)
    )
    print_table(
        console,
        Table(
            title=_t(
                lang,
                f"Fit & Gap — {report.file}（基準日 {report.as_of}）",
                f"Fit & Gap — {report.file} (as of {report.as_of})",
            ),
            columns=_headers(
                lang,
                ("業務ID", "Business"),
                ("業務名", "Name"),
                ("機能数", "Functions"),
                ("判定済", "Decided"),
                ("適合率", "Fit rate"),
                ("新たに行う業務", "New work"),
                ("未対応の要廃止機能", "Unresolved forced gaps"),
                ("未完了の対応", "Open actions"),
                ("期限超過", "Overdue"),
                ("対応完了率", "Readiness"),
            ),
            rows=rows,
        ),
    )
    errors, links = report.error_findings, report.links_without_standard
    _say(
        console,
        _t(
            lang,
            f"指摘: {len(report.findings)} 件（うちエラー {errors} 件）。標準に対応のない業務連携: {links} 件。",
            f"Findings: {len(report.findings)} ({errors} errors). Links without a standard counterpart: {links}.",
        ),
    )
    by_code = Counter((f.severity.value, f.code) for f in report.findings)
    for (severity, code), count in sorted(by_code.items()):
        example = next(f for f in report.findings if f.code == code)
        _say(
            console,
            f"  {_severity(severity, lang)} {code} ×{count} "
            + _t(lang, "（例: ", "(e.g. ")
            + f"{example.location}: {finding_message(example, lang)}"
            + _t(lang, "）", ")"),
            highlight=False,
            markup=False,
        )
    if report.findings:
        console.print(
            _t(
                lang,
                "  すべての指摘はシート・セルとともにレポート（と --json）にあります。",
                "  Every finding with its sheet and cell is in the report (and in --json).",
            )
        )
    if report.gate is not None:
        verdict = (
            _t(lang, "[green]問題なし[/green]", "[green]passed[/green]")
            if report.gate.passed
            else _t(lang, "[red]エラーあり[/red]: ", "[red]failed[/red]: ") + "; ".join(report.gate.failures)
        )
        _say(console, _t(lang, f"ゲート: {verdict}", f"Gate: {verdict}"))
    _wrote(console, outputs, lang)


# A conversion run's status (spec_catalog.database.RunStatus) as a person reads it.
_RUN_STATUS = {
    "running": ("実行中", "running"),
    "succeeded": ("成功・公開済み", "succeeded"),
    "rejected": ("却下・未公開", "rejected"),
    "failed": ("失敗", "failed"),
    "interrupted": ("中断", "interrupted"),
    "dry-run": ("試行（記録なし）", "dry run"),
}


def run_status_label(status: str) -> str:
    """A run's status as a person reads it, in the run's language (the code stays in --json)."""
    ja, en = _RUN_STATUS.get(status, (status, status))
    return say(ja, en)


def _run_status(status: str, lang: str) -> str:
    ja, en = _RUN_STATUS.get(status, (status, status))
    return _t(lang, ja, en)


def print_run(
    console: Console,
    result: RunResult,
    db: Path | None,
    *,
    unmask: bool = False,
    lang: str = "ja",
    mapping_path: Path | None = None,
) -> None:
    """The run's counts, reasons, unmapped codes and preview; ``unmask`` as given to the run; ``mapping_path``
    the mapping file as given to the run (the closing line names the command that lists its quarantine)."""
    print_table(
        console,
        Table(
            title=_t(
                lang,
                f"{result.mapping} → {result.target_table}（{_run_status(result.status, lang)}、実行 {result.run_id}）",
                f"{result.mapping} → {result.target_table} ({result.status}, run {result.run_id})",
            ),
            columns=_headers(
                lang, ("読込", "read"), ("登録", "loaded"), ("移行エラー", "quarantined"), ("秒", "seconds")
            ),
            rows=((result.rows_read, result.rows_loaded, result.rows_quarantined, result.timings.get("total")),),
        ),
    )
    if result.reconciled:
        verdict = _t(lang, "[green]一致[/green]", "[green]reconciled[/green]")
    else:
        verdict = _t(lang, "[red]不一致[/red]", "[red]NOT reconciled[/red]")
    _say(console, _t(lang, f"件数 読込 = 登録 + 移行エラー: {verdict}", f"rows read = loaded + quarantined: {verdict}"))
    if result.quarantine_by_reason:
        print_table(
            console,
            Table(
                title=_t(lang, "移行エラーの理由別件数", "Quarantine by reason"),
                columns=_headers(lang, ("コード", "reason"), ("理由", "message"), ("行数", "rows")),
                rows=tuple((code, code_message(code, lang), n) for code, n in result.quarantine_by_reason.items()),
            ),
        )
    for unmapped in result.unmapped:
        _say(
            console,
            _t(
                lang,
                f"コード表にない旧コード {unmapped.item}={unmapped.value!r}: {unmapped.count} 行",
                f"unmapped code {unmapped.item}={unmapped.value!r}: {unmapped.count} rows",
            ),
            unmask=unmask,
            markup=False,
        )
    if result.dates_kept_as_text:
        kinds = {
            "DATE_UNKNOWN": _t(lang, "不詳", "unknown (不詳)"),
            "ERA_DATE_NOT_CALENDAR": _t(lang, "暦にない日付", "not a calendar day"),
        }
        counts = [(kinds.get(k, k), n) for k, n in result.dates_kept_by_reason.items() if n]
        _say(
            console,
            _t(
                lang,
                "不詳表記の項目に文字のまま移した日付: " + "、".join(f"{kind} {n} 件" for kind, n in counts),
                "dates kept as text in their 不詳表記 item: " + ", ".join(f"{kind} {n}" for kind, n in counts),
            ),
            markup=False,
        )
    _print_origins(console, result, lang)
    if result.preview:
        # One row per item and one column per previewed source line: wide layouts stay readable.
        shown = result.preview[:5]
        items = [k for k in shown[0] if k != "_line"]
        title = (
            _t(lang, "プレビュー", "Preview") if unmask else _t(lang, "プレビュー（マスク済み）", "Preview (masked)")
        )
        lines = [_t(lang, f"{row['_line']} 行目", f"line {row['_line']}") for row in shown]
        print_table(
            console,
            Table(
                title=title,
                columns=columns(_t(lang, "項目", "item"), *lines),
                rows=tuple((item, *(row[item] for row in shown)) for item in items),
            ),
            unmask=unmask,
        )
    if db is not None:
        mapping = mapping_path or result.mapping
        line = _t(
            lang,
            f"移行エラーの内容: fitgap convert quarantine {mapping} --db {db}（--xlsx で補正依頼ブック）",
            f"Quarantined rows: fitgap convert quarantine {mapping} --db {db} (--xlsx for the cleansing-request "
            "workbook)",
        )
        # A command to copy: never folded at the terminal's width.
        console.print(mask_text(line), markup=False, soft_wrap=True)


_ORIGIN_LABELS = {
    "derived": ("複数列から導出", "derived from several columns"),
    "constant": ("定数", "constant"),
    "companion": ("日付項目の不詳の文字", "the 不詳 text of a date item"),
    "omitted": ("マッピングなし（空）", "not mapped (empty)"),
}


def _print_origins(console: Console, result: RunResult, lang: str) -> None:
    """The items the legacy data did not hold, one per line (recorded in the run record too)."""
    others = [o for o in result.origins if o.origin != "source"]
    if not others:
        return
    rows = tuple(
        (
            f"{o.name}（{o.item}）",
            _t(lang, "必須", "required") if o.required else "",
            _t(lang, *_ORIGIN_LABELS[o.origin]),
            " + ".join(o.columns) if o.columns else (o.value if o.value is not None else ""),
        )
        for o in others
    )
    print_table(
        console,
        Table(
            title=_t(lang, "元データの1列から作らない項目", "Items not made from one source column"),
            columns=_headers(
                lang, ("項目", "item"), ("必須", "required"), ("作り方", "made by"), ("列・値", "columns / value")
            ),
            rows=rows,
        ),
    )
    missing = [o for o in others if o.required and o.origin == "omitted"]
    if missing:
        _say(
            console,
            _t(
                lang,
                f"[red]必須項目 {len(missing)} 件がマッピングにありません: 全行が移行エラーになります。[/red] "
                "元データにない項目は定数（value:）か複数列からの導出（from: [列1, 列2]）で作ってください"
                "（docs/conversion.md）。",
                f"[red]{len(missing)} required item(s) not in the mapping: every row will be quarantined.[/red] Make "
                "an item the legacy data lacks with a constant (value:) or from several columns (from: [col1, col2]) "
                "(docs/conversion.md).",
            ),
        )


def _failed_first(rule: RuleResult) -> tuple[int, int]:
    """Errors before warnings, the most failing rows first (as the validation report lists them)."""
    return (0 if rule.counts_as_error else 1), -(rule.unexpected_count or 0)


def print_validation(
    console: Console, report: ValidationReport, outputs: list[Path], *, unmask: bool = False, lang: str = "ja"
) -> None:
    """The tables' results, every failed rule (errors first) and run record, the verdict; ``unmask`` as given to
    the run."""
    if report.catalog_sample:
        console.print(
            _t(
                lang,
                "[yellow]サンプルのカタログから生成したスイートです。[/yellow]",
                "[yellow]Suites generated from the SAMPLE catalog.[/yellow]",
            )
        )
    rows = []
    for t in report.tables:
        rows.append((t.table, t.rows, len(t.rules), t.rule_errors, t.warnings, t.run_errors, len(t.manual_checks)))
    print_table(
        console,
        Table(
            title=_t(
                lang,
                f"検証: {report.database}（{report.seconds} 秒）",
                f"Validation of {report.database} ({report.seconds} s)",
            ),
            columns=_headers(
                lang,
                ("テーブル", "table"),
                ("行数", "rows"),
                ("ルール", "rules"),
                ("エラー", "errors"),
                ("警告", "warnings"),
                ("変換記録の不備", "run records"),
                ("手動確認", "manual"),
            ),
            rows=tuple(rows),
        ),
    )
    failed = sorted(
        ((t, r) for t in report.tables for r in t.rules if r.counts_as_error or r.counts_as_warning),
        key=lambda pair: _failed_first(pair[1]),
    )
    for _, r in failed:
        count = "—" if r.unexpected_count is None else r.unexpected_count  # None: the rule could not run
        _say(
            console,
            f"  {_severity(r.severity, lang)} {r.code or ''} {r.rule_id}: "
            + _t(lang, f"{count} 行", f"{count} rows")
            + f" — {r.text(lang)}"
            + (f" ({r.note})" if r.note else ""),
            unmask=unmask,
            markup=False,
            highlight=False,
        )
    for t in report.tables:
        for c in t.run_checks:
            if c.counts_as_error:
                message = c.message if lang != "en" or c.code is None else code_message(c.code, lang)
                _say(
                    console,
                    _t(lang, f"  エラー 変換記録 {c.mapping}", f"  error run {c.mapping}") + f": {c.code} — {message}",
                    markup=False,
                )
    errors, warnings = report.errors_failed, report.warnings_failed
    if lang == "en":
        verdict = "[green]PASSED[/green]" if report.passed else "[red]FAILED[/red]"
        _say(console, f"{verdict}: {errors} errors, {warnings} warnings.")
    else:
        verdict = "[green]問題なし[/green]" if report.passed else "[red]エラーあり[/red]"
        _say(console, f"検証: {verdict}（エラー {errors} 件、警告 {warnings} 件）")
    _wrote(console, outputs, lang)


# A part of readiness (fitgap.readiness.Part) as a person reads it.
_PARTS = {"done": ("済", "done"), "missing": ("未実施", "missing"), "n/a": ("対象外", "n/a")}


def _part(part: str, lang: str) -> str:
    ja, en = _PARTS.get(part, (part, part))
    return _t(lang, ja, en)


def print_readiness(console: Console, report: ReadinessReport, outputs: list[Path], lang: str = "ja") -> None:
    rows = tuple(
        (
            b.business_id,
            b.name,
            b.verdict,
            _pct(b.assessment_readiness),
            _part(b.conversion, lang),
            _part(b.validation, lang),
            b.characters.status_text(lang) if b.characters else "—",
            b.comparison.status_text(lang)
            if b.comparison
            else _t(lang, "未実施", "not yet")
            if b.conversion == "done"
            else "—",
            "; ".join(r.text(lang) for r in b.reasons) or "—",
        )
        for b in report.businesses
    )
    print_table(
        console,
        Table(
            title=_t(lang, f"移行判定 — {report.municipality}", f"Cutover readiness — {report.municipality}"),
            columns=_headers(
                lang,
                ("業務ID", "Business"),
                ("業務名", "Name"),
                ("判定", "Verdict"),
                ("対応完了率", "Readiness"),
                ("変換", "Conversion"),
                ("検証", "Validation"),
                ("文字同定", "Characters"),
                ("現新比較", "Reconciliation"),
                ("理由", "Reasons"),
            ),
            rows=rows,
        ),
    )
    for b in report.businesses:
        if b.characters is not None and b.characters.unidentified:
            c = b.characters
            _say(
                console,
                _t(
                    lang,
                    f"注意 {b.business_id}: 文字同定 {c.status_text(lang)}（判断待ちの外字 {c.gaiji_undecided}、"
                    f"MJにない文字 {c.not_in_mj}）— fitgap moji sheet / fitgap moji apply で同定してください",
                    f"Warning {b.business_id}: characters {c.status_text(lang)} (外字 undecided {c.gaiji_undecided}, "
                    f"not in MJ {c.not_in_mj}) — fitgap moji sheet / fitgap moji apply",
                ),
                markup=False,
            )
    _say(
        console,
        _t(
            lang,
            f"GO（移行可）{report.go} 業務、NO-GO（移行不可）{report.no_go} 業務",
            f"GO: {report.go}, NO-GO: {report.no_go}",
        ),
    )
    _wrote(console, outputs, lang)


# What explains a difference (fitgap.reconcile.models.Explanation), in the glossary's words.
_EXPLANATIONS = {
    "correction": ("データ補正", "a correction"),
    "shrink": ("縮退（MJ縮退マップ）", "a 縮退 (MJ縮退マップ)"),
    "quarantine": ("移行エラーの記録", "the run's quarantine"),
}


def print_reconciliation(console: Console, result: Reconciliation, outputs: list[Path], lang: str = "ja") -> None:
    """The items with differences, the unexplained differences (the first 20, masked), the verdict."""
    from fitgap.reconcile.report import KINDS

    _say(
        console,
        _t(
            lang,
            f"現新比較 {result.mapping}（実行 {result.run_id}）: 旧データ {result.source_rows:,} 行、新データ "
            f"{result.target_rows:,} 行、突き合わせ {result.compared_rows:,} 行、全項目一致 {result.agreed_rows:,} 行",
            f"Reconciliation of {result.mapping} (run {result.run_id}): legacy {result.source_rows:,} rows, new "
            f"{result.target_rows:,} rows, matched by key {result.compared_rows:,}, equal in every item "
            f"{result.agreed_rows:,}",
        ),
        markup=False,
    )
    rows = tuple(
        (i.item, i.name, i.compared, i.explained, i.unexplained) for i in result.items if i.explained or i.unexplained
    )
    if rows:
        print_table(
            console,
            Table(
                title=_t(lang, "差異のある項目", "Items with differences"),
                columns=_headers(
                    lang,
                    ("項目", "item"),
                    ("項目名", "name"),
                    ("比較", "compared"),
                    ("説明あり", "explained"),
                    ("説明なし", "unexplained"),
                ),
                rows=rows,
            ),
        )
    unexplained = [d for d in result.differences if d.explanation is None]
    for d in unexplained[:20]:
        if lang == "en":
            where = f"line {d.line}" if d.line is not None else "new data only"
            values = f" {d.item}: {d.legacy} → expected {d.expected} / new {d.actual}" if d.item else ""
            _say(console, f"  {d.code.value} {where} key {d.key}{values}", markup=False)
        else:
            where = f"{d.line} 行目" if d.line is not None else "新データのみ"
            values = f" {d.item}: {d.legacy} → 期待 {d.expected} / 新 {d.actual}" if d.item else ""
            _say(console, f"  {d.code.value} {KINDS.get(d.code.value, '')} {where} キー {d.key}{values}", markup=False)
    if len(unexplained) > 20:
        more = len(unexplained) - 20
        _say(
            console,
            _t(
                lang,
                f"  … ほか {more:,} 件（--xlsx / --json-file に全件）",
                f"  … {more:,} more (every one in --xlsx / --json-file)",
            ),
            markup=False,
        )
    for t in result.totals:
        if not t.within:
            _say(
                console,
                f"  RECONCILE_TOTAL_DIFFERS {t.total}: {t.source} → {t.target}"
                + _t(lang, f"（許容差 {t.tolerance or '0'}）", f" (tolerance {t.tolerance or '0'})"),
                markup=False,
            )
    for explanation, count in result.explained_by.items():
        label = _t(lang, *_EXPLANATIONS.get(explanation, (explanation, explanation)))
        _say(
            console,
            _t(lang, f"  説明あり（{label}）: {count:,} 件", f"  explained by {label}: {count:,}"),
            markup=False,
        )
    seconds = result.timings.get("total", "")
    if result.ok:
        verdict = _t(lang, "[green]一致[/green]", "[green]matched[/green]")
    else:
        verdict = _t(
            lang,
            f"[red]不一致[/red]: 説明のない差異 {result.unexplained:,} 件",
            f"[red]differs[/red]: {result.unexplained:,} unexplained difference(s)",
        )
    _say(console, verdict + _t(lang, f"（{seconds} 秒）", f" ({seconds} s)"))
    _wrote(console, outputs, lang)
