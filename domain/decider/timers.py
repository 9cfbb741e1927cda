"""Catching up with time: whatever fell due on the programme clock by ``now`` fires, in
order, each event stamped with the programme-clock time it fell due, so the log reads the
same however late a timer or a worker woke up."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import follow_up as following
from domain import rules as r
from domain.appointments import reads, zone
from domain.decider.draft import Draft, span
from domain.decider.evaluations import record_evaluation
from domain.decider.sessions import replan
from domain.decider.stages import enter_stage, settle
from domain.events import (
    CollectionDue,
    EscalationDue,
    FollowUpClosed,
    ProgrammeLapsed,
    ProgrammeResumed,
    ProgrammeStarted,
    ReminderDue,
    ReminderSkipped,
    SessionMissed,
    SessionReminderDue,
    StageStalled,
)
from domain.evidence import Ending
from domain.follow_up import FOLLOW_UP_KEY
from domain.gates import gate_status, quorum_met, sessions_quota_met, stage_nominees, unanswered
from domain.schedule import Due, Kind, upcoming
from domain.state import ProgrammeState, Status
from domain.template import EvaluationKind, Role


def catch_up(draft: Draft) -> None:
    """Fire, in order, everything due on the programme clock by ``now``.

    What a timer causes (a stage it completes, the next stage entered) happens at
    the timer's clock time, not at ``now``: a late tick gives the same log.
    """
    _catch_up_timers(draft)
    draft.due = None


def _catch_up_timers(draft: Draft) -> None:
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
        replan(draft, state.pause_until - paused_for, state.pause_until)
        settle(draft)
    while True:
        state = draft.state
        if state.status is Status.scheduled:
            if state.clock.starts_at > draft.now:
                return
            draft.due = timedelta(0)
            draft.emit(ProgrammeStarted)
            enter_stage(draft, 0)
            settle(draft)
            continue
        items = upcoming(state)
        if not items or items[0].clock > state.clock.at(draft.now):
            return
        draft.due = items[0].clock
        _fire(draft, items[0])
        settle(draft)


def _fire(draft: Draft, item: Due) -> None:
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    at = item.clock
    if item.kind is Kind.lapse:
        ending = Ending(how="lapsed", day=at.days, stage=progress.key if progress else None)
        record_evaluation(draft, EvaluationKind.closing, at, ending)
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
        record_evaluation(draft, kind, at)
        draft.emit(FollowUpClosed, clock=at, kind=kind)
        return
    if item.kind is Kind.reminder and state.status is Status.completed:
        _remind_follow_up(draft, item)
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


def _remind_follow_up(draft: Draft, item: Due) -> None:
    """Rules 8: remind the follow-up's raters still waited on (``domain.follow_up``); a
    reminder decided later than its lead time after its moment, or that nobody is waited
    on for, is recorded as skipped, saying why."""
    state = draft.state
    (i,) = item.ref
    before = following.reminders(state.template)[i]
    assert state.follow_up_due is not None
    moment = state.clock.wall(item.clock)
    late = draft.decided_at - moment
    waiting = following.waiting(state)
    reason = None
    if draft.dated and late > before:
        reason = (
            f"the reminder for the follow-up was due at {_when(state, moment)} but decided "
            f"{span(late)} later, more than its lead time of {span(before)}"
        )
    elif not waiting:
        reason = "nobody to remind: every rater the follow-up asks has answered it"
    if reason is not None:
        draft.emit(
            ReminderSkipped, clock=item.clock, stage=FOLLOW_UP_KEY, before=before, reason=reason
        )
        return
    draft.emit(
        ReminderDue,
        clock=item.clock,
        delivery_id=draft.delivery_id(),
        stage=FOLLOW_UP_KEY,
        to=waiting,
        due=state.follow_up_due,
        before=before,
    )


def _when(state: ProgrammeState, at: datetime) -> str:
    """A time an event says in words: in the programme's time zone from rules 6, as the
    programmes before it always said it (ISO 8601 in UTC) under earlier rules."""
    if state.rules >= r.CALENDAR:
        return reads(at, zone(state.employee.time_zone))
    return at.isoformat()


def _stale(draft: Draft, item: Due) -> bool:
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
            f"the reminder for {what} was due at {_when(state, moment)} but decided "
            f"{span(late)} later, more than its lead time of {span(before)}"
        ),
    )
    return True
