"""Programmes launched on equal templates share one template object."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.commands import Employee, Launch
from domain.decider import decide
from domain.events import ProgrammeLaunched
from domain.evolve import fold
from domain.template_parsing import parse_template

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "executive-6m.yaml"
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def launch(employee_id: str, text: str) -> Launch:
    return Launch.model_validate_json(
        Launch(
            programme_id=f"executive-6m.{employee_id}",
            employee=Employee(id=employee_id, name="Ada", email="ada@example.com"),
            template=parse_template(text),
        ).model_dump_json()
    )


def test_equal_templates_are_one_object_and_state_keeps_it() -> None:
    text = TEMPLATE.read_text()
    first, second = launch("E1", text), launch("E2", text)

    assert first.template is second.template
    state = fold(decide(None, second, NOW))
    assert state.template is first.template
    event = ProgrammeLaunched.model_validate_json(decide(None, first, NOW)[0].model_dump_json())
    assert event.template is first.template


def test_a_changed_template_is_its_own_object() -> None:
    text = TEMPLATE.read_text()
    changed = text.replace("version: 1", "version: 2")
    original, edited = launch("E1", text), launch("E2", changed)

    assert edited.template is not original.template
    assert edited.template.version == 2
    assert original.template.version == 1


def test_a_shared_template_is_taken_as_it_is_and_any_other_instance_is_checked() -> None:
    """A cohort's launches carry one shared template: it was checked when first shared
    and is frozen, so it is not checked again. A copy made without validation is."""
    shared_one = launch("E1", TEMPLATE.read_text()).template
    again = Launch(
        programme_id="executive-6m.E3",
        employee=Employee(id="E3", name="Ada", email="ada@example.com"),
        template=shared_one,
    )
    assert again.template is shared_one

    broken = shared_one.model_copy(update={"dimensions": ("motivation", "motivation")})
    with pytest.raises(ValidationError, match="dimensions must not repeat"):
        Launch(
            programme_id="executive-6m.E4",
            employee=Employee(id="E4", name="Ada", email="ada@example.com"),
            template=broken,
        )
