"""convert init, the gaps an audit of issue 14 found: 団体コード checked on the record's date by default, a layout
that lists the line break as its last field, a --layout that is no workbook, an export in another encoding
(EUC-JP), and what really happens to a mapping without a 必須 item."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from converters.scaffold.layout_file import read_layout
from spec_catalog.base import InputFileError

from conftest import CliResult
from workbooks import write_sheet

Cli = Callable[..., CliResult]
TARGET = ("--target", "001/住民")


def _csv(tmp_path: Path, lines: list[str], encoding: str = "cp932") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _init(cli: Cli, source: Path, out: Path, *more: str | Path) -> tuple[CliResult, dict[str, object]]:
    result = cli("convert", "init", "--source", source, *more, *TARGET, "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    detected: dict[str, object] = json.loads(result.stdout)
    return result, detected


# 団体コード on the record's date ------------------------------------------------------------------------------


def test_lgcode_is_proposed_with_the_records_date(cli: Cli, tmp_path: Path) -> None:
    # 01344 砂原町 was merged into 森町 on 2005-04-01: a record dated after it must not load it as valid.
    source = _csv(tmp_path, ["宛名NO,団体CD,異動日", "1,01345,4170401", "2,01345,4200101", "3,01344,4010401"])
    out = tmp_path / "m.yaml"
    _, detected = _init(cli, source, out)
    transforms = detected["transforms"]
    assert isinstance(transforms, dict)
    assert transforms["jusho_shikuchosonkodo"] == ["{lgcode: {in_force_on: idonengappi}}"]
    text = out.read_text(encoding="utf-8")
    assert (
        "  # jusho_shikuchosonkodo: in_force_on: レコードの日付 異動年月日（idonengappi）に有効だった団体コードかを"
        "確かめます（外すと「いずれかの時点で存在した」ことだけを確かめ、合併で廃止された後の日付のコードも通ります）\n"
        '  jusho_shikuchosonkodo: {from: "団体CD", transforms: [{lgcode: {in_force_on: idonengappi}}]}'
    ) in text


def test_lgcode_checks_the_date_in_the_run(cli: Cli, tmp_path: Path) -> None:
    """The proposal loads and does what it says: 砂原町's code on a record of 2008 is not in force."""
    source = _csv(tmp_path, ["宛名NO,団体CD,異動日", "1,01345,4170401", "2,01344,4200101", "3,01344,4010401"])
    out = tmp_path / "m.yaml"
    _init(cli, source, out)
    run = cli("convert", "run", out, "--db", tmp_path / "r.duckdb", "--json", "--accept-quarantine")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["quarantine_by_reason"]["LGCODE_NOT_IN_FORCE"] == 1


def test_lgcode_without_the_date_column_stays_bare_and_says_why(cli: Cli, tmp_path: Path) -> None:
    source = _csv(tmp_path, ["宛名NO,団体CD", "1,01345", "2,01344"])
    out = tmp_path / "m.yaml"
    _, detected = _init(cli, source, out)
    transforms = detected["transforms"]
    assert isinstance(transforms, dict)
    assert transforms["jusho_shikuchosonkodo"] == ["lgcode"]
    assert (
        "  # jusho_shikuchosonkodo: 異動年月日（idonengappi）に列がないため、団体コードは「いずれかの時点で存在した」"
        "ことだけを確かめます。その項目を埋めたら lgcode: {in_force_on: idonengappi} にしてください\n"
    ) in out.read_text(encoding="utf-8")


# A layout that lists the line break as its last field ---------------------------------------------------------


def _records(tmp_path: Path, terminator: bytes) -> Path:
    """Two 12-byte CP932 records: 宛名番号 (10), 性別 (1), 住民区分 (1)."""
    path = tmp_path / "export.dat"
    path.write_bytes(
        b"".join(a + s + k + terminator for a, s, k in [(b"0000000001", b"1", b"J"), (b"0000000002", b"2", b"G")])
    )
    return path


LAYOUT_ROWS: list[list[object]] = [
    ["項目名", "開始位置", "バイト数", "型"],
    ["宛名番号", 1, 10, "9"],
    ["性別", 11, 1, "9"],
    ["住民区分", 12, 1, "X"],
]
TERMINATORS = {
    "改行 CRLF xlsx": ("改行", 2, b"\r\n", "xlsx"),
    "CRLF csv": ("CRLF", 2, b"\r\n", "csv"),
    "改行コード csv": ("改行コード", 2, b"\r\n", "csv"),
    "LF csv": ("LF", 1, b"\n", "csv"),
    "full-width ＣＲ＋ＬＦ xlsx": ("ＣＲ＋ＬＦ", 2, b"\r\n", "xlsx"),
    "改行(LF) xlsx": ("改行（LF）", 1, b"\n", "xlsx"),
}


