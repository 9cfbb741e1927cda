"""The radar chart's geometry: each score on its own axis, scaled to the scale's top."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.reports.radar import CX, CY, RADIUS, Series, angle, point, points, radar_svg


def polar(x: float, y: float) -> tuple[float, float]:
    """Distance from the centre and angle (radians, clockwise from the top)."""
    dx, dy = x - CX, y - CY
    return math.hypot(dx, dy), math.atan2(dx, -dy) % (2 * math.pi)


def test_the_first_axis_points_up_and_the_others_go_clockwise() -> None:
    assert point(0, 5, 5, 5) == (CX, CY - RADIUS)
    x, y = point(1, 4, 5, 5)  # a quarter turn: to the right
    assert (round(x, 6), round(y, 6)) == (CX + RADIUS, CY)
    assert point(2, 4, 5, 5)[1] == pytest.approx(CY + RADIUS)


@given(
    st.lists(st.floats(min_value=0, max_value=5), min_size=3, max_size=7),
    st.integers(min_value=1, max_value=10),
)
def test_each_point_is_on_its_axis_at_its_share_of_the_radius(
    values: list[float], scale: int
) -> None:
    values = [min(v, scale) for v in values]
    for i, (x, y) in enumerate(points(values, scale)):
        distance, bearing = polar(x, y)
        assert distance == pytest.approx(RADIUS * values[i] / scale, abs=0.02)
        if distance > 0.5:
            expected = (angle(i, len(values)) + math.pi / 2) % (2 * math.pi)
            gap = abs(bearing - expected)
            assert min(gap, 2 * math.pi - gap) < 0.01


def test_two_dimensions_are_a_quarter_turn_apart_and_close_through_the_centre() -> None:
    (x0, y0), (x1, y1), centre = points([5, 2.5], 5)
    assert centre == (CX, CY)
    assert polar(x0, y0)[0] == pytest.approx(RADIUS, abs=0.02)
    assert polar(x1, y1)[0] == pytest.approx(RADIUS / 2, abs=0.02)
    assert (x0 < CX < x1, y0 < CY, y1 < CY) == (True, True, True)  # up-left, up-right
    assert (x0 - CX) * (x1 - CX) + (y0 - CY) * (y1 - CY) == pytest.approx(0, abs=0.05)


def test_scores_beyond_the_scale_stay_on_the_outer_ring_and_none_sits_at_the_centre() -> None:
    assert point(0, 3, 9, 5) == point(0, 3, 5, 5)
    assert points([None, None, None], 5) == [(CX, CY)] * 3


def test_the_svg_draws_each_series_with_those_points_and_escapes_its_labels() -> None:
    svg = radar_svg(
        ["<b>Forces</b>", "Talents", "Motivation"],
        [Series("Initiale", [2, 3, 4], "baseline"), Series("Maintenant & après", [3, 4, 5], "now")],
        5,
        "Dimensions",
    )
    drawn = re.findall(r'class="series (\w+)"[^>]*points="([^"]+)"', svg)
    assert [css for css, _ in drawn] == ["baseline", "now"]
    now = [tuple(float(c) for c in p.split(",")) for p in drawn[1][1].split()]
    assert now == points([3, 4, 5], 5)
    assert "&lt;b&gt;Forces&lt;/b&gt;" in svg
    assert "<b>" not in svg
    assert "Maintenant &amp; après" in svg
    assert svg.count('class="ring"') == 5  # one ring per score
    assert "<script" not in svg
    assert "href" not in svg
