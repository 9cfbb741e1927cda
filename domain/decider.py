"""The decider: ``decide(state, command, now) -> events`` and ``evolve(state, event) -> state``.

``decide`` first catches up with time: whatever fell due on the programme clock
by ``now`` fires before the command itself is applied, each event stamped with
the programme-clock time it fell due. So the log reads the same however late a
timer or a worker woke up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any, NamedTuple, TypeVar

from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Command,
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
from domain.errors import DomainError
from domain.evaluation import Attendance, Rating, evaluate, expected_attainment
from domain.events import (
    DeliveryConfirmed,
    DeliveryFailed,
    EscalationDue,
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    FollowUpClosed,
    Objective,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeStarted,
    ProgrammeWithdrawn,
    ReminderDue,
    SessionHeld,
    SessionMissed,
    SessionReminderDue,
    SessionSlot,
    StageCompleted,
    StageEntered,
    StageStalled,
)
from domain.gates import gate_status
from domain.state import Clock, FeedbackEntry, ProgrammeState, StageProgress, Status
from domain.template import EvaluationKind, Role

State = ProgrammeState | None
E = TypeVar("E", bound=Event)


# ---------------------------------------------------------------- time


class Kind(IntEnum):
    """What can fall due on the programme clock; the order breaks ties at one instant."""

    start = 0
    session_reminder = 1
    reminder = 2
    close_calendar = 3
    escalation = 4
    stall = 5
    lapse = 6
    follow_up = 7


class Due(NamedTuple):
    clock: timedelta
    kind: Kind
    ref: tuple[int, ...] = ()


def upcoming(state: ProgrammeState) -> list[Due]:
    """Everything still to fall due on the programme clock, earliest first."""
    items: list[Due] = []
    if state.status is Status.scheduled:
        return [Due(timedelta(0), Kind.start)]
    if state.status is Status.completed and state.follow_up_due is not None:
        return [Due(state.follow_up_due, Kind.follow_up)]
    if state.status not in (Status.running, Status.paused):
        return []
    items.append(Due(state.template.max_duration, Kind.lapse))
    stage, progress = state.current_stage, state.stage
    if stage is not None and progress is not None:
        if stage.sessions is not None:
            for slot in progress.unrecorded:
                for j, before in enumerate(stage.sessions.remind_before):
                    if (slot.number, j) not in progress.session_reminders_sent:
                        items.append(
                            Due(slot.clock - before, Kind.session_reminder, (slot.number, j))
                        )
        if progress.due is not None:
            for i, before in enumerate(stage.remind_before_due):
                if i not in progress.reminders_sent:
                    items.append(Due(progress.due - before, Kind.reminder, (i,)))
            if progress.unrecorded:
                items.append(Due(progress.due, Kind.close_calendar))
            ladder = stage.escalate_after_due
            if progress.escalations_sent < len(ladder):
                step = progress.escalations_sent
                items.append(Due(progress.due + ladder[step].after, Kind.escalation, (step,)))
            if not progress.stalled:
                last = ladder[-1].after if ladder else timedelta(0)
                items.append(Due(progress.due + last, Kind.stall))
    return sorted(items)


def next_wake(state: ProgrammeState) -> datetime | None:
    """Wall time at which the programme next needs a Tick, if ever."""
    if state.status is Status.paused:
        return state.pause_until
    items = upcoming(state)
    if not items:
        return None
    if state.status is Status.scheduled:
        return state.clock.starts_at
    return state.clock.wall(items[0].clock)


# ---------------------------------------------------------------- decide


class _Draft:
    """Events decided so far, and the state they lead to."""

    def __init__(self, state: ProgrammeState, now: datetime, key: str | None) -> None:
        self.state = state
        self.now = now
        self.key = key
        self.events: list[Event] = []
        self.due: timedelta | None = None
        """While catching up: the programme-clock time of the timer being fired."""

    def clock(self) -> timedelta:
        """Programme-clock time of what is being decided: the timer's while catching up."""
        return self.state.clock.at(self.now) if self.due is None else self.due

    def emit(self, cls: type[E], clock: timedelta | None = None, **fields: Any) -> E:
        seq = self.state.seq + 1
        event = cls(
            seq=seq,
            at=self.now,
            clock=self.clock() if clock is None else clock,
            key=self.key,
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


def decide_and_evolve(state: State, command: Command, now: datetime) -> Decision:
    """``decide``, with the state its events lead to, so a caller need not evolve again."""
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
        draft = _Draft(state, now, None)
        _catch_up(draft)
        draft.key = command.key
        _HANDLERS[type(command)](draft, command)
        _settle(draft)
    return Decision(draft.events, draft.state)


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
        cohort_id=command.cohort_id,
        starts_at=starts_at,
    )
    draft = _Draft(evolve(None, launched), now, command.key)
    draft.events.append(launched)
    _catch_up(draft)
    return draft


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
        resumed = draft.emit(ProgrammeResumed, paused_for=paused_for, automatic=True)
        # a gate opened while paused opens the stage at the resume, not at ``now``
        draft.due = resumed.clock
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
    stage, progress = state.current_stage, state.stage
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
        needed = not _sessions_quota_met(state)
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


