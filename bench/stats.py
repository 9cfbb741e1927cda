"""Figures: the median of several rounds, with min and max.

Ratios are taken round by round (parcours over baseline measured in the same
round, one after the other) so that noise shared by both sides cancels.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    median: float
    min: float
    max: float
    rounds: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Figure:
        if not values:
            raise ValueError("a figure needs at least one round")
        return cls(
            median=float(statistics.median(values)),
            min=float(min(values)),
            max=float(max(values)),
            rounds=tuple(float(v) for v in values),
        )

    @classmethod
    def ratio(cls, numerators: Sequence[float], denominators: Sequence[float]) -> Figure:
        """Round-by-round ratios: round i of one side over round i of the other."""
        if len(numerators) != len(denominators):
            raise ValueError("both sides need the same number of rounds")
        return cls.of([n / d for n, d in zip(numerators, denominators, strict=True)])

    def as_json(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "min": self.min,
            "max": self.max,
            "rounds": list(self.rounds),
        }


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), interpolated between the nearest ranks."""
    if not values:
        raise ValueError("a percentile needs at least one value")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
