"""The shape of the assessment workbook, shared by the template writer and the reader."""

from __future__ import annotations

# (field, header, width): the columns of a business sheet. The first four come from the catalog; staff fill
# the rest. 照合元 and 信頼度 are filled by 'fitgap assess suggest'.
FUNCTION_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("function_id", "機能ID", 10),
    ("name", "機能名称", 24),
    ("function_class", "実装区分", 16),
    ("requirement", "要件", 48),
    ("current_use", "現行利用", 10),
    ("practice", "現行の運用", 32),
    ("gap_class", "判定", 24),
    ("policy", "対応方針", 32),
    ("owner", "担当", 12),
    ("due", "期限", 12),
    ("status", "状況", 10),
    ("matched_from", "照合元", 28),
    ("confidence", "信頼度", 8),
)
CUSTOM_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "名称", 24),
    ("description", "説明", 40),
    ("system", "現行システム", 18),
    ("business_id", "関連業務ID", 12),
    ("fate", "対応", 22),
    ("owner", "担当", 12),
    ("due", "期限", 12),
    ("status", "状況", 10),
)
LINK_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("provider", "提供元", 22),
    ("consumer", "提供先", 22),
    ("data", "データ", 26),
    ("method", "方式", 10),
    ("frequency", "頻度", 12),
    ("note", "備考", 30),
)

CUSTOM_SHEET = "独自機能"
LINK_SHEET = "業務連携"
STANDARD_LINK_SHEET = "標準の連携（参考）"
META_SHEET = "_fitgap"
FORMAT = "fitgap-assessment/1"
BLANK_ROWS = 200  # rows prepared with drop-downs on the 独自機能 and 業務連携 sheets


def aliases(spec: tuple[tuple[str, str, int], ...]) -> dict[str, tuple[str, ...]]:
    """Header aliases for :func:`spec_catalog.importers.workbook.find_header`."""
    from spec_catalog.importers.workbook import normalize_label

    return {field: (normalize_label(header),) for field, header, _ in spec}


def business_sheet_name(business_id: str, name: str) -> str:
    return f"{business_id} {name}"[:31]
