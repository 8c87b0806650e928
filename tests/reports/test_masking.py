"""Masking by value as well as by flag: a check-digit-valid 個人番号 is masked in every output, wherever it stands.

The end-to-end test converts and validates data whose key column, code column and free text hold one, and finds
it masked in every output: stdout and stderr (the ``cli`` fixture checks each), ``--json``, the run records, the
quarantine (values and rule texts), and the validation reports (JSON, JUnit, Excel, HTML). Its legacy inputs hold
valid numbers, so they are written outside pytest's temp; what fitgap writes goes under it, for the session scan.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from rich.console import Console

from converters.transforms.era import parse_era_date
from converters.transforms.values import code
from reports.excel_report import write_document
from reports.html import render_html
from reports.masking import mask, mask_text, masked_document
from reports.tables import Chart, Column, Document, Series, Table
from reports.terminal import print_table
from spec_catalog.vocab import Sensitivity

from conftest import CliResult
from pii_scan import my_numbers_in_file, my_numbers_in_text, scan_outputs

Cli = Callable[..., CliResult]
NUMBER = "123456789018"  # check digit valid
MASKED = "********9018"
PERSONAL = Sensitivity.PERSONAL
KEY = mask(NUMBER, PERSONAL)  # 宛名番号 and 世帯番号 identify persons: masked by their items' flag
HOUSEHOLD = "000000000000009"
assert my_numbers_in_text(NUMBER) == [NUMBER]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (NUMBER, MASKED),
        (f"宛名{NUMBER}様", f"宛名{MASKED}様"),
        (f"key={NUMBER}|{NUMBER}", f"key={MASKED}|{MASKED}"),
        (f"line 2: {{'atenabango': '{NUMBER}'}}", f"line 2: {{'atenabango': '{MASKED}'}}"),
        ("１２３４５６７８９０１８", "＊＊＊＊＊＊＊＊９０１８"),
        ("1234 5678 9018", "**** **** 9018"),
        ("1234-5678-9018", "****-****-9018"),
        (f"{NUMBER}.5", f"{MASKED}.5"),
        ("123456789012", "123456789012"),  # wrong check digit: no 個人番号
        ("1234567890180", "1234567890180"),  # 13 digits: a longer number
        ("0123456789018", "0123456789018"),  # a 個人番号 padded with zeros is a 13-digit number
        ("sha256 ab123456789018cd", "sha256 ab123456789018cd"),  # inside a hex word
        ("run 20261126-042411-131639", "run 20261126-042411-131639"),
        ("", ""),
    ],
    ids=[
        "alone",
        "inside-japanese-text",
        "a-joined-key",
        "a-failing-row",
        "full-width",
        "groups-with-spaces",
        "groups-with-hyphens",
        "before-a-decimal-point",
        "wrong-check-digit",
        "thirteen-digits",
        "zero-padded",
        "hex-word",
        "run-id",
        "empty",
    ],
)
def test_mask_text_masks_every_valid_number_and_nothing_else(text: str, shown: str) -> None:
    assert mask_text(text) == shown
    assert my_numbers_in_text(shown) == []


def test_mask_text_keeps_none_and_unmask() -> None:
    assert mask_text(None) is None
    assert mask_text(f"x {NUMBER}", unmask=True) == f"x {NUMBER}"


@pytest.mark.parametrize(
    ("value", "sensitivity", "shown"),
    [
        (NUMBER, Sensitivity.IDENTIFIER, MASKED),
        ("12345678901", Sensitivity.IDENTIFIER, "*******8901"),  # 住民票コード: by flag, not by value
        ("森　花子", Sensitivity.PERSONAL, "森＊＊＊"),
        (NUMBER, Sensitivity.PERSONAL, "1＊＊＊＊＊＊＊＊＊＊＊"),
        (NUMBER, Sensitivity.NONE, MASKED),  # a key or code column holding one
        (f"番号{NUMBER}", Sensitivity.NONE, f"番号{MASKED}"),
        ("000000000000001", Sensitivity.NONE, "000000000000001"),
        ("99", Sensitivity.NONE, "99"),
        (None, Sensitivity.IDENTIFIER, None),
    ],
    ids=[
        "identifier",
        "identifier-not-a-my-number",
        "personal",
        "personal-holding-a-number",
        "none-holding-a-number",
        "none-number-in-text",
        "none-plain-key",
        "none-code",
        "none-value",
    ],
)
def test_mask_by_flag_and_by_value(value: str | None, sensitivity: Sensitivity, shown: str | None) -> None:
    assert mask(value, sensitivity) == shown
    assert mask(value, sensitivity, unmask=True) == value


@pytest.mark.parametrize(
    ("detail", "result"),
    [
        ("平成の期間（1989-01-08 – 2019-04-30）の外の日付です", parse_era_date("4310501")),
        ("どの日付の形式にも当てはまりません", parse_era_date(f"{NUMBER}x")),
        ("コード表にないコードです", code(NUMBER, {"1": "1"})),
    ],
    ids=["era", "no-date", "code"],
)
def test_rejection_details_name_the_rule_never_the_value(detail: str, result: object) -> None:
    assert getattr(result, "detail", None) == detail


def _document() -> Document:
    """A report document with the number in every place a renderer draws text."""
    return Document(
        title=f"report {NUMBER}",
        note=f"note {NUMBER}",
        facts=((f"fact {NUMBER}", f"value {NUMBER}"),),
        tables=(
            Table(
                title=f"table {NUMBER}",
                sheet="s",
                columns=(Column(header=f"key {NUMBER}"), Column(header="n", format="integer")),
                rows=((f"atenabango={NUMBER}", int(NUMBER)), ("plain", 42)),
                note=f"table note {NUMBER}",
            ),
        ),
        charts=(Chart(title=f"chart {NUMBER}", categories=(NUMBER,), series=(Series(name=NUMBER, values=(1.0,)),)),),
    )


def test_excel_reports_mask_every_cell_by_value(tmp_path: Path) -> None:
    path = write_document(_document(), tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["s", "_chart_data"]  # the chart's data sit on a hidden sheet
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [v for v in cells if "9018" in str(v)] == [
        f"note {MASKED}",
        f"table note {MASKED}",
        f"fact {MASKED}",
        f"value {MASKED}",
        f"key {MASKED}",
        f"atenabango={MASKED}",
        MASKED,  # the whole-number cell too, as text
        f"chart {MASKED}",
        MASKED,
        MASKED,
    ]
    assert 42 in cells  # other numbers stay numbers
    assert my_numbers_in_file(path) == []


def test_html_and_terminal_mask_by_value() -> None:
    html = render_html(_document())
    # <title> and <h1>, note, fact label and value; the chart's label, title, bar tooltip (category and series),
    # axis label and legend; the table's title, note, header and two cells
    assert my_numbers_in_text(html) == [] and html.count(MASKED) == 16
    console = Console(width=200, record=True, color_system=None)
    print_table(console, _document().tables[0])
    text = console.export_text()
    assert my_numbers_in_text(text) == [] and text.count(MASKED) == 5


def test_unmask_shows_the_document_as_it_is() -> None:
    assert masked_document(_document(), unmask=True) == _document()
    assert NUMBER in render_html(_document(), unmask=True)


def test_terminal_shows_values_literally() -> None:
    console = Console(width=80, record=True, color_system=None)
    print_table(console, Table(title="t [/b]", columns=(Column(header="[bold]h"),), rows=(("x[/y] z",),)))
    text = console.export_text()
    assert "t [/b]" in text and "[bold]h" in text and "x[/y] z" in text


RESIDENTS = """name: pii-residents
source: {format: csv, path: residents.csv, encoding: utf-8, header: true}
target: {business: "001", group: 住民}
code_tables:
  sex: {values: {"1": "1", "2": "2"}}
