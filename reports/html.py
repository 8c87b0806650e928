"""Self-contained HTML rendering (Jinja2): inline CSS and SVG, and one small inline script for the table filters
(only when a table has one); nothing external of any kind, because municipal networks are closed. Every text is
escaped, and masked by value (:mod:`reports.masking`).

Printing is part of the page: A4 landscape, 団体名 and 帳票名 at the top of every page, 作成日時 and
"ページ x / y" at the bottom (CSS page margin boxes), table headers repeated on every page, no row split across
pages, codes such as ``NO-GO`` never broken. A document with a :class:`~reports.tables.Summary` opens with it on
one page of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from reports.clock import local_time
from reports.masking import masked_document
from reports.palette import STATUS_COLOURS
from reports.svg import chart_svg
from reports.tables import Cell, Column, Document, Format
from spec_catalog.base import FitgapError
from spec_catalog.language import say

_TEMPLATES = Path(__file__).parent / "templates"
SUMMARY_TOP_ROWS = 10  # more would not fit the one page; the summary says how many there are
SUMMARY_ACTIONS = 8

# A code, an identifier or a number written as text ("NO-GO", "FIT_WITH_CONFIG", "001", "2026-11-26"): one
# unbreakable word on screen and on paper.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./:+%]{0,39}")
# Inside longer text, the words a browser would break at a hyphen or a slash.
_BREAKABLE_WORD = re.compile(r"[A-Za-z0-9_]+(?:[-/][A-Za-z0-9_]+)+")

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "created": "作成日時",
        "municipality": "団体名",
        "page": "ページ",
        "actions": "次の対応",
        "contents": "目次",
        "filter": "この表を絞り込む（入力した文字を含む行だけを表示）",
        "rows": "行",
        "top_capped": "全{total}件のうち上位{shown}件",
        "actions_capped": "ほか{rest}件は本文を参照",
    },
    "en": {
        "created": "Created",
        "municipality": "Municipality",
        "page": "Page",
        "actions": "Next actions",
        "contents": "Contents",
        "filter": "Filter this table (show only rows containing the text)",
        "rows": "rows",
        "top_capped": "top {shown} of {total}",
        "actions_capped": "{rest} more in the report",
    },
}


def format_value(value: Cell, format: Format) -> str:
    """A value as a reader sees it: percentages with one decimal, whole numbers with thousands separators."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if format == "percent":
        return f"{value:.1%}"
    if format == "integer":
        return f"{round(value):,}"
    return str(value)


def fact_text(value: Cell) -> str:
    """A key figure's value: whole numbers with thousands separators, other numbers with one to three decimals
    (as the workbooks show them: ``#,##0`` and ``#,##0.0##``)."""
    if isinstance(value, float):
        whole, _, decimals = f"{value:,.3f}".partition(".")
        return f"{whole}.{decimals.rstrip('0') or '0'}"
    return format_value(value, "integer")


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
    elif isinstance(value, str) and is_code(value):
        classes.append("code")
    return " ".join(classes)


def keep_words(text: str | None) -> Markup:
    """Escaped text in which every hyphenated or slashed word ("NO-GO", "2026-11-26") is kept on one line."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for match in _BREAKABLE_WORD.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<span class="nowrap">%s</span>') % match.group(0))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def is_code(text: Cell) -> bool:
    """Whether a text is one code, identifier or number (shown unbroken: ``white-space: nowrap``)."""
    return isinstance(text, str) and _CODE.fullmatch(text) is not None


def _summary_cell_text(value: Cell, column: Column) -> Markup:
    """A cell of the summary's top table: a whole code as it is (its cell does not wrap), other text with its
    hyphenated words kept whole. (The report's own tables show their texts exactly as given: only whole-code
    cells are unbroken there, so a text reads and searches the same in the page as in the data.)"""
    text = _show(value, column)
    return escape(text) if is_code(text) else keep_words(text)


def css_string(text: str) -> Markup:
    """A quoted CSS string for the page margin boxes: ASCII other than letters and digits as ``\\HH`` escapes
    (OWASP's rule for CSS), so no text can close the string or the style element."""
    body = "".join(ch if (ch.isascii() and ch.isalnum()) or ord(ch) > 0xFF else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{body}"')


def _created_text(created: dt.datetime | None) -> str:
    """作成日時 as the workbooks print it (:func:`reports.clock.local_time`)."""
    return local_time(created).strftime("%Y-%m-%d %H:%M")


def render_html(document: Document, *, unmask: bool = False, summary_only: bool = False) -> str:
    """The document as one HTML page; ``unmask`` turns the masking by value off. ``summary_only`` renders the
    one-page summary alone (what the first printed page holds)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    if summary_only and document.summary is None:
        raise ValueError(
            say("summary_only には要約のある帳票が必要です", "summary_only needs a document with a summary")
        )
    environment = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["j2"]))
    template = environment.get_template("document.html.j2")
    document = masked_document(document, unmask=unmask)
    summary = document.summary
    context: dict[str, Any] = {
        "doc": document,
        "summary_only": summary_only,
        "labels": LABELS[document.lang],
        "created": _created_text(document.created),
        "charts": [] if summary_only else [chart_svg(c) for c in document.charts],
        "filters": not summary_only and any(t.filterable for t in document.tables),
        "status_colours": {k: f"#{v}" for k, v in STATUS_COLOURS.items()},
        "top_rows": summary.top.rows[:SUMMARY_TOP_ROWS] if summary and summary.top else (),
        "actions": summary.actions[:SUMMARY_ACTIONS] if summary else (),
        "show": _show,
        "summary_cell_text": _summary_cell_text,
        "is_code": is_code,
        "fact_text": fact_text,
        "cell_class": _cell_class,
        "format_value": format_value,
        "keep_words": keep_words,
        "css_string": css_string,
    }
    return template.render(**context)


def write_html(document: Document, path: Path, *, unmask: bool = False) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(document, unmask=unmask), encoding="utf-8")
    except OSError as exc:
        raise FitgapError(
            say(f"HTML の帳票を書き込めません: {exc.strerror}", f"cannot write the HTML report: {exc.strerror}"),
            where=path,
        ) from None
    return path
