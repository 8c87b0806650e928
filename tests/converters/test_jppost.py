"""The real Japan Post export: every row accounted for, converted values checked against the raw file."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import duckdb

from conftest import ROOT, SHARED_FIXTURES, CliResult

Cli = Callable[..., CliResult]
RAW = SHARED_FIXTURES / "jppost" / "JIGYOSYO.CSV"


def _full(text: str) -> str:
    """Independent of the converter: NFKC on runs of half-width kana only (NFKC on the rest would wrongly turn
    Ⅰ into I), then ASCII and space to their full-width forms."""
    kana = re.sub("[\uff61-\uff9f]+", lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    out = []
    for ch in kana:
        if ch == " ":
            out.append("\u3000")
        elif "!" <= ch <= "~":
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def _or_none(text: str) -> str | None:
    return text or None  # an empty legacy field is an empty (NULL) item


def _check_digit(code5: str) -> str:
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return code5 + str((11 - total % 11) % 10)


def test_every_row_is_loaded_or_quarantined_and_values_match(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "jp.duckdb"
    result = cli("convert", "run", ROOT / "examples" / "jppost" / "mapping.yaml", "--source", RAW, "--db", db, "--json")
    assert result.exit_code == 1  # two rows are quarantined
    run = json.loads(result.stdout)
    assert (run["rows_read"], run["rows_loaded"], run["rows_quarantined"]) == (22419, 22417, 2)
    assert run["reconciled"] and run["quarantine_by_reason"] == {"KEY_DUPLICATE": 1, "LENGTH_EXCEEDED": 1}
    raw = list(csv.reader(io.StringIO(RAW.read_bytes().decode("cp932"))))
    assert len(raw) == 22419
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = {
            row[-1]: row
            for row in con.execute(
                "SELECT jigyoshoyubinbango, jigyoshomei, jigyoshomei_kana, jusho_shikuchosonkodo, jusho_choaza, "
                'jusho_banchigohyoki, kyuyubinbango, _source_line FROM "011_大口事業所"'
            ).fetchall()
        }
        quarantine = con.execute("SELECT line, item, reason FROM fitgap_quarantine ORDER BY line").fetchall()
    assert len(loaded) == 22417
    for line, fields in enumerate(raw, start=1):
        if line not in loaded:
            continue
        got = loaded[line]
        assert got[0] == fields[7]
        assert got[1] == _full(fields[2])
        assert got[2] == _or_none(_full(fields[1]))  # half-width kana with marks -> full-width katakana
        assert got[3] == _check_digit(fields[0])
        assert got[4] == _or_none(_full(fields[5]))
        assert got[5] == _or_none(_full(fields[6]))
        assert got[6] == _or_none(fields[8].strip())  # '060  ' -> '060'
    missing = sorted(set(range(1, 22420)) - set(loaded))
    assert [q[0] for q in quarantine] == missing
    length_line = next(q[0] for q in quarantine if q[2] == "LENGTH_EXCEEDED")
    assert len(raw[length_line - 1][6]) > 50
    duplicate_line = next(q[0] for q in quarantine if q[2] == "KEY_DUPLICATE")
    first = next(
        i
        for i, r in enumerate(raw, start=1)
        if (r[7], r[2]) == (raw[duplicate_line - 1][7], raw[duplicate_line - 1][2])
    )
    assert first < duplicate_line and first in loaded
