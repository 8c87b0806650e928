"""``fitgap reconcile results``: two result files keyed by person, value by value — injected differences of
every kind found, format-only differences not reported, tolerances, spec changes, masking, reports, exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from fitgap.reconcile.results import (
    ResultsComparison,
    ResultsRules,
    SpecChange,
    as_number,
    parse_tolerance,
    reconcile_results,
    size_band,
)
from fitgap.reconcile.results_files import ReadOptions
from spec_catalog.codes import Code
from spec_catalog.database import RECONCILE_DIFFERENCES, ReconcileKind, connect, read_reconciliations
from spec_catalog.language import chosen

from conftest import CliResult
from workbooks import write_sheet

Cli = Callable[..., CliResult]
HEADER = ("宛名番号", "氏名", "税額", "基準日", "区分")
PEOPLE = (
    ("0000000101", "山田太郎", "120000", "2024-04-01", "A"),
    ("0000000102", "佐藤花子", "85000", "2024-04-01", "B"),
    ("0000000103", "鈴木一郎", "0", "2024-04-01", "A"),
    ("0000000104", "高橋ﾐﾎ", "43500", "2024-04-01", "A"),
)


def _csv(path: Path, rows: Sequence[Sequence[str]], *, header: Sequence[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _changed(row: int, column: str, value: str) -> list[tuple[str, ...]]:
    rows = [list(p) for p in PEOPLE]
    rows[row][HEADER.index(column)] = value
    return [tuple(r) for r in rows]


def _compare(
    tmp_path: Path, old: Sequence[Sequence[str]], new: Sequence[Sequence[str]], rules: ResultsRules | None = None
) -> ResultsComparison:
    """The library's comparison of two CSV files of HEADER, unmasked (the CLI tests check the masking)."""
    old_file, new_file = _csv(tmp_path / "old.csv", old), _csv(tmp_path / "new.csv", new)
    return reconcile_results(old_file, new_file, ["宛名番号"], rules=rules, unmask=True)


# Values ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("1,000", "1000"),
        ("1000", "１０００"),
        ("1,000", "１，０００"),
        ("1000", "1000.00"),
        ("▲500", "-500"),
        ("△500", "－５００"),
        (" 300 ", "300"),
        ("令和6年4月1日", "2024-04-01"),
        ("R06.04.01", "2024/4/1"),
        ("20240401", "令和６年４月１日"),
        ("ﾀｶﾊｼ ﾐﾎ", "タカハシ ミホ"),
        ("ＡＢＣ１", "ABC1"),
        ("", "  "),
    ],
    ids=[
        "comma",
        "full-width digits",
        "full-width comma",
        "decimals",
        "▲ minus",
        "△ and full-width minus",
        "spaces",
        "和暦 vs ISO",
        "R06.04.01 vs slashes",
        "packed vs 和暦",
        "half-width kana",
        "full-width ASCII",
        "empty vs spaces",
    ],
)
def test_a_difference_of_form_is_not_reported(tmp_path: Path, old: str, new: str) -> None:
    result = _compare(tmp_path, _changed(1, "区分", old), _changed(1, "区分", new))
    assert (result.unexplained, result.differences, result.agreed_rows) == (0, (), 4)
    column = next(c for c in result.columns if c.column == "区分")
    assert (column.compared, column.agreed) == (4, 4)


@pytest.mark.parametrize(
    ("old", "new", "band"),
    [
        ("﨑", "崎", "非数値"),  # a compatibility kanji is another character (no NFKC)
        ("令和6年4月1日", "2024-04-02", "非数値"),
        ("100", "", "非数値"),
        ("100", "101", "≤1"),
        ("100", "110", "≤10"),
        ("100", "111", "≤100"),
        ("1000", "0", "≤1,000"),
        ("0", "10000", "≤10,000"),
        ("0", "10001", ">10,000"),
    ],
    ids=["﨑 vs 崎", "another day", "emptied", "1", "10", "11", "-1000", "10000", "10001"],
)
def test_a_changed_value_is_reported_in_its_size_band(tmp_path: Path, old: str, new: str, band: str) -> None:
    result = _compare(tmp_path, _changed(2, "区分", old), _changed(2, "区分", new))
    (difference,) = result.differences
    assert (difference.code, difference.key, difference.column, difference.old, difference.new, difference.band) == (
        Code.RESULT_VALUE_DIFFERS,
        "0000000103",
        "区分",
        old,
        new or None,  # an empty field is no value
        band,
    )
    assert (difference.old_line, difference.new_line) == (4, 4)
    column = next(c for c in result.columns if c.column == "区分")
    assert (column.agreed, column.unexplained, column.bands[band], sum(column.bands.values())) == (3, 1, 1, 1)


