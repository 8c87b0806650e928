"""The readiness report's 文字同定 status per business: distinct characters of the converted Ｎ items by class,
counted by ``moji scan``; an unidentified character is a warning, never a NO-GO reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from fitgap.cli.render import print_readiness
from fitgap.project import Thresholds
from fitgap.readiness import (
    CharacterStatus,
    TableRecord,
    assess_readiness,
    character_status,
    character_statuses,
    readiness_document,
)
from spec_catalog import load_embedded
from spec_catalog.codes import Code
from spec_catalog.database import connect, create_target
from spec_catalog.mj import ATTRIBUTION, CharClass

# 宛名番号, 氏名, 住所_町字: 山 (JIS X 0208), 﨑 (JIS X 0213), 𠮷 and 葛󠄂 (MJ beyond JIS X 0213), two 外字, an IVS
# that is no MJ glyph and an emoji (not in MJ).
ROWS = (
    ("000000000000001", "山﨑", "山"),
    ("000000000000002", "葛\U000e0100\ue000", None),
    ("000000000000003", "\ue0ff😀", "𠮷葛\U000e0102"),
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A converted 001_住民 table (lineage columns included, as the converter writes them)."""
    path = tmp_path / "readiness.duckdb"
    con = connect(path)
    create_target(con, "001_住民", ["atenabango", "shimei", "jusho_choaza"])
    for line, row in enumerate(ROWS, start=2):
        con.execute(
            'INSERT INTO "001_住民" (atenabango, shimei, jusho_choaza, _source_file, _source_line, _run_id, '
            "_mapping) VALUES (?, ?, ?, 'residents.csv', ?, 'run-1', 'residents')",
            [*row, line],
        )
    con.close()
    return path


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, (0, 0, 0, 0, 0, 0, 0, "同定済")),
        ({CharClass.BASIC: 2, CharClass.JIS_X0208: 5, CharClass.MJ_UCS: 1}, (7, 0, 1, 0, 0, 0, 0, "同定済")),
        ({CharClass.JIS_X0213: 1, CharClass.MJ_IVS: 2, CharClass.PUA_MAPPED: 1}, (0, 1, 2, 1, 0, 0, 0, "同定済")),
        ({CharClass.PUA_UNMAPPED: 2}, (0, 0, 0, 0, 2, 0, 2, "未同定 2 字")),
        ({CharClass.NOT_IN_MJ: 1, CharClass.PUA_UNMAPPED: 1}, (0, 0, 0, 0, 1, 1, 2, "未同定 2 字")),
    ],
    ids=["nothing", "jis-and-mj", "decided-gaiji", "undecided-gaiji", "not-in-mj"],
)
def test_the_status_from_the_counts_per_class(counts: dict[CharClass, int], expected: tuple[object, ...]) -> None:
    status = character_status(counts, ("001_住民",))
    assert (
        status.jis_x0208,
        status.jis_x0213,
        status.mj,
        status.gaiji_decided,
        status.gaiji_undecided,
        status.not_in_mj,
        status.unidentified,
        status.status,
    ) == expected
    assert status.distinct == sum(counts.values())


def test_the_status_per_business_from_the_database(db: Path) -> None:
    catalog = load_embedded()
    decided = character_statuses(db, catalog, ("001", "002"), {"\ue000": "髙"})
    assert decided == {
        "001": CharacterStatus(
            tables=("001_住民",),
            distinct=8,
            jis_x0208=1,
            jis_x0213=1,
            mj=2,
            gaiji_decided=1,
            gaiji_undecided=1,
            not_in_mj=2,
            unidentified=3,
            status="未同定 3 字",
        )
    }  # 002 has no converted table: no status
    undecided = character_statuses(db, catalog, ("001",))["001"]
    assert (undecided.gaiji_decided, undecided.gaiji_undecided, undecided.status) == (0, 2, "未同定 4 字")
    assert character_statuses(db.with_name("none.duckdb"), catalog, ("001",)) == {}


def test_an_unidentified_character_is_a_warning_not_a_reason(db: Path) -> None:
    catalog = load_embedded()
    characters = character_statuses(db, catalog, ("001",), {"\ue000": "髙"})
    records = {"001_住民": TableRecord(table="001_住民", rows_read=3, rows_loaded=3, run_ids=("run-1",))}
    report = assess_readiness(
        "森町",
        ("001", "002"),
        catalog,
        Thresholds(),
        None,
        records,
        None,
        characters=characters,
        gaiji_table=Path("gaiji.csv"),
    )
    resident, other = report.businesses
    assert [r.code for r in resident.reasons] == [Code.READINESS_NOT_ASSESSED, Code.READINESS_NOT_VALIDATED]
    assert resident.characters == characters["001"] and other.characters is None
    assert report.inputs.characters is not None
    assert (report.inputs.characters.gaiji_table, report.inputs.characters.attribution) == ("gaiji.csv", ATTRIBUTION)

    document = readiness_document(report)
    summary, table = document.tables[0], document.tables[1]
    assert [c.header for c in summary.columns][-3:] == ["文字同定", "現新比較", "理由"]
    assert [row[-3:-1] for row in summary.rows] == [("未同定 3 字", "未実施"), (None, None)]
    assert table.title == "文字同定の状況（異なり字数）"
    assert table.rows == (("001", resident.name, 1, 1, 2, 1, 1, 2, "未同定 3 字"),)
    assert table.row_styles == ("warning",)
    assert ("文字データ", ATTRIBUTION) in document.facts
    english = readiness_document(report, "en")
    assert english.tables[1].rows[0][-1] == "3 unidentified"

    out = io.StringIO()
    print_readiness(Console(file=out, width=200, color_system=None), report, [])
    assert (
        "注意 001: 文字同定 未同定 3 字（判断待ちの外字 1、MJにない文字 2）— fitgap moji sheet / fitgap moji apply で"
        "同定してください" in out.getvalue()
    )
    out = io.StringIO()
    print_readiness(Console(file=out, width=200, color_system=None), report, [], "en")
    assert (
        "Warning 001: characters 3 unidentified (外字 undecided 1, not in MJ 2) — fitgap moji sheet / fitgap moji apply"
        in out.getvalue()
    )


def test_no_converted_table_no_character_status() -> None:
    report = assess_readiness("森町", ("001",), load_embedded(), Thresholds(), None, {}, None)
    assert report.businesses[0].characters is None and report.inputs.characters is None
    assert readiness_document(report).tables[1].rows == ()
