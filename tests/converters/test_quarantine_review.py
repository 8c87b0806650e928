"""Quarantine review without SQL: the review grouped by item, reason and value; the cleansing-request workbook
(masked, one sheet per item, keyed fingerprints); corrections applied to the source values by the next run,
recorded in lineage; stale, wrong, superseded and unusable corrections."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from converters.corrections import changed_detail, fingerprint, no_item_detail
from converters.engine import RunResult, run_conversion
from converters.guard import PublishGuard
from converters.mapping import load_mapping
from converters.review import review_quarantine, write_request
from reports import cleansing as wb
from reports.masking import mask
from spec_catalog import FitgapError, load_embedded
from spec_catalog.codes import Code
from spec_catalog.database import connect_read_only, read_corrections
from spec_catalog.language import chosen

from pii_scan import my_numbers_in_text

CATALOG = load_embedded()
# The sample's deliberately bad values (fitgap/sample.py), as the CSV holds them: lines count the header.
RAW_BIRTH_DATE = "4310501"  # line 8, 平成31年5月1日: no such day
RAW_NAME = "森\u3000\ue0ff子"  # line 14, a 外字 the table lacks


def _run(mapping: Path, db: Path, corrections: tuple[Path, ...] = ()) -> RunResult:
    loaded = load_mapping(mapping, CATALOG)
    return run_conversion(loaded, db, guard=PublishGuard(accept_quarantine=True), corrections=corrections)


def _request(mapping: Path, db: Path, path: Path) -> Path:
    write_request(db, load_mapping(mapping, CATALOG), path)
    return path


def fill(
    request: Path, out: Path, values: dict[tuple[str, int], str], corrected_by: str | None = None, lang: str = "ja"
) -> Path:
    """The workbook with 補正後の値 written on the rows of (sheet, line), as staff would (in a workbook written in
    ``lang``: its labels are that language's)."""

    def said(name: str) -> str:
        return wb.ENGLISH[name] if lang == "en" else name

    book = load_workbook(request)
    for (title, line), value in values.items():
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        at_line, at_corrected = header.index(said(wb.LINE)) + 1, header.index(said(wb.CORRECTED)) + 1
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, at_line).value == line)
        sheet.cell(row, at_corrected).value = value
    if corrected_by is not None:
        guide = book[said(wb.GUIDE_SHEET)]
        row = next(r for r in range(1, guide.max_row + 1) if guide.cell(r, 1).value == said(wb.CORRECTED_BY))
        guide.cell(row, 2).value = corrected_by
    book.save(out)
    return out


