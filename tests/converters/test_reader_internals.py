"""Staging bookkeeping: source lines around rejected lines, fixed-width records that do not decode, 外字 columns."""

from __future__ import annotations

import hashlib
import itertools
import random
import shutil
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from converters import readers
from converters.engine import _Survey
from converters.mapping import FixedSource, load_mapping
from converters.readers import Rejected, _fixed_chunk, stage
from spec_catalog import load_embedded

MAPPING = """name: t
source:
  format: csv
  path: data.csv
  encoding: cp932
  header: true
target:
  business: "031"
  group: 住登外者宛名基本情報
items:
  atenabango: {from: line}
  sosashaid: {from: name}
"""


def _stage(tmp_path: Path, lines: list[str]) -> duckdb.DuckDBPyConnection:
    (tmp_path / "data.csv").write_bytes(("line,name,other\r\n" + "\r\n".join(lines) + "\r\n").encode("cp932"))
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.yaml", load_embedded())
    con = duckdb.connect()
    work = tmp_path / "work"
    work.mkdir()
    stage(con, mapping, work)
    return con


@pytest.mark.parametrize("bad_count", [0, 1, 5, 64, 65, 300])
def test_every_staged_row_keeps_its_source_line(tmp_path: Path, bad_count: int) -> None:
    chooser = random.Random(bad_count)
    total = 2000
    bad = set(chooser.sample(range(2, total + 2), bad_count))
    if bad_count:
        bad |= {2, total + 1}  # the first and the last data line too
    if bad_count >= 64:
        bad |= set(range(500, 520))  # rejected lines in a row
    lines = [f"{n},x{n}" if n in bad else f"{n},x{n},y" for n in range(2, total + 2)]
    con = _stage(tmp_path, lines)
    rows = con.execute("SELECT _line, c0 FROM stage ORDER BY _line").fetchall()
    assert [int(c0) for _, c0 in rows] == [line for line, _ in rows]
    assert {line for line, _ in rows} == set(range(2, total + 2)) - bad


def test_the_columns_that_hold_a_gaiji_or_plain_ascii_only_are_found_when_asked(tmp_path: Path) -> None:
    # U+E000 and U+E757 are CP932 user-defined characters (lead bytes F0–F9); 髙 (FB FC) is no 外字.
    con = _stage(tmp_path, ["2,山\ue000,y", "3,x,\ue757", "4,髙,y"])
    survey = _Survey(con, may_have_pua=True)
    assert survey.all_ascii({"c0"}) and not survey.all_ascii({"c0", "c1"})
    assert survey.ascii == {"c0": True, "c1": False} and survey.pua == {}  # 外字: not looked for yet
    assert survey.any_pua({"c1"}) and survey.any_pua({"c2"}) and not survey.any_pua({"c0"})
    assert survey.pua == {"c1": True, "c2": True}  # c0 is plain ASCII: never searched for a 外字
    # Bytes that cannot start a 外字: no column is looked at for one.
    survey = _Survey(con, may_have_pua=False)
    assert not survey.any_pua({"c1", "c2"}) and survey.ascii == {}
    assert not survey.all_ascii({"c2"})


@pytest.mark.parametrize(
    ("data", "encoding", "lines", "controls"),
    [
        ("森,1\r\n田,2\r\n".encode("cp932"), "cp932", True, False),  # CRLF ends lines: no value holds one
        (b"a,1\nb,2", "cp932", True, False),
        (b"a,1\r\nb\t,2\r\n", "cp932", True, True),  # a tab in a value
        (b"a,1\r\nb\x7f,2\r\n", "utf-8", True, True),  # DEL
        (b'"a\rb",1\r\n', "cp932", True, True),  # a CR in a quoted value
        (b"a\rb,1\nc,2\n", "cp932", True, True),  # a CR with no LF after it in an LF file
        ("ア,1\n".encode("utf-16"), "utf-16", True, True),  # no byte test for UTF-16
        (b"0001  \r\n0002  \r\n", "cp932", False, True),  # fixed width, no record ends given: CR and LF count
    ],
    ids=["crlf", "lf", "tab", "del", "quoted-cr", "lone-cr", "utf16", "fixed"],
)
def test_a_control_character_in_a_value_is_seen_in_the_bytes(
    data: bytes, encoding: str, lines: bool, controls: bool
) -> None:
    pairs = (lambda: data.count(b"\r\n")) if lines else None
    assert readers._may_have_controls(data, encoding, crlf_pairs=pairs) is controls
    if not lines:  # the terminators of its two records, checked by the reader, are not counted
        assert not readers._may_have_controls(data, encoding, record_ends=4)


