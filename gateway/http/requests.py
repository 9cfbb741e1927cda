"""Request bodies of the HTTP API: the contract integrators code against.

Each turns into a domain command; the CLI builds the same commands, so both
refuse the same input with the same words.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain import rules
from domain.commands import (
    AgreeObjectives,
    Comment,
    Employee,
    GiveFeedback,
    Notes,
    Pause,
    Percent,
    Reason,
    RecordProgress,
    RecordSession,
    Score,
    SessionStatus,
    Withdraw,
)
from domain.ids import Identifier, TemplateId
from domain.template import Dimension, Role
from gateway.client.models import Participant


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LaunchRequest(_Body):
    employee: Employee
    template_id: TemplateId
    coach_id: Identifier | None = None
    manager_id: Identifier | None = None
    sponsor_id: Identifier | None = None
    start_date: date | None = None
    cohort_id: Identifier | None = None


class CohortRequest(_Body):
    cohort_id: Identifier
    template_id: TemplateId
    participants: list[Participant] = Field(min_length=1, max_length=5000)


class ObjectivesRequest(_Body):
    short_term: list[Reason] = Field(min_length=1, max_length=rules.MAX_OBJECTIVES)
    long_term: list[Reason] = Field(min_length=1, max_length=rules.MAX_OBJECTIVES)

    @model_validator(mode="after")
    def _at_most_in_all(self) -> Self:
        given = len(self.short_term) + len(self.long_term)
        if given > rules.MAX_OBJECTIVES:
            raise ValueError(
                f"short_term and long_term: at most {rules.MAX_OBJECTIVES} objectives in all, "
                f"got {given}"
            )
        return self

    def command(self, key: str | None) -> AgreeObjectives:
        return AgreeObjectives(
            short_term=tuple(self.short_term), long_term=tuple(self.long_term), key=key
        )


class _FactBody(_Body):
    occurred_at: AwareDatetime | None = None
    """When it happened, if not now: at most a few minutes ahead of this server's clock,
    and not before the programme started. The programme applies it at that time."""


class FeedbackRequest(_FactBody):
    role: Role
    rater_id: Identifier
    scores: dict[Dimension, Score] = Field(min_length=1)
    comment: Comment | None = None

    def command(self, key: str | None) -> GiveFeedback:
        return GiveFeedback(
            role=self.role,
            rater_id=self.rater_id,
            scores=self.scores,
            comment=self.comment,
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


class ProgressRequest(_FactBody):
    objective_id: Annotated[str, Field(pattern=r"^[SL][0-9]{1,2}$")]
    percent: Percent

    def command(self, key: str | None) -> RecordProgress:
        return RecordProgress(
            objective_id=self.objective_id,
            percent=self.percent,
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


class EraseRequest(_Body):
    """Erase an employee's personal data: why (kept with the tombstone, and the reason
    their running programmes are withdrawn with)."""

    reason: Reason | None = None


class CodecPayload(BaseModel):
    """A payload as the Temporal Web UI's remote codec sends it: base64 everywhere."""

    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, str] = Field(default_factory=dict)
    data: str = ""


class CodecPayloads(BaseModel):
    """``POST /codec/decode`` and ``/codec/encode``: the Web UI's remote codec protocol."""

    model_config = ConfigDict(extra="ignore")

    payloads: list[CodecPayload]