def test_numbers_and_bands() -> None:
    assert [as_number(t) for t in ("1,234", "▲ 5", "＋７", "1,23", "12a", ".5")] == [
        Decimal(1234),
        Decimal(-5),
        Decimal(7),
        None,
        None,
        Decimal("0.5"),
    ]
    assert [size_band(Decimal(d)) for d in ("-1", "1.5", "-10001")] == ["≤1", "≤10", ">10,000"]
    assert size_band(None) == "非数値"


# Rows --------------------------------------------------------------------------------------------------------


def test_changed_value_missing_row_extra_row_and_duplicated_key_are_each_found(tmp_path: Path) -> None:
    old = [*_changed(0, "税額", "120000"), ("0000000105", "伊藤", "1000", "2024-04-01", "A")]
    new = [
        ("0000000101", "山田太郎", "121000", "2024-04-01", "A"),  # changed
        PEOPLE[1],
        PEOPLE[1],  # duplicated in the new file: not compared
        PEOPLE[2],
        PEOPLE[3],
        ("0000000106", "渡辺", "1", "2024-04-01", "A"),  # extra; 105 is missing
    ]
    result = _compare(tmp_path, old, new)
    found = [
        (d.code, d.key, d.column, d.old_line, d.new_line, d.old, d.new, d.difference, d.detail)
        for d in result.differences
    ]
    assert found == [
        (Code.RESULT_KEY_DUPLICATED, "0000000102", None, None, 3, None, None, None, "新の結果に 2 行"),
        (Code.RESULT_ROW_MISSING, "0000000105", None, 6, None, None, None, None, None),
        (Code.RESULT_ROW_EXTRA, "0000000106", None, None, 7, None, None, None, None),
        (Code.RESULT_VALUE_DIFFERS, "0000000101", "税額", 2, 2, "120000", "121000", "1000", None),
    ]
    assert (result.old_rows, result.new_rows, result.compared_rows, result.agreed_rows) == (5, 6, 3, 2)
    assert (result.missing_rows, result.extra_rows, result.duplicated_keys, result.unexplained) == (1, 1, 1, 4)
    assert result.by_code == {
        "RESULT_KEY_DUPLICATED": 1,
        "RESULT_ROW_MISSING": 1,
        "RESULT_ROW_EXTRA": 1,
        "RESULT_VALUE_DIFFERS": 1,
    }


def test_a_key_of_several_columns(tmp_path: Path) -> None:
    header = ("宛名番号", "年度", "保険料")
    old = _csv(tmp_path / "o.csv", [("1", "2024", "100"), ("1", "2025", "200")], header=header)
    new = _csv(tmp_path / "n.csv", [("1", "2025", "200"), ("1", "2024", "150")], header=header)
    result = reconcile_results(old, new, ["宛名番号", "年度"], unmask=True)
    assert [(d.key, d.column, d.old, d.new, d.old_line, d.new_line) for d in result.differences] == [
        ("1|2024", "保険料", "100", "150", 2, 3)
    ]


# Tolerances and spec changes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tolerance", "old", "new", "within"),
    [
        ("5", "1000", "1005", True),
        ("5", "1000", "995", True),
        ("5", "1000", "1006", False),
        ("0.5%", "1000", "1005", True),
        ("0.5%", "1000", "1006", False),
        ("0.5%", "▲1000", "-1005", True),
        ("0.5%", "0", "1", False),
        ("0", "1000", "1001", False),
    ],
    ids=["+5 of 5", "-5 of 5", "+6 of 5", "0.5% of 1000", "0.6% of 1000", "0.5% of -1000", "% of 0", "exact"],
)
def test_tolerance_absolute_and_relative(
    cli: Cli, tmp_path: Path, tolerance: str, old: str, new: str, within: bool
) -> None:
    old_file = _csv(tmp_path / "old.csv", _changed(0, "税額", old))
    new_file = _csv(tmp_path / "new.csv", _changed(0, "税額", new))
    out = cli(
        "reconcile", "results", old_file, new_file, "--key", "宛名番号", "--tolerance", f"税額={tolerance}", "--json"
    )
    assert out.exit_code == (0 if within else 1), out.stderr
    column = next(c for c in json.loads(out.stdout)["columns"] if c["column"] == "税額")
    assert (column["agreed"], column["within_tolerance"], column["unexplained"], column["tolerance"]) == (
        3,
        1 if within else 0,
        0 if within else 1,
        tolerance,
    )


