"""The client's input contract: the bodies the HTTP API reads and the CLI builds.

Each turns into a domain command; the API (``gateway.http``) and the CLI
(``gateway.cli``) both build it from here, so both refuse the same input with the
same words, and the CLI needs nothing of the HTTP side.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain import rules
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    AmendObjectives,
    CancelSession,
    Comment,
    Email,
    Employee,
    GiveFeedback,
    NominateRaters,
    Nominee,
    Notes,
    ObjectiveChange,
    ObjectiveId,
    Pause,
    Percent,
    RateExpectations,
    Rating,
    Reason,
    Reassign,
    RecordExpectations,
    RecordProgress,
    RecordSession,
    RescheduleSession,
    Score,
    SessionStatus,
    Target,
    Withdraw,
)
from domain.framework import MAX_DIMENSIONS, DimensionKey
from domain.ids import Identifier, TemplateId
from domain.people import Contact, Locale, TimeZone
from domain.template import Role
from gateway.client.models import Participant, PersonName, RoleHolders


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LaunchRequest(_Body, RoleHolders):
    employee: Employee
    template_id: TemplateId
    coach_id: Identifier | None = None
    manager_id: Identifier | None = None
    sponsor_id: Identifier | None = None
    hr_id: Identifier | None = None
    start_date: date | None = None
    """The day the programme starts, in its time zone (``employee.time_zone``)."""
    first_session: AwareDatetime | None = None
    """When the first session is, agreed with the people (ISO 8601 with its offset); the
    others follow the template's calendar from it. None: the first ``weekday`` at ``at``
    after its stage opens."""
    cohort_id: Identifier | None = None
    coach: Contact | None = None
    manager: Contact | None = None
    sponsor: Contact | None = None
    hr: Contact | None = None
    """A role's contact given inline fills the people directory; its id is the role's."""


class PersonRequest(_Body):
    """A person's contacts: ``PUT /v1/people/{id}``."""

    name: PersonName
    email: Email | None = None
    locale: Locale = "en"
    time_zone: TimeZone = "UTC"

    def contact(self, person_id: str) -> Contact:
        return Contact(
            id=person_id,
            name=self.name,
            email=self.email,
            locale=self.locale,
            time_zone=self.time_zone,
        )


class RatersRequest(_Body):
    """Nominate raters for a feedback stage (the current one if ``stage`` is left out);
    a rater's name and email, if given, fill the people directory."""

    stage: Identifier | None = None
    raters: list[RaterEntry] = Field(min_length=1, max_length=rules.MAX_RATERS_PER_STAGE)

    def command(self, key: str | None) -> NominateRaters:
        return NominateRaters(
            stage=self.stage,
            raters=tuple(Nominee(role=r.role, id=r.id) for r in self.raters),
            key=key,
        )

    def contacts(self) -> tuple[Contact, ...]:
        return tuple(
            Contact(id=r.id, name=r.name or r.id, email=r.email)
            for r in self.raters
            if r.name is not None or r.email is not None
        )


class ReassignRequest(_Body):
    """Give the coach, manager, sponsor or HR role to another person."""

    role: Role
    to: Identifier
    contact: Contact | None = None
    """The new holder's contacts, to fill the people directory (its id must be ``to``)."""

    @model_validator(mode="after")
    def _same(self) -> Self:
        if self.contact is not None and self.contact.id != self.to:
            raise ValueError(f"contact.id: {self.contact.id} is not to {self.to}")
        return self

    def command(self, key: str | None) -> Reassign:
        return Reassign(role=self.role, to=self.to, key=key)


class RaterEntry(_Body):
    role: Role
    id: Identifier
    name: PersonName | None = None
    email: Email | None = None


class CohortRequest(_Body):
    """Launch many. A participant's coach, manager, sponsor and HR are ids
    (``manager_id``) or contacts inline (``manager``), which fill the people directory
    before anyone is launched."""

    cohort_id: Identifier
    template_id: TemplateId
    participants: list[Participant] = Field(min_length=1, max_length=5000)


class ObjectivesRequest(_Body):
    """Agree the objectives; or, with ``amend`` and a ``reason``, replace those agreed
    (objectives whose text is unchanged keep their ids, see ``domain.objectives``)."""

    short_term: list[Reason] = Field(default=[], max_length=rules.MAX_OBJECTIVES)
    long_term: list[Reason] = Field(default=[], max_length=rules.MAX_OBJECTIVES)
    amend: bool = False
    """Replace the objectives already agreed: allowed after the agreement and before the
    programme closes, at most 5 times (``domain.rules.MAX_AMENDMENTS``)."""
    reason: Reason | None = None
    """Why they are amended: required with ``amend``, refused without it."""
    targets: dict[ObjectiveId, Target] = Field(default={}, max_length=rules.MAX_OBJECTIVES)
    changes: list[ObjectiveChange] = Field(default=[], max_length=2 * rules.MAX_OBJECTIVES)
    """Rules 8, with ``amend`` instead of the lists: per objective, what the amendment does
    (``{"action": "reword", "id": "S1", "text": "..."}``; ``keep``, ``remove`` name an id,
    ``add`` a ``horizon`` and a ``text``)."""
    """Rules 8, with the agreement: an objective's target other than 100%, by its id
    (``{"S1": 80}``: the first short-term objective is attained at 80%)."""

    @model_validator(mode="after")
    def _at_most_in_all(self) -> Self:
        given = len(self.short_term) + len(self.long_term)
        if given > rules.MAX_OBJECTIVES:
            raise ValueError(
                f"short_term and long_term: at most {rules.MAX_OBJECTIVES} objectives in all, "
                f"got {given}"
            )
        if self.amend and self.reason is None:
            raise ValueError("reason: an amendment (amend: true) needs a reason")
        if not self.amend and self.reason is not None:
            raise ValueError("reason: only an amendment (amend: true) takes a reason")
        if self.amend and self.targets:
            raise ValueError("targets: set with the agreement; an amendment keeps them")
        if self.changes and not self.amend:
            raise ValueError("changes: only an amendment (amend: true) takes changes")
        if self.changes and (self.short_term or self.long_term):
            raise ValueError("changes: give either the changes or the lists, not both")
        if not self.changes:
            for horizon, texts in (("short_term", self.short_term), ("long_term", self.long_term)):
                if not texts:
                    raise ValueError(f"{horizon}: at least one objective")
        return self

    def command(self, key: str | None) -> AgreeObjectives | AmendObjectives:
        if self.amend:
            assert self.reason is not None
            return AmendObjectives(
                short_term=tuple(self.short_term),
                long_term=tuple(self.long_term),
                changes=tuple(self.changes),
                reason=self.reason,
                key=key,
            )
        return AgreeObjectives(
            short_term=tuple(self.short_term),
            long_term=tuple(self.long_term),
            targets=self.targets,
            key=key,
        )


