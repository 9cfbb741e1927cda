"""4. Worker memory per cached programme: RSS growth over N live programmes, divided by N.

Each side gets a fresh worker process (``python -m bench.worker``, with
``max_cached_workflows`` above the largest N, so nothing is evicted). After a
warm-up (a few workflows started and ended, so imports and first-use caches are
paid for), the worker's resident set size is read from ``/proc/<pid>/status``;
then the side's workflows are launched up to each N (each one live: its first
task has run) and the RSS is read again. The bench driver runs in another
process, so its own memory is not counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

from bench.environment import BenchKeys, WorkerProcess
from bench.launch import launch_round, terminate_all
from bench.sides import make_side

WARM_UP = 5
SETTLE = 1.0
"""Seconds to let the worker settle before reading its RSS."""


@dataclass(frozen=True)
class Memory:
    rss_before_kib: int
    rss_kib: dict[int, int]
    """RSS with N programmes cached, by N."""

    def per_programme_kib(self) -> dict[int, float]:
        return {n: (rss - self.rss_before_kib) / n for n, rss in self.rss_kib.items()}


async def memory_round(
    address: str,
    client: Client,
    side_name: str,
    counts: Sequence[int],
    tag: str,
    concurrency: int,
    log_dir: Path,
    keys: BenchKeys,
    pycache: Path | None,
) -> Memory:
    """Launch up to each of ``counts`` live workflows on a fresh worker; RSS at each.

    The programmes are left open when the worker stops: nothing runs them any more,
    and ending thousands of them would only slow the bench down.
    """
    parcours_queue, baseline_queue = f"{tag}-parcours", f"{tag}-baseline"
    worker = WorkerProcess(
        address,
        max_cached=max(counts) + WARM_UP + 100,
        log_dir=log_dir,
        keys=keys,
        parcours_queue=parcours_queue,
        baseline_queue=baseline_queue,
        pycache=pycache,
    )
    async with worker:
        side = make_side(
            side_name, client, parcours_queue=parcours_queue, baseline_queue=baseline_queue
        )
        warm = await launch_round(side, f"{tag}-warm", WARM_UP, concurrency)
        await terminate_all(side, warm.workflow_ids, concurrency)
        await asyncio.sleep(SETTLE)
        before = worker.rss_kib()
        rss: dict[int, int] = {}
        launched: list[str] = []
        for count in sorted(counts):
            more = await launch_round(side, f"{tag}-{count}", count - len(launched), concurrency)
            launched += more.workflow_ids
            await asyncio.sleep(SETTLE)
            rss[count] = worker.rss_kib()
    return Memory(rss_before_kib=before, rss_kib=rss)