def test_a_declared_spec_change_explains_a_difference(cli: Cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "tolerances:\n  税額: 1\n"
        "spec_changes:\n"
        "  - name: 令和6年度 定額減税\n    column: 税額\n    where: {区分: [A]}\n"
        "    difference: {min: -40000, max: 0}\n",
        encoding="utf-8",
    )
    old = list(PEOPLE)
    new = [
        ("0000000101", "山田太郎", "90000", "2024-04-01", "A"),  # −30000 on A: explained
        ("0000000102", "佐藤花子", "55000", "2024-04-01", "B"),  # −30000 on B: not
        ("0000000103", "鈴木一郎", "1", "2024-04-01", "A"),  # +1: within the tolerance
        ("0000000104", "高橋ﾐﾎ", "1000", "2024-04-01", "A"),  # −42500: outside the change's range
    ]
    old_file, new_file = _csv(tmp_path / "old.csv", old), _csv(tmp_path / "new.csv", new)
    out = cli("reconcile", "results", old_file, new_file, "--key", "宛名番号", "--rules", rules, "--json")
    assert out.exit_code == 1, out.stderr
    data = json.loads(out.stdout)
    assert [(d["code"], d["old_line"], d["difference"], d["band"], d["rule"]) for d in data["differences"]] == [
        ("RESULT_VALUE_DIFFERS", 3, "-30000", ">10,000", None),
        ("RESULT_VALUE_DIFFERS", 5, "-42500", ">10,000", None),
        ("RESULT_DIFFERENCE_EXPLAINED", 2, "-30000", ">10,000", "令和6年度 定額減税"),
    ]
    assert data["spec_changes"] == [{"name": "令和6年度 定額減税", "column": "税額", "explained": 1}]
    column = next(c for c in data["columns"] if c["column"] == "税額")
    assert {k: column[k] for k in ("compared", "agreed", "within_tolerance", "explained", "unexplained")} == {
        "compared": 4,
        "agreed": 0,
        "within_tolerance": 1,
        "explained": 1,
        "unexplained": 2,
    }
    assert (data["explained"], data["unexplained"], data["tolerances"]) == (1, 2, {"税額": "1"})
    # Only explained differences left: the comparison passes.
    only = _csv(tmp_path / "only.csv", [new[0], *PEOPLE[1:]])
    assert cli("reconcile", "results", old_file, only, "--key", "宛名番号", "--rules", rules).exit_code == 0


def test_a_spec_change_without_conditions_explains_every_difference_of_its_column(tmp_path: Path) -> None:
    rules = ResultsRules(spec_changes=[SpecChange(name="区分の再編", column="区分")])
    result = _compare(tmp_path, PEOPLE, _changed(3, "区分", "Z"), rules=rules)
    assert [(d.code, d.rule, d.band) for d in result.differences] == [
        (Code.RESULT_DIFFERENCE_EXPLAINED, "区分の再編", "非数値")
    ]
    assert (result.ok, result.explained, result.agreed_rows) == (True, 1, 3)


def test_tolerances_parse() -> None:
    assert parse_tolerance("0.5%").model_dump() == {"text": "0.5%", "amount": Decimal("0.5"), "relative": True}
    with pytest.raises(ValueError) as caught:
        parse_tolerance("-1")
    assert str(caught.value) == "'-1' は許容差として使えません。5 のような金額か 0.5% のような率を指定してください"
    with chosen("en"), pytest.raises(ValueError) as caught:
        parse_tolerance("-1")
    assert str(caught.value) == "'-1' is no tolerance: give an amount such as 5 or a rate such as 0.5%"


