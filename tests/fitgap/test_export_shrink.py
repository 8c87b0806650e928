"""``fitgap convert export --shrink``: the Ｎ items degraded to JIS X 0213 in the exported files only, on the real
MJ縮退マップ Ver.1.2.0, each character recorded with its legal basis in the database's 縮退 log."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from converters import export
from fitgap.moji.shrink import export_shrunk, shrink_table
from spec_catalog import FitgapError, load_embedded
from spec_catalog.database import (
    RunRecord,
    RunStatus,
    connect,
    create_target,
    ensure_schema,
    read_shrink_log,
    start_run,
)
from spec_catalog.mj import ATTRIBUTION

from conftest import CliResult

TABLE = "001_住民"
IVS_KUZU = "葛\U000e0102"  # 葛 with Moji_Joho IVS E0102: MJ022335
PUA = "\ue000"  # a private-use 外字: no 縮退 (and CP932 writes it, in its user-defined area)
NAMES = ["𠮷田　太郎", "髙橋　㐧子", "山田　花子", "𠮷田　太郎", f"{IVS_KUZU}西　一郎", f"㐁木　{PUA}"]
SHRUNK = ["吉田　太郎", "高橋　第子", "山田　花子", "吉田　太郎", "葛西　一郎", f"㐁木　{PUA}"]
BASES = [
    ("𠮷", "吉", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ032129", 2),
    ("㐧", "第", "法務省告示582号別表第四", "法務省告示582号別表第四 表一 第1順位", "MJ000018", 1),
    (IVS_KUZU, "葛", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ022335", 1),
    ("髙", "高", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ028902", 1),
    ("㐁", None, None, None, None, 1),  # an MJ character the map does not degrade: kept, and recorded
    (PUA, None, None, None, None, 1),
]


def _database(tmp_path: Path, names: list[str] = NAMES) -> Path:
    """A converted 001_住民 with a resident per name (shimei; shimei_yomigana is a Ｎ item too) and its run."""
    db = tmp_path / "migration.duckdb"
    group = next(g for g in load_embedded().business("001").layouts if g.name == "住民")
    con = connect(db)
    try:
        ensure_schema(con)
        start_run(con, RunRecord(run_id="r1", mapping="m", target_table=TABLE, status=RunStatus.SUCCEEDED))
        create_target(con, TABLE, [i.romanized for i in group.items])
        for line, name in enumerate(names, start=1):
            con.execute(
                f'INSERT INTO "{TABLE}" (atenabango, shimei, shimei_yomigana, _source_file, _source_line, _run_id, '
                "_mapping) VALUES (?, ?, ?, 's.csv', ?, 'r1', 'm')",
                [f"{line:015d}", name, "ヤマダ　タロウ", line],
            )
    finally:
        con.close()
    return db


def _table(db: Path) -> list[tuple[Any, ...]]:
    con = connect(db)
    try:
        return list(con.execute(f'SELECT * FROM "{TABLE}" ORDER BY _source_line').fetchall())
    finally:
        con.close()


def _column(path: Path, name: str, encoding: str = "utf-8") -> list[str]:
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
    return [r[name] for r in rows]


def test_the_file_is_degraded_and_each_character_recorded_with_its_legal_basis(tmp_path: Path) -> None:
    db = _database(tmp_path)
    before = _table(db)
    out = tmp_path / "out"
    result = export_shrunk(db, out, load_embedded())
    assert _column(out / f"{TABLE}.csv", "shimei") == SHRUNK
    assert _column(out / f"{TABLE}.csv", "shimei_yomigana") == ["ヤマダ　タロウ"] * 6
    assert _table(db) == before  # the database is only read
    assert (result.values_changed, result.characters_changed, result.characters_unmapped) == (4, 5, 2)
    (shrunk,) = result.tables
    assert (shrunk.source_table, shrunk.kind, shrunk.written, shrunk.rows) == (
        TABLE,
        "file",
        str(out / f"{TABLE}.csv"),
        6,
    )
    assert shrunk.by_basis == {"JIS包摂規準・UCS統合規則": 4, "法務省告示582号別表第四": 1}
    con = connect(db)
    try:
        log = read_shrink_log(con, result.shrink_id)
    finally:
        con.close()
    assert sorted((r.char, r.target, r.basis_table, r.basis, r.mj_id, r.count) for r in log) == sorted(BASES)
    assert {(r.source_table, r.written, r.map_version) for r in log} == {
        (TABLE, str(out / f"{TABLE}.csv"), "MJ縮退マップ Ver.1.2.0")
    }
    assert {r.items for r in log} == {",".join(shrunk.items)} and "shimei" in shrunk.items
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["shrink_id"], manifest["attribution"]) == (result.shrink_id, ATTRIBUTION)
    assert result.manifest.files[0].sha256 == manifest["files"][0]["sha256"]


def test_without_shrink_nothing_changes(tmp_path: Path) -> None:
    db = _database(tmp_path)
    manifest = export(db, tmp_path / "out")
    assert _column(tmp_path / "out" / f"{TABLE}.csv", "shimei") == NAMES
    assert (manifest.shrink_id, manifest.attribution) == (None, None)
    con = connect(db)
    try:
        assert read_shrink_log(con) == []
    finally:
        con.close()


def test_cp932_refuses_what_the_shrink_leaves_and_records_nothing(tmp_path: Path) -> None:
    db = _database(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(FitgapError) as caught:
        export_shrunk(db, out, load_embedded(), encoding="cp932")
    # 𠮷, 㐧 and the IVS are degraded before the check: only 㐁 (no 縮退, no CP932 code) is left to refuse
    assert caught.value.message == (
        "CP932 で書けない値があるため、何も書き出していません — "
        f"{TABLE}.shimei: 1 行に CP932 にない文字があります: U+3401（最初: s.csv の 6 行目）"
    )
    assert not out.exists()
    con = connect(db)
    try:
        assert read_shrink_log(con) == []
    finally:
        con.close()


def test_cp932_writes_the_degraded_values(tmp_path: Path) -> None:
    db = _database(tmp_path, NAMES[:5])
    out = tmp_path / "out"
    result = export_shrunk(db, out, load_embedded(), encoding="cp932")
    assert _column(out / f"{TABLE}.csv", "shimei", "cp932") == SHRUNK[:5]
    assert (result.manifest.encoding, result.characters_unmapped) == ("cp932", 0)


def test_a_table_of_no_catalog_group_is_refused(tmp_path: Path) -> None:
    db = _database(tmp_path)
    shrink_table(db, TABLE, load_embedded())  # 001_住民_縮退: lineage columns, no catalog group
    out = tmp_path / "out"
    with pytest.raises(FitgapError) as caught:
        export_shrunk(db, out, load_embedded())
    assert (
        caught.value.message
        == "--shrink: 表 '001_住民_縮退' はカタログのどのグループの表でもありません（Ｎ項目が分かりません）"
    )
    assert not out.exists()
    export_shrunk(db, out, load_embedded(), tables=[TABLE])
    assert sorted(p.name for p in out.iterdir()) == [f"{TABLE}.csv", "manifest.json"]


def _shrink_log(db: Path) -> list[Any]:
    con = connect(db)
    try:
        return list(read_shrink_log(con))
    finally:
        con.close()


def test_cli_names_the_log_and_exits_1_on_a_character_without_shrink(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    db = _database(tmp_path)
    out = cli("convert", "export", "--db", db, "-o", tmp_path / "a", "--shrink", "--json")
    assert out.exit_code == 1, out.stderr
    data = json.loads(out.stdout)
    assert (data["values_changed"], data["characters_changed"], data["characters_unmapped"]) == (4, 5, 2)
    assert data["manifest"]["shrink_id"] == data["shrink_id"]
    shown = cli("convert", "export", "--db", db, "-o", tmp_path / "b", "--shrink")
    assert shown.exit_code == 1
    con = connect(db)
    try:
        (second,) = {r.shrink_id for r in read_shrink_log(con)} - {data["shrink_id"]}
    finally:
        con.close()
    assert (
        "JIS X 0213 への縮退（MJ縮退マップ Ver.1.2.0）: 値 4 件を変更、5 文字を縮退、縮退先のない 2 文字はそのまま。"
        f"データベースの縮退記録に {second} として残しました。" in shown.stdout
    )
    assert f"縮退なし（そのまま）: {TABLE}.csv 㐁 U+3401 MJ文字（UCSあり・JIS X 0213外） ×1" in shown.stderr
    english = cli("convert", "export", "--db", db, "-o", tmp_path / "d", "--shrink", "--lang", "en")
    (third,) = {r.shrink_id for r in _shrink_log(db)} - {data["shrink_id"], second}
    assert (
        "縮退 to JIS X 0213 (MJ縮退マップ Ver.1.2.0): 4 values changed, 5 characters degraded, 2 kept without a 縮退; "
        f"recorded in the database's 縮退 log as {third}." in english.stdout
    )
    assert "吉田" not in shown.stdout + shown.stderr  # characters and counts, never a value
    plain = cli("convert", "export", "--db", db, "-o", tmp_path / "c")
    assert plain.exit_code == 0 and _column(tmp_path / "c" / f"{TABLE}.csv", "shimei") == NAMES
