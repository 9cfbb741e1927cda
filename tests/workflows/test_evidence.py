"""Rules 5 in a running programme: the follow-up collects and may be withdrawn while it
waits; an answer for a later stage is refused before that stage's window. Rules 8: the
follow-up reminds the people who rated the final, without a nomination by hand."""

from __future__ import annotations

from datetime import timedelta

from domain.commands import GiveFeedback, Withdraw
from domain.notices import NoticeKind
from domain.reasons import said
from domain.state import Status
from domain.template import EvaluationKind, Role
from domain.verdict import Verdict
from domain.view import ProgrammeView
from gateway.catalogue import shipped_template as shipped
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme, drive_to_completion
from workflows.programme import ProgrammeWorkflow


class Completed(Exception):
    """Raised by the drive's hook when the programme completed: its follow-up waits."""


async def _stop_at_completion(view: ProgrammeView) -> None:
    if view.status is Status.completed:
        raise Completed


async def completed(harness: Harness) -> Programme:
    programme = await Programme.launch(harness, shipped("executive-6m"))
    try:
        await drive_to_completion(programme, _stop_at_completion)
    except Completed:
        return programme
    raise AssertionError("the programme ended without waiting for its follow-up")


async def test_the_follow_up_takes_answers_and_progress_after_completion(
    harness: Harness,
) -> None:
    programme = await completed(harness)
    view = await programme.view()
    assert view.status is Status.completed
    assert view.next_deadline is not None
    await programme.sleep_until(
        view.next_deadline - (view.next_deadline - await programme.now()) / 2
    )
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=4)
    for objective in view.objectives:
        await programme.progress(objective.id, 100)
    outcome = await programme.handle.result()
    assert outcome.status is Status.completed
    follow_up = outcome.evaluations[-1]
    assert follow_up.kind is EvaluationKind.follow_up
    assert follow_up.raters == 3
    assert follow_up.evidence is not None
    assert follow_up.evidence.answers == {Role.employee: 1, Role.manager: 1, Role.peer: 1}
    assert follow_up.attainment == 100.0
    assert follow_up.verdict is not Verdict.insufficient_evidence, follow_up.reasons


async def test_the_follow_up_reminds_who_rated_the_final_and_they_may_answer(
    harness: Harness,
) -> None:
    programme = await completed(harness)
    view = await programme.view()
    assert view.follow_up_due is not None
    await programme.sleep_until(view.follow_up_due - timedelta(days=3))
    reminders = [
        n
        for _, n in harness.delivered.notifications
        if n.kind is NoticeKind.reminder and n.stage is None
    ]
    assert len(reminders) == 1  # 7 days before (executive-6m's final), not yet 2 days before
    (reminder,) = reminders
    assert reminder.to == (Role.employee, Role.manager, Role.peer)
    assert reminder.raters == {Role.peer: ("peer-1",)}  # nominated by the programme itself
    assert reminder.due_at == view.follow_up_due
    # the peer who rated the final answers the follow-up without being nominated again
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(
            role=Role.peer,
            rater_id="peer-1",
            scores=dict.fromkeys(programme.template.dimensions, 4),
        ),
    )
    outcome = await programme.handle.result()
    follow_up = outcome.evaluations[-1]
    assert follow_up.kind is EvaluationKind.follow_up
    assert follow_up.evidence is not None
    assert follow_up.evidence.answers == {Role.peer: 1}
    second = [
        n
        for _, n in harness.delivered.notifications
        if n.kind is NoticeKind.reminder and n.stage is None
    ][1:]
    assert [n.to for n in second] == [(Role.employee, Role.manager)]


async def test_a_programme_waiting_for_its_follow_up_may_be_withdrawn(harness: Harness) -> None:
    programme = await completed(harness)
    view = await programme.handle.execute_update(
        ProgrammeWorkflow.withdraw, Withdraw(reason="left the company")
    )
    assert view.status is Status.withdrawn
    outcome = await programme.handle.result()
    assert outcome.status is Status.withdrawn
    follow_up = outcome.evaluations[-1]
    assert follow_up.kind is EvaluationKind.follow_up
    assert follow_up.verdict is Verdict.insufficient_evidence
    assert said(follow_up)[0].startswith("ended early: withdrawn on day ")  # codes under rules 7
    assert harness.delivered.reports[-1][1].evaluation == follow_up


async def test_an_answer_for_the_final_is_refused_before_its_window(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped("change-adoption-3m"))
    scores = dict.fromkeys(programme.template.dimensions, 5)
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(role=Role.employee, rater_id="E123", scores=scores, stage="final_evaluation"),
    )
    view = await programme.view()
    (rejection,) = view.rejections
    assert "final_evaluation takes answers from" in rejection.reason
    assert "14 days before it is planned to open" in rejection.reason
    assert view.stage == "kickoff"
