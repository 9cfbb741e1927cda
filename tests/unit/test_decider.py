"""Scenario tests of the decider: decide/evolve driven with explicit wall times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import ValidationError

from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Command,
    Employee,
    GiveFeedback,
    Launch,
    Pause,
    RecordDelivery,
    RecordProgress,
    RecordSession,
    Resume,
    SessionStatus,
    Tick,
    Withdraw,
)
from domain.decider import decide
from domain.errors import DomainError
from domain.evaluation import Verdict
from domain.events import (
    EVENT_LIST,
    EscalationDue,
    EvaluationRecorded,
    Event,
    ObjectivesAgreed,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammeResumed,
    ReminderDue,
    SessionMissed,
    SessionReminderDue,
    SessionSlot,
    StageCompleted,
    StageEntered,
)
from domain.evolve import apply, fold
from domain.schedule import next_wake
from domain.state import ProgrammeState, Status
from domain.template import Dimension, EvaluationKind, Role, Template
from domain.template_parsing import parse_template
from domain.view import view_of

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
M, A = Dimension.motivation, Dimension.adaptability
EMPLOYEE = Employee(id="emp-1", name="Ada Lovelace", email="ada@example.org")

TEMPLATE = parse_template(
    """
id: scenario
version: 1
title: Scenario programme
dimensions: [motivation, adaptability]
max_duration: P90D
stages:
  - key: agreement
    due: P10D
    gate: {objectives_agreed: true}
    remind_before_due: [P5D, P2D]
    escalate_after_due:
      - {after: P0D, to: coach}
      - {after: P3D, to: manager}
      - {after: P7D, to: hr}
  - key: assessment
    due: P7D
    gate: {feedback: {roles: [employee, manager], quorum: 2}}
    remind_before_due: [P2D]
    escalate_after_due: [{after: P1D, to: manager}]
    evaluation: baseline
  - key: coaching
    sessions: {count: 3, every: P7D, remind_before: [P1D]}
    gate: {sessions_held: 2}
  - key: review
    due: P7D
    gate:
      feedback: {roles: [employee, manager], quorum: 2}
      progress_recorded: true
    evaluation: final
