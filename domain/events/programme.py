"""Events of a programme's course: its launch and start, stages entered and completed,
objectives, expectations, feedback, evaluations, deliveries, people, pauses, its end,
and a template migration."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.commands import Employee
from domain.durations import Duration
from domain.evaluation import Evaluation
from domain.events.base import EventBase
from domain.events.sessions import SessionSlot
from domain.framework import DimensionKey
from domain.holders import Holders
from domain.template import EvaluationKind, Role, SharedTemplate


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    horizon: Literal["short_term", "long_term"]
    text: str
    target: int = 100
    """Rules 8: the percentage at which it is attained (``domain.attainment``); 100 for
    every objective agreed before."""


class ProgrammeLaunched(EventBase):
    type: Literal["programme_launched"] = "programme_launched"
    programme_id: str
    employee: Employee
    template: SharedTemplate
    coach_id: str | None = None
    manager_id: str | None = None
    sponsor_id: str | None = None
    hr_id: str | None = None
    cohort_id: str | None = None
    starts_at: AwareDatetime
    rules: int = Field(default=1, ge=1)
    """Which rules the programme follows (``domain.rules``); 1, the default, is how
    programmes launched before rules were numbered behave."""
    first_session: AwareDatetime | None = None
    """Rules 6: the first session's time, when the platform chose it at launch."""

    @property
    def holders(self) -> Holders:
        """The coach, manager, sponsor and HR it names (recorded as four ``<role>_id``)."""
        return Holders.from_ids(self)


class ProgrammeStarted(EventBase):
    """The programme clock started (at launch, or on a later start date)."""

    type: Literal["programme_started"] = "programme_started"


class StageEntered(EventBase):
    type: Literal["stage_entered"] = "stage_entered"
    stage: str
    index: int
    due: Duration | None
    """Programme-clock deadline of the stage, if it has one."""
    sessions: tuple[SessionSlot, ...] = ()


class ObjectivesAgreed(EventBase):
    type: Literal["objectives_agreed"] = "objectives_agreed"
    objectives: tuple[Objective, ...]


class ObjectivesAmended(EventBase):
    """The objectives were amended mid-programme: what changed, so the earlier version
    stays as the events before left it and the log grows by the new texts only."""

    type: Literal["objectives_amended"] = "objectives_amended"
    added: tuple[Objective, ...] = ()
    """New objectives, with new ids."""
    reworded: tuple[Objective, ...] = ()
    """Rules 5: objectives kept, id and progress, with new words (``domain.objectives``);
    the others of ``order`` are kept as they were."""
    removed: tuple[str, ...] = ()
    """Ids retired; their progress stays in the history."""
    order: tuple[str, ...]
    """The objectives after the amendment, by id, in order: those kept and those added."""
    reason: str
    amendment: int = Field(ge=1)
    """1 for the first amendment."""


class ExpectationsRecorded(EventBase):
    """What the client expects of the programme; a later one replaces it."""

    type: Literal["expectations_recorded"] = "expectations_recorded"
    by: Role
    person_id: str
    expected: str
    revision: int = Field(default=0, ge=0)


class ExpectationsRated(EventBase):
    """Whether the client's expectations were met, 1..5; a later rating replaces it."""

    type: Literal["expectations_rated"] = "expectations_rated"
    by: Role
    person_id: str
    met: int = Field(ge=1, le=5)
    comment: str | None = None
    revision: int = Field(default=0, ge=0)


class FeedbackReceived(EventBase):
    type: Literal["feedback_received"] = "feedback_received"
    stage: str | None
    role: Role
    rater_id: str
    scores: dict[DimensionKey, int]
    comment: str | None = None
    revision: int = Field(default=0, ge=0)
    """0 for a rater's first answer in the stage; n when it replaces that rater's
    answer for the n-th time (rules 2)."""


class ObjectiveProgressed(EventBase):
    type: Literal["objective_progressed"] = "objective_progressed"
    objective_id: str
    percent: int
    note: str | None = None
    """Rules 8: what the check-in says of it, in the words of who recorded it."""


class StageStalled(EventBase):
    """The stage's gate is still closed after its whole escalation ladder."""

    type: Literal["stage_stalled"] = "stage_stalled"
    stage: str


class CollectionDue(EventBase):
    """Rules 4: a feedback stage reached its due date before every nominee answered.
    From now its feedback gate opens on the quorum alone: at once when the quorum is met,
    otherwise when it is (the stage escalates meanwhile, as under rules 3). Counts only,
    never who: the event is read by the platform too."""

    type: Literal["collection_due"] = "collection_due"
    stage: str
    answered: int
    """Nominees of the gate's roles who scored every dimension by the due date."""
    nominees: int
    quorum_met: bool


class EvaluationRecorded(EventBase):
    type: Literal["evaluation_recorded"] = "evaluation_recorded"
    delivery_id: str
    evaluation: Evaluation


class DeliveryConfirmed(EventBase):
    type: Literal["delivery_confirmed"] = "delivery_confirmed"
    delivery_id: str
    detail: str = ""


class DeliveryFailed(EventBase):
    type: Literal["delivery_failed"] = "delivery_failed"
    delivery_id: str
    detail: str


class StageCompleted(EventBase):
    type: Literal["stage_completed"] = "stage_completed"
    stage: str
    forced_by: str | None = None
    """The reason given when ops advanced the stage past a closed gate."""


class ProgrammePaused(EventBase):
    type: Literal["programme_paused"] = "programme_paused"
    reason: str
    until: AwareDatetime | None = None


class ProgrammeResumed(EventBase):
    type: Literal["programme_resumed"] = "programme_resumed"
    paused_for: Duration
    automatic: bool = False


class ProgrammeWithdrawn(EventBase):
    type: Literal["programme_withdrawn"] = "programme_withdrawn"
    reason: str


class ProgrammeCompleted(EventBase):
    type: Literal["programme_completed"] = "programme_completed"
    follow_up_due: Duration | None = None


class ProgrammeLapsed(EventBase):
    type: Literal["programme_lapsed"] = "programme_lapsed"
    max_duration: Duration
    stage: str | None


class Nominated(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    id: str


class RatersNominated(EventBase):
    """Raters nominated for a feedback stage (None: the follow-up), added to any before."""

    type: Literal["raters_nominated"] = "raters_nominated"
    stage: str | None
    raters: tuple[Nominated, ...]


class PersonReassigned(EventBase):
    """A held role passed to another person: reminders and escalations go to them now."""

    type: Literal["person_reassigned"] = "person_reassigned"
    role: Role
    before: str | None
    to: str


class FollowUpClosed(EventBase):
    """The follow-up evaluation is recorded: nothing more will happen."""

    type: Literal["follow_up_closed"] = "follow_up_closed"
    kind: EvaluationKind


class TemplateMigrated(EventBase):
    """The programme moved onto another version of its template: the rest of its path
    follows ``template``; the current stage is ``stage`` (renamed by ``mapping``), its
    due date and calendar re-planned from when it was entered."""

    type: Literal["template_migrated"] = "template_migrated"
    from_template: str
    """``id@version`` before."""
    to_template: str
    mapping: dict[str, str] = {}
    by: str | None = None
    reason: str
    template: SharedTemplate
    stage: str | None = None
    index: int | None = None
    due: Duration | None = None
    sessions: tuple[SessionSlot, ...] = ()
