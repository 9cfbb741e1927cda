"""Moving through the stages: entering one with its calendar, completing it (with its
evaluation), and settling, which completes every stage whose gate is open."""

from __future__ import annotations

from domain import follow_up as following
from domain import rules as r
from domain.decider.draft import Draft
from domain.decider.evaluations import record_evaluation
from domain.decider.sessions import invite
from domain.events import (
    ProgrammeCompleted,
    RatersNominated,
    SessionSlot,
    StageCompleted,
    StageEntered,
)
from domain.gates import gate_status
from domain.replanning import opening
from domain.state import Status


def settle(draft: Draft) -> None:
    """Complete stages whose gate is open and whose calendar is all recorded."""
    while True:
        state = draft.state
        progress = state.stage_progress
        if state.status is not Status.running or progress is None:
            return
        if progress.unrecorded or not gate_status(state, explain=False).open:
            return
        complete_stage(draft, forced_by=None)


def complete_stage(draft: Draft, forced_by: str | None) -> None:
    state = draft.state
    stage, progress = state.current_stage, state.stage_progress
    assert stage is not None
    assert progress is not None
    if stage.evaluation is not None:
        record_evaluation(draft, stage.evaluation, None)
    draft.emit(StageCompleted, stage=progress.key, forced_by=forced_by)
    if progress.index + 1 < len(state.template.stages):
        enter_stage(draft, progress.index + 1)
    else:
        follow_up = state.template.follow_up
        clock = draft.clock()
        draft.emit(
            ProgrammeCompleted,
            follow_up_due=clock + follow_up.after if follow_up else None,
        )
        raters = following.nominees(draft.state)
        if follow_up is not None and state.rules >= r.FOLLOW_UP and raters:
            # rules 8: who rated the final is asked again, without a nomination by hand
            draft.emit(RatersNominated, stage=None, raters=raters)


def enter_stage(draft: Draft, index: int) -> None:
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
    invite(draft, [slot.number for slot in slots], "REQUEST")