follow_up: {after: P30D}
"""
)

E = TypeVar("E")


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def of(events: Sequence[Any], cls: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, cls)]


def types(events: Sequence[Event]) -> list[str]:
    return [e.type for e in events]


def timeline(events: Sequence[Event]) -> list[tuple[int, str, timedelta]]:
    """What the log says happened on the programme clock, whatever the wall time of the tick."""
    return [(e.seq, e.type, e.clock) for e in events]


class Programme:
    """A programme driven by hand: every command at an explicit wall time."""

    def __init__(
        self,
        template: Template = TEMPLATE,
        *,
        at: datetime = T0,
        start: datetime | None = None,
        key: str | None = None,
    ) -> None:
        launch = Launch(
            programme_id="prog-1",
            employee=EMPLOYEE,
            template=template,
            coach_id="coach-1",
            manager_id="mgr-1",
            start=start,
            key=key,
        )
        self.log: list[Event] = decide(None, launch, at)
        self.state: ProgrammeState = fold(self.log)

    def do(self, command: Command, at: datetime) -> list[Event]:
        events = decide(self.state, command, at)
        state = apply(self.state, events)
        assert state is not None
        self.state = state
        self.log.extend(events)
        return events

    def status(self) -> Status:
        """A call, not an attribute: mypy would keep an asserted status narrowed across ticks."""
        return self.state.status

    def tick(self, at: datetime) -> list[Event]:
        return self.do(Tick(), at)

    def wake(self) -> list[Event]:
        """Tick exactly when the programme asked to be woken."""
        wake = next_wake(self.state)
        assert wake is not None
        return self.tick(wake)

    def run_timers(self, until: datetime) -> list[Event]:
        """Tick at every wake-up up to ``until``, as a punctual workflow would."""
        fired: list[Event] = []
        while (wake := next_wake(self.state)) is not None and wake <= until:
            fired += self.tick(wake)
        return fired

    def refused(self, command: Command, at: datetime) -> str:
        before = self.state.model_copy(deep=True)
        with pytest.raises(DomainError) as info:
            decide(self.state, command, at)
        assert self.state == before
        return str(info.value)


def feedback(role: Role, rater: str, scores: dict[str, int], **kw: Any) -> GiveFeedback:
    return GiveFeedback(role=role, rater_id=rater, scores=scores, **kw)


def agree(**kw: Any) -> AgreeObjectives:
    return AgreeObjectives(
        short_term=("Lead the weekly meeting", "Delegate the budget"),
        long_term=("Become head of unit",),
        **kw,
    )


def to_coaching(p: Programme) -> None:
    """Agreement at day 1, assessment done at day 3: coaching entered at clock 3d."""
    p.do(agree(), day(1))
    p.do(feedback(Role.employee, "emp-1", {M: 3, A: 2}), day(2))
    p.do(feedback(Role.manager, "mgr-1", {M: 2, A: 2}), day(3))
    assert p.state.stage_progress is not None
    assert p.state.stage_progress.key == "coaching"


# ---------------------------------------------------------------- launch


def test_launch_starts_the_clock_and_enters_the_first_stage() -> None:
    p = Programme()
    assert types(p.log) == ["programme_launched", "programme_started", "stage_entered"]
    assert [e.seq for e in p.log] == [1, 2, 3]
    assert all(e.at == T0 and e.clock == timedelta(0) for e in p.log)
    (entered,) = of(p.log, StageEntered)
    assert (entered.stage, entered.index, entered.due) == ("agreement", 0, days(10))
    assert p.status() is Status.running
    assert p.state.stage_progress is not None
    assert p.state.stage_progress.key == "agreement"
    assert p.state.template == TEMPLATE
    assert next_wake(p.state) == day(5)  # the first reminder, five days before due


def test_launch_with_a_later_start_waits_for_it() -> None:
    p = Programme(start=day(2))
    assert types(p.log) == ["programme_launched"]
    (launched,) = of(p.log, ProgrammeLaunched)
    assert launched.starts_at == day(2)
    assert p.status() is Status.scheduled
    assert next_wake(p.state) == day(2)
    assert p.tick(day(1)) == []
    assert types(p.tick(day(2))) == ["programme_started", "stage_entered"]
    assert p.status() is Status.running
    assert next_wake(p.state) == day(2 + 5)


def test_a_start_in_the_past_starts_at_launch() -> None:
    p = Programme(at=day(3), start=day(1))
    (launched,) = of(p.log, ProgrammeLaunched)
    assert launched.starts_at == day(3)
    assert p.status() is Status.running


def test_objectives_agreed_before_the_start_open_the_first_gate_at_once() -> None:
    p = Programme(start=day(2))
    assert types(p.do(agree(), day(1))) == ["objectives_agreed"]
    events = p.tick(day(2))
    assert types(events) == [
        "programme_started",
        "stage_entered",
        "stage_completed",
        "stage_entered",
    ]
    assert p.state.stage_progress is not None
    assert p.state.stage_progress.key == "assessment"


def test_late_first_tick_still_starts_the_stage_at_clock_zero() -> None:
    """The log reads the same however late the worker woke up."""
    punctual = Programme(start=day(2))
    punctual.run_timers(until=day(9))
    late = Programme(start=day(2))
    late.tick(day(9))
    assert timeline(late.log) == timeline(punctual.log)
    (entered,) = of(late.log, StageEntered)
    assert (entered.clock, entered.due) == (timedelta(0), days(10))


# ---------------------------------------------------------------- happy path


def test_happy_path_through_every_stage() -> None:
    p = Programme()

    events = p.do(agree(), day(1))
    assert types(events) == ["objectives_agreed", "stage_completed", "stage_entered"]
    (agreed,) = of(events, ObjectivesAgreed)
    assert [(o.id, o.horizon) for o in agreed.objectives] == [
        ("S1", "short_term"),
        ("S2", "short_term"),
        ("L1", "long_term"),
    ]
    (entered,) = of(events, StageEntered)
    assert (entered.stage, entered.clock, entered.due) == ("assessment", days(1), days(8))

    assert types(p.do(feedback(Role.employee, "emp-1", {M: 3, A: 2}), day(2))) == [
        "feedback_received"
    ]
    view = view_of(p.state, day(2))
    assert view.waiting_on == (Role.manager,)
    assert view.missing == (
        "feedback from 2 of employee, manager on every dimension; have 1, lacking manager",
    )

    events = p.do(feedback(Role.manager, "mgr-1", {M: 2, A: 2}), day(3))
    assert types(events) == [
        "feedback_received",
        "evaluation_recorded",
        "stage_completed",
        "stage_entered",
    ]
    (baseline,) = of(events, EvaluationRecorded)
    assert baseline.evaluation.kind is EvaluationKind.baseline
    assert baseline.evaluation.stage == "assessment"
    assert baseline.evaluation.overall == 2.25
    assert baseline.evaluation.expected_attainment == 5.77  # day 3 of the 52 planned
    (entered,) = of(events, StageEntered)
    assert (entered.stage, entered.clock, entered.due) == ("coaching", days(3), days(31))
    assert entered.sessions == (
        SessionSlot(number=1, clock=days(10)),
        SessionSlot(number=2, clock=days(17)),
        SessionSlot(number=3, clock=days(24)),
    )

    assert next_wake(p.state) == day(9)
    (reminder,) = p.wake()
    assert isinstance(reminder, SessionReminderDue)
    assert (reminder.number, reminder.clock, reminder.session_clock, reminder.before) == (
        1,
        days(9),
        days(10),
        days(1),
    )
    assert reminder.to == (Role.employee, Role.coach)
    assert reminder.delivery_id in p.state.pending_deliveries

    assert types(p.do(RecordSession(number=1, status=SessionStatus.held), day(10))) == [
        "session_held"
    ]
    # the reminder for session 2 falls due before the command: it is caught up first
    events = p.do(RecordSession(number=2, status=SessionStatus.held), day(17))
    assert types(events) == ["session_reminder_due", "session_held"]
    assert [e.clock for e in events] == [days(16), days(17)]
    # gate open (2 held) but session 3 is still to be recorded: the stage goes on
    assert p.state.stage_progress is not None
    assert p.state.stage_progress.key == "coaching"

    events = p.do(RecordSession(number=3, status=SessionStatus.missed), day(24.5))
    assert types(events) == [
        "session_reminder_due",
        "session_missed",
        "stage_completed",
        "stage_entered",
    ]
    (entered,) = of(events, StageEntered)
    assert (entered.stage, entered.clock, entered.due) == ("review", days(24.5), days(31.5))

    p.do(RecordProgress(objective_id="S1", percent=100), day(25))
    p.do(RecordProgress(objective_id="S2", percent=50), day(25))
    p.do(RecordProgress(objective_id="L1", percent=30), day(25))
    p.do(feedback(Role.employee, "emp-1", {M: 4, A: 4}), day(26))
    events = p.do(feedback(Role.manager, "mgr-1", {M: 3, A: 4}), day(26))
    assert types(events) == [
        "feedback_received",
        "evaluation_recorded",
        "stage_completed",
        "programme_completed",
    ]
    (final,) = of(events, EvaluationRecorded)
    assert final.evaluation.kind is EvaluationKind.final
    assert final.evaluation.overall == 3.75
    assert final.evaluation.baseline_overall == 2.25
    assert final.evaluation.change == 1.5
    assert final.evaluation.attainment == 60.0
    assert final.evaluation.expected_attainment == 100.0
    assert (final.evaluation.attendance.held, final.evaluation.attendance.missed) == (2, 1)
    assert final.evaluation.verdict is Verdict.at_risk
    assert final.evaluation.reasons == (
        "attendance 67%: 2 of 3 sessions held, under 75%",
        "objectives at 60%, 40 points behind plan (expected 100% at the final evaluation)",
        "scores are up 1.50 since the baseline (like for like: the same 2 raters)",
    )
    (completed,) = of(events, ProgrammeCompleted)
    assert completed.follow_up_due == days(56)

    assert p.status() is Status.completed
    assert not p.state.ended  # the follow-up is still to come
    assert p.state.stages_done == 4
    assert next_wake(p.state) == day(56)

    events = p.wake()
    assert types(events) == ["evaluation_recorded", "follow_up_closed"]
    assert of(events, EvaluationRecorded)[0].evaluation.kind is EvaluationKind.follow_up
    assert all(e.clock == days(56) for e in events)
    assert p.state.ended
    assert next_wake(p.state) is None

    # three session reminders and three evaluation reports are still to be delivered
    assert len(p.state.pending_deliveries) == 6
    assert not p.state.finished
    for delivery_id in p.state.pending_deliveries:
        (confirmed,) = p.do(RecordDelivery(delivery_id=delivery_id, delivered=True), day(57))
        assert confirmed.type == "delivery_confirmed"
    assert p.state.pending_deliveries == ()
    assert p.state.finished

    assert fold(p.log) == p.state
    assert [e.seq for e in p.log] == list(range(1, len(p.log) + 1))
    assert EVENT_LIST.validate_json(EVENT_LIST.dump_json(p.log)) == p.log


def test_stage_evaluation_and_completion_carry_the_command_key() -> None:
    p = Programme()
    events = p.do(agree(key="agree-1"), day(1))
    assert [e.key for e in events] == ["agree-1"] * 3


def test_advance_stage_forces_a_closed_gate() -> None:
    p = Programme()
    events = p.do(AdvanceStage(reason="agreed on paper"), day(2))
    assert types(events) == ["stage_completed", "stage_entered"]
    (completed,) = of(events, StageCompleted)
    assert completed.forced_by == "agreed on paper"
    assert p.state.stage_progress is not None
    assert p.state.stage_progress.key == "assessment"


# ---------------------------------------------------------------- reminders and escalation


def test_reminders_then_escalation_ladder_then_stall_then_lapse() -> None:
    p = Programme()
    fired: list[Event] = []
    wakes: list[datetime] = []
    while (wake := next_wake(p.state)) is not None:
        wakes.append(wake)
        fired += p.tick(wake)

    assert wakes == [day(5), day(8), day(10), day(13), day(17), day(90)]
    assert [(e.type, e.clock) for e in fired] == [
        ("reminder_due", days(5)),
        ("reminder_due", days(8)),
        ("escalation_due", days(10)),
        ("escalation_due", days(13)),
        ("escalation_due", days(17)),
        ("stage_stalled", days(17)),
        ("evaluation_recorded", days(90)),
        ("programme_lapsed", days(90)),
    ]
    assert [(r.before, r.due, r.to) for r in of(fired, ReminderDue)] == [
        (days(5), days(10), (Role.employee, Role.coach)),
        (days(2), days(10), (Role.employee, Role.coach)),
    ]
    assert [(e.step, e.to, e.overdue_by) for e in of(fired, EscalationDue)] == [
        (1, (Role.coach,), days(0)),
        (2, (Role.manager,), days(3)),
        (3, (Role.hr,), days(7)),
    ]
    (closing,) = of(fired, EvaluationRecorded)
    assert closing.evaluation.kind is EvaluationKind.closing
    (lapsed,) = of(fired, ProgrammeLapsed)
    assert (lapsed.max_duration, lapsed.stage) == (days(90), "agreement")
    assert p.status() is Status.lapsed
    assert p.state.ended
    # each notice and the closing report wait for their delivery
    assert len(p.state.pending_deliveries) == 6
    assert not p.state.finished


def test_a_stalled_stage_still_completes_when_its_gate_opens() -> None:
    p = Programme()
    p.run_timers(until=day(20))
    assert p.state.stage_progress is not None
    assert p.state.stage_progress.stalled
    assert view_of(p.state, day(20)).stalled
    events = p.do(agree(), day(20))
    assert types(events) == ["objectives_agreed", "stage_completed", "stage_entered"]
    (entered,) = of(events, StageEntered)
    assert (entered.clock, entered.due) == (days(20), days(27))


def test_reminders_wait_on_the_roles_that_can_open_the_gate() -> None:
    p = Programme()
    p.do(agree(), day(0))  # assessment entered at clock 0, due 7d, reminder 2d before
    p.do(feedback(Role.employee, "emp-1", {M: 3, A: 3}), day(1))
    (reminder,) = p.wake()
    assert isinstance(reminder, ReminderDue)
    assert reminder.clock == days(5)
    assert reminder.to == (Role.manager,)


def test_late_tick_gives_the_same_log_as_punctual_ticks() -> None:
    punctual = Programme()
    punctual.run_timers(until=day(200))
    late = Programme()
    late.tick(day(200))
    assert timeline(late.log) == timeline(punctual.log)
    assert all(e.at == day(200) for e in late.log[3:])


CALENDAR_THEN_WRAP_UP = parse_template(
    """
