"""A person's contacts, as the people directory keeps them (sealed with their own key)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from domain.commands import Email
from domain.ids import Identifier

Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
TimeZone = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+\-]+){0,2}$")]


class Contact(BaseModel):
    """Who holds a role, or rates: how to reach them. No email: they are reached only
    through the webhook and the outbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    email: Email | None = None
    locale: Locale = "en"
    time_zone: TimeZone = "UTC"
