"""The history reader reads a programme whose latest run has not run its first task yet
(just launched, or just continued as new with no worker about): from what it carries,
never waiting on the task in flight, and decided as the workflow will decide it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from temporalio.api.enums.v1 import EventType

from adapters.temporal.dev_server import DevServer
from adapters.temporal.history import domain_events
from domain.calendar import calendar_of
from domain.commands import Employee
from domain.events import ProgrammeLaunched
from domain.template_parsing import parse_template
from gateway.client import ProgrammeClient
from tests.integration.production import quick_template
from tests.support import temporary_keyring
from workflows.messages import REVISION
from workflows.revisions import launch_rules

WEEKLY = """
id: weekly-early
version: 1
title: Weekly
dimensions: [motivation]
max_duration: P400D
stages:
  - key: coaching
    title: Sessions
    sessions: {count: 3, every: P7D, weekday: tuesday, at: "09:00", duration: PT1H}
    gate: {sessions_held: 2}
"""


async def test_a_run_whose_first_task_is_in_flight_reads_its_launch(
    dev_server: DevServer,
) -> None:
    programmes = await ProgrammeClient.connect(
        dev_server.address, keyring=temporary_keyring(), task_queue=f"nobody-{uuid.uuid4().hex}"
    )
    launched = await programmes.launch(
        employee=Employee(id=f"E{uuid.uuid4().hex[:8]}", name="Nell Early", email="n@example.com"),
        template=quick_template(),
    )
    history = await programmes.temporal.get_workflow_handle(launched.programme_id).fetch_history()
    assert history.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
    async with asyncio.timeout(20):
        events = await domain_events(programmes.temporal, launched.programme_id)
    assert [e.type for e in events][:2] == ["programme_launched", "programme_started"]
    assert events[0].programme_id == launched.programme_id  # type: ignore[union-attr]


async def test_a_launch_read_before_its_first_task_takes_the_rules_of_its_revision(
    dev_server: DevServer,
) -> None:
    """Read before a worker decides it, a launch follows the rules its run's revision
    gives, not a launch's default: its sessions are appointments, the first at the time
    chosen at launch (the calendar read right after ``launch`` showed them at the
    launch minute, as rules 1 plans them)."""
    paris = ZoneInfo("Europe/Paris")
    programmes = await ProgrammeClient.connect(
        dev_server.address, keyring=temporary_keyring(), task_queue=f"nobody-{uuid.uuid4().hex}"
    )
    day = datetime.now(paris).date() + timedelta(days=30)
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday, as the template plans
    first = datetime(day.year, day.month, day.day, 9, 0, tzinfo=paris)
    employee = Employee(
        id=f"E{uuid.uuid4().hex[:8]}", name="Noé Tôt", email="n@example.com",
        time_zone="Europe/Paris",
    )  # fmt: skip
    launched = await programmes.launch(
        employee=employee, template=parse_template(WEEKLY, "weekly"), first_session=first
    )
    async with asyncio.timeout(20):
        events = await domain_events(programmes.temporal, launched.programme_id)
    launch = events[0]
    assert isinstance(launch, ProgrammeLaunched)
    assert launch.rules == launch_rules(REVISION)
    sessions = [e.at for e in calendar_of(events) if e.kind.value == "session"]
    assert sessions == [first, first + timedelta(days=7), first + timedelta(days=14)]
