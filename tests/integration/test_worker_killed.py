"""The worker is SIGKILLed at random points of running programmes, and restarted.

Four programmes run a fixed script of inputs (an update and facts, each with an
idempotency key, one of them sent twice) on a ``parcours worker`` process that
is killed (SIGKILL: no drain) several times at seeded random points of the
script and started again. The same four programmes run the same script,
undisturbed, on a worker inside the test, on a second dev server (so they have
the same ids). In the end every disturbed programme has completed with the
event log of its undisturbed twin.

What is compared, exactly, is every event's ``seq``, ``type`` and payload, with
these normalised and why:

- ``at`` (every event) and ``starts_at`` (the launch): wall-clock time; two runs
  happen at different moments. ``recorded_at`` too: it says a worker learnt of a
  fact late, which is what the kills do.
- ``clock`` of the events an input caused (those carrying its idempotency key:
  the fact itself and what it completed or entered) and of delivery outcomes:
  the programme clock at which the input or the activity's result *arrived*,
  which depends on the machine, the network and, here, on the kills. They must
  still be in the same order, with the same payload.
- Clocks *derived* from those (a stage's ``due``, its sessions' times) are
  compared relative to the clock of the ``stage_entered`` event that set them:
  the template fixes those offsets exactly.
- An evaluation that an input caused measures attainment against a plan that
  follows the calendar: its ``expected_attainment``, and the verdict and reasons
  drawn from it, depend on the arrival too and are left out; its scores,
  attendance and attainment are compared.
- Deadline-driven events (the escalation and the stall, fired by the programme's
  timer, ``key`` None) are not normalised at all: the decider stamps them at
  their due time on the programme clock, however late the timer fired because
  the worker was dead, so their ``clock`` must match exactly (and is checked
  against the template: two seconds after launch).
- A delivery's ``detail`` says where the channel put it: the data dir (each run
  has its own), the outbox line number (other programmes write there too) and,
  when a kill made Temporal retry an activity that had already written, the
  outbox's "already sent: " (its dedup at work). Those three are normalised; the
  outbox itself is checked to hold each delivery id exactly once.

The script waits for each input to be applied and for every delivery to be
accounted for before sending the next, so the order of events does not depend
on timing; the only timer that fires during the script (the escalation, two
seconds in) is awaited the same way. Kills, though, land at random: the seed is
printed, and ``PARCOURS_FAULT_SEED`` replays a run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from temporalio.client import WorkflowExecutionStatus

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from bootstrap.temporal import connect
from bootstrap.worker import run_worker
from config import Settings
from domain.commands import (
    AgreeObjectives,
    Employee,
    GiveFeedback,
    RecordProgress,
    RecordSession,
    SessionStatus,
)
from domain.durations import format_duration, parse_duration
from domain.events import EVENT_LIST, Event
from domain.holders import Holders
from domain.template import Role
from domain.template_parsing import parse_template
from gateway.client import ParcoursError, ProgrammeClient, TemporalUnavailable
from tests.integration.faults import Stack, running_stack, until
from workflows.programme import ProgrammeWorkflow

T = TypeVar("T")
PROGRAMMES = 4
KILLS = 4
STEP_WAIT = 150.0
"""Seconds one step may take. A kill costs ~10 s (Temporal waits for the dead worker's
sticky queue to time out); one that lands inside an activity costs its
start-to-close timeout (30 s, 60 s for a report) before Temporal retries it."""

DRILL = parse_template(
    """
id: fault-drill
version: 1
title: Fault drill
dimensions: [motivation, adaptability]
max_duration: PT1H
stages:
  - key: agreement
    due: PT2S
    gate: {objectives_agreed: true}
    escalate_after_due: [{after: PT0S, to: coach}]
  - key: assessment
    due: PT30M
    gate: {feedback: {roles: [employee, manager], quorum: 2}}
    evaluation: baseline
  - key: sessions
    due: PT30M
    sessions: {count: 3, every: PT10M, remind_before: [PT1M]}
    gate: {sessions_held: 2}
  - key: final_review
    due: PT30M
    gate: {feedback: {roles: [employee, manager], quorum: 2}}
    evaluation: final