items:
  atenabango: {from: num}
  setaibango: {from: household}
  kojinbango: {from: kojin}
  shimei: {from: name}
  seinengappi: {from: birth}
  seibetsu: {from: sex, transforms: [{code: sex}]}
  zokugara: {value: "01"}
  juminkubun: {value: "1"}
  jusho_shikuchosonkodo: {value: "013455"}
  juminnonattanengappi: {value: "1985-04-01"}
  idojiyu: {value: "02"}
  idonengappi: {value: "1985-04-01"}
  sosashaid: {value: OP1}
  sosanengappi: {from: day}
  sosajikoku: {value: "09:30"}
"""
HOUSEHOLDS = """name: pii-households
source: {format: csv, path: households.csv, encoding: utf-8, header: true}
target: {business: "001", group: 世帯}
items:
  setaibango: {from: household}
  setainushi_atenabango: {from: head}
  jusho_shikuchosonkodo: {value: "013455"}
  sosanengappi: {value: "2024-04-01"}
"""
# Line 2: the number as a key, in a household that does not exist (an error that lists the row) and with an
# operation date in the future (a warning that lists it too); line 3: a birth date outside its era; line 4: the
# number as a code; line 5: the key of line 2 again; line 6: the number inside a key, after full-width text.
RESIDENT_ROWS = [
    "num,household,kojin,name,birth,sex,day",
    f"{NUMBER},000000000000009,{NUMBER},森　花子,1985-04-01,1,2999-01-01",
    "000000000000002,000000000000001,,森　太郎,4310501,1,2024-04-01",
    f"000000000000003,000000000000001,,森　一郎,1985-04-01,{NUMBER},2024-04-01",
    f"{NUMBER},000000000000001,,森　次郎,1985-04-01,2,2024-04-01",
    f"番号{NUMBER},000000000000001,,森　三郎,1985-04-01,2,2024-04-01",
]
HOUSEHOLD_ROWS = ["household,head", "000000000000001,000000000000002"]


@pytest.fixture
def sources() -> Iterator[Path]:
    """The legacy inputs and their mappings, outside pytest's temp: they hold valid numbers on purpose."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "residents.csv").write_text("\n".join(RESIDENT_ROWS) + "\n", encoding="utf-8")
        (folder / "households.csv").write_text("\n".join(HOUSEHOLD_ROWS) + "\n", encoding="utf-8")
        (folder / "residents.yaml").write_text(RESIDENTS, encoding="utf-8")
        (folder / "households.yaml").write_text(HOUSEHOLDS, encoding="utf-8")
        yield folder


