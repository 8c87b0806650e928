"""Property-based tests of the readers: the fixed-width reader never silently splits a double-byte
character, and any generated CSV reconciles (rows read = loaded + quarantined)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters.engine import run_conversion
from converters.mapping import load_mapping
from converters.readers import stage_fixed
from spec_catalog import load_embedded
from spec_catalog.codes import Code
from spec_catalog.database import connect

CATALOG = load_embedded()
CHARS = st.sampled_from([*list("abcXYZ019 -ｱｶﾞﾊﾟ森髙①㈱カナ、。"), "\ue000"])
FIXED = """source:
  format: fixed
  path: data.txt
  terminator: none
  record_length: {length}
  trim: false
  fields:
{fields}
target: {{business: "031", group: 住登外者宛名基本情報}}
items:
  atenabango: {{from: f0}}
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.text(alphabet=CHARS, min_size=1, max_size=6), min_size=2, max_size=5),
    st.lists(st.integers(min_value=1, max_value=9), min_size=4, max_size=4),
    st.integers(1, 4),
)
def test_fixed_width_never_silently_splits_a_character(values: list[str], widths: list[int], records: int) -> None:
    record = "".join(values).encode("cp932")
    cuts = []  # field byte ranges over the whole record, from the generated widths, last field to the end
    start = 0
    for width in widths:
        if start + width >= len(record):
            break
        cuts.append((start, width))
        start += width
    cuts.append((start, len(record) - start))
    fields = "\n".join(f"    - {{name: f{i}, start: {s + 1}, length: {w}}}" for i, (s, w) in enumerate(cuts))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data.txt").write_bytes(record * records)
        (folder / "m.yaml").write_text(FIXED.format(length=len(record), fields=fields), encoding="utf-8")
        mapping = load_mapping(folder / "m.yaml", CATALOG)
        con = connect(None)
        staged = stage_fixed(con, mapping, folder)
        rows = con.execute("SELECT * FROM stage ORDER BY _line").fetchall()
        con.close()
    pieces = [record[s : s + w] for s, w in cuts]
    try:
        expected = [p.decode("cp932") for p in pieces]
    except UnicodeDecodeError:
        expected = None
    if expected is None:  # some field cuts a character: every record is quarantined, none staged as text
        assert {r.line for r in staged.rejected} == set(range(1, records + 1))
        assert {r.reason for r in staged.rejected} <= {Code.FIELD_SPLITS_DOUBLE_BYTE, Code.ENCODING_INVALID}
    else:
        assert staged.rejected == []
        assert [list(r[1:]) for r in rows] == [expected] * records


CSV_MAPPING = """source: {format: csv, path: data.csv, header: true}
target: {business: "031", group: 住登外者宛名基本情報}
items:
  atenabango: {from: a}
  shimei: {from: b}
  daihyoatenafuragu: {from: c}
  sosashaid: {from: d}
  sosanengappi: {from: e}
  sosajikoku: {from: f}
"""
VALUE = st.text(alphabet=st.sampled_from([*list("0123456789abcＡ森ｶﾞ ,\"'-/:令和年月日"), "\ue000"]), max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            VALUE,
            VALUE,
            st.sampled_from(["0", "1", "2", ""]),
            VALUE,
            st.sampled_from(["R050401", "2024-02-30", "H31.05.01", "不詳", "", "x"]),
            st.sampled_from(["0930", "25:00", "09:30:00", ""]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_generated_csv_reconciles(rows: list[tuple[str, ...]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["a", "b", "c", "d", "e", "f"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data.csv").write_bytes(text.getvalue().encode("cp932"))
        (folder / "m.yaml").write_text(CSV_MAPPING, encoding="utf-8")
        result = run_conversion(load_mapping(folder / "m.yaml", CATALOG), folder / "t.duckdb")
    assert result.rows_read == len(rows)
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert result.reconciled
