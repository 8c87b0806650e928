"""文字同定: ``moji scan`` (converted tables and a CP932 legacy file), the vendor's 外字 list resolved to MJ, the
decision workbook (``moji sheet``) and its return (``moji apply``) into the 外字 table a conversion uses."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from converters.mapping import read_gaiji_table
from fitgap.moji import identify_vendor_list, read_vendor_list, scan_database, scan_file
from fitgap.moji.scan import CHARACTER_SQL, SELECTOR_SQL
from fitgap.moji.sheet import CHOICES, GLYPH_FONT, HEADERS, SHEET
from spec_catalog import load_embedded
from spec_catalog.database import connect, create_target
from spec_catalog.mj import ATTRIBUTION, CharClass, characters

from conftest import CliResult

Cli = Callable[..., CliResult]

IVS_ADOBE = "葛\U000e0100"  # U+845B U+E0100: an IVS of the Adobe-Japan1 collection, not an MJ glyph
IVS_MJ = "葛\U000e0102"  # U+845B U+E0102: MJ022335, which MJ writes with its IVS only
KEYS = ("000000000000001", "000000000000002", "000000000000003")
# 宛名番号, 個人番号 (an X item: never scanned), 氏名, 住所_町字
ROWS = (
    (KEYS[0], "123456789018", "山﨑", "山"),
    (KEYS[1], None, IVS_ADOBE + "\ue000", None),
    (KEYS[2], None, "\ue0ff😀", "𠮷" + IVS_MJ),
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A converted 001_住民 table of three rows (lineage columns included, as the converter writes them)."""
    path = tmp_path / "moji.duckdb"
    con = connect(path)
    create_target(con, "001_住民", ["atenabango", "kojinbango", "shimei", "jusho_choaza"])
    for line, row in enumerate(ROWS, start=2):
        con.execute(
            'INSERT INTO "001_住民" (atenabango, kojinbango, shimei, jusho_choaza, _source_file, _source_line, '
            "_run_id, _mapping) VALUES (?, ?, ?, ?, 'residents.csv', ?, 'run-1', 'residents')",
            [*row, line],
        )
    con.close()
    return path


@pytest.fixture
def gaiji(tmp_path: Path) -> Path:
    path = tmp_path / "gaiji-in-use.csv"
    path.write_text("pua,standard\nU+E000,髙\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "山﨑", IVS_ADOBE + "x", "a" + IVS_MJ + "\ufe00", "😀\ufe0f", "改\n行", "\ufe00\ufe01", "𠮷野家",
        "か\u3099ﾞ", "e\u0301", "👨\u200d👩", "ｶﾞｷﾞ　①",
    ],
    ids=[
        "compatibility", "ivs", "ivs-then-svs", "emoji-vs", "newline", "selectors-alone", "supplementary",
        "combining-kana", "combining-accent", "zwj", "half-width-kana",
    ],
)  # fmt: skip
def test_the_sql_split_agrees_with_mj_characters(text: str) -> None:
    # The scan splits with string_split where a value holds no variation selector, with the regex where it does.
    con = connect(None)
    try:
        (found,) = con.execute(
            "SELECT CASE WHEN regexp_matches(?, ?) THEN regexp_extract_all(?, ?) ELSE string_split(?, '') END",
            [text, SELECTOR_SQL, text, CHARACTER_SQL, text],
        ).fetchone()
    finally:
        con.close()
    assert found == characters(text)


MASKED_KEY = "0" + "＊" * 14  # 宛名番号 is personal: its first character only


