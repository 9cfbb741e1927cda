"""A stateful property test of the decider, over the templates parcours ships.

``test_properties.py`` draws whole histories on one synthetic template of hours
and checks one property per test. This machine drives the shipped templates
(stages of days and weeks, months to run), step by step, with every kind of
command, valid and not, at times that only move forward, and checks every
invariant after every step, so a failure shrinks to the first step that broke
one:

- a refused command (``DomainError``) leaves the state and the log as they were;
- the fold of the log is the state, and so is the state ``decide_and_evolve`` gives
  with the events; seq goes up by one; ``at`` and the clock never go back;
- the programme clock, read at the time of each step, never goes back;
- no deadline before the start of its stage: the stage's due, its sessions, and
  everything still to fall due (reminders, escalations, the calendar closing,
  the stall), on the programme clock and as the next wake-up in wall time;
- bad input never becomes a command: a score out of 1..5, a role or a
  dimension nobody knows are refused when the command is built, naming the field;
- a programme that ended refuses every fact and request, and only accounts for
  the deliveries it still waits for.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as label
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from pydantic import ValidationError

from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Launch,
    Pause,
    RecordDelivery,
    RecordProgress,
    RecordSession,
    Resume,
    SessionStatus,
    Tick,
    Withdraw,
)
from domain.decider import decide, decide_and_evolve
from domain.errors import DomainError
from domain.events import (
    DeliveryConfirmed,
    DeliveryFailed,
    EscalationDue,
    Event,
    ReminderDue,
    SessionReminderDue,
    StageEntered,
)
from domain.evolve import apply, fold
from domain.gates import SHUT, gate_status
from domain.schedule import next_wake, upcoming
from domain.state import ProgrammeState, Status
from domain.template import Dimension, Role, Template
from gateway import catalogue

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SHIPPED: list[Template] = catalogue.shipped()
KEY = st.sampled_from((None,) * 6 + ("k1", "k2", "k3"))
"""Mostly no key; a key from a small set, so some come back and are ignored."""
GAP = st.one_of(
    st.sampled_from(
        [
            timedelta(0),
            timedelta(minutes=1),
            timedelta(hours=6),
            timedelta(days=1),
            timedelta(days=3),
            timedelta(days=7),
            timedelta(days=15),
        ]
    ),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)),
)
"""Time between two steps: shipped stages are days and weeks long."""
ROLE = st.sampled_from(list(Role))
DIMENSION = st.sampled_from(list(Dimension))
ENDED_COMMANDS = [
    AgreeObjectives(short_term=("a",), long_term=("b",)),
    GiveFeedback(role=Role.employee, rater_id="r", scores={Dimension.motivation: 3}),
    RecordSession(number=1, status=SessionStatus.held),
    RecordProgress(objective_id="S1", percent=50),
    Pause(reason="leave"),
    Resume(),
    Withdraw(reason="gone"),
    AdvanceStage(reason="ops"),
]
"""Whatever a person could still ask of a programme that has ended."""


class Programme(RuleBasedStateMachine):
    RULES = 1

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.log: list[Event] = []
        self.state: ProgrammeState | None = None
        self.clock_read = timedelta(0)

    # ------------------------------------------------------------ the launch

    @initialize(
        template=st.sampled_from(SHIPPED),
        start=st.one_of(st.none(), st.none(), st.timedeltas(timedelta(0), timedelta(days=2))),
        key=KEY,
    )
    def launch(self, template: Template, start: timedelta | None, key: str | None) -> None:
        command = Launch(
            programme_id=f"{template.id}.E1",
            employee=Employee(id="E1", name="Ada Lovelace", email="ada@example.org"),
            template=template,
            manager_id="M1",
            start=None if start is None else T0 + start,
            key=key,
            rules=self.RULES,
        )
        self.log = decide(None, command, T0)
        self.state = fold(self.log)

    @property
    def programme(self) -> ProgrammeState:
        assert self.state is not None
        return self.state

    def do(self, command: Any, gap: timedelta) -> None:
        """Decide ``command`` ``gap`` after the last step; keep the events, or check the refusal."""
        self.now += gap
        before, log = self.programme, list(self.log)
        snapshot = before.model_copy(deep=True)
        refusal: str | None = None
        try:
            events, decided = decide_and_evolve(before, command, self.now)
        except DomainError as exc:
            refusal = str(exc)
        assert before == snapshot, "decide changed the state it was given"
        if refusal is not None:
            assert refusal.strip(), "a refusal says why"
            assert self.log == log, "a refused command leaves no event"
            assert self.programme == fold(self.log)
            label(f"refused {command.type}")
            return
        after = apply(before, events)
        assert after is not None
        assert decided == after, "the state decided is the state its events lead to"
        self.log += events
        self.state = after
        if command.key is not None and command.key in before.applied_keys:
            assert events == [], "a key already applied adds nothing"

    # ------------------------------------------------------------ facts and requests

    @rule(gap=GAP, two=st.booleans(), key=KEY)
    def agree(self, gap: timedelta, two: bool, key: str | None) -> None:
        short = ("Delegate", "Listen") if two else ("Delegate",)
        self.do(AgreeObjectives(short_term=short, long_term=("Lead",), key=key), gap)

    @rule(
        gap=GAP,
        role=ROLE,
        rater=st.sampled_from(["r1", "r2", "r3"]),
        scores=st.dictionaries(DIMENSION, st.integers(1, 5), min_size=1),
        key=KEY,
    )
    def feedback(
        self, gap: timedelta, role: Role, rater: str, scores: dict[Dimension, int], key: str | None
    ) -> None:
        """Any role, any dimensions: some the template does not assess, which it refuses."""
        self.do(GiveFeedback(role=role, rater_id=rater, scores=scores, key=key), gap)

    @rule(gap=GAP, role=ROLE, score=st.integers(1, 5), key=KEY)
    def full_feedback(self, gap: timedelta, role: Role, score: int, key: str | None) -> None:
        """Feedback on every dimension the template assesses: what opens feedback gates."""
        scores = dict.fromkeys(self.programme.template.dimensions, score)
        self.do(GiveFeedback(role=role, rater_id=role.value, scores=scores, key=key), gap)

    @rule(
        field=st.sampled_from(["score", "role", "dimension", "rater_id", "none"]),
        value=st.one_of(st.integers(-3, 0), st.integers(6, 9), st.text(max_size=3)),
    )
    def bad_feedback(self, field: str, value: Any) -> None:
        """Bad input is refused building the command, naming the field: it never reaches decide."""
        fields: dict[str, Any] = {
            "role": "employee",
            "rater_id": "r1",
            "scores": {"motivation": 3},
        }
        if field == "score":
            # off every scale (0..10); off the programme's own, the decider refuses it
            bad = (value - 4 if value <= 0 else value + 5) if isinstance(value, int) else 11
            fields["scores"] = {"motivation": bad}
        elif field == "role":
            fields["role"] = f"boss{value}"
        elif field == "dimension":
            fields["scores"] = {f"Charisma {value}": 3}  # not a key: upper case, a space
        elif field == "rater_id":
            fields["rater_id"] = f" {value}!"
        else:
            fields["scores"] = {}
        with pytest.raises(ValidationError) as refused:
            GiveFeedback.model_validate(fields)
        where = {"score": "scores", "role": "role", "dimension": "scores"}.get(field, field)
        assert where in {str(e["loc"][0]) for e in refused.value.errors()} | {"none"}

    @rule(
        gap=GAP,
        pick=st.integers(0, 20),
        in_stage=st.booleans(),
        status=st.sampled_from(SessionStatus),
        key=KEY,
    )
    def session(
        self, gap: timedelta, pick: int, in_stage: bool, status: SessionStatus, key: str | None
    ) -> None:
        progress = self.programme.stage_progress
        numbers = [s.number for s in progress.sessions] if progress else []
        number = numbers[pick % len(numbers)] if in_stage and numbers else pick + 1
        self.do(RecordSession(number=number, status=status, key=key), gap)

    @rule(
        gap=GAP,
        objective=st.sampled_from(["S1", "S2", "L1", "L2", "S9"]),
        percent=st.integers(0, 100),
        key=KEY,
    )
    def progress(self, gap: timedelta, objective: str, percent: int, key: str | None) -> None:
        self.do(RecordProgress(objective_id=objective, percent=percent, key=key), gap)

    @rule(
        gap=GAP,
        until=st.one_of(st.none(), st.timedeltas(timedelta(hours=-1), timedelta(days=30))),
        key=KEY,
    )
    def pause(self, gap: timedelta, until: timedelta | None, key: str | None) -> None:
        at = self.now + gap
        self.do(Pause(reason="leave", until=None if until is None else at + until, key=key), gap)

    @rule(gap=GAP, key=KEY)
    def resume(self, gap: timedelta, key: str | None) -> None:
        self.do(Resume(key=key), gap)

    @rule(gap=GAP, key=KEY, draw=st.integers(0, 19))
    def withdraw(self, gap: timedelta, key: str | None, draw: int) -> None:
        # rare, or most runs would end early
        self.do(Withdraw(reason="moving on", key=key) if draw == 0 else Tick(), gap)

    def helpful(self, key: str | None, score: int) -> Any:
        """What the participants would do next to open the current stage's gate."""
        state = self.programme
        stage, progress = state.current_stage, state.stage_progress
        if state.status is Status.paused:
            return Resume(key=key)
        if stage is None or progress is None:
            return Tick()
        gate = stage.gate
        if (gate.objectives_agreed or gate.progress_recorded) and not state.objectives:
            return AgreeObjectives(short_term=("Delegate",), long_term=("Lead",), key=key)
        unreported = [o.id for o in state.objectives if o.id not in state.progress]
        if gate.progress_recorded and unreported:
            return RecordProgress(objective_id=unreported[0], percent=score * 20, key=key)
        if gate.feedback is not None:
            given = {f.role for f in state.feedback if f.stage == progress.key}
            lacking = [r for r in gate.feedback.roles if r not in given] or [gate.feedback.roles[0]]
            scores = dict.fromkeys(state.template.dimensions, score)
            return GiveFeedback(role=lacking[0], rater_id=lacking[0].value, scores=scores, key=key)
        if progress.unrecorded:
            number = progress.unrecorded[0].number
            return RecordSession(number=number, status=SessionStatus.held, key=key)
        return Tick()

    @rule(gap=GAP, score=st.integers(1, 5), key=KEY)
    def cooperate(self, gap: timedelta, score: int, key: str | None) -> None:
        self.do(self.helpful(key, score), gap)

    @rule(gap=GAP, score=st.integers(1, 5))
    def cooperate_soon(self, gap: timedelta, score: int) -> None:
        """Twice as likely as any other rule, and quick: so runs reach the later stages."""
        self.do(self.helpful(None, score), gap / 10)

    @rule(gap=GAP, key=KEY)
    def advance(self, gap: timedelta, key: str | None) -> None:
        self.do(AdvanceStage(reason="ops decision", key=key), gap)

    @rule(gap=GAP)
    def tick(self, gap: timedelta) -> None:
        self.do(Tick(), gap)

    @rule(gap=GAP)
    def tick_when_due(self, gap: timedelta) -> None:
        """The workflow's own timer: a tick at the next wake-up, or a little after it."""
        wake = next_wake(self.programme)
        if wake is not None:
            self.do(Tick(), max(wake - self.now, timedelta(0)) + gap / 100)

    @rule(index=st.integers(0, 9), delivered=st.booleans(), key=KEY)
    def delivery(self, index: int, delivered: bool, key: str | None) -> None:
        pending = self.programme.pending_deliveries
        delivery_id = pending[index % len(pending)] if pending else "unknown:1"
        detail = "" if delivered else "bounced"
        command = RecordDelivery(
            delivery_id=delivery_id, delivered=delivered, detail=detail, key=key
        )
        self.do(command, timedelta(0))

    # ------------------------------------------------------------ a programme that ended

    @rule(gap=GAP, pick=st.integers(0, len(ENDED_COMMANDS) - 1))
    def ask_an_ended_programme(self, gap: timedelta, pick: int) -> None:
        if not self.programme.ended:
            return
        self.now += gap
        with pytest.raises(DomainError):
            decide(self.programme, ENDED_COMMANDS[pick], self.now)
        assert decide(self.programme, Tick(), self.now) == []

    # ------------------------------------------------------------ invariants

    def teardown(self) -> None:
        if self.state is not None:
            stage = self.state.stage_progress.key if self.state.stage_progress else "-"
            label(f"ended {self.state.status} at {stage}")

    @invariant()
    def the_log_folds_to_the_state(self) -> None:
        if self.state is None:
            return
        assert fold(self.log) == self.state
        assert [e.seq for e in self.log] == list(range(1, len(self.log) + 1))
        assert self.state.seq == len(self.log)

    @invariant()
    def time_never_goes_back(self) -> None:
        if self.state is None:
            return
        clocks = [e.clock for e in self.log]
        assert clocks == sorted(clocks), "event clocks never decrease"
        ats = [e.at for e in self.log]
        assert ats == sorted(ats), "event wall times never decrease"
        read = self.state.clock.at(self.now)
        assert read >= self.clock_read, f"the programme clock went from {self.clock_read} to {read}"
        assert read >= self.log[-1].clock or self.state.status is Status.scheduled
        self.clock_read = read

    @invariant()
    def no_deadline_before_its_stage_started(self) -> None:
        if self.state is None:
            return
        entered: timedelta | None = None
        for event in self.log:
            if isinstance(event, StageEntered):
                entered = event.clock
                assert event.due is None or event.due > event.clock
                assert all(s.clock > event.clock for s in event.sessions)
            elif isinstance(event, ReminderDue | SessionReminderDue | EscalationDue):
                assert entered is not None
                assert event.clock >= entered, f"{event.type} before its stage started"
        state, progress = self.state, self.state.stage_progress
        if progress is None:
            return
        assert progress.due is None or progress.due > progress.entered
        for item in upcoming(state):
            assert item.clock >= progress.entered, f"{item} before the stage started"
        wake = next_wake(state)
        if wake is not None and state.status is Status.running:
            assert wake >= state.clock.wall(progress.entered)

    @invariant()
    def the_gate_opens_alike_explained_or_not(self) -> None:
        """``settle`` asks ``gate_status(explain=False)``: the same answer, unexplained."""
        if self.state is None:
            return
        quick, full = gate_status(self.state, explain=False), gate_status(self.state)
        assert quick.open == full.open
        assert quick in (full, SHUT)

    @invariant()
    def an_ended_programme_only_accounts_for_deliveries(self) -> None:
        if self.state is None:
            return
        ends = [
            i
            for i, e in enumerate(self.log)
            if e.type in ("programme_withdrawn", "programme_lapsed")
        ]
        if ends:
            assert self.state.ended
            after = self.log[ends[0] + 1 :]
            assert all(isinstance(e, DeliveryConfirmed | DeliveryFailed) for e in after), after
        if self.state.ended:
            assert next_wake(self.state) is None


