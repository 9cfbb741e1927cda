"""Sessions as appointments (rules 6): a wall time in the programme's time zone, kept
across clock changes and pauses; one session rescheduled or cancelled by agreement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.commands import (
    CancelSession,
    Employee,
    Launch,
    Pause,
    RecordSession,
    RescheduleSession,
    Resume,
    SessionStatus,
    Tick,
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError, TemplateError
from domain.events import Event, SessionsReplanned
from domain.replanning import check_first_session
from domain.rules import CALENDAR, COLLECTION
from domain.state import ProgrammeState
from domain.template_parsing import parse_template

PARIS = ZoneInfo("Europe/Paris")
LAUNCH = datetime(2027, 3, 7, 19, 21, tzinfo=UTC)
"""A Sunday evening, three weeks before the clocks go forward (28 March 2027)."""

WEEKLY = """
id: weekly
version: 1
title: Weekly
dimensions: [motivation]
max_duration: P400D
stages:
  - key: coaching
    sessions: {count: COUNT, every: P7D, weekday: tuesday, at: "09:00", duration: PT1H30M}
    gate: {sessions_held: 1}
"""


def launch(
    count: int = 36, rules: int = CALENDAR, first: datetime | None = None
) -> tuple[ProgrammeState, list[Event]]:
    launched = Launch(
        programme_id="weekly.emp-1",
        employee=Employee(
            id="emp-1", name="Ada", email="ada@example.org", time_zone="Europe/Paris"
        ),
        template=parse_template(WEEKLY.replace("COUNT", str(count))),
        rules=rules,
        first_session=first,
    )
    log, state = decide_and_evolve(None, launched, LAUNCH)
    return state, log


def walls(state: ProgrammeState) -> list[datetime]:
    assert state.stage_progress is not None
    return [state.clock.wall(s.clock).astimezone(PARIS) for s in state.stage_progress.unrecorded]


def test_weekly_tuesday_nine_oclock_stays_at_nine_across_both_clock_changes() -> None:
    state, _ = launch(count=36)  # March to November 2027: both changes
    planned = walls(state)
    assert planned[0] == datetime(2027, 3, 9, 9, 0, tzinfo=PARIS)
    assert all((w.weekday(), w.hour, w.minute) == (1, 9, 0) for w in planned)
    offsets = {w.utcoffset() for w in planned}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}, "both sides of both changes"
    assert planned[-1] > datetime(2027, 10, 31, tzinfo=PARIS)


def test_the_stage_is_due_a_period_after_its_last_session() -> None:
    state, _ = launch(count=4)
    progress = state.stage_progress
    assert progress is not None
    assert progress.due is not None
    assert progress.due >= progress.sessions[-1].clock + timedelta(days=7)


def test_a_first_session_chosen_at_launch_sets_the_calendar() -> None:
    first = datetime(2027, 3, 11, 14, 30, tzinfo=PARIS)  # a Thursday
    state, _ = launch(count=5, first=first)
    planned = walls(state)
    assert planned[0] == first
    assert all((w.weekday(), w.hour, w.minute) == (3, 14, 30) for w in planned)


def test_a_first_session_before_the_start_is_refused_by_the_gateway_left_out_at_launch() -> None:
    template = parse_template(WEEKLY.replace("COUNT", "3"))
    with pytest.raises(DomainError, match="first_session"):
        check_first_session(LAUNCH - timedelta(days=1), LAUNCH, template)
    state, _ = launch(count=3, first=LAUNCH - timedelta(days=1))
    assert state.first_session is None, "a launch never fails in the workflow"
    assert walls(state)[0] == datetime(2027, 3, 9, 9, 0, tzinfo=PARIS)


def test_earlier_rules_keep_the_programme_clock() -> None:
    state, _ = launch(count=3, rules=COLLECTION)
    assert state.stage_progress is not None
    assert [s.clock for s in state.stage_progress.sessions] == [
        timedelta(days=7 * n) for n in (1, 2, 3)
    ]


def test_a_pause_across_three_sessions_moves_them_after_it_and_past_ones_keep_their_dates() -> None:
    state, _ = launch(count=8)
    before = walls(state)
    # session 1 (9 March) is held; session 2 (16 March) took place but is not recorded yet
    state = decide_and_evolve(
        state, RecordSession(number=1, status=SessionStatus.held), before[0]
    ).state
    paused_at = datetime(2027, 3, 17, 12, 0, tzinfo=PARIS)
    state = decide_and_evolve(state, Pause(reason="leave"), paused_at).state
    resumed_at = datetime(2027, 4, 8, 23, 30, tzinfo=PARIS)  # three Tuesdays later, late
    events, state = decide_and_evolve(state, Resume(), resumed_at)
    assert any(isinstance(e, SessionsReplanned) for e in events)
    after = {s.number: state.session_date(s).astimezone(PARIS) for s in _slots(state)}
    assert after[2] == before[1], "a session past when the pause began keeps its date"
    moved = [after[n] for n in range(3, 9)]
    assert moved[0] == datetime(2027, 4, 13, 9, 0, tzinfo=PARIS), "the first Tuesday after"
    assert all(w > resumed_at for w in moved)
    assert all((w.weekday(), w.hour, w.minute) == (1, 9, 0) for w in moved)
    assert state.stage_progress is not None
    assert state.stage_progress.dated[1] == before[0], "a held session keeps its date"


def _slots(state: ProgrammeState) -> list:  # type: ignore[type-arg]
    assert state.stage_progress is not None
    return list(state.stage_progress.sessions)


@settings(max_examples=40, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=200 * 24),
    length=st.integers(min_value=1, max_value=60 * 24),
)
def test_a_pause_never_leaves_a_session_ahead_inside_it_or_off_its_wall_time(
    start: int, length: int
) -> None:
    state, _ = launch(count=30)
    paused_at = LAUNCH + timedelta(hours=start)
    resumed_at = paused_at + timedelta(hours=length)
    state = decide_and_evolve(state, Pause(reason="leave"), paused_at).state
    if state.stage_progress is None:
        return  # the stage closed before the pause
    planned = {s.number: state.clock.wall(s.clock) for s in state.stage_progress.unrecorded}
    state = decide_and_evolve(state, Resume(), resumed_at).state
    if state.stage_progress is None:
        return
    for slot in state.stage_progress.unrecorded:
        wall = state.session_date(slot)
        if planned[slot.number] <= paused_at:
            assert wall == planned[slot.number]
        else:
            assert wall > resumed_at
            local = wall.astimezone(PARIS)
            assert (local.weekday(), local.hour, local.minute) == (1, 9, 0)


def test_one_session_rescheduled_and_one_cancelled() -> None:
    state, _ = launch(count=4)
    to = datetime(2027, 3, 25, 10, 0, tzinfo=PARIS)
    now = LAUNCH + timedelta(days=1)
    state = decide_and_evolve(
        state, RescheduleSession(number=2, to=to, reason="a board meeting"), now
    ).state
    assert walls(state)[1] == to
    state = decide_and_evolve(state, CancelSession(number=3, reason="agreed"), now).state
    assert state.stage_progress is not None
    assert 3 in state.stage_progress.cancelled
    assert [s.number for s in state.stage_progress.unrecorded] == [1, 2, 4]
    with pytest.raises(DomainError, match="cancelled"):
        decide_and_evolve(state, RecordSession(number=3, status=SessionStatus.held), now)
    # the stage closes with the cancelled session neither held nor missed
    state = decide_and_evolve(state, Tick(), LAUNCH + timedelta(days=80)).state
    assert (state.held, state.missed) == (0, 3)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (RescheduleSession(number=2, to=LAUNCH - timedelta(hours=1), reason="x"), "is past"),
        (RescheduleSession(number=9, to=LAUNCH + timedelta(days=3), reason="x"), "not in"),
        (RescheduleSession(number=2, to=LAUNCH + timedelta(days=3), reason="é" * 600), "reason"),
        (CancelSession(number=9, reason="x"), "not in the current stage"),
    ],
)
def test_a_change_the_rules_refuse_names_why(command: object, message: str) -> None:
    state, _ = launch(count=4)
    with pytest.raises(DomainError, match=message):
        decide_and_evolve(state, command, LAUNCH + timedelta(minutes=1))  # type: ignore[arg-type]


def test_earlier_rules_refuse_a_reschedule() -> None:
    state, _ = launch(count=3, rules=COLLECTION)
    with pytest.raises(DomainError, match="rules"):
        decide_and_evolve(
            state,
            RescheduleSession(number=1, to=LAUNCH + timedelta(days=3), reason="x"),
            LAUNCH + timedelta(minutes=1),
        )


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ('{count: 2, every: P10D, weekday: tuesday, at: "09:00"}', "whole weeks"),
        ("{count: 2, every: P7D, weekday: tuesday}", "weekday needs at"),
        ("{count: 2, every: P7D, at: 10:00}", "valid string"),
        ('{count: 2, every: P7D, at: "9h"}', "pattern"),
        ('{count: 2, every: P7D, at: "09:00", duration: PT9H}', "PT8H"),
    ],
)
def test_a_calendar_template_refused_names_the_rule(sessions: str, message: str) -> None:
    text = WEEKLY.replace(
        '{count: COUNT, every: P7D, weekday: tuesday, at: "09:00", duration: PT1H30M}', sessions
    )
    with pytest.raises(TemplateError, match=message):
        parse_template(text)
