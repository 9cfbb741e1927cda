"""A channel failing for a day never holds a programme's history hostage (revision 9).

Before revision 9 a run waited for its deliveries before continuing as new: with the
notifier down, a reminder retried for a day while every signal added events to the one
run, past its history limit and on to Temporal's signal limit, and a legitimate answer
was then refused. Now the run continues as new with the delivery pending, the next run
takes it over within what is left of its day, and every run stays within its bound.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.commands import GiveFeedback, RecordProgress, Withdraw
from domain.events import DeliveryFailed, Event, ReminderDue
from domain.state import Status
from domain.template import Dimension, Role
from gateway.catalogue import shipped_template as shipped
from tests.support import run_histories, skip_time, start_test_server
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.deliveries import CANCELLED, NOTIFY_DEADLINE
from workflows.messages import RunSettings
from workflows.programme import ProgrammeWorkflow

LIMIT = 100
"""Temporal events a run may hold in this test (``RunSettings.history_limit``)."""
FLOOD = 400
"""Refused signals sent while the reminder keeps failing: four runs' worth."""
PACE = 10, 0.2
"""Ten signals at once every 0.2 s: 50 a second, ten times what the API lets one
programme be sent (``RequestLimits.per_programme``). What a run can take past the point
where it starts to continue as new is what arrives while one workflow task runs: its
spare fifth of ``history_limit`` covers that at such rates, not at any rate (a client
of Temporal's own could send faster: hence the API's per-programme limit)."""


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server for each test here: a day of failing retries is the most
    work any test gives one, and a server it stalls stalls no other test."""
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


QUERY_PATIENCE = timedelta(seconds=5)
"""How long a query may go unanswered before it is sent again. One sent as the run
continues as new is lost with that run on the time-skipping server, and the client
waited 30 s for it: a quarter of the flood test's runs took 40 s instead of 10."""


async def _settled(programme: Programme) -> list[Event]:
    """The log, once a query lands (one sent while the run continues as new is lost)."""
    for _ in range(10):
        with contextlib.suppress(RPCError):
            answer = await programme.handle.query(
                ProgrammeWorkflow.events, 0, rpc_timeout=QUERY_PATIENCE
            )
            return answer.events
        await asyncio.sleep(0.3)
    return await programme.events()


async def _failed_once_within_its_day(programme: Programme, reminder: ReminderDue) -> None:
    """The reminder's delivery failed once, by the end of its first day, saying why."""
    failed = [
        e
        for e in await _settled(programme)
        if isinstance(e, DeliveryFailed) and e.delivery_id == reminder.delivery_id
    ]
    assert len(failed) == 1
    assert failed[0].at - reminder.at <= NOTIFY_DEADLINE + timedelta(minutes=15)
    assert "notifier unavailable" in failed[0].detail


async def _delivered_at_launch(harness: Harness, programme: Programme) -> None:
    """What a launch sends (rules 6: the sessions' invitations) goes out before the
    channel fails: a delivery retried for days would have the time-skipping server run
    each of its attempts."""
    await skip_time(harness.env, timedelta(minutes=5))
    assert (await programme.view()).pending_deliveries == 0


async def _flood(programme: Programme, start: int, count: int) -> None:
    """``count`` facts the programme refuses (no such objective), at ``PACE``."""
    at_once, every = PACE
    for first in range(start, start + count, at_once):
        await asyncio.sleep(every)
        await asyncio.gather(
            *(
                programme.handle.signal(
                    ProgrammeWorkflow.record_progress,
                    RecordProgress(objective_id="S9", percent=10, key=f"flood-{n}"),
                )
                for n in range(first, min(first + at_once, start + count))
            )
        )


