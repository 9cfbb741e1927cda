"""A bar chart of the dimensions as inline SVG, for what a radar draws badly: two
dimensions (a radar of two axes is a sliver over a blank page) or a scale other than the
method's 1..5 (a radar's rings read as 1..5). Pure Python, no script, no external asset.

One row per dimension, its label on the left and its own axis under it; one bar per
series (the baseline dashed above the evaluation's), from the scale's bottom to the score,
along lines marked at each point of the scale. Labels are user-visible text, escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from adapters.reports.radar import Series

WIDTH = 560
LEFT, RIGHT = 200.0, 530.0
"""Where the scale's bottom and top sit: room on the left for the labels."""
TOP = 24.0
ROW = 36.0
BAR = 12.0

_STYLE = {
    "now": 'fill="#2563eb" fill-opacity="0.8" stroke="#1d4ed8"',
    "baseline": 'fill="#9ca3af" fill-opacity="0.5" stroke="#4b5563" stroke-dasharray="4 2"',
}


def x_of(value: float, low: int, high: int) -> float:
    """Where ``value`` sits on a ``low..high`` scale, clamped to it."""
    share = (max(low, min(value, high)) - low) / (high - low)
    return round(LEFT + (RIGHT - LEFT) * share, 2)


def bars_svg(
    labels: Sequence[str], series: Sequence[Series], low: int, high: int, title: str
) -> str:
    """The chart: a row per label, a bar per series (values in label order; None: none)."""
    height = TOP + ROW * len(labels) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" '
        f'viewBox="0 0 {WIDTH} {height:g}" width="{WIDTH}" height="{height:g}">',
        f"<title>{escape(title)}</title>",
    ]
    bottom = TOP + ROW * len(labels)
    for point in range(low, high + 1):
        x = x_of(point, low, high)
        parts.append(
            f'<line class="tick" x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{bottom:g}" '
            'stroke="#e5e7eb"/>'
            f'<text x="{x}" y="{bottom + 16:g}" text-anchor="middle" font-size="11">{point}</text>'
        )
    for row, label in enumerate(labels):
        y = TOP + ROW * row
        parts.append(
            f'<text class="label" x="{LEFT - 8}" y="{y + ROW / 2:g}" text-anchor="end" '
            f'font-size="12" dominant-baseline="middle">{escape(label)}</text>'
        )
        axis_y = y + ROW / 2 + BAR * len(series) / 2
        parts.append(  # each dimension's own axis, low..high, as the radar has one per dimension
            f'<line class="axis" x1="{LEFT}" y1="{axis_y:g}" x2="{RIGHT}" y2="{axis_y:g}" '
            'stroke="#9ca3af"/>'
        )
        for n, s in enumerate(series):
            value = s.values[row] if row < len(s.values) else None
            if value is None:
                continue
            top = y + ROW / 2 - BAR * len(series) / 2 + BAR * n
            width = round(x_of(value, low, high) - LEFT, 2)
            parts.append(
                f'<rect class="bar {escape(s.css)}" data-series="{escape(s.name)}" '
                f'x="{LEFT}" y="{top:g}" width="{width}" height="{BAR - 2:g}" '
                f"{_STYLE.get(s.css, _STYLE['now'])}><title>{escape(s.name)}: {value:.2f}"
                "</title></rect>"
            )
    return "".join([*parts, "</svg>"])