def _layout(tmp_path: Path, last: list[object], kind: str) -> Path:
    rows: list[list[object]] = [*LAYOUT_ROWS, last]
    if kind == "xlsx":
        return write_sheet(tmp_path / "layout.xlsx", rows, title="レイアウト")
    path = tmp_path / "layout.csv"
    path.write_bytes("".join(",".join(str(c) for c in row) + "\r\n" for row in rows).encode("cp932"))
    return path


@pytest.mark.parametrize(("name", "size", "terminator", "kind"), list(TERMINATORS.values()), ids=list(TERMINATORS))
def test_a_line_break_listed_as_the_last_field_is_dropped(
    cli: Cli, tmp_path: Path, name: str, size: int, terminator: bytes, kind: str
) -> None:
    layout = _layout(tmp_path, [name, 13, size, "X"], kind)
    read = read_layout(layout)
    assert [(f.name, f.start, f.length) for f in read.fields] == [
        ("宛名番号", 1, 10),
        ("性別", 11, 1),
        ("住民区分", 12, 1),
    ]
    assert read.record_length == 12
    assert read.terminator_field is not None and (read.terminator_field.name, read.terminator_field.row) == (name, 5)
    out = tmp_path / "m.yaml"
    _, detected = _init(cli, _records(tmp_path, terminator), out, "--layout", layout)
    note = (
        f"レイアウトの最後のフィールド {name}（{size} バイト、{layout.name} の 5 行目）は改行なので、フィールドにして"
        "いません（改行は terminator に書きます）"
    )
    assert (detected["record_length"], detected["terminator"]) == (12, "crlf" if size == 2 else "lf")
    warnings = detected["warnings"]
    assert isinstance(warnings, list) and note in warnings
    text = out.read_text(encoding="utf-8")
    assert f'    - {{name: "住民区分", start: 12, length: 1}}  # 型 X\n  # {note}\n' in text
    run = cli("convert", "run", out, "--dry-run", "--json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["rows_read"] == 2


NOT_LINE_BREAKS = {"3 bytes are no line break": ("改行", 3), "another name": ("備考", 2), "CR alone": ("CR", 1)}


@pytest.mark.parametrize(("name", "size"), list(NOT_LINE_BREAKS.values()), ids=list(NOT_LINE_BREAKS))
def test_a_last_field_that_is_no_line_break_stays(tmp_path: Path, name: str, size: int) -> None:
    read = read_layout(_layout(tmp_path, [name, 13, size, "X"], "csv"))
    assert (read.fields[-1].name, read.record_length, read.terminator_field) == (name, 12 + size, None)


def test_the_english_note(cli: Cli, tmp_path: Path) -> None:
    layout = _layout(tmp_path, ["改行", 13, 2, "X"], "csv")
    result = cli(
        "convert", "init", "--source", _records(tmp_path, b"\r\n"), "--layout", layout, *TARGET, "-o",
        tmp_path / "m.yaml", "--json", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        "the layout's last field 改行 (2 bytes, row 5 of layout.csv) is the line break: it is no field (the line "
        "break is the terminator)"
    ) in json.loads(result.stdout)["warnings"]


# A --layout that is no workbook ---------------------------------------------------------------------------------


def test_a_layout_that_is_no_workbook_gets_the_layouts_hint(cli: Cli, tmp_path: Path) -> None:
    layout = tmp_path / "layout.xlsx"
    layout.write_text("項目名,開始位置,バイト数\n", encoding="utf-8")  # a CSV saved under the wrong name
    args = ("convert", "init", "--source", _records(tmp_path, b"\r\n"), "--layout", layout, *TARGET)
    result = cli(*args, "-o", tmp_path / "m.yaml")
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {layout}: .xlsx のブックではありません（ZIP/OOXML の形式ではありません） — 業者から受け取った"
        "レコードレイアウトを .xlsx か .csv で指定してください\n",
    )
    english = cli(*args, "-o", tmp_path / "m.yaml", "--lang", "en")
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: {layout}: not an .xlsx workbook (the file is not a ZIP/OOXML package) — give the record layout you "
        "received from the vendor as .xlsx or .csv\n",
    )


DAMAGED = {
    "a ZIP that is no workbook": (
        b"",
        "ブックが壊れていて読めません（KeyError）",
        "Excel で開いて保存し直すか、もう一度ダウンロードしてください",
    ),
    "an old .xls named .xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
        "古い .xls（Excel 97-2003）のファイルで、.xlsx ではありません",
        "Excel で .xlsx として保存してください",
    ),
}


