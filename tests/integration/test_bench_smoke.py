"""The benchmark harness runs end to end at tiny sizes and writes its JSON.

Only that it runs and reports numbers is checked here: speed is measured by the
benchmark itself, as ratios against a baseline, never asserted in a test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from bench import start_options
from bench.__main__ import bench
from bench.report import table
from bench.sizes import SMOKE
from tests.support import free_port

HEADLINE = (
    "launch_ratio",
    "signal_ratio",
    "end_to_end_ratio",
    "memory_ratio",
    "api_view_ratio",
    "api_feedback_ratio",
    "history_ratio",
    "cohort_ratio",
    "growth_launch_ratio",
    "growth_signal_p50_ratio",
    "growth_rss_past_cache_ratio",
    "growth_rss_step_ratio",
    "memory_per_programme_kib",
    "simulation_seconds_executive_6m",
    "cli_help_seconds",
    "cli_help_ratio",
    "cli_command_seconds",
    "cli_temporal_ratio",
)
REPORTED = ("growth_rss_past_cache_ratio",)
"""Headline keys without a target: in the JSON and the table, never judged."""


def _positive_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


async def test_the_bench_runs_at_tiny_sizes_and_writes_its_figures(tmp_path: Path) -> None:
    results, path = await bench(SMOKE, results_dir=tmp_path, server_port=free_port())

    assert path.parent == tmp_path
    written = json.loads(path.read_text())
    assert written == json.loads(json.dumps(results))
    for key in HEADLINE:
        assert _positive_number(written[key]), (key, written[key])
    figures = written["figures"]
    for measure in ("launch", "signals", "end_to_end"):
        ratio = figures[measure]["ratio"]
        assert ratio["min"] <= ratio["median"] <= ratio["max"]
        assert len(ratio["rounds"]) == SMOKE.rounds
    assert _positive_number(figures["memory"]["baseline"][str(SMOKE.memory_counts[0])]["median"])
    api = figures["api"]
    assert api["history_reader"]["runs"] == 6
    assert api["cohort"]["size"] == SMOKE.cohort_size
    growth = figures["growth"]
    assert [level["running"] for level in growth["levels"]] == list(SMOKE.growth_levels)
    raw = growth["baseline_levels"]
    assert [level["running"] for level in raw] == list(SMOKE.growth_levels)
    assert all(_positive_number(level["rss_mib"]) for level in raw), raw
    assert _positive_number(growth["baseline_rss_past_cache_ratio"])
    assert written["growth_rss_step_ratio"] == (
        growth["rss_past_cache_ratio"] / growth["baseline_rss_past_cache_ratio"]
    )
    assert written["targets"]["growth_rss_step_ratio"]["target"] == "<= 1.2"
    history = written["history"]
    assert history["events_per_programme"] > 0
    assert history["bounded"]["runs"] >= 1
    assert set(written["targets"]) == set(HEADLINE) - set(REPORTED)
    shown = table(written)
    assert "Launch" in shown
    assert "RSS step past the cache / the baseline's" in shown


async def test_the_start_options_comparison_runs_and_reports_both_kinds() -> None:
    found = await start_options.measure(size=10, rounds=1, port=free_port())

    for kind in ("plain", "listed"):
        assert _positive_number(found[kind]["per_second"]["median"]), kind
        for cpu in ("server_ms", "driver_ms"):  # ten starts can take under a clock tick
            median = found[kind][cpu]["median"]
            assert _positive_number(median) or median == 0, (kind, cpu, median)
    assert _positive_number(found["ratio"]["median"])
