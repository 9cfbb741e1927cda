"""Fast-forward a template through the decider: what a programme would do, and when.

No Temporal, no worker: the simulation feeds the decider as ``ProgrammeWorkflow`` does
(commands for what people do, ``Tick`` at each deadline, ``RecordDelivery`` confirmed for
each notification and report, as the test harness's fake activities answer), so its
events are those a real run with the same answers records: the same types in the same
order, at the same stages and programme-clock times (``tests/workflows/test_simulation.py``).

What a scenario says is in ``domain.scenarios``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from domain import attainment
from domain.calendar import Entry, calendar_of
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Command,
    Employee,
    GiveFeedback,
    Launch,
    NominateRaters,
    Nominee,
    Pause,
    RecordDelivery,
    RecordProgress,
    RecordSession,
    SessionStatus,
    Tick,
    Withdraw,
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.events import (
    EscalationDue,
    EvaluationRecorded,
    Event,
    InvitationDue,
    ReminderDue,
    SessionReminderDue,
    SessionRescheduled,
    SessionsReplanned,
    StageEntered,
)
from domain.evolve import fold
from domain.gates import SELF_NOMINATED
from domain.rules import (
    COLLECTION,
    EVIDENCE,
    FOLLOW_UP,
    MAX_PROGRESS_RECORDS,
    PEOPLE,
    RULES,
)
from domain.scenarios import (
    SCORE,
    Answer,
    Base,
    PausePlan,
    Scenario,
    StagePlan,
    check_scenario,
)
from domain.schedule import next_wake
from domain.state import ProgrammeState, Status
from domain.template import EvaluationKind, Role, Stage, Template

HOUR = timedelta(hours=1)
FOLLOW_UP_LEAD = timedelta(days=7)
"""How long before the follow-up its raters answer and the employee checks in (rules 5)."""
CHECK_INS = MAX_PROGRESS_RECORDS - 2
"""Check-ins a simulated objective takes at sessions: two kept for the final and the
follow-up."""
SHORT_TERM = ("Delegate the weekly report",)
LONG_TERM = ("Lead the unit",)
"""The objectives a simulated employee agrees (those of ``tests/workflows/driver.py``)."""
MAX_STEPS = 20_000
"""Decisions a simulation takes at most: a template is bounded, this only guards a bug."""
Deliverable = ReminderDue | SessionReminderDue | EscalationDue | InvitationDue | EvaluationRecorded


# ---------------------------------------------------------------- running


class Input(NamedTuple):
    """A command the simulation gave, and when: what a real run is sent to match it."""

    at: datetime
    command: Command


class Simulation:
    """What a simulation decided (``events``), what it gave (``inputs``), what the
    decider refused, and the state it ended in."""

    def __init__(self, template: Template, scenario: Scenario, start: datetime) -> None:
        self.template = template
        self.scenario = scenario
        self.start = start
        self.events: list[Event] = []
        self.inputs: list[Input] = []
        self.refused: list[tuple[datetime, Command, str]] = []
        self.state: ProgrammeState | None = None
        self.planned: list[Entry] = []
        """The calendar planned at launch (``domain.calendar``): what the workflow's
        calendar reads before anything happens."""


class _Action(NamedTuple):
    """Sorted by ``clock``, then ``order`` (unique: the rest is never compared)."""

    clock: timedelta
    order: int
    stage: int | None
    make: Callable[[ProgrammeState], list[Command]]
    session: int | None = None
    """The session it records: planned again when a pause moves the sessions."""


def simulate(
    template: Template,
    scenario: Scenario,
    start: datetime,
    *,
    programme_id: str | None = None,
    time_zone: str = "UTC",
    first_session: datetime | None = None,
    rules: int = RULES,
) -> Simulation:
    """Run ``template`` from ``start`` to its end (completed with its follow-up, lapsed or
    withdrawn) with ``scenario``'s answers, for a programme in ``time_zone`` (its sessions'
    wall times), its first session at ``first_session`` if the platform chose it, under
    ``rules`` (those of a programme launched now, unless told)."""
    check_scenario(scenario, template)
    run = Simulation(template, scenario, start)
    launch = Launch(
        programme_id=programme_id or f"{template.id}.simulated",
        employee=Employee(
            id="E123", name="Alice Martin", email="alice@example.com", time_zone=time_zone
        ),
        template=template,
        coach_id="C7",
        manager_id="M3",
        rules=rules,
        first_session=first_session,
    )
    now = start
    decision = decide_and_evolve(None, launch, now)
    run.events.extend(decision.events)
    run.planned = calendar_of(decision.events)
    state = fold(run.events)
    actions: list[_Action] = []
    counter = iter(range(10**9))
    for pause in scenario.pauses:
        actions.append(_Action(pause.at, next(counter), None, _pausing(pause)))
    if scenario.withdraw is not None:
        actions.append(
            _Action(scenario.withdraw, next(counter), None, lambda _: [Withdraw(reason="left")])
        )
    planned: set[int] = set()
    moved: set[int] = set()

    def apply(command: Command, at: datetime, given: bool) -> ProgrammeState:
        try:
            events, after = decide_and_evolve(state, command, at)
        except DomainError as exc:
            run.refused.append((at, command, str(exc)))
            return state
        if given:
            run.inputs.append(Input(at, command))
        run.events.extend(events)
        # a confirmation may catch up with more to deliver (a reminder due as a stage
        # opens): those are confirmed too, as the workflow's activities would be
        for event in events:
            if isinstance(event, SessionsReplanned | SessionRescheduled):
                moved.add(event.seq)
            if isinstance(event, Deliverable):
                confirmed = RecordDelivery(
                    delivery_id=event.delivery_id,
                    delivered=True,
                    detail=f"recorded {event.delivery_id}",
                )
                more, after = decide_and_evolve(after, confirmed, at)
                run.events.extend(more)
                events.extend(more)
        return after

    for _ in range(MAX_STEPS):
        if state.finished:
            break
        progress = state.stage_progress
        if progress is not None and progress.index not in planned:
            planned.add(progress.index)
            actions.extend(_plan(state, scenario, counter))
        waiting = state.follow_up_due is not None and state.status is Status.completed
        if waiting and -1 not in planned:
            planned.add(-1)
            actions.extend(_follow_up(state, scenario, counter))
        if moved and progress is not None:  # rules 6: the sessions moved, so do the coach
            moved.clear()
            at = {s.number: s.clock for s in progress.sessions}
            actions = [a._replace(clock=at[a.session]) if a.session in at else a for a in actions]
        actions.sort()
        while actions and actions[0].stage is not None and actions[0].stage != _index(state):
            actions.pop(0)  # its stage is over: nobody answers a closed stage
        wake = next_wake(state)
        action_at = (
            state.clock.wall(actions[0].clock)
            if actions and state.status is not Status.paused
            else None
        )
        if action_at is not None and (wake is None or action_at < wake):
            action = actions.pop(0)
            now = max(now, action_at)
            state = apply(Tick(), now, given=False)
            for command in action.make(state):
                state = apply(command, now, given=True)
        elif wake is not None:
            now = max(now, wake)
            state = apply(Tick(), now, given=False)
        else:
            break
    run.state = state
    return run


def _index(state: ProgrammeState) -> int | None:
    return state.stage_progress.index if state.stage_progress is not None else None


def _pausing(plan: PausePlan) -> Callable[[ProgrammeState], list[Command]]:
    def make(state: ProgrammeState) -> list[Command]:
        if state.status is not Status.running:
            return []
        return [Pause(reason=plan.reason, until=state.clock.wall(plan.at) + plan.for_)]

    return make


def _plan(state: ProgrammeState, scenario: Scenario, counter: Any) -> list[_Action]:
    """What is done in the stage just entered, on the programme clock."""
    progress = state.stage_progress
    stage = state.current_stage
    assert progress is not None
    assert stage is not None
    plan = scenario.stages.get(stage.key, StagePlan())
    base = scenario.base
    entered = progress.entered
    actions: list[_Action] = []
    answers_at = _answer_time(stage, progress.entered, progress.due, base, plan)
    index = progress.index
    if answers_at is not None and plan.answered:
        actions.append(_Action(answers_at, next(counter), index, _gate_facts(stage, plan)))
        for answer in plan.answers or ():
            if answer.at is not None:
                actions.append(
                    _Action(entered + answer.at, next(counter), index, _one_answer(answer))
                )
    if base is not Base.silent or stage.key in scenario.stages:
        for slot in progress.sessions:
            if slot.number in plan.unrecorded:
                continue
            status = SessionStatus.missed if slot.number in plan.missed else SessionStatus.held
            actions.append(
                _Action(
                    slot.clock,
                    next(counter),
                    index,
                    _session(slot.number, status),
                    slot.number,
                )
            )
    if plan.advance is not None:
        actions.append(
            _Action(
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


def _follow_up(state: ProgrammeState, scenario: Scenario, counter: Any) -> list[_Action]:
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

    return [_Action(at, next(counter), None, make)]


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


# ---------------------------------------------------------------- reading


def rows(run: Simulation) -> list[dict[str, Any]]:
    """One plain object per event: seq, type, at (wall), clock, stage and what it says."""
    out = []
    for event, stage in zip(run.events, stage_of_each(run.events), strict=True):
        row: dict[str, Any] = {
            "seq": event.seq,
            "type": event.type,
            "at": event.at.isoformat(),
            "clock": event.clock.total_seconds(),
            "stage": stage,
        }
        to = getattr(event, "to", None)
        if to:
            row["to"] = [str(r) for r in to]
        number = getattr(event, "number", None)
        if number is not None:
            row["session"] = number
        if isinstance(event, EvaluationRecorded):
            row["evaluation"] = event.evaluation.kind.value
            row["verdict"] = event.evaluation.verdict.value
        out.append(row)
    return out


def stage_of_each(events: list[Event]) -> list[str | None]:
    """The stage each event happened in (the one entered last before it), for a timeline."""
    current: str | None = None
    found: list[str | None] = []
    for event in events:
        if isinstance(event, StageEntered):
            current = event.stage
        stage = getattr(event, "stage", None)
        if isinstance(event, EvaluationRecorded):
            stage = event.evaluation.stage
        found.append(stage if isinstance(stage, str) else current)
        if event.type in ("programme_completed", "programme_lapsed", "programme_withdrawn"):
            current = None
    return found
