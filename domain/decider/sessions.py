"""Sessions of the calendar: recorded as held or missed, from a little before their slot,
and corrected a few times at most; under rules 6 planned again after a pause, and
rescheduled or cancelled one at a time (``domain.replanning``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain import rules as r
from domain.appointments import reads, zone
from domain.commands import CancelSession, RecordSession, RescheduleSession, SessionStatus
from domain.decider.draft import Draft, require_within, span
from domain.errors import DomainError
from domain.events import (
    InvitationDue,
    InvitedSession,
    SessionCancelled,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
    SessionRescheduled,
    SessionsReplanned,
)
from domain.replanning import after_pause, appointments, cancelling, rescheduling
from domain.state import StageProgress, Status
from domain.template import Role


def record_session(draft: Draft, command: RecordSession) -> None:
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
        require_within("notes", command.notes, r.MAX_NOTES)
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


def _require_slot_near(draft: Draft, number: int) -> None:
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
        where = zone(state.employee.time_zone)  # in the programme's time, to the minute
        raise DomainError(
            f"session {number} is planned for {reads(state.session_date(slot), where)}; "
            f"it can be recorded from {reads(opens, where)} ({span(window)} before), "
            "not earlier"
        )


def _correct(draft: Draft, command: RecordSession, progress: StageProgress) -> None:
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


def replan(draft: Draft, paused_from: datetime, resumed: datetime) -> None:
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
        invite(draft, [slot.number for slot in plan.sessions], "REQUEST")


def reschedule(draft: Draft, command: RescheduleSession) -> None:
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
    invite(draft, [command.number], "REQUEST")


def cancel(draft: Draft, command: CancelSession) -> None:
    state = draft.state
    cancelling(state, command.number, command.reason)
    assert state.stage_progress is not None
    # the cancellation names the session as it stood, so it goes out first
    invite(draft, [command.number], "CANCEL")
    draft.emit(
        SessionCancelled,
        stage=state.stage_progress.key,
        number=command.number,
        reason=command.reason,
    )


INVITED = (Role.employee, Role.coach)
"""Who is invited to the sessions: the client and their coach."""


def invite(draft: Draft, numbers: list[int], method: Literal["REQUEST", "CANCEL"]) -> None:
    """Rules 6: invitations for the current stage's sessions ``numbers``, planned or moved
    (``REQUEST``) or cancelled (``CANCEL``), each one SEQUENCE further than the last sent.
    Only for appointments (a calendar with ``at``): a time on the programme clock is no
    time to put in someone's calendar."""
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    if not numbers or stage is None or progress is None or appointments(state, stage) is None:
        return
    assert stage.sessions is not None
    length = stage.sessions.length
    invited = []
    for slot in progress.sessions:
        if slot.number not in numbers:
            continue
        at = state.session_date(slot)
        last = state.invitations.get(slot.number)
        sequence = 0 if last is None else last + 1
        invited.append(
            InvitedSession(number=slot.number, at=at, end=at + length, sequence=sequence)
        )
    draft.emit(
        InvitationDue,
        delivery_id=draft.delivery_id(),
        stage=progress.key,
        to=INVITED,
        method=method,
        sessions=tuple(invited),
    )
