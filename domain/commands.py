"""Commands: what people, integrators and timers ask of a programme.

Commands are also the wire payloads of signals and updates: the gateway builds
them (so bad input is refused at the edge, naming the field), the workflow
passes them to ``decide`` together with the workflow's ``now``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from domain import framework, rules
from domain.framework import DimensionKey
from domain.holders import Holders
from domain.ids import Identifier, ProgrammeId
from domain.template import Role, SharedTemplate

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        # Not echoed back: a mistyped address is still someone's personal data.
        raise ValueError(
            "must be an email address like name@example.com "
            "(one @, a dot in the domain, at most 254 characters)"
        )
    return value


Email = Annotated[
    str,
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "pattern": r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"}),
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def _within(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if rules.utf8(value) > limit:
            raise ValueError(f"must be at most {limit} bytes of UTF-8, got {rules.utf8(value)}")
        return value

    return AfterValidator(check)


Comment = Annotated[Text, _within(rules.MAX_COMMENT)]
"""A feedback comment as the edge takes it (the gateway's request bodies). The command
keeps ``Text``: a recorded signal must still decode when its programme replays, and the
decider checks ``MAX_COMMENT`` for programmes under rules 2."""
Notes = Annotated[Text, _within(rules.MAX_NOTES)]
"""A session's notes as the edge takes them; see ``Comment``."""
Reason = Annotated[Text, _within(rules.MAX_TEXT)]
"""An objective's text, or a reason, as the edge takes it; see ``Comment``."""
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _score_in_range(value: int) -> int:
    if not 1 <= value <= 5:
        raise ValueError(f"must be 1..5, got {value}")
    return value


Score = Annotated[
    int,
    AfterValidator(_score_in_range),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5}),
]
Percent = Annotated[int, Field(ge=0, le=100)]
ObjectiveId = Annotated[str, StringConstraints(pattern=r"^[SL][0-9]{1,2}$")]
Target = Annotated[int, Field(ge=1, le=100)]
"""An objective's target: the percentage at which it is attained (rules 8)."""
Rating = Annotated[
    int,
    Field(ge=framework.LOWEST, le=framework.HIGHEST),
    WithJsonSchema({"type": "integer", "minimum": framework.LOWEST, "maximum": framework.HIGHEST}),
]
"""A score on a dimension: the decider checks it against the programme's scale
(``domain.framework.Scale``, 1..5 unless its framework says otherwise); any scale lies
within these bounds."""


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: IdempotencyKey | None = None
    """Idempotency key: a command whose key was already applied is acknowledged and ignored."""


Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
"""A person's language (``fr``, ``en-GB``): the people directory takes any; messages and
reports are written in English, French or German (``ProgrammeLocale``), others read English."""
TimeZone = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+\-]+){0,2}$")]
"""An IANA time zone's name, by its shape; the gateway checks it names a real zone (the
domain reads no time-zone database)."""
PROGRAMME_LOCALES = ("en", "fr", "de")
ProgrammeLocale = Literal["en", "fr", "de"]


