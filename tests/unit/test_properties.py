"""Property tests: random command sequences at increasing random times keep the invariants.

A history is simulated inside the strategy: a launch, then commands of every
type (valid and invalid) at wall times that only move forward, each decided
against the state the previous ones led to. Every test gets such a history
and checks one property of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from domain.decider import decide
from domain.errors import DomainError
from domain.events import (
    EVENT_LIST,
    DeliveryConfirmed,
    DeliveryFailed,
    EscalationDue,
    EvaluationRecorded,
    Event,
    FollowUpClosed,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeStarted,
    ProgrammeWithdrawn,
    ReminderDue,
    SessionMissed,
    SessionReminderDue,
    StageEntered,
)
from domain.evolve import apply, fold
from domain.schedule import next_wake
from domain.state import ProgrammeState, Status
from domain.template import Dimension, Role
from domain.template_parsing import parse_template
from domain.view import view_of

T0 = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
KEYS = ("k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8")

TEMPLATE = parse_template(
    {
        "id": "property",
        "version": 1,
        "title": "Property programme",
        "dimensions": ["motivation", "adaptability"],
        "max_duration": "P5D",
        "stages": [
            {
                "key": "agree",
                "due": "PT12H",
                "gate": {"objectives_agreed": True},
                "remind_before_due": ["PT6H", "PT1H"],
                "escalate_after_due": [
                    {"after": "PT0S", "to": "coach"},
                    {"after": "PT2H", "to": "manager"},
                ],
            },
            {
                "key": "assess",
                "due": "P1D",
                "gate": {"feedback": {"roles": ["employee", "manager"], "quorum": 2}},
                "remind_before_due": ["PT4H"],
                "escalate_after_due": [{"after": "PT1H", "to": "manager"}],
                "evaluation": "baseline",
            },
            {
                "key": "sessions",
                "sessions": {"count": 3, "every": "PT8H", "remind_before": ["PT1H", "PT30S"]},
                "gate": {"sessions_held": 2},
                "escalate_after_due": [{"after": "PT0S", "to": "coach"}],
            },
            {"key": "check", "gate": {"progress_recorded": True}},
            {
                "key": "review",
                "due": "PT12H",
                "gate": {"feedback": {"roles": ["employee", "manager", "peer"], "quorum": 1}},
                "evaluation": "final",
            },
        ],
        "follow_up": {"after": "P1D"},
    }
)

Cmd = (
    AgreeObjectives
    | GiveFeedback
    | RecordSession
    | RecordProgress
    | Pause
    | Resume
    | Withdraw
    | AdvanceStage
    | Tick
    | RecordDelivery
)


@dataclass(frozen=True)
class Step:
    now: datetime
    command: Cmd
    before: ProgrammeState
    events: tuple[Event, ...] | None
    """None when the command was refused."""
    error: str | None
    after: ProgrammeState
    untouched: bool
    """``decide`` left the state it was given as it was."""


@dataclass
class History:
    launched_at: datetime
    launch: Launch
    launch_events: list[Event]
    steps: list[Step] = field(default_factory=list)

    @property
    def log(self) -> list[Event]:
        events = list(self.launch_events)
        for step in self.steps:
            events += step.events or ()
        return events

    @property
    def state(self) -> ProgrammeState:
        return self.steps[-1].after if self.steps else fold(self.launch_events)

    def __repr__(self) -> str:
        """What a failing example did, one line per step, without the template."""
        start = "now" if self.launch.start is None else f"+{self.launch.start - T0}"
        lines = [f"launch(start={start}, key={self.launch.key!r}): {_types(self.launch_events)}"]
        for step in self.steps:
            outcome = f"refused: {step.error}" if step.events is None else _types(step.events)
            lines.append(f"+{step.now - T0} {step.command!r} -> {outcome}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def _types(events: Sequence[Event]) -> str:
    return ", ".join(f"{e.type}@{e.clock}" for e in events) or "no event"


# ---------------------------------------------------------------- strategies

MINUTES = st.sampled_from(
    [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=8),
        timedelta(hours=12),
        timedelta(days=1),
    ]
)
PACES = (timedelta(hours=2), timedelta(hours=12), timedelta(days=2))
"""The longest random gap in a history: brisk ones reach the last stage, slow ones lapse."""


def gaps(pace: timedelta) -> st.SearchStrategy[timedelta]:
    return st.one_of(
        st.just(timedelta(0)),
        MINUTES,
        st.integers(0, int(pace.total_seconds())).map(lambda n: timedelta(seconds=n)),
        st.timedeltas(min_value=timedelta(0), max_value=pace),
        # workflow.now() carries microseconds: clocks like PT3M0.00005S must stay ISO in JSON
        st.integers(1, 99).map(lambda n: timedelta(microseconds=n)),
    )


GAPS = {pace: gaps(pace) for pace in PACES}
KEY = st.sampled_from((None,) * 16 + KEYS)
"""No key three times in four; a key from a small set, so some come back."""
DIMENSION = st.sampled_from(
    (Dimension.motivation, Dimension.adaptability) * 3 + (Dimension.strengths,)
)


@dataclass(frozen=True)
class SessionPick:
    """A session: a number from the current stage's calendar (``in_stage``) or any number."""

    number: int
    in_stage: bool
    status: SessionStatus
    key: str | None


