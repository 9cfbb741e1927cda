"""One person, one role (rules 5): the employee, the coach, the manager and the sponsor
are four different people.

A 360 reads each role as a separate point of view; one person holding two (the coach who
is also the manager) would answer once for two views, and a gate asking for both (the
executive midpoint: employee, manager, coach, quorum 3) could never close. HR may be
anyone's HR, so it is not counted here.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import DomainError
from domain.template import Role

DISTINCT = (Role.employee, Role.coach, Role.manager, Role.sponsor)
"""The roles no person may hold two of."""


def one_role_each(holders: Mapping[Role, str | None]) -> None:
    """DomainError naming both roles when one person holds two of ``DISTINCT``."""
    seen: dict[str, Role] = {}
    for role in DISTINCT:
        person = holders.get(role)
        if person is None:
            continue
        if person in seen:
            first = seen[person]
            raise DomainError(
                f"{role}: {person} is already the {first}; one person holds one of "
                f"{', '.join(DISTINCT)}, so {first} and {role} must be different people",
                shown=f"{role}: this person is already the {first}; one person holds one of "
                f"{', '.join(DISTINCT)}, so {first} and {role} must be different people",
            )
        seen[person] = role
