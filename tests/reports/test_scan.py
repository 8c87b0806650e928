"""The session's masking scan reads every file the tests write, of any kind, and passes over the data itself.

The planted numbers are written outside pytest's temp (the session scan must not find them).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pii_scan import data_files, my_numbers_in_file, scan_outputs

NUMBER = "123456789018"


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def test_every_kind_of_output_is_read(folder: Path) -> None:
    for name in ("r.json", "r.xml", "r.html", "r.csv", "r.txt", "log", ".hidden", "notes.yaml", "x.parquet"):
        (folder / name).write_text(f"id {NUMBER}\n", encoding="utf-8")
    assert scan_outputs(folder) == {
        str(folder / name): [NUMBER]
        for name in sorted([".hidden", "log", "notes.yaml", "r.csv", "r.html", "r.json", "r.txt", "r.xml", "x.parquet"])
    }


def test_workbooks_are_read_cell_by_cell(folder: Path) -> None:
    # A number split over two rich-text runs is one in the cell, but two pieces in the file's XML.
    workbook = Workbook()
    workbook.active["A1"] = CellRichText(["id 1234", TextBlock(InlineFont(b=True), "56789018"), " end"])
    workbook.save(folder / "rich.xlsx")
    assert my_numbers_in_file(folder / "rich.xlsx") == [NUMBER]


def test_the_data_itself_is_passed_over(folder: Path) -> None:
    with duckdb.connect(str(folder / "data.duckdb")) as con:  # a database: the data, not an output
        con.execute(f"CREATE TABLE t AS SELECT '{NUMBER}' AS v")
    exports = folder / "out"
    exports.mkdir()
    (exports / "001_住民.csv").write_text(f"kojinbango\n{NUMBER}\n", encoding="utf-8")
    manifest = {"format": "csv", "files": [{"file": "001_住民.csv", "table": "001_住民"}]}
    (exports / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "legacy.csv").write_text(f"個人番号\n{NUMBER}\n", encoding="utf-8")
    (folder / "m.yaml").write_text("name: m\nsource: {format: csv, path: legacy.csv}\nitems: {}\n", encoding="utf-8")
    (folder / "other.csv").write_text(f"{NUMBER}\n", encoding="utf-8")  # named by nothing: an output
    assert data_files(folder) == {(exports / "001_住民.csv").resolve(), (folder / "legacy.csv").resolve()}
    assert scan_outputs(folder) == {str(folder / "other.csv"): [NUMBER]}