def _every_line_start(staged: readers.Staged) -> list[int | None] | None:
    starts = staged.line_offsets
    if starts is None:
        return None
    found = starts.offsets(range(1, starts.lines + 2))  # one past the last: None
    return [found[line] for line in range(1, starts.lines + 2)]


@pytest.mark.parametrize("mapping", ["mapping-csv.yaml", "mapping-fixed.yaml"])
def test_the_sample_exports_hold_no_control_character(residents: Path, tmp_path: Path, mapping: str) -> None:
    """Their CRLFs end lines and records: the X items' width checks need not run on every row."""
    con = duckdb.connect()
    staged = stage(con, load_mapping(residents / mapping, load_embedded()), tmp_path)
    assert staged.may_have_controls is False
    assert staged.may_have_pua is True  # the sample has a 外字


@pytest.mark.parametrize("trim", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_a_fixed_width_chunk_rejects_exactly_the_records_that_do_not_decode(seed: int, trim: bool) -> None:
    # Against a record-by-record reference: good records keep their text and number, bad ones (a field that ends in
    # a lead byte, bytes that are no CP932) are blanked and rejected once; more than 32 bad ones in a chunk too.
    # The chunk keeps every byte of a field, trimmed or not: the stage's SQL drops the padding.
    source = FixedSource.model_validate(
        {
            "format": "fixed",
            "path": "x",
            "encoding": "cp932",
            "record_length": 10,
            "terminator": "lf",
            "fields": [{"name": "a", "start": 1, "length": 3}, {"name": "b", "start": 4, "length": 7}],
            "trim": trim,
        }
    )
    chooser = random.Random(seed)
    records = []
    for _ in range(chooser.randint(1, 300)):
        roll = chooser.random()
        if roll < 0.1:
            records.append(b"ab\x82" + "漢字ab ".encode("cp932"))  # field a splits a character
        elif roll < 0.15:
            records.append(b"\xff\xfe\xfd1234567")
        elif roll < 0.3:
            records.append(b" a " + "  　x  ".encode("cp932"))  # spaces of both widths around the values
        elif roll < 0.4:
            records.append(b"   " + b" " * 7)  # nothing in either field
        else:
            records.append(b"abc" + "漢字ab ".encode("cp932"))
    block = np.frombuffer(b"".join(records), dtype=np.uint8).reshape(len(records), 10).copy()
    rejected: list[Rejected] = []
    lines = _fixed_chunk(block, 0, 11, source, "cp932", rejected).split("\n")[:-1]
    assert len(lines) == len(records)
    bad = [r.line for r in rejected]
    assert len(bad) == len(set(bad))
    for number, (record, line) in enumerate(zip(records, lines, strict=True), start=1):
        try:
            expected = record[:3].decode("cp932") + record[3:].decode("cp932")
        except UnicodeDecodeError:
            expected = None
        digits, a, b = line.split("\x1f")
        assert int(digits) == number
        assert (number in bad) == (expected is None)
        if expected is None:
            assert a + b == ""
        else:
            assert (a, b) == (record[:3].decode("cp932"), record[3:].decode("cp932"))


@pytest.mark.parametrize(
    "ends",
    [
        ["\r\n"] * 300,  # CRLF throughout: written as it is
        ["\r\n"] * 150 + ["\n"] * 150,  # a CRLF file with LF lines in a later chunk
        ["\n"] * 150 + ["\r\n"] * 150,  # an LF file with CRLF lines later
        ["\r\n", "\n"] * 150,  # mixed in every chunk
    ],
    ids=["crlf", "crlf-then-lf", "lf-then-crlf", "mixed"],
)
@pytest.mark.parametrize("final_newline", [True, False])
def test_line_ends_are_made_one_whatever_the_file_mixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ends: list[str], final_newline: bool
) -> None:
    monkeypatch.setattr(readers, "CHUNK", 512)  # many chunks
    body = "".join(f"{n},名前{n},y{end}" for n, end in zip(range(2, 302), ends, strict=True))
    if not final_newline:
        body = body.rstrip("\r\n")
    (tmp_path / "data.csv").write_bytes(("line,name,other\r\n" + body).encode("cp932"))
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    con = duckdb.connect()
    (tmp_path / "work").mkdir()
    staged = stage(con, load_mapping(tmp_path / "m.yaml", load_embedded()), tmp_path / "work")
    assert staged.rejected == []
    rows = con.execute("SELECT _line, c0, c1, c2 FROM stage ORDER BY _line").fetchall()
    assert rows == [(n, str(n), f"名前{n}", "y") for n in range(2, 302)]


