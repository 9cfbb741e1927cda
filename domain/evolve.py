"""``evolve(state, event) -> state``: the only way a programme's state changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from domain import follow_up
from domain.commands import SessionStatus
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
    InvitationDue,
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
    TemplateMigrated,
)
from domain.expectations import Expectations
from domain.follow_up import FOLLOW_UP_KEY
from domain.gates import sessions_quota_met
from domain.objectives import RetiredObjective
from domain.rules import EVIDENCE
from domain.state import Clock, FeedbackEntry, ProgrammeState, StageProgress, Status

State = ProgrammeState | None


def evolve(state: State, event: Event) -> ProgrammeState:
    """Apply one event. The only way state ever changes."""
    if state is None:
        if not isinstance(event, ProgrammeLaunched):
            raise ValueError(f"the first event must be programme_launched, got {event.type}")
        return ProgrammeState(
            programme_id=event.programme_id,
            employee=event.employee,
            template=event.template,
            holders=event.holders,
            cohort_id=event.cohort_id,
            status=Status.scheduled,
            clock=Clock(starts_at=event.starts_at),
            seq=event.seq,
            rules=event.rules,
            first_session=event.first_session,
            last_at=event.at,
            applied_keys=frozenset({event.key}) if event.key else frozenset(),
        )
    if event.seq != state.seq + 1:
        raise ValueError(f"event {event.seq} does not follow {state.seq}")
    changes: dict[str, Any] = {"seq": event.seq}
    if event.key is not None and event.key not in state.applied_keys:
        changes["applied_keys"] = state.applied_keys | {event.key}
    changes["last_at"] = max(state.last_at, event.at)
    changes.update(_changes(state, event))
    return state.model_copy(update=changes)


def _measuring(state: ProgrammeState, event: ObjectiveProgressed) -> dict[str, Any]:
    """Rules 5: whether a check-in sets the objective's starting point or measures it
    (``domain.attainment``)."""
    if state.rules < EVIDENCE:
        return {}
    oid = event.objective_id
    first = state.progress_records.get(oid, 0) == 0
    if not state.coaching_started or (oid in state.amended_in and first):
        return {"starts": {**state.starts, oid: event.percent}}
    return {"measured": state.measured | {oid}}


def _changes(state: ProgrammeState, event: Event) -> dict[str, Any]:
    progress = state.stage_progress
    match event:
        case RatersNominated():
            where = event.stage or ""
            before = state.nominations.get(where, ())
            return {"nominations": {**state.nominations, where: before + event.raters}}
        case PersonReassigned():
            return {
                "holders": state.holders.given(event.role, event.to),
                "reassignments": state.reassignments + 1,
            }
        case ProgrammeStarted():
            return {"status": Status.running}
        case StageEntered():
            return {
                "stage_progress": StageProgress(
                    key=event.stage,
                    index=event.index,
                    entered=event.clock,
                    due=event.due,
                    sessions=event.sessions,
                )
            }
        case ObjectivesAgreed():
            return {"objectives": event.objectives}
        case ObjectivesAmended():
            gone = tuple(
                RetiredObjective(
                    id=o.id,
                    horizon=o.horizon,
                    text=o.text,
                    percent=state.progress.get(o.id),
                    amendment=event.amendment,
                )
                for o in state.objectives
                if o.id in event.removed
            )
            known = {o.id: o for o in (*state.objectives, *event.added, *event.reworded)}
            # rules 5: added once the coaching began, it starts at its first check-in
            late = state.amended_in | {o.id for o in event.added}
            mid_way = state.rules >= EVIDENCE and state.coaching_started
            return {
                "amended_in": late if mid_way else state.amended_in,
                "objectives": tuple(known[i] for i in event.order),
                "retired": state.retired + gone,
                "amendments": event.amendment,
            }
        case ExpectationsRecorded():
            return {
                "expectations": Expectations(by=event.by, expected=event.expected),
                "expectations_revisions": event.revision,
            }
        case ExpectationsRated():
            assert state.expectations is not None
            return {
                "expectations": state.expectations.model_copy(
                    update={"met": event.met, "comment": event.comment}
                ),
                "expectations_ratings": state.expectations_ratings + 1,
            }
        case TemplateMigrated():
            moved: dict[str, Any] = {"template": event.template}
            if progress is not None and event.stage is not None and event.index is not None:
                moved["stage_progress"] = progress.model_copy(
                    update={
                        "key": event.stage,
                        "index": event.index,
                        "due": event.due,
                        "sessions": event.sessions,
                    }
                )
            return moved
        case FeedbackReceived():
            entry = FeedbackEntry(
                seq=event.seq,
                stage=event.stage,
                role=event.role,
                rater_id=event.rater_id,
                scores=event.scores,
                revision=event.revision,
            )
            kept = state.feedback
            if event.revision:  # replaces the rater's answer in the stage
                mine = (event.stage, event.rater_id)
                if state.rules >= EVIDENCE:  # rules 5: changes the dimensions it names
                    answered = next((f for f in kept if (f.stage, f.rater_id) == mine), None)
                    if answered is not None:
                        merged = {**answered.scores, **event.scores}
                        entry = entry.model_copy(update={"scores": merged})
                kept = tuple(f for f in kept if (f.stage, f.rater_id) != mine)
            return {"feedback": (*kept, entry)}
        case SessionHeld() | SessionMissed():
            assert progress is not None
            status = SessionStatus.held if isinstance(event, SessionHeld) else SessionStatus.missed
            counter = "held" if status is SessionStatus.held else "missed"
            slot = next(s for s in progress.sessions if s.number == event.number)
            update: dict[str, Any] = {
                "recorded": {**progress.recorded, event.number: status},
                # a session a pause left at its date (rules 6) keeps it
                "dated": {event.number: state.clock.wall(slot.clock), **progress.dated},
            }
            changes: dict[str, Any] = {counter: getattr(state, counter) + 1}
            if isinstance(event, SessionMissed) and event.unrecorded and sessions_quota_met(state):
                del changes[counter]  # not needed, so not missed: attendance leaves it out
                update["uncounted"] = progress.uncounted | {event.number}
            return changes | {"stage_progress": progress.model_copy(update=update)}
        case SessionCorrected():
            assert progress is not None
            was, now = SessionStatus(event.was), SessionStatus(event.status)
            counts = {"held": state.held, "missed": state.missed}
            if event.number not in progress.uncounted:
                counts[was.value] -= 1
            counts[now.value] += 1
            return counts | {
                "stage_progress": progress.model_copy(
                    update={
                        "recorded": {**progress.recorded, event.number: now},
                        "uncounted": progress.uncounted - {event.number},
                        "corrections": {
                            **progress.corrections,
                            event.number: progress.corrections.get(event.number, 0) + 1,
                        },
                    }
                )
            }
        case SessionsReplanned():
            assert progress is not None
            replanned = _replanned(progress, event.sessions, event.due)
            dated = {**progress.dated, **event.dated}
            return {"stage_progress": replanned.model_copy(update={"dated": dated})}
        case SessionRescheduled():
            assert progress is not None
            slot = SessionSlot(number=event.number, clock=event.session_clock)
            return {
                "stage_progress": _replanned(progress, (slot,), event.due),
                "session_changes": state.session_changes + 1,
            }
        case SessionCancelled():
            assert progress is not None
            return {
                "stage_progress": progress.model_copy(
                    update={"cancelled": progress.cancelled | {event.number}}
                ),
                "session_changes": state.session_changes + 1,
            }
        case ObjectiveProgressed():
            records = state.progress_records
            measuring = _measuring(state, event)
            if state.status is Status.completed:  # rules 8: checked in for the follow-up
                measuring["followed_up"] = state.followed_up | {event.objective_id}
            return measuring | {
                "progress": {**state.progress, event.objective_id: event.percent},
                "progress_records": {
                    **records,
                    event.objective_id: records.get(event.objective_id, 0) + 1,
                },
            }
        case ReminderDue() if event.stage == FOLLOW_UP_KEY:
            i = follow_up.reminders(state.template).index(event.before)
            return _pending(state, event.delivery_id) | {
                "follow_up_reminders": state.follow_up_reminders | {i}
            }
        case ReminderSkipped() if event.stage == FOLLOW_UP_KEY:
            i = follow_up.reminders(state.template).index(event.before)
            return {"follow_up_reminders": state.follow_up_reminders | {i}}
        case ReminderDue():
            assert progress is not None
            assert state.current_stage is not None
            i = state.current_stage.remind_before_due.index(event.before)
            return _pending(state, event.delivery_id) | {
                "stage_progress": progress.model_copy(
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
                "stage_progress": progress.model_copy(update={"session_reminders_sent": sent})
            }
        case InvitationDue():
            sequences = {s.number: s.sequence for s in event.sessions}
            return _pending(state, event.delivery_id) | {
                "invitations": {**state.invitations, **sequences}
            }
        case EscalationDue():
            assert progress is not None
            return _pending(state, event.delivery_id) | {
                "stage_progress": progress.model_copy(update={"escalations_sent": event.step})
            }
        case ReminderSkipped():
            assert progress is not None
            assert state.current_stage is not None
            if event.number is None:
                i = state.current_stage.remind_before_due.index(event.before)
                return {
                    "stage_progress": progress.model_copy(
                        update={"reminders_sent": progress.reminders_sent | {i}}
                    )
                }
            assert state.current_stage.sessions is not None
            j = state.current_stage.sessions.remind_before.index(event.before)
            sent = progress.session_reminders_sent | {(event.number, j)}
            return {"stage_progress": progress.model_copy(update={"session_reminders_sent": sent})}
        case CollectionDue():
            assert progress is not None
            return {"stage_progress": progress.model_copy(update={"collection_due": True})}
        case StageStalled():
            assert progress is not None
            return {"stage_progress": progress.model_copy(update={"stalled": True})}
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
            return {"stage_progress": None, "stages_done": state.stages_done + 1}
        case ProgrammePaused():
            return {
                "status": Status.paused,
                "pauses": state.pauses + 1,
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


def _replanned(
    progress: StageProgress,
    moved: tuple[SessionSlot, ...],
    due: timedelta | None,
) -> StageProgress:
    """``progress`` with the sessions ``moved`` at their new slots: a reminder already
    sent for one is due again before its new date."""
    new = {slot.number: slot for slot in moved}
    changed = {n for n, slot in new.items() if slot not in progress.sessions}
    return progress.model_copy(
        update={
            "sessions": tuple(new.get(s.number, s) for s in progress.sessions),
            "due": due,
            "session_reminders_sent": frozenset(
                sent for sent in progress.session_reminders_sent if sent[0] not in changed
            ),
        }
    )


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
    return {"status": status, "stage_progress": None, "clock": clock, "ended_at": event.at}


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