@dataclass(frozen=True)
class DeliveryPick:
    """A delivery result for one of the pending deliveries, or for an unknown id."""

    index: int
    delivered: bool
    key: str | None


@dataclass(frozen=True)
class PauseFor:
    """A pause, until ``offset`` after the time it is asked (none: open-ended)."""

    offset: timedelta | None
    key: str | None


@dataclass(frozen=True)
class Nudge:
    """What would open the current stage's gate: the cooperative participant."""

    score: int
    key: str | None


Action = Cmd | SessionPick | DeliveryPick | PauseFor | Nudge


def resolve(action: Action, state: ProgrammeState, now: datetime) -> Cmd:
    """The command an action stands for, given the state and the time it is asked."""
    if isinstance(action, SessionPick):
        numbers = [s.number for s in state.stage_progress.sessions] if state.stage_progress else []
        number = action.number
        if action.in_stage and numbers:
            number = numbers[action.number % len(numbers)]
        return RecordSession(number=number, status=action.status, key=action.key)
    if isinstance(action, DeliveryPick):
        pending = state.pending_deliveries
        delivery_id = (
            pending[action.index % len(pending)] if pending else f"{state.programme_id}:99"
        )
        return RecordDelivery(
            delivery_id=delivery_id,
            delivered=action.delivered,
            detail="" if action.delivered else "bounced",
            key=action.key,
        )
    if isinstance(action, PauseFor):
        until = None if action.offset is None else now + action.offset
        return Pause(reason="leave", until=until, key=action.key)
    if isinstance(action, Nudge):
        return _nudge(state, action)
    return action


def _nudge(state: ProgrammeState, nudge: Nudge) -> Cmd:
    stage, progress = state.current_stage, state.stage_progress
    if state.status is Status.paused:
        return Resume(key=nudge.key)
    if stage is None or progress is None:
        return Tick(key=nudge.key)
    gate = stage.gate
    if (gate.objectives_agreed or gate.progress_recorded) and not state.objectives:
        return AgreeObjectives(short_term=("Delegate",), long_term=("Lead",), key=nudge.key)
    unreported = [o.id for o in state.objectives if o.id not in state.progress]
    if gate.progress_recorded and unreported:
        return RecordProgress(objective_id=unreported[0], percent=nudge.score * 20, key=nudge.key)
    if gate.feedback is not None:
        given = {f.role for f in state.feedback if f.stage == progress.key}
        lacking = [r for r in gate.feedback.roles if r not in given] or list(gate.feedback.roles)
        return GiveFeedback(
            role=lacking[0],
            rater_id=lacking[0].value,
            scores=dict.fromkeys(TEMPLATE.dimensions, nudge.score),
            key=nudge.key,
        )
    if progress.unrecorded:
        number = progress.unrecorded[0].number
        return RecordSession(number=number, status=SessionStatus.held, key=nudge.key)
    return Tick(key=nudge.key)


