"""What an import refuses, or reads for what it is: sheets with part of a header, files that are Word or PDF
whatever their name, and 連携 code-list references that use another name of the owning business."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from spec_catalog import InputFileError
from spec_catalog.importers import import_file, import_workbook
from spec_catalog.language import chosen
from spec_catalog.store import load_directory

from conftest import SHARED_FIXTURES
from workbooks import item, layout_workbook

SPEC_DOCUMENT = SHARED_FIXTURES / "digital-agency" / "common-feature-spec-v2.1.docx"


def _with_sheet(path: Path, title: str, rows: list[list[object]]) -> Path:
    """A valid 001 layout workbook with one more sheet of ``rows`` (from row 3, under a title)."""
    layout_workbook(path, [item(1, "宛名番号", "atenabango", "X", 15, "必須")])
    book = load_workbook(path)
    sheet = book.create_sheet(title)
    sheet["A1"] = title
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("title", "rows", "ja", "en"),
    [
        (
            "機能一覧",
            [["機能ID", "機能名称", "対応"], ["0010001", "転入", "実装必須機能"]],
            "シート '機能一覧' は機能一覧のシートのようですが（3 行目に 機能ID, 機能名称）、実装区分 の列がなく読めません"
            " — その列に機能一覧の見出しを付けるか、仕様の一部でなければシートを削除してください",
            "sheet '機能一覧' looks like a function list (row 3 has 機能ID, 機能名称) but cannot be read: no 実装区分 "
            "column — give the column its function-list header, or delete the sheet if it is not part of the "
            "specification",
        ),
        (
            "コード一覧（個別）",
            [["コードID", "コード名", "コード値", "意味"], [1, "性別", "1", "男"]],
            "シート 'コード一覧（個別）' はコード一覧のシートのようですが（3 行目に コードID, コード値）、コード値の内容 "
            "の列がなく読めません — その列にコード一覧の見出しを付けるか、仕様の一部でなければシートを削除してください",
            "sheet 'コード一覧（個別）' looks like a code-list sheet (row 3 has コードID, コード値) but cannot be read: "
            "no コード値の内容 column — give the column its code-list header, or delete the sheet if it is not part "
            "of the specification",
        ),
    ],
    ids=["function-list", "code-list"],
)
def test_a_sheet_with_part_of_a_function_or_code_list_header_stops_the_import(
    tmp_path: Path, title: str, rows: list[list[object]], ja: str, en: str
) -> None:
    path = _with_sheet(tmp_path / "l.xlsx", title, rows)
    with pytest.raises(InputFileError) as info:
        import_workbook(path, tmp_path / "cat")
    assert info.value.one_line() == f"{path}: {ja}"
    with chosen("en"), pytest.raises(InputFileError) as english:
        import_workbook(path, tmp_path / "cat")
    assert english.value.one_line() == f"{path}: {en}"
    assert not (tmp_path / "cat").exists()


def test_a_sheet_with_one_label_of_a_header_is_only_skipped(tmp_path: Path) -> None:
    path = _with_sheet(tmp_path / "l.xlsx", "改版履歴", [["版数", "区分", "内容"], ["第1.0版", "新規", "初版"]])
    result = import_workbook(path, tmp_path / "cat")
    assert [(s.sheet, s.kind.value, s.notes) for s in result.sheets][1:] == [
        ("改版履歴", "skipped", ("仕様の見出しがありません",))
    ]


@pytest.mark.parametrize("name", ["spec.xlsx", "spec.zip", "共通機能標準仕様書"])
def test_a_word_document_is_read_as_word_whatever_its_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copyfile(SPEC_DOCUMENT, path)
    results = import_file(path, tmp_path / "cat")
    assert [(r.business_id, r.functions, r.file_kind, r.spec_version) for r in results] == [
        ("031", 12, "document", "第2.1版"),
        ("032", 6, "document", "第2.1版"),
    ]


@pytest.mark.parametrize("name", ["spec.pdf", "spec.xlsx", "spec.docx"])
def test_a_pdf_is_refused_with_one_line_saying_which_files_can_be_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(InputFileError) as info:
        import_file(path, tmp_path / "cat")
    assert info.value.one_line() == (
        f"{path}: PDF のファイルは読めません — 標準仕様書は Word（.docx）のファイルを、項目定義書や機能一覧は "
        "Excel（.xlsx）のファイルを指定してください"
    )
    with chosen("en"), pytest.raises(InputFileError) as english:
        import_file(path, tmp_path / "cat")
    assert english.value.one_line() == (
        f"{path}: a PDF file cannot be read — give the specification as a Word (.docx) file, or the 項目定義書 / "
        "function list as an Excel (.xlsx) file"
    )


def _linked(path: Path, reference: str, sheet_business: str, number: int) -> Path:
    """A 031 layout whose 性別 refers to ``reference``, with a 「コード一覧（連携）」 sheet naming ``sheet_business``
    in its title block and defining its list ``number``."""
    layout_workbook(path, [item(1, "性別", "seibetsu", "X", 1, "必須", business="031", code=reference)])
    book = load_workbook(path)
    sheet = book.create_sheet("コード一覧（連携）")
    sheet["C1"], sheet["C2"] = "業務名", sheet_business
    rows: list[list[object]] = [["コードID", "コード名", "コード値", "コード値の内容"], [number, "性別", "1", "男"]]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("reference", "sheet_business"),
    [("住民記録_1", "住民基本台帳"), ("住民基本台帳_1", "住民記録"), ("住民基本台帳_001", "住民基本台帳")],
    ids=["item-uses-the-old-name", "sheet-uses-the-old-name", "same-name"],
)
def test_a_linked_reference_meets_its_list_under_either_name_of_the_business(
    tmp_path: Path, reference: str, sheet_business: str
) -> None:
    result = import_workbook(_linked(tmp_path / "l.xlsx", reference, sheet_business, 1), tmp_path / "cat")
    assert result.linked_code_lists == ("住民基本台帳_001",)
    spec = load_directory(tmp_path / "cat").business("031")
    assert spec.layouts[0].items[0].code_list == "住民基本台帳_001"
    linked = spec.code_list("住民基本台帳_001")
    assert linked is not None and (linked.owner, linked.values[0].label) == ("001", "男")


def test_a_reference_the_linked_sheet_does_not_define_says_what_the_sheet_holds(tmp_path: Path) -> None:
    path = _linked(tmp_path / "l.xlsx", "住民記録_1", "住民基本台帳", 2)
    with pytest.raises(InputFileError) as info:
        import_workbook(path, tmp_path / "cat")
    assert info.value.one_line() == (
        f"{path}: 項目が連携のコード一覧 住民基本台帳_001 を参照していますが、「コード一覧（連携）」のシートにあるのは "
        "住民基本台帳_002 だけで、カタログに 001 住民基本台帳 の取り込んだコード一覧 001 がありません（サンプルだけです）"
        " — 「コード一覧（連携）」のシートの業務名とコードID、または項目のコードを確かめてください"
    )
    with chosen("en"), pytest.raises(InputFileError) as english:
        import_workbook(path, tmp_path / "cat")
    assert english.value.one_line() == (
        f"{path}: items refer to the 連携 code list 住民基本台帳_001, which the 「コード一覧（連携）」 sheet does not "
        "define (it defines 住民基本台帳_002), and the catalog holds no imported code list 001 of 001 住民基本台帳 "
        "(only a sample) — check the 業務名 and コードID on the 「コード一覧（連携）」 sheet, or the item's コード"
    )