""",
    "fault-drill",
)
"""Escalates (and stalls) two seconds after launch; everything after that moves only on
inputs: the sessions are recorded long before their time, so no timer races an input."""
ESCALATION_AT = timedelta(seconds=2)


def _employee(programme_id: str) -> str:
    """The employee of a programme (``<template>.<employee>``): who answers as employee."""
    return programme_id.split(".", 1)[1]


def feedback(role: Role, rater: str, motivation: int, key: str) -> GiveFeedback:
    return GiveFeedback(
        role=role, rater_id=rater, scores={"motivation": motivation, "adaptability": 3}, key=key
    )


Send = Callable[[ProgrammeClient, str], Awaitable[Any]]
STEPS: list[tuple[str, Send]] = [
    (
        "objectives",
        lambda c, p: c.agree_objectives(
            p, AgreeObjectives(short_term=("Lead",), long_term=("Mentor",), key="objectives")
        ),
    ),
    ("progress-1", lambda c, p: c.record_progress(p, RecordProgress(objective_id="S1", percent=30, key="progress-1"))),  # noqa: E501
    ("feedback-e1", lambda c, p: c.give_feedback(p, feedback(Role.employee, _employee(p), 2, "feedback-e1"))),  # noqa: E501
    ("feedback-m1", lambda c, p: c.give_feedback(p, feedback(Role.manager, "M1", 3, "feedback-m1"))),  # noqa: E501
    ("session-1", lambda c, p: c.record_session(p, RecordSession(number=1, status=SessionStatus.held, key="session-1"))),  # noqa: E501
    # The same fact again, as a retrying integrator sends it: applied once.
    ("session-1", lambda c, p: c.record_session(p, RecordSession(number=1, status=SessionStatus.held, key="session-1"))),  # noqa: E501
    ("session-2", lambda c, p: c.record_session(p, RecordSession(number=2, status=SessionStatus.missed, key="session-2"))),  # noqa: E501
    ("session-3", lambda c, p: c.record_session(p, RecordSession(number=3, status=SessionStatus.held, key="session-3"))),  # noqa: E501
    ("progress-2", lambda c, p: c.record_progress(p, RecordProgress(objective_id="L1", percent=50, key="progress-2"))),  # noqa: E501
    ("feedback-e2", lambda c, p: c.give_feedback(p, feedback(Role.employee, _employee(p), 4, "feedback-e2"))),  # noqa: E501
    ("feedback-m2", lambda c, p: c.give_feedback(p, feedback(Role.manager, "M1", 4, "feedback-m2"))),  # noqa: E501
]  # fmt: skip
"""The inputs, in order, after the escalation: (idempotency key, how to send it)."""


@dataclass
class Pacer:
    """How far the first disturbed programme's script got; the kills follow it."""

    sent: int = 0
    moved: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def advance(self) -> None:
        async with self.moved:
            self.sent += 1
            self.moved.notify_all()

    async def reach(self, step: int) -> None:
        async with self.moved:
            await self.moved.wait_for(lambda: self.sent >= step)


async def ask(call: Awaitable[Any]) -> Any | None:
    """A query, or None while no worker answers (it may be dead)."""
    try:
        return await asyncio.wait_for(call, 3)
    except Exception:  # no worker, a timeout, a server answer: ask again later
        return None


async def settled(client: ProgrammeClient, pid: str, key: str | None) -> bool | None:
    """``key``'s fact applied (None: the escalation fired) and every delivery accounted for."""
    handle = client._handle(pid)
    if key is None:
        page = await ask(handle.query(ProgrammeWorkflow.events, 0))
        if page is None or "escalation_due" not in {e.type for e in page.events}:
            return None
    else:
        receipt = await ask(handle.query(ProgrammeWorkflow.receipt, key))
        if receipt is None or receipt.outcome != "applied":
            return None
    view = await ask(handle.query(ProgrammeWorkflow.view))
    return True if view is not None and view.pending_deliveries == 0 else None


