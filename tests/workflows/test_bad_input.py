"""Duplicates count once; bad input is refused clearly and never wedges a programme."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from temporalio.client import WorkflowUpdateFailedError

from domain.commands import AgreeObjectives, GiveFeedback, Resume
from domain.state import Status
from domain.template import Dimension, Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.programme import ProgrammeWorkflow


async def test_same_feedback_twice_with_one_key_counts_once(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    await programme.feedback(Role.peer, key="survey-42")
    await programme.feedback(Role.peer, key="survey-42")
    events = await programme.events()
    assert [e.type for e in events].count("feedback_received") == 1
    receipt = await programme.handle.query(ProgrammeWorkflow.receipt, "survey-42")
    assert receipt.outcome == "applied"


def test_scores_roles_and_dimensions_are_checked_at_the_edge() -> None:
    """The edge checks what holds for every framework: a score on the widest scale, a
    known role, a dimension key's shape; the programme checks its own scale and dimensions
    (``test_malformed_and_refused_signals_leave_the_programme_running``)."""
    with pytest.raises(ValidationError, match=r"scores\.motivation[\s\S]*less than or equal to 10"):
        GiveFeedback.model_validate(
            {"role": "peer", "rater_id": "P1", "scores": {"motivation": 11}}
        )
    with pytest.raises(ValidationError, match=r"role[\s\S]*'employee', 'coach'"):
        GiveFeedback.model_validate({"role": "ceo", "rater_id": "P1", "scores": {"motivation": 3}})
    with pytest.raises(ValidationError, match=r"scores\.Charisma"):
        GiveFeedback.model_validate({"role": "peer", "rater_id": "P1", "scores": {"Charisma": 3}})


async def test_malformed_and_refused_signals_leave_the_programme_running(
    harness: Harness,
) -> None:
    programme = await Programme.launch(harness, shipped_template("change-adoption-3m"))
    await programme.agree()
    before = (await programme.view()).events

    # Payloads no edge validated: refused, kept without their content; the workflow runs on.
    for raw in (
        {"type": "give_feedback", "role": "peer", "rater_id": "P1", "scores": {"motivation": 11}},
        {"type": "give_feedback", "role": "ceo", "rater_id": "P1", "scores": {"motivation": 3}},
        {"nonsense": True},
    ):
        await programme.handle.signal("give_feedback", raw)
    # Well formed, but off the programme's scale, or a dimension this template does not
    # assess: refused by the domain, naming the scale and the dimension.
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(
            role=Role.manager, rater_id="M3", scores={Dimension.motivation: 9}, key="bad-score"
        ),
    )
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(
            role=Role.manager, rater_id="M3", scores={Dimension.strengths: 4}, key="bad-dim"
        ),
    )
    view = await programme.view()
    assert view.status is Status.running
    assert view.events == before
    assert [r.key for r in view.rejections] == [None, None, None, "bad-score", "bad-dim"]
    for malformed in view.rejections[:3]:
        assert malformed.reason.startswith("refused: the give_feedback message does not decode")
        assert "ceo" not in malformed.reason
        assert "nonsense" not in malformed.reason
    assert "must be 1..5 (the programme's scale), got 9" in view.rejections[3].reason
    assert "'strengths' is not assessed by this programme" in view.rejections[4].reason
    receipt = await programme.handle.query(ProgrammeWorkflow.receipt, "bad-dim")
    assert receipt.outcome == "rejected"

    # It still takes good input.
    await programme.feedback(Role.employee, Role.manager)
    assert (await programme.view()).stage == "check_ins"


async def test_refused_updates_reach_the_caller_and_leave_no_event(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    before = await programme.events()

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await programme.handle.execute_update(
            ProgrammeWorkflow.agree_objectives,
            AgreeObjectives(short_term=["again"], long_term=["again"]),
        )
    assert "objectives are already agreed" in str(refused.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await programme.handle.execute_update(ProgrammeWorkflow.resume, Resume())
    assert "not paused" in str(refused.value.cause)

    assert await programme.events() == before
    history = await programme.handle.fetch_history()
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert len(accepted) == 1, "refused updates are not written to history"
