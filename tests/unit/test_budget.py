"""The input a run carries into continue-as-new stays within ``INPUT_BUDGET``.

Nothing a caller may send grows a programme without limit (``domain.rules``), so the
whole log, which a run carries, has a worst case. ``worst_case`` builds it on purpose,
the largest every bound allows (every text of four-byte characters up to its limit in
bytes), and the property test draws random sequences of accepted commands at those
sizes over every shipped template. Both measure the bytes of the input's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import event as label
from hypothesis import strategies as st

from domain import rules
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
    RecordDelivery,
    RecordExpectations,
    RecordProgress,
    RecordSession,
    Resume,
    SessionStatus,
    Tick,
    Withdraw,
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.events import Event
from domain.evolve import fold
from domain.expectations import rated_from
from domain.schedule import next_wake
from domain.state import ProgrammeState, Status
from domain.template import Role, Template
from domain.template_parsing import parse_template
from domain.view import Rejection
from gateway.catalogue import SHIPPED, shipped_ids
from workflows.messages import INPUT_BUDGET, KEPT_REJECTIONS, REVISION, ProgrammeInput
from workflows.refusals import KEPT_REASON

TEMPLATES = [SHIPPED / f"{template_id}.yaml" for template_id in shipped_ids()]
T0 = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
WIDE = "\U0001f600"
"""A character of four bytes in UTF-8: what a text within a character limit is largest in."""


def wide(limit: int, tag: str = "") -> str:
    """The largest text within ``limit`` bytes: ``tag``, then four-byte characters."""
    return tag + WIDE * ((limit - len(tag)) // 4)


TEXT = wide(rules.MAX_TEXT)
"""An objective or a reason as large as rules 2 takes it."""
COMMENT = wide(rules.MAX_COMMENT)
NOTES = wide(rules.MAX_NOTES)
DETAIL = WIDE * 2000
"""What a notifier might answer; the programme keeps ``MAX_DETAIL`` bytes of it."""

ID = "r" * 60


def _template(path: Path) -> Template:
    return parse_template(path.read_text(), str(path))


class Run:
    """A programme driven through the decider, keeping what was accepted."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.now = T0
        self.keys = 0
        launch = Launch(
            programme_id=f"{template.id}.{'e' * 63}",
            employee=Employee(id="e" * 64, name=WIDE * 200, email=f"{'a' * 240}@example.org"),
            template=template,
            coach_id="c" * 64,
            manager_id="m" * 64,
            sponsor_id="s" * 64,
            hr_id="x" * 64,
            cohort_id="h" * 64,
            rules=rules.RULES,
            key=self.key(),
        )
        events, self.state = decide_and_evolve(None, launch, self.now)
        self.log: list[Event] = list(events)

    def key(self) -> str:
        self.keys += 1
        return wide(rules.MAX_KEY, f"{self.keys:06d}")

    def send(self, command: Command) -> bool:
        try:
            events, state = decide_and_evolve(self.state, command, self.now)
        except DomainError:
            return False
        self.log.extend(events)
        self.state = state
        return True

    def settle_deliveries(self) -> None:
        for delivery_id in self.state.pending_deliveries:
            self.send(RecordDelivery(delivery_id=delivery_id, delivered=True, detail=DETAIL))

    def advance(self, by: timedelta) -> None:
        self.now += by
        self.send(Tick())
        self.settle_deliveries()

    def carried(self) -> ProgrammeInput:
        rejections = [
            Rejection(at=self.now, type="give_feedback", key=WIDE * 200, reason=wide(KEPT_REASON))
        ] * KEPT_REJECTIONS
        return ProgrammeInput(events=self.log, revision=REVISION, rejections=rejections)


def size(carried: ProgrammeInput) -> int:
    return len(carried.model_dump_json().encode())


