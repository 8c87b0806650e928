"""``fitgap catalog`` on where content comes from: official content and its 出典, a Word import said in the words
of a document, files taken for what they are, and hand-set sensitivity kept across a re-import."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml
from openpyxl import load_workbook

from conftest import SHARED_FIXTURES, CliResult
from workbooks import item, layout_workbook

Cli = Callable[..., CliResult]
SPEC_DOCUMENT = SHARED_FIXTURES / "digital-agency" / "common-feature-spec-v2.1.docx"
OFFICIAL = "公式（共通機能標準仕様書 第2.1版を加工して作成）, 組み込み"
FUNCTIONS_SOURCE = "出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書【第2.1版】」(PDL 1.0) を加工して作成"


def test_list_marks_031_and_032_official_with_the_document_they_come_from(cli: Cli) -> None:
    listed = {b["business_id"]: b for b in json.loads(cli("catalog", "list", "--json").stdout)}
    assert [(listed[b]["source"], listed[b]["spec_version"]) for b in ("031", "032")] == [("official", "第2.1版")] * 2
    assert listed["001"]["source"] == "sample"
    table = cli("catalog", "list")
    lines = {line.split("│")[1].strip(): line for line in table.stdout.splitlines() if line.startswith("│")}
    assert OFFICIAL in lines["031"] and OFFICIAL in lines["032"]
    english = cli("catalog", "list", "--lang", "en")
    lines = {line.split("│")[1].strip(): line for line in english.stdout.splitlines() if line.startswith("│")}
    assert "official (processed from 共通機能標準仕様書 第2.1版), embedded" in lines["031"]


def test_show_gives_the_attribution_of_official_functions(cli: Cli) -> None:
    result = cli("catalog", "show", "032")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "収録: 公式（共通機能標準仕様書 第2.1版を加工して作成）" in text
    assert FUNCTIONS_SOURCE.replace(" ", "") in text.replace(" ", "")  # (rich may fold the line)
    assert "サンプル:" not in text


def test_export_carries_the_attribution_on_the_function_sheet(cli: Cli, tmp_path: Path) -> None:
    assert cli("catalog", "export", "032", "-o", tmp_path / "c.xlsx").exit_code == 0
    assert load_workbook(tmp_path / "c.xlsx")["機能要件"]["A1"].value == FUNCTIONS_SOURCE


def test_a_word_import_is_told_in_the_words_of_a_document(cli: Cli, tmp_path: Path) -> None:
    result = cli("catalog", "import", SPEC_DOCUMENT, "--into", tmp_path / "cat")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:3] == [
        "  本文: 機能 12 件; 12 件は実装区分の記載がなく、実装必須機能として仮置きしました（要件の本文を参照）",
        "  表 1 表 1-1　標準化対象機能の類型: 読み飛ばし; 節 1.6 標準化基準の作成方針; 3 行、機能一覧ではありません",
    ]
    assert lines[-2:] == [  # 032: nothing to keep, the embedded 032 has no layout
        "  本文: 機能 6 件; 6 件は実装区分の記載がなく、実装必須機能として仮置きしました（要件の本文を参照）",
        "  版: 第2.1版（表紙の記載）",
    ]
    assert "シート" not in result.stdout and "ブック" not in result.stdout
    english = cli("catalog", "import", SPEC_DOCUMENT, "--into", tmp_path / "en", "--lang", "en").stdout.splitlines()
    assert english[1].startswith("  body text: 12 functions; ")
    assert "  version: 第2.1版 (the cover)" in english
    assert not any("sheet" in line or "cells" in line for line in english)
    listed = {
        b["business_id"]: b for b in json.loads(cli("catalog", "list", "--catalog", tmp_path / "cat", "--json").stdout)
    }
    assert listed["031"]["version_source"] == "cover"


def test_a_word_document_named_xlsx_imports_and_a_pdf_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    renamed = tmp_path / "共通機能標準仕様書.xlsx"
    shutil.copyfile(SPEC_DOCUMENT, renamed)
    result = cli("catalog", "import", renamed, "--into", tmp_path / "cat", "--json")
    assert result.exit_code == 0, result.stderr
    assert [(r["business_id"], r["file_kind"]) for r in json.loads(result.stdout)] == [
        ("031", "document"),
        ("032", "document"),
    ]
    pdf = tmp_path / "共通機能標準仕様書.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    refused = cli("catalog", "import", pdf, "--into", tmp_path / "cat")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"エラー: {pdf}: PDF のファイルは読めません — 標準仕様書は Word（.docx）のファイルを、項目定義書や機能一覧は "
        "Excel（.xlsx）のファイルを指定してください\n"
    )


def test_a_function_sheet_with_part_of_its_header_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    path = layout_workbook(tmp_path / "l.xlsx", [item(1, "宛名番号", "atenabango", "X", 15, "必須")])
    book = load_workbook(path)
    sheet = book.create_sheet("機能一覧")
    sheet.append(["機能ID", "機能名称", "区分け"])
    sheet.append(["0010001", "転入", "実装必須機能"])
    book.save(path)
    result = cli("catalog", "import", path, "--into", tmp_path / "cat")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"エラー: {path}: シート '機能一覧' は機能一覧のシートのようですが（1 行目に 機能ID, 機能名称）、実装区分 の列が"
        "なく読めません — その列に機能一覧の見出しを付けるか、仕様の一部でなければシートを削除してください\n"
    )


def test_a_reimport_says_it_kept_a_hand_set_sensitivity(cli: Cli, spec_workbook: Path, tmp_path: Path) -> None:
    target = tmp_path / "cat"
    assert cli("catalog", "import", spec_workbook, "--into", target, "--spec-version", "第2.1版").exit_code == 0
    path = target / "031_v2.1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    seibetsu = next(i for g in data["layouts"] for i in g["items"] if i["romanized"] == "seibetsu")
    seibetsu["sensitivity"] = "personal"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = cli("catalog", "import", spec_workbook, "--into", target, "--spec-version", "第2.1版")
    assert result.exit_code == 0, result.stderr
    assert "  手で設定した sensitivity（個人情報の区分）を引き継ぎました: 03100011" in result.stdout.splitlines()
    shown = json.loads(cli("catalog", "show", "031", "--catalog", target, "--json").stdout)
    assert next(i for i in shown["layouts"][0]["items"] if i["romanized"] == "seibetsu")["sensitivity"] == "personal"
