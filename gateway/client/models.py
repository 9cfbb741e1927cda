"""What the client answers with, and the filters it lists by."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    model_validator,
)

from adapters.language.zones import is_zone
from domain.commands import Email, ProgrammeLocale, TimeZone
from domain.holders import Holders
from domain.ids import Identifier, QueryValue
from domain.people import Contact
from domain.state import Status
from domain.template import Role
from domain.view import ProgrammeView
from workflows import search_attributes as sa
from workflows.messages import WORKFLOW_NAME


def _printable(value: str) -> str:
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("must not hold control characters (a line break, a tab, an escape)")
    return value


PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_printable),
]
"""A person's name as the edge takes it: 1 to 200 characters once the whitespace around
it is stripped (so not blank), none of them a control character (a line break would not
fit in a mail header, an escape would repaint a terminal)."""


class ErasedProgramme(BaseModel):
    """A programme whose employee's data was erased: what Temporal's search attributes
    still say about it. Everything else (name, email, feedback, events) is unreadable."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    employee_id: str
    template_id: str | None
    status: str | None
    """From the search attributes: ``withdrawn`` once erasure ended it."""
    stage: str | None
    erased: Literal[True] = True
    message: str


Action = Literal["withdrawn", "terminated", "already closed"]


class ErasedFrom(BaseModel):
    """One programme of an erased employee, and what erasure did to it."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    action: Action


class Erasure(BaseModel):
    """The answer to ``erase``: the programmes ended, and when the key was destroyed."""

    model_config = ConfigDict(frozen=True)

    employee_id: str
    erased_at: datetime
    already_erased: bool
    programmes: list[ErasedFrom]
    unreadable: list[str] = []
    """Where their data was kept, sealed with the destroyed key: unreadable from now on."""


class Filters(BaseModel):
    """What ops filter listings by; each maps to a search attribute. Values go into a
    visibility query, so they are ids: no quotes, no spaces."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: QueryValue | None = None
    status: Status | None = None
    cohort: QueryValue | None = None
    employee: QueryValue | None = None
    template: QueryValue | None = None

    def query(self) -> str:
        clauses = [f"WorkflowType = '{WORKFLOW_NAME}'"]
        for key, value in (
            (sa.PROGRAMME_STAGE, self.stage),
            (sa.PROGRAMME_STATUS, self.status.value if self.status else None),
            (sa.COHORT_ID, self.cohort),
            (sa.EMPLOYEE_ID, self.employee),
            (sa.TEMPLATE_ID, self.template),
        ):
            if value is not None:
                clauses.append(f"{key.name} = '{value}'")
        return " AND ".join(clauses)


class ProgrammePage(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: list[ProgrammeView | ErasedProgramme]
    next_page_token: str | None


class Launched(BaseModel):
    model_config = ConfigDict(frozen=True)

    programme_id: str
    created: bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_zone(name: str) -> str:
    """``name`` if it is an IANA time zone this machine knows (``Europe/Paris``)."""
    if not is_zone(name):
        raise ValueError(f"{name!r} is not an IANA time zone, like Europe/Paris or UTC")
    return name


IanaZone = Annotated[TimeZone, AfterValidator(check_zone)]


class RoleHolders:
    """A launch's coach, manager, sponsor and HR, each by id (``manager_id``) or with
    their contacts inline (``manager``), or both when they agree: for the models with
    those fields (a cohort's participant, ``POST /v1/programmes``), which ``holders``
    turns into the one value the launch carries on."""

    coach_id: str | None
    manager_id: str | None
    sponsor_id: str | None
    hr_id: str | None
    coach: Contact | None
    manager: Contact | None
    sponsor: Contact | None
    hr: Contact | None

    def by_role(self) -> tuple[tuple[Role, Contact | None, str | None], ...]:
        """Each role with its contact and its id, as given (either may be None)."""
        return (
            (Role.coach, self.coach, self.coach_id),
            (Role.manager, self.manager, self.manager_id),
            (Role.sponsor, self.sponsor, self.sponsor_id),
            (Role.hr, self.hr, self.hr_id),
        )

    @model_validator(mode="after")
    def _ids_agree(self) -> Self:
        for role, contact, given in self.by_role():
            if contact is not None and given is not None and contact.id != given:
                raise ValueError(f"{role}.id: {contact.id} is not {role}_id {given}")
        return self

    def holders(self) -> Holders:
        """Who holds each role: its id, given alone or with the contact."""
        return Holders.by_role(
            {
                role: given or (contact.id if contact is not None else None)
                for role, contact, given in self.by_role()
            }
        )

    def contacts(self) -> tuple[Contact, ...]:
        return tuple(contact for _, contact, _ in self.by_role() if contact is not None)


class Participant(_Strict, RoleHolders):
    """One employee of a cohort: who coaches, manages, sponsors and supports them, by id
    (``manager_id``) or with their contacts inline (``manager``), which fill the people
    directory before anyone is launched; and the language and time zone of their
    programme."""

    id: Identifier
    name: PersonName
    email: Email
    coach_id: Identifier | None = None
    manager_id: Identifier | None = None
    sponsor_id: Identifier | None = None
    hr_id: Identifier | None = None
    locale: ProgrammeLocale = "en"
    time_zone: IanaZone = "UTC"
    coach: Contact | None = None
    manager: Contact | None = None
    sponsor: Contact | None = None
    hr: Contact | None = None


class CohortOutcome(_Strict):
    line: int | None = None
    employee_id: str | None = None
    programme_id: str | None = None
    outcome: str
    """launched, existing or failed."""
    reason: str | None = None


class CohortReport(_Strict):
    cohort_id: str
    launched: int
    existing: int
    failed: int
    results: list[CohortOutcome]
