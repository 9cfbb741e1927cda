"""One value for the people in a programme's roles, from the launch command to the view,
while what is recorded keeps its four ``<role>_id`` fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain import rules
from domain.commands import Employee, Launch, Reassign
from domain.decider import decide_and_evolve
from domain.events import EVENT_LIST, ProgrammeLaunched
from domain.holders import HELD, NOBODY, Holders
from domain.template import Role
from domain.view import view_of
from gateway.catalogue import shipped_template

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ADA = Employee(id="E1", name="Ada", email="ada@example.com")


def test_each_role_is_read_and_given_by_role() -> None:
    holders = Holders(coach="C1", sponsor="S1")
    assert [holders.of(role) for role in HELD] == ["C1", None, "S1", None]
    assert holders.of(Role.employee) is None
    assert holders.of(Role.peer) is None
    moved = holders.given(Role.manager, "M2")
    assert list(moved.held()) == [(Role.coach, "C1"), (Role.manager, "M2"), (Role.sponsor, "S1")]
    assert holders.of(Role.manager) is None  # a value: the first is unchanged
    with pytest.raises(ValueError, match="peer is not a role"):
        holders.given(Role.peer, "P1")
    assert list(NOBODY.held()) == []


def test_the_recorded_form_keeps_four_ids() -> None:
    holders = Holders(coach="C1", manager="M1", hr="H1")
    assert holders.as_ids() == {
        "coach_id": "C1",
        "manager_id": "M1",
        "sponsor_id": None,
        "hr_id": "H1",
    }
    launch = Launch(
        programme_id="x.E1", employee=ADA, template=shipped_template("executive-6m"),
        **holders.as_ids(),
    )  # fmt: skip
    assert launch.holders == holders
    assert "holders" not in launch.model_dump()
    assert launch.model_dump()["coach_id"] == "C1"


def test_from_launch_to_reassignment_to_view_it_is_one_value() -> None:
    template = shipped_template("executive-6m")
    holders = Holders(coach="C1", manager="M1")
    launch = Launch(
        programme_id="x.E1", employee=ADA, template=template, rules=rules.PEOPLE,
        **holders.as_ids(),
    )  # fmt: skip
    events, state = decide_and_evolve(None, launch, T0)
    [launched] = [e for e in events if isinstance(e, ProgrammeLaunched)]
    assert launched.holders == holders
    assert state.holders == holders
    assert state.holder(Role.employee) == "E1"
    _, state = decide_and_evolve(state, Reassign(role=Role.manager, to="M2"), T0)
    assert state.holders == Holders(coach="C1", manager="M2")
    view = view_of(state, T0)
    assert view.holders == state.holders
    assert (view.coach_id, view.manager_id, view.sponsor_id) == ("C1", "M2", None)
    assert "holders" not in view.model_dump()


def test_a_launch_recorded_with_ids_reads_as_holders() -> None:
    event = EVENT_LIST.validate_python(
        [{"type": "programme_launched", "seq": 1, "at": T0, "clock": "PT0S",
          "programme_id": "x.E1", "employee": ADA.model_dump(),
          "template": shipped_template("executive-6m").model_dump(mode="json"),
          "manager_id": "M1", "starts_at": T0}]
    )[0]  # fmt: skip
    assert isinstance(event, ProgrammeLaunched)
    assert event.holders == Holders(manager="M1")
