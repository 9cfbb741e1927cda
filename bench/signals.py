"""2. Signals: feedback signals applied per second vs raw signals per second.

Each of the programmes launched in the round receives K signals, one after the
other; programmes are signalled ``concurrency`` at a time. A programme's K
signals count once the workflow has *applied* them, not when the client call
returned: parcours's ``receipt`` query for the last signal's key says
"applied" (signals to one workflow apply in order), the baseline's ``has``
query says the same of its last ping. Parcours's signals are real ``GiveFeedback``
commands, from nominated peers, on ``bench/templates/bench-open.yaml``'s first stage,
whose gate waits for the manager, who never answers here: the stage stays open, as the
baseline's workflow does, so neither side runs an activity or changes its search
attributes in the round.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.pool import each
from bench.sides import Side


@dataclass(frozen=True)
class Signalled:
    per_second: float
    seconds: float
    signals: int


async def signal_round(
    side: Side, workflow_ids: list[str], signals: int, concurrency: int, *, closing: bool = False
) -> Signalled:
    """``closing``: the workflows were started to complete after these signals
    (``Side.signal``)."""

    async def one(workflow_id: str) -> None:
        for number in range(signals):
            await side.signal(workflow_id, number, signals, closing=closing)
        await side.wait_applied(workflow_id, signals)

    began = time.perf_counter()
    await each(workflow_ids, concurrency, one)
    seconds = time.perf_counter() - began
    total = len(workflow_ids) * signals
    return Signalled(per_second=total / seconds, seconds=seconds, signals=total)
