"""A programme that continues as new many times ends the same, with its whole log."""

from __future__ import annotations

from temporalio.client import WorkflowHandle

from domain.events import Event
from domain.template import Role
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme, shipped
from workflows.messages import ProgrammeOutcome, RunSettings
from workflows.programme import ProgrammeWorkflow


async def _run(
    harness: Harness, settings: RunSettings
) -> tuple[Programme, ProgrammeOutcome, list[Event]]:
    programme = await Programme.launch(harness, shipped("executive-6m"), settings)
    await programme.agree()
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=2)
    await programme.progress("S1", 20)
    await programme.progress("L1", 0)
    await programme.hold_sessions()
    await programme.feedback(Role.employee, Role.manager, Role.coach, score=3)
    await programme.hold_sessions()
    await programme.progress("S1", 90)
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=4)
    await programme.hold_sessions()
    outcome = await programme.handle.result()
    return programme, outcome, await programme.events()


async def _runs(handle: WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome]) -> int:
    """How many runs the chain of continue-as-new went through."""
    client = handle._client
    run_id = handle.first_execution_run_id or handle.result_run_id
    runs = 0
    while run_id:
        runs += 1
        history = await client.get_workflow_handle(handle.id, run_id=run_id).fetch_history()
        last = history.events[-1]
        if last.HasField("workflow_execution_continued_as_new_event_attributes"):
            run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        else:
            run_id = None
    return runs


def _shape(events: list[Event]) -> list[tuple[object, ...]]:
    """The log without wall times and ids, which differ between two programmes.

    The programme clock is compared to the second: the test drives both programmes in
    real time between skips, a few milliseconds apart.
    """
    return [
        (e.seq, e.type, getattr(e, "stage", None), round(e.clock.total_seconds())) for e in events
    ]


async def test_continue_as_new_keeps_outcome_and_whole_log(harness: Harness) -> None:
    plain, plain_outcome, plain_events = await _run(harness, RunSettings())
    chained, outcome, events = await _run(harness, RunSettings(history_limit=60))

    assert await _runs(plain.handle) == 1
    assert await _runs(chained.handle) >= 4
    assert outcome.model_dump(exclude={"programme_id", "ended_at"}) == plain_outcome.model_dump(
        exclude={"programme_id", "ended_at"}
    )
    assert _shape(events) == _shape(plain_events)
