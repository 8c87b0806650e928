"""``moji shrink``: the 縮退 to JIS X 0213 on the real MJ縮退マップ Ver.1.2.0 (shipped in spec_catalog/data/mj)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitgap.moji.shrink import ShrunkChar, UnshrunkChar, shrink_table, shrink_text
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
from spec_catalog.language import Language, chosen
from spec_catalog.mj import ATTRIBUTION

IVS_KUZU = "葛\U000e0102"  # 葛 with Moji_Joho IVS E0102: MJ022335
TABLE = "001_住民"
PUA = "\ue000"


@pytest.mark.parametrize(
    ("text", "expected", "changed"),
    [
        # 﨑 (U+FA11, MJ030196) is itself in JIS X 0213 (1-47-82): the data says it stays.
        ("﨑", "﨑", ()),
        ("山田　太郎", "山田　太郎", ()),
        (
            "㐧一",
            "第一",
            (("㐧", "U+3427", "第", "法務省告示582号別表第四", "法務省告示582号別表第四 表一 第1順位", "MJ000018", 1),),
        ),
        (
            "𠮷田𠮷",
            "吉田吉",
            (("𠮷", "U+20BB7", "吉", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ032129", 2),),
        ),
        (
            f"{IVS_KUZU}城",
            "葛城",
            (
                (
                    IVS_KUZU,
                    "U+845B U+E0102",
                    "葛",
                    "JIS包摂規準・UCS統合規則",
                    "JIS包摂規準・UCS統合規則",
                    "MJ022335",
                    1,
                ),
            ),
        ),
        (
            "㫟和",
            "昭和",
            (
                (
                    "㫟",
                    "U+3ADF",
                    "昭",
                    "民一2842号通達別表 誤字俗字・正字一覧表",
                    "民一2842号通達別表 誤字俗字・正字一覧表（無印）",
                    "MJ001587",
                    1,
                ),
            ),
        ),
    ],
    ids=["fa11-in-x0213", "x0208-unchanged", "582-table", "jis-inclusion-twice", "ivs-sequence", "2842-tsutatsu"],
)
def test_shrink_text_degrades_with_the_legal_basis(text: str, expected: str, changed: tuple[tuple[Any, ...]]) -> None:
    result = shrink_text(text)
    assert result.text == expected
    assert result.changed == tuple(
        ShrunkChar(original=o, code_points=p, target=t, table=tb, basis=b, mj_id=m, count=c)
        for o, p, t, tb, b, m, c in changed
    )
    assert result.unmapped == ()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("㐁子", UnshrunkChar(char="㐁", code_points="U+3401", char_class="MJ文字（UCSあり・JIS X 0213外）", count=1)),
        (
            f"{PUA}田{PUA}",
            UnshrunkChar(char=PUA, code_points="U+E000", char_class="外字（私用領域・外字表なし）", count=2),
        ),
        ("辻\U000e0101", UnshrunkChar(char="辻\U000e0101", code_points="U+8FBB U+E0101", char_class="MJにない文字")),
    ],
    ids=["mj-without-shrink", "private-use", "unknown-ivs"],
)
def test_a_character_without_shrink_is_kept_and_flagged(text: str, flagged: UnshrunkChar) -> None:
    result = shrink_text(text)
    assert result.text == text
    assert result.changed == ()
    assert result.unmapped == (flagged,)


# Tables ------------------------------------------------------------------------------------------------

NAMES = ["𠮷田　太郎", "髙橋　㐧子", "山田　花子", "𠮷田　太郎", f"{IVS_KUZU}西　一郎", f"㐁木　{PUA}"]


def _database(tmp_path: Path) -> Path:
    """A converted 001_住民 with six residents (shimei, shimei_yomigana, atenabango) and its run record."""
    db = tmp_path / "migration.duckdb"
    group = next(g for g in load_embedded().business("001").layouts if g.name == "住民")
    con = connect(db)
    try:
        ensure_schema(con)
        start_run(con, RunRecord(run_id="r1", mapping="m", target_table=TABLE, status=RunStatus.SUCCEEDED))
        create_target(con, TABLE, [i.romanized for i in group.items])
        for line, name in enumerate(NAMES, start=1):
            con.execute(
                f'INSERT INTO "{TABLE}" (atenabango, shimei, shimei_yomigana, _source_file, _source_line, _run_id, '
                "_mapping) VALUES (?, ?, ?, 's.csv', ?, 'r1', 'm')",
                [f"{line:015d}", name, "ヤマダ　タロウ", line],
            )
    finally:
        con.close()
    return db


def _rows(db: Path, table: str) -> list[tuple[Any, ...]]:
    con = connect(db)
    try:
        return list(con.execute(f'SELECT * FROM "{table}" ORDER BY _source_line').fetchall())
    finally:
        con.close()


def test_shrink_table_writes_a_new_table_and_leaves_the_original(tmp_path: Path) -> None:
    db = _database(tmp_path)
    before = _rows(db, TABLE)
    result = shrink_table(db, TABLE, load_embedded())
    assert _rows(db, TABLE) == before
    assert result.written == "001_住民_縮退" and result.kind == "table"
    assert result.items == (  # every Ｎ item of the catalog's group 住民
        "shimei",
        "shimei_yomigana",
        "seinengappi_fushohyoki",
        "jusho_todofuken",
        "jusho_shikugunchosonmei",
        "jusho_choaza",
        "jusho_banchigohyoki",
        "jusho_katagaki",
        "juminnonattanengappi_fushohyoki",
    )
    con = connect(db)
    try:
        names = [r[0] for r in con.execute('SELECT shimei FROM "001_住民_縮退" ORDER BY _source_line').fetchall()]
        lineage = con.execute('SELECT _source_file, _source_line FROM "001_住民_縮退" ORDER BY 2').fetchall()
    finally:
        con.close()
    assert names == ["吉田　太郎", "高橋　第子", "山田　花子", "吉田　太郎", "葛西　一郎", f"㐁木　{PUA}"]
    assert lineage == [("s.csv", n) for n in range(1, 7)]
    assert result.rows == 6 and result.values_changed == 4
    assert [(c.original, c.target, c.count) for c in result.changed] == [
        ("𠮷", "吉", 2),
        ("㐧", "第", 1),
        (IVS_KUZU, "葛", 1),
        ("髙", "高", 1),
    ]
    assert result.by_basis == {"JIS包摂規準・UCS統合規則": 4, "法務省告示582号別表第四": 1}
    assert [(u.char, u.count) for u in result.unmapped] == [("㐁", 1), (PUA, 1)]
    assert result.map_version == "MJ縮退マップ Ver.1.2.0" and result.attribution == ATTRIBUTION


def test_the_log_lists_the_legal_basis_per_character(tmp_path: Path) -> None:
    db = _database(tmp_path)
    result = shrink_table(db, TABLE, load_embedded(), items=["shimei"], out_table="住民_下流")
    con = connect(db)
    try:
        log = read_shrink_log(con, result.shrink_id)
    finally:
        con.close()
    assert sorted((r.char, r.target, r.basis_table, r.basis, r.mj_id, r.count) for r in log) == sorted(
        [
            ("𠮷", "吉", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ032129", 2),
            ("㐧", "第", "法務省告示582号別表第四", "法務省告示582号別表第四 表一 第1順位", "MJ000018", 1),
            (IVS_KUZU, "葛", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ022335", 1),
            ("髙", "高", "JIS包摂規準・UCS統合規則", "JIS包摂規準・UCS統合規則", "MJ028902", 1),
            ("㐁", None, None, None, None, 1),
            (PUA, None, None, None, None, 1),
        ]
    )
    assert {(r.source_table, r.items, r.written, r.map_version) for r in log} == {
        (TABLE, "shimei", "住民_下流", "MJ縮退マップ Ver.1.2.0")
    }


@pytest.mark.parametrize(
    ("out_table", "force", "japanese", "english"),
    [
        (
            TABLE,
            True,
            "--out-table が読み込む表と同じです（縮退は元の表を書き換えません）",
            "the 縮退 never writes in place: --out-table names the table it reads",
        ),
        (
            "fitgap_runs",
            True,
            "表 'fitgap_runs' はツール自身の表です（変換の出力先か記録）",
            "table 'fitgap_runs' is the toolkit's own (a conversion's target or a record)",
        ),
        (
            "001_住民_縮退",
            False,
            "表 '001_住民_縮退' がすでにあります（前の縮退のものかもしれません）",
            "table '001_住民_縮退' exists already (an earlier 縮退?)",
        ),
    ],
    ids=["in-place", "toolkit-table", "exists"],
)
def test_shrink_table_refuses_to_overwrite(
    tmp_path: Path, out_table: str, force: bool, japanese: str, english: str
) -> None:
    db = _database(tmp_path)
    shrink_table(db, TABLE, load_embedded())  # 001_住民_縮退 exists from now on
    before = _rows(db, "001_住民_縮退")
    said: tuple[tuple[Language, str], ...] = (("ja", japanese), ("en", english))
    for language, message in said:
        with chosen(language), pytest.raises(FitgapError) as caught:
            shrink_table(db, TABLE, load_embedded(), out_table=out_table, force=force)
        assert caught.value.message == message
    assert _rows(db, "001_住民_縮退") == before


def test_cp932_file_encodes_every_degraded_value(tmp_path: Path) -> None:
    db = _database(tmp_path)
    out = tmp_path / "out" / "住民_縮退.csv"
    # 㐁 has no 縮退 and no CP932 code (the next test): the row that holds it is left out here.
    con = connect(db)
    try:
        con.execute(f'DELETE FROM "{TABLE}" WHERE _source_line = 6')
    finally:
        con.close()
    result = shrink_table(db, TABLE, load_embedded(), items=["shimei"], out_file=out, encoding="cp932")
    text = out.read_bytes().decode("cp932")
    lines = text.split("\r\n")
    header = lines[0].split(",")
    shimei = header.index("shimei")
    assert [line.split(",")[shimei] for line in lines[1:-1]] == [
        "吉田　太郎",
        "高橋　第子",
        "山田　花子",
        "吉田　太郎",
        "葛西　一郎",
    ]
    assert "_run_id" not in header
    assert result.encoding == "cp932" and result.unmapped == ()
    report = json.loads(Path(str(result.report)).read_text(encoding="utf-8"))
    assert report["attribution"] == ATTRIBUTION
    assert report["by_basis"] == {"JIS包摂規準・UCS統合規則": 4, "法務省告示582号別表第四": 1}
    assert "山田" not in json.dumps(report, ensure_ascii=False)  # characters and counts, never a value


def test_cp932_refuses_a_character_it_cannot_write(tmp_path: Path) -> None:
    db = _database(tmp_path)
    out = tmp_path / "住民_縮退.csv"
    with pytest.raises(FitgapError) as caught:
        shrink_table(db, TABLE, load_embedded(), items=["shimei"], out_file=out, encoding="cp932")
    assert caught.value.message == "1 字を cp932 で書けません: 㐁 (U+3401)"
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()


def test_cli_shrink_prints_the_changes_and_exits_1_on_unmapped(tmp_path: Path, cli: Callable[..., Any]) -> None:
    db = _database(tmp_path)
    result = cli("moji", "shrink", "--db", db, "--table", TABLE, "--item", "shimei", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["written"] == "001_住民_縮退"
    assert [(c["original"], c["target"], c["basis"]) for c in data["changed"]][:2] == [
        ("𠮷", "吉", "JIS包摂規準・UCS統合規則"),
        ("㐧", "第", "法務省告示582号別表第四 表一 第1順位"),
    ]
    again = cli("moji", "shrink", "--db", db, "--table", TABLE, "--item", "shimei", "--out-table", "x")
    assert again.exit_code == 1
    assert "縮退なし（そのまま）: 㐁 U+3401 MJ文字（UCSあり・JIS X 0213外） ×1" in again.stderr
    assert "吉田" not in again.stdout + again.stderr
