"""Every sheet of a workbook, 連携 code lists, every business ID, versions, and what an import keeps.

The multi-sheet workbooks are made from the real Digital Agency 項目定義書: its sheets are copied cell by cell
(merged headers included) into a new workbook, and a second item sheet and a 「コード一覧（連携）」 sheet are
added in the same shape.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from spec_catalog import InputFileError, Sensitivity, Source, load_embedded
from spec_catalog.importers import KeptContent, import_workbook
from spec_catalog.importers.sheets import SheetKind
from spec_catalog.importers.versions import choose_version, version_in_file_name
from spec_catalog.language import chosen
from spec_catalog.store import load_directory
from spec_catalog.vocab import VersionSource

from workbooks import item, layout_workbook, write_sheet

ITEM_SHEET = "項目定義書（住登外者宛名番号管理）住登外者宛名基本情報"
HISTORY_SHEET = "項目定義書（住登外者宛名番号管理）住登外者宛名履歴"
CODE_SHEET = "コード一覧（個別）_住登外者宛名番号管理"
LINKED_SHEET = "コード一覧（連携）"


@pytest.fixture
def scratch() -> Iterator[Path]:
    """Outside pytest's temp: copies of the real workbook hold its サンプル値, a made-up but valid 個人番号, which
    the session's masking scan would take for a leak (see pii_scan)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _copy_sheet(source: Any, target: Any) -> None:
    for row in source.iter_rows():
        for cell in row:
            if cell.value is not None:
                target.cell(row=cell.row, column=cell.column, value=cell.value)
    for merged in source.merged_cells.ranges:
        target.merge_cells(str(merged))


def _row_of(sheet: Any, name: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=4).value == name)


def real_two_sheet_workbook(spec_workbook: Path, path: Path, *, linked_sheet: bool = True) -> Path:
    """The real workbook with a second item sheet (group 住登外者宛名履歴, items 101–129) whose 性別 refers to
    住民基本台帳's code list 1, and a 「コード一覧（連携）」 sheet that defines it (title block 業務名 住民基本台帳)."""
    real = load_workbook(spec_workbook)
    items, codes, *legends = real.worksheets
    book = Workbook()
    first = book.active
    first.title = items.title
    _copy_sheet(items, first)
    second = book.create_sheet(HISTORY_SHEET)
    _copy_sheet(items, second)
    for row in range(7, second.max_row + 1):
        if isinstance(number := second.cell(row=row, column=3).value, int):
            second.cell(row=row, column=3, value=number + 100)
            second.cell(row=row, column=6, value="住登外者宛名履歴")
    second.cell(row=_row_of(second, "性別"), column=14, value="住民基本台帳_1")
    _copy_sheet(codes, book.create_sheet(codes.title))
    if linked_sheet:
        linked = book.create_sheet(LINKED_SHEET)
        _copy_sheet(codes, linked)
        for row in range(6, linked.max_row + 1):
            for column in range(1, 6):
                linked.cell(row=row, column=column).value = None
        linked["C2"] = "住民基本台帳"
        rows: list[list[object]] = [[1, "性別", "1", "男"], [None, None, "2", "女"], [None, None, "9", "不明"]]
        for r, values in enumerate(rows, start=6):
            for c, value in enumerate(values, start=1):
                linked.cell(row=r, column=c, value=value)
    for legend in legends:
        _copy_sheet(legend, book.create_sheet(legend.title))
    book.save(path)
    return path


def test_two_item_sheets_and_two_code_list_sheets_made_from_the_real_fixture(
    spec_workbook: Path, tmp_path: Path, scratch: Path
) -> None:
    path = real_two_sheet_workbook(spec_workbook, scratch / "two.xlsx")
    result = import_workbook(path, tmp_path / "cat")
    assert (result.business_id, result.groups, result.items, result.code_lists) == ("031", 2, 58, 4)
    assert [(s.sheet, s.kind, s.header_row, s.groups, s.items, s.code_lists) for s in result.sheets] == [
        (ITEM_SHEET, SheetKind.ITEMS, 6, ("住登外者宛名基本情報",), 29, ()),
        (HISTORY_SHEET, SheetKind.ITEMS, 6, ("住登外者宛名履歴",), 29, ()),
        (CODE_SHEET, SheetKind.CODE_LISTS, 4, (), 0, ("001", "002", "999")),
        (LINKED_SHEET, SheetKind.CODE_LISTS, 4, (), 0, ("住民基本台帳_001",)),
        ("凡例）列項目説明", SheetKind.SKIPPED, None, (), 0, ()),
        ("凡例）データ型", SheetKind.SKIPPED, None, (), 0, ()),
    ]
    assert result.linked_code_lists == ("住民基本台帳_001",)
    spec = load_directory(tmp_path / "cat").business("031")
    assert [g.name for g in spec.layouts] == ["住登外者宛名基本情報", "住登外者宛名履歴"]
    history = spec.group("住登外者宛名履歴")
    assert history is not None
    assert [i.item_id for i in history.items][:2] == ["03100101", "03100102"]
    by_name = {i.name: i for i in history.items}
    assert (by_name["性別"].code_list, by_name["宛名番号"].primary_key) == ("住民基本台帳_001", True)
    linked = spec.code_list("住民基本台帳_001")
    assert linked is not None
    assert (linked.owner, linked.name, [(v.code, v.label) for v in linked.values]) == (
        "001",
        "性別",
        [("1", "男"), ("2", "女"), ("9", "不明")],
    )
    assert spec.code_list("001") is not None and spec.code_list("001").owner is None  # type: ignore[union-attr]