def test_scan_of_converted_tables_counts_and_classes_each_character(db: Path, gaiji: Path) -> None:
    result = scan_database(db, load_embedded(), gaiji=read_gaiji_table(gaiji, "test"), gaiji_table=gaiji)
    found = [(c.char, c.char_class, c.count, c.items, c.samples, c.mapped_to) for c in result.characters]
    shimei, choaza = ("001_住民.shimei",), ("001_住民.jusho_choaza",)
    sample = (MASKED_KEY,)
    assert found == [
        ("山", CharClass.JIS_X0208, 2, (*shimei, *choaza), sample, None),
        ("﨑", CharClass.JIS_X0213, 1, shimei, sample, None),
        ("𠮷", CharClass.MJ_UCS, 1, choaza, sample, None),
        (IVS_MJ, CharClass.MJ_IVS, 1, choaza, sample, None),
        ("\ue000", CharClass.PUA_MAPPED, 1, shimei, sample, "髙"),
        ("\ue0ff", CharClass.PUA_UNMAPPED, 1, shimei, sample, None),
        (IVS_ADOBE, CharClass.NOT_IN_MJ, 1, shimei, sample, None),
        ("😀", CharClass.NOT_IN_MJ, 1, shimei, sample, None),
    ]
    assert (result.values, result.total, result.distinct) == (5, 9, 8)
    assert result.tables == ("001_住民",)
    assert result.items == ("001_住民.shimei", "001_住民.jusho_choaza")  # every Ｎ item there is, no X item
    assert {c.char_class: (c.distinct, c.occurrences) for c in result.by_class if c.distinct} == {
        CharClass.JIS_X0208: (1, 2),
        CharClass.JIS_X0213: (1, 1),
        CharClass.MJ_UCS: (1, 1),
        CharClass.MJ_IVS: (1, 1),
        CharClass.PUA_MAPPED: (1, 1),
        CharClass.PUA_UNMAPPED: (1, 1),
        CharClass.NOT_IN_MJ: (2, 2),
    }
    assert [c.code_points for c in result.characters][3] == "U+845B U+E0102"


def test_scan_of_named_items_only(db: Path) -> None:
    result = scan_database(db, load_embedded(), items=["jusho_choaza"])
    assert [(c.char, c.count) for c in result.characters] == [("山", 1), ("𠮷", 1), (IVS_MJ, 1)]
    assert result.values == 2


