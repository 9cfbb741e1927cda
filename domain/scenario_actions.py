"""What a scenario's people do in a simulation (``domain.simulation``), stage by stage:
actions on the programme clock, each making the commands a person would send as the
programme then stands (answers, sessions, check-ins, objectives, pauses).

What a scenario says is ``domain.scenarios``; when each action is taken, and the
decider's answer to it, are the simulation's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, NamedTuple

from domain import attainment
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Command,
    GiveFeedback,
    NominateRaters,
    Nominee,
    Pause,
    RecordProgress,
    RecordSession,
    SessionStatus,
)
from domain.gates import SELF_NOMINATED
from domain.rules import COLLECTION, EVIDENCE, FOLLOW_UP, MAX_PROGRESS_RECORDS, PEOPLE
from domain.scenarios import SCORE, Answer, Base, PausePlan, Scenario, StagePlan
from domain.state import ProgrammeState, Status
from domain.template import EvaluationKind, Role, Stage

HOUR = timedelta(hours=1)
FOLLOW_UP_LEAD = timedelta(days=7)
"""How long before the follow-up its raters answer and the employee checks in (rules 5)."""
CHECK_INS = MAX_PROGRESS_RECORDS - 2
"""Check-ins a simulated objective takes at sessions: two kept for the final and the
follow-up."""
SHORT_TERM = ("Delegate the weekly report",)
LONG_TERM = ("Lead the unit",)
"""The objectives a simulated employee agrees (those of ``tests/workflows/driver.py``)."""


class Action(NamedTuple):
    """Sorted by ``clock``, then ``order`` (unique: the rest is never compared)."""

    clock: timedelta
    order: int
    stage: int | None
    make: Callable[[ProgrammeState], list[Command]]
    session: int | None = None
    """The session it records: planned again when a pause moves the sessions."""


def pausing(plan: PausePlan) -> Callable[[ProgrammeState], list[Command]]:
    def make(state: ProgrammeState) -> list[Command]:
        if state.status is not Status.running:
            return []
        return [Pause(reason=plan.reason, until=state.clock.wall(plan.at) + plan.for_)]

    return make


def plan_stage(state: ProgrammeState, scenario: Scenario, counter: Any) -> list[Action]:
    """What is done in the stage just entered, on the programme clock."""
    progress = state.stage_progress
    stage = state.current_stage
    assert progress is not None
    assert stage is not None
    plan = scenario.stages.get(stage.key, StagePlan())
    base = scenario.base
    entered = progress.entered
    actions: list[Action] = []
    answers_at = _answer_time(stage, progress.entered, progress.due, base, plan)
    index = progress.index
    if answers_at is not None and plan.answered:
        actions.append(Action(answers_at, next(counter), index, _gate_facts(stage, plan)))
        for answer in plan.answers or ():
            if answer.at is not None:
                actions.append(
                    Action(entered + answer.at, next(counter), index, _one_answer(answer))
                )
    if base is not Base.silent or stage.key in scenario.stages:
        for slot in progress.sessions:
            if slot.number in plan.unrecorded:
                continue
            status = SessionStatus.missed if slot.number in plan.missed else SessionStatus.held
            actions.append(
                Action(
                    slot.clock,
                    next(counter),
                    index,
                    _session(slot.number, status),
                    slot.number,
                )
            )
    if plan.advance is not None:
        actions.append(
            Action(
                entered + plan.advance,
                next(counter),
                index,
                lambda _: [AdvanceStage(reason="simulated advance")],
            )
        )
    return actions


def _session(number: int, status: SessionStatus) -> Callable[[ProgrammeState], list[Command]]:
    def make(state: ProgrammeState) -> list[Command]:
        commands: list[Command] = [RecordSession(number=number, status=status)]
        if status is SessionStatus.held and state.rules >= EVIDENCE:
            commands += _check_ins(state, final=False)
        return commands

    return make


def _check_ins(state: ProgrammeState, *, final: bool) -> list[Command]:
    """Rules 5: the employee's progress on plan, as a session or an evaluation closes:
    each objective from its starting point to its target, as far as the calendar up to
    its horizon expects by now (``domain.attainment``); at the final evaluation, the
    short-term objectives attained."""
    commands: list[Command] = []
    clock = state.clock.at(state.last_at)
    for objective in state.objectives:
        if state.progress_records.get(objective.id, 0) >= (
            MAX_PROGRESS_RECORDS - 1 if final else CHECK_INS
        ):
            continue
        long_term = objective.horizon == "long_term"
        start = state.starts.get(objective.id, 0)
        kind = EvaluationKind.final if final else EvaluationKind.midpoint
        plan = attainment.expected(state.template, long_term, kind, clock)
        value = start - (-(attainment.TARGET - start) * plan / 100) // 1  # rounded up
        commands.append(RecordProgress(objective_id=objective.id, percent=min(100, value)))
    return commands


def plan_follow_up(state: ProgrammeState, scenario: Scenario, counter: Any) -> list[Action]:
    """Rules 5: before the follow-up, those the final evaluation asked answer again and
    the employee says where the objectives stand (none of it in ``silent``)."""
    due = state.follow_up_due
    assert due is not None
    if scenario.base is Base.silent or state.rules < EVIDENCE:
        return []
    final = next((s for s in state.template.stages if s.evaluation is EvaluationKind.final), None)
    roles = final.gate.feedback.roles if final and final.gate.feedback else (Role.employee,)
    lead = FOLLOW_UP_LEAD
    if state.rules >= FOLLOW_UP:  # rules 8: an hour after the reminder of that moment
        lead -= HOUR
    at = max(state.clock.at(state.last_at), due - lead)

    def make(now: ProgrammeState) -> list[Command]:
        commands: list[Command] = []
        for role in roles:
            if role in SELF_NOMINATED and now.holder(role) is None:
                continue
            commands += _one_answer(Answer(role=role))(now)
        return commands + [RecordProgress(objective_id=o.id, percent=100) for o in now.objectives]

    return [Action(at, next(counter), None, make)]


def _answer_time(
    stage: Stage,
    entered: timedelta,
    due: timedelta | None,
    base: Base,
    plan: StagePlan,
) -> timedelta | None:
    if plan.at is not None:
        return entered + plan.at
    if base is Base.silent:
        return None
    if base is Base.late and due is not None:
        first = stage.escalate_after_due[0].after if stage.escalate_after_due else timedelta(0)
        return due + first + HOUR
    return entered


def _gate_facts(stage: Stage, plan: StagePlan) -> Callable[[ProgrammeState], list[Command]]:
    def make(state: ProgrammeState) -> list[Command]:
        gate = stage.gate
        commands: list[Command] = []
        agreed = bool(state.objectives)
        if (gate.objectives_agreed or gate.progress_recorded) and not agreed:
            commands.append(AgreeObjectives(short_term=SHORT_TERM, long_term=LONG_TERM))
        if stage.evaluation is EvaluationKind.final and state.rules >= EVIDENCE:
            commands += _check_ins(state, final=True)
        if gate.progress_recorded:
            ids = [o.id for o in state.objectives] or [
                *(f"S{i}" for i in range(1, len(SHORT_TERM) + 1)),
                *(f"L{i}" for i in range(1, len(LONG_TERM) + 1)),
            ]
            commands.extend(RecordProgress(objective_id=i, percent=10) for i in ids)
        if plan.answers is not None:
            commands += _nominated_at_entry(state, plan.answers)
            for answer in plan.answers:
                if answer.at is None:
                    commands.extend(_one_answer(answer)(state))
        elif gate.feedback is not None:
            roles = list(gate.feedback.roles[: gate.feedback.quorum])
            progress = state.stage_progress
            if state.rules >= COLLECTION and progress is not None and not progress.collection_due:
                # before the due date every nominee answers, or the stage would wait for
                # it: the holders of the gate's roles are nominated by the programme itself
                # (after it, the quorum alone closes the stage, as ``late`` answers find)
                roles += [
                    role
                    for role in gate.feedback.roles[gate.feedback.quorum :]
                    if role in SELF_NOMINATED and state.holder(role) is not None
                ]
            for role in roles:
                commands.extend(_one_answer(Answer(role=role))(state))
        return commands

    return make


def _nominated_at_entry(state: ProgrammeState, answers: Sequence[Answer]) -> list[Command]:
    """The peers and direct reports a stage's plan has answer, nominated as it opens, as a
    coach does: a stage then waits for those who answer later (days 5 and 6), instead of
    closing with whoever answered first."""
    if state.rules < PEOPLE or state.stage_progress is None:
        return []
    raters = [
        Nominee(role=a.role, id=a.rater or f"{a.role.value}-1")
        for a in answers
        if a.role in (Role.peer, Role.direct_report)
    ]
    unique = list(dict.fromkeys(raters))
    if not unique:
        return []
    return [NominateRaters(stage=state.stage_progress.key, raters=tuple(unique))]


def _one_answer(answer: Answer) -> Callable[[ProgrammeState], list[Command]]:
    """The answer as the programme takes it: from the person who holds the role, or
    (peers, direct reports) from a rater the scenario nominates first (rules 3)."""

    def make(state: ProgrammeState) -> list[Command]:
        dimensions = state.template.dimensions
        scale = state.template.scale
        default = (
            answer.score if answer.score is not None else min(max(SCORE, scale.min), scale.max)
        )
        scores = {d: answer.scores.get(d, default) for d in dimensions}
        holder = state.holder(answer.role) if state.rules >= PEOPLE else None
        rater = answer.rater or holder or f"{answer.role.value}-1"
        commands: list[Command] = []
        if state.rules >= PEOPLE and answer.role in (Role.peer, Role.direct_report):
            stage = state.stage_progress.key if state.stage_progress is not None else None
            commands.append(
                NominateRaters(stage=stage, raters=(Nominee(role=answer.role, id=rater),))
            )
        commands.append(GiveFeedback(role=answer.role, rater_id=rater, scores=scores))
        return commands

    return make
