"""The calendar planned ahead: the stages not opened yet, with tentative dates.

A programme's calendar is known from its launch: each stage still to come is assumed
to open when the one before is due (its deadline; the current stage's, or now if that
is past), its sessions planned as they will be when it opens (``domain.replanning``),
its deadline and evaluation from there, and the follow-up after the last. Planned again
from the state whenever it is read, so a stage that closes early pulls the later ones
forward and a pause moves them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from domain.events import ProgrammeResumed, SessionsReplanned
from domain.evolve import evolve
from domain.replanning import after_pause, opening
from domain.state import ProgrammeState, Status


class Planned(NamedTuple):
    kind: Literal["session", "deadline", "evaluation"]
    stage: str | None
    at: datetime
    end: datetime | None = None
    number: int | None = None
    what: str | None = None
    """An evaluation's kind."""
    tentative: bool = True
    """In a stage not opened yet: it moves with the stages before it."""


def as_resumed(state: ProgrammeState) -> ProgrammeState:
    """A paused programme as it will stand when it resumes: at its ``until``, or at its
    last event for a pause without one (as if it resumed now): what is ahead moved."""
    since = state.clock.paused_since
    if state.status is not Status.paused or since is None:
        return state
    at = max(state.pause_until or state.last_at, since)
    resumed = ProgrammeResumed(
        seq=state.seq + 1, at=at, clock=state.clock.at(at), paused_for=at - since
    )
    back = evolve(state, resumed)
    plan = after_pause(back, since, at)
    if plan is None or back.stage_progress is None:
        return back
    replanned = SessionsReplanned(
        seq=back.seq + 1,
        at=at,
        clock=back.clock.at(at),
        stage=back.stage_progress.key,
        sessions=plan.sessions,
        due=plan.due,
        dated=plan.dated,
    )
    return evolve(back, replanned)


def planned(state: ProgrammeState) -> list[Planned]:
    """The stages ahead of ``state`` and the follow-up, with their dates."""
    state = as_resumed(state)
    template = state.template
    if state.status is Status.completed:
        if state.follow_up_due is None or template.follow_up is None:
            return []
        at = state.clock.wall(state.follow_up_due)
        return [
            Planned(
                "evaluation", None, at, what=template.follow_up.evaluation.value, tentative=False
            )
        ]
    if state.status is Status.scheduled:
        index, cursor = 0, timedelta(0)
    elif state.status is Status.running and state.stage_progress is not None:
        progress = state.stage_progress
        now = state.clock.at(state.last_at)
        index = progress.index + 1
        cursor = max(progress.due, now) if progress.due is not None else now
    elif state.status is Status.running:  # between a stage's close and the next's opening
        index, cursor = state.stages_done, state.clock.at(state.last_at)
    else:
        return []
    found: list[Planned] = []
    for i in range(index, len(template.stages)):
        stage = template.stages[i]
        first = 1 + sum(s.sessions.count for s in template.stages[:i] if s.sessions)
        clocks: list[timedelta] = []
        allowed = stage.allowed
        due = cursor + allowed if allowed is not None else None
        if stage.sessions is not None:
            plan = opening(state, stage, first, cursor)
            if plan is not None:
                clocks, due = [s.clock for s in plan.sessions], plan.due
            else:
                clocks = [
                    cursor + stage.sessions.every * (n + 1) for n in range(stage.sessions.count)
                ]
            length = stage.sessions.length
            for n, clock in enumerate(clocks):
                at = state.clock.wall(clock)
                found.append(Planned("session", stage.key, at, at + length, first + n))
        if due is not None:
            found.append(Planned("deadline", stage.key, state.clock.wall(due)))
        if stage.evaluation is not None:
            at = state.clock.wall(due if due is not None else cursor)
            found.append(Planned("evaluation", stage.key, at, what=stage.evaluation.value))
        cursor = due if due is not None else cursor
    if template.follow_up is not None:
        at = state.clock.wall(cursor + template.follow_up.after)
        found.append(Planned("evaluation", None, at, what=template.follow_up.evaluation.value))
    return found
