"""Request bodies of the HTTP API: the contract integrators code against.

Each turns into a domain command; the CLI builds the same commands, so both
refuse the same input with the same words.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.commands import (
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Pause,
    Percent,
    RecordProgress,
    RecordSession,
    Score,
    SessionStatus,
    Text,
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
    short_term: list[Text] = Field(min_length=1, max_length=20)
    long_term: list[Text] = Field(min_length=1, max_length=20)

    def command(self, key: str | None) -> AgreeObjectives:
        return AgreeObjectives(
            short_term=tuple(self.short_term), long_term=tuple(self.long_term), key=key
        )


class FeedbackRequest(_Body):
    role: Role
    rater_id: Identifier
    scores: dict[Dimension, Score] = Field(min_length=1)
    comment: Text | None = None

    def command(self, key: str | None) -> GiveFeedback:
        return GiveFeedback(
            role=self.role,
            rater_id=self.rater_id,
            scores=self.scores,
            comment=self.comment,
            key=key,
        )


class SessionRequest(_Body):
    number: int = Field(ge=1)
    status: SessionStatus
    notes: Text | None = None

    def command(self, key: str | None) -> RecordSession:
        return RecordSession(number=self.number, status=self.status, notes=self.notes, key=key)


class ProgressRequest(_Body):
    objective_id: Annotated[str, Field(pattern=r"^[SL][0-9]{1,2}$")]
    percent: Percent

    def command(self, key: str | None) -> RecordProgress:
        return RecordProgress(objective_id=self.objective_id, percent=self.percent, key=key)


class PauseRequest(_Body):
    reason: Text
    until: AwareDatetime | None = None

    def command(self, key: str | None) -> Pause:
        return Pause(reason=self.reason, until=self.until, key=key)


class ReasonRequest(_Body):
    """Withdraw: why the programme ends early."""

    reason: Text

    def command(self, key: str | None) -> Withdraw:
        return Withdraw(reason=self.reason, key=key)


class EraseRequest(_Body):
    """Erase an employee's personal data: why (kept with the tombstone, and the reason
    their running programmes are withdrawn with)."""

    reason: Text | None = None


class CodecPayload(BaseModel):
    """A payload as the Temporal Web UI's remote codec sends it: base64 everywhere."""

    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, str] = Field(default_factory=dict)
    data: str = ""


class CodecPayloads(BaseModel):
    """``POST /codec/decode`` and ``/codec/encode``: the Web UI's remote codec protocol."""

    model_config = ConfigDict(extra="ignore")

    payloads: list[CodecPayload]