@pytest.mark.parametrize("trim", [True, False])
def test_fixed_width_fields_lose_their_padding_of_both_widths_as_they_are_staged(tmp_path: Path, trim: bool) -> None:
    # Half-width spaces around a value go; a value that then starts or ends with a full-width space loses the spaces
    # of both widths there; spaces inside a value stay. With trim: false every byte stays.
    values = ["  ab  ", "　森花　", " 森　　 ", " 　x", "x 　 ", "      ", "　　　　", "a　 b", "ｶﾅ    "]
    records = [v.encode("cp932").ljust(8) for v in values]
    (tmp_path / "data.txt").write_bytes(b"".join(r + b"x\n" for r in records))
    (tmp_path / "m.yaml").write_text(
        MAPPING.replace(
            "  format: csv\n  path: data.csv\n  encoding: cp932\n  header: true\n",
            "  format: fixed\n  path: data.txt\n  encoding: cp932\n  terminator: lf\n  record_length: 9\n"
            f"  trim: {'true' if trim else 'false'}\n"
            "  fields: [{name: line, start: 1, length: 8}, {name: name, start: 9, length: 1}]\n",
        ),
        encoding="utf-8",
    )
    con = duckdb.connect()
    (tmp_path / "work").mkdir()
    stage(con, load_mapping(tmp_path / "m.yaml", load_embedded()), tmp_path / "work")
    staged = [row[0] for row in con.execute("SELECT c0 FROM stage ORDER BY _line").fetchall()]
    if trim:
        assert staged == ["ab", "森花", "森", "x", "x", None, None, "a　 b", "ｶﾅ"]
    else:
        assert staged == [r.decode("cp932") for r in records]


