"""Reproduction, not yet a fix: an update landing at the very instant a rules-8 follow-up
reminder falls due fails its workflow task on the time-skipping server ("invalid history
builder state for action", then "Already open activity"): the run hangs. Prints the last
events of the history. Kept on this branch until the cause is found; main does not launch
rules 8 until then."""
import asyncio
import contextlib
from datetime import timedelta
from domain.commands import NominateRaters, Nominee
from domain.template import Role
from tests.workflows.conftest import Harness
from tests.workflows.test_evidence import completed
from workflows.programme import ProgrammeWorkflow

async def test_noop(harness: Harness) -> None:
    programme = await completed(harness)
    view = await programme.view()
    await programme.sleep_until(view.follow_up_due - timedelta(days=7))
    with contextlib.suppress(Exception):
        await asyncio.wait_for(programme.handle.execute_update(ProgrammeWorkflow.nominate_raters, NominateRaters(raters=(Nominee(role=Role.peer, id="peer-1"),))), 10)
    history = await programme.handle.fetch_history()
    for e in history.events[-25:]:
        kind = e.WhichOneof("attributes")
        extra = ""
        if kind == "workflow_task_failed_event_attributes":
            extra = str(e.workflow_task_failed_event_attributes.cause) + " " + e.workflow_task_failed_event_attributes.failure.message
        if kind == "timer_started_event_attributes":
            extra = str(e.timer_started_event_attributes.timer_id)
        if kind == "timer_fired_event_attributes":
            extra = str(e.timer_fired_event_attributes.timer_id)
        print(e.event_id, kind, extra)
    assert False
