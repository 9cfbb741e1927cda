"""Planning a stage's sessions as appointments, and planning them again (rules 6).

What the decider asks when a stage with an ``at`` calendar opens (``opening``), when a
pause ends (``after_pause``), and when one session is rescheduled or cancelled
(``rescheduling``, ``cancelling``). Pure: the state and the times in, slots or a refusal
out; the decider emits the events.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from domain import rules as r
from domain.appointments import later, reads, slots, steps_past, zone
from domain.errors import DomainError
from domain.events import SessionSlot
from domain.session_plan import SessionPlan
from domain.state import ProgrammeState, StageProgress, Status
from domain.template import Stage, Template


class Plan(NamedTuple):
    sessions: tuple[SessionSlot, ...]
    """Sessions at a new slot."""
    due: timedelta | None
    dated: dict[int, datetime] = {}
    """Sessions a pause left at their date (they were past): the date they keep."""


def check_first_session(first: datetime, starts_at: datetime, template: Template) -> None:
    """A first session chosen at launch is after the programme starts, in a template
    that plans sessions, within its ``max_duration``."""
    if not any(s.sessions is not None for s in template.stages):
        raise DomainError("first_session: the template plans no sessions")
    if first <= starts_at:
        raise DomainError(
            f"first_session: {first.isoformat(timespec='minutes')} is not after the "
            f"programme's start ({starts_at.isoformat(timespec='minutes')})"
        )
    if first - starts_at >= template.max_duration:
        raise DomainError(
            f"first_session: {first.isoformat(timespec='minutes')} is after the programme's "
            "end at the latest"
        )


def appointments(state: ProgrammeState, stage: Stage) -> SessionPlan | None:
    """The stage's calendar if its sessions are appointments for this programme."""
    plan = stage.sessions
    if state.rules < r.CALENDAR or plan is None or plan.at is None:
        return None
    return plan


def _due(stage: Stage, entered: timedelta, planned: list[timedelta]) -> timedelta | None:
    """The stage's deadline: as the template says, and one period after its last
    session at least, so the last has a period to be recorded."""
    allowed = stage.allowed
    due = entered + allowed if allowed is not None else None
    if stage.sessions is not None and planned:
        least = max(planned) + stage.sessions.every
        due = least if due is None else max(due, least)
    return due


def opening(state: ProgrammeState, stage: Stage, first: int, clock: timedelta) -> Plan | None:
    """The sessions (numbered from ``first``) and deadline of ``stage`` opening at
    programme-clock ``clock``, or None when its sessions are not appointments."""
    plan = appointments(state, stage)
    if plan is None:
        return None
    opens = state.clock.wall(clock)
    chosen = state.first_session if first == 1 else None
    walls = slots(plan, opens, zone(state.employee.time_zone), chosen)
    clocks = [clock + (wall - opens) for wall in walls]
    sessions = tuple(SessionSlot(number=first + n, clock=c) for n, c in enumerate(clocks))
    return Plan(sessions, _due(stage, clock, clocks))


def after_pause(state: ProgrammeState, paused_from: datetime, resumed: datetime) -> Plan | None:
    """Where a pause from ``paused_from`` to ``resumed`` puts the current stage's
    unrecorded sessions (``state`` is the state just resumed): those ahead by whole weeks
    (days) to the first slot after the pause, at their wall time, those past where they
    were. None when it has no appointments to plan again."""
    stage, progress = state.current_stage, state.stage_progress
    if stage is None or progress is None or not progress.unrecorded:
        return None
    plan = appointments(state, stage)
    if plan is None:
        return None
    where = zone(state.employee.time_zone)
    paused = resumed - paused_from
    # where each stood before the pause (the clock, resumed, moved them by ``paused``);
    # those kept at their date by an earlier pause stay there
    before = {
        s.number: state.clock.wall(s.clock) - paused
        for s in progress.unrecorded
        if s.number not in progress.dated
    }
    dated = {n: at for n, at in before.items() if at <= paused_from}
    ahead = {n: at for n, at in before.items() if at > paused_from}
    found: list[SessionSlot] = []
    if ahead:
        days = steps_past(plan, min(ahead.values()), resumed, where) * (plan.step.days or 1)
        origin = state.clock.wall(timedelta(0))
        for number, at in ahead.items():
            found.append(SessionSlot(number=number, clock=later(at, days, where) - origin))
    if not found and not dated:
        return None
    clocks = [s.clock for s in _merged(progress, found)]
    least = max(clocks) + plan.every
    due = least if progress.due is None else max(progress.due, least)
    return Plan(tuple(found), due, dated)