@pytest.mark.parametrize(("data", "message", "hint"), list(DAMAGED.values()), ids=list(DAMAGED))
def test_a_damaged_or_old_layout_workbook_keeps_its_own_hint(
    tmp_path: Path, data: bytes, message: str, hint: str
) -> None:
    """Only a file that is no workbook at all gets the layout's hint: open_workbook's own say how to fix the
    workbook."""
    layout = tmp_path / "layout.xlsx"
    if data:
        layout.write_bytes(data)
    else:
        with zipfile.ZipFile(layout, "w") as package:
            package.writestr("readme.txt", "no workbook")
    with pytest.raises(InputFileError) as caught:
        read_layout(layout)
    assert (caught.value.message, caught.value.hint) == (message, hint)


# An export in another encoding ---------------------------------------------------------------------------------

EUC_NAMES = ["東京都千代田区", "鈴木　一郎", "田中　美咲", "小林　結衣", "吉田　さくら", "赤井川", "尾白内"]


def test_an_euc_jp_export_stops_with_one_line(cli: Cli, tmp_path: Path) -> None:
    # EUC-JP often decodes as CP932 half-width kana; these names do not, in either: the file is in another encoding.
    lines = ["宛名番号,氏名"] + [f"{n},{EUC_NAMES[n % len(EUC_NAMES)]}" for n in range(1, 41)]
    source = _csv(tmp_path, lines, "euc_jp")
    out = tmp_path / "m.yaml"
    result = cli("convert", "init", "--source", source, *TARGET, "-o", out)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"エラー: {source}: 文字コードが UTF-8 でも CP932 でもありません: 41 行のうち 41 行（100%）はどちらとしても"
        "読めません（EUC-JP やメインフレームの文字コードなど） — CP932 か UTF-8 で出力し直すよう依頼するか、"
        "文字コードが分かっていれば（euc_jp など）マッピングを手で書き、source の encoding: に指定してください\n",
    )
    assert not out.exists()


def _mixed(tmp_path: Path, bad: int) -> Path:
    """A header and 40 lines, the last ``bad`` of them in EUC-JP (which decode in neither UTF-8 nor CP932)."""
    good = [f"{n},森　花子".encode("cp932") for n in range(1, 41 - bad)]
    broken = [f"{n},".encode() + "鈴木　一郎".encode("euc_jp") for n in range(41 - bad, 41)]
    source = tmp_path / "export.csv"
    source.write_bytes(b"\r\n".join(["宛名番号,氏名".encode("cp932"), *good, *broken]) + b"\r\n")
    return source


def test_up_to_30_percent_undecodable_goes_on_with_cp932(cli: Cli, tmp_path: Path) -> None:
    _, detected = _init(cli, _mixed(tmp_path, 12), tmp_path / "m.yaml")  # 12 of 41 lines: 29 %
    assert (detected["encoding"], detected["lines_not_decoded"]) == ("cp932", 12)


def test_over_30_percent_undecodable_stops(cli: Cli, tmp_path: Path) -> None:
    result = cli("convert", "init", "--source", _mixed(tmp_path, 13), *TARGET, "-o", tmp_path / "m.yaml", "--json")
    assert (result.exit_code, json.loads(result.stdout)["error"]["message"]) == (
        2,
        "文字コードが UTF-8 でも CP932 でもありません: 41 行のうち 13 行（32%）はどちらとしても読めません"
        "（EUC-JP やメインフレームの文字コードなど）",
    )
    assert not (tmp_path / "m.yaml").exists()


# A 必須 item with no column -------------------------------------------------------------------------------------


def test_a_required_item_without_a_column_says_what_the_run_does(cli: Cli, tmp_path: Path) -> None:
    source = _csv(tmp_path, ["宛名番号,性別", "1,1", "2,2"])
    _, detected = _init(cli, source, tmp_path / "m.yaml")
    warnings = detected["warnings"]
    assert isinstance(warnings, list)
    assert (
        "必須項目 idonengappi（異動年月日）に列がありません。convert run は実行されますが、どの行もこの項目が空のため"
        "移行エラー（REQUIRED_MISSING）になり、移行エラーが基準を超えるので公開ガードが変換を却下します。この項目に"
        "列を読ませるか、定数（{value: …}）か複数の列から作ってください"
    ) in warnings
    run = cli("convert", "run", tmp_path / "m.yaml", "--db", tmp_path / "r.duckdb", "--json")
    converted = json.loads(run.stdout)
    assert (converted["status"], converted["rows_read"], converted["rows_quarantined"]) == ("rejected", 2, 2)
    assert converted["rejected_code"] == "RUN_QUARANTINE_OVER_THRESHOLD"
