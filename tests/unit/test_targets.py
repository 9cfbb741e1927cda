"""Rules 8: an objective's target of its own, and a check-in's note (casebook case 47)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.reports import render_markdown, reports_of
from domain.attainment import attained
from domain.commands import AgreeObjectives, AmendObjectives, RecordProgress
from domain.errors import DomainError
from domain.rules import FOLLOW_UP, FRAMEWORKS
from domain.template import EvaluationKind
from tests.casebook.cases import Run, commands, day, load

CASE = load(
    Path(__file__).parents[1] / "casebook" / "47-an-objective-with-a-target-of-its-own.yaml"
)


def played(rules: int = FOLLOW_UP, upto: float = 200) -> Run:
    run = Run(CASE.model_copy(update={"rules": rules}))
    for fact in CASE.facts:
        if fact["day"] > upto:
            break
        run.run_until(day(fact["day"]))
        for command in commands(run.state, fact):
            run.do(command, day(fact["day"]))
    return run


def test_attainment_is_measured_against_the_objective_s_own_target() -> None:
    assert attained(20, 80, 80) == 100
    assert attained(20, 50, 80) == 50
    assert attained(20, 90, 80) == 100  # beyond the target: attained, no more


def test_the_target_is_kept_by_an_amendment_that_keeps_or_rewords_the_objective() -> None:
    run = played(upto=1)
    run.do(
        AmendObjectives(
            short_term=("handle the CRM cases alone.", "Write the CRM guide"),
            long_term=("Coach a colleague on the CRM",),
            reason="a guide too",
        ),
        day(2),
    )
    targets = {o.id: o.target for o in run.state.objectives}
    assert targets == {"S1": 80, "S2": 100, "L1": 100}


def test_the_report_shows_the_target_and_the_check_in_s_note() -> None:
    run = played()
    run.run_until(day(80))
    final = next(r for r in reports_of(run.log) if r.evaluation.kind is EvaluationKind.final)
    s1 = next(o for o in final.objectives if o.id == "S1")
    assert (s1.progress, s1.target, s1.note) == (80, 80, "the remaining 20% go to the expert team")
    page = render_markdown(final, "en")
    assert "80% (target 80%)" in page
    assert "the remaining 20% go to the expert team" in page


def test_targets_naming_an_unknown_objective_are_refused_naming_it() -> None:
    run = Run(CASE.model_copy(update={"facts": ()}))
    with pytest.raises(DomainError, match="targets: S2 is not an objective agreed here"):
        run.do(AgreeObjectives(short_term=("A",), long_term=("B",), targets={"S2": 80}), day(0))


def test_a_target_out_of_1_to_100_is_refused_at_the_door() -> None:
    with pytest.raises(ValidationError, match=r"targets\.S1"):
        AgreeObjectives(short_term=("A",), long_term=("B",), targets={"S1": 0})


def test_under_rules_7_targets_and_notes_are_refused_saying_which_rules_take_them() -> None:
    run = Run(CASE.model_copy(update={"rules": FRAMEWORKS, "facts": ()}))
    with pytest.raises(DomainError, match="targets: this programme follows rules 7"):
        run.do(AgreeObjectives(short_term=("A",), long_term=("B",), targets={"S1": 80}), day(0))
    run.do(AgreeObjectives(short_term=("A",), long_term=("B",)), day(0))
    with pytest.raises(DomainError, match="note: this programme follows rules 7"):
        run.do(RecordProgress(objective_id="S1", percent=10, note="started"), day(1))


def test_a_note_over_its_limit_is_refused_naming_the_field() -> None:
    run = played(upto=1)
    with pytest.raises(DomainError, match="note"):
        run.do(RecordProgress(objective_id="S1", percent=30, note="é" * 600), day(2))
