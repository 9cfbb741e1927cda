"""A simulation and a real run of the same template with the same answers give the same
events: types, order, stages and programme-clock times.

The simulation runs first, from the real run's launch time; the real run is then sent
the simulation's inputs at their times, each once the programme is quiet (no activity or
workflow task in flight), as the simulation confirms each delivery before the next input.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from domain.calendar import Kind, calendar_of
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    GiveFeedback,
    NominateRaters,
    Pause,
    RecordProgress,
    RecordSession,
    Resume,
    Withdraw,
)
from domain.events import EvaluationRecorded, Event, ProgrammeLaunched
from domain.scenarios import Scenario, parse_scenario, scenario_named
from domain.simulation import simulate, stage_of_each
from domain.state import Status
from domain.template import Role
from gateway.catalogue import shipped_ids, shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.programme import ProgrammeWorkflow

TEMPLATES = shipped_ids()
SCENARIOS = ("on-time", "silent", "late")
SIGNALS: dict[type[Any], Any] = {
    GiveFeedback: ProgrammeWorkflow.give_feedback,
    RecordSession: ProgrammeWorkflow.record_session,
    RecordProgress: ProgrammeWorkflow.record_progress,
}
UPDATES: dict[type[Any], Any] = {
    AgreeObjectives: ProgrammeWorkflow.agree_objectives,
    Pause: ProgrammeWorkflow.pause,
    Resume: ProgrammeWorkflow.resume,
    Withdraw: ProgrammeWorkflow.withdraw,
    AdvanceStage: ProgrammeWorkflow.advance_stage,
    NominateRaters: ProgrammeWorkflow.nominate_raters,
}
SAME_INSTANT = timedelta(seconds=30)
"""A real run's input lands a moment after the simulation's (the worker's real time)."""

PAUSED = parse_scenario(
    """
name: leave during the coaching
base: on-time
stages:
  assessment:
    answers:
      - {role: employee, at: P2D}
      - {role: manager, at: P5D, score: 2}
      - {role: peer, rater: P9, at: P25D}
  coaching:
    missed: [2]
pauses:
  - {at: P80DT2H, for: P30D, reason: parental leave}
"""
)


STAGGERED = parse_scenario(
    """
name: staggered answers
base: on-time
stages:
  assessment:
    answers:
      - {role: employee, at: P1D}
      - {role: manager, at: P2D, score: 2}
      - {role: peer, rater: P1, at: P5D, score: 4}
      - {role: peer, rater: P2, at: P6D, score: 2}
  final_review:
    answers:
      - {role: peer, rater: P1, at: P3D, score: 5}
      - {role: employee, at: P4D, score: 2}
      - {role: manager, at: P8D, score: 4}
"""
)
"""Issue #24: peers answering on days 5 and 6 once closed the simulated assessment on
day 0 with one peer; a real run waits for every nominee. The final is answered over eight
days, the self-rating below the others'."""


async def quiet(handle: WorkflowHandle[Any, Any]) -> None:
    """Until nothing is in flight for the programme (three looks in a row)."""
    calm = 0
    for _ in range(500):
        raw = (await handle.describe()).raw_description
        busy = raw.pending_activities or raw.HasField("pending_workflow_task")
        calm = 0 if busy else calm + 1
        if calm == 3:
            return
        await asyncio.sleep(0.02)


def timeline(events: list[Event]) -> list[tuple[str, str | None]]:
    return [(e.type, stage) for e, stage in zip(events, stage_of_each(events), strict=True)]


async def compare(harness: Harness, template_id: str, scenario: Scenario) -> list[Event]:
    template = shipped_template(template_id)
    programme = await Programme.launch(harness, template)
    handle = programme.handle
    launched = (await programme.events())[0]
    simulated = simulate(template, scenario, launched.at, programme_id=handle.id)
    assert simulated.state is not None
    assert simulated.refused == []

    for given in simulated.inputs:
        await programme.sleep_until(given.at)
        await quiet(handle)
        command = given.command
        if type(command) in SIGNALS:
            await handle.signal(SIGNALS[type(command)], command)
        else:
            await handle.execute_update(UPDATES[type(command)], command)
        await quiet(handle)
    outcome = await handle.result()
    real = await programme.events()

    assert outcome.status is simulated.state.status
    assert timeline(real) == timeline(simulated.events)
    drift = [
        (r.seq, r.type, r.clock, s.clock)
        for r, s in zip(real, simulated.events, strict=True)
        if abs(r.clock - s.clock) > SAME_INSTANT
    ]
    assert drift == []
    assert verdicts(real) == verdicts(simulated.events)
    return real


def verdicts(events: list[Event]) -> list[tuple[object, ...]]:
    """Each evaluation's kind, verdict and figures: what a coach reads of it."""
    return [
        (
            e.evaluation.kind,
            e.evaluation.verdict,
            e.evaluation.raters,
            e.evaluation.overall,
            e.evaluation.change,
            e.evaluation.trend,
            e.evaluation.attainment,
            e.evaluation.self_gap,
            e.evaluation.evidence.answers if e.evaluation.evidence else None,
        )
        for e in events
        if isinstance(e, EvaluationRecorded)
    ]


async def test_staggered_answers_give_the_same_verdicts_as_the_simulation(
    harness: Harness,
) -> None:
    real = await compare(harness, "executive-6m", STAGGERED)
    baseline = next(
        e.evaluation
        for e in real
        if isinstance(e, EvaluationRecorded) and e.evaluation.kind.value == "baseline"
    )
    assert baseline.evidence is not None
    assert baseline.evidence.answers[Role.peer] == 2  # both peers, days 5 and 6


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("template_id", TEMPLATES)
async def test_simulation_matches_a_real_run(
    harness: Harness, template_id: str, scenario: str
) -> None:
    await compare(harness, template_id, scenario_named(scenario))


async def test_a_scenario_file_with_a_pause_matches_a_real_run(harness: Harness) -> None:
    simulated = simulate(shipped_template("executive-6m"), PAUSED, launched_at())
    assert simulated.state is not None
    assert simulated.state.status is Status.completed
    types = [e.type for e in simulated.events]
    assert "programme_paused" in types
    assert "programme_resumed" in types
    await compare(harness, "executive-6m", PAUSED)


def launched_at() -> Any:
    from datetime import UTC, datetime

    return datetime(2027, 1, 4, 9, tzinfo=UTC)


@pytest.mark.parametrize("template_id", TEMPLATES)
async def test_the_calendar_at_launch_is_the_one_the_simulation_plans(
    harness: Harness, template_id: str
) -> None:
    """Rules 6: a real run's calendar at launch (every stage's sessions and deadlines,
    tentative ahead) is what the simulation plans from the same start."""
    template = shipped_template(template_id)
    programme = await Programme.launch(harness, template)
    events = await programme.events()
    launched = events[0]
    assert isinstance(launched, ProgrammeLaunched)
    simulated = simulate(
        template, scenario_named("on-time"), launched.at, programme_id=launched.programme_id
    )
    at_launch = [e for e in events if e.at == launched.at]
    real = calendar_of(at_launch)
    assert real == simulated.planned
    assert any(e.status == "tentative" for e in real), "later stages planned at launch"
    sessions = [e for e in real if e.kind is Kind.session]
    assert len(sessions) == sum(s.sessions.count for s in template.stages if s.sessions)
