"""Masking personal data in every output (on by default): reports, terminal, ``--json``, run records,
quarantine values and rule texts, messages and findings.

The rule, by flag and by value:

- By the item's flag. identifier (個人番号, 住民票コード): only the last 4 characters show: ``********9018``.
  personal (names, birth dates, addresses): the first character shows, the rest is ``＊``.
- By value, whatever the flag, and in free text (messages, rule texts, notes, keys, codes, file names): any
  check-digit-valid 12-digit 個人番号 is masked where it stands, like an identifier (``********9018``, the text
  around it kept). Full-width digits and groups of four (``1234 5678 9018``, ``1234-5678-9018``) count too; a
  digit run that is part of a longer number or of a word (13 digits or more, a hex digest) is no 個人番号.
- A reason or rule text never quotes the value it is about: it names the rule ("the date is outside 平成
  (1989-01-08 – 2019-04-30)"), and the value goes, masked, where values go.
- The renderers (Excel, HTML, terminal) mask every text they draw by value as well; exports (``convert
  export``) are the data itself and are written as is.

``--unmask`` (explicit, per command, with a warning) turns both off for authorised users.
"""

from __future__ import annotations

import re

from reports.tables import Cell, Chart, Document, Summary, Table
from spec_catalog.checkdigits import is_valid_my_number
from spec_catalog.models import BusinessSpec
from spec_catalog.vocab import Sensitivity

MASK = "*"
WIDE_MASK = "＊"

_DIGIT = "[0-9０-９]"
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Three views of a 12-digit number; together they find every one the masking scan (tests/pii_scan.py) finds:
# ASCII digits next to no ASCII letter or digit (the scan's own view), any-width digits next to no digit of
# either width, and groups of four with one separator.
_NUMBERS = (
    re.compile(r"(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])"),
    re.compile(rf"(?<![0-9０-９A-Za-z]){_DIGIT}{{12}}(?![0-9０-９A-Za-z])"),
    re.compile(rf"(?<![0-9０-９A-Za-z]){_DIGIT}{{4}}([ \-　－]){_DIGIT}{{4}}\1{_DIGIT}{{4}}(?![0-9０-９A-Za-z])"),
)
_FOUR_DIGITS = re.compile(rf"{_DIGIT}{{4}}")  # no text without four digits in a row holds a number


def _my_number_spans(text: str) -> list[tuple[int, int]]:
    spans = set()
    for pattern in _NUMBERS:
        for match in pattern.finditer(text):
            digits = "".join(ch for ch in match.group(0) if ch.isdigit()).translate(_WIDE_DIGITS)
            if is_valid_my_number(digits):
                spans.add(match.span())
    return sorted(spans)


def mask_text(text: str | None, *, unmask: bool = False) -> str | None:
    """Free text with every check-digit-valid 個人番号 in it masked (all digits but the last four)."""
    if text is None or unmask or not _FOUR_DIGITS.search(text):
        return text
    spans = _my_number_spans(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        digits = [i for i in range(start, end) if chars[i].isdigit() or chars[i] in (MASK, WIDE_MASK)]
        for i in digits[:-4]:
            chars[i] = MASK if chars[i].isascii() else WIDE_MASK
    return "".join(chars)


def mask(value: str | None, sensitivity: Sensitivity, *, unmask: bool = False) -> str | None:
    """A value of an item as every output shows it: masked by the item's flag, and by value (module docstring)."""
    if value is None or unmask:
        return value
    if sensitivity is Sensitivity.IDENTIFIER:
        return MASK * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else MASK * len(value)
    if sensitivity is Sensitivity.PERSONAL:
        return value[:1] + WIDE_MASK * max(len(value) - 1, 0)
    return mask_text(value)


def mask_cell(value: Cell, *, unmask: bool = False) -> Cell:
    """A report cell masked by value: text, and a whole number that is a 個人番号 (it becomes text)."""
    if isinstance(value, str):
        return mask_text(value, unmask=unmask)
    if isinstance(value, int) and not isinstance(value, bool) and not unmask and 10**11 <= value < 10**12:
        return mask_text(str(value))
    return value


def masked_table(table: Table, *, unmask: bool = False) -> Table:
    """The table with every text in it masked by value (for the renderers)."""
    if unmask:
        return table
    return table.model_copy(
        update={
            "title": mask_text(table.title),
            "sheet": mask_text(table.sheet),
            "note": mask_text(table.note),
            "columns": tuple(c.model_copy(update={"header": mask_text(c.header)}) for c in table.columns),
            "rows": tuple(tuple(mask_cell(v) for v in row) for row in table.rows),
        }
    )


def _masked_chart(chart: Chart) -> Chart:
    return chart.model_copy(
        update={
            "title": mask_text(chart.title),
            "categories": tuple(mask_text(c) or "" for c in chart.categories),
            "series": tuple(s.model_copy(update={"name": mask_text(s.name)}) for s in chart.series),
            "y_title": mask_text(chart.y_title),
            "threshold_label": mask_text(chart.threshold_label),
            "category_legend": tuple((mask_text(label) or "", colour) for label, colour in chart.category_legend),
        }
    )


def _masked_summary(summary: Summary) -> Summary:
    return summary.model_copy(
        update={
            "title": mask_text(summary.title),
            "verdict": mask_text(summary.verdict),
            "kpis": tuple(
                k.model_copy(update={"label": mask_text(k.label), "value": mask_cell(k.value)}) for k in summary.kpis
            ),
            "top": masked_table(summary.top) if summary.top else None,
            "actions": tuple(mask_text(a) or "" for a in summary.actions),
        }
    )


def masked_document(document: Document, *, unmask: bool = False) -> Document:
    """The document with every text in it masked by value (for the renderers)."""
    if unmask:
        return document
    return document.model_copy(
        update={
            "title": mask_text(document.title),
            "note": mask_text(document.note),
            "facts": tuple((mask_text(k) or "", mask_cell(v)) for k, v in document.facts),
            "tables": tuple(masked_table(t) for t in document.tables),
            "charts": tuple(_masked_chart(c) for c in document.charts),
            "municipality": mask_text(document.municipality),
            "summary": _masked_summary(document.summary) if document.summary else None,
        }
    )


def masked_samples(spec: BusinessSpec) -> BusinessSpec:
    """The business with the sample values of identifier items (個人番号 …) masked: a catalog printed or
    exported is an output like any other, and a spec's sample can look like a real number."""
    layouts = tuple(
        group.model_copy(
            update={
                "items": tuple(
                    item.model_copy(update={"sample": mask(item.sample, item.sensitivity)})
                    if item.sensitivity is Sensitivity.IDENTIFIER
                    else item
                    for item in group.items
                )
            }
        )
        for group in spec.layouts
    )
    return spec.model_copy(update={"layouts": layouts})
