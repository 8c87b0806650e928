"""Inline SVG charts for the self-contained HTML reports (pure SVG: no script, no external resource).

Colours carry meaning (:mod:`reports.palette`): a series or a category is drawn in the colour the producer gave
it, the same in every report. Only what has no colour falls back to a neutral palette of blues and greys, which
says nothing good or bad.
"""

from __future__ import annotations

import math
import re
from html import escape

from reports.palette import THRESHOLD_COLOUR
from reports.tables import Chart

NEUTRAL = ("#1f4e78", "#5b9bd5", "#7f7f7f", "#264478", "#a5a5a5", "#9dc3e6", "#404040", "#bdd7ee")
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 28, 64


def chart_svg(chart: Chart, width: int = 760, height: int = 300) -> str:
    """The chart as SVG, by its kind: bars or a trend line."""
    return line_chart(chart, width, height) if chart.kind == "line" else bar_chart(chart, width, height)


def _colour(value: str | None) -> str | None:
    """``#rrggbb`` from the palette's ``RRGGBB`` (anything else is ignored, so no text reaches an attribute)."""
    match = _HEX.fullmatch(value or "")
    return f"#{match.group(1).upper()}" if match else None


def _series_colour(chart: Chart, index: int) -> str:
    return _colour(chart.series[index].colour) or NEUTRAL[index % len(NEUTRAL)]


def _scale(peak: float) -> tuple[float, float]:
    """A round top for the y axis and its step (four or five ticks of 1, 2, 2.5 or 5 × 10ⁿ)."""
    if peak <= 0:
        return 1.0, 0.25
    raw = peak / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(peak / step - 1e-9), step


def _text_width(text: str) -> int:
    """About how wide a tick label is, in pixels (a wide character counts twice)."""
    return 7 * len(text) + 7 * sum(1 for ch in text if ord(ch) > 0x2E80)


def _frame(chart: Chart, width: int, height: int, peak: float) -> tuple[list[str], float]:
    """The picture's opening, title, y axis with ticks and grid; returns the parts and the axis top."""
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    top_value, step = _scale(peak)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(chart.title)}" class="chart">',
        f'<text x="{_LEFT}" y="16" class="chart-title">{escape(chart.title)}</text>',
    ]
    if chart.y_title:
        parts.append(
            f'<text x="12" y="{_TOP + plot_h / 2:.1f}" transform="rotate(-90 12 {_TOP + plot_h / 2:.1f})" '
            f'text-anchor="middle" class="tick">{escape(chart.y_title)}</text>'
        )
    ticks = round(top_value / step)
    for tick in range(ticks + 1):
        value = step * tick
        y = _TOP + plot_h - plot_h * value / top_value
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{value:g}</text>')
        parts.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + plot_w}" y2="{y:.1f}" stroke="#e6e6e6"/>')
    parts.append(f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}" stroke="#888"/>')
    parts.append(f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_LEFT + plot_w}" y2="{_TOP + plot_h}" stroke="#888"/>')
    return parts, top_value


def _category_labels(chart: Chart, width: int, height: int, centre: list[float]) -> list[str]:
    """The category labels under the axis; when they would overlap, every n-th only (from the first)."""
    n = len(chart.categories)
    if not n:
        return []
    room = (width - _LEFT - _RIGHT) / n
    widest = max(_text_width(c) for c in chart.categories) + 8
    every = max(1, math.ceil(widest / room))
    y = height - _BOTTOM + 14
    return [
        f'<text x="{centre[i]:.1f}" y="{y}" text-anchor="middle" class="tick">{escape(category)}</text>'
        for i, category in enumerate(chart.categories)
        if i % every == 0
    ]


def _threshold(chart: Chart, width: int, height: int, top_value: float) -> list[str]:
    """The threshold as a dashed line across the plot, labelled at its right end."""
    if chart.threshold is None:
        return []
    plot_h = height - _TOP - _BOTTOM
    y = _TOP + plot_h - plot_h * chart.threshold / top_value
    label = chart.threshold_label or f"{chart.threshold:g}"
    return [
        f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{width - _RIGHT}" y2="{y:.1f}" stroke="#{THRESHOLD_COLOUR}" '
        f'stroke-width="1.5" stroke-dasharray="6 4" class="threshold"/>',
        # A white halo keeps the label readable over the bars it crosses.
        f'<text x="{width - _RIGHT - 2}" y="{y - 5:.1f}" text-anchor="end" font-size="11" stroke="#fff" '
        f'stroke-width="3" paint-order="stroke" style="fill: #{THRESHOLD_COLOUR}" class="threshold-label">'
        f"{escape(label)}</text>",
    ]


