"""Codes checked (issue 14, part 2): 団体コード against the national table and its history (abolished codes,
successors, invented codes, the row's date, prefectures), width and kana before code lookups, postal codes with
any dash, code tables with a duplicate code or a wrong header refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from converters.transforms.values import code, local_government_code, postal_code
from spec_catalog.codes import Code

from conftest import CliResult


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the messages (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


Cli = Callable[..., CliResult]

UNKNOWN = (None, Code.LGCODE_UNKNOWN, "in neither the national code table nor its history since 1970")
SPLIT = (None, Code.LGCODE_NOT_IN_FORCE, "abolished and split into several codes: no one successor")
NOT_IN_FORCE = (None, Code.LGCODE_NOT_IN_FORCE, "not in force on the record's date")
PREFECTURE = (None, Code.LGCODE_INVALID, "a prefecture's code, where the item takes municipalities only")


def _ok(value: str) -> tuple[str, None, None]:
    return (value, None, None)


LGCODES = [
    ("01344", {}, _ok("013447")),  # 砂原町, abolished 2005-04-01: it existed, so it is valid
    ("013447", {}, _ok("013447")),
    ("０１３４４", {}, _ok("013447")),  # full-width digits
    ("013447", {"successor": True}, _ok("013455")),  # → 森町
    ("01344", {"successor": True}, _ok("013455")),
    ("013455", {"successor": True}, _ok("013455")),  # in force: kept
    ("221317", {"successor": True}, _ok("221384")),  # 浜松市中区 → 浜松市中央区 (2024-01-01)
    ("221350", {"successor": True}, SPLIT),  # 浜松市北区 → 中央区 and 浜名区
    ("193411", {"successor": True}, SPLIT),  # 上九一色村 → 甲府市 and 富士河口湖町
    ("193411", {}, _ok("193411")),  # without the option a split code is kept: it existed
    ("99999", {}, UNKNOWN),  # its check digit is 7: never a code
    ("999997", {}, UNKNOWN),
    ("131008", {}, UNKNOWN),  # 特別区部: e-Stat's aggregate, not a local government
    ("999990", {}, (None, Code.LGCODE_INVALID, "the check digit is wrong")),
    ("1345", {}, (None, Code.LGCODE_INVALID, "not a 5- or 6-digit 団体コード")),
    ("130001", {}, _ok("130001")),  # 東京都
    ("13000", {}, _ok("130001")),
    ("１３０００１", {}, _ok("130001")),
    ("470007", {}, _ok("470007")),  # 沖縄県
    ("480002", {}, UNKNOWN),  # no 48th prefecture
    ("130001", {"prefectures": False}, PREFECTURE),
    ("013455", {"prefectures": False}, _ok("013455")),
    ("016951", {}, _ok("016951")),  # 色丹村 (北方領土): in the national list
    ("221384", {}, _ok("221384")),  # 浜松市中央区, since 2024-01-01
    ("", {}, (None, None, None)),
]


@pytest.mark.parametrize(
    ("value", "options", "expected"), LGCODES, ids=[f"{v or 'empty'}-{'-'.join(o) or 'plain'}" for v, o, _ in LGCODES]
)
def test_local_government_codes_against_the_history(
    value: str, options: dict[str, bool], expected: tuple[str | None, Code | None, str | None]
) -> None:
    successor, prefectures = options.get("successor", False), options.get("prefectures", True)
    result = local_government_code(value, successor=successor, prefectures=prefectures)
    assert (result.value, result.reason, result.detail) == expected


ON_DATES = [
    ("013447", "2005-03-31", False, _ok("013447")),  # the last day of 砂原町
    ("013447", "2005-04-01", False, NOT_IN_FORCE),  # the 施行日 of the merger: no longer in force
    ("013447", "1960-01-01", False, _ok("013447")),  # in force on or before the history's start
    ("013447", "2004-06-01", True, _ok("013455")),  # right at its date, then mapped to its successor
    ("013447", "2010-01-01", True, NOT_IN_FORCE),  # the check reads the code the record holds
    ("472131", "2005-03-31", False, NOT_IN_FORCE),  # うるま市, created 2005-04-01
    ("472131", "2005-04-01", False, _ok("472131")),
    ("470007", "1972-05-14", False, NOT_IN_FORCE),  # 沖縄県 before the reversion
    ("470007", "1972-05-15", False, _ok("470007")),
    ("221317", "2023-12-31", False, _ok("221317")),
    ("221317", "2024-01-01", False, NOT_IN_FORCE),
    ("013447", None, False, _ok("013447")),  # no date: no verdict
    ("013447", "9999-12-31", False, _ok("013447")),  # the standard's open ends are no day
    ("013447", "0000-01-01", False, _ok("013447")),
    ("99999", "2020-01-01", False, UNKNOWN),
]


@pytest.mark.parametrize(
    ("value", "day", "successor", "expected"),
    ON_DATES,
    ids=[f"{v}-{d}-{'successor' if s else 'plain'}" for v, d, s, _ in ON_DATES],
)
def test_codes_in_force_on_the_records_date(
    value: str, day: str | None, successor: bool, expected: tuple[str | None, Code | None, str | None]
) -> None:
    result = local_government_code(value, on=day, successor=successor)
    assert (result.value, result.reason, result.detail) == expected


POSTAL = [
    ("060ー0001", "0600001"),  # the katakana prolonged sound mark typed for a dash
    ("060ｰ0001", "0600001"),
    ("060－0001", "0600001"),
    ("060‐0001", "0600001"),
    ("060−0001", "0600001"),
    ("060―0001", "0600001"),
    ("060-0001", "0600001"),
    ("０６０ー０００１", "0600001"),
    ("〒０６０－０００１", "0600001"),
    ("〒 060-0001", "0600001"),
    ("060  ", "060"),
    ("060ー12", "06012"),
]


@pytest.mark.parametrize(("value", "expected"), POSTAL, ids=[v for v, _ in POSTAL])
def test_postal_codes_with_any_dash_and_width(value: str, expected: str) -> None:
    assert postal_code(value).value == expected


@pytest.mark.parametrize("value", ["060ー000", "O6O-0001", "06０ー０００１x"])
def test_postal_codes_still_refused(value: str) -> None:
    result = postal_code(value)
    assert (result.value, result.reason) == (None, Code.POSTAL_INVALID)


TABLE = {"1": "1", "2": "2", "オトコ": "1", "A": "9"}  # keyed as the mapping keys them (code_key)
CODES = [
    ("1", "1"),
    ("１", "1"),  # full-width digit
    (" 1 ", "1"),
    ("１　", "1"),
    ("ｵﾄｺ", "1"),  # half-width kana
    ("Ａ", "9"),
]


@pytest.mark.parametrize(("value", "expected"), CODES, ids=[repr(v) for v, _ in CODES])
def test_code_tables_read_width_and_kana_before_the_lookup(value: str, expected: str) -> None:
    assert code(value, TABLE).value == expected


def test_an_unknown_code_stays_unmapped_whatever_its_width() -> None:
    assert code("３", TABLE).reason is Code.CODE_UNMAPPED
    assert code("３", TABLE, keep_unmapped=True).value == "３"


# Conversion runs: 031 住登外者宛名基本情報, whose 住所_市区町村コード comes before 操作年月日 in the group (the
# engine makes the date first for in_force_on).
MAPPING = """name: t
source:
  format: csv
  path: data.csv
  encoding: utf-8
  header: true
