"""Written files are safe: user text is never a formula in a workbook fitgap writes, and an export's file
names, made from catalog names, stay inside the output folder. Exports themselves are data, written as is."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from converters.export import export, file_stem
from fitgap.assessment import score_workbook, write_report
from fitgap.assessment.sheets import FUNCTION_COLUMNS
from fitgap.assessment.template import write_template
from reports.excel import put
from reports.excel_report import write_document
from reports.tables import Column, Document, Table
from spec_catalog import load_embedded
from spec_catalog.base import FitgapError
from spec_catalog.database import RunRecord, RunStatus, create_target, ensure_schema, start_run

# OWASP's CSV-injection starts, and texts a person could type that start with them.
FORMULAS = ["=1+2", '=HYPERLINK("http://x","y")', "+81-3-1234", "-1+2", "@SUM(A1)", "\tTAB", "\rCR", "=", "-"]
IDS = ["equals", "hyperlink", "plus", "minus", "at", "tab", "cr", "bare-equals", "bare-minus"]
COL = {field: i for i, (field, _, _) in enumerate(FUNCTION_COLUMNS, start=1)}


def _formula_cells(path: Path) -> list[str]:
    """Every cell stored as a formula (``<f>`` in a sheet's XML)."""
    with zipfile.ZipFile(path) as archive:
        return [n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"<f>" in archive.read(n)]


@pytest.mark.parametrize("text", FORMULAS, ids=IDS)
def test_put_keeps_formula_text_as_text(text: str, tmp_path: Path) -> None:
    workbook = Workbook()
    put(workbook.active["A1"], text)
    workbook.save(tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx").active["A1"]
    # The standard library's XML parser reads a CR back as a line feed (lxml keeps it): the same line break, and
    # text it stays.
    assert cell.value in (text, text.replace("\r", "\n"))
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert _formula_cells(tmp_path / "t.xlsx") == []


@pytest.mark.parametrize(
    ("value", "data_type", "prefixed"),
    [(-5, "n", False), (-1.5, "n", False), (0, "n", False), ("plain", "s", False), ("a=b", "s", False)],
    ids=["negative-int", "negative-float", "zero", "text", "equals-inside"],
)
def test_put_leaves_numbers_and_plain_text_alone(value: object, data_type: str, prefixed: bool, tmp_path: Path) -> None:
    workbook = Workbook()
    put(workbook.active["A1"], value)
    workbook.save(tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx").active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (value, data_type, prefixed)


def test_report_workbooks_write_every_text_as_text(tmp_path: Path) -> None:
    document = Document(
        title="=title",
        note="-note",
        facts=(("@label", "=fact"),),
        tables=(
            Table(
                title="t",
                columns=(Column(header="=header"), Column(header="n", format="integer")),
                rows=tuple((text, -n) for n, text in enumerate(FORMULAS, start=1)),
                row_styles=tuple("danger" for _ in FORMULAS),
            ),
        ),
    )
    path = write_document(document, tmp_path / "r.xlsx")
    assert _formula_cells(path) == []
    sheet = load_workbook(path)["t"]
    rows = [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in sheet.iter_rows()]
    assert rows[:3] == [
        [("-note", "s", True), (None, "n", False)],
        [("@label", "s", True), ("=fact", "s", True)],
        [(None, "n", False), (None, "n", False)],
    ]
    assert rows[3] == [("=header", "s", True), ("n", "s", False)]
    # A carriage return is stored as OOXML's escape _x000D_ (Excel reads it back as CR) or as itself.
    same_line_break = [
        [(str(v).replace("_x000D_", "\r").replace("\r", "\n"), *rest) for v, *rest in row] for row in rows[4:]
    ]
    assert same_line_break == [
        [(text.replace("\r", "\n"), "s", True), (str(-n), "n", False)] for n, text in enumerate(FORMULAS, start=1)
    ]
    assert sheet["A5"].fill.fgColor.rgb.endswith("F8CBAD")  # the row style is kept beside the quote prefix


def test_the_assessment_template_writes_catalog_text_as_text(tmp_path: Path) -> None:
    catalog = load_embedded()
    spec = catalog.business("001")
    first = spec.functions[0].model_copy(update={"name": '=HYPERLINK("http://x","y")', "requirement": "-1+2"})
    spec = spec.model_copy(update={"name": "@住民", "functions": (first, *spec.functions[1:])})
    path = write_template(tmp_path / "t.xlsx", catalog, [spec], today=dt.date(2026, 11, 26))
    assert _formula_cells(path) == []
    sheet = load_workbook(path).worksheets[1]
    cells = [(c.value, c.data_type, c.quotePrefix) for c in sheet[4][:4]]
    assert cells == [
        (first.function_id, "s", False),
        ('=HYPERLINK("http://x","y")', "s", True),
        (first.function_class.value, "s", False),
        ("-1+2", "s", True),
    ]
    assert (sheet["A1"].value, sheet["A1"].quotePrefix) == (
        f"001 @住民 — 機能要件 Fit & Gap（{spec.spec_name}{' ' + spec.spec_version if spec.spec_version else ''}）",
        False,
    )


def test_the_assessment_report_writes_what_staff_typed_as_text(tmp_path: Path) -> None:
    catalog = load_embedded()
    spec = catalog.business("001")
    template = write_template(tmp_path / "a.xlsx", catalog, [spec], today=dt.date(2026, 11, 26))
    workbook = load_workbook(template)
    sheet = workbook.worksheets[1]
    typed = {"practice": "=cmd|' /C calc'!A0", "policy": "+1+1", "owner": "@担当"}
    for field, text in typed.items():
        cell = sheet.cell(row=4, column=COL[field])
        cell.value, cell.data_type = text, "s"  # text, as Excel keeps what is typed after an apostrophe
    sheet.cell(row=4, column=COL["gap_class"]).value = "GAP_OPERATION"
    workbook.save(template)
    report, assessment = score_workbook(template, catalog, dt.date(2026, 11, 26))
    write_report(report, assessment, tmp_path / "r.xlsx", None)
    assert _formula_cells(tmp_path / "r.xlsx") == []
    written = load_workbook(tmp_path / "r.xlsx")
    found = {
        c.value: (c.data_type, c.quotePrefix)
        for ws in written.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value in typed.values()
    }
    assert found == dict.fromkeys(typed.values(), ("s", True))


def _converted(db: Path, tables: dict[str, str]) -> None:
    """A database with converted ``tables`` (name -> one value of its one item) and a run record."""
    with duckdb.connect(str(db)) as con:
        ensure_schema(con)
        start_run(con, RunRecord(run_id="r1", mapping="m", target_table="x", status=RunStatus.RUNNING))
        for table, value in tables.items():
            create_target(con, table, ["atenabango"])
            con.execute(f'INSERT INTO "{table}" VALUES (?, ?, ?, ?, ?)', [value, "s.csv", 1, "r1", "m"])


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("001_住民", "001_住民"),
        ("001_a/../../x", "001_a_.._.._x"),
        ("..", "_"),
        ('001_a\\b:c*d?e"f<g>h|i', "001_a_b_c_d_e_f_g_h_i"),
        ("CON", "_CON"),
        ("nul.tar", "_nul.tar"),
        (" .x. ", "x"),
        ("a\x00b\nc", "a_b_c"),
    ],
    ids=[
        "japanese-kept",
        "parent-traversal",
        "dots-only",
        "windows-reserved",
        "device",
        "device-dotted",
        "dots",
        "controls",
    ],
)
def test_export_file_names_are_safe(name: str, stem: str) -> None:
    assert file_stem(name) == stem


def test_export_stays_in_its_folder_and_writes_data_as_is(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    _converted(db, {"001_a/../../x": "=1+2"})
    out = tmp_path / "deep" / "out"
    manifest = export(db, out)
    assert [(f.file, f.table, f.rows) for f in manifest.files] == [("001_a_.._.._x.csv", "001_a/../../x", 1)]
    assert sorted(p.name for p in out.iterdir()) == ["001_a_.._.._x.csv", "manifest.json"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]
    assert (out / "001_a_.._.._x.csv").read_bytes() == b"atenabango\r\n=1+2\r\n"  # data interchange: as is


def test_export_refuses_two_tables_in_one_file(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    _converted(db, {"001_a/b": "1", "001_a_b": "2"})
    with pytest.raises(FitgapError) as error:
        export(db, tmp_path / "out")
    assert error.value.one_line() == (
        f"{db}: テーブル '001_a/b', '001_a_b' が同じファイル 001_a_b.csv に書き出されることになります — "
        "--table で一つずつ、別々のフォルダに出力してください"
    )


def test_export_never_writes_through_a_link_out_of_its_folder(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    _converted(db, {"001_住民": "1"})
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("keep\n", encoding="utf-8")
    (out / "001_住民.csv").symlink_to(outside)
    with pytest.raises(FitgapError) as error:
        export(db, out)
    assert error.value.one_line() == (
        f"{out}: テーブル '001_住民' からは出力フォルダの中のファイル名を作れません — グループの名前を変えてください"
    )
    assert outside.read_text(encoding="utf-8") == "keep\n"
