"""Rules 3: raters nominated per stage, raters who are who their role says, reassignment."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import rules
from domain.commands import (
    HELD_ROLES,
    NOMINATED_ROLES,
    GiveFeedback,
    NominateRaters,
    Nominee,
    Reassign,
)
from domain.errors import DomainError
from domain.events import FeedbackReceived, PersonReassigned, RatersNominated
from domain.template import Role, Template
from domain.template_parsing import parse_template
from tests.unit.test_rules import Programme

SHIPPED = [
    parse_template(path.read_text())
    for path in sorted((Path(__file__).resolve().parents[2] / "templates").glob("*.yaml"))
]
HOLDERS = {Role.employee: "emp-1", Role.coach: "coach-1", Role.manager: "mgr-1"}


def feedback_stage(template: Template) -> Programme:
    """A rules 3 programme in its first stage that takes feedback."""
    programme = Programme(template, rules.PEOPLE)
    programme.do(programme_agree())
    for _ in range(40):
        stage = programme.state.current_stage
        if stage is not None and (stage.gate.feedback or stage.evaluation):
            return programme
        programme.live(programme.now + (programme.state.stage_progress and _step(programme)))
    raise AssertionError("no feedback stage")


def programme_agree():  # type: ignore[no-untyped-def]
    from domain.commands import AgreeObjectives

    return AgreeObjectives(short_term=["a"], long_term=["b"])


def _step(programme: Programme):  # type: ignore[no-untyped-def]
    from domain.commands import AdvanceStage

    programme.do(AdvanceStage(reason="on"))
    from datetime import timedelta

    return timedelta(seconds=1)


def answer(programme: Programme, role: Role, rater: str) -> None:
    scores = dict.fromkeys(programme.state.template.dimensions, 4)
    programme.do(GiveFeedback(role=role, rater_id=rater, scores=scores))


@pytest.mark.parametrize("template", SHIPPED, ids=lambda t: t.id)
def test_only_nominated_peers_answer_as_peers(template: Template) -> None:
    programme = feedback_stage(template)
    with pytest.raises(DomainError, match="not nominated as peer"):
        answer(programme, Role.peer, "P1")
    events = programme.do(NominateRaters(raters=(Nominee(role=Role.peer, id="P1"),)))
    assert isinstance(events[0], RatersNominated)
    answer(programme, Role.peer, "P1")
    assert isinstance(programme.log[-1], FeedbackReceived) or any(
        isinstance(e, FeedbackReceived) for e in programme.log[-3:]
    )
    with pytest.raises(DomainError, match="not nominated as direct_report"):
        answer(programme, Role.direct_report, "P1")


@pytest.mark.parametrize("template", SHIPPED, ids=lambda t: t.id)
def test_held_roles_answer_only_as_their_person(template: Template) -> None:
    programme = feedback_stage(template)
    # one id may not play two roles: the manager is no peer
    with pytest.raises(DomainError, match="holds a role in this programme"):
        programme.do(NominateRaters(raters=(Nominee(role=Role.peer, id="mgr-1"),)))
    with pytest.raises(DomainError, match="nobody holds the sponsor role"):
        answer(programme, Role.sponsor, "S1")
    for role, holder in HOLDERS.items():
        with pytest.raises(DomainError, match=f"may not answer as {role}"):
            answer(programme, role, "someone-else")
        answer(programme, role, holder)
        if programme.state.current_stage is None or not (
            programme.state.current_stage.gate.feedback or programme.state.current_stage.evaluation
        ):
            break  # the answers opened the gate


def test_held_roles_are_not_nominated_and_an_id_keeps_one_role() -> None:
    programme = feedback_stage(SHIPPED[0])
    with pytest.raises(DomainError, match="manager is not nominated"):
        programme.do(NominateRaters(raters=(Nominee(role=Role.manager, id="M9"),)))
    programme.do(NominateRaters(raters=(Nominee(role=Role.peer, id="P1"),)))
    assert programme.do(NominateRaters(raters=(Nominee(role=Role.peer, id="P1"),))) == []
    with pytest.raises(DomainError, match="nominated as peer, not also as direct_report"):
        programme.do(NominateRaters(raters=(Nominee(role=Role.direct_report, id="P1"),)))
    many = tuple(Nominee(role=Role.peer, id=f"P{n}") for n in range(2, 12))
    with pytest.raises(DomainError, match="at most 10 raters per stage"):
        programme.do(NominateRaters(raters=many))


def test_old_rules_keep_old_behaviour() -> None:
    programme = Programme(SHIPPED[0], rules.OCCURRED_AT)
    with pytest.raises(DomainError, match="rules 2: its raters are not nominated"):
        programme.do(NominateRaters(raters=(Nominee(role=Role.peer, id="P1"),)))
    with pytest.raises(DomainError, match="rules 2: its people are not reassigned"):
        programme.do(Reassign(role=Role.manager, to="M4"))


def test_reassigning_the_manager_changes_who_answers_as_manager() -> None:
    programme = feedback_stage(SHIPPED[0])
    events = programme.do(Reassign(role=Role.manager, to="M4"))
    assert events[0] == PersonReassigned(
        **{**events[0].model_dump(), "role": Role.manager, "before": "mgr-1", "to": "M4"}
    )
    assert programme.state.holders.manager == "M4"
    with pytest.raises(DomainError, match="may not answer as manager"):
        answer(programme, Role.manager, "mgr-1")
    answer(programme, Role.manager, "M4")
    with pytest.raises(DomainError, match="already the manager"):
        programme.do(Reassign(role=Role.manager, to="M4"))
    with pytest.raises(DomainError, match="is the employee"):
        programme.do(Reassign(role=Role.coach, to="emp-1"))
    with pytest.raises(DomainError, match="peer is not held"):
        programme.do(Reassign(role=Role.peer, to="X"))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(SHIPPED),
    st.lists(
        st.tuples(
            st.sampled_from(tuple(Role)),
            st.sampled_from(["emp-1", "mgr-1", "coach-1", "P1", "P2", "X"]),
        ),
        max_size=12,
    ),
    st.lists(st.sampled_from(["P1", "P2"]), max_size=2, unique=True),
)
def test_every_accepted_answer_is_from_the_role_s_person_or_a_nominee(
    template: Template, answers: list[tuple[Role, str]], peers: list[str]
) -> None:
    programme = feedback_stage(template)
    if peers:
        programme.do(NominateRaters(raters=tuple(Nominee(role=Role.peer, id=p) for p in peers)))
    for role, rater in answers:
        try:
            answer(programme, role, rater)
        except DomainError:
            continue
    for event in programme.log:
        if isinstance(event, FeedbackReceived):
            if event.role in NOMINATED_ROLES:
                assert event.role is Role.peer
                assert event.rater_id in peers
            else:
                assert event.role not in HELD_ROLES or event.role in HOLDERS
                assert event.rater_id == HOLDERS[event.role]