def _sessions_quota_met(state: ProgrammeState) -> bool:
    """The current stage asks for a number of sessions held, and they were."""
    stage, progress = state.current_stage, state.stage
    if stage is None or progress is None or stage.gate.sessions_held is None:
        return False
    return progress.held >= stage.gate.sessions_held


def _settle(draft: _Draft) -> None:
    """Complete stages whose gate is open and whose calendar is all recorded."""
    while True:
        state = draft.state
        progress = state.stage
        if state.status is not Status.running or progress is None:
            return
        if progress.unrecorded or not gate_status(state).open:
            return
        _complete_stage(draft, forced_by=None)


def _complete_stage(draft: _Draft, forced_by: str | None) -> None:
    state = draft.state
    stage, progress = state.current_stage, state.stage
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
    if stage.sessions is not None:
        first = 1 + sum(s.sessions.count for s in state.template.stages[:index] if s.sessions)
        slots = tuple(
            SessionSlot(number=first + n, clock=clock + stage.sessions.every * (n + 1))
            for n in range(stage.sessions.count)
        )
    draft.emit(
        StageEntered,
        stage=stage.key,
        index=index,
        due=clock + allowed if allowed is not None else None,
        sessions=slots,
    )


def _evaluate(draft: _Draft, kind: EvaluationKind, clock: timedelta | None) -> None:
    """Only this evaluation's answers count: given in the stage it closes (after the
    programme completed, for a follow-up) since the last evaluation; no fallback."""
    state = draft.state
    stage = state.stage.key if state.stage else None
    baseline = state.baseline()
    evaluation = evaluate(
        kind=kind,
        stage=stage,
        dimensions=state.template.dimensions,
        ratings=_ratings(state, stage, state.last_evaluation_seq),
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
    objectives = tuple(
        Objective(id=f"S{i}", horizon="short_term", text=text)
        for i, text in enumerate(command.short_term, 1)
    ) + tuple(
        Objective(id=f"L{i}", horizon="long_term", text=text)
        for i, text in enumerate(command.long_term, 1)
    )
    draft.emit(ObjectivesAgreed, objectives=objectives)


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
    draft.emit(
        FeedbackReceived,
        stage=state.stage.key if state.stage else None,
        role=command.role,
        rater_id=command.rater_id,
        scores={d: command.scores[d] for d in assessed if d in command.scores},
        comment=command.comment,
    )


def _session(draft: _Draft, command: RecordSession) -> None:
    state = draft.state
    if state.status not in (Status.running, Status.paused):
        raise DomainError(f"cannot record a session: the programme is {state.status}")
    progress = state.stage
    numbers = [s.number for s in progress.sessions] if progress else []
    if progress is None or command.number not in numbers:
        where = f"sessions {numbers[0]}..{numbers[-1]}" if numbers else "no sessions in this stage"
        stage = progress.key if progress else "none"
        raise DomainError(
            f"session {command.number} is not in the current stage ({stage}: {where})"
        )
    if command.number in progress.recorded:
        raise DomainError(
            f"session {command.number} is already recorded as {progress.recorded[command.number]}"
        )
    cls = SessionHeld if command.status is SessionStatus.held else SessionMissed
    draft.emit(cls, stage=progress.key, number=command.number, notes=command.notes)


def _progress(draft: _Draft, command: RecordProgress) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot record progress: the programme is {state.status}")
    if not state.objectives:
        raise DomainError("objectives are not agreed yet")
    ids = [o.id for o in state.objectives]
    if command.objective_id not in ids:
        raise DomainError(f"objective {command.objective_id!r} is unknown; known: {', '.join(ids)}")
    draft.emit(ObjectiveProgressed, objective_id=command.objective_id, percent=command.percent)


def _pause(draft: _Draft, command: Pause) -> None:
    state = draft.state
    if state.status is Status.paused:
        raise DomainError("the programme is already paused")
    if state.status is not Status.running:
        raise DomainError(f"cannot pause: the programme is {state.status}")
    if command.until is not None and command.until <= draft.now:
        raise DomainError(f"until must be in the future, got {command.until.isoformat()}")
    draft.emit(ProgrammePaused, reason=command.reason, until=command.until)


def _resume(draft: _Draft, command: Resume) -> None:
    state = draft.state
    if state.status is not Status.paused or state.clock.paused_since is None:
        raise DomainError(f"cannot resume: the programme is {state.status}, not paused")
    draft.emit(ProgrammeResumed, paused_for=draft.now - state.clock.paused_since)


def _withdraw(draft: _Draft, command: Withdraw) -> None:
    state = draft.state
    if state.ended or state.status is Status.completed:
        raise DomainError(f"cannot withdraw: the programme is {state.status}")
    _evaluate(draft, EvaluationKind.closing, None)
    draft.emit(ProgrammeWithdrawn, reason=command.reason)


def _advance(draft: _Draft, command: AdvanceStage) -> None:
    state = draft.state
    if state.status is not Status.running or state.stage is None:
        raise DomainError(f"cannot advance: the programme is {state.status}")
    _complete_stage(draft, forced_by=command.reason)


def _tick(draft: _Draft, command: Tick) -> None:
    """Catching up with time, done for every command, is all a tick does."""


def _delivery(draft: _Draft, command: RecordDelivery) -> None:
    if command.delivery_id not in draft.state.pending_deliveries:
        return  # already accounted for: a retried confirmation is harmless
    if command.delivered:
        draft.emit(DeliveryConfirmed, delivery_id=command.delivery_id, detail=command.detail)
    else:
        draft.emit(DeliveryFailed, delivery_id=command.delivery_id, detail=command.detail)


_HANDLERS: dict[type[Any], Callable[[_Draft, Any], None]] = {
    AgreeObjectives: _agree,
    GiveFeedback: _feedback,
    RecordSession: _session,
    RecordProgress: _progress,
    Pause: _pause,
    Resume: _resume,
    Withdraw: _withdraw,
    AdvanceStage: _advance,
    Tick: _tick,
    RecordDelivery: _delivery,
}


# ---------------------------------------------------------------- evolve


def evolve(state: State, event: Event) -> ProgrammeState:
    """Apply one event. The only way state ever changes."""
    if state is None:
        if not isinstance(event, ProgrammeLaunched):
            raise ValueError(f"the first event must be programme_launched, got {event.type}")
        return ProgrammeState(
            programme_id=event.programme_id,
            employee=event.employee,
            template=event.template,
            coach_id=event.coach_id,
            manager_id=event.manager_id,
            sponsor_id=event.sponsor_id,
            cohort_id=event.cohort_id,
            status=Status.scheduled,
            clock=Clock(starts_at=event.starts_at),
            seq=event.seq,
            applied_keys=frozenset({event.key}) if event.key else frozenset(),
        )
    if event.seq != state.seq + 1:
        raise ValueError(f"event {event.seq} does not follow {state.seq}")
    changes: dict[str, Any] = {"seq": event.seq}
    if event.key is not None and event.key not in state.applied_keys:
        changes["applied_keys"] = state.applied_keys | {event.key}
    changes.update(_changes(state, event))
    return state.model_copy(update=changes)


def _changes(state: ProgrammeState, event: Event) -> dict[str, Any]:
    progress = state.stage
    match event:
        case ProgrammeStarted():
            return {"status": Status.running}
        case StageEntered():
            return {
                "stage": StageProgress(
                    key=event.stage,
                    index=event.index,
                    entered=event.clock,
                    due=event.due,
                    sessions=event.sessions,
                )
            }
        case ObjectivesAgreed():
            return {"objectives": event.objectives}
        case FeedbackReceived():
            entry = FeedbackEntry(
                seq=event.seq,
                stage=event.stage,
                role=event.role,
                rater_id=event.rater_id,
                scores=event.scores,
            )
            return {"feedback": (*state.feedback, entry)}
        case SessionHeld() | SessionMissed():
            assert progress is not None
            status = SessionStatus.held if isinstance(event, SessionHeld) else SessionStatus.missed
            counter = "held" if status is SessionStatus.held else "missed"
            changes: dict[str, Any] = {
                "stage": progress.model_copy(
                    update={"recorded": {**progress.recorded, event.number: status}}
                ),
                counter: getattr(state, counter) + 1,
            }
            if isinstance(event, SessionMissed) and event.unrecorded and _sessions_quota_met(state):
                del changes[counter]  # not needed, so not missed: attendance leaves it out
            return changes
        case ObjectiveProgressed():
            return {"progress": {**state.progress, event.objective_id: event.percent}}
        case ReminderDue():
            assert progress is not None
            assert state.current_stage is not None
            i = state.current_stage.remind_before_due.index(event.before)
            return _pending(state, event.delivery_id) | {
                "stage": progress.model_copy(
                    update={"reminders_sent": progress.reminders_sent | {i}}
                )
            }
        case SessionReminderDue():
            assert progress is not None
            assert state.current_stage is not None
            assert state.current_stage.sessions is not None
            j = state.current_stage.sessions.remind_before.index(event.before)
            sent = progress.session_reminders_sent | {(event.number, j)}
            return _pending(state, event.delivery_id) | {
                "stage": progress.model_copy(update={"session_reminders_sent": sent})
            }
        case EscalationDue():
            assert progress is not None
            return _pending(state, event.delivery_id) | {
                "stage": progress.model_copy(update={"escalations_sent": event.step})
            }
        case StageStalled():
            assert progress is not None
            return {"stage": progress.model_copy(update={"stalled": True})}
        case EvaluationRecorded():
            return _pending(state, event.delivery_id) | {
                "evaluations": (*state.evaluations, event.evaluation),
                "last_evaluation_seq": event.seq,
            }
        case DeliveryConfirmed() | DeliveryFailed():
            return {
                "pending_deliveries": tuple(
                    d for d in state.pending_deliveries if d != event.delivery_id
                )
            }
        case StageCompleted():
            return {"stage": None, "stages_done": state.stages_done + 1}
        case ProgrammePaused():
            return {
                "status": Status.paused,
                "clock": state.clock.model_copy(update={"paused_since": event.at}),
                "pause_reason": event.reason,
                "pause_until": event.until,
            }
        case ProgrammeResumed():
            return {
                "status": Status.running,
                "clock": state.clock.model_copy(
                    update={
                        "paused_since": None,
                        "paused_total": state.clock.paused_total + event.paused_for,
                    }
                ),
                "pause_reason": None,
                "pause_until": None,
            }
        case ProgrammeWithdrawn():
            return _ended(state, Status.withdrawn, event)
        case ProgrammeLapsed():
            return _ended(state, Status.lapsed, event)
        case ProgrammeCompleted():
            return _ended(state, Status.completed, event) | {"follow_up_due": event.follow_up_due}
        case FollowUpClosed():
            return {"follow_up_due": None}
        case ProgrammeLaunched():
            raise ValueError("programme_launched can only be the first event")
    raise ValueError(f"unknown event {event!r}")  # pragma: no cover


def _pending(state: ProgrammeState, delivery_id: str) -> dict[str, Any]:
    return {"pending_deliveries": (*state.pending_deliveries, delivery_id)}


def _ended(state: ProgrammeState, status: Status, event: Event) -> dict[str, Any]:
    clock = state.clock
    if clock.paused_since is not None:
        clock = clock.model_copy(
            update={
                "paused_since": None,
                "paused_total": clock.paused_total + (event.at - clock.paused_since),
            }
        )
    return {"status": status, "stage": None, "clock": clock, "ended_at": event.at}


def fold(events: Iterable[Event]) -> ProgrammeState:
    """Rebuild a programme's state from its events."""
    state: State = None
    for event in events:
        state = evolve(state, event)
    if state is None:
        raise ValueError("no events to fold")
    return state


def apply(state: State, events: Iterable[Event]) -> State:
    for event in events:
        state = evolve(state, event)
    return state
