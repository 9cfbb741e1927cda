"""Amending the agreed objectives mid-programme (``domain.objectives``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain import rules
from domain.commands import (
    AgreeObjectives,
    AmendObjectives,
    Command,
    Employee,
    GiveFeedback,
    Launch,
    RecordProgress,
    Withdraw,
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.events import (
    EvaluationRecorded,
    Event,
    Objective,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ObjectivesAmended,
)
from domain.evolve import fold
from domain.objectives import amended
from domain.state import ProgrammeState
from domain.template import Dimension, Role
from domain.view import view_of
from tests.unit.test_decider import TEMPLATE

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Run:
    def __init__(self) -> None:
        launch = Launch(
            programme_id="scenario.emp-1",
            employee=Employee(id="emp-1", name="Ada Lovelace", email="ada@example.org"),
            template=TEMPLATE,
            coach_id="coach-1",
            manager_id="mgr-1",
            sponsor_id="sp-1",
            rules=rules.RULES,
        )
        self.now = T0
        self.log: list[Event] = []
        self.state: ProgrammeState
        self.log, self.state = decide_and_evolve(None, launch, self.now)

    def do(self, command: Command, after: timedelta = timedelta(hours=1)) -> list[Event]:
        self.now += after
        events, self.state = decide_and_evolve(self.state, command, self.now)
        self.log += events
        return events

    def refused(self, command: Command) -> str:
        with pytest.raises(DomainError) as info:
            decide_and_evolve(self.state, command, self.now + timedelta(hours=1))
        return str(info.value)


def agreed() -> Run:
    run = Run()
    run.do(AgreeObjectives(short_term=("Delegate", "Listen"), long_term=("Lead the unit",)))
    return run


def amend(
    short: tuple[str, ...], long: tuple[str, ...], reason: str = "new role"
) -> AmendObjectives:
    return AmendObjectives(short_term=short, long_term=long, reason=reason)


def ids(state: ProgrammeState) -> dict[str, str]:
    return {o.id: o.text for o in state.objectives}


def test_unchanged_texts_keep_their_ids_and_new_ones_take_unused_ids() -> None:
    run = agreed()
    assert ids(run.state) == {"S1": "Delegate", "S2": "Listen", "L1": "Lead the unit"}
    (event,) = run.do(amend(("Listen", "Give feedback"), ("Lead the unit", "Hire two")))
    assert isinstance(event, ObjectivesAmended)
    assert (event.amendment, event.removed, event.reason) == (1, ("S1",), "new role")
    # what changed only: the earlier version stays in the events before
    assert [o.id for o in event.added] == ["S3", "L2"]
    assert event.order == ("S2", "S3", "L1", "L2")
    assert ids(run.state) == {
        "S2": "Listen",
        "S3": "Give feedback",
        "L1": "Lead the unit",
        "L2": "Hire two",
    }
    # S1 is retired for good: a later objective with its text again is a new one
    run.do(amend(("Delegate",), ("Lead the unit",)))
    assert ids(run.state) == {"S4": "Delegate", "L1": "Lead the unit"}
    assert [o.id for o in run.state.retired] == ["S1", "S2", "S3", "L2"]


def test_a_reworded_or_moved_objective_is_new() -> None:
    run = agreed()
    run.do(amend(("Delegate more", "Listen"), ("Lead the unit",)))
    assert ids(run.state) == {"S3": "Delegate more", "S2": "Listen", "L1": "Lead the unit"}
    run.do(amend(("Delegate more",), ("Listen",)))
    assert ids(run.state) == {"S3": "Delegate more", "L2": "Listen"}


def test_progress_on_a_removed_objective_stays_in_the_history() -> None:
    run = agreed()
    run.do(RecordProgress(objective_id="S1", percent=40))
    run.do(RecordProgress(objective_id="S2", percent=70))
    run.do(amend(("Listen",), ("Lead the unit",), reason="S1 is done elsewhere"))
    # the earlier version and the progress on S1 are in the log, and in the state
    first = next(e for e in run.log if isinstance(e, ObjectivesAgreed))
    assert [o.id for o in first.objectives] == ["S1", "S2", "L1"]
    assert [(e.objective_id, e.percent) for e in run.log if isinstance(e, ObjectiveProgressed)] == [
        ("S1", 40),
        ("S2", 70),
    ]
    (retired,) = run.state.retired
    assert (retired.id, retired.text, retired.percent, retired.amendment) == (
        "S1",
        "Delegate",
        40,
        1,
    )
    # kept objectives keep their progress; the view lists what was removed
    view = view_of(run.state, run.now)
    assert [(o.id, o.percent) for o in view.objectives] == [("S2", 70), ("L1", None)]
    assert [o.id for o in view.retired_objectives] == ["S1"]
    assert view.amendments == 1
    refused = run.refused(RecordProgress(objective_id="S1", percent=90))
    assert refused == "objective 'S1' was removed by amendment 1; progress is recorded on S2, L1"
    assert fold(run.log) == run.state


def test_evaluations_count_the_current_objectives_only() -> None:
    run = agreed()
    run.do(RecordProgress(objective_id="S1", percent=0))
    run.do(amend(("Listen",), ("Lead the unit",)))
    run.do(RecordProgress(objective_id="S2", percent=80))
    run.do(RecordProgress(objective_id="L1", percent=60))
    scores = dict.fromkeys((Dimension.motivation, Dimension.adaptability), 3)
    run.do(GiveFeedback(role=Role.employee, rater_id="emp-1", scores=scores))
    events = run.do(GiveFeedback(role=Role.manager, rater_id="mgr-1", scores=scores))
    (baseline,) = [e.evaluation for e in events if isinstance(e, EvaluationRecorded)]
    assert (baseline.attainment, baseline.objectives_unrecorded) == (70.0, 0)
    assert baseline.expectations is None


def test_refused_before_agreement_and_after_closure() -> None:
    run = Run()
    assert run.refused(amend(("a",), ("b",))) == (
        "objectives are not agreed yet: agree them first, then amend them"
    )
    run.do(AgreeObjectives(short_term=("a",), long_term=("b",)))
    run.do(Withdraw(reason="left"))
    assert run.refused(amend(("c",), ("b",))) == (
        "cannot amend objectives: the programme is withdrawn"
    )


def test_nothing_to_amend() -> None:
    run = agreed()
    assert run.refused(amend(("Delegate", "Listen"), ("Lead the unit",))) == (
        "nothing to amend: these are the objectives agreed already"
    )


def test_amendments_are_bounded() -> None:
    run = agreed()
    for n in range(rules.MAX_AMENDMENTS):
        run.do(amend((f"short {n}",), ("Lead the unit",)))
    assert run.state.amendments == rules.MAX_AMENDMENTS
    assert run.refused(amend(("again",), ("Lead the unit",))) == (
        f"the objectives were already amended {rules.MAX_AMENDMENTS} times, the most allowed"
    )


def test_objectives_over_a_life_are_bounded() -> None:
    run = agreed()
    half = rules.MAX_OBJECTIVES // 2
    run.do(amend(tuple(f"s{n}" for n in range(half)), tuple(f"l{n}" for n in range(half))))
    message = run.refused(
        amend(tuple(f"t{n}" for n in range(half)), tuple(f"m{n}" for n in range(half)))
    )
    assert message.startswith(
        f"short_term and long_term: a programme has at most {rules.MAX_OBJECTIVES_EVER} objectives"
    )


def test_texts_and_reason_are_bounded() -> None:
    run = agreed()
    long_text = "é" * (rules.MAX_TEXT // 2 + 1)
    assert run.refused(amend(("Listen",), ("Lead the unit",), reason=long_text)) == (
        f"reason: at most {rules.MAX_TEXT} bytes of UTF-8, got {rules.MAX_TEXT + 2}"
    )
    assert run.refused(amend((long_text,), ("Lead the unit",))).startswith("short_term[0]: at most")
    many = tuple(f"s{n}" for n in range(rules.MAX_OBJECTIVES))
    assert run.refused(amend(many, ("Lead the unit",))) == (
        f"short_term and long_term: at most {rules.MAX_OBJECTIVES} objectives in all, "
        f"got {rules.MAX_OBJECTIVES + 1}"
    )
    with pytest.raises(ValidationError, match="reason"):
        AmendObjectives(short_term=("a",), long_term=("b",), reason="  ")


TEXTS = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=4)


@given(first=st.tuples(TEXTS, TEXTS), then=st.lists(st.tuples(TEXTS, TEXTS), max_size=4))
def test_ids_are_never_reused_and_unchanged_texts_keep_theirs(
    first: tuple[list[str], list[str]], then: list[tuple[list[str], list[str]]]
) -> None:
    current = amended((), (), *first)
    used = {o.id for o in current}
    named: dict[str, tuple[str, str]] = {o.id: (o.horizon, o.text) for o in current}
    for short, long in then:
        after = amended(current, used, short, long)
        assert [o.text for o in after] == short + long
        assert len({o.id for o in after}) == len(after)
        for objective in after:
            # an id always names the same objective
            assert named.setdefault(objective.id, (objective.horizon, objective.text)) == (
                objective.horizon,
                objective.text,
            )
            assert objective.id[0] == ("S" if objective.horizon == "short_term" else "L")
        for horizon in ("short_term", "long_term"):
            kept = [o.text for o in current if o.horizon == horizon]
            wanted = [o.text for o in after if o.horizon == horizon]
            kept_ids = {o.id for o in after if o.horizon == horizon} & {o.id for o in current}
            # as many ids kept as texts the two lists have in common
            common = sum(min(kept.count(t), wanted.count(t)) for t in set(wanted))
            assert len(kept_ids) == common
        used |= {o.id for o in after}
        current = after


def test_amended_keeps_ids_of_repeated_texts_in_order() -> None:
    current = (
        Objective(id="S1", horizon="short_term", text="x"),
        Objective(id="S2", horizon="short_term", text="x"),
    )
    assert [o.id for o in amended(current, ["S3"], ["x", "y", "x", "x"], [])] == [
        "S1",
        "S4",
        "S2",
        "S5",
    ]
