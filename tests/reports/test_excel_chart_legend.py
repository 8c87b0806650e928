"""A chart coloured by category says, in Excel too, what each colour means (issue 18: GO/NO-GO coloured)."""

from __future__ import annotations

from openpyxl import Workbook

from reports.excel import _add_chart
from reports.tables import Chart, Series


def _texts(title: object) -> list[tuple[str, str | None]]:
    runs = title.tx.rich.p[0].r  # type: ignore[attr-defined]
    return [(run.t, run.rPr.solidFill.srgbClr if run.rPr is not None else None) for run in runs]


def test_the_colours_of_a_chart_are_named_under_it() -> None:
    book = Workbook()
    sheet, data = book.active, book.create_sheet("_chart_data")
    chart = Chart(
        title="業務ごとの移行準備状況",
        categories=("住民基本台帳", "個人住民税"),
        series=(Series(name="準備率", values=(0.9, 0.4)),),
        category_colours=("2E7D32", "C62828"),
        category_legend=(("GO（移行可）", "2E7D32"), ("NO-GO（移行不可）", "C62828")),
    )
    _add_chart(sheet, 1, data, 1, chart, "ja", unmask=False)
    (drawn,) = sheet._charts
    texts = _texts(drawn.x_axis.title)
    assert [t for t, _ in texts] == ["■ ", "GO（移行可）　", "■ ", "NO-GO（移行不可）　"]
    assert [c for t, c in texts if t == "■ "] == ["2E7D32", "C62828"]


def test_a_chart_without_category_colours_has_no_colour_legend() -> None:
    book = Workbook()
    sheet, data = book.active, book.create_sheet("_chart_data")
    chart = Chart(title="推移", categories=("a", "b"), series=(Series(name="s", values=(1.0, 2.0)),))
    _add_chart(sheet, 1, data, 1, chart, "ja", unmask=False)
    (drawn,) = sheet._charts
    assert drawn.x_axis.title is None
