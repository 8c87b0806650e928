"""Staging bookkeeping: source line numbers around rejected lines, and which columns hold a 外字."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from converters.engine import _pua_columns
from converters.mapping import load_mapping
from converters.readers import stage
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
    lines = [f"{n},x{n}" if n in bad else f"{n},x{n},y" for n in range(2, total + 2)]
    con = _stage(tmp_path, lines)
    rows = con.execute("SELECT _line, c0 FROM stage ORDER BY _line").fetchall()
    assert [int(c0) for _, c0 in rows] == [line for line, _ in rows]
    assert {line for line, _ in rows} == set(range(2, total + 2)) - bad


def test_the_columns_that_hold_a_gaiji_are_found_in_one_pass(tmp_path: Path) -> None:
    # U+E000 and U+E757 are CP932 user-defined characters (lead bytes F0–F9); 髙 (FB FC) is no 外字.
    con = _stage(tmp_path, ["2,山\ue000,y", "3,x,\ue757", "4,髙,y"])
    assert _pua_columns(con, 3) == {"c1", "c2"}