def test_without_the_linked_sheet_the_reference_is_one_clear_error(
    spec_workbook: Path, tmp_path: Path, scratch: Path
) -> None:
    path = real_two_sheet_workbook(spec_workbook, scratch / "two.xlsx", linked_sheet=False)
    with pytest.raises(InputFileError) as info:
        import_workbook(path, tmp_path / "cat")
    assert info.value.one_line() == (
        f"{path}: 項目が連携のコード一覧 住民基本台帳_001 を参照していますが、それを定める「コード一覧（連携）」の"
        "シートがなく、カタログに 001 住民基本台帳 の取り込んだコード一覧 001 がありません（サンプルだけです） — "
        "ブックに「コード一覧（連携）」のシートを加えるか、先に所管する業務の項目定義書を取り込んでください"
    )


def _linked_layout(path: Path, rows: list[list[object]], *, title_business: str | None = None) -> Path:
    layout_workbook(path, [item(1, "性別", "seibetsu", "X", 1, "必須", code="住登外者宛名番号管理_1")])
    book = load_workbook(path)
    sheet = book.create_sheet("コード一覧（連携）")
    if title_business:
        sheet["C1"], sheet["C2"] = "業務名", title_business
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("rows", "title_business"),
    [
        ([["コードID", "コード名", "コード値", "コード値の内容"], [1, "性別", "1", "男"]], "住登外者宛名番号管理"),
        ([["コードID", "コード名", "コード値", "コード値の内容"], ["住登外者宛名番号管理_1", "性別", "1", "男"]], None),
        (
            [
                ["業務名", "コードID", "コード名", "コード値", "コード値の内容"],
                ["住登外者宛名番号管理", "001", "性別", "1", "男"],
            ],
            None,
        ),
    ],
    ids=["title-block", "in-the-id", "business-column"],
)
def test_the_three_ways_a_linked_sheet_names_the_owner(
    tmp_path: Path, rows: list[list[object]], title_business: str | None
) -> None:
    path = _linked_layout(tmp_path / "l.xlsx", rows, title_business=title_business)
    import_workbook(path, tmp_path / "cat")
    linked = load_directory(tmp_path / "cat").business("001").code_list("住登外者宛名番号管理_001")
    assert linked is not None and (linked.owner, linked.values[0].label) == ("031", "男")


def test_a_linked_list_without_a_business_name_is_refused(tmp_path: Path) -> None:
    path = _linked_layout(
        tmp_path / "l.xlsx", [["コードID", "コード名", "コード値", "コード値の内容"], [1, "性別", "1", "男"]]
    )
    with pytest.raises(InputFileError) as info:
        import_workbook(path, tmp_path / "cat")
    assert info.value.one_line() == (
        f"{path}: シート 'コード一覧（連携）' 5 行目: コード一覧 001 に業務名がありません（連携のコード一覧は "
        "<業務名>_<コード番号>、例: 住民基本台帳_001） — ブックのその行を直して、もう一度取り込んでください"
    )


def test_a_linked_list_is_taken_from_the_imported_owner_in_the_catalog(spec_workbook: Path, tmp_path: Path) -> None:
    import_workbook(spec_workbook, tmp_path / "cat")  # 031, imported: its code list 001 is 性別
    path = layout_workbook(
        tmp_path / "l.xlsx", [item(1, "性別", "seibetsu", "X", 1, "必須", code="住登外者宛名番号管理_1")]
    )
    result = import_workbook(path, tmp_path / "cat")
    assert result.linked_code_lists == ("住登外者宛名番号管理_001",)
    linked = load_directory(tmp_path / "cat").business("001").code_list("住登外者宛名番号管理_001")
    assert linked is not None
    assert (linked.owner, [v.code for v in linked.values], linked.note) == (
        "031",
        ["0", "1", "2"],
        "031 住登外者宛名番号管理 のコード一覧 001 から",
    )


