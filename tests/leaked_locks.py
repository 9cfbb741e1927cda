"""Waiting on the time-skipping test server past the time locks it leaks.

The server locks its time while an activity attempt runs and unlocks it when the worker
reports the attempt. A run that closes (continues as new, completes) under an attempt
in flight refuses that report before the unlock is applied: the lock is never released,
and the server's time then runs at wall-clock speed (temporalio/sdk-java#1138,
``tests/workflows/test_time_skipping_leak``). Programmes that continue as new at times
of their own (the bench's simulation) meet this now and then.

A workflow task leaks its lock the same way: an activity's result that reaches the run
while the task that continues it as new is in flight makes the server schedule another
task after the run closed, and refuse the completion ("workflow execution already
completed") before the unlock is applied. The worker's SDK core warns of that refusal.

Both can be seen: the closed run still lists the attempt among its pending activities,
started and never reported; the refusal is in the core's log, which parcours's runtime
forwards to Python's logging (``watched_runtime`` listens there). ``LeakedLocks`` finds
those on the runs of the programmes it is given and releases each exactly once, so the
server's count of locks is never taken below what live work holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Iterable
from datetime import timedelta
from typing import TypeVar

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.api.testservice.v1 import UnlockTimeSkippingRequest
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.runtime import Runtime
from temporalio.testing import WorkflowEnvironment

from adapters.observability.core_logs import CORE_LOGGER, default_runtime
from tests.support import PATIENCE

T = TypeVar("T")

REFUSED = "Task not found when completing"
"""How the SDK core warns that the server refused a workflow task's completion."""


class RefusedCompletions(logging.Handler):
    """The runs whose workflow task's completion the server refused as their run had
    closed: one entry per refusal."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.runs: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        entry = getattr(record, "temporal_log", None)
        if entry is None or not entry.message.startswith(REFUSED):
            return
        if "already completed" in str(entry.fields.get("error", "")):
            self.runs.append(str(entry.fields.get("run_id", "")))


REFUSALS = RefusedCompletions()


def watched_runtime() -> Runtime:
    """The Temporal runtime whose core warnings reach ``REFUSALS``: parcours's default,
    which forwards them to Python's logging (``adapters.observability.core_logs``)."""
    logger = logging.getLogger(CORE_LOGGER)
    if REFUSALS not in logger.handlers:
        logger.addHandler(REFUSALS)
    return default_runtime()


LOOK_AFTER = timedelta(seconds=5)
"""Wall time a wait may take before the programmes' runs are searched for leaked locks
(a search per programme walks its runs: too slow to do before every skip)."""


class LeakedLocks:
    """The locks closed runs leaked on ``env``'s server, released once each."""

    def __init__(self, env: WorkflowEnvironment) -> None:
        self.env = env
        self.released: set[tuple[str, str, str]] = set()

    async def wait(self, work: Awaitable[T], workflow_ids: Iterable[str]) -> T:
        """``work``'s result; while it waits, the locks leaked by ``workflow_ids``' runs are
        released. ``TimeoutError`` after ``PATIENCE`` without a new leak found."""
        ids = list(workflow_ids)
        task = asyncio.ensure_future(work)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE.total_seconds()
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=LOOK_AFTER.total_seconds())
                if done:
                    failed = task.exception()
                    if failed is not None:
                        failed.add_note(await _shown(self.env.client, ids))
                    return task.result()
                if await self.release(ids):
                    deadline = loop.time() + PATIENCE.total_seconds()
                elif loop.time() > deadline:
                    shown = await _shown(self.env.client, ids)
                    raise TimeoutError(f"no progress in {PATIENCE}, no leaked lock found; {shown}")
        finally:
            task.cancel()

    async def release(self, workflow_ids: Iterable[str]) -> int:
        """Release the locks leaked by ``workflow_ids``' runs not released yet; how many."""
        found: set[tuple[str, str, str]] = set()
        for workflow_id in workflow_ids:
            found |= await leaked(self.env.client, workflow_id)
        new = found - self.released
        for _ in new:
            await self.env.client.test_service.unlock_time_skipping(
                UnlockTimeSkippingRequest(), timeout=PATIENCE
            )
        self.released |= new
        return len(new)


async def runs(client: Client, workflow_id: str) -> AsyncIterator[WorkflowExecutionDescription]:
    """Each run of ``workflow_id`` described, from the latest back through each run's
    predecessor (named by its first event)."""
    run_id: str | None = None
    while True:
        described = await client.get_workflow_handle(workflow_id, run_id=run_id).describe()
        yield described
        run_id = None
        first = client.get_workflow_handle(workflow_id, run_id=described.run_id)
        async for event in first.fetch_history_events(page_size=1):
            started = event.workflow_execution_started_event_attributes
            run_id = started.continued_execution_run_id or None
            break
        if run_id is None:
            return


async def leaked(client: Client, workflow_id: str) -> set[tuple[str, str, str]]:
    """The locks the closed runs of ``workflow_id`` leaked, as (workflow, run, activity id
    or workflow task)."""
    found: set[tuple[str, str, str]] = set()
    async for described in runs(client, workflow_id):
        run_id = described.run_id
        if described.status != WorkflowExecutionStatus.RUNNING:
            for pending in described.raw_description.pending_activities:
                if _in_flight(pending):
                    found.add((workflow_id, run_id, pending.activity_id))
        refused = REFUSALS.runs.count(run_id)
        found |= {(workflow_id, run_id, f"workflow task {n}") for n in range(refused)}
    return found


def _in_flight(pending: PendingActivityInfo) -> bool:
    """An attempt started and not reported (one waiting out a retry's backoff after its
    failure was reported holds no lock, though the server lists it as started too)."""
    if pending.state != PendingActivityState.PENDING_ACTIVITY_STATE_STARTED:
        return False
    if not pending.HasField("last_attempt_complete_time"):
        return True
    started = pending.last_started_time.ToNanoseconds()
    return started > pending.last_attempt_complete_time.ToNanoseconds()


async def _shown(client: Client, workflow_ids: Iterable[str]) -> str:
    """Each run of each programme, latest first: its status and what it has pending
    (what a stalled wait reports)."""
    shown: list[str] = []
    for workflow_id in workflow_ids:
        async for described in runs(client, workflow_id):
            raw = described.raw_description
            task = raw.pending_workflow_task if raw.HasField("pending_workflow_task") else None
            activities = [(a.activity_id, a.state, _in_flight(a)) for a in raw.pending_activities]
            shown.append(f"{described.run_id[:8]} {described.status!r} {task} {activities}")
    return "runs: " + "; ".join(shown)