async def drive(client: ProgrammeClient, employee: Employee, pacer: Pacer | None) -> str:
    """Launch one programme and run the script on it; returns its id once it has ended."""
    launched = await client.launch(employee=employee, template=DRILL, holders=Holders(manager="M1"))
    pid = launched.programme_id
    await until(lambda: settled(client, pid, None), STEP_WAIT, f"{pid}: the escalation")
    for key, send in STEPS:
        while True:  # a call cut off by a dead worker is sent again: the key makes that safe
            try:
                await send(client, pid)
                break
            except ParcoursError:
                await asyncio.sleep(0.5)
        if pacer is not None:
            await pacer.advance()
        await until(lambda k=key: settled(client, pid, k), STEP_WAIT, f"{pid}: {key}")  # type: ignore[misc]
    handle = client._handle(pid)
    outcome = await asyncio.wait_for(handle.result(), STEP_WAIT)
    assert outcome.status == "completed", outcome
    return pid


async def kill_along(stack: Stack, pacer: Pacer, rng: random.Random) -> list[str]:
    """SIGKILL the worker ``KILLS`` times, each a random moment after a random step was sent."""
    points = sorted(rng.sample(range(len(STEPS) + 1), KILLS))
    done = []
    for step in points:
        await pacer.reach(step)
        await asyncio.sleep(rng.uniform(0.0, 1.5))
        stack.kill("worker")
        down = rng.uniform(0.1, 2.0)
        done.append(f"after step {step} (+{down:.1f} s down)")
        await asyncio.sleep(down)
        stack.start_worker()
    return done


# ---------------------------------------------------------------- comparing


def _offset(value: str, anchor: timedelta) -> str:
    return format_duration(parse_duration(value) - anchor)


_LINE = re.compile(r"#\d+")


def normalised(events: list[Event], data_dir: Path) -> list[dict[str, Any]]:
    """The log as the module docstring says: wall clock and arrival clocks out, derived
    clocks relative to their stage's entry, delivery details without where and when."""
    dumped: list[dict[str, Any]] = EVENT_LIST.dump_python(events, mode="json")
    out = []
    for event in dumped:
        event = dict(event)
        del event["at"]
        event.pop("starts_at", None)
        # When a late fact was seen (rules 2) is the arrival's wall clock too: a kill
        # that holds a fact back past the lateness bound stamps it, a clean run not.
        event.pop("recorded_at", None)
        clock = parse_duration(event["clock"])
        arrived = event["key"] is not None or event["type"].startswith("delivery_")
        if arrived:
            event["clock"] = "<arrival>"
        if event["type"] == "stage_entered":
            if event["due"] is not None:
                event["due"] = _offset(event["due"], clock)
            event["sessions"] = [
                {**slot, "clock": _offset(slot["clock"], clock)} for slot in event["sessions"]
            ]
        if event["type"] == "evaluation_recorded" and arrived:
            # The plan an evaluation measures against follows the calendar, so what it
            # expects by now (and the verdict and reasons drawn from that) moves with
            # the arrival; the scores, attendance and attainment must not.
            evaluation = dict(event["evaluation"])
            for derived in ("expected_attainment", "verdict", "reasons"):
                evaluation.pop(derived)
            event["evaluation"] = evaluation
        if "detail" in event:
            detail = event["detail"].replace(str(data_dir), "<data>")
            event["detail"] = _LINE.sub("#<line>", detail.removeprefix("already sent: "))
        out.append(event)
    return out