def _actions() -> st.SearchStrategy[Action]:
    """Commands of every type, valid and invalid, some aimed at the state."""
    agree = st.builds(
        AgreeObjectives,
        short_term=st.sampled_from([("Delegate",), ("Delegate", "Listen")]),
        long_term=st.just(("Lead the unit",)),
        key=KEY,
    )
    feedback = st.builds(
        GiveFeedback,
        role=st.sampled_from([Role.employee, Role.manager, Role.peer]),
        rater_id=st.sampled_from(["r1", "r2", "r3"]),
        scores=st.dictionaries(DIMENSION, st.integers(1, 5), min_size=1),
        key=KEY,
    )
    full_feedback = st.builds(
        GiveFeedback,
        role=st.sampled_from([Role.employee, Role.manager, Role.peer]),
        rater_id=st.sampled_from(["r1", "r2", "r3"]),
        scores=st.fixed_dictionaries(
            {Dimension.motivation: st.integers(1, 5), Dimension.adaptability: st.integers(1, 5)}
        ),
        key=KEY,
    )
    session = st.builds(
        SessionPick,
        number=st.integers(1, 6),
        in_stage=st.sampled_from([True, True, True, False]),
        status=st.sampled_from(SessionStatus),
        key=KEY,
    )
    progress = st.builds(
        RecordProgress,
        objective_id=st.sampled_from(["S1", "S2", "L1", "L2"]),
        percent=st.integers(0, 100),
        key=KEY,
    )
    pause = st.builds(
        PauseFor,
        offset=st.one_of(
            st.none(), st.timedeltas(min_value=timedelta(hours=-1), max_value=timedelta(days=2))
        ),
        key=KEY,
    )
    resume = st.builds(Resume, key=KEY)
    # rare, or most histories would end early: one in five draws is a withdrawal
    withdraw = st.tuples(
        st.integers(0, 4), st.builds(Withdraw, reason=st.just("moving on"), key=KEY)
    ).map(lambda pair: pair[1] if pair[0] == 0 else Tick())
    advance = st.builds(AdvanceStage, reason=st.just("ops decision"), key=KEY)
    tick = st.builds(Tick, key=KEY)
    delivery = st.builds(DeliveryPick, index=st.integers(0, 7), delivered=st.booleans(), key=KEY)
    nudge = st.builds(Nudge, score=st.integers(1, 5), key=KEY)
    weighted: list[tuple[int, st.SearchStrategy[Action]]] = [
        (6, nudge),
        (2, agree),
        (2, feedback),
        (4, full_feedback),
        (5, session),
        (3, progress),
        (2, pause),
        (2, resume),
        (1, withdraw),
        (2, advance),
        (3, tick),
        (3, delivery),
    ]
    return st.one_of(*[s for n, s in weighted for _ in range(n)])


ACTIONS = _actions()


@st.composite
def histories(draw: st.DrawFn, max_steps: int = 50) -> History:
    start = draw(st.one_of(st.none(), st.timedeltas(timedelta(0), timedelta(days=1))))
    launch = Launch(
        programme_id="prog-p",
        employee=Employee(id="emp-1", name="Grace Hopper", email="grace@example.org"),
        template=TEMPLATE,
        start=None if start is None else T0 + start,
        key=draw(KEY),
    )
    history = History(T0, launch, decide(None, launch, T0))
    state = fold(history.launch_events)
    now = T0
    gap = GAPS[draw(st.sampled_from(PACES))]
    for _ in range(draw(st.integers(0, max_steps))):
        now += draw(gap)
        command = resolve(draw(ACTIONS), state, now)
        snapshot = state.model_copy(deep=True)
        events: tuple[Event, ...] | None = None
        error: str | None = None
        after = state
        try:
            events = tuple(decide(state, command, now))
        except DomainError as exc:
            error = str(exc)
        else:
            evolved = apply(state, events)
            assert evolved is not None
            after = evolved
        history.steps.append(
            Step(now, command, state, events, error, after, untouched=state == snapshot)
        )
        state = after
    return history


PROPERTY = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------- helpers


def programme_clock(log: Sequence[Event], now: datetime) -> timedelta:
    """Wall time elapsed since the start minus the paused time so far, from the log alone."""
    launched = log[0]
    assert isinstance(launched, ProgrammeLaunched)
    paused = timedelta(0)
    since: datetime | None = None
    for event in log:
        if isinstance(event, ProgrammePaused):
            since = event.at
        elif isinstance(event, ProgrammeResumed):
            paused += event.paused_for
            since = None
        elif (
            isinstance(event, ProgrammeWithdrawn | ProgrammeLapsed | ProgrammeCompleted)
            and since is not None
        ):
            paused += event.at - since
            since = None
    if since is not None:
        paused += now - since
    return max(timedelta(0), now - launched.starts_at - paused)


