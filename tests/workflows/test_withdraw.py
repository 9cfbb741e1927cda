"""Withdraw midway: a closing evaluation runs and the outcome is withdrawn."""

from __future__ import annotations

from domain.commands import RecordSession, SessionStatus, Withdraw
from domain.state import Status
from domain.template import EvaluationKind, Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.programme import ProgrammeWorkflow


async def test_withdraw_midway_runs_a_closing_evaluation(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=4)
    await programme.progress("S1", 30)
    await programme.progress("L1", 5)
    view = await programme.view()
    for session in view.sessions[:2]:
        assert session.at is not None
        await programme.sleep_until(session.at)
        await programme.handle.signal(
            ProgrammeWorkflow.record_session,
            RecordSession(number=session.number, status=SessionStatus.held),
        )

    view = await programme.handle.execute_update(
        ProgrammeWorkflow.withdraw, Withdraw(reason="left the company")
    )
    assert view.status is Status.withdrawn

    outcome = await programme.handle.result()
    assert outcome.status is Status.withdrawn
    closing = outcome.evaluations[-1]
    assert closing.kind is EvaluationKind.closing
    assert closing.stage == "coaching"
    assert closing.attendance.held == 2
    assert harness.delivered.reports[-1][1].evaluation == closing
    types = [e.type for e in await programme.events()]
    assert types.index("evaluation_recorded", types.index("session_held")) < types.index(
        "programme_withdrawn"
    )


async def test_a_closing_programme_hands_its_whole_log_to_the_archive(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    await programme.handle.execute_update(ProgrammeWorkflow.withdraw, Withdraw(reason="moved on"))
    outcome = await programme.handle.result()

    [closed] = harness.delivered.archived
    events = await programme.events()
    assert closed.programme_id == programme.handle.id
    assert closed.status is Status.withdrawn
    assert closed.template_id == "executive-6m"
    assert closed.employee_id == "E123"
    assert closed.closed_at == outcome.ended_at
    assert closed.events == events
    assert len(closed.events) == outcome.events


async def test_a_run_of_an_earlier_revision_archives_too_when_it_closes(
    harness: Harness,
) -> None:
    """A programme launched before revision 10 archives as it closes on this code (the
    ``archive`` patch); its recorded histories, closed without it, still replay."""
    programme = await Programme.launch(harness, shipped_template("executive-6m"), revision=5)
    await programme.handle.execute_update(ProgrammeWorkflow.withdraw, Withdraw(reason="moved on"))
    await programme.handle.result()
    [closed] = harness.delivered.archived
    assert closed.status is Status.withdrawn
