"""How big each measurement is: ``--quick`` (under three minutes), the full run, the smoke test."""

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
    api_rounds: int
    """Rounds of the API's latencies, the history reader and the cohort launch."""
    api_requests: int
    """Requests per side and round for each API latency (view, feedback)."""
    api_programmes: int
    """Programmes the API's requests are spread over."""
    history_reads: int
    """Reads per side and round of a programme that continued as new 5 times."""
    cohort_size: int
    """Participants of one ``POST /v1/cohorts``; the raw side starts as many."""
    cohort_rounds: int
    growth_levels: tuple[int, ...]
    """Running programmes at which launch rate, signal latency and RSS are read."""
    growth_cache: int
    """The growth worker's ``max_cached_workflows``: below the largest level."""
    growth_launches: int
    """Launches timed at each level (the last ones of the climb to it)."""
    growth_signals: int
    """Signals timed at each level, one at a time, each to a random running programme."""
    cli_runs: int
    """Fresh interpreters per CLI measure; the median is kept."""

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
    api_rounds=3,
    api_requests=60,
    api_programmes=20,
    history_reads=8,
    cohort_size=100,
    cohort_rounds=3,
    growth_levels=(50, 150, 500),
    growth_cache=150,
    growth_launches=50,
    growth_signals=40,
    cli_runs=5,
)

FULL = Sizes(
    name="full",
    rounds=5,
    launch_programmes=300,
    signal_programmes=100,
    signals=20,
    e2e_programmes=100,
    concurrency=32,
    memory_counts=(1_000, 3_000),
    memory_rounds=3,
    simulation_rounds=5,
    cohort=100,
    history_limit=100,
    api_rounds=5,
    api_requests=200,
    api_programmes=80,
    history_reads=20,
    cohort_size=1_000,
    cohort_rounds=3,
    growth_levels=(100, 1_000, 10_000, 50_000),
    growth_cache=1_000,
    growth_launches=100,
    growth_signals=200,
    cli_runs=9,
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
    api_rounds=1,
    api_requests=4,
    api_programmes=2,
    history_reads=2,
    cohort_size=5,
    cohort_rounds=1,
    growth_levels=(15, 30),
    growth_cache=20,
    growth_launches=5,
    growth_signals=4,
    cli_runs=1,
)
