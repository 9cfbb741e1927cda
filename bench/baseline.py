"""The raw Temporal baseline: start and set one timer, K signals, two activities, complete.

No domain. It does the Temporal operations a programme needs: a programme starts
the timer for its next deadline in its first workflow task, so the baseline starts
one timer there too (a month away: it never fires in a bench round) and keeps it
while it waits, as the programme keeps its deadline timer while the deadline holds.
A programme whose peers answer has them nominated first (an update, rules 3), so the
baseline that receives signals takes a ``nominate`` update first too: the update's
round trip lets the first workflow task run before any signal arrives, on both sides.
A programme that closes runs its stage's evaluation and then archives itself (the
archive's input is its whole log), so the baseline that completes runs two activities
in turn too, the second given every ping it received.

It runs on the same data converter (pydantic), worker settings, sandbox and
task-queue setup as parcours, and its messages are pydantic models of the same
shape as parcours's; what differs is only what parcours adds.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from bench.messages import (
        BaselineArchive,
        BaselineInput,
        BaselineOutcome,
        BaselineReport,
        Nominate,
        Ping,
    )

BASELINE_WORKFLOW = "Baseline"
BASELINE_ACTIVITY = "baseline_record"
BASELINE_ARCHIVE = "baseline_archive"
DEADLINE = timedelta(days=30)
"""When the baseline's one timer fires: never within a bench round."""


@activity.defn(name=BASELINE_ACTIVITY)
async def baseline_record(report: BaselineReport) -> str:
    """The same trivial work as parcours's fake activities."""
    return f"recorded {report.id}"


@activity.defn(name=BASELINE_ARCHIVE)
async def baseline_archive(archived: BaselineArchive) -> str:
    return f"archived {len(archived.pings)} pings"


@workflow.defn(name=BASELINE_WORKFLOW)
class BaselineWorkflow:
    @workflow.init
    def __init__(self, input: BaselineInput) -> None:
        self._expected = input.signals
        self._keys: set[str] = set()
        self._pings: list[Ping] = []
        self._raters: tuple[str, ...] = ()
        self._timer: asyncio.Task[None] | None = None

    @workflow.run
    async def run(self, input: BaselineInput) -> BaselineOutcome:
        # As a programme's deadline timer: started in the first task, kept while waiting.
        self._timer = asyncio.create_task(workflow.sleep(DEADLINE, summary="next deadline"))
        await workflow.wait_condition(lambda: len(self._pings) >= self._expected)
        detail = await workflow.execute_activity(
            BASELINE_ACTIVITY,
            BaselineReport(id=input.id, received=len(self._pings)),
            result_type=str,
            start_to_close_timeout=timedelta(minutes=1),
        )
        await workflow.execute_activity(
            BASELINE_ARCHIVE,
            BaselineArchive(id=input.id, pings=tuple(self._pings)),
            result_type=str,
            start_to_close_timeout=timedelta(minutes=1),
        )
        return BaselineOutcome(id=input.id, received=len(self._pings), detail=detail)

    @workflow.signal(name="ping")
    def ping(self, ping: Ping) -> None:
        self._keys.add(ping.key)
        self._pings.append(ping)

    @workflow.update(name="nominate")
    def nominate(self, nominate: Nominate) -> int:
        self._raters = nominate.raters
        return len(self._raters)

    @workflow.query(name="received")
    def received(self) -> int:
        return len(self._pings)

    @workflow.query(name="has")
    def has(self, key: str) -> bool:
        """Was the signal with this key applied? (as parcours's ``receipt`` query answers)"""
        return key in self._keys
