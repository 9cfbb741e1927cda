"""The casebook's loader: a case is a short story, the facts, the expected verdict and its
reasons, as YAML (``tests/casebook/*.yaml``), run against the decider.

A case names a shipped template (``template``) and the rules it follows (``rules``,
default 5), then either a simulation ``scenario`` (``domain.simulation``: on-time, silent,
late) or ``facts``: what people did, in order, each on a programme day (days from the
launch; the programme starts at once). Before each fact, and up to ``until`` at the end,
every timer due fires (reminders, deadlines, evaluations, the lapse). A fact may say it
is ``refused`` with the words the refusal must contain.

Facts (one key each, beside ``day`` and ``refused``):

- ``agree: {short: [...], long: [...]}`` and ``amend: {short, long, reason}`` or, under
  rules 8, ``amend: {changes: [{action, id, text, horizon}], reason}``;
- ``answer: {role, rater, score | scores, stage, revise}``: ``rater`` defaults to the role's
  holder (``E1`` employee, ``C1`` coach, ``M1`` manager, ``S1`` sponsor, ``H1`` HR) or,
  for peers and direct reports, ``<role>-1``, nominated first;
- ``nominate: {role, id, stage}``;
- ``sessions: held | missed`` (every session of the current stage still unrecorded) or
  ``session: {number, status}``;
- ``progress: {S1: 40, L1: 10}``; ``check_in: {objective, percent, note}`` (rules 8);
  ``agree`` may name ``targets: {S1: 80}`` (rules 8); ``withdraw: reason``; ``advance: reason``;
  ``pause: days`` (paused that long); ``reassign: {role, to}``;
  ``expect: text`` and ``rate: n`` (the client's expectations).

``reminded`` lists every reminder of the follow-up (rules 8): its programme ``day`` and
the roles it is ``to``.

``expect`` lists what must hold of the last evaluation of each ``evaluation`` kind:
``verdict``, ``trend``, ``attainment``, ``expected``, ``self_gap``, ``reasons`` (each a
piece of some reason), ``absent`` (pieces no reason has), ``missing`` (pieces of what the
evidence lacked); and ``status`` of the programme at the end.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    AmendObjectives,
    Command,
    Employee,
    GiveFeedback,
    Launch,
    NominateRaters,
    Nominee,
    Pause,
    RateExpectations,
    Reassign,
    RecordExpectations,
    RecordProgress,
    RecordSession,
    SessionStatus,
    Tick,
    Withdraw,
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.evaluation import Evaluation
from domain.events import EvaluationRecorded, Event, ReminderDue
from domain.follow_up import FOLLOW_UP_KEY
from domain.rules import EVIDENCE
from domain.scenarios import scenario_named
from domain.schedule import next_wake
from domain.simulation import simulate
from domain.state import ProgrammeState
from domain.template import Role, Template
from domain.template_parsing import parse_template

HERE = Path(__file__).parent
TEMPLATES = HERE.parents[1] / "templates"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOLDERS = {"employee": "E1", "coach": "C1", "manager": "M1", "sponsor": "S1", "hr": "H1"}


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expected(_Data):
    evaluation: str
    verdict: str | None = None
    trend: str | None = None
    attainment: float | None = None
    expected: float | None = None
    self_gap: float | None = None
    reasons: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


class Reminded(_Data):
    """A reminder of the follow-up (rules 8) sent on a programme day, to these roles."""

    day: int
    to: tuple[str, ...]


class Case(_Data):
    title: str
    story: str
    rules: int = EVIDENCE
    template: str
    people: dict[str, str] = Field(default_factory=lambda: dict(HOLDERS))
    scenario: str | None = None
    facts: tuple[dict[str, Any], ...] = ()
    until: float | None = None
    expect: tuple[Expected, ...] = ()
    status: str | None = None
    reminded: tuple[Reminded, ...] | None = None
    """The follow-up's reminders, every one (rules 8); None: not checked."""
    why: str = ""
    """The reasons a coach gives for the expected verdict."""
    launch_refused: str | None = None
    """The launch itself is refused, with these words."""


def load(path: Path) -> Case:
    return Case.model_validate(yaml.safe_load(path.read_text()))


def cases() -> list[Path]:
    return sorted(HERE.glob("*.yaml"))


def template(name: str) -> Template:
    path = TEMPLATES / f"{name}.yaml"
    return parse_template(path.read_text(), str(path))


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


class Run:
    """A programme driven by a case's facts."""

    def __init__(self, case: Case) -> None:
        self.case = case
        people = case.people
        launch = Launch(
            programme_id="case-1",
            employee=Employee(id=people["employee"], name="Ada", email="ada@example.org"),
            template=template(case.template),
            coach_id=people.get("coach"),
            manager_id=people.get("manager"),
            sponsor_id=people.get("sponsor"),
            hr_id=people.get("hr"),
            rules=case.rules,
        )
        self.now = T0
        events, self.state = decide_and_evolve(None, launch, T0)
        self.log: list[Event] = list(events)

    def do(self, command: Command, at: datetime) -> None:
        self.now = max(self.now, at)
        events, self.state = decide_and_evolve(self.state, command, self.now)
        self.log.extend(events)

    def run_until(self, until: datetime) -> None:
        while (wake := next_wake(self.state)) is not None and wake <= until:
            self.do(Tick(), wake)
        self.now = max(self.now, until)

    def evaluations(self) -> list[Evaluation]:
        return [e.evaluation for e in self.log if isinstance(e, EvaluationRecorded)]


