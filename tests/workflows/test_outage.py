"""An outage neither misdates a fact nor sends a stale reminder (rules 2).

One programme runs twice, at once, on a real Temporal dev server (a template of
seconds, so its clock runs for real): once with its worker up throughout, once with the
worker stopped while an answer, two sessions and a progress report happen. Their
signals carry ``occurred_at``, as the gateway stamps them, and wait in Temporal's history
until the worker is back, long after the deadlines they beat. Both logs must read the
same on the programme clock, and the reminders whose moment passed during the outage
are recorded as skipped, not sent late.

The time-skipping test server cannot stage this: it does not move its clock while a
workflow task waits for a worker, and the outage is exactly that.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from adapters.payloads.encryption import data_converter
from adapters.temporal.dev_server import DevServer
from domain.commands import (
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Launch,
    RecordProgress,
    RecordSession,
    SessionStatus,
)
from domain.events import Event, ReminderSkipped
from domain.rules import RULES
from domain.template import Dimension, Role
from domain.template_parsing import parse_template
from tests.support import free_port, temporary_keyring
from tests.workflows.conftest import Delivered
from workers.programme import build_worker
from workflows.messages import RULES_REVISION, ProgrammeInput, ProgrammeOutcome
from workflows.programme import ProgrammeWorkflow

S = timedelta(seconds=1)
TEMPLATE = parse_template(
    """
id: outage-drill
version: 1
title: Outage drill, in seconds
dimensions: [motivation]
max_duration: PT5M
stages:
  - key: assessment
    due: PT16S
    gate: {feedback: {roles: [employee, peer], quorum: 2}}
    remind_before_due: [PT10S, PT6S]
    escalate_after_due: [{after: PT0S, to: coach}]
  - key: coaching
    sessions: {count: 2, every: PT8S, remind_before: [PT3S], record_from: PT2S}
    gate: {sessions_held: 2}
  - key: review
    due: PT12S
    gate: {progress_recorded: true}
    remind_before_due: [PT6S, PT3S]
    escalate_after_due: [{after: PT0S, to: coach}]
"""
)
Fact = GiveFeedback | RecordSession | RecordProgress
FACTS: list[tuple[timedelta, Fact]] = [
    # assessment due at 16; reminders at 6 and 10
    (1 * S, GiveFeedback(role=Role.employee, rater_id="emp", scores={Dimension.motivation: 4})),
    (2 * S, RecordProgress(objective_id="L1", percent=30)),
    (14 * S, GiveFeedback(role=Role.peer, rater_id="peer", scores={Dimension.motivation: 3})),
    # coaching from 14: sessions at 22 and 30, reminders at 19 and 27, calendar closes at 38
    (22 * S, RecordSession(number=1, status=SessionStatus.held)),
    (30 * S, RecordSession(number=2, status=SessionStatus.held)),
    # review from 30: due at 42, reminders at 36 and 39
    (40 * S, RecordProgress(objective_id="S1", percent=50)),
]
DOWN, BACK = 12 * S, 46 * S
"""The outage, on the programme clock: after the assessment's reminders, until after
the review's deadline."""


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    server = DevServer(tmp_path_factory.mktemp("temporal"), port=free_port(), headless=True)
    async with server:
        keyring = temporary_keyring(Path(tmp_path_factory.mktemp("keys")))
        yield await Client.connect(server.address, data_converter=data_converter(keyring))
        keyring.close()


@asynccontextmanager
async def worker(client: Client, queue: str, delivered: Delivered) -> AsyncIterator[Worker]:
    running = build_worker(
        client,
        delivered.all(),
        task_queue=queue,
        max_cached_workflows=0,  # a worker back after an outage has nothing cached
    )
    async with running:
        yield running


async def _signal(handle: WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome], fact: Fact) -> None:
    if isinstance(fact, GiveFeedback):
        await handle.signal(ProgrammeWorkflow.give_feedback, fact)
    elif isinstance(fact, RecordSession):
        await handle.signal(ProgrammeWorkflow.record_session, fact)
    else:
        await handle.signal(ProgrammeWorkflow.record_progress, fact)


async def _until(at: datetime) -> None:
    await asyncio.sleep(max(0.0, (at - datetime.now(at.tzinfo)).total_seconds()))


