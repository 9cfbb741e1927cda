"""A radar chart of the dimensions as inline SVG: pure Python, no script, no external asset.

One axis per dimension, clockwise from the top (two are a quarter-turn apart); a score
``v`` of a scale ``1..max`` sits at ``v / max`` of the radius along its axis (an unscored
dimension at the centre). Rings mark each score; the baseline is drawn dashed under the
evaluation's polygon. Labels are user-visible text, escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 560, 320
"""Wide enough for the labels left and right of the chart."""
CX, CY = WIDTH / 2, HEIGHT / 2
RADIUS = 120.0
MIN_AXES, MAX_AXES = 3, 12
"""What a radar draws well: fewer axes are a sliver, more are unreadable (``bars``)."""


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]
    css: str
    """``now`` or ``baseline``: its colours."""


_STYLE = {
    "now": 'fill="#2563eb" fill-opacity="0.25" stroke="#1d4ed8" stroke-width="2"',
    "baseline": (
        'fill="#9ca3af" fill-opacity="0.15" stroke="#4b5563" stroke-width="1.5" '
        'stroke-dasharray="5 3"'
    ),
}


def angle(i: int, n: int) -> float:
    """Axis ``i`` of ``n``, in radians: the first at the top, then clockwise. Two axes
    would be one line (a polygon of no area), so two are a quarter-turn apart, up-left
    and up-right, and their polygon closes through the centre."""
    if n == 2:
        return -3 * math.pi / 4 + math.pi / 2 * i
    return -math.pi / 2 + 2 * math.pi * i / n


def point(i: int, n: int, value: float, scale: float) -> tuple[float, float]:
    """Where ``value`` sits on axis ``i`` of ``n``: ``value / scale`` of the radius out
    from the centre (``CX``, ``CY``), clamped to ``0..scale``."""
    return _polar(i, n, RADIUS * max(0.0, min(value, scale)) / scale)


def _polar(i: int, n: int, r: float) -> tuple[float, float]:
    a = angle(i, n)
    return (round(CX + r * math.cos(a), 2), round(CY + r * math.sin(a), 2))


def points(values: Sequence[float | None], scale: float) -> list[tuple[float, float]]:
    """A series' polygon: each value on its axis (and the centre, with two axes)."""
    n = len(values)
    drawn = [point(i, n, v or 0.0, scale) for i, v in enumerate(values)]
    return [*drawn, (CX, CY)] if n == 2 else drawn


def radar_svg(axes: Sequence[str], series: Sequence[Series], scale: int, title: str) -> str:
    """The chart: ``axes`` labels, one polygon per series (values in axis order)."""
    n = len(axes)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
        f"<title>{escape(title)}</title>",
    ]
    if n == 0:
        return "".join([*parts, "</svg>"])
    for ring in range(1, scale + 1):
        ring_points = " ".join(f"{x},{y}" for x, y in (point(i, n, ring, scale) for i in range(n)))
        parts.append(
            f'<polygon class="ring" points="{ring_points}" fill="none" stroke="#d1d5db" '
            'stroke-width="1"/>'
        )
    for i, label in enumerate(axes):
        x, y = point(i, n, scale, scale)
        parts.append(f'<line class="axis" x1="{CX}" y1="{CY}" x2="{x}" y2="{y}" stroke="#d1d5db"/>')
        lx, ly = _polar(i, n, RADIUS + 14)  # just beyond the outer ring
        anchor = "middle" if abs(lx - CX) < 1 else ("start" if lx > CX else "end")
        parts.append(
            f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" font-size="12" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
    for s in series:
        drawn = " ".join(f"{x},{y}" for x, y in points(s.values, scale))
        parts.append(
            f'<polygon class="series {escape(s.css)}" data-series="{escape(s.name)}" '
            f'points="{drawn}" {_STYLE.get(s.css, _STYLE["now"])}>'
            f"<title>{escape(s.name)}</title></polygon>"
        )
    return "".join([*parts, "</svg>"])
