"""Answer windows (rules 5): how early an answer for a later feedback stage is taken.

Under rules 4 an answer may name a later feedback stage and is kept for it. Under rules 5
it is taken only within that stage's window: from ``opens_before`` (the stage's own, or
14 days) before the stage is planned to open, and refused earlier with the window in the
reason. So the final 360 cannot be answered on day 0, before any of the work it judges.

When a stage is planned to open: the current stage's entry plus the time the template
allows each stage before it (``Stage.allowed``; a stage with no time allowed counts for
none, the earliest it could close). Before the programme starts, from its start.
"""

from __future__ import annotations

from datetime import timedelta

from domain.errors import DomainError
from domain.state import ProgrammeState
from domain.template import Stage

DEFAULT_OPENS_BEFORE = timedelta(days=14)


def planned_opening(state: ProgrammeState, index: int) -> timedelta:
    """Programme-clock time at which stage ``index`` is planned to open."""
    progress = state.stage_progress
    first, clock = (progress.index, progress.entered) if progress else (0, timedelta(0))
    for stage in state.template.stages[first:index]:
        clock += stage.allowed or timedelta(0)
    return clock


def check_window(state: ProgrammeState, stage: Stage, now: timedelta) -> None:
    """DomainError when ``now`` (programme clock) is before ``stage``'s answer window."""
    index = [s.key for s in state.template.stages].index(stage.key)
    window = stage.opens_before or DEFAULT_OPENS_BEFORE
    opening = planned_opening(state, index)
    if now < opening - window:
        opens = state.clock.wall(opening - window).date().isoformat()
        planned = state.clock.wall(opening).date().isoformat()
        days = window.days if window.days else window.total_seconds() / 86400
        raise DomainError(
            f"stage: {stage.key} takes answers from {opens}, {days:g} days before it is "
            f"planned to open ({planned}); answer then, or for the current stage"
        )
