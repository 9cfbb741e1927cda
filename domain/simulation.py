"""Fast-forward a template through the decider: what a programme would do, and when.

No Temporal, no worker: the simulation feeds the decider as ``ProgrammeWorkflow`` does
(commands for what people do, ``Tick`` at each deadline, ``RecordDelivery`` confirmed for
each notification and report, as the test harness's fake activities answer), so its
events are those a real run with the same answers records: the same types in the same
order, at the same stages and programme-clock times (``tests/workflows/test_simulation.py``).

What a scenario says is in ``domain.scenarios``; what its people do, stage by stage, in
``domain.scenario_actions``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from domain.calendar import Entry, calendar_of
from domain.commands import (
    Command,
    Employee,
    Launch,
    RecordDelivery,
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
from domain.rules import (
    RULES,
)
from domain.scenario_actions import Action, pausing, plan_follow_up, plan_stage
from domain.scenarios import (
    Scenario,
    check_scenario,
)
from domain.schedule import next_wake
from domain.state import ProgrammeState, Status
from domain.template import Template

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
    actions: list[Action] = []
    counter = iter(range(10**9))
    for pause in scenario.pauses:
        actions.append(Action(pause.at, next(counter), None, pausing(pause)))
    if scenario.withdraw is not None:
        actions.append(
            Action(scenario.withdraw, next(counter), None, lambda _: [Withdraw(reason="left")])
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
            actions.extend(plan_stage(state, scenario, counter))
        waiting = state.follow_up_due is not None and state.status is Status.completed
        if waiting and -1 not in planned:
            planned.add(-1)
            actions.extend(plan_follow_up(state, scenario, counter))
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
