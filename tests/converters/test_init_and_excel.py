"""convert init scaffolds a mapping; Excel sources convert like CSV."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from conftest import SHARED_FIXTURES, CliResult

Cli = Callable[..., CliResult]


def test_init_detects_and_guesses(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "residents.csv"
    source.write_bytes("宛名番号,氏名,性別,生年月日,備考\r\n1,森　花子,2,3600214,x\r\n".encode("cp932"))
    out = tmp_path / "m.yaml"
    result = cli("convert", "init", "--source", source, "--target", "001/住民", "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    detected = json.loads(result.stdout)
    assert (detected["encoding"], detected["delimiter"], detected["header"]) == ("cp932", ",", True)
    assert detected["matches"] == {
        "atenabango": "宛名番号",
        "shimei": "氏名",
        "seibetsu": "性別",
        "seinengappi": "生年月日",
    }
    assert detected["unused_columns"] == ["備考"]
    text = out.read_text(encoding="utf-8")
    assert "  # TODO setaibango: {from: COLUMN}  # 世帯番号 X(15) 必須\n" in text
    assert (
        '  atenabango: {from: "宛名番号", transforms: [{pad_left: {length: 15, char: "0"}}]}  '
        "# 宛名番号 X(15) 必須（名前から推測）\n"
    ) in text
    assert "  # seinengappi_fushohyoki: seinengappi の不詳表記がここに入ります（era_date）" in text
    assert cli("convert", "init", "--source", source, "--target", "001/住民", "-o", out).exit_code == 2


def test_init_on_the_japan_post_file(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "convert",
        "init",
        "--source",
        SHARED_FIXTURES / "jppost" / "JIGYOSYO.CSV",
        "--target",
        "011/大口事業所",
        "-o",
        tmp_path / "m.yaml",
        "--json",
    )
    detected = json.loads(result.stdout)
    assert (detected["encoding"], detected["header"], len(detected["columns"])) == ("cp932", False, 13)
    assert "columns: [" in (tmp_path / "m.yaml").read_text(encoding="utf-8")


def test_init_wrong_target(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("a\n1\n", encoding="utf-8")
    result = cli("convert", "init", "--source", source, "--target", "001/宛名", "-o", tmp_path / "m.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "エラー: 対象は 業務/グループ の形で指定してください（例: 001/住民） — 001 のグループ: 住民, 世帯\n"
    )


def test_excel_source(cli: Cli, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "宛名"
    sheet.append(["番号", "フラグ", "操作者", "操作日", "時刻"])
    sheet.append([1, 0, "OP1", "令和5年4月1日", "09:30"])
    sheet.append([2, 9, "OP1", "R050401", "0930"])
    workbook.save(tmp_path / "a.xlsx")
    (tmp_path / "m.yaml").write_text(
        "source: {format: xlsx, path: a.xlsx, sheet: 宛名}\n"
        "target: {business: '031', group: 住登外者宛名基本情報}\n"
        "items:\n  atenabango: {from: 番号}\n  daihyoatenafuragu: {from: フラグ}\n  sosashaid: {from: 操作者}\n"
        "  sosanengappi: {from: 操作日}\n  sosajikoku: {from: 時刻}\n  seinengappi_fushohyoki: {value: 不詳}\n",
        encoding="utf-8",
    )
    run = json.loads(cli("convert", "run", tmp_path / "m.yaml", "--db", tmp_path / "x.duckdb", "--json").stdout)
    assert (run["rows_read"], run["rows_loaded"], run["quarantine_by_reason"]) == (2, 1, {"CODE_NOT_IN_LIST": 1})
