"""Rules 8: an amendment that says, per objective, what it does (keep, reword, remove,
add), played on the casebook's case 48 up to its amendment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.reports import reports_of
from domain.commands import AmendObjectives
from domain.commands import ObjectiveChange as Change
from domain.errors import DomainError
from domain.events import ObjectivesAmended
from domain.rules import FOLLOW_UP, FRAMEWORKS
from gateway.client.requests import ObjectivesRequest
from tests.casebook.cases import Run, commands, day, load

CASE = load(Path(__file__).parents[1] / "casebook" / "48-an-amendment-says-what-it-does.yaml")


def before_amending(rules: int = FOLLOW_UP) -> Run:
    run = Run(CASE.model_copy(update={"rules": rules}))
    for fact in CASE.facts:
        if "amend" in fact:
            break
        run.run_until(day(fact["day"]))
        for command in commands(run.state, fact):
            run.do(command, day(fact["day"]))
    return run


def amend(run: Run, *changes: Change) -> None:
    run.do(AmendObjectives(changes=changes, reason="why"), day(30))


def test_reword_keeps_the_id_target_and_progress_remove_retires_add_takes_a_new_id() -> None:
    run = before_amending()
    amend(
        run,
        Change(action="reword", id="S1", text="Log every client call in the CRM"),
        Change(action="remove", id="L1"),
        Change(action="add", horizon="long_term", text="Run the onboarding"),
        Change(action="add", horizon="short_term", text="Clean the client list"),
    )
    state = run.state
    assert [(o.id, o.text) for o in state.objectives] == [
        ("S1", "Log every client call in the CRM"),
        ("S2", "Clean the client list"),
        ("L2", "Run the onboarding"),
    ]
    assert state.progress["S1"] == 40
    assert [r.id for r in state.retired] == ["L1"]
    event = next(e for e in run.log if isinstance(e, ObjectivesAmended))
    assert [o.id for o in event.reworded] == ["S1"]
    assert event.removed == ("L1",)
    report = reports_of(run.log)  # the baseline's report lists them as first agreed
    assert [o.id for o in report[0].objectives] == ["S1", "L1"]


def test_keeping_every_objective_as_it_is_amends_nothing() -> None:
    run = before_amending()
    with pytest.raises(DomainError, match="nothing to amend"):
        amend(run, Change(action="keep", id="S1"), Change(action="keep", id="L1"))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ((Change(action="remove", id="S9"),), "changes[0]: S9 is not a current objective"),
        (
            (Change(action="keep", id="S1"), Change(action="remove", id="S1")),
            "changes[1]: S1 is named twice",
        ),
        ((Change(action="remove", id="L1"),), "the long-term objectives would be none"),
        ((Change(action="reword", id="S1"),), "changes[0]: reword takes the new text"),
        ((Change(action="add", text="x"),), "changes[0]: add takes a horizon and a text"),
        (
            (Change(action="remove", id="S1", text="x"),),
            "changes[0]: remove takes no text",
        ),
    ],
)
def test_a_change_that_does_not_fit_is_refused_naming_it(
    changes: tuple[Change, ...], words: str
) -> None:
    run = before_amending()
    with pytest.raises(DomainError, match=words.replace("[", r"\[").replace("]", r"\]")):
        amend(run, *changes)
    assert not [e for e in run.log if isinstance(e, ObjectivesAmended)]


def test_under_rules_7_changes_are_refused_saying_which_rules_take_them() -> None:
    run = before_amending(FRAMEWORKS)
    with pytest.raises(DomainError, match="changes: this programme follows rules 7"):
        amend(run, Change(action="remove", id="S1"))


def test_lists_and_changes_together_are_refused() -> None:
    run = before_amending()
    with pytest.raises(DomainError, match="not both"):
        run.do(
            AmendObjectives(
                short_term=("A",),
                long_term=("B",),
                changes=(Change(action="keep", id="S1"),),
                reason="why",
            ),
            day(30),
        )


def test_an_amendment_without_lists_or_changes_is_refused_naming_the_field() -> None:
    run = before_amending()
    with pytest.raises(DomainError, match="short_term: at least one objective"):
        run.do(AmendObjectives(reason="why"), day(30))


def test_the_http_body_takes_changes_with_amend_only() -> None:
    change = {"action": "remove", "id": "S1"}
    body = ObjectivesRequest.model_validate({"amend": True, "reason": "r", "changes": [change]})
    assert body.command(None) == AmendObjectives(
        changes=(Change(action="remove", id="S1"),), reason="r"
    )
    with pytest.raises(ValidationError, match="only an amendment"):
        ObjectivesRequest.model_validate(
            {"short_term": ["a"], "long_term": ["b"], "changes": [change]}
        )
    with pytest.raises(ValidationError, match="short_term: at least one objective"):
        ObjectivesRequest.model_validate({"long_term": ["b"]})