def play(case: Case) -> tuple[list[Evaluation], ProgrammeState | None]:
    """The evaluations a case's programme records, and the state it ends in."""
    if case.scenario is not None:
        run = simulate(template(case.template), scenario_named(case.scenario), T0, rules=case.rules)
        assert run.state is not None
        found = [e.evaluation for e in run.events if isinstance(e, EvaluationRecorded)]
        return found, run.state
    if case.launch_refused is not None:
        with pytest.raises(DomainError, match=re.escape(case.launch_refused)):
            Run(case)
        return [], None
    run = Run(case)
    for fact in case.facts:
        at = day(float(fact["day"]))
        run.run_until(at)
        refused = fact.get("refused")
        reason = None
        try:
            for command in commands(run.state, fact):
                run.do(command, at)
        except DomainError as exc:
            reason = str(exc)
        if refused is None:
            assert reason is None, f"day {fact['day']}: refused: {reason}"
        else:
            assert reason is not None, f"day {fact['day']}: accepted, expected: {refused}"
            assert str(refused) in reason, f"refused for another reason: {reason}"
    if case.until is not None:
        run.run_until(day(case.until))
    if case.reminded is not None:
        sent = [
            Reminded(day=e.clock.days, to=tuple(r.value for r in e.to))
            for e in run.log
            if isinstance(e, ReminderDue) and e.stage == FOLLOW_UP_KEY
        ]
        assert sent == list(case.reminded), f"the follow-up's reminders: {sent}"
    return run.evaluations(), run.state


def commands(state: ProgrammeState, fact: dict[str, Any]) -> list[Command]:
    """The commands a fact stands for."""
    kinds = [k for k in fact if k not in ("day", "refused")]
    assert len(kinds) == 1, f"a fact does one thing, got {kinds}"
    (kind,) = kinds
    value = fact[kind]
    match kind:
        case "agree":
            return [
                AgreeObjectives(
                    short_term=value["short"],
                    long_term=value.get("long", ()),
                    targets=value.get("targets", {}),
                )
            ]
        case "amend":
            return [
                AmendObjectives(
                    short_term=value.get("short", ()),
                    long_term=value.get("long", ()),
                    changes=value.get("changes", ()),
                    reason=value["reason"],
                )
            ]
        case "answer":
            return _answer(state, value)
        case "nominate":
            nominee = Nominee(role=Role(value["role"]), id=value["id"])
            return [NominateRaters(stage=value.get("stage"), raters=(nominee,))]
        case "sessions":
            status = SessionStatus(value)
            progress = state.stage_progress
            assert progress is not None, "no current stage"
            return [RecordSession(number=s.number, status=status) for s in progress.unrecorded]
        case "session":
            return [RecordSession(number=value["number"], status=SessionStatus(value["status"]))]
        case "progress":
            return [RecordProgress(objective_id=k, percent=v) for k, v in value.items()]
        case "check_in":
            return [
                RecordProgress(
                    objective_id=value["objective"], percent=value["percent"], note=value["note"]
                )
            ]
        case "withdraw":
            return [Withdraw(reason=value)]
        case "advance":
            return [AdvanceStage(reason=value)]
        case "pause":
            return [Pause(reason="leave", until=state.last_at + timedelta(days=value))]
        case "reassign":
            return [Reassign(role=Role(value["role"]), to=value["to"])]
        case "expect":
            by = state.template.expectations.by
            return [RecordExpectations(person_id=state.holder(by) or "", expected=value)]
        case "rate":
            by = state.template.expectations.by
            return [RateExpectations(person_id=state.holder(by) or "", met=value)]
    raise AssertionError(f"unknown fact {kind!r}")


def _answer(state: ProgrammeState, value: dict[str, Any]) -> list[Command]:
    role = Role(value["role"])
    dimensions = state.template.dimensions
    scores = {d: value.get("scores", {}).get(d, value.get("score")) for d in dimensions}
    scores = {d: s for d, s in scores.items() if s is not None}
    rater = value.get("rater") or state.holder(role) or f"{role.value}-1"
    stage = value.get("stage")
    out: list[Command] = []
    nominated = state.nominations.get(stage or _current(state), ())
    if role in (Role.peer, Role.direct_report) and rater not in {n.id for n in nominated}:
        out.append(NominateRaters(stage=stage, raters=(Nominee(role=role, id=rater),)))
    out.append(GiveFeedback(role=role, rater_id=rater, scores=scores, stage=stage))
    return out


def _current(state: ProgrammeState) -> str:
    return state.stage_progress.key if state.stage_progress is not None else ""
