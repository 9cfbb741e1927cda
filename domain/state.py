"""The state of a programme: nothing but the fold of its events."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.commands import Employee, SessionStatus
from domain.evaluation import Evaluation
from domain.events import Nominated, Objective, SessionSlot
from domain.expectations import Expectations
from domain.framework import DimensionKey
from domain.holders import Holders
from domain.objectives import RetiredObjective
from domain.template import EvaluationKind, Role, Stage, Template


class Status(StrEnum):
    scheduled = "scheduled"
    """Launched with a start date still to come."""
    running = "running"
    paused = "paused"
    completed = "completed"
    withdrawn = "withdrawn"
    lapsed = "lapsed"


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clock(_State):
    """The programme clock: time since start, paused time not counted."""

    starts_at: datetime
    paused_total: timedelta = timedelta(0)
    paused_since: datetime | None = None

    def at(self, now: datetime) -> timedelta:
        """Programme-clock time at wall time ``now``."""
        stopped = self.paused_since if self.paused_since is not None else now
        return max(timedelta(0), stopped - self.starts_at - self.paused_total)

    def wall(self, clock: timedelta) -> datetime:
        """Wall time at which the running clock reads ``clock``."""
        return self.starts_at + self.paused_total + clock


class FeedbackEntry(_State):
    seq: int
    stage: str | None
    role: Role
    rater_id: str
    scores: dict[DimensionKey, int]
    revision: int = 0


class StageProgress(_State):
    key: str
    index: int
    entered: timedelta
    due: timedelta | None
    sessions: tuple[SessionSlot, ...] = ()
    recorded: dict[int, SessionStatus] = {}
    dated: dict[int, datetime] = {}
    """Wall time of each recorded session's slot when it was recorded: a later pause
    moves the sessions still planned, not those that already took place."""
    corrections: dict[int, int] = {}
    uncounted: frozenset[int] = frozenset()
    """Sessions closed unrecorded but not needed (the quota was held): not missed."""
    cancelled: frozenset[int] = frozenset()
    """Rules 6: sessions cancelled by agreement: neither held nor missed, never recorded."""
    reminders_sent: frozenset[int] = frozenset()
    session_reminders_sent: frozenset[tuple[int, int]] = frozenset()
    escalations_sent: int = 0
    stalled: bool = False
    collection_due: bool = False
    """Rules 4: the due date came (``CollectionDue``): the feedback gate asks for the
    quorum only, no longer for every nominee."""

    @property
    def held(self) -> int:
        return sum(1 for s in self.recorded.values() if s is SessionStatus.held)

    @property
    def unrecorded(self) -> tuple[SessionSlot, ...]:
        return tuple(
            s
            for s in self.sessions
            if s.number not in self.recorded and s.number not in self.cancelled
        )


class ProgrammeState(_State):
    programme_id: str
    employee: Employee
    template: Template
    holders: Holders
    """Who holds the coach's, manager's, sponsor's and HR's roles now."""
    cohort_id: str | None
    status: Status
    nominations: dict[str, tuple[Nominated, ...]] = {}
    reassignments: int = 0
    """Raters nominated per feedback stage key ('' for the follow-up), rules 3."""
    clock: Clock
    seq: int
    rules: int = 1
    last_at: datetime
    """Wall time of the last event: what the programme has moved past. A fact said to
    have happened earlier is applied at this time (rules 2)."""
    stage_progress: StageProgress | None = None
    stages_done: int = 0
    objectives: tuple[Objective, ...] = ()
    progress: dict[str, int] = {}
    feedback: tuple[FeedbackEntry, ...] = ()
    held: int = 0
    missed: int = 0
    evaluations: tuple[Evaluation, ...] = ()
    last_evaluation_seq: int = 0
    pending_deliveries: tuple[str, ...] = ()
    applied_keys: frozenset[str] = frozenset()
    pause_reason: str | None = None
    pause_until: datetime | None = None
    pauses: int = 0
    progress_records: dict[str, int] = {}
    """How often each objective's progress was recorded (rules 2 bounds it)."""
    follow_up_due: timedelta | None = None
    follow_up_reminders: frozenset[int] = frozenset()
    """Rules 8: the follow-up's reminders sent or skipped, by their index in
    ``domain.follow_up.reminders``."""
    followed_up: frozenset[str] = frozenset()
    """Rules 8: objectives with a check-in since the programme completed."""
    ended_at: datetime | None = None
    retired: tuple[RetiredObjective, ...] = ()
    """Objectives amendments removed, with their progress then (``domain.objectives``)."""
    amendments: int = 0
    expectations: Expectations | None = None
    """The client's expectations, once recorded (``domain.expectations``)."""
    expectations_revisions: int = 0
    """How often the expectations were replaced after the first time."""
    expectations_ratings: int = 0
    """How often they were rated."""
    starts: dict[str, int] = {}
    """Rules 5: each objective's starting point (``domain.attainment``)."""
    measured: frozenset[str] = frozenset()
    """Rules 5: objectives with a check-in after their starting point."""
    amended_in: frozenset[str] = frozenset()
    """Rules 5: objectives an amendment added (their first check-in is their start)."""

    @property
    def coaching_started(self) -> bool:
        """Whether a stage with a session calendar was entered: check-ins from then on
        measure the objectives rather than set their starting points."""
        reached = self.stage_progress.index if self.stage_progress else self.stages_done - 1
        if self.status is Status.completed:
            reached = len(self.template.stages) - 1
        return any(s.sessions is not None for s in self.template.stages[: reached + 1])

    first_session: datetime | None = None
    """Rules 6: the first session's time, chosen at launch."""
    session_changes: int = 0
    """Rules 6: sessions rescheduled or cancelled so far (``MAX_SESSION_CHANGES``)."""
    invitations: dict[int, int] = {}
    """Rules 6: the SEQUENCE of the last invitation sent for each session."""

    def holder(self, role: Role) -> str | None:
        """Who holds ``role`` now: the employee, or the coach, manager, sponsor or HR."""
        return self.employee.id if role is Role.employee else self.holders.of(role)

    def session_date(self, slot: SessionSlot) -> datetime:
        """When the current stage's session ``slot`` is: the date it kept (recorded, or
        past when a pause began), else its slot on the clock as it runs now."""
        progress = self.stage_progress
        if progress is not None and slot.number in progress.dated:
            return progress.dated[slot.number]
        return self.clock.wall(slot.clock)

    @property
    def current_stage(self) -> Stage | None:
        return (
            self.template.stages[self.stage_progress.index]
            if self.stage_progress is not None
            else None
        )

    @property
    def ended(self) -> bool:
        """No more commands change it but deliveries still due."""
        return self.status in (Status.withdrawn, Status.lapsed) or (
            self.status is Status.completed and self.follow_up_due is None
        )

    @property
    def finished(self) -> bool:
        """Ended, and every notification and report it asked for is accounted for."""
        return self.ended and not self.pending_deliveries

    def baseline(self) -> Evaluation | None:
        return next((e for e in self.evaluations if e.kind is EvaluationKind.baseline), None)