async def test_a_failing_delivery_under_a_signal_flood_keeps_every_run_bounded(
    harness: Harness,
) -> None:
    programme = await Programme.launch(
        harness, shipped("change-adoption-3m"), RunSettings(history_limit=LIMIT)
    )
    await _delivered_at_launch(harness, programme)
    harness.delivered.failures_left = 10**9  # the notifier is down for good
    # The kick-off's first reminder falls due four days in, and starts failing.
    await skip_time(harness.env, timedelta(days=4, minutes=5))
    assert [e for e in await _settled(programme) if isinstance(e, ReminderDue)]
    assert (await programme.view()).pending_deliveries >= 1

    await _flood(programme, 0, FLOOD // 2)
    await programme.agree()  # a request is still taken...
    await _flood(programme, FLOOD // 2, FLOOD // 2)
    await programme.handle.signal(  # ...and so is a legitimate answer
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(
            role=Role.employee,
            rater_id="E123",
            scores=dict.fromkeys(
                (Dimension.adaptability, Dimension.motivation),
                3,
            ),
            key="the-answer",
        ),
    )
    await _settled(programme)
    receipt = await programme.handle.query(ProgrammeWorkflow.receipt, "the-answer")
    assert receipt.outcome == "applied"
    assert not [e for e in await _settled(programme) if isinstance(e, DeliveryFailed)]

    runs = await run_histories(programme.handle)
    assert len(runs) >= FLOOD // LIMIT
    assert max(len(run.events) for run in runs) <= LIMIT
    assert (await programme.view()).pending_deliveries >= 1, "carried into the last run"


async def test_a_delivery_failing_for_a_day_is_recorded_failed_once_with_why(
    harness: Harness,
) -> None:
    """Apart from the flood, so the day is skipped on a programme that stays in one run.

    After the flood, whose runs continue as new, now and then while the reminder's
    attempt is in flight, the time-skipping server's time can stay locked and the day's
    skip then never returns (``test_time_skipping_leak``): the workflow does nothing
    wrong there."""
    programme = await Programme.launch(harness, shipped("change-adoption-3m"))
    await _delivered_at_launch(harness, programme)
    harness.delivered.failures_left = 10**9
    await skip_time(harness.env, timedelta(days=4, minutes=5))
    reminder = next(e for e in await _settled(programme) if isinstance(e, ReminderDue))
    assert len(await run_histories(programme.handle)) == 1, "the day is skipped on one run"
    await skip_time(harness.env, NOTIFY_DEADLINE)
    await _failed_once_within_its_day(programme, reminder)


async def _just_after_an_attempt(harness: Harness) -> None:
    """Skip on, a minute at a time, until a failing attempt has just run and been
    reported: after hours of failing, the next is ``NOTIFY_RETRY``'s maximum interval
    (10 min) away on the server's clock, which runs at wall-clock speed between skips."""
    made = len(harness.delivered.failed)
    while len(harness.delivered.failed) == made:
        await skip_time(harness.env, timedelta(minutes=1))


async def _continued_as_new(programme: Programme) -> None:
    """Refused signals, ten at a time, until the run continues as new; no more after."""
    first = (await programme.handle.describe()).run_id
    for sent in range(0, 4 * LIMIT, 10):
        await _flood(programme, sent, 10)
        if (await programme.handle.describe()).run_id != first:
            return
    raise AssertionError(f"no continue-as-new after {4 * LIMIT} signals")


async def test_a_delivery_carried_into_the_next_run_fails_within_its_first_day(
    harness: Harness,
) -> None:
    """Revision 9: the next run takes a pending delivery over within what is left of its
    day, not a day of its own. The run continues as new while the reminder waits out a
    retry's backoff, never during an attempt: a run closing under an attempt leaves the
    time-skipping server's time locked (``test_time_skipping_leak``)."""
    programme = await Programme.launch(
        harness, shipped("change-adoption-3m"), RunSettings(history_limit=LIMIT)
    )
    await _delivered_at_launch(harness, programme)
    harness.delivered.failures_left = 10**9
    await skip_time(harness.env, timedelta(days=4, minutes=5))
    reminder = next(e for e in await _settled(programme) if isinstance(e, ReminderDue))
    await skip_time(harness.env, NOTIFY_DEADLINE / 2)
    # One delivery failing, so no other attempt can be in flight as the run closes.
    assert (await programme.view()).pending_deliveries == 1
    await _just_after_an_attempt(harness)
    await _continued_as_new(programme)
    assert (await programme.view()).pending_deliveries == 1, "carried into the next run"

    await skip_time(harness.env, NOTIFY_DEADLINE)
    # At the end of the reminder's day, half a day into the next run: a run giving it a
    # whole day of its own would fail it a day and a half after it fell due.
    await _failed_once_within_its_day(programme, reminder)
    assert len(await run_histories(programme.handle)) == 2


async def test_withdrawing_a_programme_waiting_on_a_delivery_ends_it_at_once(
    harness: Harness,
) -> None:
    """What an erasure does first: the programme ends withdrawn, within seconds, its
    failing reminder recorded as not delivered, instead of waiting out the channel."""
    programme = await Programme.launch(harness, shipped("change-adoption-3m"))
    await _delivered_at_launch(harness, programme)
    harness.delivered.failures_left = 10**9
    await skip_time(harness.env, timedelta(days=4, minutes=5))
    reminder = next(e for e in await _settled(programme) if isinstance(e, ReminderDue))
    asked = await programme.now()
    await programme.handle.execute_update(
        ProgrammeWorkflow.withdraw, Withdraw(reason="personal data erased")
    )
    outcome = await programme.handle.result()
    assert outcome.status is Status.withdrawn
    assert outcome.ended_at is not None
    assert outcome.ended_at - asked < timedelta(minutes=1)  # on the programme's own clock
    [failed] = [
        e
        for e in (await programme.handle.query(ProgrammeWorkflow.events, 0)).events
        if isinstance(e, DeliveryFailed)
    ]
    assert failed.delivery_id == reminder.delivery_id
    assert failed.detail == CANCELLED
