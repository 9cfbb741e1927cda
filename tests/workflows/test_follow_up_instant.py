"""A message handled at the very instant a deadline's timer fires (revision 12).

Python runs a message's handler before the timer's resolution in the same activation.
When the handler moves the next deadline, the run used to cancel the timer that was
firing: the server refused to cancel a fired timer, and the workflow task failed on
every try, so the programme hung. Found at the follow-up's first reminder (rules 8),
where an integrator's answer may well land on the reminder's minute.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.commands import NominateRaters, Nominee
from domain.events import ReminderDue
from domain.template import Role
from tests.workflows.conftest import Harness
from tests.workflows.test_evidence import completed
from workflows.programme import ProgrammeWorkflow


async def test_an_update_at_the_instant_a_follow_up_reminder_falls_due_is_answered(
    harness: Harness,
) -> None:
    programme = await completed(harness)
    view = await programme.view()
    assert view.follow_up_due is not None
    await programme.sleep_until(view.follow_up_due - timedelta(days=7))
    answered = await asyncio.wait_for(
        programme.handle.execute_update(
            ProgrammeWorkflow.nominate_raters,
            NominateRaters(raters=(Nominee(role=Role.peer, id="peer-9"),)),
        ),
        30,
    )
    assert answered.programme_id == programme.handle.id
    reminders = [e for e in await programme.events() if isinstance(e, ReminderDue)]
    assert reminders, "the follow-up's reminder went out"
    assert reminders[-1].stage == ""
    history = await programme.handle.fetch_history()
    failed = [e for e in history.events if e.HasField("workflow_task_failed_event_attributes")]
    assert not failed
