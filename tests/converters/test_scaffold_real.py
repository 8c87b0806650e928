"""convert init on exports as they really are: encoding by the share of lines that decode, fixed width with the
vendor's record layout, name matching with legacy spellings, proposed transforms, code-table skeletons — and the
toolkit's own samples scaffold, run and load at least 95 % of rows once only the code tables are filled."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from converters.scaffold import names
from converters.scaffold.encoding import detect_encoding
from converters.scaffold.layout_file import read_layout
from spec_catalog import load_embedded
from spec_catalog.base import InputFileError

from conftest import CliResult
from workbooks import write_sheet


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the messages (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


Cli = Callable[..., CliResult]
GROUP = load_embedded().business("001").group("住民")
assert GROUP is not None
ITEMS = GROUP.items

# The sample's 22 columns and the items they fill (every column is matched).
SAMPLE_MATCHES = {
    "atenabango": "宛名番号",
    "setaibango": "世帯番号",
    "juminhyokodo": "住民票コード",
    "kojinbango": "個人番号",
    "shimei": "氏名",
    "shimei_yomigana": "氏名カナ",
    "seinengappi": "生年月日",
    "seibetsu": "性別",
    "zokugara": "続柄",
    "juminkubun": "住民区分",
    "jusho_shikuchosonkodo": "団体コード",
    "jusho_choazakodo": "町字コード",
    "jusho_yubinbango": "郵便番号",
    "jusho_choaza": "町字",
    "jusho_banchigohyoki": "番地",
    "jusho_katagaki": "方書",
    "juminnonattanengappi": "住民日",
    "idojiyu": "異動事由",
    "idonengappi": "異動日",
    "sosashaid": "操作者",
    "sosanengappi": "操作日",
    "sosajikoku": "操作時刻",
}
SAMPLE_TRANSFORMS = {
    "atenabango": ['{pad_left: {length: 15, char: "0"}}'],
    "setaibango": ['{pad_left: {length: 15, char: "0"}}'],
    "seibetsu": ["{code: seibetsu}"],
    "zokugara": ["{code: zokugara}"],
    "juminkubun": ["{code: juminkubun}"],
    "jusho_shikuchosonkodo": ["{lgcode: {in_force_on: idonengappi}}"],  # checked on the record's 異動年月日
    "jusho_yubinbango": ["postal"],
    "idojiyu": ["{code: idojiyu}"],
}
SAMPLE_TODO = ["shimeimiteikubun", "jusho_todofuken", "jusho_shikugunchosonmei", "shojonengappi"]


# Encoding ---------------------------------------------------------------------------------------------------


def _lines(text: str, encoding: str, count: int = 40) -> list[bytes]:
    return [f"{n},{text}".encode(encoding) for n in range(count)]


ENCODINGS = {
    "cp932 with one bad line": (
        [*_lines("森　花子,ｻﾄｳ", "cp932")[:20], b"20,\x85\x40\x85\x40", *_lines("髙橋①", "cp932")[21:]],
        False,
        ("cp932", (21,), 1),
    ),
    "cp932": (_lines("㈱髙﨑,ｶﾞ", "cp932"), False, ("cp932", (), 0)),
    "utf-8": (_lines("森　花子,髙橋", "utf-8"), False, ("utf-8", (), 0)),
    "utf-8 with a BOM": (_lines("森　花子", "utf-8"), True, ("utf-8-sig", (), 0)),
    "utf-8 with two bad lines": (
        [*_lines("森", "utf-8")[:30], b"x,\xff", b"y,\x96\x58", *_lines("森", "utf-8")[32:]],
        False,
        ("utf-8", (31, 32), 2),
    ),
    "ascii": (_lines("abc", "ascii"), False, ("utf-8", (), 0)),
}


@pytest.mark.parametrize(("lines", "bom", "expected"), list(ENCODINGS.values()), ids=list(ENCODINGS))
def test_encoding_is_decided_by_the_share_of_lines(
    lines: list[bytes], bom: bool, expected: tuple[str, tuple[int, ...], int]
) -> None:
    guess = detect_encoding(lines, Path("x.csv"), bom=bom)
    assert (guess.encoding, guess.bad_lines, guess.bad_count, guess.lines) == (*expected, len(lines))


def test_neither_encoding_when_most_lines_fail() -> None:
    # Mostly ASCII lines: 6 of 30 (20 %) decode in neither, but no encoding reads most of the lines that tell.
    lines = [b"1,\x85\x40\xff"] * 6 + _lines("森", "cp932", 4) + _lines("abc", "ascii", 20)
    with pytest.raises(InputFileError) as caught:
        detect_encoding(lines, Path("x.csv"))
    assert caught.value.one_line() == (
        "x.csv: neither UTF-8 nor CP932: of 10 lines with non-ASCII bytes, 0 decode as UTF-8 and 4 as CP932 — ask "
        "for a CP932 or UTF-8 re-export (mainframe encodings such as cp930, cp939, ibm930, ibm939, jef, keis cannot "
        "be read)"
    )


# Names ------------------------------------------------------------------------------------------------------

NAMES = {
    "氏名カナ": "shimei_yomigana",
    "氏名ｶﾅ": "shimei_yomigana",
    "氏名かな": "shimei_yomigana",
    "氏名フリガナ": "shimei_yomigana",
    "氏名読み": "shimei_yomigana",
    "カナ氏名": "shimei_yomigana",
    "ﾌﾘｶﾞﾅ": "shimei_yomigana",
    "生年月日": "seinengappi",
    "生年": "seinengappi",
    "誕生日": "seinengappi",
    "BIRTH": "seinengappi",
    "団体コード": "jusho_shikuchosonkodo",
    "団体CD": "jusho_shikuchosonkodo",
    "市町村コード": "jusho_shikuchosonkodo",
    "自治体コード": "jusho_shikuchosonkodo",
    "番地": "jusho_banchigohyoki",
    "地番": "jusho_banchigohyoki",
    "郵便番号": "jusho_yubinbango",
    "〒": "jusho_yubinbango",
    "郵便": "jusho_yubinbango",
    "ZIP": "jusho_yubinbango",
    "性別": "seibetsu",
    "性": "seibetsu",
    "SEX": "seibetsu",
    "宛名NO": "atenabango",
    "宛名ＣＤ": "atenabango",
    "宛名番号": "atenabango",
    "atena_bango": "atenabango",
    "個人番号": "kojinbango",
    "異動日": "idonengappi",
    "住民日": "juminnonattanengappi",
    "操作者": "sosashaid",
    "町字": "jusho_choaza",
    "方書": "jusho_katagaki",
    "備考": None,
    "予備": None,
}


@pytest.mark.parametrize(("column", "item"), list(NAMES.items()), ids=list(NAMES))
def test_a_legacy_column_name_finds_its_item(column: str, item: str | None) -> None:
    found = names.match(ITEMS, [column])
    assert {k: v[0] for k, v in found.items()} == ({item: column} if item else {})


def test_a_my_number_is_never_an_atena_number() -> None:
    atena = [i for i in ITEMS if i.romanized in ("atenabango", "setaibango")]
    assert names.match(atena, ["個人番号", "マイナンバー"]) == {}
    kojin = [i for i in ITEMS if i.romanized == "kojinbango"]
    assert names.match(kojin, ["宛名番号", "宛名NO"]) == {}


def test_each_column_fills_one_item_the_surest_first() -> None:
    found = names.match(ITEMS, ["宛名NO", "世帯NO", "生年", "異動日", "住民日"])
    assert found == {
        "atenabango": ("宛名NO", 1.0),
        "setaibango": ("世帯NO", 1.0),
        "seinengappi": ("生年", 1.0),
        "juminnonattanengappi": ("住民日", 1.0),
        "idonengappi": ("異動日", 1.0),
    }


# Record layouts ---------------------------------------------------------------------------------------------


def test_layout_workbook_with_order_and_digits_only(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "layout.xlsx",
        [
            ["住民情報ファイル レコードレイアウト"],
            ["作成 2025-04-01", None, None, "（単位: バイト）"],
            [],
            ["No.", "項目名称", "属性", "桁数", "備考"],
            [2, "氏名", "N", 20, "全角"],
            [1, "宛名番号", "9", 10, None],
            ["【住所】", None, None, None, None],
            [3, "郵便番号", "X", "８", "ハイフン付き"],
        ],
        title="レイアウト",
    )
    layout = read_layout(path)
    assert [(f.name, f.start, f.length, f.type) for f in layout.fields] == [
        ("宛名番号", 1, 10, "9"),
        ("氏名", 11, 20, "N"),
        ("郵便番号", 31, 8, "X"),
    ]
    assert (layout.record_length, layout.length_label, layout.positions_from, layout.gaps) == (38, "桁数", "no.", ())


HEADERS = {
    "項目名,開始位置,バイト数,型": ("項目名,開始位置,バイト数,型", "1"),
    "フィールド名,Start,Length,Type": ("フィールド名,Start,Length,Type", "1"),
    "項目,開始桁,バイト長,データ型": ("項目,開始桁,バイト長,データ型", "1"),
    "zero-based offsets": ("名称,Offset,Bytes,属性", "0"),
}


@pytest.mark.parametrize(("header", "first"), list(HEADERS.values()), ids=list(HEADERS))
def test_layout_csv_header_spellings(tmp_path: Path, header: str, first: str) -> None:
    base = int(first)
    rows = [header, f"宛名番号,{base},10,9", f"予備,{base + 10},2,X", f"氏名,{base + 12},20,N", f"予備,{base + 32},4,X"]
    path = tmp_path / "layout.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp932"))
    layout = read_layout(path)
    assert [(f.name, f.start, f.length) for f in layout.fields] == [
        ("宛名番号", 1, 10),
        ("予備", 11, 2),
        ("氏名", 13, 20),
        ("予備_2", 33, 4),
    ]


def test_layout_overlap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "layout.csv"
    path.write_text("項目名,開始位置,バイト数\n宛名番号,1,10\n氏名,9,20\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_layout(path)
    assert caught.value.one_line() == (
        f"{path}:3: fields 宛名番号 (bytes 1–10) and 氏名 (from byte 9) overlap — check 開始位置 and バイト数 of "
        "these rows"
    )


def test_layout_without_a_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "layout.csv"
    path.write_text("宛名番号,1,10\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_layout(path)
    assert caught.value.one_line() == (
        f"{path}: no header row with 項目名 and バイト数 (or 桁数) in the first 30 rows — the layout needs the "
        "columns 項目名, 開始位置 or 順序, バイト数 or 桁数, and 型"
    )


def _records(tmp_path: Path, terminator: bytes = b"\r\n") -> Path:
    """Three 32-byte CP932 records: 宛名番号 (10), 氏名 (20), 性別 (1), 住民区分 (1)."""
    rows = [
        ("0000000001", "森　花子", "2", "J"),
        ("0000000002", "佐藤　太郎", "1", "J"),
        ("0000000003", "髙橋", "2", "G"),
    ]
    data = b"".join(
        a.encode() + n.encode("cp932").ljust(20, b" ") + s.encode() + k.encode() + terminator for a, n, s, k in rows
    )
    path = tmp_path / "export.dat"
    path.write_bytes(data)
    return path


def _layout_csv(tmp_path: Path, rows: list[str], name: str = "layout.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp932"))
    return path


LAYOUT_32 = ["順序,項目名,桁数,型", "1,宛名番号,10,9", "2,氏名,20,N", "3,性別,1,9", "4,住民区分,1,X"]


def test_fixed_width_without_layout_is_one_line(cli: Cli, tmp_path: Path) -> None:
    source = _records(tmp_path)
    result = cli("convert", "init", "--source", source, "--target", "001/住民", "-o", tmp_path / "m.yaml")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: fixed-width records of 32 bytes (CRLF) with no delimiter: the fields need the record "
        "layout — pass --layout FILE (the record layout: Excel or CSV with 項目名, 開始位置 or 順序, バイト数 or 桁数, "
        "型)\n",
    )
    assert not (tmp_path / "m.yaml").exists()


@pytest.mark.parametrize(("terminator", "written"), [(b"\r\n", "crlf"), (b"\n", "lf"), (b"", "none")])
def test_fixed_width_with_layout_scaffolds(cli: Cli, tmp_path: Path, terminator: bytes, written: str) -> None:
    source = _records(tmp_path, terminator)
    layout = _layout_csv(tmp_path, LAYOUT_32)
    out = tmp_path / "m.yaml"
    result = cli("convert", "init", "--source", source, "--layout", layout, "--target", "001/住民", "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    detected = json.loads(result.stdout)
    assert (detected["format"], detected["terminator"], detected["record_length"], detected["layout"]) == (
        "fixed",
        written,
        32,
        "layout.csv",
    )
    assert detected["matches"] == {
        "atenabango": "宛名番号",
        "shimei": "氏名",
        "seibetsu": "性別",
        "juminkubun": "住民区分",
    }
    text = out.read_text(encoding="utf-8")
    assert (
        "  fields:  # from layout.csv: positions by 順序, bytes by 桁数\n"
        '    - {name: "宛名番号", start: 1, length: 10}  # 型 9\n'
        '    - {name: "氏名", start: 11, length: 20}  # 型 N\n'
        '    - {name: "性別", start: 31, length: 1}  # 型 9\n'
        '    - {name: "住民区分", start: 32, length: 1}  # 型 X\n'
    ) in text
    assert f"  terminator: {written}\n" in text


def test_layout_that_does_not_fit_the_records(cli: Cli, tmp_path: Path) -> None:
    source = _records(tmp_path)
    layout = _layout_csv(tmp_path, ["項目名,開始位置,バイト数", "宛名番号,1,10", "氏名,11,20"])
    result = cli(
        "convert", "init", "--source", source, "--layout", layout, "--target", "001/住民", "-o", tmp_path / "m.yaml"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: the layout layout.csv covers 30 bytes a record but the records are 32 bytes (CRLF) — "
        "check the layout against the export (a missing or extra field, a wrong バイト数)\n",
    )


def test_digits_counting_characters_get_their_own_hint(cli: Cli, tmp_path: Path) -> None:
    source = _records(tmp_path)
    layout = _layout_csv(
        tmp_path, ["順序,項目名,桁数,型", "1,宛名番号,10,9", "2,氏名,10,N", "3,性別,1,9", "4,区分,1,X"]
    )
    result = cli(
        "convert", "init", "--source", source, "--layout", layout, "--target", "001/住民", "-o", tmp_path / "m.yaml"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: the layout layout.csv covers 22 bytes a record but the records are 32 bytes (CRLF) — the "
        "桁数 of the double-byte (N) fields seem to count characters: give バイト数 (2 bytes a character) in the "
        "layout\n",
    )


def test_a_layout_for_a_delimited_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("宛名番号,性別\n1,1\n22,2\n333,1\n", encoding="utf-8")
    layout = _layout_csv(tmp_path, LAYOUT_32)
    args = ("--source", source, "--layout", layout, "--target", "001/住民", "-o", tmp_path / "m.yaml")
    result = cli("convert", "init", *args)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: the file is delimited (','), not fixed width — leave out --layout\n",
    )


def test_lines_of_different_lengths_are_no_fixed_width(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.dat"
    source.write_bytes(b"0000000001\r\n000000000200\r\n0000000003\r\n")
    layout = _layout_csv(tmp_path, LAYOUT_32)
    args = ("--source", source, "--layout", layout, "--target", "001/住民", "-o", tmp_path / "m.yaml")
    result = cli("convert", "init", *args)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: the layout layout.csv covers 32 bytes a record but the records are of different lengths "
        "(10 bytes, 12 bytes …) — check the layout against the export (a missing or extra field, a wrong バイト数)\n",
    )


def test_unterminated_records_must_divide_the_file(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.dat"
    source.write_bytes(b"0" * 5000)  # no line break: 5000 is no multiple of 32
    layout = _layout_csv(tmp_path, LAYOUT_32)
    result = cli(
        "convert", "init", "--source", source, "--layout", layout, "--target", "001/住民", "-o", tmp_path / "m.yaml"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: the layout layout.csv covers 32 bytes a record but the records are not a multiple of it "
        "(5,000 bytes, no line breaks) — check the layout against the export (a missing or extra field, a wrong "
        "バイト数)\n",
    )
    without = cli("convert", "init", "--source", source, "--target", "001/住民", "-o", tmp_path / "m.yaml")
    assert (without.exit_code, without.stderr) == (
        2,
        f"Error: {source}: the file has no line breaks: fixed-width records without terminators need their layout "
        "— pass --layout FILE (the record layout: Excel or CSV with 項目名, 開始位置 or 順序, バイト数 or 桁数, 型)\n",
    )


# Proposals, code tables, unused columns ---------------------------------------------------------------------


def test_transforms_code_tables_and_unused_columns(cli: Cli, tmp_path: Path) -> None:
    lines = ["宛名NO,団体CD,〒,性,続柄,氏名,生年,備考,予備"]
    lines += [
        f"{n},01345,049-23{n:02d}, {'１' if n % 3 == 0 else '1' if n % 3 == 1 else '2'} ,{10 + n % 2},"
        f"森\u3000{chr(0xE000 + n % 2)}子,3600214,x,"
        for n in range(1, 13)
    ]
    source = tmp_path / "export.csv"
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    out = tmp_path / "m.yaml"
    result = cli("convert", "init", "--source", source, "--target", "001/住民", "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    detected = json.loads(result.stdout)
    assert detected["transforms"] == {
        "atenabango": ['{pad_left: {length: 15, char: "0"}}'],
        "seibetsu": ["trim", "{code: seibetsu}"],
        "zokugara": ["{code: zokugara}"],
        "jusho_shikuchosonkodo": ["lgcode"],
        "jusho_yubinbango": ["postal"],
    }
    assert detected["unused_columns"] == ["備考", "予備"]
    assert detected["gaiji"] == ["U+E000", "U+E001"]
    assert detected["code_tables"] == [
        {
            "table": "seibetsu",
            "item": "seibetsu",
            "file": "m-codes-seibetsu.csv",
            "code_list": "001",
            "legacy_codes": 2,
        },
        {
            "table": "zokugara",
            "item": "zokugara",
            "file": "m-codes-zokugara.csv",
            "code_list": "002",
            "legacy_codes": 2,
        },
    ]
    # １ and 1 are one code (the loader keys code tables so): one line, counted together, most frequent first.
    assert (
        tmp_path / "m-codes-seibetsu.csv"
    ).read_bytes() == "\ufefflegacy,standard,count\r\n1,,8\r\n2,,4\r\n".encode()
    assert (tmp_path / "m-gaiji.csv").read_bytes().decode("utf-8-sig") == (
        "pua,standard,count\r\nU+E000,,6\r\nU+E001,,6\r\n"
    )
    text = out.read_text(encoding="utf-8")
    assert "  # 性別: code list 001 性別: 0 不明 / 1 男 / 2 女\n" in text
    assert '  seibetsu: {path: "m-codes-seibetsu.csv"}  # TODO fill its standard column (2 legacy codes)\n' in text
    assert "# Source columns no item reads: 備考, 予備\n" in text
    human = cli("convert", "init", "--source", source, "--target", "001/住民", "-o", tmp_path / "n.yaml")
    assert "Source columns no item reads: 備考, 予備\n" in human.stdout


def test_a_column_of_many_values_gets_no_code_table(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("宛名番号,性別\n" + "".join(f"{n},v{n}\n" for n in range(1, 252)), encoding="utf-8")
    result = cli("convert", "init", "--source", source, "--target", "001/住民", "-o", tmp_path / "m.yaml", "--json")
    detected = json.loads(result.stdout)
    assert detected["code_tables"] == [] and "seibetsu" not in detected["transforms"]
    assert (
        "seibetsu: column 性別 has 251 distinct values (longest 4 characters): no codes? no code table written"
        in detected["warnings"]
    )
    assert not (tmp_path / "m-codes-seibetsu.csv").exists()


# No overwrite without --force -------------------------------------------------------------------------------


def test_nothing_is_replaced_without_force(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("宛名番号,性別\n1,1\n2,2\n", encoding="utf-8")
    out = tmp_path / "m.yaml"
    args = ("convert", "init", "--source", source, "--target", "001/住民", "-o", out)
    assert cli(*args).exit_code == 0
    table = tmp_path / "m-codes-seibetsu.csv"
    table.write_text("legacy,standard\n1,1\n2,2\n", encoding="utf-8")
    out.unlink()
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {table}: a code table exists already (it may hold your edits) — add --force to replace it, or "
        "choose another -o\n",
    )
    assert not out.exists()  # nothing is written when one file may not be
    assert table.read_text(encoding="utf-8") == "legacy,standard\n1,1\n2,2\n"
    assert cli(*args, "--force").exit_code == 0
    assert out.exists() and table.read_bytes().decode("utf-8-sig") == "legacy,standard,count\r\n1,,1\r\n2,,1\r\n"
    again = cli(*args)
    assert (again.exit_code, again.stderr) == (
        2,
        f"Error: {out}: the mapping file exists already (it may hold your edits) — add --force to replace it, or "
        "choose another -o\n",
    )


# The toolkit's own samples, end to end ----------------------------------------------------------------------


def _fill_tables(folder: Path, detected: dict[str, Any]) -> None:
    """What the person does: map each legacy code to a standard code of the item's list, each 外字 to a
    character. Only the standard column is written."""
    spec = load_embedded().business("001")
    for table in detected["code_tables"]:
        code_list = spec.code_list(table["code_list"])
        assert code_list is not None
        _fill(folder / table["file"], _nth_code([v.code for v in code_list.values]))
    if detected["gaiji"]:
        _fill(folder / "m-gaiji.csv", lambda _, __: "髙")


def _nth_code(codes: list[str]) -> Callable[[int, str], str]:
    return lambda index, _: codes[index % len(codes)]


def _fill(path: Path, standard: Callable[[int, str], str]) -> None:
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    for index, row in enumerate(rows[1:]):
        assert row[1] == ""  # the skeleton leaves the standard column to the person
        row[1] = standard(index, row[0])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("fmt", ["csv", "fixed"])
def test_the_samples_scaffold_run_and_load(cli: Cli, tmp_path: Path, fmt: str) -> None:
    source = tmp_path / ("residents.csv" if fmt == "csv" else "residents.txt")
    assert cli("sample", "generate", "--rows", "1000", "--format", fmt, "-o", source).exit_code == 0
    layout = ("--layout", tmp_path / "residents_layout.csv") if fmt == "fixed" else ()
    out = tmp_path / "m.yaml"
    result = cli("convert", "init", "--source", source, *layout, "--target", "001/住民", "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    detected = json.loads(result.stdout)
    # Record 29 holds bytes that are not CP932 (in the first 64 KiB): it is counted, not fatal.
    unit, line = ("lines", "line 30") if fmt == "csv" else ("records", "record 29")
    assert (detected["format"], detected["encoding"], detected["lines_not_decoded"]) == (fmt, "cp932", 1)
    assert detected["warnings"][0] == (
        f"{unit} not in cp932: 1 of {1001 if fmt == 'csv' else 1000:,} ({line}); convert run quarantines them "
        "(ENCODING_INVALID)"
    )
    assert detected["matches"] == SAMPLE_MATCHES
    assert detected["todo"] == SAMPLE_TODO
    assert detected["transforms"] == SAMPLE_TRANSFORMS
    assert detected["unused_columns"] == []
    assert detected["gaiji"] == ["U+E000", "U+E001", "U+E0FF"]
    assert [(t["file"], t["legacy_codes"]) for t in detected["code_tables"]] == [
        ("m-codes-seibetsu.csv", 3),
        ("m-codes-zokugara.csv", 9),
        ("m-codes-juminkubun.csv", 2),
        ("m-codes-idojiyu.csv", 4),
    ]
    _fill_tables(tmp_path, detected)
    run = cli("convert", "run", out, "--db", tmp_path / "r.duckdb", "--json", "--accept-quarantine")
    assert run.exit_code == 0, run.stderr
    converted = json.loads(run.stdout)
    assert converted["status"] == "succeeded" and converted["rows_read"] == 1000
    assert converted["rows_loaded"] / converted["rows_read"] >= 0.95


def test_sample_writes_the_record_layout(cli: Cli, tmp_path: Path) -> None:
    from fitgap.sample import LAYOUT, RECORD_LENGTH

    result = cli("sample", "generate", "--rows", "5", "--format", "fixed", "-o", tmp_path / "r.txt")
    assert result.exit_code == 0 and f"Wrote its record layout to {tmp_path / 'r_layout.csv'}." in result.stdout
    layout = read_layout(tmp_path / "r_layout.csv")
    assert [(f.name, f.length) for f in layout.fields] == LAYOUT
    assert (layout.record_length, layout.positions_from, layout.length_label) == (RECORD_LENGTH, "開始位置", "バイト数")
    assert not (tmp_path / "r_layout.csv").read_bytes().decode("cp932").startswith("順序")  # a title line first
