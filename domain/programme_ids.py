"""The employee a programme id names, with the standard library only: the payload codec
reads it for every payload, and the CLI's read path imports the codec without pydantic
(``domain.ids`` has the id types and re-exports ``employee_of``)."""

from __future__ import annotations

import re

_PROGRAMME_ID = re.compile(r"^(?P<template>[a-z][a-z0-9-]{0,63})\.(?P<employee>.+)$")
"""``<template>.<employee>``: template ids have no dot, so the employee is whatever
follows the first dot."""


def employee_of(programme_id: str) -> str | None:
    """The employee a programme id names, or None when it is not a programme id."""
    found = _PROGRAMME_ID.match(programme_id)
    return found["employee"] if found else None
