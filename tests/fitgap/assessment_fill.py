"""Filling an assessment workbook in tests, as staff would, and the plan of what was filled."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from fitgap.assessment.sheets import CUSTOM_COLUMNS, FUNCTION_COLUMNS, LINK_COLUMNS

COL = {field: i for i, (field, _, _) in enumerate(FUNCTION_COLUMNS, start=1)}
CUSTOM_COL = {field: i for i, (field, _, _) in enumerate(CUSTOM_COLUMNS, start=1)}
LINK_COL = {field: i for i, (field, _, _) in enumerate(LINK_COLUMNS, start=1)}
AS_OF = dt.date(2026, 11, 26)

ALLOWED = {
    "実装必須機能": ["FIT", "FIT_WITH_CONFIG", "GAP_OPERATION", "GAP_BPR", "GAP_EXTERNAL", "GAP_EUC", "OUT_OF_SCOPE"],
    "標準オプション機能": ["FIT", "FIT_WITH_CONFIG", "GAP_OPERATION", "GAP_OPTION_NOT_ADOPTED", "GAP_EUC"],
    "実装不可機能": ["GAP_PROHIBITED", "OUT_OF_SCOPE"],
}


@dataclass
class Filled:
    business: str
    function_class: str
    current_use: str | None
    gap: str | None
    owner: str
    due: dt.date | None
    status: str | None


@dataclass
class Custom:
    business: str | None
    fate: str | None
    status: str | None
    due: dt.date | None


def fill(path: Path, seed: int = 7) -> tuple[list[Filled], list[Custom], list[tuple[str, str]]]:
    """Fill every business sheet with a valid mix of answers; returns what was written."""
    rng = random.Random(seed)
    workbook = load_workbook(path)
    plan: list[Filled] = []
    for sheet in workbook.worksheets:
        if not sheet.title[:3].isdigit():
            continue
        for row in range(4, sheet.max_row + 1):
            klass = sheet.cell(row=row, column=COL["function_class"]).value
            if klass is None:
                continue
            use = rng.choice(["使用中", "使用中", "未使用", None])
            gap = rng.choice([*ALLOWED[klass], None])
            if klass == "実装不可機能" and use == "使用中":
                gap = "GAP_PROHIBITED"
            status = rng.choice([None, "未着手", "対応中", "完了"])
            owner = rng.choice(["", "住民課", "税務課", "保険年金課"])
            due = rng.choice([None, dt.date(2026, 3, 31), dt.date(2027, 3, 31)])
            for field, value in (
                ("current_use", use),
                ("gap_class", gap),
                ("status", status),
                ("owner", owner or None),
                ("due", due),
            ):
                sheet.cell(row=row, column=COL[field], value=value)
            plan.append(Filled(sheet.title[:3], klass, use, gap, owner, due, status))
    customs = [
        Custom("001", "廃止", "完了", None),
        Custom("001", "独自施策システムへ移行", "対応中", dt.date(2026, 1, 31)),
        Custom("024", None, None, None),
        Custom(None, "EUCで対応", None, dt.date(2027, 6, 30)),
    ]
    sheet = workbook["独自機能"]
    for r, custom in enumerate(customs, start=4):
        sheet.cell(row=r, column=CUSTOM_COL["name"], value=f"独自機能{r}")
        sheet.cell(row=r, column=CUSTOM_COL["business_id"], value=custom.business)
        sheet.cell(row=r, column=CUSTOM_COL["fate"], value=custom.fate)
        sheet.cell(row=r, column=CUSTOM_COL["status"], value=custom.status)
        sheet.cell(row=r, column=CUSTOM_COL["due"], value=custom.due)
    links = [("001", "010"), ("住民基本台帳", "国民健康保険"), ("024", "001"), ("001", "福祉総合システム")]
    sheet = workbook["業務連携"]
    for r, (provider, consumer) in enumerate(links, start=4):
        sheet.cell(row=r, column=LINK_COL["provider"], value=provider)
        sheet.cell(row=r, column=LINK_COL["consumer"], value=consumer)
        sheet.cell(row=r, column=LINK_COL["method"], value="ファイル")
    workbook.save(path)
    return plan, customs, links
