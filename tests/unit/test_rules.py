"""Rules 2 (``domain.rules``): facts dated by when they happened, stale reminders
skipped, sessions recorded near their slot and corrected, bounded answers; and
programmes launched under rules 1 deciding as they always did."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import rules
from domain.commands import (
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
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.events import (
    DeliveryConfirmed,
    EscalationDue,
    Event,
    FeedbackReceived,
    ObjectiveProgressed,
    ReminderDue,
    ReminderSkipped,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
    SessionReminderDue,
    StageCompleted,
    StageEntered,
    StageStalled,
)
from domain.evolve import fold
from domain.schedule import next_wake
from domain.state import ProgrammeState
from domain.template import Role, Template
from domain.template_parsing import parse_template
from domain.view import view_of

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXECUTIVE = parse_template(
    (Path(__file__).resolve().parents[2] / "templates" / "executive-6m.yaml").read_text()
)


def days(n: float) -> timedelta:
    return timedelta(days=n)


class Programme:
    """A programme under the decider; ``live`` ticks it at every wake-up, as a running
    worker would."""

    def __init__(self, template: Template = EXECUTIVE, rules_: int = rules.OCCURRED_AT) -> None:
        launch = Launch(
            programme_id="p-1",
            employee=Employee(id="emp-1", name="Ada", email="ada@example.org"),
            template=template,
            coach_id="coach-1",
            manager_id="mgr-1",
            rules=rules_,
        )
        self.now = T0
        self.log: list[Event] = []
        self.state: ProgrammeState
        self.log, self.state = decide_and_evolve(None, launch, T0)

    def do(self, command: Command, at: datetime | None = None) -> list[Event]:
        self.now = max(self.now, at or self.now)
        events, self.state = decide_and_evolve(self.state, command, self.now)
        self.log.extend(events)
        return events

    def live(self, until: datetime) -> None:
        """Tick at every wake-up up to ``until``: a worker that never went away."""
        while (wake := next_wake(self.state)) is not None and wake <= until:
            self.do(Tick(), max(wake, self.now))
        self.now = max(self.now, until)

    def wall(self, clock: timedelta) -> datetime:
        return self.state.clock.wall(clock)

    def due(self) -> datetime:
        assert self.state.stage_progress is not None
        assert self.state.stage_progress.due is not None
        return self.wall(self.state.stage_progress.due)

    def to_assessment(self) -> None:
        self.do(AgreeObjectives(short_term=["Delegate"], long_term=["Lead"]), T0 + days(1))
        assert self.state.stage_progress is not None
        assert self.state.stage_progress.key == "assessment"


def feedback(role: Role, rater: str | None = None, **fields: object) -> GiveFeedback:
    scores = dict.fromkeys(EXECUTIVE.dimensions, 4)
    return GiveFeedback(role=role, rater_id=rater or f"{role}-1", scores=scores, **fields)  # type: ignore[arg-type]


def timeline(events: Sequence[Event]) -> list[tuple[str, timedelta]]:
    """What happened on the programme clock, a skipped reminder read as the reminder."""
    kinds = {"reminder_skipped": "reminder_due"}
    return [(kinds.get(e.type, e.type), e.clock) for e in events]


def refused(programme: Programme, command: Command, at: datetime | None = None) -> str:
    before = programme.state
    with pytest.raises(DomainError) as info:
        programme.do(command, at)
    assert programme.state == before
    return str(info.value)


# ---------------------------------------------------------------- occurred_at


def _assessment_with_peer_at(seen_late_by: timedelta) -> Programme:
    """Employee and manager answer on time; the peer an hour before the deadline, seen
    ``seen_late_by`` later (a worker down meanwhile), then time runs on to day 60."""
    programme = Programme()
    programme.to_assessment()
    due = programme.due()
    programme.live(due - timedelta(hours=3))
    programme.do(feedback(Role.employee))
    programme.do(feedback(Role.manager))
    happened = due - timedelta(hours=1)
    if seen_late_by:
        programme.do(feedback(Role.peer, occurred_at=happened), happened + seen_late_by)
    else:
        programme.live(happened)
        programme.do(feedback(Role.peer), happened)
    programme.live(T0 + days(60))
    return programme


def test_feedback_before_the_deadline_is_on_time_however_late_it_is_seen() -> None:
    on_time = _assessment_with_peer_at(timedelta(0))
    late = _assessment_with_peer_at(days(8))
    assert timeline(late.log) == timeline(on_time.log)
    peer = next(e for e in late.log if isinstance(e, FeedbackReceived) and e.role is Role.peer)
    assert peer.recorded_at is not None
    completed = [e for e in late.log if isinstance(e, StageCompleted)]
    assert completed[1].stage == "assessment"
    assert completed[1].clock == peer.clock
    assert not any(isinstance(e, EscalationDue | StageStalled) for e in late.log[: peer.seq])


def test_a_late_fact_says_when_it_happened_and_when_it_was_recorded() -> None:
    late = _assessment_with_peer_at(days(8))
    peer = next(e for e in late.log if isinstance(e, FeedbackReceived) and e.role is Role.peer)
    assert peer.recorded_at is not None
    assert peer.recorded_at - peer.at == days(8)
    assert late.state.clock.at(peer.at) == peer.clock


@settings(max_examples=40, deadline=None)
@given(late_by=st.integers(0, 40 * 24).map(lambda h: timedelta(hours=h)))
def test_however_late_a_fact_is_seen_the_log_reads_the_same(late_by: timedelta) -> None:
    on_time = _assessment_with_peer_at(timedelta(0))
    late = _assessment_with_peer_at(late_by)
    assert timeline(late.log) == timeline(on_time.log)
    assert late.state.model_copy(update={"last_at": on_time.state.last_at}).stage_progress == (
        on_time.state.stage_progress
    )


def _coaching(programme: Programme) -> None:
    programme.to_assessment()
    for role in (Role.employee, Role.manager, Role.peer):
        programme.do(feedback(role))
    programme.do(RecordProgress(objective_id="S1", percent=10))
    programme.do(RecordProgress(objective_id="L1", percent=5))
    assert programme.state.stage_progress is not None
    assert programme.state.stage_progress.key == "coaching"


def test_a_session_held_before_the_calendar_closed_is_held_when_seen_after() -> None:
    programme = Programme()
    _coaching(programme)
    slots = programme.state.stage_progress.sessions  # type: ignore[union-attr]
    for slot in slots[:2]:
        programme.live(programme.wall(slot.clock))
        programme.do(RecordSession(number=slot.number, status=SessionStatus.held))
    last = slots[-1]
    held_at = programme.wall(last.clock)
    programme.live(held_at - timedelta(hours=2))
    programme.do(RecordSession(number=slots[2].number, status=SessionStatus.held))
    # the last one held at its slot, the record seen three weeks later
    programme.do(
        RecordSession(number=last.number, status=SessionStatus.held, occurred_at=held_at),
        held_at + days(21),
    )
    assert not [e for e in programme.log if isinstance(e, SessionMissed)]
    held = [e for e in programme.log if isinstance(e, SessionHeld)]
    assert [e.number for e in held] == [s.number for s in slots]
    assert held[-1].clock == last.clock


def test_progress_is_dated_by_when_it_was_recorded() -> None:
    programme = Programme()
    programme.to_assessment()
    programme.do(
        RecordProgress(objective_id="S1", percent=30, occurred_at=T0 + days(2)), T0 + days(9)
    )
    event = programme.log[-1]
    assert isinstance(event, ObjectiveProgressed)
    assert event.at == T0 + days(2)
    assert event.clock == days(2)
    assert event.recorded_at == T0 + days(9)


def test_occurred_at_is_clamped_to_what_the_programme_moved_past_and_to_now() -> None:
    programme = Programme()
    programme.to_assessment()
    programme.live(programme.due() - days(7))  # the first reminder went out
    reminded = programme.log[-1]
    assert isinstance(reminded, ReminderDue)
    programme.do(feedback(Role.employee, occurred_at=T0 + days(2)), reminded.at + days(1))
    assert programme.log[-1].at == reminded.at  # not before what was already sent
    now = programme.now
    programme.do(feedback(Role.manager, occurred_at=now + days(3)))
    assert programme.log[-1].at == now  # not in the future


def test_rules_1_ignores_occurred_at() -> None:
    programme = Programme(rules_=1)
    programme.to_assessment()
    programme.do(feedback(Role.employee, occurred_at=T0 + days(2)), T0 + days(9))
    event = programme.log[-1]
    assert event.at == T0 + days(9)
    assert event.recorded_at is None


# ---------------------------------------------------------------- stale reminders


def test_a_reminder_decided_later_than_its_lead_time_is_skipped() -> None:
    programme = Programme()
    programme.to_assessment()
    due = programme.due()
    programme.do(Tick(), due - days(3))  # P7D reminder 4 days late: less than its 7 days
    programme.do(Tick(), due)  # P2D reminder at the deadline: 2 days late, not more
    sent = [e for e in programme.log if isinstance(e, ReminderDue)]
    assert [e.before for e in sent] == [days(7), days(2)]
    for role in (Role.employee, Role.manager, Role.peer):
        programme.do(feedback(role))
    assert programme.state.stage_progress is not None
    assert programme.state.stage_progress.key == "goals"
    moment = programme.due() - days(3)
    programme.do(Tick(), moment + days(3) + timedelta(minutes=1))
    skipped = [e for e in programme.log if isinstance(e, ReminderSkipped)]
    assert [(s.stage, s.before, s.number) for s in skipped] == [("goals", days(3), None)]
    assert skipped[0].reason == (
        f"the reminder for the goals deadline was due at {moment.isoformat()} but decided "
        "3d 1m later, more than its lead time of 3d"
    )
    assert skipped[0].at == moment
    assert skipped[0].recorded_at == programme.now


def test_a_stale_session_reminder_is_skipped_and_nothing_asks_for_delivery() -> None:
    programme = Programme()
    _coaching(programme)
    first = programme.state.stage_progress.sessions[0]  # type: ignore[union-attr]
    pending = programme.state.pending_deliveries
    programme.do(Tick(), programme.wall(first.clock) + timedelta(hours=1))
    skipped = programme.log[-1]
    assert isinstance(skipped, ReminderSkipped)
    assert skipped.number == first.number
    assert programme.state.pending_deliveries == pending
    assert not [e for e in programme.log if isinstance(e, SessionReminderDue)]
    assert next_wake(programme.state) != programme.wall(first.clock - days(1))


def test_rules_1_sends_stale_reminders_late() -> None:
    programme = Programme(rules_=1)
    programme.to_assessment()
    programme.do(Tick(), programme.due() + days(1))
    assert len([e for e in programme.log if isinstance(e, ReminderDue)]) == 2
    assert not [e for e in programme.log if isinstance(e, ReminderSkipped)]


# ---------------------------------------------------------------- sessions


def test_a_session_is_recorded_only_from_a_day_before_its_slot() -> None:
    programme = Programme()
    _coaching(programme)
    slot = programme.state.stage_progress.sessions[1]  # type: ignore[union-attr]
    at = programme.wall(slot.clock)
    reason = refused(programme, RecordSession(number=slot.number, status=SessionStatus.held))
    assert f"session {slot.number} is planned for {at:%Y-%m-%d %H:%M} UTC" in reason
    assert f"from {at - days(1):%Y-%m-%d %H:%M} UTC (1d before), not earlier" in reason
    programme.do(Tick(), at - days(1))
    programme.do(RecordSession(number=slot.number, status=SessionStatus.held))
    assert isinstance(programme.log[-1], SessionHeld)


def test_a_calendar_can_say_how_early_sessions_are_recorded() -> None:
    data = EXECUTIVE.model_dump(mode="json")
    data["stages"][3]["sessions"]["record_from"] = "P14D"
    programme = Programme(parse_template(data))
    _coaching(programme)
    slot = programme.state.stage_progress.sessions[0]  # type: ignore[union-attr]
    programme.do(RecordSession(number=slot.number, status=SessionStatus.held))
    assert isinstance(programme.log[-1], SessionHeld)


def test_a_wrong_session_record_is_corrected() -> None:
    programme = Programme()
    _coaching(programme)
    slot = programme.state.stage_progress.sessions[0]  # type: ignore[union-attr]
    programme.live(programme.wall(slot.clock))
    programme.do(RecordSession(number=slot.number, status=SessionStatus.missed))
    reason = refused(programme, RecordSession(number=slot.number, status=SessionStatus.held))
    assert (
        reason
        == f"session {slot.number} is already recorded as missed; send correct=true to change it"
    )
    programme.do(RecordSession(number=slot.number, status=SessionStatus.held, correct=True))
    corrected = programme.log[-1]
    assert isinstance(corrected, SessionCorrected)
    assert (corrected.was, corrected.status) == ("missed", "held")
    assert (programme.state.held, programme.state.missed) == (1, 0)
    assert programme.state.stage_progress.recorded[slot.number] is SessionStatus.held  # type: ignore[union-attr]
    assert fold(programme.log) == programme.state


def test_corrections_are_bounded_and_need_a_record() -> None:
    programme = Programme()
    _coaching(programme)
    first, second = programme.state.stage_progress.sessions[:2]  # type: ignore[union-attr]
    programme.live(programme.wall(first.clock))
    assert "is not recorded yet, so there is nothing to correct" in refused(
        programme, RecordSession(number=first.number, status=SessionStatus.held, correct=True)
    )
    programme.do(RecordSession(number=first.number, status=SessionStatus.held))
    assert "nothing to correct" in refused(
        programme, RecordSession(number=first.number, status=SessionStatus.held, correct=True)
    )
    statuses = [SessionStatus.missed, SessionStatus.held, SessionStatus.missed]
    for status in statuses:
        programme.do(RecordSession(number=first.number, status=status, correct=True))
    assert f"corrected {rules.MAX_REVISIONS} times, the most allowed" in refused(
        programme, RecordSession(number=first.number, status=SessionStatus.held, correct=True)
    )
    assert second.number not in programme.state.stage_progress.recorded  # type: ignore[union-attr]


def test_a_correction_that_opens_the_gate_completes_the_stage() -> None:
    programme = Programme()
    _coaching(programme)
    slots = programme.state.stage_progress.sessions  # type: ignore[union-attr]
    statuses = [SessionStatus.held, SessionStatus.held, SessionStatus.missed, SessionStatus.missed]
    for slot, status in zip(slots, statuses, strict=True):
        programme.live(programme.wall(slot.clock))
        programme.do(RecordSession(number=slot.number, status=status))
    assert programme.state.stage_progress.key == "coaching"  # type: ignore[union-attr]
    programme.do(RecordSession(number=slots[3].number, status=SessionStatus.held, correct=True))
    assert programme.state.stage_progress.key == "midpoint"  # type: ignore[union-attr]


def test_sessions_held_before_a_pause_keep_their_dates() -> None:
    programme = Programme()
    _coaching(programme)
    first = programme.state.stage_progress.sessions[0]  # type: ignore[union-attr]
    held_at = programme.wall(first.clock)
    programme.live(held_at)
    programme.do(RecordSession(number=first.number, status=SessionStatus.held))
    programme.do(Pause(reason="leave"), held_at + days(2))
    programme.do(Resume(), held_at + days(12))
    sessions = view_of(programme.state, programme.now).sessions
    assert sessions[0].at == held_at
    second = programme.state.stage_progress.sessions[1]  # type: ignore[union-attr]
    assert sessions[1].at == programme.wall(second.clock) == held_at + days(14 + 10)


# ---------------------------------------------------------------- bounded answers


def test_a_later_answer_from_the_same_rater_replaces_theirs() -> None:
    programme = Programme()
    programme.to_assessment()
    programme.do(feedback(Role.peer, "peer-9"))
    programme.do(feedback(Role.peer, "peer-9", comment="on reflection"))
    revised = programme.log[-1]
    assert isinstance(revised, FeedbackReceived)
    assert revised.revision == 1
    answers = [f for f in programme.state.feedback if f.rater_id == "peer-9"]
    assert [(f.seq, f.revision) for f in answers] == [(revised.seq, 1)]
    assert fold(programme.log) == programme.state


def test_revisions_are_bounded() -> None:
    programme = Programme()
    programme.to_assessment()
    for _ in range(1 + rules.MAX_REVISIONS):
        programme.do(feedback(Role.peer, "peer-9"))
    assert refused(programme, feedback(Role.peer, "peer-9")) == (
        f"rater 'peer-9' already revised their answer in stage assessment "
        f"{rules.MAX_REVISIONS} times, the most allowed"
    )


def test_a_revision_keeps_the_role() -> None:
    programme = Programme()
    programme.to_assessment()
    programme.do(feedback(Role.peer, "x-1"))
    assert "answered as peer in stage assessment; a revised answer must keep that role" in (
        refused(programme, feedback(Role.manager, "x-1"))
    )


def test_a_stage_takes_a_bounded_number_of_raters() -> None:
    programme = Programme()
    programme.to_assessment()
    for n in range(rules.MAX_RATERS_PER_STAGE):
        programme.do(feedback(Role.peer, f"peer-{n}"))
    assert "already has answers from 10 raters, the most it takes" in refused(
        programme, feedback(Role.peer, "peer-late")
    )


def test_feedback_is_taken_only_where_it_is_asked_for() -> None:
    programme = Programme()
    reason = refused(programme, feedback(Role.peer))
    assert reason.startswith("stage agreement does not take feedback; it is taken in assessment")


def test_texts_and_lists_are_bounded_by_rules() -> None:
    programme = Programme()
    long = "x" * (rules.MAX_COMMENT + 1)
    assert (
        refused(
            programme,
            AgreeObjectives(short_term=["s"] * 7, long_term=["l"] * 6),
        )
        == "short_term and long_term: at most 12 objectives in all, got 13"
    )
    programme.to_assessment()
    assert refused(programme, feedback(Role.peer, comment=long)) == (
        f"comment: at most {rules.MAX_COMMENT} bytes of UTF-8, got {len(long)}"
    )
    wide = "\u00e9" * 501  # two bytes each: within the commands' 2000 characters
    key = "\u00e9" * 101
    assert refused(programme, RecordProgress(objective_id="S1", percent=5, key=key)) == (
        "key: at most 200 bytes of UTF-8, got 202"
    )
    assert refused(programme, Pause(reason=wide)) == "reason: at most 1000 bytes of UTF-8, got 1002"
    old = Programme(rules_=1)
    old.to_assessment()
    old.do(feedback(Role.peer, comment=long))


def test_each_objective_text_is_bounded() -> None:
    programme = Programme()
    assert refused(
        programme, AgreeObjectives(short_term=["ok"], long_term=["ok", "\u00e9" * 600])
    ) == ("long_term[1]: at most 1000 bytes of UTF-8, got 1200")


def test_a_delivery_detail_is_clipped_on_a_character_boundary() -> None:
    programme = Programme()
    programme.to_assessment()
    programme.do(Tick(), programme.due() - days(7))
    (delivery_id,) = programme.state.pending_deliveries
    programme.do(RecordDelivery(delivery_id=delivery_id, delivered=True, detail="\u20ac" * 400))
    confirmed = programme.log[-1]
    assert isinstance(confirmed, DeliveryConfirmed)
    assert confirmed.detail == "\u20ac" * (rules.MAX_DETAIL // 3)


def test_progress_records_are_bounded() -> None:
    programme = Programme()
    programme.to_assessment()
    for n in range(rules.MAX_PROGRESS_RECORDS):
        programme.do(RecordProgress(objective_id="S1", percent=n))
    assert refused(programme, RecordProgress(objective_id="S1", percent=99)) == (
        "progress of S1 was already recorded 12 times, the most a programme takes"
    )
    programme.do(RecordProgress(objective_id="L1", percent=1))


def test_pauses_are_bounded() -> None:
    programme = Programme()
    at = T0
    for _ in range(rules.MAX_PAUSES):
        at += timedelta(hours=1)
        programme.do(Pause(reason="leave"), at)
        programme.do(Resume(), at + timedelta(minutes=1))
    assert "already paused 12 times, the most allowed" in refused(
        programme, Pause(reason="again"), at + timedelta(hours=1)
    )


def test_stage_entered_clock_is_the_facts_clock() -> None:
    late = _assessment_with_peer_at(days(8))
    entered = [e for e in late.log if isinstance(e, StageEntered)]
    peer = next(e for e in late.log if isinstance(e, FeedbackReceived) and e.role is Role.peer)
    goals = next(e for e in entered if e.stage == "goals")
    assert goals.clock == peer.clock
    assert goals.at == peer.at


def test_correcting_a_session_not_needed_leaves_the_missed_count_alone() -> None:
    """Closed unrecorded with the quota already held, a session is not counted missed;
    held on correction, it counts once, and nothing is taken off ``missed``."""
    template = parse_template(
        """
id: mixed-gate
version: 1
title: Sessions and a review in one stage
dimensions: [motivation]
max_duration: P90D
stages:
  - key: coaching
    sessions: {count: 2, every: P7D}
    gate: {sessions_held: 1, feedback: {roles: [manager], quorum: 1}}
"""
    )
    programme = Programme(template)
    first, second = programme.state.stage_progress.sessions  # type: ignore[union-attr]
    programme.live(programme.wall(first.clock))
    programme.do(RecordSession(number=first.number, status=SessionStatus.held))
    programme.live(programme.due() + timedelta(minutes=1))
    assert programme.state.stage_progress.recorded[second.number] is SessionStatus.missed  # type: ignore[union-attr]
    assert (programme.state.held, programme.state.missed) == (1, 0)
    programme.do(RecordSession(number=second.number, status=SessionStatus.held, correct=True))
    assert (programme.state.held, programme.state.missed) == (2, 0)
    assert fold(programme.log) == programme.state
