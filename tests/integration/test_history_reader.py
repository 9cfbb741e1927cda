"""The history reader reads a programme whose latest run has not run its first task yet
(just launched, or just continued as new with no worker about): from what it carries,
never waiting on the task in flight."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.api.enums.v1 import EventType

from adapters.temporal.dev_server import DevServer
from adapters.temporal.history import domain_events
from domain.commands import Employee
from gateway.client import ProgrammeClient
from tests.integration.production import quick_template
from tests.support import temporary_keyring


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