def _quarantine(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT line, item, reason FROM fitgap_quarantine ORDER BY line, item").fetchall()


def _loaded(db: Path, line: int) -> tuple[object, ...]:
    """shimei, seinengappi, zokugara of the row loaded from ``line``."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            'SELECT shimei, seinengappi, zokugara FROM "001_住民" WHERE _source_line = ?', [line]
        ).fetchone()
    assert row is not None, f"line {line} was not loaded"
    return tuple(row)


def _statuses(db: Path, run_id: str) -> list[tuple[int, str | None, str, str | None, str | None]]:
    con = connect_read_only(db)
    try:
        return [(r.line, r.item, r.status.value, r.reason, r.detail) for r in read_corrections(con, run_id=run_id)]
    finally:
        con.close()


@pytest.fixture
def converted(residents: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The resident CSV converted once: (mapping, database)."""
    db = tmp_path / "r.duckdb"
    mapping = residents / "mapping-csv.yaml"
    assert _run(mapping, db).rows_quarantined == 5
    return mapping, db


def test_review_groups_by_item_reason_and_value(converted: tuple[Path, Path]) -> None:
    _, db = converted
    (review,) = review_quarantine(db, CATALOG).mappings
    assert (review.mapping, review.target_table, review.rows_quarantined, review.values_quarantined) == (
        "residents-csv",
        "001_住民",
        5,
        5,
    )
    groups = [(g.item, g.item_name, g.reason, g.message, g.value, g.count, g.lines) for g in review.groups]
    assert groups == [
        ("shimei", "氏名", "GAIJI_UNMAPPED", "外字表にない外字があります", "森＊＊＊", 1, (14,)),
        ("seinengappi", "生年月日", "ERA_DATE_INVALID", "日付として読めません", "4＊＊＊＊＊＊", 1, (8,)),
        ("zokugara", "続柄", "CODE_UNMAPPED", "コード表にない旧コードです", "99", 1, (18,)),
        (None, None, "COLUMN_COUNT", "列の数が合いません", None, 1, (24,)),
        (None, None, "ENCODING_INVALID", "指定の文字コードとして読めないバイトがあります", "85 40", 1, (30,)),
    ]
    assert review.by_reason == {
        "CODE_UNMAPPED": 1,
        "COLUMN_COUNT": 1,
        "ENCODING_INVALID": 1,
        "ERA_DATE_INVALID": 1,
        "GAIJI_UNMAPPED": 1,
    }


def test_review_fills_the_message_placeholders() -> None:
    from converters.review import reason_message

    group = CATALOG.business("001").group("住民")
    assert reason_message("LENGTH_EXCEEDED", group, "shimei") == "氏名 が100文字を超えています"
    assert reason_message("KEY_DUPLICATE", group, "atenabango") == "主キー 宛名番号 が重複しています"
    assert reason_message("NUMBER_INVALID", group, None) == "… が型 … の数値ではありません"
    assert reason_message("NOT_A_CODE", group, "shimei") == "NOT_A_CODE"


def test_review_messages_follow_the_run_language() -> None:
    from converters.review import reason_message
    from spec_catalog.language import chosen

    group = CATALOG.business("001").group("住民")
    with chosen("en"):
        assert reason_message("KEY_DUPLICATE", group, "atenabango") == "primary key 宛名番号 is repeated"


def test_the_workbook_lists_each_value_masked_with_a_keyed_fingerprint(
    converted: tuple[Path, Path], tmp_path: Path
) -> None:
    mapping, db = converted
    path = _request(mapping, db, tmp_path / "request.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [wb.GUIDE_SHEET, "氏名", "生年月日", "続柄", wb.RECORD_SHEET]
    rows = {}
    for title in book.sheetnames[1:]:
        sheet = book[title]
        assert [c.value for c in sheet[1]] == list(wb.HEADERS)
        assert sheet.freeze_panes == "A2"
        assert [letter for letter, d in sheet.column_dimensions.items() if d.hidden] == ["H", "I", "J"]
        rows[title] = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    line8 = rows["生年月日"][0]
    # The key as the source holds it (宛名番号 of records 7 and 17), masked by the key item's flag.
    group = CATALOG.business("001").group("住民")
    assert group is not None
    key = next(i for i in group.items if i.romanized == "atenabango")
    assert line8[:7] == (
        8,
        mask("0000000007", key.sensitivity),
        "生年月日",
        "日付として読めません",
        "4＊＊＊＊＊＊",
        None,
        None,
    )
    assert line8[7:9] == ("seinengappi", "ERA_DATE_INVALID")
    assert rows["続柄"][0][:5] == (18, mask("0000000017", key.sensitivity), "続柄", "コード表にない旧コードです", "99")
    assert [r[0] for r in rows[wb.RECORD_SHEET]] == [24, 30]
    assert all(
        r[1] is None and r[9] is None and r[6].startswith("元データから読み込めなかった行")
        for r in rows[wb.RECORD_SHEET]
    )
    # The fingerprint is keyed with the request's secret: a plain hash of a guess does not find the value.
    assert len(line8[9]) == 32 and line8[9] != hashlib.sha256(RAW_BIRTH_DATE.encode()).hexdigest()[:32]
    texts = [str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row if v is not None]
    assert not [t for t in texts if RAW_BIRTH_DATE in t or RAW_NAME in t or "\ue0ff" in t]
    assert not my_numbers_in_text("\n".join(texts))
    con = connect_read_only(db)
    try:
        (request_id,) = con.execute("SELECT request_id FROM fitgap_correction_requests").fetchone()
        secret = con.execute("SELECT secret FROM fitgap_correction_requests").fetchone()[0]
    finally:
        con.close()
    assert book[wb.GUIDE_SHEET]["B3"].value == request_id
    assert line8[9] == fingerprint(secret, RAW_BIRTH_DATE)


def test_corrections_replace_source_values_and_are_recorded(converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    request = _request(mapping, db, tmp_path / "request.xlsx")
    values = {("生年月日", 8): "3600214", ("氏名", 14): "森　花子", ("続柄", 18): "10"}
    filled = fill(request, tmp_path / "filled.xlsx", values, corrected_by="住民課 山田")
    result = _run(mapping, db, (filled,))
    assert (result.rows_loaded, result.rows_quarantined, result.reconciled) == (48, 2, True)
    assert _quarantine(db) == [(24, None, "COLUMN_COUNT"), (30, None, "ENCODING_INVALID")]
    assert _loaded(db, 8)[1] == "1985-02-14"
    assert _loaded(db, 14)[0] == "森　花子"
    assert _loaded(db, 18)[2] == "01"  # the corrected legacy code went through the code table
    assert result.corrections is not None
    (summary,) = result.corrections.files
    assert (summary.file, summary.applied, summary.not_applied, summary.superseded) == ("filled.xlsx", 3, 0, 0)
    assert summary.applied_by_item == {"seinengappi": 1, "shimei": 1, "zokugara": 1}
    assert summary.sha256 == hashlib.sha256(filled.read_bytes()).hexdigest()
    assert summary.corrected_by == "住民課 山田"
    assert sorted(_statuses(db, result.run_id)) == [
        (8, "seinengappi", "applied", None, None),
        (14, "shimei", "applied", None, None),
        (18, "zokugara", "applied", None, None),
    ]


def test_a_correction_that_brings_a_control_character_is_checked_for_it(residents: Path, tmp_path: Path) -> None:
    """The width check of an X item made of plain ASCII runs only when the source may hold a control character:
    a file without one skips it, and a correction that brings one (DEL: Excel keeps it) makes it run again."""
    source = residents / "residents.csv"
    lines = source.read_bytes().split(b"\r\n")
    lines[2] = b"1234567890123456" + lines[2][lines[2].index(b",") :]  # 宛名番号 of line 3: too long
    source.write_bytes(b"\r\n".join(lines))
    mapping, db = residents / "mapping-csv.yaml", tmp_path / "r.duckdb"
    _run(mapping, db)
    assert (3, "atenabango", "LENGTH_EXCEEDED") in _quarantine(db)
    filled = fill(
        _request(mapping, db, tmp_path / "request.xlsx"), tmp_path / "filled.xlsx", {("宛名番号", 3): "99\x7f"}
    )
    result = _run(mapping, db, (filled,))
    assert result.corrections is not None and result.corrections.applied == 1
    assert (3, "atenabango", "WIDTH_NOT_HALF") in _quarantine(db)


def test_a_request_written_in_english_is_read_back_in_a_japanese_run(
    converted: tuple[Path, Path], tmp_path: Path
) -> None:
    mapping, db = converted
    with chosen("en"):
        request = _request(mapping, db, tmp_path / "request-en.xlsx")
    book = load_workbook(request)
    assert book.sheetnames[0] == "Guide" and book["Guide"]["A1"].value == "Data correction request"
    assert [c.value for c in book["氏名"][1]][:7] == [
        "Line",
        "Key",
        "Item",
        "Reason",
        "Value",
        "Corrected value",
        "Note",
    ]
    values = {("生年月日", 8): "3600214", ("氏名", 14): "(empty)"}
    filled = fill(request, tmp_path / "filled-en.xlsx", values, corrected_by="Resident office", lang="en")
    result = _run(mapping, db, (filled,))  # the default language: Japanese
    assert result.corrections is not None
    (summary,) = result.corrections.files
    assert (summary.applied, summary.corrected_by) == (2, "Resident office")
    assert _loaded(db, 8)[1] == "1985-02-14"


def test_a_stale_correction_is_not_applied(converted: tuple[Path, Path], residents: Path, tmp_path: Path) -> None:
    mapping, db = converted
    filled = fill(
        _request(mapping, db, tmp_path / "request.xlsx"),
        tmp_path / "filled.xlsx",
        {("生年月日", 8): "3600214", ("続柄", 18): "10"},
    )
    source = residents / "residents.csv"
    lines = source.read_bytes().split(b"\r\n")
    lines[7] = lines[7].replace(RAW_BIRTH_DATE.encode(), b"4310502")  # the export changed on line 8 since
    source.write_bytes(b"\r\n".join(lines))
    result = _run(mapping, db, (filled,))
    assert result.corrections is not None
    assert (result.corrections.applied, result.corrections.not_applied) == (1, 1)
    (missed,) = result.corrections.not_applied_rows
    assert (missed.line, missed.item, missed.code, missed.detail) == (
        8,
        "seinengappi",
        Code.CORRECTION_NOT_APPLIED,
        changed_detail(),
    )
    assert (8, "seinengappi", "ERA_DATE_INVALID") in _quarantine(db)  # the changed value, still wrong
    assert _loaded(db, 18)[2] == "01"
    assert sorted(_statuses(db, result.run_id)) == [
        (8, "seinengappi", "not-applied", "CORRECTION_NOT_APPLIED", changed_detail()),
        (18, "zokugara", "applied", None, None),
    ]


def test_a_wrong_correction_is_quarantined_again_with_its_reason(converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    filled = fill(_request(mapping, db, tmp_path / "request.xlsx"), tmp_path / "filled.xlsx", {("続柄", 18): "77"})
    result = _run(mapping, db, (filled,))
    assert result.corrections is not None and result.corrections.applied == 1
    assert (18, "zokugara", "CODE_UNMAPPED") in _quarantine(db)
    assert [u.model_dump() for u in result.unmapped] == [{"item": "zokugara", "value": "77", "count": 1}]
    assert _statuses(db, result.run_id) == [(18, "zokugara", "applied", None, None)]


def test_the_mapping_key_applies_corrections_on_every_run_and_a_later_file_wins(
    converted: tuple[Path, Path], tmp_path: Path
) -> None:
    mapping, db = converted
    folder = mapping.parent
    request = _request(mapping, db, tmp_path / "request.xlsx")
    fill(request, folder / "first.xlsx", {("続柄", 18): "20", ("生年月日", 8): "3600214"})
    fill(request, folder / "second.xlsx", {("続柄", 18): "10"})
    keyed = folder / "mapping-corrected.yaml"
    keyed.write_text(mapping.read_text(encoding="utf-8") + "corrections: [first.xlsx, second.xlsx]\n", encoding="utf-8")
    # The copy keeps the name residents-csv: the requests are that mapping's.
    for _ in range(2):
        result = _run(keyed, db)
        assert result.corrections is not None
        assert [(f.file, f.applied, f.superseded) for f in result.corrections.files] == [
            ("first.xlsx", 1, 1),
            ("second.xlsx", 1, 0),
        ]
        assert _loaded(db, 18)[2] == "01" and _loaded(db, 8)[1] == "1985-02-14"
    assert sorted(_statuses(db, result.run_id)) == [
        (8, "seinengappi", "applied", None, None),
        (18, "zokugara", "applied", None, None),
        (18, "zokugara", "superseded", None, None),
    ]


def test_a_row_the_reader_rejected_cannot_be_corrected(converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    filled = fill(_request(mapping, db, tmp_path / "r.xlsx"), tmp_path / "f.xlsx", {(wb.RECORD_SHEET, 24): "x"})
    result = _run(mapping, db, (filled,))
    assert result.corrections is not None
    assert [(r.line, r.item, r.detail) for r in result.corrections.not_applied_rows] == [(24, None, no_item_detail())]
    assert (24, None, "COLUMN_COUNT") in _quarantine(db)


def test_a_dry_run_applies_corrections_and_records_nothing(converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    filled = fill(_request(mapping, db, tmp_path / "r.xlsx"), tmp_path / "f.xlsx", {("続柄", 18): "10"})
    result = run_conversion(load_mapping(mapping, CATALOG), db, dry_run=True, corrections=(filled,))
    assert result.corrections is not None and result.corrections.applied == 1
    assert result.rows_quarantined == 4
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fitgap_corrections").fetchone() == (0,)


def test_fixed_width_corrections_compare_the_trimmed_field(residents: Path, tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    mapping = residents / "mapping-fixed.yaml"
    assert _run(mapping, db).rows_quarantined == 5
    filled = fill(_request(mapping, db, tmp_path / "r.xlsx"), tmp_path / "f.xlsx", {("続柄", 17): "10"})
    result = _run(mapping, db, (filled,))
    assert result.corrections is not None and result.corrections.applied == 1
    assert result.rows_quarantined == 4


def test_corrections_need_the_database_of_their_request(converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    filled = fill(_request(mapping, db, tmp_path / "r.xlsx"), tmp_path / "f.xlsx", {("続柄", 18): "10"})
    other = tmp_path / "other.duckdb"
    _run(mapping, other)
    with pytest.raises(FitgapError) as caught:
        _run(mapping, other, (filled,))
    request_id = load_workbook(filled)[wb.GUIDE_SHEET]["B3"].value
    assert caught.value.one_line() == (
        f"{filled}: このファイルの依頼 {request_id} はデータベースにありません — 書き出したときのデータベース"
        "（--db）で適用してください"
    )


def test_a_workbook_that_is_no_request_is_refused(converted: tuple[Path, Path], tmp_path: Path) -> None:
    from openpyxl import Workbook

    mapping, db = converted
    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(FitgapError) as caught:
        _run(mapping, db, (path,))
    assert caught.value.one_line() == (
        f"{path}: シート '説明' がありません。データ補正依頼のファイルではありません — "
        "'fitgap convert quarantine MAPPING --xlsx FILE' が書き出し、記入したデータ補正依頼のファイルを渡してください"
    )


def test_a_filled_workbook_is_not_replaced_without_force(converted: tuple[Path, Path], tmp_path: Path) -> None:
    mapping, db = converted
    path = tmp_path / "request.xlsx"
    path.write_bytes(b"filled in by staff")
    with pytest.raises(FitgapError) as caught:
        _request(mapping, db, path)
    assert caught.value.one_line() == (
        f"{path}: データ補正依頼のファイルがすでにあります（記入済みかもしれません） — 置き換えるには --force を"
        "付けてください"
    )
    assert path.read_bytes() == b"filled in by staff"
    write_request(db, load_mapping(mapping, CATALOG), path, force=True)
    assert load_workbook(path).sheetnames[0] == wb.GUIDE_SHEET


def test_the_workbook_needs_the_source_the_run_read(
    converted: tuple[Path, Path], residents: Path, tmp_path: Path
) -> None:
    mapping, db = converted
    source = residents / "residents.csv"
    source.write_bytes(source.read_bytes() + b"\r\n")
    with pytest.raises(FitgapError, match=r"元データのファイルが変換 .* の読んだものと違います（sha256 が異なります）"):
        _request(mapping, db, tmp_path / "request.xlsx")
    assert not (tmp_path / "request.xlsx").exists()