def test_scan_command_json_and_terminal(cli: Cli, db: Path, gaiji: Path) -> None:
    result = cli("moji", "scan", "--db", db, "--gaiji", gaiji, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == scan_database(db, load_embedded(), gaiji={"\ue000": "髙"}, gaiji_table=gaiji).model_dump(mode="json")
    terminal = cli("moji", "scan", "--db", db, "--gaiji", gaiji)
    assert terminal.exit_code == 0, terminal.stderr
    assert "001_住民: 値 5 件、文字 9 字、異なり字数 8" in terminal.stdout
    assert "U+845B U+E0102" in terminal.stdout and "U+E0FF" in terminal.stdout
    for value in ("山﨑", *KEYS, "123456789018", "9018"):  # a whole value never shows; the key is masked
        assert value not in terminal.stdout + result.stdout


def test_scan_of_a_cp932_legacy_file(cli: Cli, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(
        "番号,氏名,住所\r\n".encode("cp932")
        + "1,山﨑,森町\r\n".encode("cp932")
        + b"2,\xf0\x40\x8eq,\x85\x40\r\n"  # U+E000 子, then bytes no CP932 decoder takes: the line is left out
        + "3,髙橋,①\r\n".encode("cp932")
        + b"4,\xf0\x40,\r\n"
    )
    result = scan_file(legacy, encoding="cp932")
    found = [(c.char, c.char_class, c.count, c.items, c.samples) for c in result.characters]
    assert found == [
        ("1", CharClass.BASIC, 1, ("番号",), ("行2",)),
        ("3", CharClass.BASIC, 1, ("番号",), ("行4",)),
        ("4", CharClass.BASIC, 1, ("番号",), ("行5",)),
        ("山", CharClass.JIS_X0208, 1, ("氏名",), ("行2",)),
        ("森", CharClass.JIS_X0208, 1, ("住所",), ("行2",)),
        ("橋", CharClass.JIS_X0208, 1, ("氏名",), ("行4",)),
        ("町", CharClass.JIS_X0208, 1, ("住所",), ("行2",)),
        ("①", CharClass.JIS_X0213, 1, ("住所",), ("行4",)),
        ("﨑", CharClass.JIS_X0213, 1, ("氏名",), ("行2",)),
        ("髙", CharClass.MJ_UCS, 1, ("氏名",), ("行4",)),  # a CP932 (IBM) character outside JIS X 0213
        ("\ue000", CharClass.PUA_UNMAPPED, 1, ("氏名",), ("行5",)),
    ]
    assert (result.undecodable_lines, result.undecodable_listed) == (1, (3,))
    assert (result.values, result.total, result.items) == (8, 11, ("番号", "氏名", "住所"))
    terminal = cli("moji", "scan", "--source", legacy)
    assert terminal.exit_code == 0
    assert "1 行が cp932 として読めないため、集計していません（3 行目）" in terminal.stderr
    english = cli("moji", "scan", "--source", legacy, "--lang", "en")
    assert "1 lines do not decode as cp932 and were not scanned (lines 3)" in english.stderr


VENDOR = "外字,コード,読み\nU+E0FF,J+FA11,\nU+E000,094190,\nU+E001,999999,よし\n"


def test_a_vendor_list_resolves_to_mj_automatically(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor.csv"
    vendor.write_text(VENDOR, encoding="utf-8")
    found = identify_vendor_list(read_vendor_list(vendor))
    assert found["\ue0ff"].resolved is not None and found["\ue0ff"].resolved.mj_id == "MJ030196"
    assert found["\ue0ff"].resolved.text == "﨑" and found["\ue0ff"].how == "外字一覧 J+FA11"
    assert found["\ue000"].resolved is not None and found["\ue000"].resolved.mj_id == "MJ030196"  # 戸籍統一文字番号
    unresolved = found["\ue001"]
    assert unresolved.resolved is None and len(unresolved.candidates) == 5  # ranked by the reading given
    assert all("同じ読み" in c.why for c in unresolved.candidates)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            (),
            "エラー: {vendor}: 2 行目: 外字の列に私用領域の文字がありません — コードポイントを U+E001（U+E000〜U+F8FF）"
            "のように書くか、文字そのものを書いてください\n",
        ),
        (
            ("--lang", "en"),
            "Error: {vendor}: line 2: the 外字 column holds no Private Use Area character — "
            "write the code point as U+E001 (U+E000–U+F8FF) or the character itself\n",
        ),
    ],
    ids=["japanese-by-default", "english-with-lang-en"],
)
def test_a_vendor_list_with_a_bad_line_is_one_error(
    cli: Cli, db: Path, tmp_path: Path, lang: tuple[str, ...], expected: str
) -> None:
    vendor = tmp_path / "vendor.csv"
    vendor.write_text("外字,コード\n山,J+FA11\n", encoding="utf-8")
    result = cli("moji", "sheet", "--db", db, "--gaiji-list", vendor, "--out", tmp_path / "s.xlsx", *lang)
    assert result.exit_code == 2
    assert result.stderr == expected.format(vendor=vendor)
    assert not (tmp_path / "s.xlsx").exists()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ((), ("使い方: fitgap moji scan", "この変換済みの表だけを対象にします", "例: fitgap moji scan --db")),
        (("--lang", "en"), ("Usage: fitgap moji scan", "Only this converted table", "Example: fitgap moji scan --db")),
    ],
    ids=["japanese-by-default", "english-with-lang-en"],
)
def test_the_help_speaks_the_language_of_the_run(cli: Cli, lang: tuple[str, ...], expected: tuple[str, ...]) -> None:
    result = cli("moji", "scan", "--help", *lang)
    assert result.exit_code == 0, result.stderr
    shown = " ".join(result.stdout.split())
    assert [text in shown for text in expected] == [True, True, True]


