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
