"""3. End to end: N programmes each receiving K signals through to completion.

Parcours runs ``bench/templates/bench-e2e.yaml`` (second-long deadlines): K-1
peers give feedback, the manager's feedback opens the gate, the stage's
evaluation is one activity, the programme completes. The baseline starts, takes
K signals, runs one activity and completes. The figure is Temporal history
events per second (every event of every workflow, counted after the round, over
the wall time from the first start to the last result); programmes per second
is kept beside it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.pool import each
from bench.sides import Side


@dataclass(frozen=True)
class EndToEnd:
    events_per_second: float
    programmes_per_second: float
    seconds: float
    events: int
    events_per_programme: float


async def end_to_end_round(
    side: Side, tag: str, programmes: int, signals: int, concurrency: int
) -> EndToEnd:
    async def one(i: int) -> str:
        workflow_id = await side.start(f"{tag}-{i:05d}", signals)
        for number in range(signals):
            await side.signal(workflow_id, number, signals, closing=True)
        await side.result(workflow_id)
        return workflow_id

    began = time.perf_counter()
    ids = await each(range(programmes), concurrency, one)
    seconds = time.perf_counter() - began
    events = sum(await each(ids, concurrency, side.history_length))
    return EndToEnd(
        events_per_second=events / seconds,
        programmes_per_second=programmes / seconds,
        seconds=seconds,
        events=events,
        events_per_programme=events / programmes,
    )
