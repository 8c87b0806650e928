"""The masking scan: find check-digit-valid 12-digit numbers (個人番号) in outputs.

A report, log, JSON, XML, CSV, text or workbook must never hold one. Digit runs inside longer words (hex
digests, run ids) are not numbers of their own and are passed over.

The session scan reads every file the tests wrote under pytest's base temp, whatever its suffix, except the
data itself: DuckDB databases (and their write-ahead logs and spill files), the files an export manifest lists
(``convert export`` writes the converted data as is), the legacy sources a mapping names, and catalog files
(the standard's published text, whose サンプル値 include a made-up 個人番号). A test that
writes valid numbers anywhere else writes them outside pytest's temp (``tempfile.TemporaryDirectory``).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import yaml

from spec_catalog.checkdigits import is_valid_my_number

_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])")
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of a DuckDB database file
_DUCKDB_ARTEFACTS = (".wal",)  # the write-ahead log beside a database


def my_numbers_in_text(text: str) -> list[str]:
    return [m for m in _CANDIDATE.findall(text) if is_valid_my_number(m)]


def _cell_texts(path: Path) -> list[str]:
    """Every cell value of a workbook (shared, inline and rich text alike), as openpyxl reads it."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # a broken workbook (a bad input a test wrote): its members were read above
        return []
    try:
        texts = []
        for sheet in workbook.worksheets:
            texts.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                texts.extend(str(value) for value in row if value is not None)
        return texts
    finally:
        workbook.close()


def my_numbers_in_file(path: Path) -> list[str]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(path):  # xlsx and other zips: every member
        found = []
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in names:
                try:
                    member = archive.read(name)
                except (zipfile.BadZipFile, OSError):
                    member = b""
                found += my_numbers_in_text(member.decode("utf-8", errors="ignore"))
        if "xl/workbook.xml" in names:  # and the cell values, as a spreadsheet shows them
            found += [n for text in _cell_texts(path) for n in my_numbers_in_text(text) if n not in found]
        return found
    return my_numbers_in_text(data.decode("utf-8", errors="ignore"))


def _load(path: Path) -> Any:
    """A YAML or JSON file's content; None when it is not one (a bad input a test wrote)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix not in (".yaml", ".yml"):
            return json.loads(text)
        if "source:" not in text:  # not a mapping: spare the parse (suites are large)
            return None
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, ValueError, yaml.YAMLError):
        return None


def data_files(folder: Path) -> set[Path]:
    """The files under ``folder`` that are the data itself, not an output about it (see the module's doc)."""
    data: set[Path] = set()
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix in _DUCKDB_ARTEFACTS or any(p.suffix == ".tmp" for p in path.relative_to(folder).parents):
            data.add(path)
        elif path.name == "manifest.json":
            manifest = _load(path)
            if isinstance(manifest, dict) and isinstance(manifest.get("files"), list) and "format" in manifest:
                data |= {path.parent / f["file"] for f in manifest["files"] if isinstance(f, dict) and "file" in f}
        elif path.suffix in (".yaml", ".yml"):
            mapping = _load(path)
            source = mapping.get("source") if isinstance(mapping, dict) else None
            if isinstance(source, dict) and isinstance(source.get("path"), str) and "items" in mapping:
                data.add((path.parent / source["path"]).resolve())
            elif (
                isinstance(mapping, dict)
                and "business_id" in mapping
                and ("layouts" in mapping or "functions" in mapping)
            ):
                # A catalog file: the standard's own text, whose published サンプル値 include a made-up 個人番号.
                data.add(path)
    return {p.resolve() for p in data}


def _is_database(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(12)[8:12] == _DUCKDB_MAGIC


def scan_outputs(folder: Path) -> dict[str, list[str]]:
    """Every file under ``folder`` that is not the data itself and holds a valid My Number."""
    skip = data_files(folder)
    hits = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.resolve() in skip or _is_database(path):
            continue
        found = my_numbers_in_file(path)
        if found:
            hits[str(path)] = found
    return hits
