"""Under the time-skipping server: objectives amended mid-programme (progress on the one
removed kept in the history), and the client's expectations recorded at the start, rated
at closure and reported by the final evaluation."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.commands import AmendObjectives, RateExpectations, RecordExpectations
from domain.events import EvaluationRecorded, ObjectiveProgressed, ObjectivesAmended
from domain.reasons import said
from domain.template import EvaluationKind, Role
from domain.view import ProgrammeView
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme, drive_to_completion
from workflows.programme import ProgrammeWorkflow

AMENDMENT = AmendObjectives(
    short_term=("Use the new tool every day",),
    long_term=("Lead the unit",),
    reason="the tool the team adopts changed",
)


async def test_amended_objectives_and_rated_expectations_reach_the_final_evaluation(
    harness: Harness,
) -> None:
    programme = await Programme.launch(harness, shipped_template("change-adoption-3m"))
    # change-adoption-3m records the employee's expectations: only the employee says them
    with pytest.raises(WorkflowUpdateFailedError):
        await programme.handle.execute_update(
            ProgrammeWorkflow.record_expectations,
            RecordExpectations(person_id="S5", expected="the sponsor's words"),
        )
    view = await programme.handle.execute_update(
        ProgrammeWorkflow.record_expectations,
        RecordExpectations(person_id="E123", expected="to be at ease with the tool"),
    )
    assert view.expectations is not None
    assert view.expectations.by is Role.employee
    await programme.agree()
    await programme.progress("S1", 40)
    view = await programme.handle.execute_update(ProgrammeWorkflow.amend_objectives, AMENDMENT)
    assert [(o.id, o.text, o.percent) for o in view.objectives] == [
        ("S2", "Use the new tool every day", None),
        ("L1", "Lead the unit", None),
    ]
    assert [(o.id, o.percent) for o in view.retired_objectives] == [("S1", 40)]
    with pytest.raises(WorkflowUpdateFailedError):  # the same list again: nothing to amend
        await programme.handle.execute_update(ProgrammeWorkflow.amend_objectives, AMENDMENT)
    rated: list[ProgrammeView] = []

    async def rate_at_closure(view: ProgrammeView) -> None:
        if view.stage == "final_evaluation" and not rated:
            # rules 5: checked in after the coaching began, so measured (from 0%)
            await programme.progress("S2", 100)
            await programme.progress("L1", 80)
            rated.append(
                await programme.handle.execute_update(
                    ProgrammeWorkflow.rate_expectations,
                    RateExpectations(person_id="E123", met=4, comment="I use it daily"),
                )
            )

    outcome = await drive_to_completion(programme, rate_at_closure)
    assert rated, "the programme went through its final evaluation stage"
    final = next(e for e in outcome.evaluations if e.kind is EvaluationKind.final)
    assert final.expectations is not None
    assert (final.expectations.expected, final.expectations.met) == (
        "to be at ease with the tool",
        4,
    )
    assert "the employee said their expectations were met: 4/5" in said(final)  # codes, rules 7
    assert final.attainment == 90.0, "S2 and L1 count; S1, removed, does not"

    events = await programme.events()
    (amended,) = [e for e in events if isinstance(e, ObjectivesAmended)]
    assert amended.removed == ("S1",)
    assert ("S1", 40) in [
        (e.objective_id, e.percent) for e in events if isinstance(e, ObjectiveProgressed)
    ]
    recorded = [e.evaluation for e in events if isinstance(e, EvaluationRecorded)]
    assert recorded[-1] == final
    # too late now: the programme is completed (and, with no follow-up, its run closed)
    with pytest.raises((WorkflowUpdateFailedError, RPCError)):
        await programme.handle.execute_update(ProgrammeWorkflow.amend_objectives, AMENDMENT)
