"""The ``fitgap catalog`` commands, through the real error boundary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from spec_catalog import FunctionClass, load_embedded
from spec_catalog.store import write_business

from conftest import CliResult
from workbooks import function_workbook, item, layout_workbook

Cli = Callable[..., CliResult]


NOT_IN_THE_EMBEDDED_CATALOG = ["005", "007", "008", "009", "014", "015", "016", "038", "039"]


def test_list_json_has_every_business_id_and_where_its_content_comes_from(cli: Cli) -> None:
    result = cli("catalog", "list", "--json")
    assert result.exit_code == 0, result.stderr
    businesses = json.loads(result.stdout)
    assert [b["business_id"] for b in businesses] == [f"{n:03d}" for n in range(1, 40)]
    assert len([b for b in businesses if b["kind"] == "core"]) == 20
    assert {b["business_id"] for b in businesses if b["common"]} == {f"0{n}" for n in range(29, 38)}
    by_id = {b["business_id"]: b for b in businesses}
    assert [b for b in by_id if not by_id[b]["in_catalog"]] == NOT_IN_THE_EMBEDDED_CATALOG
    parts = [(by_id[b]["source"], by_id[b]["origin"], by_id[b]["part_of"]) for b in ("005", "007", "008", "009")]
    assert parts == [(None, None, ["006"])] * 4
    assert {by_id[b]["part_of"][0] for b in ("014", "015", "016")} == {"010"}
    first = by_id["001"]
    assert (first["name"], first["source"], first["origin"], first["version_source"]) == (
        "住民基本台帳",
        "sample",
        "embedded",
        "unknown",
    )
    assert (by_id["018"]["held_by"], by_id["018"]["in_catalog"], by_id["018"]["source"]) == ("017", True, "sample")
    from spec_catalog.store import list_businesses

    assert businesses == [row.model_dump(mode="json") for row in list_businesses(None)]  # the JSON is the model


def test_list_table_says_where_each_business_comes_from(cli: Cli) -> None:
    result = cli("catalog", "list")
    assert result.exit_code == 0
    assert "サンプル: このカタログには fitgap のサンプル内容" in result.stdout
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│")}
    for business_id in NOT_IN_THE_EMBEDDED_CATALOG:
        assert "未収録" in lines[business_id]
    assert "期日前・不在者投票管理" in lines["007"] and "選挙（006 の一部）" in lines["007"]
    assert "サンプル, 組み込み" in lines["001"]
    assert "017 に収録: サンプル, 組み込み" in lines["018"]
    assert "版: --spec-version > ブック内の記載（Word の文書は表紙の記載） > ファイル名 > 不明。" in " ".join(
        result.stdout.split()
    )


def test_list_table_in_english(cli: Cli) -> None:
    result = cli("catalog", "list", "--lang", "en")
    assert result.exit_code == 0
    assert "SAMPLE: this catalog includes fitgap's sample content" in result.stdout
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "not in catalog" in lines["005"]
    assert "選挙 (part of 006)" in lines["007"]
    assert "held by 017: sample, embedded" in lines["018"]
    assert "version: --spec-version > cells (a Word document: its cover) > file name > unknown." in " ".join(
        result.stdout.split()
    )


def test_catalog_help_is_japanese_by_default(cli: Cli) -> None:
    result = cli("catalog", "import", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "公式のブックをカタログのフォルダに取り込みます" in text
    assert "機能一覧の列を指定します" in text
    assert "例: fitgap catalog import" in text
    assert "Import official workbooks" not in text
    english = " ".join(cli("--lang", "en", "catalog", "import", "--help").stdout.split())
    assert "Import official workbooks into a catalog directory" in english
    assert "公式のブック" not in english


def test_show_json_shape(cli: Cli) -> None:
    result = cli("catalog", "show", "031", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"business_id", "name", "functions", "layouts", "code_lists", "source"}
    assert set(data["functions"][0]) >= {"function_id", "name", "class"}
    (group,) = data["layouts"]
    assert group["name"] == "住登外者宛名基本情報" and len(group["items"]) == 29
    kojin = next(i for i in group["items"] if i["name"] == "個人番号")
    assert {
        k: kojin[k]
        for k in (
            "item_id",
            "romanized",
            "type",
            "length",
            "output_condition",
            "primary_key",
            "code_list",
            "personal_data",
        )
    } == {
        "item_id": "03100002",
        "romanized": "kojinbango",
        "type": "X",
        "length": 12,
        "output_condition": "任意",
        "primary_key": False,
        "code_list": None,
        "personal_data": True,
    }
    assert [c["code_list_id"] for c in data["code_lists"]] == ["001", "002", "999"]


def test_show_json_equals_the_library_model(cli: Cli) -> None:
    result = cli("catalog", "show", "024", "--json")
    from reports.masking import masked_samples

    expected = masked_samples(load_embedded().business("024")).model_dump(mode="json", by_alias=True)
    assert json.loads(result.stdout) == expected


def test_show_filters_by_class_and_group(cli: Cli) -> None:
    data = json.loads(cli("catalog", "show", "001", "--class", "実装不可機能", "--group", "世帯", "--json").stdout)
    assert {f["class"] for f in data["functions"]} == {"実装不可機能"}
    assert [g["name"] for g in data["layouts"]] == ["世帯"]
    table = cli("catalog", "show", "住民基本台帳", "--class", "option")
    assert table.exit_code == 0
    assert "標準オプション機能" in table.stdout and "実装必須機能" not in table.stdout


def test_show_unknown_group_and_class(cli: Cli) -> None:
    result = cli("catalog", "show", "001", "--group", "住所")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "エラー: --group '住所' は 001 住民基本台帳 のグループではありません — グループ: 住民, 世帯"
    )
    result = cli("catalog", "show", "001", "--class", "maybe")
    assert result.exit_code == 2
    assert "--class: 実装区分 'maybe' は使えません" in result.stderr
    english = cli("catalog", "show", "001", "--group", "住所", "--lang", "en")
    assert english.stderr.strip() == "Error: --group '住所' is not a group of 001 住民基本台帳 — groups: 住民, 世帯"


def test_show_unknown_business(cli: Cli) -> None:
    result = cli("catalog", "show", "999")
    assert result.exit_code == 2
    assert result.stderr.startswith("エラー: カタログ fitgap 組み込みカタログ（サンプル） に業務 '999' がありません — ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_import_then_use_the_directory(cli: Cli, spec_workbook: Path, tmp_path: Path) -> None:
    target = tmp_path / "catalog"
    result = cli("catalog", "import", spec_workbook, "--into", target, "--json")
    assert result.exit_code == 0, result.stderr
    (imported,) = json.loads(result.stdout)
    assert (imported["business_id"], imported["items"], imported["source"]) == ("031", 29, "imported")
    shown = json.loads(cli("catalog", "show", "031", "--catalog", target, "--json").stdout)
    embedded = load_embedded().business("031")
    assert shown["source"] == "imported" and len(shown["functions"]) == len(embedded.functions)  # kept
    listed = json.loads(cli("catalog", "list", "--catalog", target, "--json").stdout)
    assert {b["business_id"]: (b["source"], b["origin"]) for b in listed}["031"] == ("imported", "031.yaml")
    assert len(listed) == 39


def test_an_id_014_workbook_imports_and_shows_in_the_list(cli: Cli, tmp_path: Path) -> None:
    rows = [item(1, "納税義務者宛名番号", "nozeigimushaatenabango", "X", 15, "必須", business="014", group="収納")]
    path = layout_workbook(tmp_path / "収納管理.xlsx", rows)
    target = tmp_path / "catalog"
    result = cli("catalog", "import", path, "--into", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{path}: 014 収納管理 第2.1版 のデータレイアウト — 機能 0 件、グループ 1、データ項目 1 件、コード一覧 0 → "
        f"{target / '014_v2.1.yaml'}",
        "  シート '項目定義書': グループ 収納 のデータ項目 1 件（見出し 6 行目）",
        "  版: 第2.1版（ブック内の記載）",
    ]
    listed = {b["business_id"]: b for b in json.loads(cli("catalog", "list", "--catalog", target, "--json").stdout)}
    assert (listed["014"]["source"], listed["014"]["origin"], listed["014"]["spec_version"]) == (
        "imported",
        "014_v2.1.yaml",
        "第2.1版",
    )
    assert (listed["014"]["version_source"], listed["014"]["items"]) == ("cells", 1)
    table = cli("catalog", "list", "--catalog", target)
    line = next(x for x in table.stdout.splitlines() if x.startswith("│ 014"))
    assert "公式ファイルから取込, 014_v2.1.yaml" in line and "第2.1版 — ブック内の記載" in line


def test_import_says_what_each_sheet_gave(cli: Cli, spec_workbook: Path, tmp_path: Path) -> None:
    result = cli("catalog", "import", spec_workbook, "--into", tmp_path / "cat")
    assert result.exit_code == 0, result.stderr
    functions = len(load_embedded().business("031").functions)
    assert result.stdout.splitlines()[1:] == [
        "  シート '項目定義書（住登外者宛名番号管理）住登外者宛名基本情報': グループ 住登外者宛名基本情報 のデータ項目 "
        "29 件（見出し 6 行目）",
        "  シート 'コード一覧（個別）_住登外者宛名番号管理': コード一覧 001, 002, 999（見出し 4 行目）",
        "  シート '凡例）列項目説明': 読み飛ばし; 仕様の見出しがありません",
        "  シート '凡例）データ型': 読み飛ばし; 仕様の見出しがありません",
        "  版: -（不明）",
        f"  残した内容: 組み込みカタログ の機能 {functions} 件",
    ]
    english = cli("catalog", "import", spec_workbook, "--into", tmp_path / "cat-en", "--lang", "en")
    assert english.stdout.splitlines()[1:] == [
        "  sheet '項目定義書（住登外者宛名番号管理）住登外者宛名基本情報': 29 items of group 住登外者宛名基本情報 (header "
        "row 6)",
        "  sheet 'コード一覧（個別）_住登外者宛名番号管理': code lists 001, 002, 999 (header row 4)",
        "  sheet '凡例）列項目説明': skipped; no spec header",
        "  sheet '凡例）データ型': skipped; no spec header",
        "  version: - (unknown)",
        f"  kept: {functions} functions from embedded",
    ]


def test_an_item_sheet_that_cannot_be_read_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    path = layout_workbook(tmp_path / "bad.xlsx", [item(1, "宛名番号", "atenabango", "X", 15, "必須")])
    book = load_workbook(path)
    book["項目定義書"].unmerge_cells("P5:P6")
    book["項目定義書"]["P5"] = "出力"  # データ出力条件 renamed
    book.save(path)
    result = cli("catalog", "import", path, "--into", tmp_path / "cat")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"エラー: {path}: シート '項目定義書' は項目のシートのようですが（5 行目に データ項目ID, データ項目, "
        "データ項目（ローマ字）, グループ, データ型）、データ出力条件 の列がなく読めません — その列に項目定義書の"
        "見出しを付けるか、仕様の一部でなければシートを削除してください\n"
    )
    english = cli("catalog", "import", path, "--into", tmp_path / "cat", "--lang", "en")
    assert english.stderr == (
        f"Error: {path}: sheet '項目定義書' looks like an item sheet (row 5 has データ項目ID, データ項目, "
        "データ項目（ローマ字）, グループ, データ型) but cannot be read: no データ出力条件 column — give the column its "
        "項目定義書 header, or delete the sheet if it is not part of the specification\n"
    )


def test_diff_two_versions_held_in_one_directory(cli: Cli, spec_workbook: Path, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    assert cli("catalog", "import", spec_workbook, "--into", target, "--spec-version", "第2.0版").exit_code == 0
    functions = function_workbook(
        tmp_path / "f.xlsx",
        ["機能ID", "機能名称", "機能要件", "実装区分"],
        [["0310001", "付番", "付番する", "実装必須機能"]],
    )
    assert cli("catalog", "import", functions, "--into", target, "--spec-version", "第2.1版").exit_code == 0
    result = cli("catalog", "diff", f"{target}@第2.0版", f"{target}@第2.1版", "--json")
    assert result.exit_code == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert counts["version_changed"] == 1 and counts["function_renamed"] == 1
    assert counts["function_removed"] == len(load_embedded().business("031").functions) - 1


def test_import_with_named_columns(cli: Cli, tmp_path: Path) -> None:
    path = function_workbook(
        tmp_path / "f.xlsx",
        ["要件コード", "名称", "対応レベル"],
        [["0240001", "資格取得", "必須"], ["0240002", "医療費通知", "オプション"]],
    )
    result = cli(
        "catalog",
        "import",
        path,
        "--into",
        tmp_path / "cat",
        "--column",
        "機能ID=要件コード",
        "--column",
        "機能名称=名称",
        "--column",
        "実装区分=対応レベル",
    )
    assert result.exit_code == 0, result.stderr
    assert "024 国民健康保険 第5.0版 の機能一覧 — 機能 2 件" in result.stdout


def test_export_excel_and_json(cli: Cli, tmp_path: Path) -> None:
    xlsx = tmp_path / "out" / "catalog.xlsx"
    assert cli("catalog", "export", "001", "031", "-o", xlsx).exit_code == 0
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames == ["業務一覧", "機能要件", "データ項目", "コード一覧", "業務連携"]
    items = workbook["データ項目"]
    assert str(items["A1"].value).startswith("サンプル: ")
    assert "デジタル庁" in str(items["A2"].value)  # the attribution of the real 031 layout
    assert items["A3"].value == "業務ID"
    assert items.freeze_panes == "A4"
    assert items.auto_filter.ref == "A3:M65"
    assert items.max_row == 3 + 33 + 29
    assert items["A4"].font.name == "Meiryo"
    out = tmp_path / "catalog.json"
    assert cli("catalog", "export", "-o", out).exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 29
    bad = cli("catalog", "export", "-o", tmp_path / "catalog.csv")
    assert bad.exit_code == 2
    assert (
        bad.stderr.strip()
        == "エラー: 'catalog.csv' には書き出せません — 末尾が .xlsx か .json のファイル名を指定してください"
    )


def test_diff_two_versions(cli: Cli, tmp_path: Path) -> None:
    old = load_embedded().business("001").model_copy(update={"spec_version": "第4.0版"})
    functions = list(old.functions)
    functions[17] = functions[17].model_copy(update={"function_class": FunctionClass.MANDATORY})
    new = old.model_copy(update={"spec_version": "第5.0版", "functions": tuple(functions)})
    old_file, new_file = write_business(tmp_path / "a", old), write_business(tmp_path / "b", new)
    result = cli("catalog", "diff", old_file, new_file, "--json", "--xlsx", tmp_path / "diff.xlsx")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"] == {"version_changed": 1, "function_reclassified": 1}
    change = data["changes"][1]
    assert (change["target"], change["old"], change["new"]) == (
        "0019018",
        "標準オプション機能",
        "実装必須機能",
    )
    assert load_workbook(tmp_path / "diff.xlsx")["差分"].max_row == 3
    table = cli("catalog", "diff", old_file, new_file)
    assert "function_reclassified" in table.stdout
    assert cli("catalog", "diff", "embedded", "embedded").stdout == "embedded と embedded に違いはありません\n"


def test_diff_of_a_missing_catalog(cli: Cli, tmp_path: Path) -> None:
    result = cli("catalog", "diff", "embedded", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"エラー: {tmp_path / 'nope'}: そのようなカタログはありません — 'embedded'、カタログのフォルダ、"
        "DIRECTORY@VERSION または業務の .yaml ファイルを指定してください"
    )


def test_reports_written_in_a_project_name_its_municipality_on_every_printed_page(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    try:
        assert cli("catalog", "export", "001", "-o", tmp_path / "catalog.xlsx").exit_code == 0
        assert cli("catalog", "diff", "embedded", "embedded", "--xlsx", tmp_path / "diff.xlsx").exit_code == 0
    finally:
        defaults.project.cache_clear()
    for name in ("catalog.xlsx", "diff.xlsx"):
        book = load_workbook(tmp_path / name)
        assert {sheet.oddHeader.left.text for sheet in book.worksheets if sheet.sheet_state == "visible"} == {
            "013455 森町（北海道）"
        }, name
    assert load_workbook(tmp_path / "diff.xlsx").sheetnames == ["集計", "差分"]