@pytest.mark.parametrize(
    ("rules", "japanese", "english"),
    [
        (
            "tolerance:\n  税額: 1\n",
            "{rules}:1: tolerance: この項目は使えません — 'tolerances' の書き間違いではありませんか？",
            "{rules}:1: tolerance: Extra inputs are not permitted — did you mean 'tolerances'?",
        ),
        (
            "tolerances:\n  税額: abc\n",
            "{rules}:2: tolerances.税額: 'abc' は許容差として使えません。5 のような金額か 0.5% のような率を指定してください",
            "{rules}:2: tolerances.税額: 'abc' is no tolerance: give an amount such as 5 or a rate such as 0.5%",
        ),
        (
            "spec_changes:\n  - name: x\n    column: 税額\n    difference: {min: 5, max: 1}\n",
            "{rules}:4: spec_changes.0.difference: min が max より大きくなっています",
            "{rules}:4: spec_changes.0.difference: min is greater than max",
        ),
        (
            "spec_changes:\n  - name: x\n    column: 税額\n  - name: x\n    column: 区分\n",
            "{rules}:1: （最上位）: 仕様変更の名前 'x' が二度使われています。それぞれに別の名前を付けてください",
            "{rules}:1: (top level): the spec change name 'x' is used twice: give each its own name",
        ),
        (
            "tolerances:\n  所得: 1\n",
            "{rules}: 許容差の列 '所得' は比較する列ではありません — 比較する列: 氏名, 税額, 基準日, 区分",
            "{rules}: the tolerance for '所得' names no compared column — compared columns: 氏名, 税額, 基準日, 区分",
        ),
        (
            "spec_changes:\n  - name: x\n    column: 所得\n",
            "{rules}: 仕様変更 'x': 列 '所得' は比較する列ではありません — 比較する列: 氏名, 税額, 基準日, 区分",
            "{rules}: spec change 'x': column '所得' is not compared — compared columns: 氏名, 税額, 基準日, 区分",
        ),
        (
            "spec_changes:\n  - name: x\n    column: 税額\n    where: {地区: [A]}\n",
            "{rules}: 仕様変更 'x': where の列 '地区' がどちらのファイルにもありません — "
            "列: 宛名番号, 氏名, 税額, 基準日, 区分",
            "{rules}: spec change 'x': where names no column '地区' — columns: 宛名番号, 氏名, 税額, 基準日, 区分",
        ),
    ],
    ids=[
        "misspelt key",
        "bad tolerance",
        "min above max",
        "a name twice",
        "tolerance of no column",
        "unknown column",
        "where of no column",
    ],
)
def test_a_bad_rules_file_is_one_line_and_exit_2_in_japanese_or_in_english(
    cli: Cli, tmp_path: Path, rules: str, japanese: str, english: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(rules, encoding="utf-8")
    old, new = _csv(tmp_path / "old.csv", PEOPLE), _csv(tmp_path / "new.csv", PEOPLE)
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--rules", path)
    assert (out.exit_code, out.stdout, out.stderr) == (2, "", "エラー: " + japanese.format(rules=path) + "\n")
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--rules", path, "--lang", "en")
    assert (out.exit_code, out.stdout, out.stderr) == (2, "", "Error: " + english.format(rules=path) + "\n")


# Reading -----------------------------------------------------------------------------------------------------


def test_a_cp932_file_against_a_utf8_file(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE, encoding="cp932")
    new = _csv(tmp_path / "new.csv", [(*p[:3], "令和6年4月1日", p[4]) for p in PEOPLE], encoding="utf-8-sig")
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["old_format"], data["new_format"], data["compared_rows"], data["unexplained"]) == (
        "CSV (cp932)",
        "CSV (utf-8)",
        4,
        0,
    )
    forced = cli("reconcile", "results", old, new, "--key", "宛名番号", "--encoding", "utf-8")
    assert (forced.exit_code, forced.stderr) == (
        2,
        f"エラー: {old}: ファイルが utf-8 のテキストではありません（1 行目、0 バイト目） — "
        "--encoding がファイルに合っているか確かめてください\n",
    )


