"""Self-contained HTML rendering (Jinja2): inline CSS and SVG, no script and no external link of any kind,
because municipal networks are closed. Every text is escaped, and masked by value (:mod:`reports.masking`)."""

from __future__ import annotations

from pathlib import Path

from reports.masking import masked_document
from reports.svg import bar_chart
from reports.tables import Cell, Column, Document
from spec_catalog.base import FitgapError

_TEMPLATES = Path(__file__).parent / "templates"


def _show(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if column.format == "percent" and isinstance(value, int | float):
        return f"{value:.1%}"
    return str(value)


def _cell_class(value: Cell, column: Column) -> str:
    classes = []
    if isinstance(value, int | float) and not isinstance(value, bool):
        classes.append("num")
        if column.scale == "alert_if_positive" and value > 0:
            classes.append("alert")
        elif column.scale in ("higher_is_better", "lower_is_better") and column.format == "percent":
            good = value >= 0.8 if column.scale == "higher_is_better" else value <= 0.2
            bad = value < 0.5 if column.scale == "higher_is_better" else value > 0.5
            classes.append("good" if good else "bad" if bad else "mid")
    return " ".join(classes)


def render_html(document: Document, *, unmask: bool = False) -> str:
    """The document as one HTML page; ``unmask`` turns the masking by value off."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["j2"]))
    template = environment.get_template("document.html.j2")
    document = masked_document(document, unmask=unmask)
    return template.render(
        doc=document, charts=[bar_chart(c) for c in document.charts], show=_show, cell_class=_cell_class
    )


def write_html(document: Document, path: Path, *, unmask: bool = False) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(document, unmask=unmask), encoding="utf-8")
    except OSError as exc:
        raise FitgapError(f"cannot write the HTML report: {exc.strerror}", where=path) from None
    return path