def _legend(chart: Chart, parts: list[str], width: int, height: int, *, swatches: bool = True) -> None:
    """The legend under the labels; it wraps onto as many rows as it needs and the picture grows to hold them.
    Without ``swatches`` (bars coloured by category) it names the series without a swatch (one swatch would say a
    wrong colour), then what each category colour means (``category_legend``: GO green, NO-GO red).
    """
    entries = [(series.name, _series_colour(chart, s) if swatches else None) for s, series in enumerate(chart.series)]
    if not swatches:
        entries += [(label, _colour(colour)) for label, colour in chart.category_legend]
    x, legend_y = _LEFT, height - _BOTTOM + 34
    for name, colour in entries:
        item = 24 + _text_width(name)
        if x + item > width and x > _LEFT:
            x, legend_y = _LEFT, legend_y + 16
        if colour is not None:
            parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}" class="swatch"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}" class="tick">{escape(name)}</text>')
        x += item
    parts.append("</svg>")
    total_height = max(height, legend_y + 10)
    parts[0] = parts[0].replace(f"0 0 {width} {height}", f"0 0 {width} {total_height}")


def bar_chart(chart: Chart, width: int = 760, height: int = 300) -> str:
    """An SVG bar chart (clustered or stacked), with axis, labels, the threshold and a legend.

    A chart of one series with ``category_colours`` colours each bar by its category (GO green, NO-GO red)."""
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    n = max(len(chart.categories), 1)
    totals = [
        sum(s.values[i] for s in chart.series) if chart.stacked else max((s.values[i] for s in chart.series), default=0)
        for i in range(len(chart.categories))
    ]
    parts, top_value = _frame(chart, width, height, max([*totals, chart.threshold or 0.0, 0.0]))
    step = plot_w / n
    by_category = len(chart.series) == 1 and bool(chart.category_colours)
    for i, category in enumerate(chart.categories):
        x0 = _LEFT + i * step + step * 0.15
        bar_w = step * 0.7 / (1 if chart.stacked else max(len(chart.series), 1))
        base = 0.0
        for s, series in enumerate(chart.series):
            value = series.values[i]
            h = plot_h * max(value, 0.0) / top_value
            x = x0 if chart.stacked else x0 + s * bar_w
            y = _TOP + plot_h - h - (plot_h * base / top_value if chart.stacked else 0)
            colour = _series_colour(chart, s)
            if by_category and i < len(chart.category_colours):
                colour = _colour(chart.category_colours[i]) or colour
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(category)} — {escape(series.name)}: {value:g}</title></rect>"
            )
            if chart.stacked:
                base += value
    parts += _category_labels(chart, width, height, [_LEFT + i * step + step / 2 for i in range(n)])
    parts += _threshold(chart, width, height, top_value)
    _legend(chart, parts, width, height, swatches=not by_category)
    return "".join(parts)


def line_chart(chart: Chart, width: int = 760, height: int = 300) -> str:
    """An SVG trend: one line with markers per series over the categories (dates, in order), y axis with ticks,
    the threshold and a legend."""
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    n = len(chart.categories)
    peak = max([*(v for s in chart.series for v in s.values), chart.threshold or 0.0, 0.0])
    parts, top_value = _frame(chart, width, height, peak)
    step = plot_w / max(n, 1)
    xs = [_LEFT + step * (i + 0.5) for i in range(n)]
    for s, series in enumerate(chart.series):
        colour = _series_colour(chart, s)
        points = [(xs[i], _TOP + plot_h - plot_h * max(v, 0.0) / top_value) for i, v in enumerate(series.values[:n])]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, (x, y) in enumerate(points):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(chart.categories[i])} — {escape(series.name)}: {series.values[i]:g}</title></circle>"
            )
    parts += _category_labels(chart, width, height, xs)
    parts += _threshold(chart, width, height, top_value)
    _legend(chart, parts, width, height)
    return "".join(parts)
