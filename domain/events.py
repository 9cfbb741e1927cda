"""Events: what happened to a programme, in the past tense.

Every event has a sequence number, the wall time it happened (``at``) and the
programme-clock time (``clock``: time since the programme started, paused
time not counted). Events are one discriminated union on ``type``, so they
serialise to plain self-describing JSON.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from domain.commands import Employee
from domain.durations import Duration
from domain.evaluation import Evaluation
from domain.framework import DimensionKey
from domain.holders import Holders
from domain.template import EvaluationKind, Role, SharedTemplate


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=1)
    at: AwareDatetime
    clock: Duration
    key: str | None = None
    """Idempotency key of the command that caused this event, if it had one."""
    recorded_at: AwareDatetime | None = None
    """Rules 2: the wall time the programme learnt of it, when later than ``at`` (a fact
    applied after an outage, a timer fired late). None: learnt when it happened."""


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    horizon: Literal["short_term", "long_term"]
    text: str
    target: int = 100
    """Rules 8: the percentage at which it is attained (``domain.attainment``); 100 for
    every objective agreed before."""


class SessionSlot(BaseModel):
    """One session of the pre-set calendar, at a programme-clock time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    clock: Duration


class ProgrammeLaunched(_Event):
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


class ProgrammeStarted(_Event):
    """The programme clock started (at launch, or on a later start date)."""

    type: Literal["programme_started"] = "programme_started"


class StageEntered(_Event):
    type: Literal["stage_entered"] = "stage_entered"
    stage: str
    index: int
    due: Duration | None
    """Programme-clock deadline of the stage, if it has one."""
    sessions: tuple[SessionSlot, ...] = ()


class ObjectivesAgreed(_Event):
    type: Literal["objectives_agreed"] = "objectives_agreed"
    objectives: tuple[Objective, ...]


class ObjectivesAmended(_Event):
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


class ExpectationsRecorded(_Event):
    """What the client expects of the programme; a later one replaces it."""

    type: Literal["expectations_recorded"] = "expectations_recorded"
    by: Role
    person_id: str
    expected: str
    revision: int = Field(default=0, ge=0)


class ExpectationsRated(_Event):
    """Whether the client's expectations were met, 1..5; a later rating replaces it."""

    type: Literal["expectations_rated"] = "expectations_rated"
    by: Role
    person_id: str
    met: int = Field(ge=1, le=5)
    comment: str | None = None
    revision: int = Field(default=0, ge=0)


class FeedbackReceived(_Event):
    type: Literal["feedback_received"] = "feedback_received"
    stage: str | None
    role: Role
    rater_id: str
    scores: dict[DimensionKey, int]
    comment: str | None = None
    revision: int = Field(default=0, ge=0)
    """0 for a rater's first answer in the stage; n when it replaces that rater's
    answer for the n-th time (rules 2)."""


class SessionHeld(_Event):
    type: Literal["session_held"] = "session_held"
    stage: str
    number: int
    notes: str | None = None


class SessionMissed(_Event):
    type: Literal["session_missed"] = "session_missed"
    stage: str
    number: int
    notes: str | None = None
    unrecorded: bool = False
    """True when nobody recorded the session by the stage deadline."""


class SessionCorrected(_Event):
    """A session recorded wrongly is recorded again (rules 2)."""

    type: Literal["session_corrected"] = "session_corrected"
    stage: str
    number: int
    status: Literal["held", "missed"]
    was: Literal["held", "missed"]
    notes: str | None = None


class SessionsReplanned(_Event):
    """Rules 6: a pause moved the stage's sessions still ahead to after it, on their
    weekday at their wall time (``domain.appointments.moved``); those past keep their
    dates. ``sessions`` are those moved, at their new slots."""

    type: Literal["sessions_replanned"] = "sessions_replanned"
    stage: str
    sessions: tuple[SessionSlot, ...]
    due: Duration | None
    """The stage's deadline now: one period after its last session at least."""
    dated: dict[int, AwareDatetime] = {}
    """Sessions left at their date, as they were past when the pause began: their slot on
    the programme clock stays (they may be recorded from now on), their date is this."""


class SessionRescheduled(_Event):
    """Rules 6: one session moved by agreement."""

    type: Literal["session_rescheduled"] = "session_rescheduled"
    stage: str
    number: int
    session_clock: Duration
    """Its new slot, on the programme clock."""
    reason: str
    due: Duration | None
    """The stage's deadline now: one period after its last session at least."""


class SessionCancelled(_Event):
    """Rules 6: one session cancelled by agreement: not a miss, not counted."""

    type: Literal["session_cancelled"] = "session_cancelled"
    stage: str
    number: int
    reason: str


class ObjectiveProgressed(_Event):
    type: Literal["objective_progressed"] = "objective_progressed"
    objective_id: str
    percent: int
    note: str | None = None
    """Rules 8: what the check-in says of it, in the words of who recorded it."""


class _Notice(_Event):
    """An event that asks for a notification to be delivered."""

    delivery_id: str
    stage: str
    to: tuple[Role, ...]


