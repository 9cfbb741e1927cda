"""Sessions in the view and the calendar: held, missed, planned, and not needed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.calendar import calendar_of
from domain.commands import Employee, Launch, RecordSession, SessionStatus, Tick
from domain.decider import decide_and_evolve
from domain.events import Event
from domain.rules import RULES
from domain.state import ProgrammeState
from domain.template_parsing import parse_template
from domain.view import view_of

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def coaching(sessions_held: int, day: int = 29) -> tuple[ProgrammeState, list[Event]]:
    """Three weekly sessions, the first two held; a gate that also waits on progress, so
    the stage is still open after its calendar closed."""
    template = parse_template(
        f"""
id: sessions
version: 1
title: Sessions
dimensions: [motivation]
max_duration: P90D
stages:
  - key: coaching
    sessions: {{count: 3, every: P7D}}
    gate: {{sessions_held: {sessions_held}, progress_recorded: true}}
"""
    )
    launch = Launch(
        programme_id="sessions.emp-1",
        employee=Employee(id="emp-1", name="Ada", email="ada@example.org"),
        template=template,
        rules=RULES,
    )
    log, state = decide_and_evolve(None, launch, T0)
    for number in (1, 2):
        command = RecordSession(number=number, status=SessionStatus.held)
        events, state = decide_and_evolve(state, command, T0 + timedelta(days=7 * number))
        log += events
    events, state = decide_and_evolve(state, Tick(), T0 + timedelta(days=day))
    log += events
    assert state.stage_progress is not None, "the stage waits on progress"
    return state, log


def test_a_session_not_needed_reads_not_needed_not_missed() -> None:
    state, log = coaching(sessions_held=2)
    view = view_of(state, T0 + timedelta(days=29))
    assert [(s.number, s.status) for s in view.sessions] == [
        (1, "held"),
        (2, "held"),
        (3, "not_needed"),
    ]
    assert (view.held, view.missed) == (2, 0)
    statuses = {e.title: e.status for e in calendar_of(log)}
    assert statuses["session 3"] == "not_needed"


def test_a_session_still_needed_and_left_unrecorded_is_missed() -> None:
    state, log = coaching(sessions_held=3)
    view = view_of(state, T0 + timedelta(days=29))
    assert [s.status for s in view.sessions] == ["held", "held", "missed"]
    assert (view.held, view.missed) == (2, 1)
    assert {e.title: e.status for e in calendar_of(log)}["session 3"] == "missed"


def test_before_the_calendar_closes_a_session_past_the_quota_is_planned() -> None:
    state, _ = coaching(sessions_held=2, day=15)
    view = view_of(state, T0 + timedelta(days=15))
    assert [s.status for s in view.sessions] == ["held", "held", "planned"]
