"""Identifiers: the ids other systems give parcours, and a programme's own id.

A programme's id is ``<template>.<employee>``: one programme per employee and template,
so launching twice finds the same one. Template ids have no dot, so the employee is
whatever follows the first dot; encryption reads it to choose the employee's data key.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from domain.programme_ids import employee_of as employee_of

IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
"""Ids from other systems: letters, digits and ``._@-``; never a quote or a space, so an
id is safe inside a visibility query."""
TEMPLATE_ID_PATTERN = r"^[a-z][a-z0-9-]{0,63}$"
RESERVED_IDS = frozenset({"system"})
"""Names parcours keeps for itself (``system`` owns the key of payloads about nobody): no
employee, coach, rater or cohort may take one, in any case."""
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
_ANY_PROGRAMME_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,128}$")


def _identifier(value: str) -> str:
    value = value.strip()
    if not _IDENTIFIER.match(value):
        raise ValueError(
            f"must be 1 to 64 letters, digits or ._@- starting with a letter or digit, "
            f"got {value!r}"
        )
    if value.lower() in RESERVED_IDS:
        raise ValueError(f"{value!r} is reserved by parcours; give the id another system uses")
    return value


def _programme_id(value: str) -> str:
    if not _ANY_PROGRAMME_ID.match(value):
        raise ValueError(
            f"must be 1 to 129 letters, digits or ._@- starting with a letter or digit, "
            f"got {value!r}"
        )
    return value


Identifier = Annotated[
    str,
    AfterValidator(_identifier),
    WithJsonSchema({"type": "string", "pattern": r"^\s*[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\s*$"}),
]
"""Ids from other systems (employee, coach, rater, cohort): letters, digits, ``._@-``;
never one of ``RESERVED_IDS``."""
QueryValue = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]
"""An id as a filter takes it, unstripped: it goes into a visibility query as it is."""
ProgrammeId = Annotated[str, AfterValidator(_programme_id)]
"""``<template>.<employee>``: a template id (up to 64) and an Identifier (up to 64)."""
TemplateId = Annotated[str, Field(pattern=TEMPLATE_ID_PATTERN)]


def programme_id(template_id: str, employee_id: str) -> str:
    """The id of ``employee_id``'s programme on ``template_id``."""
    return f"{template_id}.{employee_id}"