class ReminderDue(_Notice):
    type: Literal["reminder_due"] = "reminder_due"
    due: Duration
    before: Duration


class SessionReminderDue(_Notice):
    type: Literal["session_reminder_due"] = "session_reminder_due"
    number: int
    session_clock: Duration
    before: Duration


class InvitedSession(BaseModel):
    """One session as an invitation gives it: its time, its end, the invitation's
    SEQUENCE (0 for the first, one more for each change)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    at: AwareDatetime
    end: AwareDatetime
    sequence: int = Field(ge=0)


class InvitationDue(_Notice):
    """Rules 6: the employee and the coach get the sessions as calendar invitations when
    they are planned or moved (``REQUEST``), or cancelled (``CANCEL``)."""

    type: Literal["invitation_due"] = "invitation_due"
    method: Literal["REQUEST", "CANCEL"]
    sessions: tuple[InvitedSession, ...] = Field(min_length=1)


class EscalationDue(_Notice):
    type: Literal["escalation_due"] = "escalation_due"
    step: int
    due: Duration
    overdue_by: Duration


class ReminderSkipped(_Event):
    """A reminder not sent because its moment passed long ago (rules 2): it was decided
    later than its own lead time after it fell due, typically after an outage."""

    type: Literal["reminder_skipped"] = "reminder_skipped"
    stage: str
    before: Duration
    number: int | None = None
    """The session a session reminder was for; None for a stage-deadline reminder."""
    reason: str


class StageStalled(_Event):
    """The stage's gate is still closed after its whole escalation ladder."""

    type: Literal["stage_stalled"] = "stage_stalled"
    stage: str


class CollectionDue(_Event):
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


class EvaluationRecorded(_Event):
    type: Literal["evaluation_recorded"] = "evaluation_recorded"
    delivery_id: str
    evaluation: Evaluation


class DeliveryConfirmed(_Event):
    type: Literal["delivery_confirmed"] = "delivery_confirmed"
    delivery_id: str
    detail: str = ""


class DeliveryFailed(_Event):
    type: Literal["delivery_failed"] = "delivery_failed"
    delivery_id: str
    detail: str


class StageCompleted(_Event):
    type: Literal["stage_completed"] = "stage_completed"
    stage: str
    forced_by: str | None = None
    """The reason given when ops advanced the stage past a closed gate."""


class ProgrammePaused(_Event):
    type: Literal["programme_paused"] = "programme_paused"
    reason: str
    until: AwareDatetime | None = None


class ProgrammeResumed(_Event):
    type: Literal["programme_resumed"] = "programme_resumed"
    paused_for: Duration
    automatic: bool = False


class ProgrammeWithdrawn(_Event):
    type: Literal["programme_withdrawn"] = "programme_withdrawn"
    reason: str


class ProgrammeCompleted(_Event):
    type: Literal["programme_completed"] = "programme_completed"
    follow_up_due: Duration | None = None


class ProgrammeLapsed(_Event):
    type: Literal["programme_lapsed"] = "programme_lapsed"
    max_duration: Duration
    stage: str | None


class Nominated(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    id: str


class RatersNominated(_Event):
    """Raters nominated for a feedback stage (None: the follow-up), added to any before."""

    type: Literal["raters_nominated"] = "raters_nominated"
    stage: str | None
    raters: tuple[Nominated, ...]


class PersonReassigned(_Event):
    """A held role passed to another person: reminders and escalations go to them now."""

    type: Literal["person_reassigned"] = "person_reassigned"
    role: Role
    before: str | None
    to: str


class FollowUpClosed(_Event):
    """The follow-up evaluation is recorded: nothing more will happen."""

    type: Literal["follow_up_closed"] = "follow_up_closed"
    kind: EvaluationKind


class TemplateMigrated(_Event):
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


Event = Annotated[
    ProgrammeLaunched
    | ProgrammeStarted
    | StageEntered
    | ObjectivesAgreed
    | FeedbackReceived
    | SessionHeld
    | SessionMissed
    | SessionCorrected
    | SessionsReplanned
    | SessionRescheduled
    | SessionCancelled
    | ObjectiveProgressed
    | ReminderDue
    | SessionReminderDue
    | InvitationDue
    | ReminderSkipped
    | EscalationDue
    | StageStalled
    | CollectionDue
    | EvaluationRecorded
    | DeliveryConfirmed
    | DeliveryFailed
    | StageCompleted
    | ProgrammePaused
    | ProgrammeResumed
    | ProgrammeWithdrawn
    | ProgrammeCompleted
    | ProgrammeLapsed
    | FollowUpClosed
    | RatersNominated
    | PersonReassigned
    | ObjectivesAmended
    | ExpectationsRecorded
    | ExpectationsRated
    | TemplateMigrated,
    Field(discriminator="type"),
]

Notice = ReminderDue | SessionReminderDue | EscalationDue | InvitationDue
"""Events that ask for a notification."""

EVENT_LIST: TypeAdapter[list[Event]] = TypeAdapter(list[Event])
"""Built once: validating and dumping lists of events (queries, histories, files)."""
