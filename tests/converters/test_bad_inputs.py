"""Bad sources and bad mappings: a clear one-line error (exit 2) or quarantined rows with a reason code."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from conftest import CliResult


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the messages (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


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
        # control characters in an X item of plain ASCII: its width check runs only when the file has one
        (GOOD + "3\t,0,OP1,R050401,0930\r\n", 4, "WIDTH_NOT_HALF"),
        (GOOD + "3\x7f,0,OP1,R050401,0930\r\n", 4, "WIDTH_NOT_HALF"),
        (
            GOOD + '"3\r4",0,OP1,R050401,0930\r\n',
            4,
            "WIDTH_NOT_HALF",
        ),  # a quoted CR (unquoted, DuckDB refuses the file)
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
        "tab",
        "delete",
        "lone-cr",
    ],
)
def test_bad_rows_are_quarantined(cli: Cli, tmp_path: Path, data: str, line: int | None, reason: str | None) -> None:
    mapping = _setup(tmp_path, data.encode("cp932"))
    result = _run(cli, mapping, "--accept-quarantine")  # one row of three: over the 1 % a run publishes by default
    assert "Traceback" not in result.stderr
    run = json.loads(result.stdout)
    assert run["reconciled"] and run["rows_read"] == run["rows_loaded"] + run["rows_quarantined"]
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        found = con.execute("SELECT line, reason FROM fitgap_quarantine").fetchall()
    assert found == ([(line, reason)] if reason else [])
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # a step after full width makes a narrow character again: the width check runs on every row
        ('  shimei: {from: name, transforms: [full_width, {replace: {from: "Ａ", to: "A"}}]}\n', "WIDTH_NOT_FULL"),
        # a constant, made by SQL alone, with a control character of its own (not one from the file)
        ('  jusho_yubinbango: {value: "06\\t0001"}\n', "WIDTH_NOT_HALF"),
    ],
    ids=["after-full-width", "constant"],
)
def test_a_width_check_runs_where_the_mapping_can_make_a_value_fail_it(
    cli: Cli, tmp_path: Path, line: str, reason: str
) -> None:
    data = GOOD.replace("time\r\n", "time,name\r\n").replace("0930\r\n", "0930,山田\r\n")
    data = data.replace("1015\r\n", "1015,Aさん\r\n")
    mapping = _setup(tmp_path, data.encode("cp932"), mapping=MAPPING.format(encoding="cp932") + line)
    _run(cli, mapping, "--accept-quarantine")
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        found = con.execute("SELECT DISTINCT line, reason FROM fitgap_quarantine ORDER BY line").fetchall()
    assert found == ([(3, reason)] if reason == "WIDTH_NOT_FULL" else [(2, reason), (3, reason)])


def test_invalid_cp932_bytes_have_their_offset(cli: Cli, tmp_path: Path) -> None:
    data = GOOD.encode("cp932") + b"3,0,OP\x85\x40,R050401,0930\r\n"
    mapping = _setup(tmp_path, data)
    _run(cli, mapping, "--accept-quarantine")
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
            "11: item 'atenabango' reads column 'nummer', which the source does not have — did you mean 'num'?",
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
            "value: put the text in quotes (and 1 more)",
        ),
    ],
    ids=["item", "column", "transform", "group", "mainframe", "escape", "typo", "yaml", "code-table", "yaml-no"],
)
def test_mapping_mistakes_name_their_line(cli: Cli, tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = MAPPING.format(encoding="cp932").replace(*change)
    assert _mapping_error(cli, tmp_path, text) == message


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
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {residents / 'residents.txt'}: record 1 does not end with CRLF at byte 197 — check record_length and "
        "terminator in the mapping against the file's layout\n",
    )


def test_fixed_width_crlf_records_read_without_terminator(cli: Cli, residents: Path, tmp_path: Path) -> None:
    mapping = residents / "mapping-fixed.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("terminator: crlf", "terminator: none"), encoding="utf-8"
    )
    result = cli("convert", "run", mapping, "--db", tmp_path / "x.duckdb")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {residents / 'residents.txt'}: record 2 holds the control byte 0A at byte 197 — check record_length "
        "and terminator in the mapping against the file's layout\n",
    )


def test_a_control_character_in_a_fixed_width_field_fails_its_width_check(
    cli: Cli, residents: Path, tmp_path: Path
) -> None:
    """Records without a control byte in a field skip the width check of an X item made of plain ASCII: one with
    a DEL in 宛名番号 does not."""
    source = residents / "residents.txt"
    data = bytearray(source.read_bytes())
    data[2 * 198 + 5] = 0x7F  # record 3 (196 bytes and CRLF each), in 宛名番号
    source.write_bytes(bytes(data))
    cli("convert", "run", residents / "mapping-fixed.yaml", "--db", tmp_path / "x.duckdb", "--accept-quarantine")
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
        found = con.execute("SELECT line, item, reason FROM fitgap_quarantine WHERE line = 3").fetchall()
    assert found == [(3, "atenabango", "WIDTH_NOT_HALF")]


def test_fixed_width_truncated_last_record(cli: Cli, residents: Path, tmp_path: Path) -> None:
    source = residents / "residents.txt"
    source.write_bytes(source.read_bytes()[:-50])
    run = json.loads(
        cli("convert", "run", residents / "mapping-fixed.yaml", "--db", tmp_path / "x.duckdb", "--json").stdout
    )
    assert run["quarantine_by_reason"]["TRUNCATED_RECORD"] == 1 and run["reconciled"]
    assert run["rows_read"] == 50


# The mapping file as YAML, its transforms' options, and the code and 外字 tables it names: each refused in one
# line at its line, before any row is read.
BOMB = "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(9)
)  # b: [*a × 9], c: [*b × 9] … j: 9**10 values once expanded


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  sosashaid: {from: op}", "  sosashaid: {from: op}\n  atenabango: {from: op}"),
            "14: the key 'atenabango' appears twice in one mapping (lines 11 and 14) — keep one of them (YAML would "
            "silently use the last)",
        ),
        (
            ("  header: true", "  header: true\n  header: false"),
            "7: the key 'header' appears twice in one mapping (lines 6 and 7) — keep one of them (YAML would silently "
            "use the last)",
        ),
        (
            ("name: t", "name: !!python/object/apply:os.system ['touch owned']"),
            "1: the YAML tag '!!python/object/apply:os.system' is not allowed — remove it: the file holds plain text, "
            "numbers, lists and mappings only",
        ),
        (
            ("{from: op}", "{from: !!python/name:os.getcwd ''}"),
            "13: the YAML tag '!!python/name:os.getcwd' is not allowed — remove it: the file holds plain text, "
            "numbers, lists and mappings only",
        ),
        (
            ("{from: op}", "{from: !env OPERATOR}"),
            "13: the YAML tag '!env' is not allowed — remove it: the file holds plain text, numbers, lists and mappings "
            "only",
        ),
        (
            ("name: t", "name: t\na: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']\n" + BOMB),
            "aliases (*name) would repeat more than 100,000 values — write the values out, or use fewer aliases",
        ),
        (
            ("name: t", "name: t\nloop: &loop {again: *loop}"),
            "2: an alias refers to the mapping or list it is inside — write the values out instead of the alias",
        ),
        (
            ("name: t", "name: 2026-02-30"),
            "1: invalid YAML: cannot read the value (day is out of range for month) — put it in quotes to keep it as "
            "text",
        ),
        (
            ("{from: num}", "{from: num, transforms: [{pad_left: {length: 99999999999999999999}}]}"),
            "11: pad_left option 'length' is 99999999999999999999, more than 10,000 — no item is that long: write "
            "pad_left: {length: 15, char: '0'}",
        ),
        (
            ("{from: num}", "{from: num, transforms: [{pad_left: 2000000000}]}"),
            "11: pad_left option 'length' is 2000000000, more than 10,000 — no item is that long: write "
            "pad_left: {length: 15, char: '0'}",
        ),
        (
            ("{from: op}", "{from: op, transforms: [trim, {substr: {start: 123456, length: 2}}]}"),
            "13: substr option 'start' is 123456, more than 10,000 — no item is that long: write "
            "substr: {start: 1, length: 5}",
        ),
        (
            ("{from: op}", "{from: op, transforms: [{split: {separator: '-', part: 99999}}]}"),
            "13: split option 'part' is 99999, more than 10,000 — no item is that long: write "
            "split: {separator: '\u3000', part: 2}",
        ),
        (
            ("{from: num}", "{from: num, transforms: [{pad_left: {length: fifteen}}]}"),
            "11: pad_left option 'length': Input should be a valid integer, unable to parse string as an integer — "
            "write pad_left: {length: 15, char: '0'}",
        ),
        (
            ("{from: num}", "{from: num, transforms: [{pad_left: {lenght: 15}}]}"),
            "11: pad_left has no option 'lenght' — did you mean 'length'?",
        ),
        (
            ("{from: op}", "{from: op, transforms: [{trim: 5}]}"),
            "13: trim takes no options — write the name alone: - trim",
        ),
        (
            ("{from: num}", "{from: zzz}"),
            "11: item 'atenabango' reads column 'zzz', which the source does not have — check the name against the "
            "source's header",
        ),
    ],
    ids=[
        "duplicate-item",
        "duplicate-option",
        "python-tag",
        "python-name-tag",
        "local-tag",
        "alias-bomb",
        "recursive-alias",
        "not-a-day",
        "option-past-int64",
        "option-a-billion",
        "substr-start",
        "split-part",
        "option-type",
        "option-typo",
        "options-for-none",
        "column-unknown",
    ],
)
def test_refused_mapping_files(cli: Cli, tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = MAPPING.format(encoding="cp932").replace(*change)
    assert text != MAPPING.format(encoding="cp932")
    assert _mapping_error(cli, tmp_path, text) == message
    assert not (tmp_path / "owned").exists()


def _with_code_table(tmp_path: Path, table: bytes | None, kind: str = "file", gaiji: bool = False) -> Path:
    path = tmp_path / "codes.csv"
    if kind == "file" and table is not None:
        path.write_bytes(table)
    elif kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    text = MAPPING.format(encoding="cp932")
    if gaiji:
        text = text.replace("name: t\n", "name: t\ngaiji: codes.csv\n")
    else:
        text = text.replace("{from: flag}", "{from: flag, transforms: [{code: flags}]}")
        text += "code_tables:\n  flags: {path: codes.csv}\n"
    return _setup(tmp_path, GOOD.encode("cp932"), mapping=text)


@pytest.mark.parametrize(
    ("table", "kind", "gaiji", "message"),
    [
        (
            b"legacy,standard\n0,0\n1,1\n0,1\n",
            "file",
            False,
            "18: code table codes.csv lists the legacy code '0' twice (lines 2 and 4) — keep one line per legacy code",
        ),
        (
            b"legacy,standard\n0,0\n1\n",
            "file",
            False,
            "18: code table codes.csv line 3 has one column — write each line as legacy code,standard code",
        ),
        (None, "missing", False, "18: code table {path} not found — check the path"),
        (
            None,
            "directory",
            False,
            "18: code table {path} is a directory, not a regular file — give the file inside it",
        ),
        (
            None,
            "fifo",
            False,
            "18: code table {path} is a named pipe (FIFO), not a regular file — copy the data into a regular file first",
        ),
        (
            "legacy,standard\n0,男\n".encode("cp932"),
            "file",
            False,
            "18: code table {path} is not UTF-8 — save it as UTF-8 CSV",
        ),
        (
            "pua,standard\nU+E000,髙\n\ue000,高\n".encode(),
            "file",
            True,
            "2: 外字 table codes.csv lists U+E000 twice (as 'U+E000' and '\\ue000') — keep one line per 外字",
        ),
        (
            "pua,standard\nU+E000,髙\nU+E000,高\n".encode(),
            "file",
            True,
            "2: 外字 table codes.csv lists the 外字 'U+E000' twice (lines 2 and 3) — keep one line per 外字",
        ),
        (
            "pua,standard\nU+ZZZZ,髙\n".encode(),
            "file",
            True,
            "2: 外字 table: 'U+ZZZZ' is not a Private Use Area character — write the code point as U+E001 (U+E000–U+F8FF)",
        ),
        (
            "pua,standard\nA,髙\n".encode(),
            "file",
            True,
            "2: 外字 table: 'A' is not a Private Use Area character — write the code point as U+E001 (U+E000–U+F8FF)",
        ),
    ],
    ids=[
        "duplicate-code",
        "one-column",
        "missing",
        "directory",
        "fifo",
        "not-utf8",
        "gaiji-same-character",
        "gaiji-duplicate",
        "gaiji-not-hex",
        "gaiji-not-pua",
    ],
)
def test_refused_code_tables(
    cli: Cli, tmp_path: Path, table: bytes | None, kind: str, gaiji: bool, message: str
) -> None:
    mapping = _with_code_table(tmp_path, table, kind, gaiji)
    result = _run(cli, mapping)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"Error: {mapping}:{message.format(path=tmp_path / 'codes.csv')}\n"


# Sources that are not regular files: refused before they are opened (a FIFO would block the run for ever).
def _not_a_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "export"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    return path


@pytest.mark.parametrize(
    ("kind", "by_option", "message"),
    [
        ("missing", True, "source file not found — check the path given to --source"),
        ("directory", True, "source file is a directory, not a regular file — give the file inside it"),
        (
            "fifo",
            True,
            "source file is a named pipe (FIFO), not a regular file — copy the data into a regular file first",
        ),
        (
            "device",
            True,
            "source file is a character device, not a regular file — copy the data into a regular file first",
        ),
        ("missing", False, "source file not found — check the path or pass --source"),
        ("directory", False, "source file is a directory, not a regular file — give the file inside it"),
        (
            "fifo",
            False,
            "source file is a named pipe (FIFO), not a regular file — copy the data into a regular file first",
        ),
    ],
    ids=["option-missing", "option-directory", "option-fifo", "option-device", "missing", "directory", "fifo"],
)
def test_sources_that_are_no_files(cli: Cli, tmp_path: Path, kind: str, by_option: bool, message: str) -> None:
    path = _not_a_file(tmp_path, kind)
    text = MAPPING.format(encoding="cp932")
    mapping = _setup(tmp_path, GOOD.encode("cp932"), mapping=text if by_option else text.replace("data.csv", "export"))
    result = _run(cli, mapping, *(["--source", str(path)] if by_option else []))
    assert (result.exit_code, result.stderr) == (2, f"Error: {path}: {message}\n")


def test_a_fixed_width_source_that_is_a_fifo(cli: Cli, residents: Path, tmp_path: Path) -> None:
    source = residents / "residents.txt"
    source.unlink()
    os.mkfifo(source)
    result = cli("convert", "run", residents / "mapping-fixed.yaml", "--db", tmp_path / "x.duckdb")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: source file is a named pipe (FIFO), not a regular file — copy the data into a regular "
        "file first\n",
    )


HEADERLESS = "1,0,OP1,R050401,0930\r\n2,1,OP1,H31.04.30,1015\r\n"


@pytest.mark.parametrize(
    ("data", "change", "message"),
    [
        (
            HEADERLESS,
            ("", ""),
            "6: the header line of the source does not hold the mapping's column names (5 of 5 not found) — if the "
            "file has no header line, set 'header: false' and list its columns under 'columns:'",
        ),
        (
            "num,flag,op,day,time,num\r\n1,0,OP1,R050401,0930,1\r\n",
            ("", ""),
            "11: item 'atenabango' reads column 'num', which the header names 2 times (columns 1, 6) — give each "
            "column its own name in the header line, or set 'header: false' and list the columns under 'columns:'",
        ),
        (
            HEADERLESS,
            ("header: true", "header: false"),
            "11: item 'atenabango' reads column 'num', which the source does not have — the file has no header line: "
            "read its columns as column1 … column5, or name them under 'columns:'",
        ),
    ],
    ids=["header-is-a-record", "header-names-twice", "no-header-no-names"],
)
def test_header_mistakes(cli: Cli, tmp_path: Path, data: str, change: tuple[str, str], message: str) -> None:
    text = MAPPING.format(encoding="cp932").replace(*change)
    mapping = _setup(tmp_path, data.encode("cp932"), mapping=text)
    result = _run(cli, mapping)
    assert (result.exit_code, result.stderr) == (2, f"Error: {mapping}:{message}\n")
    assert "OP1" not in result.stderr and "R050401" not in result.stderr  # a record's values are never shown


@pytest.mark.parametrize(
    ("data", "change", "message"),
    [
        (
            b"9" * 10_000_001,
            ("", ""),
            "line 1 is longer than 10,000,000 characters — check that the file is a CSV with one record per line "
            "(its line breaks may be CR alone)",
        ),
        (
            b"num,flag,op,day,time\r1,0,OP1,R050401,0930\r2,1,OP1,H31.04.30,1015\r",
            ("", ""),
            "the CSV cannot be parsed (The CSV Parser state machine reached an invalid state.) — check the delimiter "
            "and quote settings of the mapping against the file",
        ),
        (
            b"\r\n1,0,OP1,R050401,0930\r\n",
            ("", ""),
            "the header line is empty — set 'header: false' and name the columns",
        ),
        (
            HEADERLESS.encode(),
            ("  header: true", "  header: false\n  columns: [num, flag, op, day, time, extra]"),
            "the mapping names 6 columns but line 1 has 5 — list one name per column under source.columns",
        ),
    ],
    ids=["10-mb-line-without-break", "cr-line-ends", "empty-header", "columns-count"],
)
def test_csv_shape_mistakes(cli: Cli, tmp_path: Path, data: bytes, change: tuple[str, str], message: str) -> None:
    mapping = _setup(tmp_path, data, mapping=MAPPING.format(encoding="cp932").replace(*change))
    result = _run(cli, mapping)
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'data.csv'}: {message}\n")


def test_a_file_without_line_breaks_is_not_held_in_memory(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from converters import readers

    monkeypatch.setattr(readers, "CHUNK", 1 << 16)
    monkeypatch.setattr(readers, "MAX_CARRY", 1 << 20)  # 64 MiB in real runs
    mapping = _setup(tmp_path, b"num,flag,op,day,time\r\n" + b"9" * (2 << 20))
    result = _run(cli, mapping)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {tmp_path / 'data.csv'}: line 2 runs past 1 MiB without a line break — records must end with LF or "
        "CRLF: re-export the file (a file with CR line ends, or fixed-width records without terminators, needs "
        "another mapping)\n",
    )


# Excel sources: read as a person sees the sheet, and nothing rounded or guessed.
XLSX_MAPPING = """source: {format: xlsx, path: data.xlsx}
target: {business: '031', group: 住登外者宛名基本情報}
items:
  atenabango: {from: num}
  daihyoatenafuragu: {from: flag}
  sosashaid: {from: op}
  sosanengappi: {from: day}
  sosajikoku: {from: time}
  seinengappi_fushohyoki: {value: 不詳}
