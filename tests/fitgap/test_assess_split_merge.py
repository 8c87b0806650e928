"""assess split / merge: hand the workbook out per business or per 担当, take it back cell by cell, never lose an
edit, list every conflict."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from fitgap.assessment.distribution import ROW_KEY_HEADER

from assessment_fill import COL, CUSTOM_COL, LINK_COL, fill
from conftest import CliResult

Cli = Callable[..., CliResult]
PARTS = ["assessment_001_住民基本台帳.xlsx", "assessment_010_個人住民税.xlsx", "assessment_024_国民健康保険.xlsx"]


@pytest.fixture
def workbook(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "assessment.xlsx"
    result = cli("assess", "template", "001", "010", "024", "--municipality", "013455", "-o", path)
    assert result.exit_code == 0, result.stderr
    fill(path)
    return path


def cells(path: Path) -> dict[tuple[str, str], Any]:
    """Every filled cell of every sheet: (sheet, coordinate) -> value."""
    workbook = load_workbook(path)
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def row_of(sheet: Any, function_id: str) -> int:
    return next(r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == function_id)


def split(cli: Cli, workbook: Path, folder: Path, *options: str) -> dict[str, Any]:
    result = cli("assess", "split", workbook, "-o", folder, "--json", *options)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_split_by_business_writes_scoreable_files_with_their_rows(cli: Cli, workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    result = split(cli, workbook, folder)
    source = load_workbook(workbook)
    functions = {
        b: source[s].max_row - 3
        for b, s in (("001", "001 住民基本台帳"), ("010", "010 個人住民税"), ("024", "024 国民健康保険"))
    }
    assert [(Path(f["file"]).name, f["part"], f["functions"], f["custom"], f["links"]) for f in result["files"]] == [
        (PARTS[0], "001", functions["001"], 2, 4),
        (PARTS[1], "010", functions["010"], 0, 1),
        (PARTS[2], "024", functions["024"], 1, 2),
    ]
    # The 独自機能 of no business (row 7) goes to no file and is said so.
    assert result["not_distributed"] == [{"sheet": "独自機能", "key": "7", "reason": "関連業務IDが調査票の業務にない"}]
    part = load_workbook(folder / PARTS[2])
    assert part.sheetnames == [
        "説明",
        "024 国民健康保険",
        "独自機能",
        "業務連携",
        "標準の連携（参考）",
        "_fitgap",
        "_fitgap_split",
    ]
    assert part["_fitgap_split"].sheet_state == "hidden"
    custom = part["独自機能"]
    assert [custom.cell(row=4, column=c).value for c in (CUSTOM_COL["name"], CUSTOM_COL["business_id"])] == [
        "独自機能6",
        "024",
    ]
    assert custom.cell(row=5, column=CUSTOM_COL["name"]).value is None
    key = next(c for c in range(1, custom.max_column + 1) if custom.cell(row=3, column=c).value == ROW_KEY_HEADER)
    assert (
        custom.cell(row=4, column=key).value == 6
        and custom.column_dimensions[custom.cell(row=3, column=key).column_letter].hidden
    )
    links = part["業務連携"]
    assert [(links.cell(row=r, column=1).value, links.cell(row=r, column=2).value) for r in (4, 5)] == [
        ("住民基本台帳", "国民健康保険"),
        ("024", "001"),
    ]
    scored = cli("assess", "score", folder / PARTS[2], "--json")
    assert scored.exit_code in (0, 1), scored.stderr
    report = json.loads(scored.stdout)
    assert [b["business_id"] for b in report["businesses"]] == ["024"]
    assert report["total"]["functions"] == functions["024"]
    assert report["total"]["custom_functions"] == 1


def test_edits_in_two_copies_are_all_merged(cli: Cli, workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    split(cli, workbook, folder)
    before = cells(workbook)
    original = workbook.read_bytes()

    first = load_workbook(folder / PARTS[0])
    sheet = first["001 住民基本台帳"]
    a, b = row_of(sheet, "0019001"), row_of(sheet, "0019002")
    sheet.cell(row=a, column=COL["status"], value="保留")  # fill() writes no 保留, no 対応方針, no 2027-01-15
    sheet.cell(row=a, column=COL["policy"], value="窓口の手順書を改訂する")
    sheet.cell(row=b, column=COL["due"], value=dt.datetime(2027, 1, 15))
    first["独自機能"].cell(row=5, column=CUSTOM_COL["fate"], value="EUCで対応")
    first["独自機能"].cell(row=6, column=CUSTOM_COL["name"], value="窓口混雑表示")
    first["独自機能"].cell(row=6, column=CUSTOM_COL["business_id"], value="001")
    first.save(folder / PARTS[0])

    second = load_workbook(folder / PARTS[1])
    sheet = second["010 個人住民税"]
    c = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=COL["owner"]).value)
    function_id = sheet.cell(row=c, column=1).value
    sheet.cell(
        row=c, column=COL["gap_class"], value="適合" if sheet.cell(row=c, column=COL["gap_class"]).value else "FIT"
    )
    sheet.cell(row=c, column=COL["owner"]).value = None  # emptying a cell is an edit too
    second["業務連携"].cell(row=4, column=LINK_COL["note"], value="月次で連携")
    second.save(folder / PARTS[1])

    merged = tmp_path / "merged.xlsx"
    result = cli("assess", "merge", workbook, folder / PARTS[0], folder / PARTS[1], "-o", merged, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["conflicts"] == [] and report["not_merged"] == []
    assert [(p["file"], p["rows_changed"], p["cells_changed"], p["rows_added"]) for p in report["parts"]] == [
        (PARTS[0], 3, 4, 1),
        (PARTS[1], 2, 3, 0),
    ]
    sheet_01, sheet_10 = "001 住民基本台帳", "010 個人住民税"
    project = load_workbook(workbook)
    a, b = row_of(project[sheet_01], "0019001"), row_of(project[sheet_01], "0019002")
    c = row_of(project[sheet_10], function_id)
    gap = "適合" if project[sheet_10].cell(row=c, column=COL["gap_class"]).value else "FIT"
    added = 8  # below the four 独自機能 of fill() on rows 4–7
    letter = {field: project[sheet_01].cell(row=1, column=i).column_letter for field, i in COL.items()}
    custom_letter = {field: project["独自機能"].cell(row=1, column=i).column_letter for field, i in CUSTOM_COL.items()}
    link_letter = {field: project["業務連携"].cell(row=1, column=i).column_letter for field, i in LINK_COL.items()}
    expected = dict(before)
    expected[(sheet_01, f"{letter['status']}{a}")] = "保留"
    expected[(sheet_01, f"{letter['policy']}{a}")] = "窓口の手順書を改訂する"
    expected[(sheet_01, f"{letter['due']}{b}")] = dt.datetime(2027, 1, 15)
    expected[("独自機能", f"{custom_letter['fate']}5")] = "EUCで対応"
    expected[("独自機能", f"{custom_letter['name']}{added}")] = "窓口混雑表示"
    expected[("独自機能", f"{custom_letter['business_id']}{added}")] = "001"
    expected[(sheet_10, f"{letter['gap_class']}{c}")] = gap
    del expected[(sheet_10, f"{letter['owner']}{c}")]
    expected[("業務連携", f"{link_letter['note']}4")] = "月次で連携"
    assert cells(merged) == expected
    assert workbook.read_bytes() == original  # the project workbook itself is untouched without --force
    # Merging the same files again changes nothing more.
    again = cli("assess", "merge", merged, folder / PARTS[0], folder / PARTS[1], "-o", tmp_path / "m2.xlsx", "--json")
    assert again.exit_code == 0
    assert [p["cells_changed"] for p in json.loads(again.stdout)["parts"]] == [0, 0]


def test_a_conflict_is_listed_and_left_as_the_workbook_has_it(cli: Cli, workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    split(cli, workbook, folder)
    # The link 001 → 010 (project row 4) is in both files: two different notes.
    first = load_workbook(folder / PARTS[0])
    first["業務連携"].cell(row=4, column=LINK_COL["note"], value="日次")
    sheet = first["001 住民基本台帳"]
    sheet.cell(row=row_of(sheet, "0019003"), column=COL["policy"], value="方針A")  # also changed in the project
    sheet.cell(row=row_of(sheet, "0019004"), column=COL["practice"], value="紙で受付")  # no conflict
    first.save(folder / PARTS[0])
    second = load_workbook(folder / PARTS[1])
    second["業務連携"].cell(row=4, column=LINK_COL["note"], value="月次")
    second.save(folder / PARTS[1])
    project = load_workbook(workbook)
    project_sheet = project["001 住民基本台帳"]
    project_sheet.cell(row=row_of(project_sheet, "0019003"), column=COL["policy"], value="方針B")
    project.save(workbook)

    result = cli("assess", "merge", workbook, folder / PARTS[0], folder / PARTS[1], "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conflicts"] == [
        {
            "sheet": "001 住民基本台帳",
            "key": "0019003",
            "column": "対応方針",
            "kind": "workbook_changed",
            "at_split": "",
            "workbook": "方針B",
            "parts": [{"part": PARTS[0], "value": "方針A"}],
        },
        {
            "sheet": "業務連携",
            "key": "4",
            "column": "備考",
            "kind": "parts_differ",
            "at_split": "",
            "workbook": "",
            "parts": [{"part": PARTS[0], "value": "日次"}, {"part": PARTS[1], "value": "月次"}],
        },
    ]
    assert [(p["cells_changed"], p["conflicts"]) for p in report["parts"]] == [(1, 2), (0, 1)]
    merged = load_workbook(tmp_path / "m.xlsx")
    sheet = merged["001 住民基本台帳"]
    assert sheet.cell(row=row_of(sheet, "0019003"), column=COL["policy"]).value == "方針B"
    assert sheet.cell(row=row_of(sheet, "0019004"), column=COL["practice"]).value == "紙で受付"
    assert merged["業務連携"].cell(row=4, column=LINK_COL["note"]).value is None
    shown = cli("assess", "merge", workbook, folder / PARTS[0], folder / PARTS[1], "-o", tmp_path / "m.xlsx", "--force")
    assert shown.exit_code == 1
    assert "競合: 2（調査票の値のまま。確認して手で直してください）" in shown.stdout
    assert "方針B" in shown.stdout and f"{PARTS[1]}: 月次" in shown.stdout


def test_files_of_another_split_or_workbook_are_refused(cli: Cli, workbook: Path, tmp_path: Path) -> None:
    split(cli, workbook, tmp_path / "one")
    other = split(cli, workbook, tmp_path / "two")
    first, second = tmp_path / "one" / PARTS[0], tmp_path / "two" / PARTS[1]
    result = cli("assess", "merge", workbook, first, second, "-o", tmp_path / "m.xlsx")
    assert result.exit_code == 2
    split_ids = [load_workbook(p)["_fitgap_split"]["B2"].value[:8] for p in (second, first)]
    assert split_ids[0] == other["split_id"][:8]
    assert result.stderr == (
        f"エラー: {second}: {PARTS[0]} とは別の分割のファイルです（分割ID {split_ids[0]}、{PARTS[0]} は "
        f"{split_ids[1]}） — 一つの分割のファイルをまとめて取り込んでください。新しく配るには分割し直してください\n"
    )
    english = cli("assess", "merge", workbook, first, second, "-o", tmp_path / "m.xlsx", "--lang", "en")
    assert english.stderr == (
        f"Error: {second}: a file of another split than {PARTS[0]} (split {split_ids[0]}, not {split_ids[1]}) — "
        "merge the files of one split together; split again to hand out new files\n"
    )
    another = tmp_path / "another.xlsx"
    assert cli("assess", "template", "001", "-o", another).exit_code == 0
    result = cli("assess", "merge", another, first, "-o", tmp_path / "m.xlsx")
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {first}: この調査票ではなく、別の調査票（assessment.xlsx）から分割されたファイルです — "
        "分割元の調査票に取り込んでください\n",
    )
    result = cli("assess", "merge", workbook, workbook, "-o", tmp_path / "m.xlsx")
    assert result.exit_code == 2 and "'fitgap assess split' のファイルではありません" in result.stderr
    assert not (tmp_path / "m.xlsx").exists()
    # The project workbook is written only with --force, an existing file only with --force.
    result = cli("assess", "merge", workbook, first)
    assert result.exit_code == 2 and "取り込みの結果がプロジェクトの調査票に上書きされます" in result.stderr
    result = cli("assess", "split", workbook, "-o", tmp_path / "one")
    assert result.exit_code == 2 and "ファイル（ほか 2 件）がすでにあります（記入済みかもしれません）" in result.stderr
    assert cli("assess", "split", workbook, "-o", tmp_path / "one", "--force").exit_code == 0


def test_split_by_owner_and_merge_into_the_workbook(cli: Cli, workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "owners"
    result = split(cli, workbook, folder, "--by", "owner")
    owners = ["住民課", "保険年金課", "税務課", "担当未定"]
    assert [(f["part"], Path(f["file"]).name) for f in result["files"]] == [
        (o, f"assessment_担当_{o}.xlsx") for o in [*sorted(owners[:3]), "担当未定"]
    ]
    source = load_workbook(workbook)
    rows: dict[tuple[str, str], str] = {}  # every function row of the project -> its owner
    for sheet in source.worksheets:
        if sheet.title[:3].isdigit():
            for r in range(4, sheet.max_row + 1):
                rows[(sheet.title, sheet.cell(row=r, column=1).value)] = (
                    sheet.cell(row=r, column=COL["owner"]).value or "担当未定"
                )
    handed: dict[tuple[str, str], str] = {}
    for file in result["files"]:
        part = load_workbook(file["file"])
        for sheet in part.worksheets:
            if sheet.title[:3].isdigit():
                for r in range(4, sheet.max_row + 1):
                    assert (sheet.title, sheet.cell(row=r, column=1).value) not in handed
                    handed[(sheet.title, sheet.cell(row=r, column=1).value)] = file["part"]
        assert file["functions"] == sum(1 for o in rows.values() if o == file["part"])
    assert handed == rows  # each row in exactly the file of its 担当
    assert [f["custom"] for f in result["files"]] == [0, 0, 0, 4]
    assert [r["sheet"] for r in result["not_distributed"]] == ["業務連携"] * 4
    tax = folder / "assessment_担当_税務課.xlsx"
    scored = cli("assess", "score", tax, "--json")
    assert (
        scored.exit_code in (0, 1)
        and json.loads(scored.stdout)["total"]["functions"] == result["files"][2]["functions"]
    )
    part = load_workbook(tax)
    sheet = next(s for s in part.worksheets if s.title[:3].isdigit())
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=COL["status"]).value != "完了")
    function_id = sheet.cell(row=row, column=1).value
    sheet.cell(row=row, column=COL["status"], value="完了")
    part.save(tax)
    merged = cli("assess", "merge", workbook, tax, "--force", "--json")
    assert merged.exit_code == 0, merged.stderr
    assert json.loads(merged.stdout)["changes"] == [
        {
            "sheet": sheet.title,
            "key": function_id,
            "column": "状況",
            "old": source[sheet.title].cell(row=row_of(source[sheet.title], function_id), column=COL["status"]).value
            or "",
            "new": "完了",
            "parts": ["assessment_担当_税務課.xlsx"],
        }
    ]
    project = load_workbook(workbook)[sheet.title]
    assert project.cell(row=row_of(project, function_id), column=COL["status"]).value == "完了"


def test_a_row_that_moved_in_the_workbook_is_not_written_into(cli: Cli, workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    split(cli, workbook, folder)
    part = load_workbook(folder / PARTS[0])
    part["独自機能"].cell(row=5, column=CUSTOM_COL["status"], value="完了")  # 独自機能5, project row 5
    part.save(folder / PARTS[0])
    project = load_workbook(workbook)
    project["独自機能"].delete_rows(4)  # 独自機能6 is on row 5 now
    project.save(workbook)
    result = cli("assess", "merge", workbook, folder / PARTS[0], "-o", tmp_path / "m.xlsx", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["conflicts"] == [
        {
            "sheet": "独自機能",
            "key": "5",
            "column": "状況",
            "kind": "row_gone",
            "at_split": "対応中",
            "workbook": "",
            "parts": [{"part": PARTS[0], "value": "完了"}],
        }
    ]
    assert load_workbook(tmp_path / "m.xlsx")["独自機能"].cell(row=5, column=CUSTOM_COL["status"]).value is None
