"""Exact figures: fractions until display, rounded once, halves away from zero."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from fractions import Fraction

from domain.template import Role


def mean(values: Iterable[Fraction]) -> Fraction:
    items = list(values)
    return Fraction(sum(items, Fraction(0)), len(items))


def exact(value: float | Fraction | int) -> Fraction:
    """A figure as an exact fraction: a float as the decimal it prints as (0.1 is 1/10)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def half_up(value: Fraction, places: int) -> Fraction:
    """``value`` rounded to ``places`` decimals, halves away from zero."""
    scale = 10**places
    magnitude = (abs(value) * scale + Fraction(1, 2)) // 1
    return Fraction(magnitude if value >= 0 else -magnitude, scale)


def display(value: Fraction) -> float:
    """The stored display figure: two decimals, the only rounding there is."""
    rounded = half_up(value, 2)
    return rounded.numerator / rounded.denominator


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