target:
  business: "031"
  group: 住登外者宛名基本情報
items:
  atenabango: {{from: num}}
  daihyoatenafuragu: {{from: flag, transforms: [{{code: flags}}]}}
  jusho_shikuchosonkodo: {{from: lg, transforms: [{lgcode}]}}
  jusho_yubinbango: {{from: zip, transforms: [postal]}}
  sosashaid: {{from: op}}
  sosanengappi: {{from: day}}
  sosajikoku: {{value: "09:30"}}
  seinengappi_fushohyoki: {{value: 不詳}}
code_tables:
  flags: {table}
"""
ROWS = [
    ("1", "０", "01344", "H16.06.01", "060ー0001"),  # 砂原町 in 2004: right; full-width flag; ー in the postal code
    ("2", "1", "01344", "H22.01.01", "0600001"),  # 砂原町 in 2010: not in force
    ("3", "1", "99999", "R05.04.01", "0600001"),  # never existed
    ("4", "1", "13000", "R05.04.01", "０６０－０００１"),  # 東京都
    ("5", "1", "47213", "S50.01.01", "0600001"),  # うるま市 before 2005
    ("6", "1", "19341", "H10.01.01", "0600001"),  # 上九一色村 in 1998: right, but split since
    ("7", "1", "０１３４５", "R05.04.01", "0600001"),  # 森町 in full-width digits
]


def _run(cli: Cli, tmp_path: Path, lgcode: str, table: str = "{values: {'0': '0', '1': '1'}}") -> dict[str, object]:
    data = "num,flag,lg,day,zip,op\n" + "".join(",".join(r) + ",OP1\n" for r in ROWS)
    (tmp_path / "data.csv").write_text(data, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.format(lgcode=lgcode, table=table), encoding="utf-8")
    result = cli("convert", "run", mapping, "--db", tmp_path / "t.duckdb", "--json", "--accept-quarantine")
    assert "Traceback" not in result.stderr
    run: dict[str, object] = json.loads(result.stdout)
    return run


def _loaded_and_quarantined(tmp_path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        loaded = con.execute(
            "SELECT _source_line, daihyoatenafuragu, jusho_shikuchosonkodo, jusho_yubinbango "
            'FROM "031_住登外者宛名基本情報" ORDER BY _source_line'
        ).fetchall()
        quarantined = con.execute("SELECT line, item, reason, rule FROM fitgap_quarantine ORDER BY line").fetchall()
    return loaded, quarantined


def test_a_run_checks_codes_on_the_rows_date_and_maps_successors(cli: Cli, tmp_path: Path) -> None:
    run = _run(cli, tmp_path, "{lgcode: {in_force_on: sosanengappi, successor: true, prefectures: true}}")
    assert (run["rows_read"], run["rows_loaded"], run["rows_quarantined"], run["reconciled"]) == (7, 3, 4, True)
    assert run["quarantine_by_reason"] == {"LGCODE_NOT_IN_FORCE": 3, "LGCODE_UNKNOWN": 1}
    loaded, quarantined = _loaded_and_quarantined(tmp_path)
    # Lines count the header: record n is line n + 1.
    assert loaded == [(2, "0", "013455", "0600001"), (5, "1", "130001", "0600001"), (8, "1", "013455", "0600001")]
    item = "jusho_shikuchosonkodo"
    assert quarantined == [
        (3, item, "LGCODE_NOT_IN_FORCE", NOT_IN_FORCE[2]),
        (4, item, "LGCODE_UNKNOWN", UNKNOWN[2]),
        (6, item, "LGCODE_NOT_IN_FORCE", NOT_IN_FORCE[2]),
        (7, item, "LGCODE_NOT_IN_FORCE", SPLIT[2]),  # in force in 1998, but no one successor today
    ]


def test_without_options_an_abolished_code_loads_as_it_is(cli: Cli, tmp_path: Path) -> None:
    run = _run(cli, tmp_path, "lgcode")
    # 住所_市区町村コード takes municipalities: a prefecture's code (line 5) is refused unless the mapping allows it
    assert (run["rows_loaded"], run["quarantine_by_reason"]) == (5, {"LGCODE_INVALID": 1, "LGCODE_UNKNOWN": 1})
    loaded, _ = _loaded_and_quarantined(tmp_path)
    assert [(line, lg) for line, _, lg, _ in loaded] == [
        (2, "013447"),
        (3, "013447"),
        (6, "472131"),
        (7, "193411"),
        (8, "013455"),
    ]


def test_prefectures_can_be_allowed(cli: Cli, tmp_path: Path) -> None:
    run = _run(cli, tmp_path, "{lgcode: {prefectures: true}}")
    assert run["quarantine_by_reason"] == {"LGCODE_UNKNOWN": 1}
    loaded, quarantined = _loaded_and_quarantined(tmp_path)
    assert [q[:3] for q in quarantined] == [(4, "jusho_shikuchosonkodo", "LGCODE_UNKNOWN")]
    assert (5, "130001") in [(line, lg) for line, _, lg, _ in loaded]


def test_a_code_table_file_reads_full_width_codes(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "flags.csv").write_text("旧コード,標準コード,件数\n0,0,1\n1,1,6\n", encoding="utf-8")
    run = _run(cli, tmp_path, "{lgcode: {prefectures: true}}", table="{path: flags.csv}")
    assert (run["rows_loaded"], run["unmapped"]) == (6, [])
    loaded, _ = _loaded_and_quarantined(tmp_path)
    assert loaded[0][:2] == (2, "0")  # ０ found the code 0


def test_an_unfilled_code_table_line_leaves_its_code_unmapped(cli: Cli, tmp_path: Path) -> None:
    # The `convert init` skeleton lists every legacy code with an empty standard column: a line not filled yet
    # must quarantine its rows, never load them with an empty value.
    (tmp_path / "flags.csv").write_text("legacy,standard,count\n0,,1\n1,1,6\n", encoding="utf-8")
    run = _run(cli, tmp_path, "lgcode", table="{path: flags.csv}")
    assert run["quarantine_by_reason"]["CODE_UNMAPPED"] == 1
    loaded, quarantined = _loaded_and_quarantined(tmp_path)
    assert [q[:3] for q in quarantined if q[2] == "CODE_UNMAPPED"] == [(2, "daihyoatenafuragu", "CODE_UNMAPPED")]
    assert all(row[1] is not None for row in loaded)  # no row loaded with the flag emptied


def _load_error(cli: Cli, tmp_path: Path, lgcode: str = "lgcode", table: str = "{path: flags.csv}") -> str:
    result = cli("convert", "run", _write(tmp_path, lgcode, table), "--db", tmp_path / "t.duckdb")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    return result.stderr.removeprefix(f"Error: {tmp_path / 'm.yaml'}:").strip()


def _write(tmp_path: Path, lgcode: str, table: str) -> Path:
    (tmp_path / "data.csv").write_text("num,flag,lg,day,zip,op\n1,0,01345,R05.04.01,0600001,OP1\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.format(lgcode=lgcode, table=table), encoding="utf-8")
    return mapping


CODE_TABLES = [
    (
        "legacy,standard\n1,1\n0,0\n１,1\n",
        "20: code table flags.csv lists the legacy code '１' twice (lines 2 and 4) — '1' and '１' are one code "
        "(width and spaces aside): keep one line",
    ),
    (
        "legacy,standard\n0,0\n1,1\n0,1\n",
        "20: code table flags.csv lists the legacy code '0' twice (lines 2 and 4) — keep one line per legacy code",
    ),
    (
        "0,0\n1,1\n",
        "20: code table flags.csv line 1 is not the header legacy,standard — write legacy,standard as the first "
        "line (it is read as the header, never as a code)",
    ),
    (
        "standard,legacy\n0,0\n1,1\n",
        "20: code table flags.csv line 1 is not the header legacy,standard — the legacy code comes first: swap the "
        "two columns",
    ),
    (
        "",
        "20: code table flags.csv line 1 is not the header legacy,standard — write legacy,standard as the first "
        "line (it is read as the header, never as a code)",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), CODE_TABLES, ids=["width-duplicate", "duplicate", "no-header", "swapped", "empty"]
)
def test_refused_code_table_files(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "flags.csv").write_text(text, encoding="utf-8")
    assert _load_error(cli, tmp_path) == message


def test_a_code_table_in_the_mapping_with_one_code_twice(cli: Cli, tmp_path: Path) -> None:
    message = _load_error(cli, tmp_path, table="{values: {'1': '1', '１': '1'}}")
    assert message == (
        "20: code table 'flags' lists the legacy code '１' twice (also as '1') — '1' and '１' are one code "
        "(width and spaces aside): keep one"
    )


@pytest.mark.parametrize(
    ("lgcode", "message"),
    [
        (
            "{lgcode: {in_force_on: sosashaid}}",
            "13: lgcode option 'in_force_on' names 'sosashaid', which is not a DATE item of group 住登外者宛名基本情報 — "
            "choose one of: seinengappi, sosanengappi",
        ),
        (
            "{lgcode: {in_force_on: seinengappi}}",
            "13: lgcode option 'in_force_on' names item 'seinengappi', which the mapping does not fill — map "
            "seinengappi under items, or drop in_force_on",
        ),
        (
            "{lgcode: {successor: maybe}}",
            "13: lgcode option 'successor': Input should be a valid boolean, unable to interpret input — write "
            "lgcode: {successor: true, in_force_on: idonengappi, prefectures: false}",
        ),
        (
            "{lgcode: yes}",
            "13: lgcode takes its options as a mapping — write lgcode: {successor: true, in_force_on: idonengappi, "
            "prefectures: false}",
        ),
    ],
    ids=["not-a-date", "date-not-filled", "not-a-truth-value", "scalar"],
)
def test_refused_lgcode_options(cli: Cli, tmp_path: Path, lgcode: str, message: str) -> None:
    (tmp_path / "flags.csv").write_text("legacy,standard\n0,0\n1,1\n", encoding="utf-8")
    assert _load_error(cli, tmp_path, lgcode=lgcode) == message
