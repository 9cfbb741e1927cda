"""What the time-skipping test server does when a run closes under an activity attempt.

The server locks its time while an activity attempt is scheduled or running and unlocks
it when the worker reports the attempt. A run that closes meanwhile (continues as new,
completes, is terminated) makes that report fail ("Completed workflow", NOT_FOUND)
before the unlock is applied (``TestWorkflowMutableStateImpl.update`` in
temporalio/sdk-java's test server): the lock is never released, the server's time then
runs at wall-clock speed, and a skip of a day never returns. That is temporalio/sdk-java
issue 1138, open: "Test server does not decrement time skipping lock for outstanding
activities on workflow completion". An attempt cancelled in flight, or a run closing
while its activity waits out a retry's backoff, leaves the time free.

This is what stalled the day of failure in ``test_delivery_outage`` when it followed
the signal flood: the flood's runs continue as new, now and then while the reminder's
attempt is in flight (5 stalls in 10 runs of the two together). Hence, on one server, a
day is skipped only on a programme that stays in one run, and the harness terminates
programmes only once no attempt is in flight
(``tests.workflows.conftest._terminate_when_quiet``). If these tests fail on a newer
test server, it fixed the leak, and those precautions can go. The bench's simulation
cannot keep its programmes' runs from closing under an attempt: it finds and releases
each leaked lock (``tests.leaked_locks``).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.client import WorkflowHandle
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from tests.leaked_locks import LeakedLocks, leaked
from tests.support import PATIENCE, skip_time, start_test_server

STALLED_AFTER = timedelta(seconds=3)
"""How long a day's skip may take before it counts as stalled: on a server with nothing
to run, it returns at once; with the lock leaked, it would take a day."""


class Attempt:
    """One attempt of the ``attempt`` activity, failing when the test lets it."""

    def __init__(self) -> None:
        self.running = asyncio.Event()
        self.fail = asyncio.Event()

    @activity.defn(name="attempt")
    async def attempt(self) -> None:
        self.running.set()
        await self.fail.wait()
        raise RuntimeError("notifier unavailable")


@workflow.defn(name="OneActivity")
class OneActivity:
    """An activity retried after an hour's backoff, and a run that continues as new or
    cancels the activity when told (``end``)."""

    def __init__(self) -> None:
        self._end: str | None = None

    @workflow.run
    async def run(self, carried_over: bool) -> None:
        if carried_over:
            await workflow.sleep(timedelta(days=30))
            return
        task = asyncio.ensure_future(
            workflow.execute_activity(
                "attempt",
                start_to_close_timeout=timedelta(minutes=5),
                schedule_to_close_timeout=timedelta(days=1),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(hours=1), maximum_interval=timedelta(hours=1)
                ),
            )
        )
        await workflow.wait_condition(lambda: self._end is not None)
        if self._end == "continue":
            workflow.continue_as_new(True)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, ActivityError):
            await task  # cancelled, as asked
        await workflow.sleep(timedelta(days=30))

    @workflow.signal
    def end(self, how: str) -> None:
        self._end = how


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A server per test: the one that leaks is left stalled."""
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


async def _day_skipped(env: WorkflowEnvironment, within: timedelta) -> bool:
    """Whether the server skips a day within ``within`` of real time."""
    try:
        await asyncio.wait_for(skip_time(env, timedelta(days=1)), within.total_seconds())
    except TimeoutError:
        return False
    return True


async def _first_run_closed(handle: WorkflowHandle[OneActivity, None]) -> None:
    for _ in range(200):
        if (await handle.describe()).run_id != handle.result_run_id:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the run did not continue as new")


async def _started(env: WorkflowEnvironment, attempt: Attempt) -> WorkflowHandle[OneActivity, None]:
    handle = await env.client.start_workflow(
        OneActivity.run, False, id=f"leak-{uuid.uuid4()}", task_queue="leak"
    )
    await asyncio.wait_for(attempt.running.wait(), timeout=PATIENCE.total_seconds())
    return handle


def _worker(env: WorkflowEnvironment, attempt: Attempt) -> Worker:
    return Worker(
        env.client,
        task_queue="leak",
        workflows=[OneActivity],
        activities=[attempt.attempt],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )


async def _leak(env: WorkflowEnvironment, attempt: Attempt) -> WorkflowHandle[OneActivity, None]:
    """A run continues as new under an attempt in flight, whose report is then refused
    (the run is closed): its lock is kept. The handle's run is the closed one."""
    handle = await _started(env, attempt)
    await handle.signal(OneActivity.end, "continue")
    await _first_run_closed(handle)
    attempt.fail.set()
    return handle


async def test_a_run_continuing_as_new_under_an_attempt_leaves_time_locked(
    env: WorkflowEnvironment,
) -> None:
    attempt = Attempt()
    async with _worker(env, attempt):
        await _leak(env, attempt)
        assert not await _day_skipped(env, STALLED_AFTER), "the test server no longer leaks"


async def test_a_run_continuing_as_new_during_a_retry_backoff_skips_on(
    env: WorkflowEnvironment,
) -> None:
    attempt = Attempt()
    attempt.fail.set()
    async with _worker(env, attempt):
        handle = await _started(env, attempt)
        await asyncio.sleep(0.5)  # the attempt's failure reported: an hour's backoff
        await handle.signal(OneActivity.end, "continue")
        await _first_run_closed(handle)
        assert await leaked(env.client, handle.id) == set()  # nothing for the bench to free
        assert await _day_skipped(env, PATIENCE)


async def test_an_attempt_cancelled_in_flight_leaves_time_free(env: WorkflowEnvironment) -> None:
    """What ``_GaveUp``'s suspected cancel, or a withdrawal, does: no stall."""
    attempt = Attempt()
    async with _worker(env, attempt):
        handle = await _started(env, attempt)
        await handle.signal(OneActivity.end, "cancel")
        await asyncio.sleep(0.5)
        attempt.fail.set()
        assert await _day_skipped(env, PATIENCE)


async def test_a_leaked_lock_is_found_on_the_closed_run_and_released_once(
    env: WorkflowEnvironment,
) -> None:
    """What the bench's simulation waits with (``tests.leaked_locks.LeakedLocks``)."""
    attempt = Attempt()
    async with _worker(env, attempt):
        handle = await _leak(env, attempt)
        assert {(run, activity) for _, run, activity in await leaked(env.client, handle.id)} == {
            (handle.result_run_id, "1")
        }
        locks = LeakedLocks(env)
        before = await env.get_current_time()
        await locks.wait(skip_time(env, timedelta(days=1)), [handle.id])
        assert await env.get_current_time() - before >= timedelta(days=1)
        assert await locks.release([handle.id]) == 0  # once only
        assert await _day_skipped(env, PATIENCE)  # balanced again: the next skip is free
