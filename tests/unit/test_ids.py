"""Ids from other systems: what they may be, and the names parcours keeps for itself."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from adapters.payloads.encryption import owner_of
from adapters.payloads.keyring import SYSTEM, owner_key
from domain.commands import Employee


@pytest.mark.parametrize("reserved", ["system", "System", " SYSTEM "])
def test_system_is_refused_as_an_employee_id(reserved: str) -> None:
    with pytest.raises(ValidationError, match="reserved by parcours"):
        Employee(id=reserved, name="Sys Tem", email="sys@example.com")


def test_an_id_that_only_contains_system_is_fine() -> None:
    assert Employee(id="system-1", name="A", email="a@example.com").id == "system-1"


def test_an_employee_s_key_is_never_the_system_s() -> None:
    """Even a programme id written before the rule, naming an employee ``system``."""
    assert owner_key(owner_of("executive-6m.system")) == "employee:system"
    assert owner_key(owner_of(None)) == owner_key(SYSTEM) == "system"
