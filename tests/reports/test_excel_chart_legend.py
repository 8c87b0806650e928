"""A chart coloured by category says, in Excel too, what each colour means (issue 18: GO/NO-GO coloured): in the
cell under the chart, a ■ in each colour before its meaning. Read back with openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from reports.excel_report import write_document
from reports.tables import Chart, Column, Document, Series, Table


def _book(tmp_path: Path, chart: Chart) -> Any:
    table = Table(title="業務別", columns=(Column(header="業務"),), rows=(("住民基本台帳",), ("個人住民税",)))
    path = write_document(Document(title="準備状況", tables=(table,), charts=(chart,)), tmp_path / "r.xlsx")
    return load_workbook(path, rich_text=True)["業務別"]


def test_the_colours_of_a_chart_are_named_under_it(tmp_path: Path) -> None:
    chart = Chart(
        title="業務ごとの移行準備状況",
        sheet="業務別",
        categories=("住民基本台帳", "個人住民税"),
        series=(Series(name="準備率", values=(0.9, 0.4)),),
        category_colours=("2E7D32", "C62828"),
        category_legend=(("GO（移行可）", "2E7D32"), ("NO-GO（移行不可）", "C62828")),
    )
    sheet = _book(tmp_path, chart)
    (drawn,) = sheet._charts
    anchor = drawn.anchor._from.row + 1  # 1-based row of the chart's top
    legend = [c.value for row in sheet.iter_rows(min_row=anchor) for c in row if isinstance(c.value, CellRichText)]
    (text,) = legend
    runs = [(str(block.text), block.font.color.rgb if block.font.color else None) for block in text]
    assert [t for t, _ in runs] == ["■ ", "GO（移行可）　", "■ ", "NO-GO（移行不可）　"]
    assert [c for t, c in runs if t == "■ "] == ["FF2E7D32", "FFC62828"]
    assert anchor < next(c.row for row in sheet.iter_rows(min_row=anchor) for c in row if c.value is not None)


def test_a_chart_without_category_colours_has_no_colour_legend(tmp_path: Path) -> None:
    chart = Chart(title="推移", sheet="業務別", categories=("a", "b"), series=(Series(name="s", values=(1.0, 2.0)),))
    sheet = _book(tmp_path, chart)
    assert sheet.max_row == 3  # the table alone: no text under the chart
