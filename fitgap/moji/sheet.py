"""``moji sheet``: the decision workbook (文字同定シート) staff fill in, one row per character that needs a decision.

A character needs one when it is outside JIS X 0213: private use (外字), not in MJ, or an MJ character beyond
JIS X 0213. What resolves automatically (a vendor's code, the MJ character itself, the 外字 table in use) is
pre-filled as 自動同定; the rest shows up to five ranked candidates. ``moji apply`` reads the returned workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fitgap.moji.identify import CANDIDATES, CandidateInfo, Identification, identify
from fitgap.moji.scan import CharCount, ScanResult
from reports.clock import local_time
from reports.excel import FONT_NAME, HEADER_FILL, display_width, print_setup, put
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import exists_already
from spec_catalog.language import say
from spec_catalog.mj import ATTRIBUTION

SHEET = "文字一覧"
GUIDE = "説明"
TITLE = "文字同定シート"
GLYPH_FONT = "IPAmj明朝"  # the font that draws every MJ character (a name only: the workbook embeds no font)
AUTOMATIC = "自動同定"
CHOOSE_MJ = "MJ番号を指定"
KEEP = "そのまま"
INVESTIGATE = "要調査"
CHOICES = (AUTOMATIC, *(f"候補{n}" for n in range(1, CANDIDATES + 1)), CHOOSE_MJ, KEEP, INVESTIGATE)

# Headers of the decision sheet: ``moji apply`` finds its columns by them.
NUMBER, CHAR, CODE_POINTS, CLASS, COUNT, ITEMS, SAMPLES, AUTO, GAIJI = (
    "No",
    "文字",
    "コードポイント",
    "分類",
    "出現数",
    "出現箇所",
    "例（キー・マスク済）",
    "自動同定",
    "現在の外字表",
)
DECISION, DECIDED_MJ, DECIDER, DECIDED_ON, NOTE = "決定", "決定MJ", "判断者", "判断日", "備考"


def candidate_headers(n: int) -> tuple[str, str, str]:
    return f"候補{n} MJ番号", f"候補{n} 文字", f"候補{n} 説明"


HEADERS = (
    NUMBER,
    CHAR,
    CODE_POINTS,
    CLASS,
    COUNT,
    ITEMS,
    SAMPLES,
    AUTO,
    GAIJI,
    *(h for n in range(1, CANDIDATES + 1) for h in candidate_headers(n)),
    DECISION,
    DECIDED_MJ,
    DECIDER,
    DECIDED_ON,
    NOTE,
)
_WIDTHS = {CHAR: 8, CODE_POINTS: 18, CLASS: 22, ITEMS: 28, SAMPLES: 24, AUTO: 24, DECISION: 14, DECIDED_MJ: 12}

GUIDE_TEXT = (
    "文字同定シート（fitgap moji sheet）",
    "",
    "この表は、移行データで使われている文字のうち JIS X 0213 の範囲外にあるもの"
    "（外字・私用領域の文字、MJ文字情報一覧表にない文字、JIS X 0213 外の MJ 文字）を一文字ずつ並べたものです。",
    "各行で、その文字を標準（行政事務標準文字 / MJ文字）のどの文字とするかを決めてください。",
    "",
    "決め方:",
    "1. 「文字」列の字形を確認します（IPAmj明朝 フォントが入っていれば正しい字形で表示されます）。",
    "2. 「自動同定」に MJ 番号があれば、外字一覧のコード・外字表・MJ 文字そのものから自動で決まっています"
    "（決定＝自動同定）。確認して、違っていれば決定を変えてください。",
    "3. そうでなければ「候補1」〜「候補5」から選ぶか、「MJ番号を指定」を選んで「決定MJ」に MJ 番号（MJ030196）・"
    "住基ネット統一文字コード（J+FA11）・戸籍統一文字番号・UCS（U+FA11、IVS 付きは U+845B U+E0102）を書きます。",
    "4. 今の文字のまま使う場合は「そのまま」（外字＝私用領域の文字は、そのままでは移行できません）。"
    "判断できない場合は「要調査」。",
    "5. 「判断者」と「判断日」を必ず記入してください（自動同定の行は省略可）。",
    "",
    "記入後: fitgap moji apply このファイル.xlsx --out gaiji.csv で、コンバーターが使う外字表と、"
    "判断の記録（gaiji-decisions.csv）を作ります。",
    "外字でない文字を別の文字にする決定（縮退・訂正）は外字表では表せないため、記録に残し、一覧で知らせます。",
    "",
    "個人情報: 値そのものは載せていません。例のキーはマスク済みです。",
)


class DecisionRow(FrozenModel):
    """One row of the decision sheet."""

    number: int
    count: CharCount
    identification: Identification
    prefilled: bool  # 決定 = 自動同定 written in


class SheetWritten(FrozenModel):
    """The decision workbook written by ``moji sheet``."""

    file: str
    rows: int
    prefilled: int
    with_candidates: int
    scan: ScanResult


def decision_rows(
    scan: ScanResult,
    gaiji: Mapping[str, str] | None = None,
    vendor: Mapping[str, Identification] | None = None,
) -> tuple[DecisionRow, ...]:
    """The rows of the sheet: each character outside JIS X 0213, identified by the vendor's list, the 外字
    table in use or MJ itself, else with candidates."""
    rows = []
    for number, found in enumerate(scan.needing_decision(), start=1):
        known = (vendor or {}).get(found.char) or identify(found.char, gaiji)
        rows.append(DecisionRow(number=number, count=found, identification=known, prefilled=known.resolved is not None))
    return tuple(rows)


def _candidate_text(candidate: CandidateInfo) -> str:
    mj = candidate.mj
    parts = [
        mj.code_points or "UCSなし",
        mj.reading or "",
        f"{mj.strokes}画" if mj.strokes is not None else "",
        candidate.why,
    ]
    return "・".join(p for p in parts if p)


def _guide(
    sheet: Any, scan: ScanResult, vendor_list: Path | None, created: dt.datetime, municipality: str | None
) -> None:
    from openpyxl.styles import Alignment, Font

    facts = (
        *((("団体", municipality),) if municipality else ()),
        ("作成日時", local_time(created).strftime("%Y-%m-%d %H:%M")),
        ("対象", f"{scan.source}（{'データベース' if scan.kind == 'database' else '旧データのファイル'}）"),
        ("外字表", scan.gaiji_table or "なし"),
        ("外字一覧（ベンダー）", str(vendor_list) if vendor_list else "なし"),
        ("文字数 / 異なり字数", f"{scan.total} / {scan.distinct}"),
    )
    row = 1
    for line in GUIDE_TEXT:
        cell = put(sheet.cell(row=row, column=1), line)
        cell.font = Font(name=FONT_NAME, size=12 if row == 1 else 10, bold=row == 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    for label, value in facts:
        put(sheet.cell(row=row, column=1), f"{label}: {value}").font = Font(name=FONT_NAME, size=10)
        row += 1
    row += 1
    put(sheet.cell(row=row, column=1), "出典・ライセンス").font = Font(name=FONT_NAME, size=10, bold=True)
    for line in ATTRIBUTION.splitlines():
        row += 1
        put(sheet.cell(row=row, column=1), line).font = Font(name=FONT_NAME, size=9)
    sheet.column_dimensions["A"].width = 140


def _row_values(row: DecisionRow) -> list[object]:
    found, known = row.count, row.identification
    auto = f"{known.resolved.mj_id}（{known.how}）" if known.resolved and known.how else None
    if known.resolved is None and known.code and found.mapped_to is None:
        auto = f"未同定（外字一覧 {known.code}: MJにない）"
    values: list[object] = [
        row.number,
        found.char,
        found.code_points,
        found.label,
        found.count,
        "\n".join(found.items),
        "\n".join(found.samples),
        auto,
        found.mapped_to,
    ]
    for n in range(CANDIDATES):
        if n < len(known.candidates):
            candidate = known.candidates[n]
            values += [candidate.mj.mj_id, candidate.mj.text, _candidate_text(candidate)]
        else:
            values += [None, None, None]
    decided = known.resolved.mj_id if row.prefilled and known.resolved else None
    values += [AUTOMATIC if row.prefilled else None, decided, None, None, None]
    return values


def _decisions(sheet: Any, rows: tuple[DecisionRow, ...]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    glyph_columns = {HEADERS.index(CHAR) + 1} | {
        HEADERS.index(candidate_headers(n)[1]) + 1 for n in range(1, CANDIDATES + 1)
    }
    for column, header in enumerate(HEADERS, start=1):
        cell = put(sheet.cell(row=1, column=column), header)
        cell.font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        width = _WIDTHS.get(header, max(display_width(header) + 2, 10))
        sheet.column_dimensions[get_column_letter(column)].width = width
    body, glyph = Font(name=FONT_NAME, size=10), Font(name=GLYPH_FONT, size=16)
    for r, row in enumerate(rows, start=2):
        for column, value in enumerate(_row_values(row), start=1):
            cell = put(sheet.cell(row=r, column=column), value)
            cell.font = glyph if column in glyph_columns else body
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str) and "\n" in value)
    last = max(len(rows) + 1, 2)
    decision = get_column_letter(HEADERS.index(DECISION) + 1)
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="決定",
        error="一覧から選んでください",
        promptTitle="決定",
        prompt="候補を選ぶか、MJ番号を指定して決定MJに書いてください",
    )
    sheet.add_data_validation(choice)
    choice.add(f"{decision}2:{decision}{last}")
    day = get_column_letter(HEADERS.index(DECIDED_ON) + 1)
    for r in range(2, last + 1):
        sheet[f"{day}{r}"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{last}"


def write_sheet(
    scan: ScanResult,
    path: Path,
    *,
    gaiji: Mapping[str, str] | None = None,
    vendor: Mapping[str, Identification] | None = None,
    vendor_list: Path | None = None,
    force: bool = False,
    municipality: str | None = None,
) -> SheetWritten:
    """Write the decision workbook for ``scan`` to ``path``; a workbook that exists (it may be filled in) is
    kept unless ``force``. ``municipality`` (団体名) goes in every printed page's header and in the guide."""
    from openpyxl import Workbook

    if path.exists() and not force:
        raise exists_already(path, filled_in=True, what=say("文字同定シート", "the workbook"))
    rows = decision_rows(scan, gaiji, vendor)
    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE
    created = dt.datetime.now(dt.UTC)
    _guide(guide, scan, vendor_list, created, municipality)
    decisions = workbook.create_sheet(SHEET)
    _decisions(decisions, rows)
    for sheet in (guide, decisions):  # the decisions' header row (the guide's title) on every printed page
        print_setup(sheet, title=TITLE, municipality=municipality, created=created, header_row=1)
    workbook.properties.title = TITLE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise FitgapError(
            say(f"文字同定シートを書き込めません: {exc.strerror}", f"cannot write the workbook: {exc.strerror}"),
            where=path,
            hint=say(
                "Excel で開いていれば閉じるか、別のパスを指定してください", "close it in Excel or choose another path"
            ),
        ) from None
    return SheetWritten(
        file=str(path),
        rows=len(rows),
        prefilled=sum(1 for r in rows if r.prefilled),
        with_candidates=sum(1 for r in rows if r.identification.candidates),
        scan=scan,
    )
