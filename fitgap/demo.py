"""``fitgap demo``: the whole job on synthetic data for a sample town (森町, 013455, 18 businesses).

catalog → a pre-filled sample assessment, scored → conversion of two legacy exports of the 住民 group (CP932
CSV and byte-positioned fixed width, with 和暦, half-width kana, 外字 and legacy codes, and a handful of
deliberately bad records) → 文字同定 of the 外字 (moji scan → sheet with the vendor's 外字 list → apply, the
staff's decisions simulated) → validation with Great Expectations → the cutover readiness report, with the
character status per business.
Everything is synthetic; no real person's data. The same command gives the same files (but dates of the day).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import Field

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.language import Language, say

MARKER = ".fitgap-demo"
MUNICIPALITY = "013455"
ROWS = 2000
MAPPINGS = ("mapping-csv.yaml", "mapping-fixed.yaml")  # the legacy exports converted (and reconciled)
# Businesses whose sample assessment is well advanced (the rest are half-way): a mixed picture.
ADVANCED = {"001", "002", "003", "004", "006", "013"}
EXAMPLES = Path(__file__).resolve().parent / "demo_data"
VENDOR_LIST = "gaiji-list.csv"  # the vendor's 外字 list: 外字, 住基/戸籍 code, or a reading and strokes
STAFF = "デモ担当"  # who the simulated staff decisions are recorded as


class DemoStep(FrozenModel):
    name: str
    seconds: float
    detail: str


class DemoCharacters(FrozenModel):
    """The 文字同定 step: the scan of the legacy CSV, the decision workbook, the 外字 table it became, and how that
    table compares with the hand-written one the conversion used."""

    scanned: str
    distinct: int
    sheet_rows: int
    identified_automatically: int
    decided_by_staff: int  # simulated: 候補1 for each row left undecided
    gaiji_table: str
    decisions_file: str
    gaiji_written: int
    agrees: bool  # every line of the hand-written table is in the decided one, with the same character
    only_decided: tuple[str, ...] = ()  # U+E0FF → 好: decided in the workbook, not in the hand-written table


class DemoResult(FrozenModel):
    folder: str
    steps: tuple[DemoStep, ...]
    outputs: dict[str, str] = Field(default_factory=dict)
    open_first: str
    characters: DemoCharacters | None = None


def fill_assessment(path: Path, as_of: dt.date, seed: int = 13455) -> None:
    """Answer the sample workbook as a town's staff half-way through their study would."""
    from openpyxl import load_workbook

    from fitgap.assessment.sheets import CUSTOM_COLUMNS, FUNCTION_COLUMNS, LINK_COLUMNS
    from fitgap.assessment.vocab import gap_label

    col = {f: i for i, (f, _, _) in enumerate(FUNCTION_COLUMNS, start=1)}
    rng = random.Random(seed)
    workbook = load_workbook(path)
    owners = ["住民課 田中", "税務課 佐藤", "保険年金課 鈴木", "福祉課 高橋", "情報政策係 伊藤"]
    for sheet in workbook.worksheets:
        business = sheet.title[:3]
        if not business.isdigit():
            continue
        advanced = business in ADVANCED
        for row in range(4, sheet.max_row + 1):
            kind = sheet.cell(row=row, column=col["function_class"]).value
            if kind is None:
                continue
            gap: str | None
            if kind == "実装不可機能":
                use, gap = ("使用中", "GAP_PROHIBITED") if rng.random() < 0.5 else ("未使用", "OUT_OF_SCOPE")
            elif kind == "標準オプション機能":
                use = rng.choice(["使用中", "未使用"])
                gap = (
                    rng.choice(["FIT", "FIT_WITH_CONFIG", "GAP_OPTION_NOT_ADOPTED"])
                    if advanced or rng.random() < 0.6
                    else None
                )
            else:
                use = "使用中" if rng.random() < 0.9 else "未使用"
                gap = rng.choice(["FIT", "FIT", "FIT", "FIT_WITH_CONFIG", "GAP_OPERATION", "GAP_BPR"])
                if not advanced and rng.random() < 0.15:
                    gap = None
            done = advanced or rng.random() < 0.4
            status = "完了" if done else rng.choice(["未着手", "対応中"])
            due = as_of + dt.timedelta(days=rng.choice([-20, 45, 120, 200]))
            values = {
                "current_use": use,
                "gap_class": gap_label(gap) if gap else None,  # staff pick the Japanese label from the drop-down
                "status": status if gap else None,
                "owner": rng.choice(owners) if gap else None,
                "due": due if gap and not done else None,
                "practice": "現行パッケージの標準機能で運用" if gap in ("FIT", "FIT_WITH_CONFIG") else None,
            }
            for field, value in values.items():
                sheet.cell(row=row, column=col[field], value=value)
    custom = workbook["独自機能"]
    ccol = {f: i for i, (f, _, _) in enumerate(CUSTOM_COLUMNS, start=1)}
    for r, (name, business, fate, status) in enumerate(
        [
            ("転入者向け町内施設案内の印刷", "001", "廃止", "完了"),
            ("高齢者見守り名簿の抽出", "001", "独自施策システムへ移行", "対応中"),
            ("国保税の独自減免シミュレーション", "024", "EUCで対応", "未着手"),
        ],
        start=4,
    ):
        for field, value in (
            ("name", name),
            ("business_id", business),
            ("fate", fate),
            ("status", status),
            ("owner", "情報政策係 伊藤"),
            ("due", as_of + dt.timedelta(days=90)),
        ):
            custom.cell(row=r, column=ccol[field], value=value)
    links = workbook["業務連携"]
    lcol = {f: i for i, (f, _, _) in enumerate(LINK_COLUMNS, start=1)}
    for r, (provider, consumer, data, method) in enumerate(
        [
            ("001", "010", "住民異動", "API"),
            ("001", "024", "住民異動", "ファイル"),
            ("010", "024", "所得", "ファイル"),
            ("001", "福祉総合システム", "住民異動", "手作業"),
        ],
        start=4,
    ):
        for field, value in (("provider", provider), ("consumer", consumer), ("data", data), ("method", method)):
            links.cell(row=r, column=lcol[field], value=value)
    workbook.save(path)


