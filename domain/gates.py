"""Gates: is the current stage's condition met, and who is it waiting on?"""

from __future__ import annotations

from typing import NamedTuple

from domain.state import ProgrammeState
from domain.template import Dimension, Role


class GateStatus(NamedTuple):
    open: bool
    waiting_on: tuple[Role, ...]
    """Roles whose action would open the gate, for reminders."""
    missing: tuple[str, ...]
    """What is still missing, in words."""


def gate_status(state: ProgrammeState) -> GateStatus:
    """The current stage's gate against the state; an ended programme has none."""
    stage = state.current_stage
    progress = state.stage_progress
    if stage is None or progress is None:
        return GateStatus(True, (), ())
    gate = stage.gate
    waiting: list[Role] = []
    missing: list[str] = []
    if gate.objectives_agreed and not state.objectives:
        missing.append("objectives are not agreed yet")
        waiting += [Role.employee, Role.coach]
    if gate.progress_recorded:
        unreported = [o.id for o in state.objectives if o.id not in state.progress]
        if not state.objectives or unreported:
            what = ", ".join(unreported) if unreported else "objectives (none agreed yet)"
            missing.append(f"progress not recorded for {what}")
            waiting += [Role.employee, Role.coach]
    if gate.feedback is not None:
        covered = roles_with_full_feedback(state, progress.key, state.template.dimensions)
        have = [r for r in gate.feedback.roles if r in covered]
        if len(have) < gate.feedback.quorum:
            lacking = [r for r in gate.feedback.roles if r not in covered]
            missing.append(
                f"feedback from {gate.feedback.quorum} of "
                f"{', '.join(gate.feedback.roles)} on every dimension; "
                f"have {len(have)}, lacking {', '.join(lacking)}"
            )
            waiting += lacking
    if gate.sessions_held is not None and progress.held < gate.sessions_held:
        missing.append(f"{gate.sessions_held} sessions held; have {progress.held}")
        waiting += [Role.employee, Role.coach]
    return GateStatus(not missing, tuple(dict.fromkeys(waiting)), tuple(missing))


def roles_with_full_feedback(
    state: ProgrammeState, stage: str, dimensions: tuple[Dimension, ...]
) -> set[Role]:
    """Roles of which some rater scored every dimension during ``stage``."""
    per_rater: dict[tuple[Role, str], set[Dimension]] = {}
    for entry in state.feedback:
        if entry.stage == stage:
            per_rater.setdefault((entry.role, entry.rater_id), set()).update(entry.scores)
    wanted = set(dimensions)
    return {role for (role, _), dims in per_rater.items() if wanted <= dims}


def sessions_quota_met(state: ProgrammeState) -> bool:
    """The current stage asks for a number of sessions held, and they were."""
    stage, progress = state.current_stage, state.stage_progress
    if stage is None or progress is None or stage.gate.sessions_held is None:
        return False
    return progress.held >= stage.gate.sessions_held