class Employee(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    email: Email
    locale: ProgrammeLocale = "en"
    """The programme's language: its reports and the employee's messages."""
    time_zone: TimeZone = "UTC"
    """The programme's time zone: its reports, messages and calendar give times in it.
    Both have defaults, so launches recorded before them still decode."""


class Launch(_Command):
    """Start a programme for one employee on a snapshot of a template."""

    type: Literal["launch"] = "launch"
    programme_id: ProgrammeId
    employee: Employee
    template: SharedTemplate
    coach_id: Identifier | None = None
    manager_id: Identifier | None = None
    sponsor_id: Identifier | None = None
    hr_id: Identifier | None = None
    cohort_id: Identifier | None = None
    start: AwareDatetime | None = None
    """When the programme clock starts; none means at launch."""
    rules: int = Field(default=1, ge=1)
    """Which rules the programme follows for life (``domain.rules``); the workflow sets
    it for runs started now. 1, the default, is the behaviour before rules were numbered."""
    first_session: AwareDatetime | None = None
    """Rules 6: when the programme's first session is, as the platform agreed it with
    the people; the others follow its calendar from there. None: the first ``weekday``
    at ``at`` after its stage opens (``domain.appointments``)."""

    @property
    def holders(self) -> Holders:
        """The coach, manager, sponsor and HR it names (recorded as four ``<role>_id``)."""
        return Holders.from_ids(self)


class _Fact(_Command):
    occurred_at: AwareDatetime | None = None
    """When it happened, stamped by the client or given by the integrator; None: now.
    Under rules 2 the programme applies it at that time (see ``domain.decider``),
    clamped to no earlier than its last event and no later than now."""


class AgreeObjectives(_Command):
    type: Literal["agree_objectives"] = "agree_objectives"
    short_term: tuple[Text, ...] = Field(min_length=1, max_length=20)
    long_term: tuple[Text, ...] = Field(min_length=1, max_length=20)
    targets: dict[ObjectiveId, Target] = Field(default={}, max_length=rules.MAX_OBJECTIVES)
    """Rules 8: an objective's target other than 100%, by its id (``S1``, ``L2``: the
    order given), e.g. ``{"S1": 80}``; the others' is 100."""


class ObjectiveChange(BaseModel):
    """Rules 8: what an amendment does to one objective (``domain.objectives.changed``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["keep", "reword", "remove", "add"]
    id: ObjectiveId | None = None
    """The objective kept, reworded or removed; none for one added."""
    text: Text | None = None
    """The new words (reword) or the new objective's (add)."""
    horizon: Literal["short_term", "long_term"] | None = None
    """Where an added objective goes."""


class AmendObjectives(_Command):
    """Replace the agreed objectives, mid-programme, saying why (``domain.objectives``
    says which ids are kept); or, under rules 8, say per objective what the amendment
    does (``changes``: keep, reword, remove, add), the lists then left empty."""

    type: Literal["amend_objectives"] = "amend_objectives"
    short_term: tuple[Text, ...] = Field(default=(), max_length=rules.MAX_OBJECTIVES)
    long_term: tuple[Text, ...] = Field(default=(), max_length=rules.MAX_OBJECTIVES)
    reason: Text
    changes: tuple[ObjectiveChange, ...] = Field(default=(), max_length=2 * rules.MAX_OBJECTIVES)


class RecordExpectations(_Command):
    """What the client (the sponsor, or the employee, as the template says) expects of
    the programme (``domain.expectations``)."""

    type: Literal["record_expectations"] = "record_expectations"
    person_id: Identifier
    """Who says it: must be the person holding the template's expectations role."""
    expected: Text


class RateExpectations(_Command):
    """Whether the client's expectations were met: 1 (not at all) .. 5 (fully)."""

    type: Literal["rate_expectations"] = "rate_expectations"
    person_id: Identifier
    met: Score
    comment: Text | None = None


class GiveFeedback(_Fact):
    type: Literal["give_feedback"] = "give_feedback"
    role: Role
    rater_id: Identifier
    scores: dict[DimensionKey, Rating] = Field(min_length=1, max_length=framework.MAX_DIMENSIONS)
    comment: Text | None = None
    stage: Identifier | None = None
    """The feedback stage the answer is for; None: the current stage. Rules 4 keeps an
    answer for a later stage until it opens; a new optional field, so signals recorded
    before it still decode."""


NOMINATED_ROLES = (Role.peer, Role.direct_report)
"""The roles whose raters are nominated by name; the employee, coach, manager, sponsor
and HR answer as the people who hold those roles."""
HELD_ROLES = (Role.coach, Role.manager, Role.sponsor, Role.hr)
"""The roles a programme's people hold, and may be reassigned."""


class Nominee(BaseModel):
    """A rater nominated for a role: an id only (contacts live in the people directory)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    id: Identifier


class NominateRaters(_Command):
    """Nominate raters for a feedback stage (rules 3): only they may answer as peers or
    direct reports there. ``stage`` None: the current stage."""

    type: Literal["nominate_raters"] = "nominate_raters"
    stage: Identifier | None = None
    raters: tuple[Nominee, ...] = Field(min_length=1, max_length=rules.MAX_RATERS_PER_STAGE)


class Reassign(_Command):
    """Give a held role (coach, manager, sponsor, HR) to another person (rules 3)."""

    type: Literal["reassign"] = "reassign"
    role: Role
    to: Identifier


class SessionStatus(StrEnum):
    held = "held"
    missed = "missed"


class RecordSession(_Fact):
    type: Literal["record_session"] = "record_session"
    number: int = Field(ge=1, le=10_000)
    status: SessionStatus
    notes: Text | None = None
    correct: bool = False
    """Replace what was recorded for this session (rules 2): a correction."""


class RescheduleSession(_Command):
    """Move one planned session to another time, by agreement (rules 6)."""

    type: Literal["reschedule_session"] = "reschedule_session"
    number: int = Field(ge=1)
    to: AwareDatetime
    reason: Text


class CancelSession(_Command):
    """Cancel one planned session by agreement: not a miss, not counted in attendance
    (rules 6)."""

    type: Literal["cancel_session"] = "cancel_session"
    number: int = Field(ge=1)
    reason: Text


class RecordProgress(_Fact):
    type: Literal["record_progress"] = "record_progress"
    objective_id: ObjectiveId
    percent: Percent
    note: Text | None = None
    """Rules 8: what the check-in says of it (at most ``rules.MAX_NOTES`` bytes)."""


class Pause(_Command):
    type: Literal["pause"] = "pause"
    reason: Text
    until: AwareDatetime | None = None


class Resume(_Command):
    type: Literal["resume"] = "resume"


class Withdraw(_Command):
    type: Literal["withdraw"] = "withdraw"
    reason: Text


class AdvanceStage(_Command):
    """Close the current stage whatever its gate says (an explicit decision by ops)."""

    type: Literal["advance_stage"] = "advance_stage"
    reason: Text


class Tick(_Command):
    """Time passed: fire whatever fell due by ``now``."""

    type: Literal["tick"] = "tick"


class RecordDelivery(_Command):
    """What became of a notification or an evaluation report the programme asked for."""

    type: Literal["record_delivery"] = "record_delivery"
    delivery_id: str
    delivered: bool
    detail: str = ""

    @model_validator(mode="after")
    def _failure_explained(self) -> Self:
        if not self.delivered and not self.detail:
            raise ValueError("a failed delivery needs a detail saying why")
        return self


MAX_MAPPED = 50
"""Most stage mappings one migration carries (a template has far fewer stages)."""
StageKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class MigrateTemplate(_Command):
    """Move a running programme onto another version of its template (``domain.migration``).

    ``mapping`` renames stages (old key -> new key); a stage not named keeps its key."""

    type: Literal["migrate_template"] = "migrate_template"
    to: SharedTemplate
    mapping: dict[StageKey, StageKey] = Field(default={}, max_length=MAX_MAPPED)
    reason: Text
    by: StageKey | None = None
    """Who asked (an ops id, for the record)."""


Command = Annotated[
    Launch
    | AgreeObjectives
    | GiveFeedback
    | RecordSession
    | RecordProgress
    | Pause
    | Resume
    | Withdraw
    | AdvanceStage
    | NominateRaters
    | Reassign
    | AmendObjectives
    | RecordExpectations
    | RateExpectations
    | RescheduleSession
    | CancelSession
    | Tick
    | RecordDelivery
    | MigrateTemplate,
    Field(discriminator="type"),
]
