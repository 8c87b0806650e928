"""The MJ character data shipped in spec_catalog/data/mj/ (MJ文字情報一覧表 Ver.006.02, MJ縮退マップ Ver.1.2.0):
rebuilt from the fixtures, and the API over it — classes, lookup, resolve, candidates, 縮退 (issue 16, points 1
and 3)."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from spec_catalog import mj
from spec_catalog.base import FitgapError
from spec_catalog.data.build_mj import build, read_shipped
from spec_catalog.language import chosen
from spec_catalog.mj import CharClass, ShrinkTable, Why

from conftest import ROOT, SHARED_FIXTURES

MJ_FIXTURES = SHARED_FIXTURES / "mj"
IVS_MJ000007 = "\u3404\U000e0101"  # 㐄󠄁: MJ000007, MJ has it as an IVS sequence only
KATSU_MJ = "\u845b\U000e0102"  # 葛󠄂 MJ022335 (Moji_Joho collection)
KATSU_ADOBE = "\u845b\U000e0100"  # 葛󠄀: an Adobe-Japan1 IVS, not MJ's


def test_the_shipped_data_is_rebuilt_from_the_fixtures() -> None:
    assert build(MJ_FIXTURES) == read_shipped()


def test_the_shipped_data_keeps_every_character_and_mapping() -> None:
    shipped = read_shipped()
    assert shipped["mji.tsv.gz"].count("\n") - 1 == 58862
    assert shipped["mjsm.tsv.gz"].count("\n") - 1 == 62682


def test_the_licence_file_credits_the_sources() -> None:
    text = (ROOT / "spec_catalog" / "data" / "mj" / "LICENSE.md").read_text(encoding="utf-8")
    for part in ("MJ文字情報一覧表」Ver.006.02", "MJ縮退マップ」Ver.1.2.0", "2.1 日本", "加工して作成", "IPA"):
        assert part in text
    assert mj.ATTRIBUTION.endswith("CC BY-SA 2.1 JP）を加工して作成")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田", ["山", "田"]),
        ("\U00020bb7田", ["\U00020bb7", "田"]),  # 𠮷 is one code point
        (f"a{KATSU_MJ}飾", ["a", KATSU_MJ, "飾"]),
        ("欄\ufe00x", ["欄\ufe00", "x"]),  # a standardized variation sequence
        ("\U000e0100山", ["\U000e0100", "山"]),  # a selector with no base stands alone
        ("", []),
    ],
    ids=["plain", "supplementary", "ivs", "svs", "lone-selector", "empty"],
)
def test_characters_keep_a_base_and_its_selector_together(text: str, expected: list[str]) -> None:
    assert mj.characters(text) == expected


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("A", CharClass.BASIC),
        ("ｱ", CharClass.BASIC),  # JIS X 0201 katakana
        ("¥", CharClass.BASIC),  # JIS X 0201 Roman
        ("山", CharClass.JIS_X0208),
        ("〜", CharClass.JIS_X0208),  # U+301C: JIS X 0208's 1-01-33
        ("～", CharClass.JIS_X0213),  # U+FF5E, cp932's form of 0x8160: not JIS X 0208
        ("①", CharClass.JIS_X0213),  # a NEC special character of cp932: JIS X 0213 1-13-01, not JIS X 0208
        ("\ufa11", CharClass.JIS_X0213),  # 﨑 1-47-82
        ("\U00020bb7", CharClass.MJ_UCS),  # 𠮷: MJ032129, outside JIS X 0213 (its X0213 1-21-40 is 吉's, by 包摂)
        ("髙", CharClass.MJ_UCS),  # an IBM extension of cp932, not JIS X 0213
        ("丄", CharClass.MJ_UCS),  # the codec writes it as JIS X 0212: not JIS X 0213
        (IVS_MJ000007, CharClass.MJ_IVS),
        (KATSU_MJ, CharClass.MJ_IVS),
        ("欄\ufe00", CharClass.MJ_IVS),  # MJ030183's SVS
        (KATSU_ADOBE, CharClass.NOT_IN_MJ),
        ("\U0001f600", CharClass.NOT_IN_MJ),  # 😀
        ("\ue000", CharClass.PUA_UNMAPPED),
    ],
)
def test_classify(char: str, expected: CharClass) -> None:
    assert mj.classify(char) is expected


def test_a_private_use_character_is_mapped_only_by_the_given_table() -> None:
    assert mj.classify("\ue001", {"\ue001": "\ufa11"}) is CharClass.PUA_MAPPED
    assert mj.classify("\ue002", {"\ue001": "\ufa11"}) is CharClass.PUA_UNMAPPED
    assert mj.classify("\U000f0000") is CharClass.PUA_UNMAPPED  # supplementary private use


def test_classify_wants_one_character() -> None:
    with pytest.raises(ValueError):
        mj.classify("山田")


def test_every_class_has_a_japanese_label() -> None:
    assert [c.label_ja for c in CharClass] == [
        "ASCII・JIS X 0201",
        "JIS X 0208",
        "JIS X 0213（JIS X 0208以外）",
        "MJ文字（UCSあり・JIS X 0213外）",
        "MJ文字（IVSが必要）",
        "MJ文字（住基・戸籍統一文字コードのみ・UCSなし）",
        "外字（私用領域・外字表あり）",
        "外字（私用領域・外字表なし）",
        "MJにない文字",
    ]


def test_the_codec_agrees_with_the_mj_table_on_jis_x_0213() -> None:
    # Every MJ glyph whose X0213 code point is its own UCS (the codec decodes the code to it) is classed inside
    # JIS X 0213, and the codec gives back the same code point.
    with (MJ_FIXTURES / "mji.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["X0213"] and r["実装したUCS"]]
    agreeing = 0
    for row in rows:
        plane, row_number, cell = (int(p) for p in row["X0213"].split("-"))
        raw = bytes([row_number + 0xA0, cell + 0xA0])
        if row["実装したUCS"] != (raw if plane == 1 else b"\x8f" + raw).decode("euc_jis_2004"):
            continue  # a glyph included (包摂) under another character's code point
        agreeing += 1
        assert mj.x0213_code(row["実装したUCS"]) == row["X0213"]
        assert mj.classify(row["実装したUCS"]) in (CharClass.JIS_X0208, CharClass.JIS_X0213)
    assert agreeing == 10054


def test_sakinew_is_mj030196_and_never_normalised() -> None:
    found = mj.lookup("\ufa11")
    assert found is not None
    assert (found.mj_id, found.ucs, found.koseki, found.juki, found.x0213, found.strokes, found.readings) == (
        "MJ030196",
        "\ufa11",
        "094190",
        "J+FA11",
        "1-47-82",
        12,
        ("さき", "キ"),
    )
    assert found.ivs == "\ufa11\U000e0102"
    assert found.text == "\ufa11" and found.code_points == "U+FA11"
    assert mj.lookup("崎") is not None and mj.lookup("崎") != found  # MJ010541


@pytest.mark.parametrize(
    ("char", "mj_id"),
    [
        (IVS_MJ000007, "MJ000007"),
        ("\u3404\U000e0100", "MJ000008"),
        ("\u3404", "MJ068055"),  # the MJ character implemented by the bare UCS
        (KATSU_MJ, "MJ022335"),
        ("欄\ufe00", "MJ030183"),
        ("\uf91d", "MJ030183"),
        ("\U00020bb7", "MJ032129"),
    ],
)
def test_lookup(char: str, mj_id: str) -> None:
    found = mj.lookup(char)
    assert found is not None and found.mj_id == mj_id


@pytest.mark.parametrize("char", [KATSU_ADOBE, "\U0001f600", "\ue000", "A", "山田"])
def test_lookup_finds_nothing_for_what_mj_does_not_have(char: str) -> None:
    assert mj.lookup(char) is None


@pytest.mark.parametrize(
    ("code", "mj_id"),
    [
        ("J+FA11", "MJ030196"),
        ("j+fa11", "MJ030196"),
        ("Ｊ＋ＦＡ１１", "MJ030196"),  # full-width in a code is read as ASCII
        ("094190", "MJ030196"),
        ("U+FA11", "MJ030196"),
        ("U+FA11 U+E0102", "MJ030196"),
        ("U+FA11_E0102", "MJ030196"),
        ("MJ030196", "MJ030196"),
        (" \ufa11 ", "MJ030196"),
        ("U+845B U+E0102", "MJ022335"),
        ("U+3404 U+E0101", "MJ000007"),
        ("322520", "MJ003719"),  # a 戸籍統一文字 without UCS
    ],
)
def test_resolve(code: str, mj_id: str) -> None:
    found = mj.resolve(code)
    assert found is not None and found.mj_id == mj_id


def test_a_code_only_character_is_reached_through_resolve() -> None:
    found = mj.resolve("322520")
    assert found is not None
    assert (found.ucs, found.ivs, found.text, found.label) == (None, None, None, "MJ003719")
    assert mj.classify_mj(found) is CharClass.MJ_CODE_ONLY
    assert mj.classify_mj(mj.by_id("MJ000007")) is CharClass.MJ_IVS  # type: ignore[arg-type]
    assert mj.classify_mj(mj.by_id("MJ030196")) is CharClass.JIS_X0213  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["J+0000", "999999", "MJ999999", "U+845B U+E0100", "\U0001f600"])
def test_resolve_finds_nothing_for_a_well_formed_unknown_code(code: str) -> None:
    assert mj.resolve(code) is None
    assert mj.by_id("MJ999999") is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("J+FA1", "'J+FA1' は文字コードではありません"),
        ("09419", "'09419' は文字コードではありません"),
        ("U+D800", "U+D800 は Unicode のスカラー値ではありません"),
        ("U+110000", "U+110000 は Unicode のスカラー値ではありません"),
        ("山田", "その文字列は文字コードではありません"),  # a value of the data is never shown
    ],
)
def test_resolve_refuses_a_malformed_code_on_one_line(code: str, message: str) -> None:
    with pytest.raises(FitgapError) as info:
        mj.resolve(code)
    assert info.value.one_line() == (
        f"{message} — 住基ネット統一文字コード（J+FA11）、6 桁の戸籍統一文字番号（094190）、U+FA11 か "
        "U+845B U+E0102（U+845B_E0102）、MJ文字図形名（MJ030196）、または文字そのものを指定してください"
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("J+FA1", "'J+FA1' is not a character code"),
        ("U+D800", "U+D800 is not a Unicode scalar value"),
        ("山田", "the text is not a character code"),
    ],
)
def test_resolve_refuses_a_malformed_code_in_english(code: str, message: str) -> None:
    with chosen("en"), pytest.raises(FitgapError) as info:
        mj.resolve(code)
    assert info.value.one_line() == (
        f"{message} — give a 住基ネット統一文字コード (J+FA11), a 6-digit 戸籍統一文字番号 (094190), U+FA11 or "
        "U+845B U+E0102 (U+845B_E0102), an MJ文字図形名 (MJ030196) or the character itself"
    )


def test_candidates_for_a_reading_share_it() -> None:
    found = mj.candidates("さき", limit=5)
    assert [c.mj.mj_id for c in found] == ["MJ000877", "MJ007220", "MJ007532", "MJ008235", "MJ008236"]
    assert all("さき" in c.mj.readings and c.reasons == (Why.SAME_READING,) for c in found)
    assert found[0].why == "同じ読み"


def test_candidates_for_an_unmapped_gaiji_use_its_hints() -> None:
    found = mj.candidates("\ue000", limit=3, reading="サキ", strokes=11)
    assert [c.mj.mj_id for c in found] == ["MJ000877", "MJ009117", "MJ010541"]  # 㟢 埼 崎
    assert all(c.reasons == (Why.SAME_READING, Why.SAME_STROKES) and c.score == 3 for c in found)
    assert found[0].why == "同じ読み・同じ画数"


def test_candidates_for_an_unknown_ivs_are_the_glyphs_of_its_base() -> None:
    found = mj.candidates(KATSU_ADOBE, limit=20)
    assert [c.mj.mj_id for c in found] == [f"MJ02233{i}" for i in range(5, 10)] + ["MJ022340", "MJ022341"]
    assert {c.reasons for c in found} == {(Why.SAME_BASE,)}


def test_candidates_for_a_jis_character_are_the_mj_characters_behind_it() -> None:
    found = {c.mj.mj_id: c for c in mj.candidates("崎", limit=50)}
    assert Why.SHRINK_NEIGHBOUR in found["MJ030196"].reasons  # 﨑 degrades to 崎
    assert "MJ010541" not in found  # 崎 itself


def test_candidates_need_something_to_go_on() -> None:
    with pytest.raises(FitgapError) as info:
        mj.candidates(" ")
    assert info.value.one_line() == "候補を探す文字、読み、画数のどれもありません — どれか一つを指定してください"
    with pytest.raises(FitgapError):
        mj.candidates("山田")


def test_a_jis_x_0213_character_shrinks_to_itself() -> None:
    for char, code in (("\ufa11", "1-47-82"), ("崎", "1-26-74"), ("①", "1-13-01")):
        shrunk = mj.shrink(char)
        assert shrunk is not None
        assert (shrunk.target, shrunk.x0213, shrunk.changed, shrunk.basis_ja) == (
            char,
            code,
            False,
            "変更なし（JIS X 0213の文字）",
        )


def test_the_shrink_map_rows_of_sakinew() -> None:
    assert [(s.target, s.x0213, s.table, s.rank, s.basis_ja) for s in mj.shrink_candidates("\ufa11")] == [
        ("\ufa11", "1-47-82", ShrinkTable.JIS_INCLUSION, None, "JIS包摂規準・UCS統合規則"),
        ("崎", "1-26-74", ShrinkTable.KOSEKI_PARENT, 1, "戸籍統一文字情報 親字・正字（1ホップ）"),
    ]
    # Its IVS form is not JIS X 0213: it degrades to the bare 﨑 by the JIS包摂規準.
    shrunk = mj.shrink("\ufa11\U000e0102")
    assert shrunk is not None and (shrunk.mj_id, shrunk.target, shrunk.table) == (
        "MJ030196",
        "\ufa11",
        ShrinkTable.JIS_INCLUSION,
    )
    # Restricted to the 戸籍 tables, it degrades to 崎.
    only = mj.shrink("\ufa11\U000e0102", order=[ShrinkTable.KOSEKI_PARENT])
    assert only is not None and (only.target, only.basis_ja) == ("崎", "戸籍統一文字情報 親字・正字（1ホップ）")


@pytest.mark.parametrize(
    ("char", "target", "x0213", "basis"),
    [
        (IVS_MJ000007, "牛", "1-21-77", "法務省告示582号別表第四 表二 第1順位"),
        ("\U00020bb7", "吉", "1-21-40", "JIS包摂規準・UCS統合規則"),
        ("髙", "高", "1-25-66", "JIS包摂規準・UCS統合規則"),
    ],
)
def test_shrink_with_its_legal_basis(char: str, target: str, x0213: str, basis: str) -> None:
    shrunk = mj.shrink(char)
    assert shrunk is not None
    assert (shrunk.source, shrunk.target, shrunk.x0213, shrunk.basis_ja, shrunk.changed) == (
        char,
        target,
        x0213,
        basis,
        True,
    )


def test_shrink_gives_nothing_for_what_mj_does_not_have() -> None:
    assert mj.shrink("\ue000") is None
    assert mj.shrink("\U0001f600") is None
    assert mj.shrink_candidates(KATSU_ADOBE) == []


def test_the_shrink_order_is_the_schema_order() -> None:
    assert [t.label_ja for t in mj.SHRINK_ORDER] == [
        "JIS包摂規準・UCS統合規則",
        "戸籍統一文字情報 親字・正字",
        "民一2842号通達別表 誤字俗字・正字一覧表",
        "民二5202号通知別表 正字・俗字等対照表",
        "法務省告示582号別表第四",
        "辞書類等による関連字",
        "読み・字形による類推",
    ]


def test_the_data_loads_only_on_first_use() -> None:
    # The CLI's start-up and classing JIS text read nothing; the first lookup reads the character table only.
    script = (
        "import fitgap.cli, spec_catalog.mj as m; "
        "m.classify('山'); m.classify('①'); "
        "print(m._table.cache_info().currsize, m._shrink_map.cache_info().currsize); "
        "m.lookup('\\ufa11'); print(m._table.cache_info().currsize, m._shrink_map.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0", "1", "0"]
