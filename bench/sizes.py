"""How big each measurement is: ``--quick`` (under a minute), the full run, the smoke test."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Sizes:
    name: str
    rounds: int
    """Rounds of launch, signals and end to end; each figure is their median."""
    launch_programmes: int
    signal_programmes: int
    """How many of the programmes launched in a round then receive signals."""
    signals: int
    """K: signals per programme, in the signals and the end-to-end measurements."""
    e2e_programmes: int
    concurrency: int
    """Programmes the driver works on at once (the same for both sides)."""
    memory_counts: tuple[int, ...]
    """Live programmes at which the worker's RSS is read."""
    memory_rounds: int
    """Fresh workers per side; every round reads the first count, the first round all."""
    simulation_rounds: int
    cohort: int
    history_limit: int
    """A small RunSettings.history_limit that makes executive-6m continue as new."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


QUICK = Sizes(
    name="quick",
    rounds=3,
    launch_programmes=50,
    signal_programmes=25,
    signals=10,
    e2e_programmes=25,
    concurrency=25,
    memory_counts=(100, 300),
    memory_rounds=1,
    simulation_rounds=3,
    cohort=10,
    history_limit=100,
)

FULL = Sizes(
    name="full",
    rounds=5,
    launch_programmes=300,
    signal_programmes=100,
    signals=20,
    e2e_programmes=100,
    concurrency=32,
    memory_counts=(1_000, 5_000),
    memory_rounds=3,
    simulation_rounds=5,
    cohort=100,
    history_limit=100,
)

SMOKE = Sizes(
    name="smoke",
    rounds=1,
    launch_programmes=5,
    signal_programmes=5,
    signals=3,
    e2e_programmes=5,
    concurrency=5,
    # Enough that the RSS growth outweighs what the warm-up freed and the worker reuses.
    memory_counts=(50,),
    memory_rounds=1,
    simulation_rounds=1,
    cohort=2,
    history_limit=100,
)