@pytest.mark.parametrize(
    ("data", "utf8"),
    [
        pytest.param("ﾞ森".encode("cp932"), False, id="cp932-that-is-valid-utf8"),
        pytest.param("森　花子,ﾓﾘ".encode("cp932"), False, id="cp932"),
        pytest.param("森　花子,モリ".encode(), True, id="utf8-japanese"),
        pytest.param("\ufeffa,b".encode(), True, id="bom"),
        pytest.param(b"a,b\r\n1,2", False, id="ascii"),
    ],
)
def test_utf8_sniffing(data: bytes, utf8: bool) -> None:
    from converters.readers import _looks_utf8

    assert _looks_utf8(data) is utf8


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", ["csv", "fixed"])
def test_worker_processes_stage_exactly_what_one_process_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, language: str
) -> None:
    # Many chunks, some with lines that do not decode, a NUL byte, mixed line ends: decoded in this process and in
    # worker processes, the stage, the rejections (said in the run's language), the line offsets and the hash agree.
    from spec_catalog.language import chosen

    monkeypatch.setattr(readers, "CHUNK", 512)
    rng = random.Random(7)
    lines = []
    for n in range(2, 602):
        name = "".join(rng.choice(["森", "ｶﾅ", "髙", "\ue000", "a"]) for _ in range(3))
        raw = f"{n:05d},{name:　<4},y".encode("cp932")
        if n % 97 == 0:
            raw = raw.replace(b"y", b"\x85\x40")  # not CP932
        if n % 151 == 0:
            raw = raw.replace(b"y", b"\x00")
        lines.append(raw + (b"\r\n" if n % 5 else b"\n"))
    if kind == "csv":
        (tmp_path / "data.csv").write_bytes(b"line,name,other\r\n" + b"".join(lines))
        mapping_text = MAPPING
    else:
        width = max(len(line.rstrip(b"\r\n")) for line in lines)
        (tmp_path / "data.csv").write_bytes(b"".join(line.rstrip(b"\r\n").ljust(width) + b"\r\n" for line in lines))
        mapping_text = MAPPING.replace(
            "  format: csv\n  path: data.csv\n  encoding: cp932\n  header: true\n",
            "  format: fixed\n  path: data.csv\n  encoding: cp932\n  terminator: crlf\n"
            f"  record_length: {width}\n  fields:\n"
            f"    - {{name: line, start: 1, length: 5}}\n    - {{name: name, start: 7, length: {width - 6}}}\n",
        )
    (tmp_path / "m.yaml").write_text(mapping_text, encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.yaml", load_embedded())

    def staged_with(workers: int) -> tuple[object, ...]:
        monkeypatch.setattr(readers, "workers_for", lambda size, chunk: workers)
        con = duckdb.connect()
        work = tmp_path / f"work{workers}"
        work.mkdir()
        with chosen(language):  # type: ignore[arg-type]
            staged = stage(con, mapping, work)
        rows = con.execute("SELECT * FROM stage ORDER BY _line").fetchall()
        shutil.rmtree(work)  # as a run's own temporary folder is (the staged record numbers look like 個人番号)
        offsets = _every_line_start(staged)
        return (
            rows,
            staged.rejected,
            offsets,
            staged.sha256,
            staged.may_have_pua,
            staged.may_have_controls,
            staged.rows_read,
        )

    alone, shared = staged_with(0), staged_with(2)
    assert shared == alone
    assert len(alone[1]) >= 6  # type: ignore[arg-type]  # the bad lines were rejected in both
    assert len(alone[0]) + len({r.line for r in alone[1] if r.reason.name != "NUL_BYTE"}) >= 590  # type: ignore[attr-defined]


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("line_end", [b"\r\n", b"\n"])
def test_a_csv_read_in_parts_stages_what_one_part_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: bool, line_end: bytes
) -> None:
    # A large file goes to DuckDB in parts, one pipe each (_parts); the lines of a later part are numbered in the
    # whole file: rows, the lines DuckDB refuses (a column missing or one too many), the lines that do not
    # decode, the line offsets, the hash and the progress (bytes and lines) are the same as from one part.
    lines = [f"{n:05d},名{n},x".encode("cp932") for n in range(1, 301)]
    for n in (40, 170, 260):
        lines[n] = lines[n].replace(b",x", b"")  # a column missing
    for n in (120, 290):
        lines[n] += b",y"  # one column too many
    for n in (75, 230):
        lines[n] = lines[n].replace(b"x", b"\x85\x40")  # not CP932
    first = [b"line,name,other"] if header else []
    (tmp_path / "data.csv").write_bytes(line_end.join(first + lines) + line_end)
    mapping_text = MAPPING if header else MAPPING.replace("  header: true\n", "  header: false\n")
    if not header:
        mapping_text = mapping_text.replace("{from: line}", "{from: column1}").replace(
            "{from: name}", "{from: column2}"
        )
    (tmp_path / "m.yaml").write_text(mapping_text, encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.yaml", load_embedded())

    def staged_in(parts: int) -> tuple[object, ...]:
        monkeypatch.setattr(readers, "_parts", lambda size: parts)
        con = duckdb.connect()
        work = tmp_path / f"work{parts}"
        work.mkdir()
        told: list[tuple[int, int]] = []
        staged = stage(con, mapping, work, lambda done, read: told.append((done, read)))
        rows = con.execute("SELECT * FROM stage ORDER BY _line").fetchall()
        offsets = _every_line_start(staged)
        rejected = sorted((r.line, r.offset, r.reason, r.value) for r in staged.rejected)
        return rows, rejected, offsets, staged.sha256, staged.rows_read, told[-1]

    one, three = staged_in(1), staged_in(3)
    assert three == one
    assert len(one[1]) == 7  # type: ignore[arg-type]
    assert [line for line, *_ in one[1]][:2] == [41 + header, 76 + header]  # type: ignore[misc]


@pytest.mark.parametrize("parts", [1, 3])
def test_every_line_start_is_found_again_where_it_is_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: int
) -> None:
    """The line starts are found again from the chunks' places when asked, in any order: against the file's own
    line feeds, with many small chunks in one part or three."""
    data = b"line,name,other\r\n" + b"".join(f"{n},名前{n},x\r\n".encode("cp932") for n in range(1, 400)) + b"9,z"
    (tmp_path / "data.csv").write_bytes(data)
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    monkeypatch.setattr(readers, "CHUNK", 256)
    monkeypatch.setattr(readers, "_parts", lambda size: parts)
    staged = stage(duckdb.connect(), load_mapping(tmp_path / "m.yaml", load_embedded()), tmp_path)
    starts = staged.line_offsets
    assert starts is not None and len(starts.chunks) > 20
    expected = [0] + [at + 1 for at, byte in enumerate(data) if byte == 0x0A]
    lines = list(range(1, len(expected) + 1))
    random.Random(parts).shuffle(lines)
    assert starts.offsets(lines) == dict(zip(range(1, len(expected) + 1), expected, strict=True))
    assert starts.offsets([0, len(expected) + 1, 5]) == {0: None, len(expected) + 1: None, 5: expected[4]}
    # Another file at the path, or none: no offsets, never those of another text.
    (tmp_path / "data.csv").write_bytes(data.replace(b"line,", b"lines,", 1))
    assert set(starts.offsets(lines).values()) == {None}
    (tmp_path / "data.csv").unlink()
    assert set(starts.offsets(lines).values()) == {None}


