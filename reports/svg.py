"""Inline SVG bar charts for the self-contained HTML reports (no script, no external resource)."""

from __future__ import annotations

from html import escape

from reports.tables import Chart

PALETTE = ("#1f4e78", "#c00000", "#ed7d31", "#70ad47", "#7f6000", "#5b9bd5", "#a5a5a5", "#264478", "#9e480e")


def bar_chart(chart: Chart, width: int = 760, height: int = 300) -> str:
    """An SVG bar chart (clustered or stacked), with axis, labels and a legend."""
    left, right, top, bottom = 48, 12, 28, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(chart.categories), 1)
    totals = [
        sum(s.values[i] for s in chart.series) if chart.stacked else max((s.values[i] for s in chart.series), default=0)
        for i in range(len(chart.categories))
    ]
    peak = max([*totals, 1.0])
    step = plot_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(chart.title)}" class="chart">',
        f'<text x="{left}" y="16" class="chart-title">{escape(chart.title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
    ]
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{value:g}</text>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
    for i, category in enumerate(chart.categories):
        x0 = left + i * step + step * 0.15
        bar_w = step * 0.7 / (1 if chart.stacked else max(len(chart.series), 1))
        base = 0.0
        for s, series in enumerate(chart.series):
            value = series.values[i]
            h = plot_h * value / peak
            x = x0 if chart.stacked else x0 + s * bar_w
            y = top + plot_h - h - (plot_h * base / peak if chart.stacked else 0)
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(category)} — {escape(series.name)}: {value:g}</title></rect>"
            )
            if chart.stacked:
                base += value
        parts.append(
            f'<text x="{left + i * step + step / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
            f'class="tick">{escape(category)}</text>'
        )
    # The legend wraps onto as many rows as it needs; the picture grows to hold them.
    x, legend_y = left, top + plot_h + 34
    for s, series in enumerate(chart.series):
        item = 24 + 7 * len(series.name) + 7 * sum(1 for ch in series.name if ord(ch) > 0x2E80)
        if x + item > width and x > left:
            x, legend_y = left, legend_y + 16
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}" class="tick">{escape(series.name)}</text>')
        x += item
    parts.append("</svg>")
    total_height = max(height, legend_y + 10)
    parts[0] = parts[0].replace(f"0 0 {width} {height}", f"0 0 {width} {total_height}")
    return "".join(parts)