id: calendar
version: 1
title: Calendar then wrap-up
dimensions: [motivation]
max_duration: P6D
stages:
  - key: calendar
    sessions: {count: 2, every: P1D}
    gate: {sessions_held: 1}
  - key: wrap_up
    due: P5D
    gate: {objectives_agreed: true}
"""
)


def test_a_stage_completed_by_a_timer_completes_at_the_timer_clock() -> None:
    """Closing the calendar opens the stage; a late tick must not move that later."""

    def programme() -> Programme:
        p = Programme(CALENDAR_THEN_WRAP_UP)
        p.do(RecordSession(number=1, status=SessionStatus.held), day(0.5))
        return p

    punctual = programme()
    punctual.run_timers(until=day(10))
    late = programme()
    late.tick(day(10))

    expected = [
        ("session_missed", days(3)),
        ("stage_completed", days(3)),
        ("stage_entered", days(3)),
        ("evaluation_recorded", days(6)),
        ("programme_lapsed", days(6)),
    ]
    for p in (punctual, late):
        assert [(e.type, e.clock) for e in p.log[4:]] == expected
        (missed,) = of(p.log, SessionMissed)
        assert missed.unrecorded
        wrap_up = of(p.log, StageEntered)[-1]
        assert wrap_up.due == days(8)
        assert p.status() is Status.lapsed


# ---------------------------------------------------------------- pause


def _punctual_tail(p: Programme, since: datetime) -> list[tuple[str, timedelta, datetime]]:
    p.run_timers(until=day(400))
    return [(e.type, e.clock, e.at) for e in p.log if e.at > since]


def test_pause_moves_every_later_deadline_and_session_by_the_time_paused() -> None:
    p = Programme()
    to_coaching(p)
    view = view_of(p.state, day(3))
    assert [s.at for s in view.sessions] == [day(10), day(17), day(24)]
    assert view.stage_due == day(31)
    assert next_wake(p.state) == day(9)

    (paused,) = p.do(Pause(reason="sick leave"), day(4))
    assert (paused.type, paused.clock) == ("programme_paused", days(4))
    assert p.status() is Status.paused
    assert next_wake(p.state) is None
    view = view_of(p.state, day(10))
    assert view.paused is not None
    assert (view.paused.reason, view.paused.since, view.paused.until) == (
        "sick leave",
        day(4),
        None,
    )
    assert [s.at for s in view.sessions] == [None, None, None]
    assert view.stage_due is None
    assert view.clock == days(4)

    # nothing fires while paused, however long
    for at in (day(9), day(10), day(31), day(33.9)):
        assert p.tick(at) == []

    (resumed,) = p.do(Resume(), day(34))
    assert isinstance(resumed, ProgrammeResumed)
    assert (resumed.paused_for, resumed.clock, resumed.automatic) == (days(30), days(4), False)
    assert p.status() is Status.running
    view = view_of(p.state, day(34))
    assert [s.at for s in view.sessions] == [day(40), day(47), day(54)]
    assert view.stage_due == day(61)
    assert view.clock == days(4)
    assert next_wake(p.state) == day(39)

    # from here on, everything happens as in an unpaused programme, 30 days later
    unpaused = Programme()
    to_coaching(unpaused)
    expected = [
        (kind, clock, at + days(30)) for kind, clock, at in _punctual_tail(unpaused, day(4))
    ]
    assert expected  # session reminders, closing the calendar, stall, lapse
    assert _punctual_tail(p, day(34)) == expected
    (lapsed,) = of(p.log, ProgrammeLapsed)
    assert (lapsed.clock, lapsed.at) == (days(90), day(120))


def test_pause_until_resumes_by_itself() -> None:
    p = Programme()
    to_coaching(p)
    p.do(Pause(reason="parental leave", until=day(34)), day(4))
    assert next_wake(p.state) == day(34)
    assert p.tick(day(20)) == []

    (resumed,) = p.wake()
    assert isinstance(resumed, ProgrammeResumed)
    assert (resumed.automatic, resumed.paused_for, resumed.clock) == (True, days(30), days(4))
    assert p.status() is Status.running
    assert p.state.pause_until is None
    assert next_wake(p.state) == day(39)


def test_a_late_tick_resumes_at_until_and_catches_up_from_there() -> None:
    p = Programme()
    to_coaching(p)
    p.do(Pause(reason="parental leave", until=day(34)), day(4))
    events = p.tick(day(40))
    assert types(events) == ["programme_resumed", "session_reminder_due"]
    resumed, reminder = events
    assert isinstance(resumed, ProgrammeResumed)
    assert resumed.paused_for == days(30)  # up to until, not up to the late tick
    assert reminder.clock == days(9)
    assert view_of(p.state, day(40)).clock == days(10)


def test_a_command_after_until_finds_the_programme_resumed() -> None:
    p = Programme()
    to_coaching(p)
    p.do(Pause(reason="leave", until=day(34)), day(4))
    events = p.do(RecordSession(number=1, status=SessionStatus.held), day(35))
    assert types(events) == ["programme_resumed", "session_held"]
    assert events[-1].clock == days(5)


def test_a_gate_opened_while_paused_opens_at_the_automatic_resume() -> None:
    def programme() -> Programme:
        p = Programme()
        p.do(Pause(reason="leave", until=day(34)), day(4))
        # facts are recorded while paused, but no stage moves on a stopped clock
        assert types(p.do(agree(), day(10))) == ["objectives_agreed"]
        return p

    punctual = programme()
    punctual.run_timers(until=day(40))
    late = programme()
    events = late.tick(day(40))
    assert [(e.type, e.clock) for e in events] == [
        ("programme_resumed", days(4)),
        ("stage_completed", days(4)),
        ("stage_entered", days(4)),
        ("reminder_due", days(9)),
    ]
    assert timeline(late.log) == timeline(punctual.log)


def test_resume_before_until_counts_the_time_actually_paused() -> None:
    p = Programme()
    to_coaching(p)
    p.do(Pause(reason="leave", until=day(34)), day(4))
    (resumed,) = p.do(Resume(), day(6))
    assert isinstance(resumed, ProgrammeResumed)
    assert resumed.paused_for == days(2)
    assert next_wake(p.state) == day(11)


def test_facts_are_still_recorded_while_paused() -> None:
    p = Programme()
    to_coaching(p)
    p.do(Pause(reason="leave"), day(4))
    events = p.do(RecordSession(number=1, status=SessionStatus.held), day(5))
    assert types(events) == ["session_held"]
    assert events[0].clock == days(4)
    assert types(p.do(feedback(Role.peer, "peer-1", {M: 4}), day(6))) == ["feedback_received"]


# ---------------------------------------------------------------- withdraw


def test_withdraw_gives_a_closing_evaluation_then_ends() -> None:
    p = Programme()
    p.do(agree(), day(1))
    p.do(feedback(Role.employee, "emp-1", {M: 3, A: 4}), day(2))
    events = p.do(Withdraw(reason="left the company"), day(3))
    assert types(events) == ["evaluation_recorded", "programme_withdrawn"]
    closing, withdrawn = events
    assert isinstance(closing, EvaluationRecorded)
    assert closing.evaluation.kind is EvaluationKind.closing
    assert closing.evaluation.stage == "assessment"
    assert closing.evaluation.raters == 1
    assert withdrawn.clock == days(3)
    assert p.status() is Status.withdrawn
    assert p.state.stage_progress is None
    assert p.state.ended_at == day(3)
    assert p.state.ended
    assert p.state.pending_deliveries == (closing.delivery_id,)
    assert not p.state.finished
    assert next_wake(p.state) is None
    assert p.tick(day(200)) == []  # no lapse after a withdrawal

    assert "the programme is withdrawn" in p.refused(
        feedback(Role.manager, "mgr-1", {M: 3}), day(4)
    )
    assert p.refused(Withdraw(reason="again"), day(4)) == (
        "cannot withdraw: the programme is withdrawn"
    )
    assert p.refused(Pause(reason="leave"), day(4)) == "cannot pause: the programme is withdrawn"
    assert "withdrawn" in p.refused(RecordProgress(objective_id="S1", percent=10), day(4))

    (failed,) = p.do(
        RecordDelivery(delivery_id=closing.delivery_id, delivered=False, detail="mailbox full"),
        day(4),
    )
    assert (failed.type, getattr(failed, "detail", None)) == ("delivery_failed", "mailbox full")
    assert p.state.finished


def test_withdraw_while_paused_keeps_the_clock_stopped() -> None:
    p = Programme()
    p.do(Pause(reason="leave"), day(2))
    events = p.do(Withdraw(reason="not coming back"), day(40))
    assert [(e.type, e.clock) for e in events] == [
        ("evaluation_recorded", days(2)),
        ("programme_withdrawn", days(2)),
    ]
    assert p.state.clock.paused_since is None
    assert p.state.clock.paused_total == days(38)


# ---------------------------------------------------------------- idempotency and deliveries


def test_a_key_is_applied_once() -> None:
    p = Programme()
    first = p.do(feedback(Role.employee, "emp-1", {M: 3}, key="fb-1"), day(1))
    assert [(e.type, e.key) for e in first] == [("feedback_received", "fb-1")]
    assert "fb-1" in p.state.applied_keys
    assert p.do(feedback(Role.employee, "emp-1", {M: 3}, key="fb-1"), day(1)) == []
    # acknowledged and ignored, whatever it carries now
    assert p.do(feedback(Role.manager, "mgr-1", {M: 5}, key="fb-1"), day(2)) == []
    assert len(p.state.feedback) == 1
    # a refused command with a key already applied is not re-examined either
    assert p.do(agree(key="fb-1"), day(2)) == []
    p.do(agree(key="agree-1"), day(2))
    assert p.do(agree(key="agree-1"), day(3)) == []


def test_the_launch_key_counts_as_applied() -> None:
    p = Programme(key="launch-1")
    assert p.log[0].key == "launch-1"
    assert "launch-1" in p.state.applied_keys
    assert p.do(Tick(key="launch-1"), day(1)) == []


def test_a_delivery_is_accounted_for_once() -> None:
    p = Programme()
    (reminder,) = p.wake()
    assert isinstance(reminder, ReminderDue)
    assert reminder.delivery_id == "prog-1:4"
    assert p.state.pending_deliveries == ("prog-1:4",)
    confirm = RecordDelivery(delivery_id="prog-1:4", delivered=True, detail="sent")
    assert types(p.do(confirm, day(5))) == ["delivery_confirmed"]
    assert not p.state.pending_deliveries
    assert p.do(confirm, day(5)) == []  # a retried confirmation is harmless
    assert p.do(RecordDelivery(delivery_id="nope", delivered=True), day(5)) == []


# ---------------------------------------------------------------- refused commands


def test_nothing_before_launch() -> None:
    with pytest.raises(DomainError, match="the programme has not been launched"):
        decide(None, Tick(), T0)


def test_launch_twice() -> None:
    p = Programme()
    launch = Launch(programme_id="prog-1", employee=EMPLOYEE, template=TEMPLATE)
    assert p.refused(launch, day(1)) == "programme prog-1 is already launched"


def test_naive_now_is_refused() -> None:
    p = Programme()
    assert p.refused(Tick(), datetime(2026, 3, 3, 9, 0)) == "now must carry a timezone"


def test_objectives_agreed_twice() -> None:
    p = Programme()
    p.do(agree(), day(1))
    assert p.refused(agree(), day(2)) == "objectives are already agreed"


def test_resume_when_not_paused() -> None:
    p = Programme()
    assert p.refused(Resume(), day(1)) == "cannot resume: the programme is running, not paused"


def test_pause_twice() -> None:
    p = Programme()
    p.do(Pause(reason="leave"), day(1))
    assert p.refused(Pause(reason="leave"), day(2)) == "the programme is already paused"


def test_pause_until_in_the_past() -> None:
    p = Programme()
    message = p.refused(Pause(reason="leave", until=day(1)), day(2))
    assert message == f"until must be in the future, got {day(1):%Y-%m-%d %H:%M} UTC"


def test_pause_before_the_start() -> None:
    p = Programme(start=day(5))
    assert p.refused(Pause(reason="leave"), day(1)) == "cannot pause: the programme is scheduled"


def test_unknown_dimension_for_the_template() -> None:
    p = Programme()
    message = p.refused(feedback(Role.manager, "mgr-1", {Dimension.strengths: 4, M: 3}), day(1))
    assert message == (
        "dimension 'strengths' is not assessed by this programme; "
        "it assesses motivation, adaptability"
    )


def test_unknown_objective() -> None:
    p = Programme()
    p.do(agree(), day(1))
    message = p.refused(RecordProgress(objective_id="S3", percent=10), day(2))
    assert message == "objective 'S3' is unknown; known: S1, S2, L1"


def test_progress_before_objectives() -> None:
    p = Programme()
    message = p.refused(RecordProgress(objective_id="S1", percent=10), day(1))
    assert message == "objectives are not agreed yet"


def test_session_in_a_stage_without_sessions() -> None:
    p = Programme()
    message = p.refused(RecordSession(number=1, status=SessionStatus.held), day(1))
    assert message == "session 1 is not in the current stage (agreement: no sessions in this stage)"


def test_session_number_outside_the_current_stage() -> None:
    p = Programme()
    to_coaching(p)
    message = p.refused(RecordSession(number=4, status=SessionStatus.held), day(4))
    assert message == "session 4 is not in the current stage (coaching: sessions 1..3)"


def test_session_recorded_twice() -> None:
    p = Programme()
    to_coaching(p)
    p.do(RecordSession(number=1, status=SessionStatus.held), day(10))
    message = p.refused(RecordSession(number=1, status=SessionStatus.missed), day(11))
    assert message == "session 1 is already recorded as held"


def test_advance_while_paused() -> None:
    p = Programme()
    p.do(Pause(reason="leave"), day(1))
    assert (
        p.refused(AdvanceStage(reason="ops"), day(2)) == "cannot advance: the programme is paused"
    )


def test_a_refused_command_loses_nothing_that_fell_due() -> None:
    p = Programme()
    p.do(agree(), day(1))
    # the assessment reminder (day 6) is due, but the command is refused: no event at all
    p.refused(agree(), day(7))
    assert len(p.log) == 6
    assert types(p.tick(day(7))) == ["reminder_due"]


# ---------------------------------------------------------------- bad input at the edge


def test_a_score_off_every_scale_names_the_field() -> None:
    """The command takes any score any scale may have (0..10); the decider holds it to
    the programme's own scale (below)."""
    with pytest.raises(ValidationError) as info:
        GiveFeedback.model_validate(
            {"role": "manager", "rater_id": "mgr-1", "scores": {"motivation": 11}}
        )
    (error,) = info.value.errors()
    assert error["loc"] == ("scores", "motivation")
    assert "less than or equal to 10" in error["msg"]
    assert "scores.motivation" in str(info.value)