def test_a_csv_is_cut_after_a_line_feed_and_never_past_its_end(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 10)
    cuts = readers._csv_cuts(path, path.stat().st_size, 4)
    assert [start for start, _ in cuts] == sorted({start for start, _ in cuts})
    assert all(start == 0 or path.read_bytes()[start - 1 : start] == b"\n" for start, _ in cuts)
    assert cuts[-1][1] is None and all(end == nxt for (_, end), (nxt, _) in itertools.pairwise(cuts))
    path.write_bytes(b"x" * 100)  # no line feed: one part
    assert readers._csv_cuts(path, 100, 4) == [(0, None)]


def test_a_line_too_long_in_a_later_part_is_named_by_its_line_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spec_catalog.base import InputFileError

    monkeypatch.setattr(readers, "MAX_CARRY", 1 << 10)
    monkeypatch.setattr(readers, "CHUNK", 256)
    monkeypatch.setattr(readers, "_parts", lambda size: 2)
    lines = [b"line,name,other"] + [f"{n:05d},a,b".encode() for n in range(1, 400)]
    (tmp_path / "data.csv").write_bytes(b"\n".join(lines) + b"\n" + b"9" * 4000 + b"\n")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.yaml", load_embedded())
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(InputFileError, match=r"line 401 |401 行目"):
        stage(duckdb.connect(), mapping, work)