async def _drill(client: Client, outage: bool) -> tuple[list[Event], Delivered]:
    """The programme, its facts sent at their times (stamped with them); with ``outage``
    its worker is stopped from ``DOWN`` to ``BACK``."""
    queue, delivered = f"drill-{uuid.uuid4()}", Delivered()
    programme_id = f"outage-drill.{uuid.uuid4().hex[:8]}"
    launch = Launch(
        programme_id=programme_id,
        employee=Employee(id="E1", name="Alice", email="alice@example.com"),
        template=TEMPLATE,
        coach_id="C7",
        manager_id="M3",
    )
    up: AbstractAsyncContextManager[Worker] | None = worker(client, queue, delivered)
    await up.__aenter__()
    try:
        handle = await client.start_workflow(
            ProgrammeWorkflow.run,
            # Rules 2 (revision 3): the facts here are dated, their raters not nominated.
            ProgrammeInput(launch=launch, revision=RULES_REVISION),
            id=programme_id,
            task_queue=queue,
        )
        await handle.execute_update(
            ProgrammeWorkflow.agree_objectives,
            AgreeObjectives(short_term=["Delegate"], long_term=["Lead"]),
        )
        # Every time below counts from the agreement, whenever the test got round to it.
        starts_at = (await handle.query(ProgrammeWorkflow.view)).starts_at
        started = starts_at + _agreed((await handle.query(ProgrammeWorkflow.events, 0)).events)
        for clock, fact in FACTS:
            if outage and clock > DOWN and up is not None:
                await _until(started + DOWN)
                await up.__aexit__(None, None, None)
                up = None
            await _until(started + clock)
            await _signal(handle, fact.model_copy(update={"occurred_at": started + clock}))
        await _until(started + BACK)
        if up is None:
            up = worker(client, queue, delivered)
            await up.__aenter__()
        await asyncio.wait_for(handle.result(), timeout=30)
        return (await handle.query(ProgrammeWorkflow.events, 0)).events, delivered
    finally:
        if up is not None:
            await up.__aexit__(None, None, None)


JITTER = timedelta(milliseconds=500)
"""How far two drills' moments may differ: their steps are sent in real time."""


def _agreed(events: Sequence[Event]) -> timedelta:
    return next(e.clock for e in events if e.type == "objectives_agreed")


def timeline(events: Sequence[Event]) -> list[tuple[str, timedelta]]:
    """The log on the programme clock from the agreement (made as the test gets round to
    it), a reminder sent or skipped alike; deliveries left out (confirmed whenever an
    activity returns), the clock to a tenth of a second."""
    kinds = {"session_reminder_due": "reminder", "reminder_due": "reminder"}
    kinds["reminder_skipped"] = "reminder"
    tenth = timedelta(milliseconds=100)
    origin = _agreed(events)
    return [
        (kinds.get(e.type, e.type), tenth * round(max(e.clock - origin, timedelta(0)) / tenth))
        for e in events
        if e.type not in ("delivery_confirmed", "delivery_failed")
    ]


async def test_facts_queued_during_an_outage_read_as_applied_on_time(client: Client) -> None:
    assert RULES >= 2
    (on_time, live), (late, back) = await asyncio.gather(
        _drill(client, outage=False), _drill(client, outage=True)
    )

    late_line, live_line = timeline(late), timeline(on_time)
    assert [kind for kind, _ in late_line] == [kind for kind, _ in live_line]
    # The same moments, give or take how fast this machine ran each drill's steps.
    assert all(abs(a - b) <= JITTER for (_, a), (_, b) in zip(late_line, live_line, strict=True)), (
        list(zip(late_line, live_line, strict=True))
    )
    assert [e.type for e in late if e.type.startswith(("session_", "stage_stalled"))] == [
        "session_held",
        "session_held",
    ], "nothing missed, nothing stalled: every fact beat its deadline"
    assert [e.type for e in late if e.type == "escalation_due"] == []

    # The facts of the outage say when they happened, and when they were recorded.
    queued = [e for e in late if e.type in ("feedback_received", "session_held")][1:]
    assert all(e.recorded_at is not None and e.recorded_at > e.at for e in queued)

    # Reminders due while no worker ran are skipped, not sent late; the rest are sent.
    skipped = [e for e in late if isinstance(e, ReminderSkipped)]
    assert [(e.stage, e.number) for e in skipped] == [
        ("coaching", 1),
        ("coaching", 2),
        ("review", None),
        ("review", None),
    ]
    assert all("more than its lead time" in e.reason for e in skipped)
    assert len(back.notifications) == 2  # the assessment's, sent before the outage
    # live, every reminder is sent, unless this machine was too slow to send one in time
    late_live = [e for e in on_time if isinstance(e, ReminderSkipped)]
    assert len(live.notifications) == 6 - len(late_live)
