"""Conversion runs: exact quarantine, reconciliation, idempotent re-runs, identical exports, atomic publish."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from converters.engine import run_conversion
from converters.guard import PublishGuard
from converters.mapping import load_mapping
from spec_catalog import load_embedded

from conftest import CliResult

Cli = Callable[..., CliResult]


def _quarantine(db: Path, mapping: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT line, item, reason FROM fitgap_quarantine WHERE mapping = ? ORDER BY line, item", [mapping]
        ).fetchall()


def test_resident_csv(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    result = cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--json", "--accept-quarantine")
    assert result.exit_code == 0, result.stderr
    run = json.loads(result.stdout)
    assert (run["rows_read"], run["rows_loaded"], run["rows_quarantined"], run["reconciled"]) == (50, 45, 5, True)
    assert run["dates_kept_as_text"] == 1  # record 37: 不詳
    assert run["unmapped"] == [{"item": "zokugara", "value": "99", "count": 1}]
    # Lines count the header: record n is line n + 1.
    assert _quarantine(db, "residents-csv") == [
        (8, "seinengappi", "ERA_DATE_INVALID"),
        (14, "shimei", "GAIJI_UNMAPPED"),
        (18, "zokugara", "CODE_UNMAPPED"),
        (24, None, "COLUMN_COUNT"),
        (30, None, "ENCODING_INVALID"),
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT shimei, shimei_yomigana, seinengappi, seinengappi_fushohyoki, seibetsu, zokugara, "
            'jusho_shikuchosonkodo, jusho_yubinbango, sosajikoku FROM "001_住民" WHERE _source_line = 38'
        ).fetchone()
        gaiji = con.execute(
            "SELECT shimei FROM \"001_住民\" WHERE shimei LIKE '%髙%' OR shimei LIKE '%𠮷%' LIMIT 1"
        ).fetchone()
        offsets = con.execute("SELECT byte_offset FROM fitgap_quarantine WHERE line = 30").fetchone()
    assert row[2:4] == (None, "不詳") and row[6] == "013455" and len(row[7]) == 7 and len(row[8]) == 5
    assert gaiji is not None and "\ue000" not in gaiji[0]
    raw = (residents / "residents.csv").read_bytes()
    assert raw[offsets[0] : offsets[0] + 2] == b"\x85\x40"  # the byte offset points at the bad bytes


def test_resident_fixed_width(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    run = json.loads(
        cli("convert", "run", residents / "mapping-fixed.yaml", "--db", db, "--json", "--accept-quarantine").stdout
    )
    assert (run["rows_read"], run["rows_loaded"], run["rows_quarantined"]) == (50, 45, 5)
    assert _quarantine(db, "residents-fixed") == [
        (7, "seinengappi", "ERA_DATE_INVALID"),
        (13, "shimei", "GAIJI_UNMAPPED"),
        (17, "zokugara", "CODE_UNMAPPED"),
        (29, None, "ENCODING_INVALID"),
        (31, None, "FIELD_SPLITS_DOUBLE_BYTE"),
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        offset = con.execute("SELECT byte_offset FROM fitgap_quarantine WHERE line = 31").fetchone()[0]
    raw = (residents / "residents.txt").read_bytes()
    assert raw[offset] == 0x96  # the lead byte left alone at the end of the 氏名 field


def test_csv_and_fixed_give_the_same_rows(cli: Cli, residents: Path, tmp_path: Path) -> None:
    # One database each: the two files hold the same keys, and one table keeps a key once (KEY_IN_OTHER_MAPPING).
    csv_db, fixed_db = tmp_path / "csv.duckdb", tmp_path / "fixed.duckdb"
    assert cli("convert", "run", residents / "mapping-csv.yaml", "--db", csv_db, "--accept-quarantine").exit_code == 0
    assert (
        cli("convert", "run", residents / "mapping-fixed.yaml", "--db", fixed_db, "--accept-quarantine").exit_code == 0
    )
    with duckdb.connect(str(csv_db), read_only=True) as con:
        con.execute(f"ATTACH '{fixed_db}' AS fixed (READ_ONLY)")
        diff = con.execute(
            'SELECT count(*) FROM (SELECT * EXCLUDE (_source_file, _source_line, _run_id, _mapping) FROM "001_住民" '
            "WHERE atenabango NOT IN ('000000000000023', '000000000000031') "
            'EXCEPT SELECT * EXCLUDE (_source_file, _source_line, _run_id, _mapping) FROM fixed."001_住民")'
        ).fetchone()[0]
    assert diff == 0


def _export_digest(cli: Cli, db: Path, out: Path) -> dict[str, str]:
    assert cli("convert", "export", "--db", db, "-o", out).exit_code == 0
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_rerun_replaces_and_exports_are_byte_identical(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--accept-quarantine")
    first = _export_digest(cli, db, tmp_path / "a")
    cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--accept-quarantine")
    second = _export_digest(cli, db, tmp_path / "b")
    assert first == second
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute('SELECT count(*) FROM "001_住民"').fetchone()[0] == 45
        assert con.execute("SELECT count(*) FROM fitgap_quarantine").fetchone()[0] == 5
        runs = con.execute(
            "SELECT status, rows_read, rows_loaded, rows_quarantined, mapping_sha256, source_sha256 "
            "FROM fitgap_runs ORDER BY started"
        ).fetchall()
    assert len(runs) == 2 and runs[0] == runs[1]  # equal apart from ids and times
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    (exported,) = manifest["files"]
    assert exported["rows"] == 45 and exported["columns"][0] == "atenabango"
    data = (tmp_path / "a" / "001_住民.csv").read_bytes()
    assert data.startswith(b"atenabango,setaibango,") and b"\r\n" in data
    assert hashlib.sha256(data).hexdigest() == exported["sha256"]


def test_export_options(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--accept-quarantine")
    assert (
        cli(
            "convert", "export", "--db", db, "-o", tmp_path / "o", "--bom", "--delimiter", "\t", "--newline", "lf"
        ).exit_code
        == 0
    )
    data = (tmp_path / "o" / "001_住民.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfatenabango\tsetaibango") and b"\r\n" not in data
    assert cli("convert", "export", "--db", db, "-o", tmp_path / "p", "--format", "parquet").exit_code == 0
    assert (tmp_path / "p" / "001_住民.parquet").exists()


@pytest.mark.parametrize("options", [(), ("--bom",), ("--format", "parquet")])
def test_an_export_stopped_half_way_leaves_no_file_that_looks_finished(
    cli: Cli, residents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    # Ctrl-C (or a full disk) after DuckDB wrote the table's file: the file was written under a hidden name, which
    # goes; no data file and no manifest are left.
    import importlib

    export = importlib.import_module("converters.export")  # (the package names its function export too)

    db = tmp_path / "r.duckdb"
    cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--accept-quarantine")
    real = export.count_rows

    def stopped(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "count_rows", stopped)
    out = tmp_path / "out"
    assert cli("convert", "export", "--db", db, "-o", out, *options).exit_code == 130
    assert sorted(p.name for p in out.iterdir()) == []
    monkeypatch.setattr(export, "count_rows", real)
    assert cli("convert", "export", "--db", db, "-o", out, *options).exit_code == 0
    suffix = "parquet" if "parquet" in options else "csv"
    assert sorted(p.name for p in out.iterdir()) == [f"001_住民.{suffix}", "manifest.json"]


def test_publish_is_atomic(residents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import converters.engine as engine

    db = tmp_path / "r.duckdb"
    mapping = load_mapping(residents / "mapping-csv.yaml", load_embedded())
    accepting = PublishGuard(accept_quarantine=True)  # 5 of 50 rows are quarantined
    run_conversion(mapping, db, guard=accepting)
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute('SELECT * EXCLUDE (_run_id) FROM "001_住民" ORDER BY _source_line').fetchall()

    # Break the publish after the target's rows were deleted and inserted again: writing the quarantine fails.
    def broken(con: object, mapping: str, rows: object) -> None:
        con.execute("INSERT INTO no_such_table VALUES (1)")  # type: ignore[attr-defined]

    monkeypatch.setattr(engine, "replace_quarantine", broken)
    with pytest.raises(duckdb.Error):
        run_conversion(mapping, db, guard=accepting)
    with duckdb.connect(str(db), read_only=True) as con:
        after = con.execute('SELECT * EXCLUDE (_run_id) FROM "001_住民" ORDER BY _source_line').fetchall()
        statuses = [r[0] for r in con.execute("SELECT status FROM fitgap_runs ORDER BY started").fetchall()]
    assert after == before
    assert statuses == ["succeeded", "failed"]  # the broken run says so, and nothing of it was published


def test_dry_run_writes_nothing(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "never.duckdb"
    result = cli("convert", "run", residents / "mapping-csv.yaml", "--db", db, "--dry-run", "--limit", "10", "--json")
    assert result.exit_code == 0
    run = json.loads(result.stdout)
    assert run["status"] == "dry-run" and run["rows_read"] == 10 and len(run["preview"]) == 9
    assert not db.exists()
    assert run["preview"][0]["kojinbango"].startswith("********")  # masked
    assert cli("convert", "run", residents / "mapping-csv.yaml", "--limit", "10").exit_code == 2


def test_a_second_writer_gets_a_clear_error(cli: Cli, residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        result = cli("convert", "run", residents / "mapping-csv.yaml", "--db", db)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
    assert result.exit_code == 2
    assert result.stderr == (
        f"エラー: {db}: データベースを別のプロセスが使っています — 別の fitgap の実行が終わるのを待ってください"
        "（DuckDB に同時に書けるのは一つだけです）\n"
    )


def test_a_run_publishes_in_one_pass_with_no_table_of_every_row(
    residents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows that pass go from the staged source straight into the target table: no temporary table holds
    every converted row (at 50M rows such a table spilled tens of GB to disk); what failed is found after."""
    import converters.engine as engine

    statements: list[str] = []

    class Recording:
        def __init__(self, con: object) -> None:
            self._con = con

        def execute(self, sql: str, *args: object) -> object:
            statements.append(sql)
            return self._con.execute(sql, *args)  # type: ignore[attr-defined]

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

    real = engine.connect
    monkeypatch.setattr(engine, "connect", lambda *a, **k: Recording(real(*a, **k)))
    mapping = load_mapping(residents / "mapping-csv.yaml", load_embedded())
    result = run_conversion(mapping, tmp_path / "r.duckdb", guard=PublishGuard(accept_quarantine=True))
    assert (result.rows_loaded, result.rows_quarantined, result.reconciled) == (45, 5, True)
    assert not [s for s in statements if s.startswith("CREATE TEMP TABLE conv")]
    inserts = [s for s in statements if s.startswith('INSERT INTO "001_住民"')]
    assert len(inserts) == 1 and "FROM stage s" in inserts[0] and "WHERE bad IS NOT TRUE" in inserts[0]
