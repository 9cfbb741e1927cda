"""A person's contacts, as the people directory keeps them (sealed with their own key)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from domain.commands import Email, Locale, TimeZone
from domain.ids import Identifier

__all__ = ["Contact", "Locale", "TimeZone"]


class Contact(BaseModel):
    """Who holds a role, or rates: how to reach them. No email: they are reached only
    through the webhook and the outbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    email: Email | None = None
    locale: Locale = "en"
    time_zone: TimeZone = "UTC"