Programme.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestProgramme = Programme.TestCase


class DatedProgramme(Programme):
    """The same machine under rules 2, its facts said to have happened a while ago: the
    same invariants hold (the log in order of time too), however late facts are seen."""

    RULES = 2

    def do(self, command: Any, gap: timedelta) -> None:
        if isinstance(command, GiveFeedback | RecordSession | RecordProgress):
            back = self.ago[len(self.log) % len(self.ago)]
            command = command.model_copy(update={"occurred_at": self.now + gap - back})
        super().do(command, gap)

    ago = (timedelta(0), timedelta(hours=1), timedelta(days=2), timedelta(days=9), -timedelta(1))
    """How long before it is seen a fact happened: negative, in the future (clamped)."""


DatedProgramme.TestCase.settings = Programme.TestCase.settings
TestDatedProgramme = DatedProgramme.TestCase


def test_the_longest_ids_can_be_launched() -> None:
    """A programme id is a template id (up to 64) and an employee id (up to 64) with a dot.

    It was checked as one 64-character Identifier, so an employee with a long id
    could not be launched at all: the API answered 500. Found by fuzzing the API."""
    template = SHIPPED[0].model_copy(update={"id": "t" * 64})
    employee = Employee(id="E" * 64, name="Long Id", email="long@example.org")
    launch = Launch(
        programme_id=f"{template.id}.{employee.id}", employee=employee, template=template
    )
    assert len(fold(decide(None, launch, T0)).programme_id) == 129
    with pytest.raises(ValidationError, match="programme_id"):
        Launch(programme_id=f"{template.id}.{employee.id}x", employee=employee, template=template)
    with pytest.raises(ValidationError, match="programme_id"):
        Launch(programme_id=".starts-with-a-dot", employee=employee, template=template)