def test_a_score_off_the_programmes_scale_is_refused_naming_the_scale() -> None:
    p = Programme()
    reason = p.refused(feedback(Role.manager, "mgr-1", {M: 9}), day(1))
    assert reason == "scores: score for 'motivation' must be 1..5 (the programme's scale), got 9"
    assert "1..5" in p.refused(feedback(Role.manager, "mgr-1", {M: 0}), day(1))


def test_unknown_role_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        GiveFeedback.model_validate({"role": "ceo", "rater_id": "x", "scores": {"motivation": 3}})
    (error,) = info.value.errors()
    assert error["loc"] == ("role",)
    assert "'employee'" in error["msg"]


def test_a_dimension_key_that_is_no_key_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        GiveFeedback.model_validate({"role": "peer", "rater_id": "x", "scores": {"Char ma": 3}})
    (error,) = info.value.errors()
    assert error["loc"][:2] == ("scores", "Char ma")


def test_a_dimension_the_programme_does_not_assess_is_refused_naming_those_it_does() -> None:
    p = Programme()
    reason = p.refused(feedback(Role.manager, "mgr-1", {"charisma": 3}), day(1))
    assert reason.startswith("dimension 'charisma' is not assessed by this programme")
    assert "motivation" in reason


def test_other_command_rules() -> None:
    with pytest.raises(ValidationError, match="scores"):
        GiveFeedback(role=Role.peer, rater_id="x", scores={})
    with pytest.raises(ValidationError, match="a failed delivery needs a detail saying why"):
        RecordDelivery(delivery_id="d", delivered=False)
    with pytest.raises(ValidationError, match="objective_id"):
        RecordProgress(objective_id="X1", percent=10)
    with pytest.raises(ValidationError, match="percent"):
        RecordProgress(objective_id="S1", percent=101)
    with pytest.raises(ValidationError, match="number"):
        RecordSession(number=0, status=SessionStatus.held)
    with pytest.raises(ValidationError, match="until"):
        Pause.model_validate({"reason": "leave", "until": "2026-03-04T09:00:00"})
    with pytest.raises(ValidationError, match="long_term"):
        AgreeObjectives(short_term=("a",), long_term=())


