"""The 判定 drop-down of the Japanese assessment workbook lists the Japanese labels of the glossary (issue 18); the
説明 sheet uses the same labels; the reader takes back every label of the list and every code."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fitgap.assessment.reader import read_assessment
from fitgap.assessment.template import LIST_SHEET, _choices, write_template
from fitgap.assessment.vocab import GapClass, parse_choice
from spec_catalog import load_embedded

CATALOG = load_embedded()
# The short forms of the lead's glossary, in the order of the drop-down.
LABELS = (
    ("適合", GapClass.FIT),
    ("設定で適合", GapClass.FIT_WITH_CONFIG),
    ("運用で対応", GapClass.GAP_OPERATION),
    ("業務見直し（BPR）", GapClass.GAP_BPR),
    ("標準オプション不採用", GapClass.GAP_OPTION_NOT_ADOPTED),
    ("実装不可機能の廃止", GapClass.GAP_PROHIBITED),
    ("独自施策システムへ移行", GapClass.GAP_EXTERNAL),
    ("EUCで対応", GapClass.GAP_EUC),
    ("対象外", GapClass.OUT_OF_SCOPE),
)
SHEET = "001 住民基本台帳"
GAP_COLUMN = "G"  # 判定


def _gap_list(path: Path) -> str:
    sheet = load_workbook(path)[SHEET]
    (validation,) = (v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(GAP_COLUMN))
    return str(validation.formula1)


def test_the_japanese_drop_down_lists_the_glossary_labels(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", CATALOG, [CATALOG.business("001")])
    assert _gap_list(path) == '"' + ",".join(label for label, _ in LABELS) + '"'


def test_the_english_drop_down_keeps_the_codes(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", CATALOG, [CATALOG.business("001")], lang="en")
    assert _gap_list(path) == '"' + ",".join(g.value for g in GapClass) + '"'


def test_the_guide_explains_the_same_labels(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", CATALOG, [CATALOG.business("001")])
    guide = load_workbook(path)["説明"]
    first = [guide.cell(row=r, column=1).value for r in range(1, guide.max_row + 1)]
    start = first.index("判定") + 1
    assert tuple(first[start : start + len(LABELS)]) == tuple(label for label, _ in LABELS)
    text = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    for code in ("GAP_PROHIBITED", "FIT_WITH_CONFIG", "OUT_OF_SCOPE"):
        assert code not in text  # the guide speaks in labels, as the drop-down does


@pytest.mark.parametrize(("label", "code"), LABELS, ids=[code.value for _, code in LABELS])
def test_every_label_and_code_of_the_list_reads_back(label: str, code: GapClass) -> None:
    assert parse_choice(GapClass, label) is code
    assert parse_choice(GapClass, code.value) is code


def test_a_workbook_filled_with_labels_and_codes_reads_back_as_codes(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", CATALOG, [CATALOG.business("001")])
    book = load_workbook(path)
    sheet = book[SHEET]
    rows = range(4, 4 + 2 * len(LABELS))
    written = {}
    for row, (label, code) in zip(rows, [*LABELS, *((code.value, code) for _, code in LABELS)], strict=True):
        sheet[f"{GAP_COLUMN}{row}"] = label
        written[sheet[f"A{row}"].value] = code
    book.save(path)
    read = read_assessment(path, CATALOG)
    assert {f.function_id: f.gap_class for f in read.functions if f.function_id in written} == written
    assert [f.code for f in read.findings if f.code.value == "ASSESS_VALUE_NOT_IN_LIST"] == []


def test_a_list_longer_than_excel_allows_goes_to_a_hidden_sheet() -> None:
    book = Workbook()
    sheet = book.active
    short, long = ["はい", "いいえ"], [f"とても長い選択肢の名前その{n:02}" for n in range(20)]
    assert len(",".join(long)) > 255  # Excel's limit for a list written in the validation itself
    _choices(sheet, short, 1, 2, 9, "短い")
    _choices(sheet, long, 2, 2, 9, "長い")
    first, second = sheet.data_validations.dataValidation
    assert first.formula1 == '"はい,いいえ"'
    assert second.formula1 == f"'{LIST_SHEET}'!$A$1:$A$20"
    lists = book[LIST_SHEET]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=1).value for r in range(1, 21)] == long
