"""Dates in a whole conversion run: a birth date after the as-of date and a date before the birth date are
quarantined with their codes; a qualified date is kept as 不詳 text, never loaded as exact; a non-calendar date
is quarantined unless the mapping keeps it (and then counted apart from 不詳 dates); a lunar 明治 date is
quarantined once, with its own code."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from converters import load_mapping, run_conversion
from converters.guard import PublishGuard
from spec_catalog import load_embedded
from spec_catalog.base import FitgapError

BASE = {
    "atenabango": "",
    "setaibango": "000000000000001",
    "shimei": "森　花子",
    "shimeimiteikubun": "0",
    "seinengappi": "S60.4.1",
    "seibetsu": "2",
    "zokugara": "01",
    "juminkubun": "1",
    "jusho_shikuchosonkodo": "013455",
    "juminnonattanengappi": "S60.4.1",
    "idojiyu": "02",
    "idonengappi": "昭和60年4月1日",
    "sosashaid": "OP0001",
    "sosanengappi": "2024-04-01",
    "sosajikoku": "09:30",
}
# Record n is line n + 1 (the header is line 1).
RECORDS = [
    {},  # line 2: loads
    {"seinengappi": "令和99年1月1日"},  # line 3: born after today, so after every other date of the row
    {"seinengappi": "平成2年1月1日", "juminnonattanengappi": "1990-01-01"},  # line 4: 異動 before birth
    {"seinengappi": "昭和60年2月14日ごろ"},  # line 5: 不詳, kept as text
    {"seinengappi": "H13.02.29"},  # line 6: no such day
    {"seinengappi": "明治5年12月2日"},  # line 7: a lunar date (and nothing else: the 不詳表記 rule stays quiet)
    {"idonengappi": "S60.4.1頃"},  # line 8: 不詳 in an item with no 不詳表記 item
]
QUARANTINED = [
    (3, "idonengappi", "DATE_BEFORE_BIRTH", "001_住民.idonengappi.not_before_birth"),
    (3, "juminnonattanengappi", "DATE_BEFORE_BIRTH", "001_住民.juminnonattanengappi.not_before_birth"),
    (3, "seinengappi", "BIRTH_DATE_AFTER_AS_OF", "001_住民.seinengappi.not_after_as_of"),
    (3, "sosanengappi", "DATE_BEFORE_BIRTH", "001_住民.sosanengappi.not_before_birth"),
    (4, "idonengappi", "DATE_BEFORE_BIRTH", "001_住民.idonengappi.not_before_birth"),
    (6, "seinengappi", "ERA_DATE_NOT_CALENDAR", "暦にない日付"),
    (7, "seinengappi", "DATE_BEFORE_CALENDAR_REFORM", "明治6年1月1日（1873-01-01）より前の旧暦の日付"),
    (8, "idonengappi", "DATE_UNKNOWN", "不詳（不明または推定の日付）"),
]


def _folder(tmp_path: Path, seinengappi: str = "{from: seinengappi}", idonengappi: str = "{from: idonengappi}") -> Path:
    items = {c: "{from: " + c + "}" for c in BASE} | {"seinengappi": seinengappi, "idonengappi": idonengappi}
    (tmp_path / "m.yaml").write_text(
        "name: dates\nsource: {format: csv, path: s.csv, encoding: utf-8}\n"
        'target: {business: "001", group: 住民}\nitems:\n'
        + "".join(f"  {item}: {spec}\n" for item, spec in items.items()),
        encoding="utf-8",
    )
    with (tmp_path / "s.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(BASE), lineterminator="\n")
        writer.writeheader()
        for n, changes in enumerate(RECORDS, start=1):
            writer.writerow(BASE | {"atenabango": f"{n:015d}"} | changes)
    return tmp_path / "m.yaml"


def _quarantine(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT line, item, reason, rule FROM fitgap_quarantine ORDER BY line, item").fetchall()


def _dates(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            'SELECT _source_line, seinengappi, seinengappi_fushohyoki, idonengappi FROM "001_住民" ORDER BY 1'
        ).fetchall()


def test_impossible_and_approximate_dates_never_load_as_exact(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    result = run_conversion(
        load_mapping(_folder(tmp_path), load_embedded()), db, guard=PublishGuard(accept_quarantine=True)
    )
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.reconciled) == (7, 2, 5, True)
    assert _quarantine(db) == QUARANTINED
    assert result.quarantine_by_reason == {
        "BIRTH_DATE_AFTER_AS_OF": 1,
        "DATE_BEFORE_BIRTH": 4,
        "DATE_BEFORE_CALENDAR_REFORM": 1,
        "DATE_UNKNOWN": 1,
        "ERA_DATE_NOT_CALENDAR": 1,
    }
    # The qualified birth date: no date, its text (full width) in the 不詳表記 item.
    assert _dates(db) == [(2, "1985-04-01", None, "1985-04-01"), (5, None, "昭和６０年２月１４日ごろ", "1985-04-01")]
    assert (result.dates_kept_as_text, result.dates_kept_by_reason) == (1, {"DATE_UNKNOWN": 1})


def test_a_mapping_may_keep_non_calendar_dates_as_text_counted_apart(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    mapping = load_mapping(
        _folder(tmp_path, seinengappi="{from: seinengappi, transforms: [{era_date: {keep_non_calendar: true}}]}"),
        load_embedded(),
    )
    result = run_conversion(mapping, db, guard=PublishGuard(accept_quarantine=True))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 3, 4)
    assert _quarantine(db) == [q for q in QUARANTINED if q[0] != 6]
    assert _dates(db)[2] == (6, None, "Ｈ１３．０２．２９", "1985-04-01")
    assert (result.dates_kept_as_text, result.dates_kept_by_reason) == (
        2,
        {"DATE_UNKNOWN": 1, "ERA_DATE_NOT_CALENDAR": 1},
    )


def test_keeping_non_calendar_dates_needs_a_fushohyoki_item(tmp_path: Path) -> None:
    mapping = load_mapping(
        _folder(tmp_path, idonengappi="{from: idonengappi, transforms: [{era_date: {keep_non_calendar: true}}]}"),
        load_embedded(),
    )
    with pytest.raises(FitgapError) as caught:
        run_conversion(mapping, None, dry_run=True)
    assert caught.value.one_line() == (
        f"{tmp_path / 'm.yaml'}: 項目 'idonengappi' の era_date は暦にない日付を残す設定ですが、この項目には不詳表記"
        "の項目がありません — unknown_to で項目を指定するか、keep_non_calendar を外してください（そうした日付は"
        "移行エラーになります）"
    )
