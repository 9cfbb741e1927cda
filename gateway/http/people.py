"""The people directory: contacts of the people who hold roles and rate, sealed per person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from config.tokens import ApiRole as Role
from domain.ids import Identifier
from domain.people import Contact
from gateway.client.requests import PersonRequest
from gateway.http.auth import PEOPLE, allow
from gateway.http.dependencies import Programmes

router = APIRouter(prefix="/v1/people", tags=["people"])


class PersonSaved(Contact):
    """What was kept (sealed with the person's own key)."""


@router.put("/{person_id}", operation_id="setPerson", response_model=PersonSaved)
async def set_person(
    person_id: Identifier,
    body: PersonRequest,
    client: Programmes,
    _: Annotated[Role, Depends(allow(*PEOPLE))],
) -> PersonSaved:
    """Add or replace a person's contacts: reminders and escalations for the roles they
    hold go to this email; without one, only the webhook and the outbox reach them."""
    saved = client.set_person(body.contact(person_id))
    return PersonSaved(**saved.model_dump())