def test_a_sheet_that_looks_like_an_item_sheet_but_cannot_be_read_stops_the_import(
    spec_workbook: Path, tmp_path: Path, scratch: Path
) -> None:
    path = real_two_sheet_workbook(spec_workbook, scratch / "two.xlsx")
    book = load_workbook(path)
    book[HISTORY_SHEET].unmerge_cells("L5:L6")
    book[HISTORY_SHEET]["L5"] = "型"  # データ型 renamed: the sheet can no longer be read
    book.save(path)
    with pytest.raises(InputFileError) as info:
        import_workbook(path, tmp_path / "cat")
    assert info.value.one_line() == (
        f"{path}: シート '{HISTORY_SHEET}' は項目のシートのようですが（5 行目に データ項目ID, データ項目, "
        "データ項目（ローマ字）, グループ, データ出力条件）、データ型 の列がなく読めません — その列に項目定義書の"
        "見出しを付けるか、仕様の一部でなければシートを削除してください"
    )
    assert not (tmp_path / "cat").exists()


def test_the_header_is_found_anywhere_in_the_sheet(tmp_path: Path) -> None:
    header = ["データ項目ID", "データ項目", "データ項目（ローマ字）", "グループ", "データ型", "桁数", "データ出力条件"]
    path = write_sheet(
        tmp_path / "deep.xlsx", [header, ["00100001", "宛名番号", "atenabango", "住民", "X", 15, "必須"]], start_row=60
    )
    result = import_workbook(path, tmp_path / "cat")
    assert (result.items, result.sheets[0].header_row) == (1, 60)


@pytest.mark.parametrize(
    ("business_id", "name"),
    [
        ("005", "選挙（共通）"),
        ("007", "期日前・不在者投票管理"),
        ("008", "当日投票管理"),
        ("009", "在外選挙管理"),
        ("014", "収納管理"),
        ("015", "滞納管理"),
        ("016", "地方税（共通）"),
        ("038", "人口動態調査"),
        ("039", "火葬等許可"),
    ],
)
def test_every_business_id_of_the_scheme_imports(tmp_path: Path, business_id: str, name: str) -> None:
    rows = [item(1, "宛名番号", "atenabango", "X", 15, "必須", business=business_id, group="対象者", pk=True)]
    result = import_workbook(layout_workbook(tmp_path / "x.xlsx", rows), tmp_path / "cat")
    assert (result.business_id, result.name, result.items, result.source) == (business_id, name, 1, Source.IMPORTED)
    spec = load_directory(tmp_path / "cat").business(business_id)
    assert (spec.spec_version, spec.functions, spec.common) == ("第2.1版", (), False)
    assert spec.layouts[0].items[0].sensitivity is Sensitivity.PERSONAL
    assert (tmp_path / "cat" / f"{business_id}_v2.1.yaml").exists()


def test_an_018_workbook_goes_into_017_and_keeps_its_017_content(tmp_path: Path) -> None:
    rows = [item(1, "宛名番号", "atenabango", "X", 15, "必須", business="018", group="援助対象者", pk=True)]
    result = import_workbook(layout_workbook(tmp_path / "x.xlsx", rows), tmp_path / "cat")
    spec = load_directory(tmp_path / "cat").business("018")
    assert (result.business_id, spec.business_id, [g.name for g in spec.layouts]) == ("017", "017", ["援助対象者"])
    assert len(spec.functions) == len(load_embedded().business("017").functions)  # 017 and 018 functions kept


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("項目定義書【第2.1版】.xlsx", "第2.1版"),
        ("基本データリスト_第３．０版.xlsx", "第3.0版"),
        ("common-feature-spec-v2.1.docx", "第2.1版"),
        ("jumin_Ver5.0.xlsx", "第5.0版"),
        ("共通機能標準仕様書（令和5年9月）.xlsx", "令和5年9月"),
        ("【第2.1版】令和5年9月.xlsx", "第2.1版"),
        ("devices2.xlsx", None),
        ("jutogai-atena-item-definition.xlsx", None),
    ],
)
def test_versions_in_file_names(name: str, version: str | None) -> None:
    assert version_in_file_name(name) == version