def test_a_number_in_key_code_and_text_columns_is_masked_in_every_output(
    cli: Cli, sources: Path, tmp_path: Path
) -> None:
    db = tmp_path / "pii.duckdb"
    # convert: --json, the human summary, a dry run's preview, the runs listing (cli checks stdout and stderr)
    run = cli("convert", "run", sources / "residents.yaml", "--db", db, "--json", "--accept-quarantine")
    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["unmapped"] == [{"item": "seibetsu", "value": MASKED, "count": 1}]
    assert (result["rows_read"], result["rows_loaded"], result["rows_quarantined"]) == (5, 1, 4)
    human = cli("convert", "run", sources / "households.yaml", "--db", db)
    assert human.exit_code == 0, human.stderr
    preview = cli("convert", "run", sources / "residents.yaml", "--dry-run")
    assert f"コード表にない旧コード seibetsu='{MASKED}': 1 行" in preview.stdout
    # the unmapped code and the 個人番号 of the previewed row; the key (宛名番号) is masked by its item's flag
    assert preview.stdout.count(MASKED) == 2 and NUMBER not in preview.stdout
    assert cli("convert", "runs", "--db", db).exit_code == 0
    # the quarantine and the run records
    with duckdb.connect(str(db), read_only=True) as con:
        quarantine = con.execute(
            "SELECT line, item, reason, rule, value FROM fitgap_quarantine ORDER BY mapping, line"
        ).fetchall()
        unmapped = con.execute("SELECT mapping, unmapped FROM fitgap_runs ORDER BY mapping").fetchall()
    era = "平成の期間（1989-01-08 – 2019-04-30）の外の日付です"  # the rule, not the birth date
    assert quarantine == [
        (3, "seinengappi", "ERA_DATE_INVALID", era, "4＊＊＊＊＊＊"),
        (4, "seibetsu", "CODE_UNMAPPED", "コード表にないコードです", MASKED),
        (5, "atenabango", "KEY_DUPLICATE", "001_住民.atenabango.primary_key", mask(NUMBER, PERSONAL)),
        (6, "atenabango", "WIDTH_NOT_HALF", "001_住民.atenabango.half_width", mask(f"番号{NUMBER}", PERSONAL)),
    ]
    assert [(m, json.loads(u)) for m, u in unmapped] == [
        ("pii-households", []),
        ("pii-residents", [{"item": "seibetsu", "value": MASKED, "count": 1}]),
    ]
    # validate: every report, --json and the human summary
    reports = tmp_path / "reports"
    files = {
        "junit": reports / "v.xml",
        "json-file": reports / "v.json",
        "xlsx": reports / "v.xlsx",
        "html": reports / "v.html",
    }
    options = [x for kind, path in files.items() for x in (f"--{kind}", path)]
    validated = cli("validate", "run", "--db", db, "--json", *options)
    assert validated.exit_code == 1, validated.stderr  # the household of line 2 does not exist
    rules = {r["rule_id"]: r for t in json.loads(validated.stdout)["tables"] for r in t["rules"]}
    failing = {rule: [(r["key"], r["values"]) for r in rules[rule]["failing_rows"]] for rule in rules}
    assert {rule: rows for rule, rows in failing.items() if rows} == {
        "001_住民.setaibango.foreign_key": [({"atenabango": KEY}, {"setaibango": mask(HOUSEHOLD, PERSONAL)})],
        "001_住民.sosanengappi.future_date": [({"atenabango": KEY}, {"sosanengappi": "2999-01-01"})],
    }
    # GX Data Docs hold GX's own sample of failing values: masked too.
    docs = tmp_path / "gx-docs"
    assert "検証: エラーあり（エラー 1 件、警告 1 件）" in cli("validate", "run", "--db", db, "--docs", docs).stdout
    pages = [p for p in docs.rglob("*") if p.suffix in (".html", ".json")]
    assert pages and all(my_numbers_in_file(p) == [] for p in pages)
    shown = {}
    for kind, path in files.items():
        assert my_numbers_in_file(path) == [], kind
        text = path.read_text(encoding="utf-8") if kind != "xlsx" else ""
        shown[kind] = (text.count(MASKED), text.count(KEY)) if kind != "xlsx" else None
    # (by value, by the key's flag): the failing rows' keys are shown masked as 宛名番号
    assert shown == {"junit": (0, 1), "json-file": (0, 2), "xlsx": None, "html": (0, 2)}
    assert f"2 行目: {{'atenabango': '{KEY}'}} {{'setaibango': '{mask(HOUSEHOLD, PERSONAL)}'}}" in files[
        "junit"
    ].read_text(encoding="utf-8")
    sheet = load_workbook(files["xlsx"])["チェックエラー行"]
    assert [row[6] for row in sheet.iter_rows(values_only=True) if str(row[6]).startswith("atenabango=")] == [
        f"atenabango={KEY}",
        f"atenabango={KEY}",
    ]
    assert scan_outputs(tmp_path) == {}
