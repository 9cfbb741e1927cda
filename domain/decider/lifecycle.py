"""A programme's life: launched, paused and resumed, its people reassigned, advanced by
hand, withdrawn; and the deliveries of what it sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import rules as r
from domain.appointments import reads, zone
from domain.commands import (
    HELD_ROLES,
    AdvanceStage,
    Launch,
    Pause,
    Reassign,
    RecordDelivery,
    Resume,
    Tick,
    Withdraw,
)
from domain.decider.draft import Draft, require_open, require_within
from domain.decider.evaluations import record_evaluation
from domain.decider.sessions import replan
from domain.decider.stages import complete_stage
from domain.decider.timers import catch_up
from domain.errors import DomainError
from domain.events import (
    DeliveryConfirmed,
    DeliveryFailed,
    PersonReassigned,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeWithdrawn,
)
from domain.evidence import Ending
from domain.evolve import evolve
from domain.replanning import check_first_session
from domain.roles import one_role_each
from domain.state import Status
from domain.template import EvaluationKind, Role


def launch(command: Launch, now: datetime) -> Draft:
    if command.rules >= r.EVIDENCE:
        one_role_each(holders_of(command))
    starts_at = command.start if command.start is not None and command.start > now else now
    launched = ProgrammeLaunched(
        seq=1,
        at=now,
        clock=timedelta(0),
        key=command.key,
        programme_id=command.programme_id,
        employee=command.employee,
        template=command.template,
        **command.holders.as_ids(),
        cohort_id=command.cohort_id,
        starts_at=starts_at,
        rules=command.rules,
        first_session=_first_session(command, starts_at),
    )
    draft = Draft(evolve(None, launched), now, command.key)
    draft.events.append(launched)
    catch_up(draft)
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


def pause(draft: Draft, command: Pause) -> None:
    state = draft.state
    if state.status is Status.paused:
        raise DomainError("the programme is already paused")
    if state.status is not Status.running:
        raise DomainError(f"cannot pause: the programme is {state.status}")
    if command.until is not None and command.until <= draft.now:
        shown = reads(command.until, zone(state.employee.time_zone))
        raise DomainError(f"until must be in the future, got {shown}")
    if draft.dated:
        require_within("reason", command.reason, r.MAX_TEXT)
    if draft.dated and state.pauses >= r.MAX_PAUSES:
        raise DomainError(
            f"the programme was already paused {r.MAX_PAUSES} times, the most allowed; "
            "withdraw it instead"
        )
    draft.emit(ProgrammePaused, reason=command.reason, until=command.until)


def resume(draft: Draft, command: Resume) -> None:
    state = draft.state
    if state.status is not Status.paused or state.clock.paused_since is None:
        raise DomainError(f"cannot resume: the programme is {state.status}, not paused")
    since = state.clock.paused_since
    draft.emit(ProgrammeResumed, paused_for=draft.now - since)
    replan(draft, since, draft.now)


def withdraw(draft: Draft, command: Withdraw) -> None:
    """Rules 5: a programme waiting for its follow-up may be withdrawn too; its follow-up
    evaluation is recorded then, saying what it had."""
    state = draft.state
    waiting = state.rules >= r.EVIDENCE and state.status is Status.completed and not state.ended
    if not waiting:
        require_open(state, "withdraw")
    if draft.dated:
        require_within("reason", command.reason, r.MAX_TEXT)
    progress = state.stage_progress
    ending = Ending(
        how="withdrawn", day=draft.clock().days, stage=progress.key if progress else None
    )
    follow_up = state.template.follow_up
    kind = EvaluationKind.closing
    if waiting:
        kind = follow_up.evaluation if follow_up else EvaluationKind.follow_up
    record_evaluation(draft, kind, None, ending)
    draft.emit(ProgrammeWithdrawn, reason=command.reason)


def advance(draft: Draft, command: AdvanceStage) -> None:
    state = draft.state
    if state.status is not Status.running or state.stage_progress is None:
        raise DomainError(f"cannot advance: the programme is {state.status}")
    if draft.dated:
        require_within("reason", command.reason, r.MAX_TEXT)
    complete_stage(draft, forced_by=command.reason)


def reassign(draft: Draft, command: Reassign) -> None:
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
    if state.rules >= r.EVIDENCE:
        one_role_each({**{role: state.holder(role) for role in Role}, command.role: command.to})
    draft.emit(PersonReassigned, role=command.role, before=before, to=command.to)


def holders_of(command: Launch) -> dict[Role, str | None]:
    """Who a launch names for each held role."""
    return {
        Role.employee: command.employee.id,
        Role.coach: command.coach_id,
        Role.manager: command.manager_id,
        Role.sponsor: command.sponsor_id,
        Role.hr: command.hr_id,
    }


def tick(draft: Draft, command: Tick) -> None:
    """Catching up with time, done for every command, is all a tick does."""


def record_delivery(draft: Draft, command: RecordDelivery) -> None:
    if command.delivery_id not in draft.state.pending_deliveries:
        return  # already accounted for: a retried confirmation is harmless
    detail = r.clip(command.detail, r.MAX_DETAIL) if draft.dated else command.detail
    if command.delivered:
        draft.emit(DeliveryConfirmed, delivery_id=command.delivery_id, detail=detail)
    else:
        draft.emit(DeliveryFailed, delivery_id=command.delivery_id, detail=detail)
