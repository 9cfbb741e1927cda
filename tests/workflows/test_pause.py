"""A 30-day pause during the sessions moves what is ahead to after it: the deadlines by
the pause, the sessions (appointments) to the first of their weekdays after it."""

from __future__ import annotations

from datetime import timedelta

from domain.commands import Pause, RecordSession, SessionStatus
from domain.state import Status
from domain.template import Role
from gateway.catalogue import shipped_template
from tests.support import skip_time
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.programme import ProgrammeWorkflow

DAYS_30 = timedelta(days=30)


async def test_pause_moves_calendar_and_deadlines_and_resumes_by_itself(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    await programme.feedback(Role.employee, Role.manager, Role.peer)
    await programme.progress("S1", 10)
    await programme.progress("L1", 10)
    before = await programme.view()
    assert before.stage == "coaching"
    first = before.sessions[0]
    assert first.at is not None
    await programme.sleep_until(first.at)
    await programme.handle.signal(
        ProgrammeWorkflow.record_session, RecordSession(number=1, status=SessionStatus.held)
    )

    paused_at = await programme.now()
    until = paused_at + DAYS_30
    paused = await programme.handle.execute_update(
        ProgrammeWorkflow.pause, Pause(reason="parental leave", until=until)
    )
    assert paused.status is Status.paused
    assert paused.next_deadline == until
    sent_before = len(harness.delivered.notifications)

    await skip_time(harness.env, DAYS_30 - timedelta(hours=1))
    still = await programme.view()
    assert still.status is Status.paused
    assert len(harness.delivered.notifications) == sent_before, "nothing fires while paused"

    await skip_time(harness.env, timedelta(hours=2))
    after = await programme.view()
    assert after.status is Status.running
    events = await programme.events()
    resumed = next(e for e in events if e.type == "programme_resumed")
    assert resumed.automatic
    # Paused from the moment the workflow took the pause until `until`.
    shift = resumed.paused_for
    assert abs(shift - DAYS_30) < timedelta(seconds=1)
    assert after.stage_due is not None
    assert before.stage_due is not None
    assert after.stage_due - before.stage_due >= shift
    moved = {s.number: s.at for s in after.sessions if s.status == "planned"}
    planned = {s.number: s.at for s in before.sessions if s.number in moved}
    assert moved.keys() == {2, 3, 4}
    # Rules 6: the sessions are appointments (Tuesdays at 09:00): those ahead move by
    # whole weeks to the first Tuesday after the pause, keeping their spacing; the one
    # held keeps its date.
    weeks = {at - planned[n] for n, at in moved.items()}  # type: ignore[operator]
    assert len(weeks) == 1
    (by,) = weeks
    assert by % timedelta(days=7) == timedelta(0)
    assert moved[2] is not None
    assert moved[2] > until >= moved[2] - timedelta(days=7)
    assert all((at.weekday(), at.hour, at.minute) == (1, 9, 0) for at in moved.values())  # type: ignore[union-attr]
    assert after.sessions[0].at == before.sessions[0].at

    paused_event = next(e for e in events if e.type == "programme_paused")
    assert resumed.clock == paused_event.clock, "the programme clock stood still"

    # The next session reminder falls one day before session 2, 30 days later than planned.
    await programme.hold_sessions()
    reminders = [n for _, n in harness.delivered.notifications if n.kind == "session_reminder"]
    session_2 = next(n for n in reminders if n.session_number == 2)
    assert session_2.session_at == moved[2]
