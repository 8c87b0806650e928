"""IVS sequences (葛󠄀 = U+845B U+E0100) and compatibility ideographs (﨑 U+FA11, MJ030196) survive end to end:
read from UTF-8, width-normalised, mapped from a 外字, stored, counted as one character for 桁数, validated and
exported; a CP932 export refuses what CP932 cannot hold instead of dropping a selector."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from converters import load_mapping, run_conversion
from converters.export import export
from converters.guard import PublishGuard
from converters.transforms.values import code_key, gaiji
from converters.transforms.width import is_full_width, to_full_width, to_half_width
from fitgap.sample import LAYOUT, rows
from spec_catalog import load_embedded
from spec_catalog.base import FitgapError
from spec_catalog.database import connect_read_only, read_quarantine
from spec_catalog.rules import RuleKind, group_rules

KUZU = "葛\U000e0100"  # 葛 + VS17: an ideographic variation sequence, 2 code points, 1 character
TSUJI = "辻\U000e0101"  # 辻 + VS18
SAKI = "\ufa11"  # 﨑, a CJK compatibility ideograph (MJ030196): NFKC would fold it to 崎
TABLE = "001_住民"
CHOAZA = "御幸町" * 5 + "森町"  # 17 characters: 町字 (Ｎ) has 桁数 18


@pytest.mark.parametrize(
    ("text", "full", "half"),
    [
        (KUZU, KUZU, KUZU),
        ("葛\ufe00", "葛\ufe00", "葛\ufe00"),
        (SAKI, SAKI, SAKI),
        ("\uf929", "\uf929", "\uf929"),  # 朗 (U+F929), compatibility block
        ("\U0002f800", "\U0002f800", "\U0002f800"),  # compatibility supplement
        (f"ﾔﾏﾀﾞ {KUZU}{SAKI}", f"ヤマダ\u3000{KUZU}{SAKI}", f"ﾔﾏﾀﾞ {KUZU}{SAKI}"),
        (f"Ａ１　{TSUJI}", f"Ａ１\u3000{TSUJI}", f"A1 {TSUJI}"),
    ],
    ids=["ivs", "svs", "saki", "compat-F929", "compat-2F800", "kana-and-ivs", "ascii-and-ivs"],
)
def test_width_normalisation_keeps_selectors_and_compatibility_ideographs(text: str, full: str, half: str) -> None:
    assert (to_full_width(text), to_half_width(text)) == (full, half)


def test_an_ivs_is_full_width_and_a_code_key_keeps_it() -> None:
    assert is_full_width(f"{KUZU}{SAKI}")
    assert code_key(f" {SAKI}{KUZU} ") == f"{SAKI}{KUZU}"


def test_a_gaiji_mapped_to_an_ivs_keeps_the_selector() -> None:
    converted = gaiji("\ue002飾", {"\ue002": KUZU})
    assert converted.value == f"{KUZU}飾"
    assert f"{KUZU}飾".encode() == b"\xe8\x91\x9b\xf3\xa0\x84\x80\xe9\xa3\xbe"


@pytest.mark.parametrize(
    ("value", "fails"),
    [
        (CHOAZA + KUZU, False),  # 18 characters, 19 code points
        (CHOAZA + "葛", False),
        (CHOAZA + KUZU + "町", True),  # 19 characters
        (CHOAZA + "\ufe00\ufe01", False),  # selectors count for nothing
        (CHOAZA + "ab", True),
        (None, False),
    ],
    ids=["ivs-at-limit", "plain-at-limit", "ivs-over", "selectors-only", "plain-over", "null"],
)
def test_the_length_rule_counts_an_ivs_as_one_character(value: str | None, fails: bool) -> None:
    spec = load_embedded().business("001")
    group = spec.group("住民")
    assert group is not None
    (rule,) = [r for r in group_rules(spec, group).for_item("jusho_choaza") if r.kind is RuleKind.LENGTH]
    assert rule.max_length == 18
    verdict = duckdb.connect().execute(f"SELECT {rule.sql(lambda _: 'v')} FROM (SELECT ?::VARCHAR AS v)", [value])
    assert verdict.fetchone() == (fails,)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The resident example read from a UTF-8 CSV of 6 good records, with IVS and 﨑 in 氏名 and 町字."""
    folder = tmp_path_factory.mktemp("ivs")
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "residents", folder / "residents")
    folder = folder / "residents"
    records = list(rows(6))
    records[0]["氏名"] = f"{KUZU}西\u3000{SAKI}子"
    records[1]["町字"] = CHOAZA + KUZU  # exactly 桁数
    records[2]["町字"] = CHOAZA + KUZU + "町"  # one over
    records[3]["氏名"] = "\ue002\u3000花子"  # a 外字 the table maps to an IVS
    records[4]["氏名"] = f"ﾔﾏﾀﾞ {KUZU}"  # half-width: the width step runs on this value
    with (folder / "residents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([name for name, _ in LAYOUT])
        writer.writerows([r[name] for name, _ in LAYOUT] for r in records)
    with (folder / "gaiji.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"U+E002,{TSUJI}\n")
    mapping = folder / "mapping-csv.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("cp932", "utf-8"), encoding="utf-8")
    db = folder / "ivs.duckdb"
    result = run_conversion(load_mapping(mapping, load_embedded()), db, guard=PublishGuard(accept_quarantine=True))
    assert result.reconciled
    return db


def _values(db: Path, column: str) -> dict[int, str]:
    con = connect_read_only(db)
    try:
        return dict(con.execute(f'SELECT _source_line, {column} FROM "{TABLE}" ORDER BY 1').fetchall())
    finally:
        con.close()


def test_a_utf8_csv_keeps_ivs_and_saki_byte_for_byte(converted: Path) -> None:
    names = _values(converted, "shimei")
    assert [names[2], names[5], names[6]] == [f"{KUZU}西\u3000{SAKI}子", f"{TSUJI}\u3000花子", f"ヤマダ\u3000{KUZU}"]
    assert (
        names[2].encode("utf-8")
        == b"\xe8\x91\x9b\xf3\xa0\x84\x80" + "西\u3000".encode() + b"\xef\xa8\x91" + "子".encode()
    )


def test_a_value_of_exactly_its_length_with_an_ivs_loads_and_one_over_is_quarantined(converted: Path) -> None:
    assert _values(converted, "jusho_choaza")[3] == CHOAZA + KUZU
    con = connect_read_only(converted)
    try:
        assert [(q.line, q.item, q.reason) for q in read_quarantine(con)] == [(4, "jusho_choaza", "LENGTH_EXCEEDED")]
    finally:
        con.close()


def test_validation_counts_an_ivs_as_one_character(converted: Path, tmp_path: Path) -> None:
    from validation.runner import suites_for, validate

    db = tmp_path / "v.duckdb"
    shutil.copy(converted, db)
    with duckdb.connect(str(db)) as con:  # the overlong value, loaded by hand beside the one at the limit
        con.execute(
            f'INSERT INTO "{TABLE}" SELECT * REPLACE (? AS jusho_choaza, 99 AS _source_line, '
            "'000000000000099' AS atenabango) FROM \"{TABLE}\" WHERE _source_line = 3".replace("{TABLE}", TABLE),
            [CHOAZA + KUZU + "町"],
        )
    catalog = load_embedded()
    report = json.loads(validate(db, suites_for(db, catalog), catalog).model_dump_json())
    (table,) = [t for t in report["tables"] if t["table"] == TABLE]
    (rule,) = [r for r in table["rules"] if r["rule_id"] == f"{TABLE}.jusho_choaza.length"]
    assert (rule["status"], rule["unexpected_count"]) == ("failed", 1)  # GX and the SQL count agree: not "error"


def test_a_utf8_export_keeps_them(converted: Path, tmp_path: Path) -> None:
    export(converted, tmp_path, tables=[TABLE])
    text = (tmp_path / f"{TABLE}.csv").read_text(encoding="utf-8")
    assert [f"{KUZU}西\u3000{SAKI}子" in text, CHOAZA + KUZU in text, TSUJI in text] == [True, True, True]


def test_a_cp932_export_refuses_an_ivs_and_writes_nothing(converted: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(FitgapError) as caught:
        export(converted, out, tables=[TABLE], encoding="cp932")
    assert caught.value.message == (
        "CP932 で書けない値があるため、何も書き出していません — "
        f"{TABLE}.shimei: 3 行に CP932 にない異体字セレクタ（IVS）があります: U+E0100, U+E0101"
        "（最初: residents.csv の 2 行目）; "
        f"{TABLE}.jusho_choaza: 1 行に CP932 にない異体字セレクタ（IVS）があります: U+E0100"
        "（最初: residents.csv の 3 行目）"
    )
    assert not out.exists()


def test_a_cp932_export_writes_saki(converted: Path, tmp_path: Path) -> None:
    db = tmp_path / "no-ivs.duckdb"
    shutil.copy(converted, db)
    with duckdb.connect(str(db)) as con:
        for column in ("shimei", "jusho_choaza"):
            con.execute(
                f"UPDATE \"{TABLE}\" SET {column} = regexp_replace({column}, '[\\x{{E0100}}-\\x{{E01EF}}]', '', 'g')"
            )
    manifest = export(db, tmp_path / "out", tables=[TABLE], encoding="cp932")
    data = (tmp_path / "out" / f"{TABLE}.csv").read_bytes()
    assert manifest.encoding == "cp932"
    assert "葛西\u3000﨑子".encode("cp932") in data and b"\xed\x95" in data
    assert "葛西\u3000﨑子" in data.decode("cp932")
