"""The masking scan: find check-digit-valid 12-digit numbers (個人番号) in outputs.

A report, log, JSON, XML or workbook must never hold one. Digit runs inside longer words (hex digests, run
ids) are not numbers of their own and are passed over.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from spec_catalog.checkdigits import is_valid_my_number

_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])")
# Data, not reports: databases, converted exports and the legacy inputs the tests write.
DATA_SUFFIXES = {".duckdb", ".wal", ".csv", ".txt", ".parquet", ".tmp", ".yaml", ".CSV"}


def my_numbers_in_text(text: str) -> list[str]:
    return [m for m in _CANDIDATE.findall(text) if is_valid_my_number(m)]


def my_numbers_in_file(path: Path) -> list[str]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(path):  # xlsx and other zips: every member
        found = []
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                try:
                    member = archive.read(name)
                except (zipfile.BadZipFile, OSError):
                    member = b""
                found += my_numbers_in_text(member.decode("utf-8", errors="ignore"))
        return found
    return my_numbers_in_text(data.decode("utf-8", errors="ignore"))


def scan_outputs(folder: Path) -> dict[str, list[str]]:
    """Every output file under ``folder`` (data files excluded) that holds a valid My Number."""
    hits = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in DATA_SUFFIXES or path.name.startswith("."):
            continue
        found = my_numbers_in_file(path)
        if found:
            hits[str(path)] = found
    return hits
