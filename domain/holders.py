"""The people who hold a programme's roles beside the employee: one value, keyed by role.

A programme names a coach, a manager, a sponsor and an HR contact, each by id or not at
all, from its launch; a reassignment gives a role to someone else. The state, the view
and the launch path carry them as one ``Holders``. What is recorded (the launch command
and event, the view's JSON) keeps its four ``<role>_id`` fields, as recorded histories
and callers have them: ``as_ids`` writes that form, ``from_ids`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from domain.ids import Identifier
from domain.template import Role

HELD: tuple[Role, ...] = (Role.coach, Role.manager, Role.sponsor, Role.hr)
"""The roles a programme names a person for, beside the employee's own."""


class WithIds(Protocol):
    """What carries holders in the recorded form: a launch command or event, a view."""

    @property
    def coach_id(self) -> str | None: ...
    @property
    def manager_id(self) -> str | None: ...
    @property
    def sponsor_id(self) -> str | None: ...
    @property
    def hr_id(self) -> str | None: ...


class Holders(BaseModel):
    """Who holds the coach's, the manager's, the sponsor's and HR's roles (None: nobody)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    coach: Identifier | None = None
    manager: Identifier | None = None
    sponsor: Identifier | None = None
    hr: Identifier | None = None

    def of(self, role: Role) -> str | None:
        """Who holds ``role``; None for a role nobody holds or no programme names."""
        return self._by_role().get(role)

    def given(self, role: Role, person_id: str) -> Holders:
        """These holders with ``role`` given to ``person_id`` (a reassignment)."""
        if role not in HELD:
            raise ValueError(f"{role} is not a role a programme names a person for")
        return Holders.by_role({**self._by_role(), role: person_id})

    def held(self) -> Iterator[tuple[Role, str]]:
        """Each role someone holds, with who, in ``HELD``'s order."""
        for role, person in self._by_role().items():
            if person is not None:
                yield role, person

    def as_ids(self) -> dict[str, str | None]:
        """The recorded form: ``coach_id``, ``manager_id``, ``sponsor_id``, ``hr_id``."""
        return {
            "coach_id": self.coach,
            "manager_id": self.manager,
            "sponsor_id": self.sponsor,
            "hr_id": self.hr,
        }

    @classmethod
    def by_role(cls, people: Mapping[Role, str | None]) -> Holders:
        """The holders ``people`` names (a role it leaves out: nobody)."""
        return cls(
            coach=people.get(Role.coach),
            manager=people.get(Role.manager),
            sponsor=people.get(Role.sponsor),
            hr=people.get(Role.hr),
        )

    @classmethod
    def from_ids(cls, recorded: WithIds) -> Holders:
        """The holders a launch command or event, or a view, records."""
        return cls(
            coach=recorded.coach_id,
            manager=recorded.manager_id,
            sponsor=recorded.sponsor_id,
            hr=recorded.hr_id,
        )

    def _by_role(self) -> dict[Role, str | None]:
        return {
            Role.coach: self.coach,
            Role.manager: self.manager,
            Role.sponsor: self.sponsor,
            Role.hr: self.hr,
        }


NOBODY = Holders()
"""No one in any of the roles (a launch naming only the employee)."""
