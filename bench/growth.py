"""8. Growth: launch rate, signal latency and worker RSS as running programmes add up.

A fresh worker process whose cache is bounded (``max_cached_workflows`` below the
largest level, as in production) hosts parcours alone. Programmes are launched
(each live) up to each level, and at each level:

- **launch rate**: the last ``growth_launches`` launches of the climb to it, timed;
- **signal latency**: ``growth_signals`` feedback signals, one at a time, each to a
  programme picked at random among all running ones, timed from the signal until
  the programme's receipt says applied. Past the cache's size most picks are not
  cached, and the worker must replay the programme's history first;
- **worker RSS** (``/proc/<pid>/status``), after a short settle.

Rates are compared with the smallest level's (a ratio per level) and RSS at the
largest level with RSS at the level nearest the cache's size: past it, RSS should
stay where it was.

Then a second fresh worker process, with the same cache and settings, hosts the
baseline alone, and its raw workflows are launched (each live, the same way, no
signals) up to the same levels, its RSS read at each after the same settle. The
SDK's worker itself keeps more once it has evicted workflows, whatever they run, so
parcours's step past the cache is read against the baseline's
(``rss_step_vs_baseline``).
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from pathlib import Path
from typing import Any

from temporalio.client import Client

from bench.environment import BenchKeys, WorkerProcess
from bench.launch import Launched, launch_round
from bench.sides import APPLY_TIMEOUT, PEERS, SCORED, Baseline, Parcours, Side
from bench.sizes import Sizes
from bench.stats import percentile
from domain.commands import GiveFeedback
from domain.template import Role
from workflows.programme import ProgrammeWorkflow

Json = dict[str, Any]
WARM_UP = 10
SETTLE = 0.5


async def feedback_latency(parcours: Parcours, programme_id: str, key: str) -> float:
    """Seconds from sending one feedback signal until the programme applied it."""
    handle = parcours.client.get_workflow_handle_for(ProgrammeWorkflow.run, programme_id)
    began = time.perf_counter()
    await handle.signal(
        "give_feedback",
        GiveFeedback(
            key=key,
            role=Role.peer,
            rater_id=f"R{zlib.crc32(key.encode()) % PEERS}",
            scores=dict.fromkeys(SCORED, 3),
        ),
    )
    delay = 0.002
    async with asyncio.timeout(APPLY_TIMEOUT):
        while True:
            receipt = await handle.query(ProgrammeWorkflow.receipt, key)
            if receipt.outcome == "applied":
                return time.perf_counter() - began
            if receipt.outcome == "rejected":
                raise RuntimeError(f"{programme_id} refused {key}: {receipt.reason}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)


async def climb_to(
    side: Side, prefix: str, level: int, running: list[str], sizes: Sizes
) -> Launched:
    """Launch up to ``level`` running (appended to ``running``); the last
    ``sizes.growth_launches`` of them timed, their round returned."""
    timed = min(sizes.growth_launches, level - len(running))
    if timed < 1:
        raise ValueError(f"growth level {level}: already {len(running)} running")
    climb = level - len(running) - timed
    if climb > 0:
        more = await launch_round(side, f"{prefix}c", climb, sizes.concurrency)
        running += more.workflow_ids
    launched = await launch_round(side, f"{prefix}t", timed, sizes.concurrency)
    running += launched.workflow_ids
    return launched


def _at_cache(levels: list[Json], cache: int) -> Json:
    """The level nearest the cache's size."""
    return min(levels, key=lambda read: abs(read["running"] - cache))


