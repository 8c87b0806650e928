"""The ``fitgap catalog`` commands, through the real error boundary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from spec_catalog import FunctionClass, load_embedded
from spec_catalog.store import write_business

from conftest import CliResult
from workbooks import function_workbook

Cli = Callable[..., CliResult]


def test_list_json_has_the_twenty_businesses_and_the_common_functions(cli: Cli) -> None:
    result = cli("catalog", "list", "--json")
    assert result.exit_code == 0, result.stderr
    businesses = json.loads(result.stdout)
    assert len([b for b in businesses if not b["common"]]) == 20
    assert len([b for b in businesses if b["common"]]) == 9
    first = businesses[0]
    assert (first["business_id"], first["name"], first["source"]) == ("001", "住民基本台帳", "sample")
    assert {b["business_id"] for b in businesses if b["common"]} == {f"0{n}" for n in range(29, 38)}


def test_list_table_says_sample(cli: Cli) -> None:
    result = cli("catalog", "list")
    assert result.exit_code == 0
    assert "SAMPLE / サンプル" in result.stdout
    assert "住民基本台帳" in result.stdout and "住登外者宛名番号管理" in result.stdout


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
    assert result.stderr.strip() == "Error: --group '住所' is not a group of 001 住民基本台帳 — groups: 住民, 世帯"
    result = cli("catalog", "show", "001", "--class", "maybe")
    assert result.exit_code == 2
    assert "--class: unknown 実装区分 'maybe'" in result.stderr


def test_show_unknown_business(cli: Cli) -> None:
    result = cli("catalog", "show", "999")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no business '999' in catalog fitgap embedded sample catalog — give")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_import_then_use_the_directory(cli: Cli, spec_workbook: Path, tmp_path: Path) -> None:
    target = tmp_path / "catalog"
    result = cli("catalog", "import", spec_workbook, "--into", target, "--json")
    assert result.exit_code == 0, result.stderr
    (imported,) = json.loads(result.stdout)
    assert (imported["business_id"], imported["items"], imported["source"]) == ("031", 29, "imported")
    shown = json.loads(cli("catalog", "show", "031", "--catalog", target, "--json").stdout)
    assert shown["source"] == "imported" and shown["functions"] == []
    listed = json.loads(cli("catalog", "list", "--catalog", target, "--json").stdout)
    assert {b["business_id"]: b["source"] for b in listed}["031"] == "imported"
    assert len(listed) == 29


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
    assert "functions of 024 国民健康保険 第5.0版 — 2 functions" in result.stdout


def test_export_excel_and_json(cli: Cli, tmp_path: Path) -> None:
    xlsx = tmp_path / "out" / "catalog.xlsx"
    assert cli("catalog", "export", "001", "031", "-o", xlsx).exit_code == 0
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames == ["業務一覧", "機能要件", "データ項目", "コード一覧", "業務連携"]
    items = workbook["データ項目"]
    assert str(items["A1"].value).startswith("SAMPLE / サンプル")
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
    assert bad.stderr.strip() == "Error: cannot export to 'catalog.csv' — give a file name ending in .xlsx or .json"


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
        "0010018",
        "標準オプション機能",
        "実装必須機能",
    )
    assert load_workbook(tmp_path / "diff.xlsx")["差分"].max_row == 3
    table = cli("catalog", "diff", old_file, new_file)
    assert "function_reclassified" in table.stdout
    assert cli("catalog", "diff", "embedded", "embedded").stdout.startswith("No differences")


def test_diff_of_a_missing_catalog(cli: Cli, tmp_path: Path) -> None:
    result = cli("catalog", "diff", "embedded", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'nope'}: no such catalog — give 'embedded', a catalog directory or a business .yaml file"
    )