# ---------------------------------------------------------------- properties


@PROPERTY
@given(histories())
def test_fold_of_the_log_is_the_state_reached_step_by_step(history: History) -> None:
    log = history.log
    assert fold(log) == history.state
    assert apply(None, log) == history.state
    for step in history.steps:
        assert apply(step.before, step.events or ()) == step.after
    # the log is plain JSON and folds to the same state once read back
    assert fold(EVENT_LIST.validate_json(EVENT_LIST.dump_json(log))) == history.state


@PROPERTY
@given(histories())
def test_a_refused_command_yields_no_event_and_changes_nothing(history: History) -> None:
    for step in history.steps:
        assert step.untouched, f"decide changed the state it was given for {step.command}"
        if step.error is not None:
            assert step.events is None
            assert step.after == step.before
            assert step.error.strip(), "a refusal says why"
            # refusing again gives the same reason: nothing was half-applied
            with pytest.raises(DomainError) as again:
                decide(step.before, step.command, step.now)
            assert str(again.value) == step.error


@PROPERTY
@given(histories())
def test_seq_increases_by_one_across_the_whole_log(history: History) -> None:
    log = history.log
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert history.state.seq == len(log)


@PROPERTY
@given(histories())
def test_the_programme_clock_never_counts_paused_time(history: History) -> None:
    log = list(history.launch_events)
    for event in log:
        assert event.clock == timedelta(0)
    for step in history.steps:
        if step.events is None:
            continue
        log += step.events
        expected = programme_clock(log, step.now)
        catch_up: list[Event] = []
        if step.command.key is None or step.command.key not in step.before.applied_keys:
            catch_up = decide(step.before, Tick(), step.now)
            assert list(step.events[: len(catch_up)]) == catch_up
        for event in step.events[: len(catch_up)]:
            # fired by time: stamped with the clock time it fell due, never in the future
            assert event.key is None
            assert event.clock <= expected, event
        for event in step.events[len(catch_up) :]:
            assert event.clock == expected, event
        for event in step.events:
            assert event.at == step.now
            if isinstance(event, ProgrammeResumed) and event.automatic:
                assert step.before.pause_until is not None
                assert step.before.clock.paused_since is not None
                assert step.before.pause_until <= step.now
                assert event.paused_for == step.before.pause_until - step.before.clock.paused_since
            elif isinstance(event, ProgrammeResumed):
                assert step.before.clock.paused_since is not None
                assert event.paused_for == step.now - step.before.clock.paused_since
    clocks = [e.clock for e in log]
    assert clocks == sorted(clocks), "clock values never decrease along the log"
    ats = [e.at for e in log]
    assert ats == sorted(ats)


@PROPERTY
@given(histories())
def test_timed_events_are_stamped_with_their_due_time(history: History) -> None:
    log = history.log
    completed_due: timedelta | None = None
    stage_due: timedelta | None = None
    for event in log:
        if isinstance(event, StageEntered):
            stage_due = event.due
        elif isinstance(event, ReminderDue):
            assert event.clock == event.due - event.before
            assert event.due == stage_due
        elif isinstance(event, EscalationDue):
            assert event.clock == event.due + event.overdue_by
            assert event.due == stage_due
        elif isinstance(event, SessionReminderDue):
            assert event.clock == event.session_clock - event.before
        elif isinstance(event, SessionMissed) and event.unrecorded:
            assert event.clock == stage_due
        elif isinstance(event, ProgrammeLapsed):
            assert event.clock == TEMPLATE.max_duration
        elif isinstance(event, ProgrammeStarted):
            assert event.clock == timedelta(0)
        elif isinstance(event, ProgrammeCompleted):
            completed_due = event.follow_up_due
        elif isinstance(event, FollowUpClosed):
            assert event.clock == completed_due