class ExpectationsRequest(_Body):
    """The client's expectations (``domain.expectations``), said by the person holding
    the template's expectations role (the sponsor, or the employee): what they expect
    (``expected``), or, from the stage of the final evaluation on, whether it was met
    (``met``, 1 not at all .. 3 partly .. 5 fully, with an optional ``comment``)."""

    person_id: Identifier
    expected: Reason | None = None
    met: Score | None = None
    comment: Comment | None = None

    @model_validator(mode="after")
    def _one_or_the_other(self) -> Self:
        if (self.expected is None) == (self.met is None):
            raise ValueError(
                "expected or met: give one of them, what is expected or whether it was met"
            )
        if self.comment is not None and self.met is None:
            raise ValueError("comment: goes with met, whether the expectations were met")
        return self

    def command(self, key: str | None) -> RecordExpectations | RateExpectations:
        if self.met is not None:
            return RateExpectations(
                person_id=self.person_id, met=self.met, comment=self.comment, key=key
            )
        assert self.expected is not None
        return RecordExpectations(person_id=self.person_id, expected=self.expected, key=key)


class _FactBody(_Body):
    occurred_at: AwareDatetime | None = None
    """When it happened, if not now: at most a few minutes ahead of this server's clock,
    and not before the programme started. The programme applies it at that time."""


class FeedbackRequest(_FactBody):
    role: Role
    rater_id: Identifier
    scores: dict[DimensionKey, Rating] = Field(min_length=1, max_length=MAX_DIMENSIONS)
    """Per dimension of the programme's framework, a score on its scale (1..5 unless the
    framework says otherwise): a score off the scale is refused, naming it."""
    comment: Comment | None = None
    stage: Identifier | None = None
    """A later feedback stage the answer is for, kept until it opens (rules 4); none:
    the current stage."""

    def command(self, key: str | None) -> GiveFeedback:
        return GiveFeedback(
            role=self.role,
            rater_id=self.rater_id,
            scores=self.scores,
            comment=self.comment,
            stage=self.stage,
            occurred_at=self.occurred_at,
            key=key,
        )


class SessionRequest(_FactBody):
    number: int = Field(ge=1, le=10_000)
    status: SessionStatus
    notes: Notes | None = None
    correct: bool = False
    """Replace what was recorded for this session (a correction, at most 3 times)."""

    def command(self, key: str | None) -> RecordSession:
        return RecordSession(
            number=self.number,
            status=self.status,
            notes=self.notes,
            correct=self.correct,
            occurred_at=self.occurred_at,
            key=key,
        )


class RescheduleRequest(_Body):
    """Move one planned session to another time, by agreement, and why."""

    to: AwareDatetime
    """The new start, ISO 8601 with its offset (``2027-02-03T10:00:00+01:00``)."""
    reason: Reason

    def command(self, number: int, key: str | None) -> RescheduleSession:
        return RescheduleSession(number=number, to=self.to, reason=self.reason, key=key)


class CancelRequest(_Body):
    """Cancel one planned session by agreement (not a miss), and why."""

    reason: Reason

    def command(self, number: int, key: str | None) -> CancelSession:
        return CancelSession(number=number, reason=self.reason, key=key)


class ProgressRequest(_FactBody):
    objective_id: Annotated[str, Field(pattern=r"^[SL][0-9]{1,2}$")]
    percent: Percent
    note: Comment | None = None
    """Rules 8: what the check-in says of the objective (at most 1000 bytes)."""

    def command(self, key: str | None) -> RecordProgress:
        return RecordProgress(
            objective_id=self.objective_id,
            percent=self.percent,
            note=self.note,
            occurred_at=self.occurred_at,
            key=key,
        )


class PauseRequest(_Body):
    reason: Reason
    until: AwareDatetime | None = None

    def command(self, key: str | None) -> Pause:
        return Pause(reason=self.reason, until=self.until, key=key)


class ReasonRequest(_Body):
    """Withdraw: why the programme ends early."""

    reason: Reason

    def command(self, key: str | None) -> Withdraw:
        return Withdraw(reason=self.reason, key=key)


class AdvanceRequest(_Body):
    """Advance: close the current stage whatever its gate says, and why."""

    reason: Reason

    def command(self, key: str | None) -> AdvanceStage:
        return AdvanceStage(reason=self.reason, key=key)


class EraseRequest(_Body):
    """Erase an employee's personal data: why (kept with the tombstone, and the reason
    their running programmes are withdrawn with)."""

    reason: Reason | None = None