async def test_a_worker_killed_again_and_again_changes_nothing_in_the_end(
    tmp_path: Path, dev_server: DevServer
) -> None:
    seed = int(os.environ.get("PARCOURS_FAULT_SEED", random.randrange(1_000_000)))
    print(f"kill seed: {seed} (PARCOURS_FAULT_SEED={seed} replays it)")
    rng = random.Random(seed)
    people = [
        Employee(id=f"K{i}", name=f"Person {i}", email=f"k{i}@example.com")
        for i in range(PROGRAMMES)
    ]

    # The undisturbed runs: a worker inside the test, on the session's dev server.
    calm_dir = tmp_path / "calm"
    calm_dir.mkdir()
    calm_settings = Settings(
        task_queue=f"calm-{uuid.uuid4().hex[:8]}",
        data_dir=calm_dir,
        master_key=generate_master_key(),
    )
    calm_temporal = await connect(calm_settings, address=dev_server.address)
    calm = ProgrammeClient(calm_temporal, calm_settings.task_queue)
    stop = asyncio.Event()
    calm_worker = asyncio.create_task(
        run_worker(calm_temporal, calm_dir, stop, settings=calm_settings)
    )

    began = time.monotonic()
    try:
        async with running_stack(tmp_path / "killed", api=False) as stack:
            killed = await ProgrammeClient.connect(stack.address, keyring=stack.keyring())
            pacer = Pacer()
            runs = asyncio.gather(
                *(
                    drive(killed, person, pacer if i == 0 else None)
                    for i, person in enumerate(people)
                ),
                *(drive(calm, person, None) for person in people),
            )
            kills = asyncio.create_task(kill_along(stack, pacer, rng))
            try:
                pids = await runs
                done = await kills
            finally:
                kills.cancel()
                if not stack.alive("worker"):
                    stack.start_worker()
            print(f"killed the worker {len(done)} times: {', '.join(done)}")
            took = time.monotonic() - began
            print(f"{PROGRAMMES} programmes x 2 ran in {took:.0f} s")

            disturbed = {pid: await killed.events(pid) for pid in pids[:PROGRAMMES]}
            statuses = {
                pid: (await killed._handle(pid).describe()).status for pid in pids[:PROGRAMMES]
            }
            outbox = (stack.root / "data" / "outbox.jsonl").read_text().splitlines()
            killed_dir = stack.root / "data"
    finally:
        stop.set()
        await calm_worker
    undisturbed = {pid: await calm.events(pid) for pid in pids[PROGRAMMES:]}

    assert len(done) == KILLS
    assert set(statuses.values()) == {WorkflowExecutionStatus.COMPLETED}
    for pid, log in disturbed.items():
        twin = undisturbed[pid]
        assert normalised(log, killed_dir) == normalised(twin, calm_dir), pid
        # The deadline-driven events: stamped at their due time, exactly, in both runs.
        for run in (log, twin):
            timed = [e for e in run if e.type in ("escalation_due", "stage_stalled")]
            assert [(e.type, e.clock) for e in timed] == [
                ("escalation_due", ESCALATION_AT),
                ("stage_stalled", ESCALATION_AT),
            ]
        assert [e.type for e in log][-1] == "delivery_confirmed"
        assert [e.seq for e in log] == list(range(1, len(log) + 1))

    # The outbox holds each notification once, whatever the kills interrupted.
    ids = Counter(json.loads(line)["delivery_id"] for line in outbox)
    assert len(ids) == 3 * PROGRAMMES, ids  # an escalation and two evaluation notices each
    assert set(ids.values()) == {1}, ids


async def retried(call: Awaitable[T]) -> T | None:
    """The call's answer, or None when it says to try again later."""
    try:
        return await call
    except TemporalUnavailable:
        return None


async def test_a_request_while_no_worker_runs_is_answered_in_time_and_applies_once(
    tmp_path: Path, dev_server: DevServer
) -> None:
    """A request (an update) needs a worker. With none running, the caller is told so
    within the client's ``update_wait`` (3 s here; 503 through the API, exit 3 in the
    CLI) instead of waiting for ever; sent again with the same key once a worker runs,
    it is applied, once."""
    settings = Settings(
        task_queue=f"idle-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    temporal = await connect(settings, address=dev_server.address)
    client = ProgrammeClient(temporal, settings.task_queue, update_wait=timedelta(seconds=3))
    person = Employee(id=f"N{uuid.uuid4().hex[:6]}", name="Nobody Yet", email="n@example.com")
    pid = (await client.launch(employee=person, template=DRILL)).programme_id
    request = AgreeObjectives(short_term=("Lead",), long_term=("Mentor",), key="objectives")

    began = time.monotonic()
    with pytest.raises(TemporalUnavailable, match="no worker took the request within 3 s"):
        await client.agree_objectives(pid, request)
    took = time.monotonic() - began
    assert took < 30, f"told after {took:.1f} s"

    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(temporal, tmp_path, stop, settings=settings))
    try:
        # As the answer says: send it again with the same key (the worker is starting).
        applied = await until(
            lambda: retried(client.agree_objectives(pid, request)), 60, "a worker"
        )
        again = await client.agree_objectives(pid, request)
        page = await client._handle(pid).query(ProgrammeWorkflow.events, 0)
    finally:
        stop.set()
        await worker
        await client._handle(pid).terminate("test over")
    assert applied.stage == again.stage == "assessment"
    assert [e.type for e in page.events].count("objectives_agreed") == 1