def _rows(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path)[SHEET]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_decision_workbook(cli: Cli, db: Path, gaiji: Path, tmp_path: Path) -> None:
    vendor = tmp_path / "vendor.csv"
    vendor.write_text(VENDOR, encoding="utf-8")
    out = tmp_path / "文字同定.xlsx"
    result = cli("moji", "sheet", "--db", db, "--gaiji", gaiji, "--gaiji-list", vendor, "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    written = json.loads(result.stdout)
    assert (written["rows"], written["prefilled"]) == (6, 4)
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["説明", SHEET]
    guide = "\n".join(str(c.value) for row in workbook["説明"].iter_rows() for c in row if c.value)
    assert ATTRIBUTION in guide and "CC BY-SA 2.1 JP" in guide
    sheet = workbook[SHEET]
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet.freeze_panes == "C2"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"' + ",".join(CHOICES) + '"'
    decision_column = openpyxl.utils.get_column_letter(HEADERS.index("決定") + 1)
    assert str(validation.sqref) == f"{decision_column}2:{decision_column}7"
    assert sheet["B2"].font.name == GLYPH_FONT
    rows = {str(r["コードポイント"]): r for r in _rows(out)}
    assert list(rows) == ["U+20BB7", "U+845B U+E0102", "U+E000", "U+E0FF", "U+845B U+E0100", "U+1F600"]
    # Resolved: the vendor's code, the 外字 table in use, MJ itself; pre-filled as 自動同定.
    assert (rows["U+E0FF"]["決定"], rows["U+E0FF"]["決定MJ"]) == ("自動同定", "MJ030196")
    assert rows["U+E0FF"]["自動同定"] == "MJ030196（外字一覧 J+FA11）"
    assert (rows["U+E000"]["決定"], rows["U+E000"]["決定MJ"]) == ("自動同定", "MJ030196")  # the vendor list wins
    assert rows["U+E000"]["現在の外字表"] == "髙"
    assert (rows["U+845B U+E0102"]["決定"], rows["U+845B U+E0102"]["決定MJ"]) == ("自動同定", "MJ022335")
    assert (rows["U+20BB7"]["決定"], rows["U+20BB7"]["分類"]) == ("自動同定", CharClass.MJ_UCS.label_ja)
    # Not in MJ: candidates to choose from, nothing decided.
    adobe = rows["U+845B U+E0100"]
    assert adobe["決定"] is None and adobe["候補1 MJ番号"] is not None and adobe["候補1 文字"] is not None
    assert "同じ字の異体字" in str(adobe["候補1 説明"])
    assert (adobe["出現数"], adobe["出現箇所"], adobe["例（キー・マスク済）"]) == (1, "001_住民.shimei", MASKED_KEY)
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    for value in (*KEYS, "123456789018", "山﨑"):
        assert value not in cells


def test_the_workbook_is_not_replaced_without_force(cli: Cli, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    assert cli("moji", "sheet", "--db", db, "--out", out).exit_code == 0
    again = cli("moji", "sheet", "--db", db, "--out", out)
    assert again.exit_code == 2
    assert again.stderr == (
        f"エラー: {out}: 文字同定シートがすでにあります（記入済みかもしれません） — 置き換えるには --force を付けてください\n"
    )
    assert cli("moji", "sheet", "--db", db, "--out", out, "--force").exit_code == 0


def test_the_workbook_names_the_projects_municipality(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    (root / "legacy.csv").write_text("番号,氏名\n1,\ue000子\n", encoding="utf-8")
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    try:
        made = cli("moji", "sheet", "--source", "legacy.csv", "--encoding", "utf-8", "-o", "s.xlsx")
    finally:
        defaults.project.cache_clear()
    assert made.exit_code == 0, made.stderr
    assert made.stdout == "s.xlsx を書き出しました: 決定する文字 1 字（自動同定 0 字、候補あり 0 字）\n"
    workbook = openpyxl.load_workbook(root / "s.xlsx")
    assert [s.oddHeader.left.text for s in workbook.worksheets] == ["013455 森町（北海道）"] * 2
    guide = [str(c.value) for c in workbook["説明"]["A"] if c.value]
    assert "団体: 013455 森町（北海道）" in guide


def _fill(path: Path, decisions: dict[str, tuple[object, ...]]) -> None:
    """Fill 決定, 決定MJ, 判断者, 判断日 of the rows named by their code points, as staff would."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET]
    at = {name: HEADERS.index(name) + 1 for name in ("決定", "決定MJ", "判断者", "判断日")}
    for row in range(2, sheet.max_row + 1):
        points = sheet.cell(row=row, column=HEADERS.index("コードポイント") + 1).value
        for name, value in zip(at, decisions.get(str(points), ()), strict=False):
            sheet.cell(row=row, column=at[name]).value = value
    workbook.save(path)


def test_apply_round_trip_into_a_conversion(cli: Cli, residents: Path, tmp_path: Path) -> None:
    vendor = tmp_path / "vendor.csv"
    vendor.write_text("外字,コード\nU+E0FF,J+FA11\nU+E000,U+9AD9\n", encoding="utf-8")
    sheet = tmp_path / "文字同定.xlsx"
    made = cli("moji", "sheet", "--source", residents / "residents.csv", "--gaiji-list", vendor, "--out", sheet)
    assert made.exit_code == 0, made.stderr
    assert [r["コードポイント"] for r in _rows(sheet)] == ["U+E001", "U+E000", "U+E0FF"]
    _fill(sheet, {"U+E001": ("MJ番号を指定", "U+20BB7", "戸籍係 佐藤", dt.datetime(2026, 4, 1))})
    out = tmp_path / "gaiji.csv"
    applied = cli("moji", "apply", sheet, "--out", out, "--json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    result = json.loads(applied.stdout)
    assert (result["written"], result["problems"], result["corrections"]) == (3, [], [])
    assert out.read_bytes().decode() == "pua,standard\r\nU+E000,髙\r\nU+E001,𠮷\r\nU+E0FF,﨑\r\n"
    assert read_gaiji_table(out, "test") == {"\ue000": "髙", "\ue001": "𠮷", "\ue0ff": "﨑"}
    record = (tmp_path / "gaiji-decisions.csv").read_text(encoding="utf-8-sig").splitlines()
    digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    assert record[0].startswith("文字,コードポイント,分類,決定,MJ番号,決定文字")
    assert record[1] == (
        f"\ue001,U+E001,外字（私用領域・外字表なし）,MJ番号を指定,MJ032129,𠮷,U+20BB7,外字表,戸籍係 佐藤,2026-04-01,,"
        f"文字同定.xlsx,{digest}"
    )
    # Who and when, for a 自動同定 too: fitgap's identification, accepted on the day the workbook was applied.
    today = dt.date.today().isoformat()
    assert record[3].split(",")[3:10] == ["自動同定", "MJ030196", "﨑", "U+FA11", "外字表", "自動同定（fitgap）", today]
    # The conversion reads the new table: the 外字 it quarantined before (line 14) now loads as 﨑.
    shutil.copy(out, residents / "gaiji.csv")
    run = cli(
        "convert", "run", residents / "mapping-csv.yaml", "--db", tmp_path / "r.duckdb", "--json", "--accept-quarantine"
    )
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["rows_loaded"] == 46
    con = connect(tmp_path / "r.duckdb")
    try:
        (name,) = con.execute('SELECT shimei FROM "001_住民" WHERE _source_line = 14').fetchone()
    finally:
        con.close()
    assert name == "森\u3000﨑子"


def test_apply_lists_undecided_contradictory_and_corrections(cli: Cli, db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "s.xlsx"
    assert cli("moji", "sheet", "--db", db, "--out", sheet).exit_code == 0
    day = dt.date(2026, 4, 1)
    _fill(
        sheet,
        {
            "U+E000": ("要調査",),
            "U+E0FF": ("候補3", None, "佐藤", day),  # a 外字 without candidates
            "U+845B U+E0100": ("MJ番号を指定", "J+845B", "佐藤", day),  # 葛 (Adobe IVS) corrected to MJ022335
            "U+1F600": ("そのまま", None, "佐藤"),  # no 判断日
            "U+20BB7": ("MJ番号を指定", "MJ999999", "佐藤", day),
        },
    )
    out = tmp_path / "gaiji.csv"
    result = cli("moji", "apply", sheet, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "文字一覧!行2 U+20BB7: 決定MJ MJ999999 はMJ文字ではありません（MJ030196、J+FA11、030196、U+FA11 のように"
        "書いてください）",
        "文字一覧!行4 U+E000: 要調査: 未決定です",
        "文字一覧!行5 U+E0FF: 候補3 が選ばれていますが、この行に候補3がありません",
        "文字一覧!行7 U+1F600: 自動同定以外の決定には判断者と判断日が必要です",
    ]
    assert "縮退・訂正（外字表には書きません）: U+845B U+E0100 → MJ022335 U+845B U+E0102" in result.stdout
    assert out.read_bytes().decode() == "pua,standard\r\n"  # a correction of a non-外字 is never written
    again = cli("moji", "apply", sheet, "--out", out)
    assert again.exit_code == 2
    assert again.stderr == f"エラー: {out}: 外字表がすでにあります — 置き換えるには --force を付けてください\n"
    english = cli("moji", "apply", sheet, "--out", out, "--force", "--lang", "en")
    assert english.exit_code == 1
    assert english.stderr.splitlines() == [
        "文字一覧 row 2 U+20BB7: 決定MJ MJ999999 is no MJ character (write it as MJ030196, J+FA11, 030196 or U+FA11)",
        "文字一覧 row 4 U+E000: 要調査: not decided",
        "文字一覧 row 5 U+E0FF: 候補3 is chosen, but this row has no 候補3",
        "文字一覧 row 7 U+1F600: a decision other than 自動同定 needs 判断者 and 判断日",
    ]
    assert "縮退・訂正 (not in the 外字 table): U+845B U+E0100 → MJ022335 U+845B U+E0102" in english.stdout


def test_errors_are_one_line(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = cli("moji", "scan", "--db", missing)
    assert result.exit_code == 2
    assert result.stderr == (
        f"エラー: {missing}: データベースが見つかりません — 先に移行してください: fitgap convert run MAPPING --db FILE\n"
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    result = cli("moji", "apply", bad, "--out", tmp_path / "gaiji.csv")
    assert result.exit_code == 2
    assert result.stderr == (
        f"エラー: {bad}: Excel のブック（.xlsx）ではありません（BadZipFile） — 'fitgap moji sheet' が書いた"
        "文字同定シートを .xlsx で保存して指定してください\n"
    )
    assert not (tmp_path / "gaiji.csv").exists()


def test_unknown_table_and_item_are_named(cli: Cli, db: Path) -> None:
    table = cli("moji", "scan", "--db", db, "--table", "001_世帯")
    assert table.exit_code == 2
    assert table.stderr == (
        "エラー: --table '001_世帯' はデータベースの変換済みの表にありません — 変換済みの表から選んでください: 001_住民\n"
    )
    item = cli("moji", "scan", "--db", db, "--item", "shimei_kana")
    assert item.exit_code == 2
    assert item.stderr.startswith("エラー: --item 'shimei_kana' は集計するどの表にもありません — ")
    english = cli("moji", "scan", "--db", db, "--table", "001_世帯", "--lang", "en")
    assert english.stderr == (
        "Error: --table '001_世帯' is no converted table of the database — converted tables: 001_住民\n"
    )


def test_a_file_without_a_header_never_names_an_item_by_its_first_record(tmp_path: Path) -> None:
    """A fixed-width file or a headerless CSV: its first record is data (a name, a birth date, a 個人番号), never an
    item name, which the scan prints."""
    from fitgap.moji.scan import scan_file

    source = tmp_path / "legacy.csv"
    source.write_bytes("0000000001,伊藤　一郎,3190422,6131860913\r\n0000000002,山田　花子,3200101,\r\n".encode("cp932"))
    result = scan_file(source, encoding="cp932")
    names = {i for c in result.characters for i in c.items}
    assert names == {"列1", "列2", "列3", "列4"} and result.items == ()
    assert "伊藤" not in result.model_dump_json()
    named = tmp_path / "named.csv"
    named.write_bytes("宛名番号,氏名\r\n0000000001,伊藤　一郎\r\n".encode("cp932"))
    assert {i for c in scan_file(named, encoding="cp932").characters for i in c.items} == {"宛名番号", "氏名"}
