"""Gates: is the current stage's condition met, and who is it waiting on?

A feedback gate asks for ``quorum`` of its roles, each with a rater who scored every
dimension in the stage. Under rules 4 (``domain.rules.COLLECTION``) the collection also
waits for every nominee of the gate's roles until the stage's due date: the quorum is
the minimum, the nominees or the due date (``StageProgress.collection_due``) the end. A
stage with no due date closes on the quorum alone: there is no date to wait until, and
waiting for everyone could hold it until the programme lapses.
"""

from __future__ import annotations

from typing import NamedTuple

from domain.commands import NOMINATED_ROLES
from domain.framework import DimensionKey
from domain.rules import COLLECTION, EVIDENCE, FOLLOW_UP
from domain.state import ProgrammeState, StageProgress
from domain.template import EvaluationKind, FeedbackGate, Role, Stage

SELF_NOMINATED = (Role.employee, Role.coach, Role.manager, Role.sponsor)
"""The roles whose holder the programme nominates itself for every feedback stage."""


class GateStatus(NamedTuple):
    open: bool
    waiting_on: tuple[Role, ...]
    """Roles whose action would open the gate, for reminders."""
    missing: tuple[str, ...]
    """What is still missing, in words."""


SHUT = GateStatus(False, (), ())
"""A gate not open, unexplained: ``gate_status(..., explain=False)``."""


def gate_status(state: ProgrammeState, *, explain: bool = True) -> GateStatus:
    """The current stage's gate against the state; an ended programme has none.

    ``explain=False`` answers ``SHUT`` at the first condition unmet, without the roles
    and words of what is missing: ``settle`` asks after every command whether the gate
    opened, and needs no more (fifth round of ``bench/README.md``)."""
    stage = state.current_stage
    progress = state.stage_progress
    if stage is None or progress is None:
        return GateStatus(True, (), ())
    gate = stage.gate
    waiting: list[Role] = []
    missing: list[str] = []
    if gate.objectives_agreed and not state.objectives:
        if not explain:
            return SHUT
        missing.append("objectives are not agreed yet")
        waiting += [Role.employee, Role.coach]
    if gate.progress_recorded:
        unreported = [o.id for o in state.objectives if o.id not in state.progress]
        if not state.objectives or unreported:
            if not explain:
                return SHUT
            what = ", ".join(unreported) if unreported else "objectives (none agreed yet)"
            missing.append(f"progress not recorded for {what}")
            waiting += [Role.employee, Role.coach]
    if gate.feedback is not None:
        covered = roles_with_full_feedback(state, progress.key, state.template.dimensions)
        have = [r for r in gate.feedback.roles if r in covered]
        if len(have) < gate.feedback.quorum:
            if not explain:
                return SHUT
            lacking = [r for r in gate.feedback.roles if r not in covered]
            missing.append(
                f"feedback from {gate.feedback.quorum} of "
                f"{', '.join(gate.feedback.roles)} on every dimension; "
                f"have {len(have)}, lacking {', '.join(lacking)}"
            )
            waiting += lacking
        elif state.rules >= COLLECTION and progress.due is not None and not progress.collection_due:
            pending = unanswered(state, progress.key, gate.feedback.roles)
            if pending:
                if not explain:
                    return SHUT
                nominees = len(stage_nominees(state, progress.key, gate.feedback.roles))
                roles = tuple(dict.fromkeys(role for role, _ in pending))
                missing.append(
                    f"every nominee's answer, until the due date: {nominees - len(pending)} "
                    f"of {nominees} answered, waiting on {', '.join(roles)}"
                )
                waiting += roles
    if _awaits_rating(state, stage, progress):
        if not explain:
            return SHUT
        by = state.template.expectations.by
        missing.append(f"the {by}'s rating of their expectations, until the due date")
        waiting.append(by)
    if gate.sessions_held is not None and progress.held < gate.sessions_held:
        if not explain:
            return SHUT
        missing.append(f"{gate.sessions_held} sessions held; have {progress.held}")
        waiting += [Role.employee, Role.coach]
    return GateStatus(not missing, tuple(dict.fromkeys(waiting)), tuple(missing))


def _awaits_rating(state: ProgrammeState, stage: Stage, progress: StageProgress) -> bool:
    """Rules 5: the final evaluation's stage also collects the client's rating of their
    expectations until its due date (when they were recorded), so they can be rated
    before a programme that ends with it completes."""
    return (
        state.rules >= EVIDENCE
        and stage.evaluation is EvaluationKind.final
        and state.expectations is not None
        and state.expectations.met is None
        and progress.due is not None
        and not progress.collection_due
    )


def quorum_met(state: ProgrammeState, stage: str, gate: FeedbackGate) -> bool:
    """``gate.quorum`` of its roles have a rater who scored every dimension in ``stage``."""
    covered = roles_with_full_feedback(state, stage, state.template.dimensions)
    return sum(1 for r in gate.roles if r in covered) >= gate.quorum


def stage_nominees(
    state: ProgrammeState, stage: str, roles: tuple[Role, ...]
) -> list[tuple[Role, str]]:
    """Who is asked to answer in ``stage`` for ``roles``: the raters nominated for it and
    the holders of the self-nominated roles, in the order of ``roles``."""
    found: list[tuple[Role, str]] = []
    for role in roles:
        if role in NOMINATED_ROLES:
            found += [(n.role, n.id) for n in state.nominations.get(stage, ()) if n.role is role]
        elif role in SELF_NOMINATED and (holder := state.holder(role)) is not None:
            if state.rules >= FOLLOW_UP:  # the former holder's answer counts for the role
                holder = answered_as(state, stage, role) or holder
            found.append((role, holder))
    return list(dict.fromkeys(found))


def answered_as(state: ProgrammeState, stage: str | None, role: Role) -> str | None:
    """Who answered ``stage`` as ``role`` first: under rules 8 a held role's answer is one
    person's, the former holder's when the role changed hands after they answered."""
    return next((f.rater_id for f in state.feedback if f.stage == stage and f.role is role), None)


def unanswered(
    state: ProgrammeState, stage: str, roles: tuple[Role, ...]
) -> list[tuple[Role, str]]:
    """The nominees of ``roles`` who have not scored every dimension in ``stage``."""
    done = full_answers(state, stage, state.template.dimensions)
    return [n for n in stage_nominees(state, stage, roles) if n not in done]


def full_answers(
    state: ProgrammeState, stage: str | None, dimensions: tuple[DimensionKey, ...]
) -> set[tuple[Role, str]]:
    """(role, rater) pairs that scored every dimension in ``stage``."""
    per_rater: dict[tuple[Role, str], set[DimensionKey]] = {}
    for entry in state.feedback:
        if entry.stage == stage:
            per_rater.setdefault((entry.role, entry.rater_id), set()).update(entry.scores)
    wanted = set(dimensions)
    return {rater for rater, dims in per_rater.items() if wanted <= dims}


def roles_with_full_feedback(
    state: ProgrammeState, stage: str, dimensions: tuple[DimensionKey, ...]
) -> set[Role]:
    """Roles of which some rater scored every dimension for ``stage`` (given while it was
    open, or under rules 4 kept for it before it opened)."""
    return {role for role, _ in full_answers(state, stage, dimensions)}


def sessions_quota_met(state: ProgrammeState) -> bool:
    """The current stage asks for a number of sessions held, and they were."""
    stage, progress = state.current_stage, state.stage_progress
    if stage is None or progress is None or stage.gate.sessions_held is None:
        return False
    return progress.held >= stage.gate.sessions_held
