"""Bad sources and bad mappings: a clear one-line error (exit 2) or quarantined rows with a reason code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from conftest import CliResult

Cli = Callable[..., CliResult]

MAPPING = """name: t
source:
  format: csv
  path: data.csv
  encoding: {encoding}
  header: true
target:
  business: "031"
  group: 住登外者宛名基本情報
items:
  atenabango: {{from: num}}
  daihyoatenafuragu: {{from: flag}}
  sosashaid: {{from: op}}
  sosanengappi: {{from: day}}
  sosajikoku: {{from: time}}
  seinengappi_fushohyoki: {{value: 不詳}}  # 条件付き必須: the date or its 不詳表記
"""
GOOD = "num,flag,op,day,time\r\n1,0,OP1,R050401,0930\r\n2,1,OP1,H31.04.30,1015\r\n"


def _setup(tmp_path: Path, data: bytes, encoding: str = "cp932", mapping: str | None = None) -> Path:
    (tmp_path / "data.csv").write_bytes(data)
    path = tmp_path / "m.yaml"
    path.write_text(mapping or MAPPING.format(encoding=encoding), encoding="utf-8")
    return path


def _run(cli: Cli, mapping: Path, *extra: str) -> CliResult:
    return cli("convert", "run", mapping, "--db", mapping.parent / "t.duckdb", "--json", *extra)


def test_a_good_file(cli: Cli, tmp_path: Path) -> None:
    result = _run(cli, _setup(tmp_path, GOOD.encode("cp932")))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["rows_loaded"] == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty — check the export; there is nothing to convert"),
        (
            b"\x00\x01\x02\x03" * 500,
            "this is a binary file, not a text export — give the CSV or fixed-width export itself "
            "(not a zip, Excel or database file)",
        ),
        (
            "num,flag,op,day,time\n1,0,森,R050401,0930\n".encode(),
            "the file is UTF-8 but the mapping says cp932 — set "
            "'encoding: utf-8' (or utf-8-sig) in the mapping's source",
        ),
    ],
    ids=["empty", "binary", "utf8-as-cp932"],
)
def test_unreadable_sources(cli: Cli, tmp_path: Path, data: bytes, message: str) -> None:
    mapping = _setup(tmp_path, data)
    result = _run(cli, mapping)
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'data.csv'}: {message}\n")


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (GOOD + "3,0,OP1\r\n", 4, "COLUMN_COUNT"),
        (GOOD + "3,0,OP1,R050401,0930,extra\r\n", 4, "COLUMN_COUNT"),
        (GOOD + "3,0,OP1,R050401,09", 4, "TIME_INVALID"),  # a truncated last record
        (GOOD + "3,0,OP1,R05", 4, "COLUMN_COUNT"),  # cut inside a field: too few columns
        (GOOD.replace("2,1,OP1", "2,1,O\x00P1"), 3, "NUL_BYTE"),
        (GOOD + "3,0,OP1,R050401,0930\r\n", None, None),
        (GOOD + "4,7,OP1,R050401,0930\r\n", 4, "CODE_NOT_IN_LIST"),
        (GOOD + "5,0,OP1,平成31年5月1日,0930\r\n", 4, "ERA_DATE_INVALID"),
        (GOOD + "6,0,OP1,昭和60年2月30日,0930\r\n", 4, "ERA_DATE_NOT_CALENDAR"),  # 031 has no 不詳表記 for 操作年月日
        (GOOD + "7,0,OP1,年月日不詳,0930\r\n", 4, "DATE_UNKNOWN"),
        (GOOD + "8,0,,R050401,0930\r\n", 4, "REQUIRED_MISSING"),
        (GOOD + "1234567890123456,0,OP1,R050401,0930\r\n", 4, "LENGTH_EXCEEDED"),
        (GOOD + "1,0,OP1,R050401,0930\r\n", 4, "KEY_DUPLICATE"),
        (GOOD + '"9,0,OP1,R050401,0930\r\n', 4, "CSV_MALFORMED"),
        (GOOD + "\ue0ff,0,OP1,R050401,0930\r\n", 4, "GAIJI_UNMAPPED"),
        (GOOD + "森,0,OP1,R050401,0930\r\n", 4, "WIDTH_NOT_HALF"),
    ],
    ids=[
        "too-few",
        "too-many",
        "truncated",
        "cut",
        "nul",
        "fine",
        "code",
        "era",
        "not-calendar",
        "unknown",
        "required",
        "length",
        "duplicate",
        "quote",
        "gaiji",
        "width",
    ],
)
def test_bad_rows_are_quarantined(cli: Cli, tmp_path: Path, data: str, line: int | None, reason: str | None) -> None:
    mapping = _setup(tmp_path, data.encode("cp932"))
    result = _run(cli, mapping)
    run = json.loads(result.stdout)
    assert run["reconciled"] and run["rows_read"] == run["rows_loaded"] + run["rows_quarantined"]
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        found = con.execute("SELECT line, reason FROM fitgap_quarantine").fetchall()
    assert found == ([(line, reason)] if reason else [])
    assert result.exit_code == (1 if reason else 0)


def test_invalid_cp932_bytes_have_their_offset(cli: Cli, tmp_path: Path) -> None:
    data = GOOD.encode("cp932") + b"3,0,OP\x85\x40,R050401,0930\r\n"
    mapping = _setup(tmp_path, data)
    _run(cli, mapping)
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        ((line, offset, reason, value),) = con.execute(
            "SELECT line, byte_offset, reason, value FROM fitgap_quarantine"
        ).fetchall()
    assert (line, reason, value) == (4, "ENCODING_INVALID", "85 40")
    assert data[offset : offset + 2] == b"\x85\x40"


def _mapping_error(cli: Cli, tmp_path: Path, text: str) -> str:
    mapping = _setup(tmp_path, GOOD.encode("cp932"), mapping=text)
    result = _run(cli, mapping)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    return result.stderr.removeprefix(f"Error: {mapping}:").strip()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  atenabango: {from: num}", "  atenabago: {from: num}"),
            "11: item 'atenabago' is not in group 住登外者宛名基本情報 — did you mean 'atenabango'?",
        ),
        (
            ("{from: num}", "{from: nummer}"),
            "11: item 'atenabango' reads column 'nummer', which the source does not have",
        ),
        (("{from: flag}", "{from: flag, transforms: [trimm]}"), "12: unknown transform 'trimm' — did you mean 'trim'?"),
        (
            ("  group: 住登外者宛名基本情報", "  group: 宛名"),
            "9: 031 住登外者宛名番号管理 has no group '宛名' — choose one of: 住登外者宛名基本情報",
        ),
        (
            ("  encoding: cp932", "  encoding: jef"),
            "5: encoding jef (mainframe) has no codec here — ask the vendor for a CP932 or UTF-8 re-export",
        ),
        (
            ("  path: data.csv", "  path: ../../etc/passwd"),
            "4: source path '../../etc/passwd' leaves the mapping's folder — put the file beside the mapping, pass it with "
            "--source, or set allow_outside_paths: true",
        ),
        (
            ("  header: true", "  header: true\n  delimter: ';'"),
            "7: source.delimter: Extra inputs are not permitted — did you mean 'delimiter'?",
        ),
        (("items:", "items: ["), "12: invalid YAML: did not find expected ',' or ']' — fix the YAML syntax there"),
        (
            ("{from: flag}", "{from: flag, transforms: [{code: sexx}]}"),
            "12: code table 'sexx' is not defined — define it under code_tables",
        ),
        (
            ("{from: num}", "{from: no}"),
            "11: items.atenabango.from.str: Input should be a valid string — YAML reads yes/no/on/off/true/false as a truth "
            "value: put the text in quotes",
        ),
    ],
    ids=["item", "column", "transform", "group", "mainframe", "escape", "typo", "yaml", "code-table", "yaml-no"],
)
def test_mapping_mistakes_name_their_line(cli: Cli, tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = MAPPING.format(encoding="cp932").replace(*change)
    if change[0] == "  header: true":
        text = text.replace("  columns", "  columns")
    assert _mapping_error(cli, tmp_path, text).startswith(message)


def test_hostile_names_never_reach_sql(cli: Cli, tmp_path: Path) -> None:
    hostile = 'x"; DROP TABLE fitgap_runs; --'
    data = f'num,"{hostile.replace(chr(34), chr(34) * 2)}",op,day,time\r\n1,0,OP1,R050401,0930\r\n'.encode("cp932")
    text = MAPPING.format(encoding="cp932").replace("{from: flag}", "{from: '" + hostile + "'}")
    text = text.replace("name: t", 'name: "t\'; DELETE FROM x; --"')
    mapping = _setup(tmp_path, data, mapping=text)
    result = _run(cli, mapping)
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fitgap_runs").fetchone()[0] == 1
        assert con.execute('SELECT daihyoatenafuragu FROM "031_住登外者宛名基本情報"').fetchone()[0] == "0"


def test_fixed_width_with_a_wrong_record_length(cli: Cli, residents: Path, tmp_path: Path) -> None:
    mapping = residents / "mapping-fixed.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("record_length: 196", "record_length: 197"), encoding="utf-8"
    )
    result = cli("convert", "run", mapping, "--db", tmp_path / "x.duckdb")
    assert result.exit_code == 2
    assert "record 1 does not end with CRLF at byte 197 — check record_length and terminator" in result.stderr


def test_fixed_width_truncated_last_record(cli: Cli, residents: Path, tmp_path: Path) -> None:
    source = residents / "residents.txt"
    source.write_bytes(source.read_bytes()[:-50])
    run = json.loads(
        cli("convert", "run", residents / "mapping-fixed.yaml", "--db", tmp_path / "x.duckdb", "--json").stdout
    )
    assert run["quarantine_by_reason"]["TRUNCATED_RECORD"] == 1 and run["reconciled"]
    assert run["rows_read"] == 50
