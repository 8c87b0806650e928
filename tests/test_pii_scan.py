"""The masking scan finds what it must and nothing else."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from pii_scan import my_numbers_in_file, my_numbers_in_text


def test_finds_valid_numbers_only() -> None:
    assert my_numbers_in_text('{"kojinbango": "123456789018"}') == ["123456789018"]
    assert my_numbers_in_text("123456789012 ********9018 1234567890180") == []  # invalid, masked, 13 digits
    assert my_numbers_in_text("sha256 ab123456789018cd run 20261126-042411-131639") == []


def test_looks_inside_workbooks(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active["B7"] = "983205673214"
    workbook.save(tmp_path / "leak.xlsx")
    assert my_numbers_in_file(tmp_path / "leak.xlsx") == ["983205673214"]
    (tmp_path / "leak.xlsx").unlink()  # the session-wide scan must not find this planted one