@PROPERTY
@given(histories())
def test_no_stage_deadline_before_the_stage_is_entered(history: History) -> None:
    for event in history.log:
        if isinstance(event, StageEntered):
            stage = TEMPLATE.stages[event.index]
            assert stage.key == event.stage
            if stage.allowed is None:
                assert event.due is None
            else:
                assert event.due == event.clock + stage.allowed
                assert event.due > event.clock
            slots = [s.clock for s in event.sessions]
            assert all(s > event.clock for s in slots)
            assert slots == sorted(slots)
            if event.due is not None:
                assert all(s <= event.due for s in slots)


@PROPERTY
@given(histories())
def test_a_command_replayed_with_its_key_adds_no_event(history: History) -> None:
    for step in history.steps:
        key = step.command.key
        if key is None:
            continue
        if key in step.before.applied_keys:
            assert step.events == ()
            continue
        if step.events and any(e.key == key for e in step.events):
            assert key in step.after.applied_keys
            assert decide(step.after, step.command, step.now) == []
            assert decide(step.after, step.command, step.now + timedelta(days=400)) == []
    if history.launch.key is not None:
        assert history.launch.key in history.state.applied_keys


@PROPERTY
@given(histories())
def test_deliveries_endings_and_wake_ups_stay_consistent(history: History) -> None:
    log: list[Event] = list(history.launch_events)
    ended_at: int | None = None
    for step in [None, *history.steps]:
        if step is not None:
            log += step.events or ()
        state = step.after if step is not None else fold(history.launch_events)
        now = step.now if step is not None else history.launched_at

        # every notice and report waits for its delivery, once
        asked = [
            e.delivery_id
            for e in log
            if isinstance(e, ReminderDue | SessionReminderDue | EscalationDue | EvaluationRecorded)
        ]
        answered = [e.delivery_id for e in log if isinstance(e, DeliveryConfirmed | DeliveryFailed)]
        assert len(set(asked)) == len(asked)
        assert len(set(answered)) == len(answered)
        assert state.pending_deliveries == tuple(d for d in asked if d not in answered)
        assert state.finished == (state.ended and not state.pending_deliveries)

        # once ended, only deliveries are accounted for
        if ended_at is None and state.ended:
            ended_at = len(log)
        if ended_at is not None:
            assert all(isinstance(e, DeliveryConfirmed | DeliveryFailed) for e in log[ended_at:])
            assert state.ended

        # nothing is left overdue after a decision, and nothing falls due before the wake-up
        wake = next_wake(state)
        if wake is not None:
            ignored = step is not None and step.command.key in step.before.applied_keys
            if step is None or (step.events is not None and not ignored):
                assert wake > now, "a decision leaves nothing overdue"
            assert decide(state, Tick(), wake - timedelta(microseconds=1)) == []
            assert decide(state, Tick(), wake) != []
        elif state.status is not Status.paused:
            assert state.status in (Status.completed, Status.withdrawn, Status.lapsed)
        view = view_of(state, now)
        assert view.events == len(log)
        assert view.pending_deliveries == len(state.pending_deliveries)


def _without_wall_time(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [e.model_dump(exclude={"at"}) for e in events]


@PROPERTY
@given(histories())
def test_a_late_tick_gives_the_same_log_as_punctual_ticks(history: History) -> None:
    """However late a worker wakes up, the log reads the same but for the wall times ``at``."""
    last = history.steps[-1].now if history.steps else history.launched_at
    late = history.log
    state = history.state
    late += decide(state, Tick(), last)

    punctual: list[Event] = decide(None, history.launch, history.launched_at)
    current = fold(punctual)

    def run(command: Cmd, at: datetime) -> None:
        nonlocal current
        events = decide(current, command, at)
        punctual.extend(events)
        evolved = apply(current, events)
        assert evolved is not None
        current = evolved

    def tick_until(now: datetime) -> None:
        for _ in range(1000):
            wake = next_wake(current)
            if wake is None or wake > now:
                return
            run(Tick(), wake)
        raise AssertionError("woken up a thousand times without getting anywhere")

    for step in history.steps:
        tick_until(step.now)
        error: str | None = None
        try:
            run(step.command, step.now)
        except DomainError as exc:
            error = str(exc)
        assert error == step.error
    tick_until(last)
    run(Tick(), last)
    assert _without_wall_time(punctual) == _without_wall_time(late)