@pytest.mark.parametrize(
    ("option", "cells", "file_name", "expected"),
    [
        (
            "第3.0版",
            "第2.0版",
            "第2.1版",
            (
                "第3.0版",
                VersionSource.OPTION,
                "--spec-version の 第3.0版 を使います（セルでは 第2.0版、ファイル名では 第2.1版）",
            ),
        ),
        (None, "第2.0版", "第2.0版", ("第2.0版", VersionSource.CELLS, None)),
        (None, None, "第2.1版", ("第2.1版", VersionSource.FILE_NAME, None)),
        (None, None, None, (None, VersionSource.UNKNOWN, None)),
    ],
    ids=["option", "cells", "file-name", "unknown"],
)
def test_version_precedence(
    option: str | None, cells: str | None, file_name: str | None, expected: tuple[object, ...]
) -> None:
    assert choose_version(option, cells, file_name) == expected


def test_the_version_note_in_english() -> None:
    with chosen("en"):
        note = choose_version("第3.0版", "第2.0版", "第2.1版")[2]
    assert note == "第3.0版 from --spec-version is used; a cell says 第2.0版, the file name says 第2.1版"


def test_a_versioned_file_name_gives_the_version(spec_workbook: Path, tmp_path: Path, scratch: Path) -> None:
    path = scratch / "項目定義書【第2.1版】.xlsx"
    shutil.copyfile(spec_workbook, path)
    result = import_workbook(path, tmp_path / "cat")
    assert (result.spec_version, result.version_source, Path(result.written).name) == (
        "第2.1版",
        VersionSource.FILE_NAME,
        "031_v2.1.yaml",
    )
    assert load_directory(tmp_path / "cat").business("031").version_origin is VersionSource.FILE_NAME


def test_a_layout_keeps_the_functions_and_functions_keep_the_layout(spec_workbook: Path, tmp_path: Path) -> None:
    from workbooks import function_workbook

    embedded = load_embedded().business("031")
    layout = import_workbook(spec_workbook, tmp_path / "cat")
    assert layout.kept == (
        KeptContent(part="functions", count=len(embedded.functions), source="embedded", sample=False),
    )
    assert (layout.functions, layout.items) == (len(embedded.functions), 29)
    functions = function_workbook(
        tmp_path / "f.xlsx",
        ["機能ID", "機能名称", "機能要件", "実装区分"],
        [["0310001", "付番", "付番する", "実装必須機能"]],
    )
    result = import_workbook(functions, tmp_path / "cat")  # its title says 第5.0版
    assert result.kept == (KeptContent(part="layout", count=29, source="031.yaml", sample=False),)
    assert (result.functions, result.items, result.in_use, result.in_use_note) == (1, 29, True, None)
    sample = import_workbook(
        layout_workbook(tmp_path / "l.xlsx", [item(1, "宛名番号", "atenabango", "X", 15, "必須")]), tmp_path / "cat"
    )
    assert sample.kept == (
        KeptContent(
            part="functions", count=len(load_embedded().business("001").functions), source="embedded", sample=True
        ),
    )
    assert sample.source is Source.SAMPLE  # the functions it kept are fitgap's sample
    official = function_workbook(
        tmp_path / "f001.xlsx",
        ["機能ID", "機能名称", "機能要件", "実装区分"],
        [["0010001", "転入", "記載する", "実装必須機能"]],
    )
    # the sample functions go, the imported layout of the same version stays
    replaced = import_workbook(official, tmp_path / "cat", spec_version="第2.1版")
    assert replaced.kept == (KeptContent(part="layout", count=1, source="001_v2.1.yaml", sample=False),)
    assert replaced.source is Source.IMPORTED


def test_an_older_version_imported_later_says_it_is_not_in_use(spec_workbook: Path, tmp_path: Path) -> None:
    import_workbook(spec_workbook, tmp_path / "cat", spec_version="第2.1版")
    older = import_workbook(spec_workbook, tmp_path / "cat", spec_version="第2.0版")
    assert (older.in_use, older.in_use_note) == (
        False,
        "使用されません: カタログはこの取り込みより新しい版の 031_v2.1.yaml（第2.1版）を使い続けます。"
        "'catalog diff' で比べられます",
    )
    unversioned = import_workbook(spec_workbook, tmp_path / "cat")
    assert (unversioned.in_use, unversioned.in_use_note) == (
        True,
        "使用中: 版の記載がないので、最新の取り込みとして使われます（順位を付けるには --spec-version を指定してください）",
    )
    assert load_directory(tmp_path / "cat").business("031").spec_version is None