def _csv_mapping(tmp_path: Path, data: bytes, encoding: str = "cp932") -> Any:
    (tmp_path / "data.csv").write_bytes(data)
    (tmp_path / "m.yaml").write_text(MAPPING.replace("encoding: cp932", f"encoding: {encoding}"), encoding="utf-8")
    return load_mapping(tmp_path / "m.yaml", load_embedded())


def _staged_or_error(tmp_path: Path, mapping: Any, name: str) -> tuple[object, ...]:
    from spec_catalog.base import InputFileError

    work = tmp_path / name
    work.mkdir()
    con = duckdb.connect()
    try:
        staged = stage(con, mapping, work)
    except InputFileError as exc:
        return ("error", exc.message)
    rows = con.execute("SELECT * FROM stage ORDER BY _line").fetchall()
    return rows, sorted((r.line, r.offset, r.reason) for r in staged.rejected), staged.sha256


def test_a_quoted_value_cut_in_two_between_parts_is_refused_as_in_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where the parts are cut depends on the cores: a file must not be refused on one machine and loaded with two
    # lines quarantined on another. A line DuckDB refuses at a cut makes the file be read again in one part.
    lines = [b"line,name,other"] + [f"{n:05d},a,x".encode() for n in range(1, 21)]
    lines[10:11] = [b'00010,"multi', b'line",x']
    data = b"\n".join(lines) + b"\n"
    cut = data.index(b'line",x')
    mapping = _csv_mapping(tmp_path, data)
    monkeypatch.setattr(readers, "_parts", lambda size: 1)
    one = _staged_or_error(tmp_path, mapping, "one")
    monkeypatch.setattr(readers, "_csv_cuts", lambda p, s, c: [(0, cut), (cut, None)] if c > 1 else [(0, None)])
    monkeypatch.setattr(readers, "_parts", lambda size: 2)
    assert _staged_or_error(tmp_path, mapping, "two") == one
    assert one[0] == "error"
    assert "quoted field spans lines" in str(one[1]) or "行をまたいで" in str(one[1])


def test_the_first_parts_error_is_the_one_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An empty header (the first part) and a line too long (a later part): the error a whole read meets first.
    monkeypatch.setattr(readers, "MAX_CARRY", 1 << 10)
    monkeypatch.setattr(readers, "CHUNK", 256)
    data = b"\n".join([b""] + [f"{n:05d},a,b".encode() for n in range(1, 400)] + [b"7" * 4000]) + b"\n"
    mapping = _csv_mapping(tmp_path, data)
    errors = []
    for parts in (1, 2, 3):
        monkeypatch.setattr(readers, "_parts", lambda size, parts=parts: parts)
        errors.append(_staged_or_error(tmp_path, mapping, f"w{parts}"))
    assert errors[0][0] == "error" and errors == [errors[0]] * 3


def _fixed_mapping(tmp_path: Path, data: bytes, terminator: str = "lf") -> Any:
    (tmp_path / "data.txt").write_bytes(data)
    (tmp_path / "m.yaml").write_text(
        MAPPING.replace(
            "  format: csv\n  path: data.csv\n  encoding: cp932\n  header: true\n",
            f"  format: fixed\n  path: data.txt\n  encoding: cp932\n  terminator: {terminator}\n  record_length: 9\n"
            "  fields: [{name: line, start: 1, length: 5}, {name: name, start: 6, length: 4}]\n",
        ),
        encoding="utf-8",
    )
    return load_mapping(tmp_path / "m.yaml", load_embedded())


