"""``domain.exact`` in integers gives what it gave in fractions: the mean, the rounding
half away from zero and the display figure, against the definitions they replaced
(fifth round of ``bench/README.md``: one ``Fraction`` per result, not one per step)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import exact

fractions = st.fractions(max_denominator=10**6, min_value=-(10**4), max_value=10**4)


def mean_by_sum(values: list[Fraction]) -> Fraction:
    return Fraction(sum(values, Fraction(0)), len(values))


def half_up_by_fractions(value: Fraction, places: int) -> Fraction:
    scale = 10**places
    magnitude = (abs(value) * scale + Fraction(1, 2)) // 1
    return Fraction(magnitude if value >= 0 else -magnitude, scale)


@given(st.lists(fractions, min_size=1, max_size=30))
def test_the_mean_is_the_sum_over_the_count(values: list[Fraction]) -> None:
    assert exact.mean(values) == mean_by_sum(values)
    assert exact.mean(iter(values)) == mean_by_sum(values)


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=30))
def test_the_mean_takes_whole_scores(values: list[int]) -> None:
    assert exact.mean(Fraction(v) for v in values) == Fraction(sum(values), len(values))


def test_the_mean_of_nothing_is_refused_as_before() -> None:
    with pytest.raises(ZeroDivisionError):
        exact.mean([])


@given(fractions, st.integers(min_value=0, max_value=4))
def test_rounding_half_away_from_zero(value: Fraction, places: int) -> None:
    assert exact.half_up(value, places) == half_up_by_fractions(value, places)


@given(st.integers(min_value=-(10**6), max_value=10**6), st.sampled_from([1, 2, 4, 8, 200]))
def test_halves_and_their_neighbours(hundredths: int, parts: int) -> None:
    """Values on and around every half-hundredth: where rounding can go wrong."""
    for value in (Fraction(2 * hundredths + 1, 200) + Fraction(d, 200 * parts) for d in (-1, 0, 1)):
        assert exact.half_up(value, 2) == half_up_by_fractions(value, 2)
        rounded = half_up_by_fractions(value, 2)
        assert exact.display(value) == rounded.numerator / rounded.denominator


@given(fractions)
def test_the_display_figure_is_the_float_of_the_rounded_value(value: Fraction) -> None:
    rounded = half_up_by_fractions(value, 2)
    assert exact.display(value) == rounded.numerator / rounded.denominator


def test_known_figures() -> None:
    assert exact.display(Fraction(5, 2)) == 2.5
    assert exact.display(Fraction(1, 200)) == 0.01
    assert exact.display(Fraction(-1, 200)) == -0.01
    assert exact.display(Fraction(-1, 1000)) == 0.0
    assert exact.half_up(Fraction(7, 3), 0) == 2
    assert exact.pct(Fraction(1, 2)) == "1"