"""


def _xlsx(tmp_path: Path, rows: list[list[object]], cells: dict[str, str] | None = None) -> Path:
    """A workbook and its mapping; ``cells`` replaces cells by their XML, for what openpyxl does not write (the
    saved result of a formula, an error result, a number with 17 significant digits)."""
    import re
    import zipfile

    from workbooks import write_sheet

    path = write_sheet(tmp_path / "data.xlsx", rows)
    if cells:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        for cell, xml in cells.items():
            sheet, found = re.subn(f'<c r="{cell}"[^>]*>.*?</c>', xml, sheet, count=1)
            assert found == 1, cell
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    (tmp_path / "m.yaml").write_text(XLSX_MAPPING, encoding="utf-8")
    return tmp_path / "m.yaml"


def test_excel_cells_are_read_as_shown_or_quarantined(cli: Cli, tmp_path: Path) -> None:
    import datetime as dt

    mapping = _xlsx(
        tmp_path,
        [
            ["num", "flag", "op", "day", "time"],
            [1, 0, "OP1", dt.date(2023, 4, 1), "0930"],  # a date cell: an ISO date, as the era transform reads
            [2, "x", "OP1", dt.datetime(2019, 4, 30), "1015"],  # B3: a formula with its saved result
            [1234567890123456, 0, "OP1", "R050401", "0930"],  # 16 significant digits: Excel kept 15 of them
            [4, "x", "OP1", "R050401", "0930"],  # B5: a formula with no saved result
            [5, "x", "OP1", "R050401", "0930"],  # B6: a formula whose result is #DIV/0!
            [6, 0, "OP1", "R050401", "x"],  # E7: 0.1 + 0.2 as Excel saves it, 17 significant digits
            [],  # an empty row is no record
            [7, 1, "OP1", "R050401", "0930"],
        ],
        {
            "B3": '<c r="B3"><f>1-1</f><v>0</v></c>',
            "B5": '<c r="B5"><f>1+1</f></c>',
            "B6": '<c r="B6" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
            "E7": '<c r="E7"><v>0.30000000000000004</v></c>',
        },
    )
    result = cli("convert", "run", mapping, "--db", tmp_path / "x.duckdb", "--json", "--accept-quarantine")
    assert (result.exit_code, "Traceback" in result.stderr) == (0, False), result.stderr
    run = json.loads(result.stdout)
    assert (run["rows_read"], run["rows_loaded"], run["rows_quarantined"]) == (7, 3, 4)
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
        quarantined = con.execute("SELECT line, reason, rule, value FROM fitgap_quarantine ORDER BY line").fetchall()
        loaded = con.execute(
            'SELECT _source_line, atenabango, daihyoatenafuragu, sosanengappi FROM "031_住登外者宛名基本情報" ORDER BY 1'
        ).fetchall()
    assert quarantined == [
        (4, "EXCEL_NUMBER_TOO_PRECISE", "cell A4: a number of 16 significant digits (Excel keeps 15)", None),
        (5, "EXCEL_FORMULA_NO_VALUE", "cell B5: a formula with no saved result", None),
        (6, "EXCEL_FORMULA_NO_VALUE", "cell B6: a formula with an error result", None),
        (7, "EXCEL_NUMBER_TOO_PRECISE", "cell E7: a number of 17 significant digits (Excel keeps 15)", None),
    ]
    assert loaded == [(2, "1", "0", "2023-04-01"), (3, "2", "0", "2019-04-30"), (9, "7", "1", "2023-04-01")]


@pytest.mark.parametrize(
    ("rows", "change", "message"),
    [
        (
            [["宛名番号一覧"], ["num", "flag", "op", "day", "time"], [1, 0, "OP1", "R050401", "0930"]],
            ("", ""),
            "{mapping}:1: row 1 of the sheet does not hold the mapping's column names (5 of 5 not found) — set "
            "source.header_row to the row that names them",
        ),
        (
            [["num", "flag", "op", "day", "time", "op"], [1, 0, "OP1", "R050401", "0930", "OP2"]],
            ("", ""),
            "{mapping}:6: item 'sosashaid' reads column 'op', which the header names 2 times (columns 3, 6) — give "
            "each column its own name in the sheet's header row",
        ),
        (
            [["num", "flag", "op", "day", "time"]],
            ("path: data.xlsx}", "path: data.xlsx, sheet: 住民}"),
            "{source}: no sheet '住民' (sheets: Sheet1) — name the sheet under source.sheet",
        ),
        (
            [],
            ("path: data.xlsx}", "path: data.xlsx, header_row: 5}"),
            "{source}: sheet 'Sheet1' is empty",
        ),
    ],
    ids=["header-not-in-row-1", "header-names-twice", "no-such-sheet", "empty-sheet"],
)
def test_excel_mistakes(
    cli: Cli, tmp_path: Path, rows: list[list[object]], change: tuple[str, str], message: str
) -> None:
    mapping = _xlsx(tmp_path, rows)
    mapping.write_text(XLSX_MAPPING.replace(*change), encoding="utf-8")
    result = cli("convert", "run", mapping, "--db", tmp_path / "x.duckdb")
    expected = message.format(mapping=mapping, source=tmp_path / "data.xlsx")
    assert (result.exit_code, result.stderr) == (2, f"Error: {expected}\n")
    assert "OP1" not in result.stderr and "宛名番号一覧" not in result.stderr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: os.mkfifo(p),
            "source file is a named pipe (FIFO), not a regular file — copy the data into a regular file first",
        ),
        (lambda p: p.mkdir(), "source file is a directory, not a regular file — give the file inside it"),
        (
            lambda p: p.write_text("num,flag\n", encoding="utf-8"),
            "not an .xlsx workbook (the file is not a ZIP/OOXML "
            "package) — give the 項目定義書 or function list as an .xlsx file",
        ),
    ],
    ids=["fifo", "directory", "csv-named-xlsx"],
)
def test_excel_sources_that_are_no_workbooks(
    cli: Cli, tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    source = tmp_path / "data.xlsx"
    make(source)
    (tmp_path / "m.yaml").write_text(XLSX_MAPPING, encoding="utf-8")
    result = cli("convert", "run", tmp_path / "m.yaml", "--db", tmp_path / "x.duckdb")
    assert (result.exit_code, result.stderr) == (2, f"Error: {source}: {message}\n")
