"""The ``fewer-commands`` patch: what a new run asks of Temporal, and what it no longer does.

Replaying runs recorded before the patch is ``test_replay.py``'s job (tests/histories/v1);
here, runs started with the patch keep their deadline timer while messages leave the
deadline where it was, and skip a search-attribute upsert that repeats the start's. A run
whose input carries its ``revision`` takes that path without recording the patch.
"""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from domain.commands import Employee, Launch
from domain.template import Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows import search_attributes as sa
from workflows.messages import ProgrammeInput
from workflows.programme import FEWER_COMMANDS, ProgrammeWorkflow


def _count(events: list[HistoryEvent], kind: EventType.ValueType) -> int:
    return sum(1 for e in events if e.event_type == kind)


async def _history(programme: Programme) -> list[HistoryEvent]:
    return list((await programme.handle.fetch_history()).events)


async def test_feedback_that_leaves_the_deadline_keeps_the_timer(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()  # assessment: three roles must answer before its deadline
    deadline = (await programme.view()).next_deadline
    before = await _history(programme)

    await programme.feedback(Role.employee, Role.manager)
    view = await programme.view()
    assert view.stage == "assessment"
    assert view.next_deadline == deadline
    after = await _history(programme)

    assert _count(after, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 2 + _count(
        before, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    )
    for kind in (EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_TIMER_CANCELED):
        assert _count(after, kind) == _count(before, kind), EventType.Name(kind)
    # Launched with its revision, the run took this path without a patch marker, and
    # so without the SDK's upsert of TemporalChangeVersion: upserts are the stage's only.
    assert _count(after, EventType.EVENT_TYPE_MARKER_RECORDED) == 0
    upserted = [
        sorted(
            e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        )
        for e in after
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    assert upserted
    assert all(keys == ["ProgrammeStage", "ProgrammeStatus"] for keys in upserted), upserted

    # A message that moves the deadline still moves the timer.
    await programme.feedback(Role.peer)
    assert (await programme.view()).stage == "goals"
    moved = await _history(programme)
    assert _count(moved, EventType.EVENT_TYPE_TIMER_CANCELED) == 1 + _count(
        after, EventType.EVENT_TYPE_TIMER_CANCELED
    )


async def test_no_upsert_repeats_the_search_attributes_set_at_start(harness: Harness) -> None:
    template = shipped_template("change-adoption-3m")
    programme_id = f"{template.id}.E-upsert"
    launch = Launch(
        programme_id=programme_id,
        employee=Employee(id="E-upsert", name="Alice Martin", email="alice@example.com"),
        template=template,
    )
    handle = await harness.env.client.start_workflow(
        ProgrammeWorkflow.run,
        ProgrammeInput(launch=launch),
        id=programme_id,
        task_queue=harness.task_queue,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.PROGRAMME_STATUS, "running"),
                SearchAttributePair(sa.PROGRAMME_STAGE, template.stages[0].key),
            ]
        ),
    )
    harness.started.append(handle)
    programme = Programme(harness, template, handle)
    assert (await programme.view()).stage == template.stages[0].key
    events = await _history(programme)
    upserts = [
        e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        for e in events
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    # An input without a revision (an older starter's) asks the patch: the marker, and
    # the SDK's own record of it (TemporalChangeVersion), are the only upsert.
    assert _count(events, EventType.EVENT_TYPE_MARKER_RECORDED) == 1
    assert [sorted(fields) for fields in upserts] == [["TemporalChangeVersion"]]
    assert FEWER_COMMANDS.encode() in upserts[0]["TemporalChangeVersion"].data

    await programme.agree()
    moved = [
        e
        for e in await _history(programme)
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    assert len(moved) == 2  # the stage moved on: now it is written