async def baseline_growth(
    address: str,
    client: Client,
    sizes: Sizes,
    tag: str,
    log_dir: Path,
    keys: BenchKeys,
    pycache: Path | None,
) -> tuple[float, list[Json]]:
    """The baseline's climb: its RSS (KiB) after the warm-up, and each level's read.

    A fresh worker, the same cache and settings as parcours's, the same warm-up, the
    same launches per level (each live, ``launch_round``, the same concurrency) and
    the same settle before each read; no signals.
    """
    queue = f"{tag}-growth-raw"
    worker = WorkerProcess(
        address,
        max_cached=sizes.growth_cache,
        log_dir=log_dir,
        keys=keys,
        parcours_queue=f"{tag}-growth-raw-parcours",
        baseline_queue=queue,
        pycache=pycache,
    )
    levels: list[Json] = []
    async with worker:
        baseline = Baseline(client, queue)
        warm = await launch_round(
            baseline, f"{tag}-bgw", min(WARM_UP, min(sizes.growth_levels) // 2), sizes.concurrency
        )
        running = warm.workflow_ids
        await asyncio.sleep(SETTLE)
        rss_start = worker.rss_kib()
        for level in sorted(sizes.growth_levels):
            launched = await climb_to(baseline, f"{tag}-bg{level}", level, running, sizes)
            await asyncio.sleep(SETTLE)
            levels.append(
                {
                    "running": len(running),
                    "launch_per_second": launched.per_second,
                    "launches_timed": len(launched.workflow_ids),
                    "rss_mib": worker.rss_kib() / 1024,
                }
            )
    return rss_start, levels


async def growth(
    address: str,
    client: Client,
    sizes: Sizes,
    tag: str,
    log_dir: Path,
    keys: BenchKeys,
    pycache: Path | None,
) -> Json:
    """Climb through ``sizes.growth_levels`` running programmes; read each level.

    Parcours first, then the baseline on its own fresh worker (``baseline_growth``).
    The workflows are left open when a worker stops, as the memory phase's are.
    """
    queue = f"{tag}-growth-parcours"
    worker = WorkerProcess(
        address,
        max_cached=sizes.growth_cache,
        log_dir=log_dir,
        keys=keys,
        parcours_queue=queue,
        baseline_queue=f"{tag}-growth-baseline",
        pycache=pycache,
    )
    picks = random.Random(19)
    levels: list[Json] = []
    async with worker:
        parcours = Parcours.default(client, queue)
        warm = await launch_round(
            parcours, f"{tag}-gw", min(WARM_UP, min(sizes.growth_levels) // 2), sizes.concurrency
        )
        running = warm.workflow_ids
        await asyncio.sleep(SETTLE)
        rss_start = worker.rss_kib()
        nominated: set[str] = set()
        for level in sorted(sizes.growth_levels):
            launched = await climb_to(parcours, f"{tag}-g{level}", level, running, sizes)
            latencies = []
            for j in range(sizes.growth_signals):
                picked = picks.choice(running)
                if picked not in nominated:  # untimed: who may answer (rules 3)
                    await parcours.nominate(picked)
                    nominated.add(picked)
                key = f"{tag}-g{level}-{j}"
                latencies.append(await feedback_latency(parcours, picked, key))
            await asyncio.sleep(SETTLE)
            levels.append(
                {
                    "running": len(running),
                    "launch_per_second": launched.per_second,
                    "launches_timed": len(launched.workflow_ids),
                    "signal_p50_ms": percentile(latencies, 50) * 1000,
                    "signal_p99_ms": percentile(latencies, 99) * 1000,
                    "signals_timed": len(latencies),
                    "rss_mib": worker.rss_kib() / 1024,
                }
            )
    baseline_start, baseline_levels = await baseline_growth(
        address, client, sizes, tag, log_dir, keys, pycache
    )
    first = levels[0]
    at_cache = _at_cache(levels, sizes.growth_cache)
    last = levels[-1]
    rss_past_cache = last["rss_mib"] / at_cache["rss_mib"]
    baseline_past_cache = (
        baseline_levels[-1]["rss_mib"] / _at_cache(baseline_levels, sizes.growth_cache)["rss_mib"]
    )
    for read in levels:
        read["launch_vs_first"] = read["launch_per_second"] / first["launch_per_second"]
        read["signal_p50_vs_first"] = read["signal_p50_ms"] / first["signal_p50_ms"]
    return {
        "max_cached_workflows": sizes.growth_cache,
        "rss_start_mib": rss_start / 1024,
        "levels": levels,
        "launch_ratio": last["launch_per_second"] / first["launch_per_second"],
        "launch_spread": min(read["launch_vs_first"] for read in levels),
        "signal_p50_ratio": last["signal_p50_ms"] / first["signal_p50_ms"],
        "signal_p99_ratio": last["signal_p99_ms"] / first["signal_p99_ms"],
        "rss_past_cache_ratio": rss_past_cache,
        "baseline_rss_start_mib": baseline_start / 1024,
        "baseline_levels": baseline_levels,
        "baseline_rss_past_cache_ratio": baseline_past_cache,
        "rss_step_vs_baseline": rss_past_cache / baseline_past_cache,
    }
