"""executive-6m from launch to completion, then the follow-up 90 days after."""

from __future__ import annotations

from datetime import timedelta

from domain.evaluation import Verdict
from domain.state import Status
from domain.template import EvaluationKind, Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme


async def test_executive_programme_runs_to_completion_and_follow_up(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    view = await programme.agree()
    assert view.stage == "assessment"

    await programme.feedback(Role.employee, Role.manager, Role.peer, score=3)
    assert (await programme.view()).stage == "goals"
    await programme.progress("S1", 10)
    await programme.progress("L1", 0)
    assert (await programme.view()).stage == "coaching"

    held = await programme.hold_sessions()
    assert held == [1, 2, 3, 4]
    assert (await programme.view()).stage == "midpoint"
    await programme.progress("S1", 60)
    await programme.feedback(Role.employee, Role.manager, Role.coach, score=4)
    assert (await programme.view()).stage == "coaching_continued"
    assert await programme.hold_sessions() == [5, 6, 7, 8]
    await programme.progress("S1", 100)
    await programme.progress("L1", 80)
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=4)
    assert (await programme.view()).stage == "closure"
    assert await programme.hold_sessions() == [9]

    view = await programme.view()
    assert view.status is Status.completed
    assert view.stage is None
    completed_at = await programme.now()

    outcome = await programme.handle.result()
    assert outcome.status is Status.completed
    kinds = [e.kind for e in outcome.evaluations]
    assert kinds == [
        EvaluationKind.baseline,
        EvaluationKind.midpoint,
        EvaluationKind.final,
        EvaluationKind.follow_up,
    ]
    final = outcome.evaluations[2]
    assert final.change == 1.0
    assert final.attendance.held == 8
    assert final.verdict is Verdict.on_track

    events = await programme.events()
    types = [e.type for e in events]
    entered = [e.stage for e in events if e.type == "stage_entered"]
    assert entered == [
        "agreement",
        "assessment",
        "goals",
        "coaching",
        "midpoint",
        "coaching_continued",
        "final_review",
        "closure",
    ]
    assert types.count("session_held") == 9
    assert types.count("session_missed") == 0
    assert "escalation_due" not in types
    assert types[-1] == "delivery_confirmed"
    follow_up = next(e for e in events if e.type == "follow_up_closed")
    completed = next(e for e in events if e.type == "programme_completed")
    assert follow_up.clock - completed.clock == timedelta(days=90)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))

    reports = [r.evaluation.kind for _, r in harness.delivered.reports]
    assert reports == kinds
    follow_up_at = harness.delivered.reports[-1][0]
    assert abs(follow_up_at - completed_at - timedelta(days=90)) < timedelta(minutes=1)
    session_reminders = [
        n for _, n in harness.delivered.notifications if n.kind == "session_reminder"
    ]
    assert [n.session_number for n in session_reminders] == list(range(1, 10))
