"""Exact figures: fractions until display, rounded once, halves away from zero."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import timedelta
from fractions import Fraction

from domain.template import Role


def mean(values: Iterable[Fraction]) -> Fraction:
    """The exact mean (ZeroDivisionError for none): the numerators over the denominators'
    least common multiple, one ``Fraction`` made at the end instead of one (and its gcd)
    per value added; the same value as summing them (``tests/unit/test_exact.py``)."""
    items = list(values)
    common = math.lcm(*(v.denominator for v in items))
    total = sum(v.numerator * (common // v.denominator) for v in items)
    return Fraction(total, common * len(items))


def exact(value: float | Fraction | int) -> Fraction:
    """A figure as an exact fraction: a float as the decimal it prints as (0.1 is 1/10)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _rounded(value: Fraction, scale: int) -> int:
    """``value * scale`` rounded to a whole number, halves away from zero: with n/d the
    value, floor(|n| scale / d + 1/2) is floor((2 |n| scale + d) / 2d), in integers."""
    n, d = value.numerator, value.denominator
    magnitude = (2 * abs(n) * scale + d) // (2 * d)
    return magnitude if n >= 0 else -magnitude


def half_up(value: Fraction, places: int) -> Fraction:
    """``value`` rounded to ``places`` decimals, halves away from zero."""
    scale = 10**places
    return Fraction(_rounded(value, scale), scale)


def display(value: Fraction) -> float:
    """The stored display figure: two decimals, the only rounding there is. An int over
    an int divides correctly rounded, so this is the float of ``half_up(value, 2)``."""
    return _rounded(value, 100) / 100


def opt(value: Fraction | None) -> float | None:
    return None if value is None else display(value)


def num(value: Fraction) -> str:
    return f"{display(value):.2f}"


def signed(value: Fraction) -> str:
    return f"{display(value):+.2f}"


def pct(value: Fraction) -> str:
    return str(int(half_up(value, 0)))


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def ordered(roles: Iterable[Role]) -> tuple[Role, ...]:
    present = set(roles)
    return tuple(role for role in Role if role in present)


def in_role_order(values: Mapping[Role, Fraction]) -> list[tuple[Role, Fraction]]:
    return [(role, values[role]) for role in Role if role in values]
