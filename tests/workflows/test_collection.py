"""Rules 4 under the time-skipping server: a feedback stage collects until every nominee
answered or its due date, answers kept for a later stage count for it, and a programme
launched under rules 3 closes at the first quorum as it always did."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.commands import Employee, GiveFeedback, Launch, NominateRaters, Nominee
from domain.events import (
    CollectionDue,
    EscalationDue,
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    StageCompleted,
)
from domain.template import EvaluationKind, Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.messages import PEOPLE_REVISION, ProgrammeInput
from workflows.programme import ProgrammeWorkflow

HOUR = timedelta(hours=1)


async def _answer(programme: Programme, role: Role, rater: str, stage: str | None = None) -> None:
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(
            role=role,
            rater_id=rater,
            scores=dict.fromkeys(programme.template.dimensions, 4),
            stage=stage,
        ),
    )


async def _nominate(programme: Programme, *peers: str, stage: str | None = None) -> None:
    await programme.handle.execute_update(
        ProgrammeWorkflow.nominate_raters,
        NominateRaters(stage=stage, raters=tuple(Nominee(role=Role.peer, id=p) for p in peers)),
    )


def _baseline(events: list[Event]) -> EvaluationRecorded:
    return next(
        e
        for e in events
        if isinstance(e, EvaluationRecorded) and e.evaluation.kind is EvaluationKind.baseline
    )


async def test_a_fourth_baseline_answer_counts_for_the_baseline(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    await _nominate(programme, "P1", "P2")
    await _answer(programme, Role.employee, "E123")
    await _answer(programme, Role.manager, "M3")
    await _answer(programme, Role.peer, "P1")
    view = await programme.view()
    assert view.stage == "assessment"  # the quorum is met; P2 is still asked
    assert view.waiting_on == (Role.peer,)
    assert "P2" not in view.model_dump_json()
    await _answer(programme, Role.peer, "P2")  # the fourth answer
    view = await programme.view()
    assert view.stage == "goals", view.missing
    baseline = _baseline(await programme.events()).evaluation
    assert baseline.stage == "assessment"
    assert baseline.raters == 4
    assert baseline.scores[0].raters == {Role.employee: 1, Role.manager: 1, Role.peer: 2}
    (shown,) = view.evaluations  # two peers: still under the minimum of three
    assert shown.withheld == {Role.peer: 2}


async def test_an_answer_given_before_its_stage_opened_counts_for_that_stage(
    harness: Harness,
) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    assert (await programme.view()).stage == "agreement"
    await _nominate(programme, "P1", stage="assessment")
    await _answer(programme, Role.peer, "P1", stage="assessment")
    await _answer(programme, Role.employee, "E123", stage="assessment")
    await _answer(programme, Role.peer, "P1", stage="goals")  # no feedback there: refused
    view = await programme.view()
    assert view.stage == "agreement"
    assert [r.reason for r in view.rejections] == [
        "stage: goals does not take feedback; feedback is taken in assessment, midpoint, "
        "final_review"
    ]
    await programme.agree()
    view = await programme.view()
    assert view.stage == "assessment"
    assert view.waiting_on == (Role.manager,)  # the kept answers count for its gate
    await _answer(programme, Role.manager, "M3")
    view = await programme.view()
    assert view.stage == "goals", view.missing
    events = await programme.events()
    kept = [e for e in events if isinstance(e, FeedbackReceived)]
    assert [(e.rater_id, e.stage) for e in kept] == [
        ("P1", "assessment"),
        ("E123", "assessment"),
        ("M3", "assessment"),
    ]
    assert _baseline(events).evaluation.raters == 3


async def test_the_stage_closes_at_the_due_date_with_quorum_met_and_not_all_nominees_answered(
    harness: Harness,
) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    await _nominate(programme, "P1", "P2", "P3")
    await _answer(programme, Role.employee, "E123")
    await _answer(programme, Role.manager, "M3")
    await _answer(programme, Role.peer, "P1")
    view = await programme.view()
    assert view.stage == "assessment"
    due = view.stage_due
    assert due is not None
    await programme.sleep_until(due + HOUR)
    view = await programme.view()
    assert view.stage == "goals", view.missing
    events = await programme.events()
    (closing,) = [e for e in events if isinstance(e, CollectionDue)]
    assert closing.stage == "assessment"
    assert closing.at == due
    assert (closing.answered, closing.nominees, closing.quorum_met) == (3, 5, True)
    done = next(e for e in events if isinstance(e, StageCompleted) and e.stage == "assessment")
    assert done.at == due
    assert not [e for e in events if isinstance(e, EscalationDue) and e.stage == "assessment"]
    assert _baseline(events).evaluation.raters == 3


async def test_a_rules_3_programme_closes_at_the_first_quorum_as_before(harness: Harness) -> None:
    template = shipped_template("executive-6m")
    programme_id = f"{template.id}.E{uuid.uuid4().hex[:8]}"
    launch = Launch(
        programme_id=programme_id,
        employee=Employee(id="E123", name="Alice Martin", email="alice@example.com"),
        template=template,
        coach_id="C7",
        manager_id="M3",
    )
    handle = await harness.env.client.start_workflow(
        ProgrammeWorkflow.run,
        ProgrammeInput(launch=launch, revision=PEOPLE_REVISION),
        id=programme_id,
        task_queue=harness.task_queue,
    )
    harness.started.append(handle)
    programme = Programme(harness, template, handle)
    await programme.agree()
    await _nominate(programme, "P1", "P2")
    await _answer(programme, Role.peer, "P1", stage="midpoint")  # rules 3: no kept answers
    await _answer(programme, Role.employee, "E123")
    await _answer(programme, Role.manager, "M3")
    await _answer(programme, Role.peer, "P1")
    view = await programme.view()
    assert view.stage == "goals", view.missing  # at the first quorum, P2 not waited for
    await _answer(programme, Role.peer, "P2")  # too late for the assessment
    events = await programme.events()
    assert events[0].type == "programme_launched"
    assert events[0].rules == 3  # type: ignore[union-attr]
    assert not [e for e in events if isinstance(e, CollectionDue)]
    assert _baseline(events).evaluation.raters == 3
    reasons = [r.reason for r in (await programme.view()).rejections]
    assert len(reasons) == 2
    assert "follows rules 3" in reasons[0]
    assert "not nominated as peer for stage goals" in reasons[1]