def fill_decisions(workbook: Path, filled: Path, decider: str, day: dt.date) -> int:
    """Decide every row of a 文字同定 workbook left undecided as a staff member would, simulated: 候補1, with
    判断者 and 判断日; the rows identified automatically stay as they are. Saved as ``filled``; returns the rows
    decided."""
    from openpyxl import load_workbook

    from fitgap.moji import sheet as layout

    book = load_workbook(workbook)
    sheet = book[layout.SHEET]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in (layout.DECISION, layout.DECIDER, layout.DECIDED_ON)}
    first = header.index(layout.candidate_headers(1)[0]) + 1
    decided = 0
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=col[layout.DECISION]).value or not sheet.cell(row=row, column=first).value:
            continue
        sheet.cell(row=row, column=col[layout.DECISION], value="候補1")
        sheet.cell(row=row, column=col[layout.DECIDER], value=decider)
        sheet.cell(row=row, column=col[layout.DECIDED_ON], value=day)
        decided += 1
    book.save(filled)
    return decided


def identify_characters(mappings: Path, folder: Path, day: dt.date) -> DemoCharacters:
    """文字同定 of the legacy CSV's 外字: ``moji scan`` → ``moji sheet`` with the vendor's 外字 list → the
    staff's decisions (simulated) → ``moji apply``, and the 外字 table it gives against the hand-written one.

    The legacy file is scanned, not the converted tables: the conversion has already replaced each 外字 its
    table maps (and quarantined the others), so only the legacy export still holds them."""
    from converters.mapping import read_gaiji_table
    from fitgap.moji import apply_sheet, identify_vendor_list, read_vendor_list, scan_file, write_sheet

    folder.mkdir(parents=True, exist_ok=True)
    vendor_list = folder / VENDOR_LIST
    shutil.copy(EXAMPLES / VENDOR_LIST, vendor_list)
    scan = scan_file(mappings / "residents.csv", encoding="cp932")
    vendor = identify_vendor_list(read_vendor_list(vendor_list))
    written = write_sheet(scan, folder / "文字同定.xlsx", vendor=vendor, vendor_list=vendor_list)
    filled = folder / "文字同定-記入済.xlsx"
    by_staff = fill_decisions(Path(written.file), filled, STAFF, day)
    applied = apply_sheet(filled, folder / "gaiji.csv")
    decided = read_gaiji_table(Path(applied.gaiji_table), applied.gaiji_table)
    hand = read_gaiji_table(mappings / "gaiji.csv", "gaiji.csv")
    return DemoCharacters(
        scanned=scan.source,
        distinct=scan.distinct,
        sheet_rows=written.rows,
        identified_automatically=written.prefilled,
        decided_by_staff=by_staff,
        gaiji_table=applied.gaiji_table,
        decisions_file=applied.decisions_file,
        gaiji_written=applied.written,
        agrees=applied.ok and all(decided.get(pua) == char for pua, char in hand.items()),
        only_decided=tuple(f"U+{ord(pua):04X} → {char}" for pua, char in sorted(decided.items()) if pua not in hand),
    )