def test_an_xlsx_file_with_its_header_on_row_3(cli: Cli, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["令和6年度 個人住民税 税額一覧"],
        [],
        list(HEADER),
        ["0000000101", "山田太郎", 120000, dt.datetime(2024, 4, 1), "A"],
        ["0000000102", "佐藤花子", 85000.0, "令和6年4月1日", "B"],
        [],  # an empty row is passed over
        ["0000000103", "鈴木一郎", 0, dt.date(2024, 4, 1), "A"],
        ["0000000104", "高橋ﾐﾎ", 43501, "2024-04-01", "A"],
    ]
    new = write_sheet(tmp_path / "new.xlsx", rows, title="結果")
    old = _csv(tmp_path / "old.csv", PEOPLE)
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--header-row", "1,3", "--json", "--unmask")
    assert out.exit_code == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["new_format"] == "Excel (シート 結果)"
    assert [(d["key"], d["old_line"], d["new_line"], d["old"], d["new"]) for d in data["differences"]] == [
        ("0000000104", 5, 8, "43500", "43501")
    ]
    missing = cli("reconcile", "results", old, new, "--key", "宛名番号", "--header-row", "1,3", "--sheet", "Sheet9")
    assert (missing.exit_code, missing.stderr) == (2, f"エラー: {new}: シート 'Sheet9' がありません — シート: 結果\n")
    both_rows = cli("reconcile", "results", old, new, "--key", "宛名番号", "--header-row", "3")
    assert (both_rows.exit_code, both_rows.stderr) == (
        2,
        f"エラー: {old}: キーの列 '宛名番号' が見つかりません（列: 0000000102, 佐藤花子, 85000, 2024-04-01, B） — "
        "--key を確かめてください\n",
    )


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            ("--header-row", "0"),
            "--header-row '0' は行番号ではありません — 行番号（3）か、ファイルごとの行番号（1,3）を指定してください",
        ),
        (
            ("--header-row", "1,2,3"),
            "--header-row '1,2,3' は行番号ではありません — 行番号（3）か、ファイルごとの行番号（1,3）を指定してください",
        ),
        (
            ("--sheet", "結果"),
            "--sheet は .xlsx ファイル用ですが、どちらのファイルも CSV です — --sheet を外してください",
        ),
        (
            ("--encoding", "klingon"),
            "文字コード 'klingon' は使えません — --encoding utf-8 や --encoding cp932 のように指定してください",
        ),
        (
            ("--columns", "所得"),
            "--columns: '所得' は両方のファイルにある列（キーを除く）ではありません — 両方にある列: 氏名, 税額, 基準日, 区分",
        ),
        (
            ("--tolerance", "所得=1"),
            "許容差の列 '所得' は比較する列ではありません — 比較する列: 氏名, 税額, 基準日, 区分",
        ),
        (
            ("--tolerance", "税額=1円"),
            "--tolerance 税額: '1円' は許容差として使えません。5 のような金額か 0.5% のような率を指定してください",
        ),
    ],
    ids=[
        "row 0",
        "three rows",
        "sheet of a CSV",
        "unknown encoding",
        "unknown column",
        "tolerance column",
        "bad tolerance",
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(cli: Cli, tmp_path: Path, options: tuple[str, ...], error: str) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    out = cli("reconcile", "results", old, old, "--key", "宛名番号", *options)
    assert (out.exit_code, out.stdout, out.stderr) == (2, "", f"エラー: {error}\n")


def test_a_record_with_too_many_columns_is_an_input_error(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = tmp_path / "new.csv"
    new.write_text("宛名番号,氏名,税額,基準日,区分\n0000000101,山田太郎,120,000,2024-04-01,A\n", encoding="utf-8")
    out = cli("reconcile", "results", old, new, "--key", "宛名番号")
    assert (out.exit_code, out.stderr) == (
        2,
        f"エラー: {new}: 2 行目: 列が多すぎます（見出しは 5 列） — どのレコードにも見出しと同じ列が必要です。"
        "カンマを含む値は引用符で囲んでください\n",
    )


def test_a_missing_key_column_is_one_line_naming_the_columns_found(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", [p[1:] for p in PEOPLE], header=HEADER[1:])
    out = cli("reconcile", "results", old, new, "--key", "宛名番号")
    assert (out.exit_code, out.stdout, out.stderr) == (
        2,
        "",
        f"エラー: {new}: キーの列 '宛名番号' が見つかりません（列: 氏名, 税額, 基準日, 区分） — --key を確かめてください\n",
    )


def test_columns_option_and_the_columns_not_compared(tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", [(*p, "x") for p in PEOPLE], header=(*HEADER, "旧備考"))
    new = _csv(tmp_path / "new.csv", [(*p, "y") for p in _changed(0, "区分", "Q")], header=(*HEADER, "新備考"))
    result = reconcile_results(old, new, ["宛名番号"], columns=["税額", "基準日"])
    assert [c.column for c in result.columns] == ["税額", "基準日"]
    assert [(n.column, n.reason) for n in result.not_compared] == [
        ("旧備考", "現行のみ"),
        ("新備考", "新のみ"),
        ("氏名", "--columns で除外"),
        ("区分", "--columns で除外"),
    ]
    assert result.ok  # the changed 区分 was not compared


# Masking -----------------------------------------------------------------------------------------------------


def test_keys_and_personal_columns_are_masked_by_default(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", [("0000000101", "山田太朗", "120001", "2024-04-01", "A"), *PEOPLE[1:]])
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--json")
    assert out.exit_code == 1
    assert [(d["key"], d["column"], d["old"], d["new"]) for d in json.loads(out.stdout)["differences"]] == [
        ("0＊＊＊＊＊＊＊＊＊", "氏名", "山＊＊＊", "山＊＊＊"),
        ("0＊＊＊＊＊＊＊＊＊", "税額", "120000", "120001"),  # amounts stay visible
    ]
    assert "山田" not in out.stdout + out.stderr and "0000000101" not in out.stdout + out.stderr
    shown = cli("reconcile", "results", old, new, "--key", "宛名番号", "--json", "--unmask")
    assert next((d["key"], d["old"], d["new"]) for d in json.loads(shown.stdout)["differences"]) == (
        "0000000101",
        "山田太郎",
        "山田太朗",
    )
    assert "警告: --unmask により個人情報（特定個人情報）をマスクせずに表示します" in shown.stderr


@pytest.fixture
def outside_pytest_temp() -> Iterator[Path]:
    """A folder outside pytest's temp: its input files hold a valid 個人番号 (the masking scan reads the other)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def test_a_my_number_key_shows_only_its_last_four_digits(cli: Cli, outside_pytest_temp: Path) -> None:
    header = ("個人番号", "保険料")
    old = _csv(outside_pytest_temp / "old.csv", [("123456789018", "100")], header=header)
    new = _csv(outside_pytest_temp / "new.csv", [("123456789018", "101")], header=header)
    out = cli("reconcile", "results", old, new, "--key", "個人番号", "--json")
    assert [d["key"] for d in json.loads(out.stdout)["differences"]] == ["********9018"]


# Reports, records, exit codes --------------------------------------------------------------------------------


def test_json_output_is_the_comparison(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", _changed(1, "税額", "86000"))
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--json", "--tolerance", "税額=0.5%")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert set(data) == {
        "reconcile_id", "created", "old_file", "new_file", "old_format", "new_format", "keys", "old_rows",
        "new_rows", "compared_rows", "agreed_rows", "missing_rows", "extra_rows", "duplicated_keys", "columns",
        "not_compared", "tolerances", "rules_file", "spec_changes", "unexplained", "explained", "by_code", "masked",
        "differences", "timings",
    }  # fmt: skip
    assert data["columns"][1] == {
        "column": "税額",
        "compared": 4,
        "agreed": 3,
        "within_tolerance": 0,
        "explained": 0,
        "unexplained": 1,
        "tolerance": "0.5%",
        "masked": False,
        "bands": {"≤1": 0, "≤10": 0, "≤100": 0, "≤1,000": 1, "≤10,000": 0, ">10,000": 0, "非数値": 0},
    }
    assert data["columns"][0]["masked"] is True  # 氏名
    assert data["differences"] == [
        {
            "code": "RESULT_VALUE_DIFFERS",
            "key": "0＊＊＊＊＊＊＊＊＊",
            "column": "税額",
            "old_line": 3,
            "new_line": 3,
            "old": "85000",
            "new": "86000",
            "difference": "1000",
            "band": "≤1,000",
            "rule": None,
            "detail": None,
        }
    ]
    assert (data["keys"], data["by_code"], data["masked"]) == (["宛名番号"], {"RESULT_VALUE_DIFFERS": 1}, True)


def test_junit_file_has_a_suite_per_column_and_a_failure_per_column_with_unexplained_differences(
    cli: Cli, tmp_path: Path
) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", [*_changed(1, "税額", "86000")[:3], ("0000000109", "x", "1", "2024-04-01", "A")])
    junit = tmp_path / "results.xml"
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--junit", junit)
    assert out.exit_code == 1
    assert junit.read_text(encoding="utf-8") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="fitgap reconcile results" tests="7" failures="3" errors="0" skipped="0">\n'
        '  <testsuite name="キー" tests="3" failures="2" errors="0" skipped="0">\n'
        '    <testcase classname="キー" name="RESULT_ROW_MISSING">\n'
        '      <failure type="RESULT_ROW_MISSING" message="1 件: 現行システムの結果にある対象が新システムの結果にありません">'
        "0＊＊＊＊＊＊＊＊＊（現行 5 行目）</failure>\n"
        "    </testcase>\n"
        '    <testcase classname="キー" name="RESULT_ROW_EXTRA">\n'
        '      <failure type="RESULT_ROW_EXTRA" message="1 件: 新システムの結果に現行システムにない対象があります">'
        "0＊＊＊＊＊＊＊＊＊（新 5 行目）</failure>\n"
        "    </testcase>\n"
        '    <testcase classname="キー" name="RESULT_KEY_DUPLICATED" />\n'
        "  </testsuite>\n"
        '  <testsuite name="氏名" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase classname="氏名" name="氏名" />\n'
        "  </testsuite>\n"
        '  <testsuite name="税額" tests="1" failures="1" errors="0" skipped="0">\n'
        '    <testcase classname="税額" name="税額">\n'
        '      <failure type="RESULT_VALUE_DIFFERS" message="1 件: 税額 の結果が現行システムと一致しません">'
        "0＊＊＊＊＊＊＊＊＊（現行 3 行目 / 新 3 行目）: 85000 → 86000（差 1000）</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        '  <testsuite name="基準日" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase classname="基準日" name="基準日" />\n'
        "  </testsuite>\n"
        '  <testsuite name="区分" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase classname="区分" name="区分" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_excel_and_html_list_every_difference(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", [(p[0], p[1], str(int(p[2]) + 7), p[3], p[4]) for p in PEOPLE])
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    assert cli("reconcile", "results", old, new, "--key", "宛名番号", "--xlsx", xlsx, "--html", html).exit_code == 1
    book = load_workbook(xlsx)
    assert book.sheetnames == ["列別集計", "差異一覧", "_chart_data"]  # the chart's data: a hidden sheet
    listed = list(book["差異一覧"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[4], r[8], r[9]) for r in listed] == [
        ("RESULT_VALUE_DIFFERS", "税額", line, "7", "≤10") for line in (2, 3, 4, 5)
    ]
    assert "差異一覧（キー・個人情報はマスク）" in html.read_text(encoding="utf-8")


@pytest.fixture
def project(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project of 森町 (013455), the current folder."""
    from fitgap.cli import defaults

    root = tmp_path / "mori"
    assert cli("init", root, "--municipality", "013455").exit_code == 0
    monkeypatch.chdir(root)
    defaults.project.cache_clear()
    yield root
    defaults.project.cache_clear()


@pytest.mark.parametrize(
    ("options", "sheets", "kind", "title", "verdict"),
    [
        ((), ["列別集計", "差異一覧"], "値の差異", "現新比較レポート（結果）", "不一致（説明のない差異 1 件）"),
        (
            ("--lang", "en"),
            ["By column", "Differences"],
            "value differs",
            "Reconciliation report (results)",
            "differ (1 unexplained difference(s))",
        ),
    ],
    ids=["japanese by default", "english with --lang en"],
)
def test_the_reports_name_the_municipality_and_speak_the_run_s_language(
    cli: Cli,
    project: Path,
    tmp_path: Path,
    options: tuple[str, ...],
    sheets: list[str],
    kind: str,
    title: str,
    verdict: str,
) -> None:
    from openpyxl import load_workbook

    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", _changed(1, "税額", "86000"))
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", *options)
    assert out.exit_code == 1, out.stderr
    assert verdict in out.stdout
    book = load_workbook(project / "reports" / "reconcile-results-new.xlsx")
    assert book.sheetnames == [*sheets, "_chart_data"]
    ((_, listed_kind, *_),) = book[sheets[1]].iter_rows(min_row=2, values_only=True)
    assert listed_kind == kind
    sheet = book[sheets[0]]
    assert (sheet.oddHeader.left.text, sheet.oddHeader.center.text) == ("013455 森町（北海道）", title)


def test_the_help_is_japanese_by_default_and_english_on_request(cli: Cli) -> None:
    japanese = cli("reconcile", "results", "--help")
    assert japanese.exit_code == 0
    assert "二つの結果ファイルを対象（人）ごとに比較します" in japanese.stdout
    assert "現行システムの結果ファイル" in japanese.stdout and "Compare two result files" not in japanese.stdout
    english = cli("--lang", "en", "reconcile", "results", "--help")
    assert "Compare two result files keyed by person" in english.stdout


def test_exit_codes_and_the_terminal_summary(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    same = cli("reconcile", "results", old, _csv(tmp_path / "same.csv", PEOPLE), "--key", "宛名番号")
    assert same.exit_code == 0, same.stderr
    assert "一致（説明のない差異なし）" in same.stdout
    assert "列別の比較結果" in same.stdout and "許容差内" in same.stdout
    differs = cli("reconcile", "results", old, _csv(tmp_path / "d.csv", PEOPLE[:3]), "--key", "宛名番号")
    assert differs.exit_code == 1
    assert "不一致（説明のない差異 1 件）" in differs.stdout and "RESULT_ROW_MISSING" in differs.stdout
    bad = cli("reconcile", "results", old, tmp_path / "none.csv", "--key", "宛名番号")
    assert (bad.exit_code, bad.stderr) == (
        2,
        f"エラー: {tmp_path / 'none.csv'}: 結果ファイルが見つかりません — パスを確かめてください\n",
    )
    tolerance = cli("reconcile", "results", old, old, "--key", "宛名番号", "--tolerance", "税額")
    assert (tolerance.exit_code, tolerance.stderr) == (
        2,
        "エラー: --tolerance '税額' に列名がありません — COLUMN=5 または COLUMN=0.5% の形で書いてください\n",
    )


def test_an_existing_report_is_not_replaced_without_force(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    kept = tmp_path / "diff.xlsx"
    kept.write_bytes(b"kept")
    out = cli("reconcile", "results", old, old, "--key", "宛名番号", "--xlsx", kept)
    assert (out.exit_code, out.stderr) == (
        2,
        f"エラー: {kept}: ファイルがすでにあります — 置き換えるには --force を付けてください\n",
    )
    assert kept.read_bytes() == b"kept"
    assert cli("reconcile", "results", old, old, "--key", "宛名番号", "--xlsx", kept, "--force").exit_code == 0
    assert kept.read_bytes()[:2] == b"PK"


def test_the_comparison_is_recorded_when_the_database_exists(cli: Cli, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old.csv", PEOPLE)
    new = _csv(tmp_path / "new.csv", _changed(1, "税額", "86000")[1:])
    db = tmp_path / "m.duckdb"
    absent = cli("reconcile", "results", old, new, "--key", "宛名番号", "--db", db)
    assert absent.stderr == f"データベース {db} がないため記録しません（--db で指定できます）\n"
    assert not db.exists()
    connect(db).close()
    out = cli("reconcile", "results", old, new, "--key", "宛名番号", "--db", db, "--business", "010")
    assert out.exit_code == 1
    con = connect(db)
    try:
        (record,) = read_reconciliations(con)
        assert record.model_dump(exclude={"reconcile_id", "recorded"}) == {
            "kind": ReconcileKind.RESULTS,
            "business": "010",
            "subject": "new.csv",
            "mapping": None,
            "run_id": None,
            "compared": 3,
            "agreed": 2,
            "explained": 0,
            "unexplained": 2,
            "totals_failed": 0,
        }
        assert f"記録しました: {db}（比較ID {record.reconcile_id}）" in out.stderr
        rows = con.execute(
            f"SELECT code, line, key, item, legacy, actual, explanation, detail FROM {RECONCILE_DIFFERENCES} "
            "ORDER BY code"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("RESULT_ROW_MISSING", 2, "0＊＊＊＊＊＊＊＊＊", None, None, None, None, None),
        ("RESULT_VALUE_DIFFERS", 3, "0＊＊＊＊＊＊＊＊＊", "税額", "85000", "86000", None, "≤1,000"),
    ]


def test_two_businesses_keep_their_own_records_and_an_unknown_business_is_refused(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    connect(db).close()
    for business, folder in (("010", "tax"), ("002", "nenkin")):
        (tmp_path / folder).mkdir()
        old = _csv(tmp_path / folder / "old.csv", PEOPLE)
        new = _csv(tmp_path / folder / "new.csv", _changed(1, "税額", "86000") if business == "010" else PEOPLE)
        cli("reconcile", "results", old, new, "--key", "宛名番号", "--db", db, "--business", business)
    con = connect(db)
    try:
        records = {r.business: r.unexplained for r in read_reconciliations(con)}
    finally:
        con.close()
    assert records == {"010": 1, "002": 0}  # one new.csv of each business: neither hides the other
    refused = cli("reconcile", "results", old, new, "--key", "宛名番号", "--db", db, "--business", "999")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "エラー: --business '999' は標準仕様の業務IDではありません — 結果が属する 3 桁の業務IDを指定してください"
        "（例: 002。一覧は fitgap catalog list）\n",
    )


def test_names_are_masked_whatever_the_header_and_unmasked_values_are_never_recorded(cli: Cli, tmp_path: Path) -> None:
    header = ("宛名番号", "漢字氏名", "備考", "税額")
    old = _csv(tmp_path / "old.csv", [("0000000101", "山田太郎", "山田花子方", "100")], header=header)
    new = _csv(tmp_path / "new.csv", [("0000000101", "山田太朗", "佐藤次郎方", "100")], header=header)
    db = tmp_path / "m.duckdb"
    connect(db).close()
    shown = cli("reconcile", "results", old, new, "--key", "宛名番号", "--json")
    assert not any(n in shown.stdout for n in ("太郎", "太朗", "花子", "次郎"))
    unmasked = cli("reconcile", "results", old, new, "--key", "宛名番号", "--db", db, "--unmask", "--json")
    assert "太朗" in unmasked.stdout
    con = connect(db)
    try:
        stored = con.execute(f"SELECT key, legacy, actual FROM {RECONCILE_DIFFERENCES}").fetchall()
    finally:
        con.close()
    assert stored == [("", None, None), ("", None, None)]


def test_read_options_reach_the_reader(tmp_path: Path) -> None:
    rows = [["title"], list(HEADER), *[list(p) for p in PEOPLE]]
    path = tmp_path / "with-title.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = reconcile_results(path, path, ["宛名番号"], read=ReadOptions(header_row=2))
    assert (result.compared_rows, result.ok) == (4, True)
