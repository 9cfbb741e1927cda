"""1. Launch: programmes launched per second vs raw ``start_workflow`` per second.

A workflow counts as launched once the start call returned *and* the worker has
run its first workflow task: a cheap query with a string argument (parcours:
``receipt``; baseline: ``has``) has been answered. For parcours the start is
``ProgrammeClient.launch`` (the template snapshot, search attributes, summary)
of an executive-6m programme; for the baseline a plain ``start_workflow``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.pool import each
from bench.sides import Side


@dataclass(frozen=True)
class Launched:
    per_second: float
    seconds: float
    workflow_ids: list[str]


async def launch_round(side: Side, tag: str, count: int, concurrency: int) -> Launched:
    """Launch ``count`` open-ended workflows, ``concurrency`` at a time."""

    async def one(i: int) -> str:
        workflow_id = await side.start(f"{tag}-{i:05d}", None)
        await side.live(workflow_id)
        return workflow_id

    began = time.perf_counter()
    ids = await each(range(count), concurrency, one)
    seconds = time.perf_counter() - began
    return Launched(per_second=count / seconds, seconds=seconds, workflow_ids=ids)


async def terminate_all(side: Side, workflow_ids: list[str], concurrency: int) -> None:
    """End a round's open workflows, so the next round starts from an empty cache."""
    await each(workflow_ids, concurrency, side.terminate)