def _prepare(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise FitgapError(
                say(
                    "フォルダがすでにあり、以前のデモのものではありません",
                    "the folder exists and is not an earlier demo",
                ),
                where=folder,
                hint=say("-o には新しいフォルダか空のフォルダを指定してください", "give -o a new or empty folder"),
            )
        shutil.rmtree(folder)  # an earlier demo: start again from nothing


def run_demo(folder: Path, tell: Callable[[str], None] = lambda _: None, lang: Language = "ja") -> DemoResult:
    """The whole job in ``folder``; ``tell`` hears one line per step (in the run's language), the reports and the
    project are in ``lang``."""
    from converters import export, load_mapping
    from fitgap import pipeline
    from fitgap.assessment import score_workbook, write_report
    from fitgap.assessment.history import load_snapshot
    from fitgap.assessment.template import write_template
    from fitgap.profile import build_profile
    from fitgap.project import create_project
    from fitgap.readiness import latest_snapshot
    from fitgap.sample import generate
    from spec_catalog import load_embedded

    steps: list[DemoStep] = []
    clock = time.perf_counter()

    def step(name: str, detail: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps.append(DemoStep(name=name, seconds=round(now - clock, 2), detail=detail))
        clock = now
        tell(f"{name}: {detail}")

    _prepare(folder)
    catalog = load_embedded()
    profile = build_profile(MUNICIPALITY, catalog)
    project = create_project(folder, profile, language=lang)
    marker = say(
        "fitgap demo が作りました。消して作り直せます", "made by fitgap demo; it may be deleted and made again"
    )
    (folder / MARKER).write_text(marker + "\n", encoding="utf-8")
    step(
        say("カタログ", "Catalog"),
        say(
            f"サンプルのカタログに {len(catalog.businesses)} 業務、{profile.label} の対象は "
            f"{len(profile.businesses)} 業務（生活保護と児童扶養手当は北海道が行う）",
            f"the sample catalog holds {len(catalog.businesses)} businesses; {len(profile.businesses)} are in the "
            f"scope of {profile.label} (北海道 runs 生活保護 and 児童扶養手当)",
        ),
    )

    today = dt.date.today()
    workbook = folder / "assessments" / "assessment.xlsx"
    write_template(workbook, catalog, [catalog.business(b) for b in profile.businesses], profile, lang)
    fill_assessment(workbook, today)
    reports = project.output
    scored, filled = score_workbook(workbook, catalog, today, history=project.history)
    write_report(scored, filled, reports / "assessment.xlsx", reports / "assessment.html", lang)
    total = scored.total
    step(
        "Fit & Gap",
        say(
            f"{total.functions} 機能を採点: 適合率 {total.fit_rate:.1%}、対応完了率 {total.readiness:.1%}、"
            f"未対応の要廃止機能 {total.forced_gaps_unresolved} 件",
            f"{total.functions} functions scored: fit rate {total.fit_rate:.1%}, readiness {total.readiness:.1%}, "
            f"unresolved forced gaps {total.forced_gaps_unresolved}",
        ),
    )

    mappings = folder / "mappings"
    for name in ("mapping-csv.yaml", "mapping-fixed.yaml", "gaiji.csv", "codes-zokugara.csv"):
        shutil.copy(EXAMPLES / name, mappings / name)
    generate(mappings / "residents.csv", ROWS, "csv")
    generate(mappings / "residents.txt", ROWS, "fixed", seed=7, start=100001)
    db = project.database
    runs = []
    for name in MAPPINGS:
        runs.append(pipeline.convert(load_mapping(mappings / name, catalog), db))
    exported = export(db, folder / "exports")
    read = sum(r.rows_read for r in runs)
    quarantined = sum(r.rows_quarantined for r in runs)
    step(
        say("データ変換", "Conversion"),
        say(
            f"旧データ {read} 件（CP932 の CSV と固定長）→ 登録 {read - quarantined} 件、移行エラー {quarantined} 件"
            f"（理由つき）、{len(exported.files)} ファイルを出力",
            f"legacy data {read} rows (CP932 CSV and fixed width) → loaded {read - quarantined}, quarantined "
            f"{quarantined} (each with its reason); {len(exported.files)} file(s) exported",
        ),
    )

    moji = identify_characters(mappings, folder / "moji", today)
    extra = (
        say(
            f"。外字表のほかに決定（上で移行エラー）: {'、'.join(moji.only_decided)}",
            f"; decided beyond the 外字 table (quarantined above): {', '.join(moji.only_decided)}",
        )
        if moji.only_decided
        else ""
    )
    step(
        say("文字同定", "Character identification (文字同定)"),
        say(
            f"residents.csv の moji scan: 異なり {moji.distinct} 字 → ベンダーの外字一覧を添えた moji sheet: "
            f"決定する文字 {moji.sheet_rows}、自動同定 {moji.identified_automatically} → 職員の決定 "
            f"{moji.decided_by_staff}（模擬: 候補1、判断者 {STAFF}）→ moji apply: moji/gaiji.csv に外字 "
            f"{moji.gaiji_written} 字、手書きの外字表と{'一致' if moji.agrees else '不一致'}{extra}",
            f"moji scan of residents.csv: {moji.distinct} distinct characters → moji sheet with the vendor's 外字 "
            f"list: {moji.sheet_rows} characters to decide, {moji.identified_automatically} identified "
            f"automatically → staff decisions {moji.decided_by_staff} (simulated: 候補1, by {STAFF}) → moji apply: "
            f"{moji.gaiji_written} 外字 in moji/gaiji.csv, "
            f"{'the same as' if moji.agrees else 'not the same as'} the hand-written 外字 table{extra}",
        ),
    )

    # The staff's decisions are the characters validation allows beside the standard's set (those kept as they are)
    checked = pipeline.validate_database(db, catalog, allowed_characters=Path(moji.decisions_file))
    pipeline.write_validation_reports(
        checked,
        junit=reports / "validation-junit.xml",
        json_file=reports / "validation.json",
        xlsx=reports / "validation.xlsx",
        html=reports / "validation.html",
        lang=lang,
    )
    step(
        say("データ検証", "Validation"),
        say(
            f"Great Expectations で {checked.rules_run} ルール: エラー {checked.errors_failed} 件、"
            f"警告 {checked.warnings_failed} 件",
            f"{checked.rules_run} rules with Great Expectations: {checked.errors_failed} errors, "
            f"{checked.warnings_failed} warnings",
        ),
    )

    # 現新比較: each published run against its legacy file, value by value; readiness reads the records.
    tolerances = project.settings.reconcile.tolerances
    compared = [
        pipeline.reconcile(load_mapping(mappings / name, catalog), db, tolerances=tolerances) for name in MAPPINGS
    ]
    for result in compared:
        pipeline.write_reconcile_reports(
            result,
            junit=reports / f"reconcile-{result.mapping}-junit.xml",
            xlsx=reports / f"reconcile-{result.mapping}.xlsx",
            html=reports / f"reconcile-{result.mapping}.html",
            municipality=profile.label,
        )
    compared_rows = sum(r.compared_rows for r in compared)
    unexplained = sum(r.unexplained for r in compared)
    explained = sum(sum(r.explained_by.values()) for r in compared)
    totals = sum(len(r.totals) for r in compared)
    step(
        say("現新比較", "Reconciliation"),
        say(
            f"{len(compared)} 回の変換を旧データと比較: {compared_rows} 行を値ごとに突合、説明のない差異 "
            f"{unexplained} 件、説明のある差異 {explained} 件（移行エラーの行）、管理合計 {totals} 項目",
            f"{len(compared)} conversion runs compared with the legacy data: {compared_rows} rows matched value by "
            f"value, {unexplained} unexplained differences, {explained} explained (the quarantined rows), "
            f"{totals} control totals",
        ),
    )

    snapshot = latest_snapshot(project.history)  # the one kept by the scoring above: the report names it
    readiness = pipeline.readiness(
        db,
        catalog,
        municipality=profile.label,
        businesses=profile.businesses,
        thresholds=project.settings.thresholds,
        assessment=load_snapshot(snapshot) if snapshot is not None else scored,
        assessment_file=snapshot,
        validation=checked,
        gaiji_table=Path(moji.gaiji_table),
    )
    pipeline.write_readiness_reports(
        readiness,
        lang=lang,
        xlsx=reports / "readiness.xlsx",
        html=reports / "readiness.html",
        json_file=reports / "readiness.json",
    )
    status = "; ".join(
        f"{b.business_id} {b.characters.status_text(lang)}" for b in readiness.businesses if b.characters is not None
    )
    step(
        say("移行判定", "Cutover readiness"),
        say(
            f"GO {readiness.go}、NO-GO {readiness.no_go}（基準は fitgap.yaml）; 文字同定: {status or '—'}",
            f"GO {readiness.go}, NO-GO {readiness.no_go} (thresholds in fitgap.yaml); characters: {status or '—'}",
        ),
    )

    outputs = {
        say("移行準備状況レポート", "Cutover readiness report"): str(reports / "readiness.html"),
        say("移行準備状況（Excel）", "Cutover readiness (Excel)"): str(reports / "readiness.xlsx"),
        say("Fit & Gap 評価レポート", "Fit & Gap assessment report"): str(reports / "assessment.html"),
        say("Fit & Gap 調査票（記入済）", "Fit & Gap assessment workbook (filled)"): str(workbook),
        say("データ検証レポート", "Validation report"): str(reports / "validation.html"),
        say("データ検証 JUnit XML", "Validation JUnit XML"): str(reports / "validation-junit.xml"),
        say("現新比較レポート", "Reconciliation reports"): str(reports / "reconcile-*.html"),
        say("文字同定シート（記入済、模擬）", "文字同定 sheet (filled, simulated)"): str(
            folder / "moji" / "文字同定-記入済.xlsx"
        ),
        say("決定からできた外字表", "外字 table made from the decisions"): moji.gaiji_table,
        say("変換データベース", "Conversion database"): str(db),
        say("出力ファイル", "Exported files"): str(folder / "exports"),
        say("マッピングと旧データ", "Mappings and legacy data"): str(mappings),
    }
    return DemoResult(
        folder=str(folder),
        steps=tuple(steps),
        outputs=outputs,
        open_first=str(reports / "readiness.html"),
        characters=moji,
    )