@pytest.mark.parametrize(
    "last", [b"00099\x88\x9f  \n", b"00099\x88\x9f  ", b"0009"], ids=["whole", "no-terminator", "truncated"]
)
def test_fixed_width_read_in_parts_stages_what_one_part_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: bytes
) -> None:
    # Records in two or three parts (a range of records each), many chunks, records that do not decode or hold a NUL
    # byte, a last record whole, without its terminator or cut short: rows, rejections, hash and rows read agree.
    monkeypatch.setattr(readers, "CHUNK", 100)
    records = [f"{n:05d}".encode() + "森  ".encode("cp932") + b"\n" for n in range(1, 301)]
    records[40] = records[40][:5] + b"\x85\x40  \n"  # not CP932
    records[170] = records[170][:5] + b"\x00   \n"
    records[250] = records[250][:5] + b"ab\x82 \n"  # a lead byte with no trail byte in its field
    mapping = _fixed_mapping(tmp_path, b"".join(records) + last)
    results = []
    for parts in (1, 2, 3):
        monkeypatch.setattr(readers, "_parts", lambda size, parts=parts: parts)
        results.append(_staged_or_error(tmp_path, mapping, f"w{parts}"))
    assert results[1] == results[0] and results[2] == results[0]
    rows, rejected, sha256 = results[0]
    assert len(rows) == (301 if last != b"0009" else 300)  # type: ignore[arg-type]
    assert [line for line, _, _ in rejected] == [41, 171, 251] + ([301] if last == b"0009" else [])  # type: ignore[attr-defined]
    assert sha256 == hashlib.sha256(b"".join(records) + last).hexdigest()


def test_the_first_error_in_the_file_is_raised_whichever_part_meets_it_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Records that do not end with the terminator in the first and in a later part: the first in the file is named.
    monkeypatch.setattr(readers, "CHUNK", 100)
    records = [f"{n:05d}abcd\n".encode() for n in range(1, 301)]
    records[120] = records[120][:-1] + b"X"
    records[260] = records[260][:-1] + b"X"
    mapping = _fixed_mapping(tmp_path, b"".join(records))
    errors = []
    for parts in (1, 2, 3):
        monkeypatch.setattr(readers, "_parts", lambda size, parts=parts: parts)
        errors.append(_staged_or_error(tmp_path, mapping, f"w{parts}"))
    assert errors[0][0] == "error" and errors == [errors[0]] * 3
    assert "121" in str(errors[0][1])


def test_a_nul_byte_does_not_move_the_offset_of_a_later_bad_byte(tmp_path: Path) -> None:
    mapping = _csv_mapping(tmp_path, b"line,name,other\n1,\x00\x00x,y\n2,\x85\x40,z\n")
    _, rejected, _ = _staged_or_error(tmp_path, mapping, "w")
    assert [(line, offset) for line, offset, _ in rejected] == [(2, 18), (3, 26)]  # type: ignore[attr-defined]


def test_utf8_sig_drops_the_bom_of_the_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two exports joined: the second BOM is data (as Python reads the file whole), wherever the chunks are cut.
    body = b"line,name,other\n" + b"".join(f"{n:05d},a,x\n".encode() for n in range(1, 10))
    data = b"\xef\xbb\xbf" + body + b"\xef\xbb\xbf00099,b,y\n"
    mapping = _csv_mapping(tmp_path, data, "utf-8-sig")
    cut = len(b"\xef\xbb\xbf" + body)
    results = []
    for parts in (1, 2):
        monkeypatch.setattr(readers, "_parts", lambda size, parts=parts: parts)
        monkeypatch.setattr(readers, "_csv_cuts", lambda p, s, c: [(0, cut), (cut, None)] if c > 1 else [(0, None)])
        results.append(_staged_or_error(tmp_path, mapping, f"w{parts}"))
    assert results[0] == results[1]
    assert results[0][0][-1][1] == "\ufeff00099"  # type: ignore[index]


def test_a_small_csv_is_decoded_in_the_runs_own_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    def no_fork(method: str | None = None) -> Any:
        raise ValueError("cannot find context for 'fork'")  # as where fork does not exist (Windows)

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    mapping = _csv_mapping(tmp_path, b"line,name,other\n1,a,x\n")
    assert _staged_or_error(tmp_path, mapping, "w")[0] == [(2, "1", "a", "x")]