# ---------------------------------------------------------------- the shipped templates

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "templates").glob("*.yaml"))


def _cooperate(p: Programme) -> None:
    """Everyone does what the current gate waits for, a day after it starts waiting."""
    now = T0
    for _ in range(200):
        stage, progress = p.state.current_stage, p.state.stage_progress
        if stage is None or progress is None:
            return
        gate = stage.gate
        now += days(1)
        unreported = [o.id for o in p.state.objectives if o.id not in p.state.progress]
        given = {f.role for f in p.state.feedback if f.stage == progress.key}
        lacking = [r for r in gate.feedback.roles if r not in given] if gate.feedback else []
        if gate.objectives_agreed and not p.state.objectives:
            p.do(agree(), now)
        elif gate.progress_recorded and (unreported or not p.state.objectives):
            if not p.state.objectives:
                p.do(agree(), now)
            else:
                p.do(RecordProgress(objective_id=unreported[0], percent=60), now)
        elif lacking:
            scores = dict.fromkeys(p.state.template.dimensions, 4)
            p.do(feedback(lacking[0], f"{lacking[0].value}-1", scores), now)
        elif progress.unrecorded:
            slot = progress.unrecorded[0]
            now = max(now, p.state.clock.wall(slot.clock))
            p.do(RecordSession(number=slot.number, status=SessionStatus.held), now)
        else:  # pragma: no cover - a gate nobody can open
            raise AssertionError(f"stuck in {progress.key}")
    raise AssertionError("the programme never completed")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_completes_when_everyone_cooperates(path: Path) -> None:
    template = parse_template(path.read_text(), origin=path.name)
    p = Programme(template)
    _cooperate(p)
    assert p.status() is Status.completed
    assert not of(p.log, EscalationDue)
    assert [e.stage for e in of(p.log, StageEntered)] == [s.key for s in template.stages]
    (completed,) = of(p.log, ProgrammeCompleted)
    assert completed.clock < template.max_duration
    kinds = [e.evaluation.kind for e in of(p.log, EvaluationRecorded)]
    assert kinds == [s.evaluation for s in template.stages if s.evaluation is not None]
    p.run_timers(until=day(1000))
    assert p.state.ended
    if template.follow_up is not None:
        assert of(p.log, EvaluationRecorded)[-1].evaluation.kind is template.follow_up.evaluation
    assert fold(p.log) == p.state


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_lapses_when_nobody_acts(path: Path) -> None:
    template = parse_template(path.read_text(), origin=path.name)
    p = Programme(template)
    p.run_timers(until=day(1000))
    assert p.status() is Status.lapsed
    (lapsed,) = of(p.log, ProgrammeLapsed)
    assert (lapsed.clock, lapsed.at) == (template.max_duration, T0 + template.max_duration)
    first = template.stages[0]
    assert len(of(p.log, ReminderDue)) == len(first.remind_before_due)
    assert len(of(p.log, EscalationDue)) == len(first.escalate_after_due)
    clocks = [e.clock for e in p.log]
    assert clocks == sorted(clocks)