def _merged(progress: StageProgress, found: list[SessionSlot]) -> list[SessionSlot]:
    new = {s.number: s for s in found}
    return [new.get(s.number, s) for s in progress.sessions]


def _changeable(state: ProgrammeState, number: int, doing: str) -> tuple[Stage, StageProgress]:
    if state.rules < r.CALENDAR:
        raise DomainError(
            f"cannot {doing} a session: this programme follows rules {state.rules}; "
            f"sessions are rescheduled and cancelled from rules {r.CALENDAR}"
        )
    if state.status not in (Status.running, Status.paused):
        raise DomainError(f"cannot {doing} a session: the programme is {state.status}")
    stage, progress = state.current_stage, state.stage_progress
    numbers = [s.number for s in progress.sessions] if progress else []
    if stage is None or progress is None or number not in numbers:
        where = f"sessions {numbers[0]}..{numbers[-1]}" if numbers else "no sessions in this stage"
        key = progress.key if progress else "none"
        raise DomainError(f"session {number} is not in the current stage ({key}: {where})")
    if number in progress.recorded:
        raise DomainError(
            f"cannot {doing} session {number}: it is already recorded as "
            f"{progress.recorded[number]}"
        )
    if number in progress.cancelled:
        raise DomainError(f"cannot {doing} session {number}: it was cancelled")
    if state.session_changes >= r.MAX_SESSION_CHANGES:
        raise DomainError(
            f"sessions were already rescheduled or cancelled {r.MAX_SESSION_CHANGES} times, "
            "the most a programme takes"
        )
    return stage, progress


def _reason(reason: str) -> None:
    if r.utf8(reason) > r.MAX_TEXT:
        raise DomainError(f"reason: at most {r.MAX_TEXT} bytes of UTF-8, got {r.utf8(reason)}")


def rescheduling(
    state: ProgrammeState, number: int, to: datetime, reason: str, now: datetime
) -> Plan:
    """Session ``number`` moved to ``to``: its new slot and the stage's deadline; or a
    refusal naming the rule. A session moves to the future, within its stage's reach
    (before ``max_duration`` runs out), and not onto another session's time."""
    stage, progress = _changeable(state, number, "reschedule")
    _reason(reason)
    where = zone(state.employee.time_zone)
    if to <= now:
        raise DomainError(
            f"to: {reads(to, where)} is past; a session is rescheduled to a time to come"
        )
    if state.status is Status.paused:
        raise DomainError(
            "cannot reschedule a session while the programme is paused: the pause moves "
            "the sessions ahead when it ends; resume it first"
        )
    clock = state.clock.at(to)
    if clock >= state.template.max_duration:
        ends = state.clock.wall(state.template.max_duration)
        raise DomainError(
            f"to: {reads(to, where)} is after the programme's end at the latest "
            f"({reads(ends, where)})"
        )
    taken = [s.number for s in progress.unrecorded if s.number != number and s.clock == clock]
    if taken:
        raise DomainError(f"to: session {taken[0]} is already planned at {reads(to, where)}")
    assert stage.sessions is not None
    others = [s.clock for s in progress.sessions if s.number != number]
    least = max([*others, clock]) + stage.sessions.every
    due = least if progress.due is None else max(progress.due, least)
    return Plan((SessionSlot(number=number, clock=clock),), due)


def cancelling(state: ProgrammeState, number: int, reason: str) -> None:
    """Whether session ``number`` may be cancelled; a refusal naming the rule if not."""
    _changeable(state, number, "cancel")
    _reason(reason)
