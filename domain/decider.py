"""The decider: ``decide(state, command, now) -> events`` and ``evolve(state, event) -> state``.

``decide`` first catches up with time: whatever fell due on the programme clock
by ``now`` fires before the command itself is applied, each event stamped with
the programme-clock time it fell due. So the log reads the same however late a
timer or a worker woke up.

Under rules 2 (``domain.rules``) a fact (feedback, a session, progress) is applied
when it happened, not when a worker saw it: the decider catches up to its
``occurred_at``, applies it there, then catches up to ``now``. So a fact that happened
before a deadline is on time however late it is applied. ``occurred_at`` is clamped to
``[state.last_at, now]``: a fact cannot be slipped in before something the programme
has already decided (the log stays in order, and what was sent stays sent), nor
happen in the future. Events say when they happened (``at``, wall time, and
``clock``, the programme clock) and, when a worker learnt of them more than
``LATE`` later, ``recorded_at``.

Under rules 4 a feedback stage collects until every nominee answered or its due date,
with the quorum as the minimum (``domain.gates``). The due date is the stage's
``progress.due``, the moment its calendar closes and its escalation ladder counts from:
there ``Kind.close_collection`` fires after the calendar closes and before any escalation,
stall or lapse at that instant, and records ``CollectionDue``; from then the gate asks for
the quorum alone, so a stage whose quorum is met moves on then, never escalated, and one
whose quorum is not met escalates as under rules 3. Nothing else moves: reminders before
the due date, the ladder and the lapse keep their moments. An answer may name a later
feedback ``stage``: it is kept for it (``FeedbackReceived.stage``) and counts for its gate
and evaluation when it opens.

It is long on purpose: one handler per command, each with the rules it checks, around one
``_Draft`` that stamps every event; ``evolve`` and the schedule live apart
(``domain.evolve``, ``domain.schedule``). Splitting the handlers further would part a
command from the catch-up it shares with every other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from domain import rules as r
from domain.commands import (
    HELD_ROLES,
    NOMINATED_ROLES,
    AdvanceStage,
    AgreeObjectives,
    AmendObjectives,
    CancelSession,
    Command,
    GiveFeedback,
    Launch,
    NominateRaters,
    Pause,
    RateExpectations,
    Reassign,
    RecordDelivery,
    RecordExpectations,
    RecordProgress,
    RecordSession,
    RescheduleSession,
    Resume,
    SessionStatus,
    Tick,
    Withdraw,
)
from domain.errors import DomainError
from domain.evaluation import Attendance, Rating, evaluate, expected_attainment
from domain.events import (
    CollectionDue,
    DeliveryConfirmed,
    DeliveryFailed,
    EscalationDue,
    EvaluationRecorded,
    Event,
    ExpectationsRated,
    ExpectationsRecorded,
    FeedbackReceived,
    FollowUpClosed,
    Nominated,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ObjectivesAmended,
    PersonReassigned,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeStarted,
    ProgrammeWithdrawn,
    RatersNominated,
    ReminderDue,
    ReminderSkipped,
    SessionCancelled,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
    SessionReminderDue,
    SessionRescheduled,
    SessionSlot,
    SessionsReplanned,
    StageCompleted,
    StageEntered,
    StageStalled,
)
from domain.evolve import apply, evolve, fold
from domain.expectations import REPORTED_IN, rated_from
from domain.gates import (
    gate_status,
    quorum_met,
    sessions_quota_met,
    stage_nominees,
    unanswered,
)
from domain.objectives import agreed as agreed_objectives
from domain.objectives import amended, removed
from domain.replanning import (
    after_pause,
    cancelling,
    check_first_session,
    opening,
    rescheduling,
)
from domain.schedule import Due, Kind, next_wake, upcoming
from domain.state import ProgrammeState, StageProgress, Status
from domain.template import EvaluationKind, Role, Stage

__all__ = [
    "Decision",
    "Due",
    "Kind",
    "apply",
    "decide",
    "decide_and_evolve",
    "evolve",
    "fold",
    "next_wake",
    "occurred",
    "upcoming",
]
"""``evolve``, ``fold`` and the schedule live in their own modules (``domain.evolve``,
``domain.schedule``); they are named here too, where callers have always found them."""

State = ProgrammeState | None
E = TypeVar("E", bound=Event)
Fact = GiveFeedback | RecordSession | RecordProgress
LATE = timedelta(seconds=5)
"""An event decided later than this after it happened says when it was recorded (a
timer's task, or a signal, takes well under this when a worker runs)."""


# ---------------------------------------------------------------- decide


class _Draft:
    """Events decided so far, and the state they lead to."""

    def __init__(self, state: ProgrammeState, now: datetime, key: str | None) -> None:
        self.state = state
        self.now = now
        """The time being caught up to: a fact's ``occurred_at``, then the decision's now."""
        self.decided_at = now
        """When this is decided: the worker's now."""
        self.key = key
        self.events: list[Event] = []
        self.due: timedelta | None = None
        """While catching up: the programme-clock time of the timer being fired."""

    @property
    def dated(self) -> bool:
        """Whether events say when they happened rather than when they were decided."""
        return self.state.rules >= r.OCCURRED_AT

    def clock(self) -> timedelta:
        """Programme-clock time of what is being decided: the timer's while catching up."""
        return self.state.clock.at(self.now) if self.due is None else self.due

    def emit(
        self,
        cls: type[E],
        clock: timedelta | None = None,
        at: datetime | None = None,
        **fields: Any,
    ) -> E:
        seq = self.state.seq + 1
        clock = self.clock() if clock is None else clock
        if not self.dated:
            at = self.now
        elif at is None:
            at = self.state.clock.wall(self.due) if self.due is not None else self.now
        recorded_at = self.decided_at if self.dated and self.decided_at - at > LATE else None
        event = cls(
            seq=seq,
            at=at,
            clock=clock,
            key=self.key,
            recorded_at=recorded_at,
            **fields,
        )
        self.events.append(event)
        self.state = evolve(self.state, event)
        return event

    def delivery_id(self) -> str:
        return f"{self.state.programme_id}:{self.state.seq + 1}"


def decide(state: State, command: Command, now: datetime) -> list[Event]:
    """The events ``command`` causes at ``now``, or DomainError with the reason."""
    return decide_and_evolve(state, command, now).events


class Decision(NamedTuple):
    events: list[Event]
    state: ProgrammeState
    """``state`` evolved by ``events``: what deciding them already computed."""


def decide_and_evolve(
    state: State, command: Command, now: datetime, *, to_now: bool = True
) -> Decision:
    """``decide``, with the state its events lead to, so a caller need not evolve again.

    ``to_now=False`` leaves a fact applied at its ``occurred_at`` without catching up to
    ``now`` after it: for a caller with more facts to apply first (a worker back after an
    outage, with signals queued), which then catches up with a ``Tick``.
    """
    if now.tzinfo is None:
        raise DomainError("now must carry a timezone")
    if state is None:
        if not isinstance(command, Launch):
            raise DomainError("the programme has not been launched")
        draft = _launch(command, now)
    elif isinstance(command, Launch):
        raise DomainError(f"programme {state.programme_id} is already launched")
    elif command.key is not None and command.key in state.applied_keys:
        return Decision([], state)
    else:
        if state.rules >= r.OCCURRED_AT:
            _require_within("key", command.key, r.MAX_KEY)
        draft = _Draft(state, now, None)
        if isinstance(command, Fact) and state.rules >= r.OCCURRED_AT:
            draft.now = occurred(state, command, now)
        _catch_up(draft)
        draft.key = command.key
        _HANDLERS[type(command)](draft, command)
        _settle(draft)
        if draft.now != now and to_now:
            draft.key, draft.now = None, now
            _catch_up(draft)
    return Decision(draft.events, draft.state)


def occurred(state: ProgrammeState, fact: Fact, now: datetime) -> datetime:
    """When the fact is applied: its ``occurred_at`` (now if none), no earlier than the
    programme's last event and no later than ``now``."""
    if fact.occurred_at is None:
        return now
    return max(state.last_at, min(fact.occurred_at, now))


def _launch(command: Launch, now: datetime) -> _Draft:
    starts_at = command.start if command.start is not None and command.start > now else now
    launched = ProgrammeLaunched(
        seq=1,
        at=now,
        clock=timedelta(0),
        key=command.key,
        programme_id=command.programme_id,
        employee=command.employee,
        template=command.template,
        coach_id=command.coach_id,
        manager_id=command.manager_id,
        sponsor_id=command.sponsor_id,
        hr_id=command.hr_id,
        cohort_id=command.cohort_id,
        starts_at=starts_at,
        rules=command.rules,
        first_session=_first_session(command, starts_at),
    )
    draft = _Draft(evolve(None, launched), now, command.key)
    draft.events.append(launched)
    _catch_up(draft)
    return draft


def _first_session(command: Launch, starts_at: datetime) -> datetime | None:
    """Rules 6: the first session chosen at launch. The gateway refuses one the rules do
    not take (``check_first_session``); a launch is never refused here, where it would
    fail the workflow's start, so one that slipped through is left out."""
    chosen = command.first_session
    if chosen is None or command.rules < r.CALENDAR:
        return None
    try:
        check_first_session(chosen, starts_at, command.template)
    except DomainError:
        return None
    return chosen


def _catch_up(draft: _Draft) -> None:
    """Fire, in order, everything due on the programme clock by ``now``.

    What a timer causes (a stage it completes, the next stage entered) happens at
    the timer's clock time, not at ``now``: a late tick gives the same log.
    """
    _catch_up_timers(draft)
    draft.due = None


def _catch_up_timers(draft: _Draft) -> None:
    state = draft.state
    if state.status is Status.paused:
        if state.pause_until is None or state.pause_until > draft.now:
            return
        paused_for = state.pause_until - (state.clock.paused_since or state.pause_until)
        resumed = draft.emit(
            ProgrammeResumed, at=state.pause_until, paused_for=paused_for, automatic=True
        )
        # a gate opened while paused opens the stage at the resume, not at ``now``
        draft.due = resumed.clock
        _replan(draft, state.pause_until - paused_for, state.pause_until)
        _settle(draft)
    while True:
        state = draft.state
        if state.status is Status.scheduled:
            if state.clock.starts_at > draft.now:
                return
            draft.due = timedelta(0)
            draft.emit(ProgrammeStarted)
            _enter_stage(draft, 0)
            _settle(draft)
            continue
        items = upcoming(state)
        if not items or items[0].clock > state.clock.at(draft.now):
            return
        draft.due = items[0].clock
        _fire(draft, items[0])
        _settle(draft)


def _fire(draft: _Draft, item: Due) -> None:
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    at = item.clock
    if item.kind is Kind.lapse:
        _evaluate(draft, EvaluationKind.closing, at)
        draft.emit(
            ProgrammeLapsed,
            clock=at,
            max_duration=state.template.max_duration,
            stage=progress.key if progress else None,
        )
        return
    if item.kind is Kind.follow_up:
        follow_up = state.template.follow_up
        kind = follow_up.evaluation if follow_up else EvaluationKind.follow_up
        _evaluate(draft, kind, at)
        draft.emit(FollowUpClosed, clock=at, kind=kind)
        return
    assert stage is not None
    assert progress is not None
    if item.kind in (Kind.session_reminder, Kind.reminder) and _stale(draft, item):
        return
    if item.kind is Kind.session_reminder:
        number, j = item.ref
        assert stage.sessions is not None
        slot = next(s for s in progress.sessions if s.number == number)
        draft.emit(
            SessionReminderDue,
            clock=at,
            delivery_id=draft.delivery_id(),
            stage=progress.key,
            to=(Role.employee, Role.coach),
            number=number,
            session_clock=slot.clock,
            before=stage.sessions.remind_before[j],
        )
    elif item.kind is Kind.reminder:
        (i,) = item.ref
        assert progress.due is not None
        waiting = gate_status(state).waiting_on or (Role.employee, Role.coach)
        draft.emit(
            ReminderDue,
            clock=at,
            delivery_id=draft.delivery_id(),
            stage=progress.key,
            to=waiting,
            due=progress.due,
            before=stage.remind_before_due[i],
        )
    elif item.kind is Kind.close_calendar:
        needed = not sessions_quota_met(state)
        for slot in progress.unrecorded:
            draft.emit(
                SessionMissed,
                clock=at,
                stage=progress.key,
                number=slot.number,
                notes="not recorded by the stage deadline"
                if needed
                else "not needed: the sessions the stage asks for were held",
                unrecorded=True,
            )
    elif item.kind is Kind.close_collection:
        feedback = stage.gate.feedback
        assert feedback is not None
        nominees = len(stage_nominees(state, progress.key, feedback.roles))
        draft.emit(
            CollectionDue,
            clock=at,
            stage=progress.key,
            answered=nominees - len(unanswered(state, progress.key, feedback.roles)),
            nominees=nominees,
            quorum_met=quorum_met(state, progress.key, feedback),
        )
    elif item.kind is Kind.escalation:
        (step,) = item.ref
        assert progress.due is not None
        draft.emit(
            EscalationDue,
            clock=at,
            delivery_id=draft.delivery_id(),
            stage=progress.key,
            to=(stage.escalate_after_due[step].to,),
            step=step + 1,
            due=progress.due,
            overdue_by=stage.escalate_after_due[step].after,
        )
    elif item.kind is Kind.stall:
        draft.emit(StageStalled, clock=at, stage=progress.key)


def _stale(draft: _Draft, item: Due) -> bool:
    """Rules 2: a reminder decided later after its moment than its own lead time is
    recorded as skipped: it would arrive after what it reminds of, or as noise."""
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    if not draft.dated or stage is None or progress is None:
        return False
    number: int | None = None
    if item.kind is Kind.session_reminder:
        assert stage.sessions is not None
        number, j = item.ref
        before = stage.sessions.remind_before[j]
        what = f"session {number}"
    else:
        before = stage.remind_before_due[item.ref[0]]
        what = f"the {progress.key} deadline"
    moment = state.clock.wall(item.clock)
    late = draft.decided_at - moment
    if late <= before:
        return False
    draft.emit(
        ReminderSkipped,
        clock=item.clock,
        stage=progress.key,
        before=before,
        number=number,
        reason=(
            f"the reminder for {what} was due at {moment.isoformat()} but decided "
            f"{_span(late)} later, more than its lead time of {_span(before)}"
        ),
    )
    return True


def _span(duration: timedelta) -> str:
    """A duration as a person reads it, to the minute."""
    minutes = int(duration.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m"]
    text = " ".join(p for p in parts if p and p != "0m")
    return text or "0m"


def _settle(draft: _Draft) -> None:
    """Complete stages whose gate is open and whose calendar is all recorded."""
    while True:
        state = draft.state
        progress = state.stage_progress
        if state.status is not Status.running or progress is None:
            return
        if progress.unrecorded or not gate_status(state).open:
            return
        _complete_stage(draft, forced_by=None)


def _complete_stage(draft: _Draft, forced_by: str | None) -> None:
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    assert stage is not None
    assert progress is not None
    if stage.evaluation is not None:
        _evaluate(draft, stage.evaluation, None)
    draft.emit(StageCompleted, stage=progress.key, forced_by=forced_by)
    if progress.index + 1 < len(state.template.stages):
        _enter_stage(draft, progress.index + 1)
    else:
        follow_up = state.template.follow_up
        clock = draft.clock()
        draft.emit(
            ProgrammeCompleted,
            follow_up_due=clock + follow_up.after if follow_up else None,
        )


def _enter_stage(draft: _Draft, index: int) -> None:
    state = draft.state
    stage = state.template.stages[index]
    clock = draft.clock()
    allowed = stage.allowed
    slots: tuple[SessionSlot, ...] = ()
    due = clock + allowed if allowed is not None else None
    if stage.sessions is not None:
        first = 1 + sum(s.sessions.count for s in state.template.stages[:index] if s.sessions)
        slots = tuple(
            SessionSlot(number=first + n, clock=clock + stage.sessions.every * (n + 1))
            for n in range(stage.sessions.count)
        )
        planned = opening(state, stage, first, clock)
        if planned is not None:  # rules 6: appointments at a wall time
            slots, due = planned.sessions, planned.due
    draft.emit(StageEntered, stage=stage.key, index=index, due=due, sessions=slots)


def _evaluate(draft: _Draft, kind: EvaluationKind, clock: timedelta | None) -> None:
    """Only this evaluation's answers count: given in the stage it closes (after the
    programme completed, for a follow-up) since the last evaluation; no fallback. Under
    rules 4 a stage's evaluation takes all the answers for its stage, kept ones too."""
    state = draft.state
    stage = state.stage_progress.key if state.stage_progress else None
    baseline = state.baseline()
    # Rules 4: every answer for the stage counts, those kept for it before it opened too;
    # the follow-up (no stage) still takes those given since the last evaluation.
    after = 0 if state.rules >= r.COLLECTION and stage is not None else state.last_evaluation_seq
    evaluation = evaluate(
        kind=kind,
        stage=stage,
        dimensions=state.template.dimensions,
        ratings=_ratings(state, stage, after),
        baseline=baseline,
        baseline_ratings=_ratings(state, baseline.stage, 0)
        if baseline is not None and baseline.stage is not None
        else None,
        progress=[state.progress.get(o.id) for o in state.objectives],
        attendance=Attendance(held=state.held, missed=state.missed),
        expected_attainment=expected_attainment(
            state.template, kind, draft.clock() if clock is None else clock
        ),
        tolerance=state.template.score_tolerance,
        expectations=state.expectations if kind in REPORTED_IN else None,
    )
    draft.emit(
        EvaluationRecorded, clock=clock, delivery_id=draft.delivery_id(), evaluation=evaluation
    )


def _ratings(state: ProgrammeState, stage: str | None, after: int) -> list[Rating]:
    """Each rater's latest scores among the answers given in ``stage`` after seq ``after``."""
    latest: dict[tuple[Role, str], Rating] = {}
    for entry in state.feedback:
        if entry.stage != stage or entry.seq <= after:
            continue
        before = latest.get((entry.role, entry.rater_id))
        scores = {**before.scores, **entry.scores} if before else dict(entry.scores)
        latest[(entry.role, entry.rater_id)] = Rating(entry.role, entry.rater_id, scores)
    return list(latest.values())


# ---------------------------------------------------------------- commands


def _require_open(state: ProgrammeState, doing: str) -> None:
    if state.ended or state.status is Status.completed:
        raise DomainError(f"cannot {doing}: the programme is {state.status}")


def _agree(draft: _Draft, command: AgreeObjectives) -> None:
    state = draft.state
    _require_open(state, "agree objectives")
    if state.objectives:
        raise DomainError("objectives are already agreed")
    agreed = len(command.short_term) + len(command.long_term)
    if draft.dated:
        if agreed > r.MAX_OBJECTIVES:
            raise DomainError(
                f"short_term and long_term: at most {r.MAX_OBJECTIVES} objectives in all, "
                f"got {agreed}"
            )
        for horizon, texts in (
            ("short_term", command.short_term),
            ("long_term", command.long_term),
        ):
            for i, text in enumerate(texts):
                _require_within(f"{horizon}[{i}]", text, r.MAX_TEXT)
    draft.emit(
        ObjectivesAgreed, objectives=agreed_objectives(command.short_term, command.long_term)
    )


def _amend(draft: _Draft, command: AmendObjectives) -> None:
    """Replace the agreed objectives; ``domain.objectives`` says which ids are kept."""
    state = draft.state
    _require_open(state, "amend objectives")
    if not state.objectives:
        raise DomainError("objectives are not agreed yet: agree them first, then amend them")
    if state.amendments >= r.MAX_AMENDMENTS:
        raise DomainError(
            f"the objectives were already amended {r.MAX_AMENDMENTS} times, the most allowed"
        )
    given = len(command.short_term) + len(command.long_term)
    if given > r.MAX_OBJECTIVES:
        raise DomainError(
            f"short_term and long_term: at most {r.MAX_OBJECTIVES} objectives in all, got {given}"
        )
    for horizon, texts in (("short_term", command.short_term), ("long_term", command.long_term)):
        for i, text in enumerate(texts):
            _require_within(f"{horizon}[{i}]", text, r.MAX_TEXT)
    _require_within("reason", command.reason, r.MAX_TEXT)
    retired = [o.id for o in state.retired]
    objectives = amended(state.objectives, retired, command.short_term, command.long_term)
    if objectives == state.objectives:
        raise DomainError("nothing to amend: these are the objectives agreed already")
    ever = {*retired, *(o.id for o in state.objectives), *(o.id for o in objectives)}
    if len(ever) > r.MAX_OBJECTIVES_EVER:
        raise DomainError(
            f"short_term and long_term: a programme has at most {r.MAX_OBJECTIVES_EVER} "
            f"objectives over its life, amendments included; this would make {len(ever)}"
        )
    before = {o.id for o in state.objectives}
    draft.emit(
        ObjectivesAmended,
        added=tuple(o for o in objectives if o.id not in before),
        removed=removed(state.objectives, objectives),
        order=tuple(o.id for o in objectives),
        reason=command.reason,
        amendment=state.amendments + 1,
    )


def _client(state: ProgrammeState, person_id: str, doing: str) -> Role:
    """The role whose expectations the programme records, if ``person_id`` holds it."""
    by = state.template.expectations.by
    holder = state.holder(by)
    if holder is None:
        raise DomainError(
            f"nobody holds the {by} role in this programme, whose expectations it records: "
            f"nobody may {doing}"
        )
    if person_id != holder:
        raise DomainError(
            f"person_id: {person_id!r} may not {doing}: this programme records its {by}'s "
            f"expectations, and only its {by} ({holder}) says them"
        )
    return by


def _expect(draft: _Draft, command: RecordExpectations) -> None:
    state = draft.state
    _require_open(state, "record expectations")
    by = _client(state, command.person_id, "record the expectations")
    _require_within("expected", command.expected, r.MAX_TEXT)
    before = state.expectations
    revision = 0
    if before is not None:
        if before.met is not None:
            raise DomainError("the expectations were already rated; they are not changed now")
        if state.expectations_revisions >= r.MAX_REVISIONS:
            raise DomainError(
                f"the expectations were already replaced {r.MAX_REVISIONS} times, the most allowed"
            )
        revision = state.expectations_revisions + 1
    draft.emit(
        ExpectationsRecorded,
        by=by,
        person_id=command.person_id,
        expected=command.expected,
        revision=revision,
    )


def _rate(draft: _Draft, command: RateExpectations) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot rate the expectations: the programme is {state.status}")
    by = _client(state, command.person_id, "rate the expectations")
    if state.expectations is None:
        raise DomainError("no expectations were recorded, so there are none to rate")
    progress = state.stage_progress
    first = rated_from(state.template)
    if state.status is not Status.completed and (progress is None or progress.index < first):
        where = f"stage {progress.key}" if progress is not None else f"{state.status}"
        raise DomainError(
            "expectations are rated at closure: from stage "
            f"{state.template.stages[first].key} on, and the programme is in {where}"
        )
    if state.expectations_ratings > r.MAX_REVISIONS:
        raise DomainError(
            f"the expectations were already rated again {r.MAX_REVISIONS} times, the most allowed"
        )
    _require_within("comment", command.comment, r.MAX_COMMENT)
    draft.emit(
        ExpectationsRated,
        by=by,
        person_id=command.person_id,
        met=command.met,
        comment=command.comment,
        revision=state.expectations_ratings,
    )


def _feedback(draft: _Draft, command: GiveFeedback) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot give feedback: the programme is {state.status}")
    assessed = state.template.dimensions
    unknown = [d.value for d in command.scores if d not in assessed]
    if unknown:
        raise DomainError(
            f"dimension {', '.join(map(repr, unknown))} is not assessed by this programme; "
            f"it assesses {', '.join(d.value for d in assessed)}"
        )
    stage = state.stage_progress.key if state.stage_progress else None
    target = state.current_stage
    if command.stage is not None and command.stage != stage:
        target = _later_feedback_stage(state, command.stage)
        stage = target.key
    revision = 0
    if state.rules >= r.PEOPLE:
        _check_rater(state, command, stage)
    if draft.dated:
        _require_within("comment", command.comment, r.MAX_COMMENT)
        revision = _revision(state, command, stage, target)
    draft.emit(
        FeedbackReceived,
        stage=stage,
        role=command.role,
        rater_id=command.rater_id,
        scores={d: command.scores[d] for d in assessed if d in command.scores},
        comment=command.comment,
        revision=revision,
    )


def _later_feedback_stage(state: ProgrammeState, key: str) -> Stage:
    """Rules 4: the later stage an answer names, which keeps it until it opens."""
    if state.rules < r.COLLECTION:
        raise DomainError(
            f"stage: this programme follows rules {state.rules}: an answer is for the "
            f"current stage (naming a later one takes rules {r.COLLECTION}); send it "
            "without stage"
        )
    keys = [s.key for s in state.template.stages]
    takes = [s.key for s in state.template.stages if s.gate.feedback or s.evaluation]
    if key not in keys:
        raise DomainError(
            f"stage: {key} is not a stage of this programme; feedback is taken in "
            f"{', '.join(takes) or 'no stage'}"
        )
    stage = state.template.stages[keys.index(key)]
    if key not in takes:
        raise DomainError(
            f"stage: {key} does not take feedback; feedback is taken in "
            f"{', '.join(takes) or 'no stage'}"
        )
    progress = state.stage_progress
    over = state.status is Status.completed or (
        progress is not None and keys.index(key) < progress.index
    )
    if over:
        raise DomainError(f"stage: {key} is over; answer for the current stage or a later one")
    return stage


def _check_rater(state: ProgrammeState, command: GiveFeedback, stage: str | None) -> None:
    """Rules 3: the employee, coach, manager, sponsor and HR answer as themselves; peers
    and direct reports only when nominated for that role in this stage."""
    role = command.role
    where = f"stage {stage}" if stage is not None else "this programme's follow-up"
    if role in NOMINATED_ROLES:
        nominated = state.nominations.get(stage or "", ())
        if Nominated(role=role, id=command.rater_id) not in nominated:
            raise DomainError(
                f"this rater is not nominated as {role} for {where}; "
                "nominate raters first (POST /v1/programmes/{id}/raters)"
            )
        return
    holder = state.holder(role)
    if holder is None:
        raise DomainError(f"nobody holds the {role} role in this programme: no {role} answers")
    if command.rater_id != holder:
        raise DomainError(
            f"rater {command.rater_id!r} may not answer as {role}: "
            f"only the programme's {role} ({holder}) does",
            shown=f"this rater may not answer as {role}: only the programme's {role} does",
        )


def _feedback_stage(state: ProgrammeState, stage: str | None) -> str | None:
    """The stage raters are nominated for: ``stage``, the current one, or the follow-up."""
    takes = [s.key for s in state.template.stages if s.gate.feedback or s.evaluation]
    if stage is None:
        if state.stage_progress is not None:
            stage = state.stage_progress.key
        elif state.status is Status.completed and state.follow_up_due is not None:
            return None
        else:
            raise DomainError("stage: the programme has no current stage; name one")
    if stage not in takes:
        raise DomainError(
            f"stage: {stage} does not take feedback; raters are nominated for "
            f"{', '.join(takes) or 'no stage'}"
        )
    if state.stage_progress is not None and state.template.stage(stage) is not None:
        index = [s.key for s in state.template.stages].index(stage)
        if index < state.stage_progress.index:
            raise DomainError(f"stage: {stage} is over; nominate for this stage or a later one")
    return stage


def _nominate(draft: _Draft, command: NominateRaters) -> None:
    state = draft.state
    if state.rules < r.PEOPLE:
        raise DomainError(
            f"this programme follows rules {state.rules}: its raters are not nominated "
            f"(rules {r.PEOPLE} and later)"
        )
    if state.ended:
        raise DomainError(f"cannot nominate raters: the programme is {state.status}")
    stage = _feedback_stage(state, command.stage)
    before = state.nominations.get(stage or "", ())
    known = {n.id: n.role for n in before}
    added: list[Nominated] = []
    for rater in command.raters:
        if rater.role not in NOMINATED_ROLES:
            holder = state.holder(rater.role) or "nobody yet"
            raise DomainError(
                f"raters: {rater.role} is not nominated: the programme's {rater.role} "
                f"({holder}) answers as {rater.role}; nominate "
                f"{' or '.join(NOMINATED_ROLES)}"
            )
        if rater.id in {state.holder(role) for role in Role}:
            raise DomainError(
                f"raters: {rater.id!r} holds a role in this programme and answers in it, "
                f"not as {rater.role}"
            )
        if known.get(rater.id, rater.role) is not rater.role:
            raise DomainError(
                f"raters: {rater.id!r} is nominated as {known[rater.id]}, not also as {rater.role}"
            )
        if rater.id not in known:
            known[rater.id] = rater.role
            added.append(Nominated(role=rater.role, id=rater.id))
    if len(known) > r.MAX_RATERS_PER_STAGE:
        raise DomainError(
            f"raters: at most {r.MAX_RATERS_PER_STAGE} raters per stage, "
            f"this would make {len(known)}"
        )
    if added:
        draft.emit(RatersNominated, stage=stage, raters=tuple(added))


def _reassign(draft: _Draft, command: Reassign) -> None:
    state = draft.state
    if state.rules < r.PEOPLE:
        raise DomainError(
            f"this programme follows rules {state.rules}: its people are not reassigned "
            f"(rules {r.PEOPLE} and later)"
        )
    if state.ended:
        raise DomainError(f"cannot reassign: the programme is {state.status}")
    if command.role not in HELD_ROLES:
        raise DomainError(f"role: {command.role} is not held; reassign {', '.join(HELD_ROLES)}")
    if state.reassignments >= r.MAX_REASSIGNMENTS:
        raise DomainError(
            f"this programme's people were reassigned {r.MAX_REASSIGNMENTS} times, the most allowed"
        )
    before = state.holder(command.role)
    if command.to == state.employee.id:
        raise DomainError(f"to: {command.to} is the employee, not their own {command.role}")
    if command.to == before:
        raise DomainError(f"to: {command.to} is already the {command.role}")
    draft.emit(PersonReassigned, role=command.role, before=before, to=command.to)


def _revision(
    state: ProgrammeState, command: GiveFeedback, stage: str | None, current: Stage | None
) -> int:
    """Rules 2: which answer of its rater in ``stage`` this is, or DomainError.

    A rater answers once per stage; a later answer replaces theirs, ``MAX_REVISIONS``
    times at most. Feedback is taken in stages that ask for it (a feedback gate or an
    evaluation) and while no stage is current (before the start, for the follow-up).
    ``current`` is the stage the answer is for: the current one, or (rules 4) the later
    one it names.
    """
    where = f"stage {stage}" if stage is not None else "this programme's follow-up"
    if current is not None and current.gate.feedback is None and current.evaluation is None:
        collecting = [s.key for s in state.template.stages if s.gate.feedback or s.evaluation]
        raise DomainError(
            f"stage {stage} does not take feedback; it is taken in "
            f"{', '.join(collecting) or 'no stage'} and for the follow-up"
        )
    answers = [f for f in state.feedback if f.stage == stage]
    mine = next((f for f in answers if f.rater_id == command.rater_id), None)
    if mine is None:
        if len(answers) >= r.MAX_RATERS_PER_STAGE:
            raise DomainError(
                f"{where} already has answers from {r.MAX_RATERS_PER_STAGE} raters, "
                f"the most it takes; rater {command.rater_id!r} is one too many",
                shown=f"{where} already has answers from {r.MAX_RATERS_PER_STAGE} raters, "
                "the most it takes; this rater is one too many",
            )
        return 0
    if mine.role is not command.role:
        raise DomainError(
            f"rater {command.rater_id!r} answered as {mine.role} in {where}; "
            f"a revised answer must keep that role, got {command.role}",
            shown=f"this rater answered as {mine.role} in {where}; "
            f"a revised answer must keep that role, got {command.role}",
        )
    if mine.revision >= r.MAX_REVISIONS:
        raise DomainError(
            f"rater {command.rater_id!r} already revised their answer in {where} "
            f"{r.MAX_REVISIONS} times, the most allowed",
            shown=f"this rater already revised their answer in {where} "
            f"{r.MAX_REVISIONS} times, the most allowed",
        )
    return mine.revision + 1


def _session(draft: _Draft, command: RecordSession) -> None:
    state = draft.state
    if state.status not in (Status.running, Status.paused):
        raise DomainError(f"cannot record a session: the programme is {state.status}")
    progress = state.stage_progress
    numbers = [s.number for s in progress.sessions] if progress else []
    if progress is None or command.number not in numbers:
        where = f"sessions {numbers[0]}..{numbers[-1]}" if numbers else "no sessions in this stage"
        stage = progress.key if progress else "none"
        raise DomainError(
            f"session {command.number} is not in the current stage ({stage}: {where})"
        )
    if draft.dated:
        _require_within("notes", command.notes, r.MAX_NOTES)
    if command.number in progress.cancelled:
        raise DomainError(f"session {command.number} was cancelled by agreement; not recorded")
    if command.correct:
        _correct(draft, command, progress)
        return
    if command.number in progress.recorded:
        hint = "; send correct=true to change it" if draft.dated else ""
        raise DomainError(
            f"session {command.number} is already recorded as "
            f"{progress.recorded[command.number]}{hint}"
        )
    if draft.dated:
        _require_slot_near(draft, command.number)
    cls = SessionHeld if command.status is SessionStatus.held else SessionMissed
    draft.emit(cls, stage=progress.key, number=command.number, notes=command.notes)


def _require_within(field: str, text: str | None, limit: int) -> None:
    """Rules 2: a text no longer than ``limit`` bytes of UTF-8."""
    if text is not None and r.utf8(text) > limit:
        raise DomainError(f"{field}: at most {limit} bytes of UTF-8, got {r.utf8(text)}")


def _require_slot_near(draft: _Draft, number: int) -> None:
    """Rules 2: a session is recorded from a little before its slot, not in advance."""
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    assert stage is not None
    assert stage.sessions is not None
    assert progress is not None
    slot = next(s for s in progress.sessions if s.number == number)
    window = stage.sessions.record_from or r.RECORD_SESSION_FROM
    if draft.clock() < slot.clock - window:
        opens = state.clock.wall(slot.clock - window)
        raise DomainError(
            f"session {number} is planned for {state.clock.wall(slot.clock).isoformat()}; "
            f"it can be recorded from {opens.isoformat()} ({_span(window)} before), not earlier"
        )


def _correct(draft: _Draft, command: RecordSession, progress: StageProgress) -> None:
    number = command.number
    was = progress.recorded.get(number)
    if was is None:
        raise DomainError(
            f"session {number} is not recorded yet, so there is nothing to correct; "
            "send it without correct"
        )
    if was is command.status and command.notes is None:
        raise DomainError(f"session {number} is already recorded as {was}; nothing to correct")
    done = progress.corrections.get(number, 0)
    if done >= r.MAX_REVISIONS:
        raise DomainError(
            f"session {number} was already corrected {r.MAX_REVISIONS} times, the most allowed"
        )
    draft.emit(
        SessionCorrected,
        stage=progress.key,
        number=number,
        status=command.status.value,
        was=was.value,
        notes=command.notes,
    )


def _progress(draft: _Draft, command: RecordProgress) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot record progress: the programme is {state.status}")
    if not state.objectives:
        raise DomainError("objectives are not agreed yet")
    ids = [o.id for o in state.objectives]
    gone = next((o for o in state.retired if o.id == command.objective_id), None)
    if gone is not None:
        raise DomainError(
            f"objective {gone.id!r} was removed by amendment {gone.amendment}; "
            f"progress is recorded on {', '.join(ids)}"
        )
    if command.objective_id not in ids:
        raise DomainError(f"objective {command.objective_id!r} is unknown; known: {', '.join(ids)}")
    records = state.progress_records.get(command.objective_id, 0)
    if draft.dated and records >= r.MAX_PROGRESS_RECORDS:
        raise DomainError(
            f"progress of {command.objective_id} was already recorded {records} times, "
            "the most a programme takes"
        )
    draft.emit(ObjectiveProgressed, objective_id=command.objective_id, percent=command.percent)


def _pause(draft: _Draft, command: Pause) -> None:
    state = draft.state
    if state.status is Status.paused:
        raise DomainError("the programme is already paused")
    if state.status is not Status.running:
        raise DomainError(f"cannot pause: the programme is {state.status}")
    if command.until is not None and command.until <= draft.now:
        raise DomainError(f"until must be in the future, got {command.until.isoformat()}")
    if draft.dated:
        _require_within("reason", command.reason, r.MAX_TEXT)
    if draft.dated and state.pauses >= r.MAX_PAUSES:
        raise DomainError(
            f"the programme was already paused {r.MAX_PAUSES} times, the most allowed; "
            "withdraw it instead"
        )
    draft.emit(ProgrammePaused, reason=command.reason, until=command.until)


def _resume(draft: _Draft, command: Resume) -> None:
    state = draft.state
    if state.status is not Status.paused or state.clock.paused_since is None:
        raise DomainError(f"cannot resume: the programme is {state.status}, not paused")
    since = state.clock.paused_since
    draft.emit(ProgrammeResumed, paused_for=draft.now - since)
    _replan(draft, since, draft.now)


def _replan(draft: _Draft, paused_from: datetime, resumed: datetime) -> None:
    """Rules 6: sessions a pause passed over move after it, on their wall time."""
    plan = after_pause(draft.state, paused_from, resumed)
    if plan is not None:
        assert draft.state.stage_progress is not None
        draft.emit(
            SessionsReplanned,
            stage=draft.state.stage_progress.key,
            sessions=plan.sessions,
            due=plan.due,
            dated=plan.dated,
        )


def _reschedule(draft: _Draft, command: RescheduleSession) -> None:
    state = draft.state
    plan = rescheduling(state, command.number, command.to, command.reason, draft.now)
    assert state.stage_progress is not None
    draft.emit(
        SessionRescheduled,
        stage=state.stage_progress.key,
        number=command.number,
        session_clock=plan.sessions[0].clock,
        reason=command.reason,
        due=plan.due,
    )


def _cancel(draft: _Draft, command: CancelSession) -> None:
    state = draft.state
    cancelling(state, command.number, command.reason)
    assert state.stage_progress is not None
    draft.emit(
        SessionCancelled,
        stage=state.stage_progress.key,
        number=command.number,
        reason=command.reason,
    )


def _withdraw(draft: _Draft, command: Withdraw) -> None:
    state = draft.state
    if state.ended or state.status is Status.completed:
        raise DomainError(f"cannot withdraw: the programme is {state.status}")
    if draft.dated:
        _require_within("reason", command.reason, r.MAX_TEXT)
    _evaluate(draft, EvaluationKind.closing, None)
    draft.emit(ProgrammeWithdrawn, reason=command.reason)


def _advance(draft: _Draft, command: AdvanceStage) -> None:
    state = draft.state
    if state.status is not Status.running or state.stage_progress is None:
        raise DomainError(f"cannot advance: the programme is {state.status}")
    if draft.dated:
        _require_within("reason", command.reason, r.MAX_TEXT)
    _complete_stage(draft, forced_by=command.reason)


def _tick(draft: _Draft, command: Tick) -> None:
    """Catching up with time, done for every command, is all a tick does."""


def _delivery(draft: _Draft, command: RecordDelivery) -> None:
    if command.delivery_id not in draft.state.pending_deliveries:
        return  # already accounted for: a retried confirmation is harmless
    detail = r.clip(command.detail, r.MAX_DETAIL) if draft.dated else command.detail
    if command.delivered:
        draft.emit(DeliveryConfirmed, delivery_id=command.delivery_id, detail=detail)
    else:
        draft.emit(DeliveryFailed, delivery_id=command.delivery_id, detail=detail)


_HANDLERS: dict[type[Any], Callable[[_Draft, Any], None]] = {
    AgreeObjectives: _agree,
    AmendObjectives: _amend,
    RecordExpectations: _expect,
    RateExpectations: _rate,
    GiveFeedback: _feedback,
    NominateRaters: _nominate,
    Reassign: _reassign,
    RecordSession: _session,
    RecordProgress: _progress,
    Pause: _pause,
    Resume: _resume,
    Withdraw: _withdraw,
    AdvanceStage: _advance,
    Tick: _tick,
    RecordDelivery: _delivery,
    RescheduleSession: _reschedule,
    CancelSession: _cancel,
}