def worst_case(template: Template) -> Run:
    """Every bound taken to its limit, stage after stage, then the follow-up."""
    run = Run(template)
    pauses = 0
    objectives = ()
    while run.state.stage_progress is not None:
        stage = run.state.current_stage
        assert stage is not None
        if not run.state.objectives:
            run.send(
                AgreeObjectives(
                    short_term=(TEXT,) * (rules.MAX_OBJECTIVES // 2),
                    long_term=(TEXT,) * (rules.MAX_OBJECTIVES - rules.MAX_OBJECTIVES // 2),
                    key=run.key(),
                )
            )
            _amendments(run)
            objectives = tuple(o.id for o in run.state.objectives)
            _expect(run)
        if run.state.stage_progress.index >= rated_from(run.template):
            _rate(run)
        _answers(run)
        for objective in objectives:
            for _ in range(rules.MAX_PROGRESS_RECORDS // 2):
                run.send(RecordProgress(objective_id=objective, percent=50, key=run.key()))
        if stage.sessions is not None:
            _sessions(run)
        for n in range(rules.MAX_REASSIGNMENTS // len(run.template.stages) + 1):
            run.send(Reassign(role=Role.manager, to=f"{n:02d}{'m' * 62}", key=run.key()))
        while pauses < rules.MAX_PAUSES and run.state.status is Status.running:
            if not run.send(Pause(reason=TEXT, key=run.key())):
                break
            pauses += 1
            run.advance(timedelta(hours=1))
            run.send(Resume(key=run.key()))
            if pauses % 2 == 0:
                break
        run.settle_deliveries()
        if run.state.stage_progress is not None and run.state.status is Status.running:
            run.send(AdvanceStage(reason=TEXT, key=run.key()))
        run.settle_deliveries()
    _answers(run)
    for objective in objectives:
        for _ in range(rules.MAX_PROGRESS_RECORDS):
            run.send(RecordProgress(objective_id=objective, percent=60, key=run.key()))
    while not run.state.finished:
        wake = next_wake(run.state)
        assert wake is not None
        run.advance(max(wake - run.now, timedelta(seconds=1)))
    return run


def _amendments(run: Run) -> None:
    """Every objective a programme may have over its life, each with every progress record
    it takes; then the rest of the amendments, each as large as allowed."""

    def record_all() -> None:
        for objective in run.state.objectives:
            for _ in range(rules.MAX_PROGRESS_RECORDS):
                run.send(RecordProgress(objective_id=objective.id, percent=50, key=run.key()))

    record_all()
    new = rules.MAX_OBJECTIVES_EVER - rules.MAX_OBJECTIVES
    short = tuple(wide(rules.MAX_TEXT, f"s{n:02d}") for n in range(new // 2))
    long = tuple(wide(rules.MAX_TEXT, f"l{n:02d}") for n in range(new - new // 2))
    for n in range(rules.MAX_AMENDMENTS):
        # the first replaces as many as may be new; each after drops one
        kept = short[: max(1, len(short) - (n + 1) // 2)], long[: max(1, len(long) - n // 2)]
        assert run.send(
            AmendObjectives(short_term=kept[0], long_term=kept[1], reason=TEXT, key=run.key())
        )
        if n == 0:
            record_all()
    assert run.state.amendments == rules.MAX_AMENDMENTS
    assert len(run.state.retired) + len(run.state.objectives) == rules.MAX_OBJECTIVES_EVER


def _client(run: Run) -> str:
    holder = run.state.holder(run.template.expectations.by)
    assert holder is not None
    return holder


def _expect(run: Run) -> None:
    for _ in range(rules.MAX_REVISIONS + 1):
        command = RecordExpectations(person_id=_client(run), expected=TEXT, key=run.key())
        assert run.send(command)


def _rate(run: Run) -> None:
    for _ in range(rules.MAX_REVISIONS + 1):
        run.send(RateExpectations(person_id=_client(run), met=3, comment=COMMENT, key=run.key()))


def _answers(run: Run) -> None:
    """Every rater a stage takes, each answering and revising as often as allowed; all
    peers, so a quorum of roles never opens the gate before the stage is full."""
    scores = dict.fromkeys(run.template.dimensions, 3)
    peers = [f"{n:02d}{ID}" for n in range(rules.MAX_RATERS_PER_STAGE)]
    run.send(NominateRaters(raters=tuple(Nominee(role=Role.peer, id=p) for p in peers)))
    for n in range(rules.MAX_RATERS_PER_STAGE):
        for _ in range(rules.MAX_REVISIONS + 1):
            run.send(
                GiveFeedback(
                    role=Role.peer,
                    rater_id=f"{n:02d}{ID}",
                    scores=scores,
                    comment=COMMENT,
                    key=run.key(),
                )
            )


def _sessions(run: Run) -> None:
    """Every session recorded missed (so the gate stays closed), then corrected with
    the longest notes as often as allowed."""
    progress = run.state.stage_progress
    assert progress is not None
    for slot in progress.sessions:
        at = run.state.clock.wall(slot.clock)
        if at > run.now:
            run.advance(at - run.now)
        if run.state.stage_progress is None:
            return
        run.send(
            RecordSession(
                number=slot.number, status=SessionStatus.missed, notes=NOTES, key=run.key()
            )
        )
        for _ in range(rules.MAX_REVISIONS):
            run.send(
                RecordSession(
                    number=slot.number,
                    status=SessionStatus.missed,
                    notes=NOTES,
                    correct=True,
                    key=run.key(),
                )
            )


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_worst_case_stays_within_the_budget(path: Path) -> None:
    run = worst_case(_template(path))
    carried = run.carried()
    assert run.state.finished
    assert fold(carried.events) == run.state
    measured = size(carried)
    print(f"{path.stem}: worst case {len(run.log)} events, {measured / 1024:.0f} KiB carried")
    assert measured <= INPUT_BUDGET, f"{measured} bytes carried, over {INPUT_BUDGET}"


# ---------------------------------------------------------------- random sequences

Maker = Callable[[ProgrammeState, int], Command]


def _feedback(state: ProgrammeState, n: int) -> Command:
    roles = (Role.employee, Role.manager, Role.peer, Role.coach, Role.direct_report)
    return GiveFeedback(
        role=roles[n % len(roles)],
        rater_id=f"{n % 17:02d}{ID}",
        scores=dict.fromkeys(state.template.dimensions, 1 + n % 5),
        comment=COMMENT,
        key=wide(rules.MAX_KEY, f"{n:06d}"),
    )


def _session(state: ProgrammeState, n: int) -> Command:
    numbers = [s.number for s in state.stage_progress.sessions] if state.stage_progress else [1]
    return RecordSession(
        number=numbers[n % len(numbers)] if numbers else 1,
        status=SessionStatus.held if n % 3 else SessionStatus.missed,
        notes=NOTES,
        correct=n % 2 == 0,
        occurred_at=T0 + timedelta(days=n % 200),
    )


def _progress(state: ProgrammeState, n: int) -> Command:
    ids = [o.id for o in state.objectives] or ["S1"]
    return RecordProgress(objective_id=ids[n % len(ids)], percent=n % 101)


MAKERS: tuple[Maker, ...] = (
    _feedback,
    _session,
    _progress,
    lambda s, n: AgreeObjectives(
        short_term=(TEXT,) * (1 + n % rules.MAX_OBJECTIVES), long_term=(TEXT,)
    ),
    lambda s, n: Pause(reason=TEXT),
    lambda s, n: Resume(),
    lambda s, n: AdvanceStage(reason=TEXT) if n % 8 == 0 else Tick(),
    lambda s, n: Tick(),
    lambda s, n: RecordDelivery(
        delivery_id=s.pending_deliveries[0] if s.pending_deliveries else "none",
        delivered=n % 2 == 0,
        detail=DETAIL,
    ),
    lambda s, n: AmendObjectives(
        short_term=(wide(rules.MAX_TEXT, f"{n:05d}"),) * (1 + n % (rules.MAX_OBJECTIVES - 1)),
        long_term=(TEXT,),
        reason=TEXT,
    ),
    lambda s, n: RecordExpectations(
        person_id=s.holder(s.template.expectations.by) or ID, expected=TEXT
    ),
    lambda s, n: RateExpectations(
        person_id=s.holder(s.template.expectations.by) or ID, met=1 + n % 5, comment=COMMENT
    ),
)
WEIGHTED = (0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4, 5, 5, 7, 8, 8, 6, 9, 10, 11)
"""Facts mostly; an explicit advance now and then, so later stages are reached full."""
WAITS = (timedelta(0), timedelta(0), timedelta(minutes=5), timedelta(hours=2), timedelta(hours=12))
STEPS = st.lists(
    st.tuples(
        st.sampled_from(WEIGHTED),
        st.integers(0, 10_000),
        st.sampled_from(WAITS),
    ),
    min_size=100,
    max_size=800,
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=STEPS)
def test_random_accepted_commands_stay_within_the_budget(
    path: Path, steps: list[tuple[int, int, timedelta]]
) -> None:
    run = Run(_template(path))
    for maker, n, wait in steps:
        run.now += wait
        run.send(MAKERS[maker](run.state, n))
    label(f"events: {len(run.log) // 100 * 100}+")
    carried = run.carried()
    measured = size(carried)
    target(measured / 1024, label="KiB carried")  # steer the search towards large inputs
    assert measured <= INPUT_BUDGET
    assert fold(carried.events) == run.state


def test_withdraw_ends_a_saturated_programme_within_the_budget() -> None:
    run = worst_case(_template(TEMPLATES[0]))
    assert not run.send(Withdraw(reason=TEXT))  # already ended: refused, nothing added
    assert size(run.carried()) <= INPUT_BUDGET
