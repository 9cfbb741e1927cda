"""What goes in and out of a programme workflow, besides the domain's own commands."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.commands import Launch
from domain.evaluation import Evaluation
from domain.events import Event
from domain.state import Status
from domain.view import Rejection
from workflows.sealed import SEALED as SEALED

TASK_QUEUE = "parcours"
WORKFLOW_NAME = "Programme"
SEND_NOTIFICATION = "send_notification"
RECORD_EVALUATION = "record_evaluation"
ARCHIVE_PROGRAMME = "archive_programme"
"""The activities a programme asks for, by name: the workflow and the worker that hosts
them agree on these and on nothing else."""


class RunSettings(BaseModel):
    """How a programme workflow keeps itself healthy; carried across continue-as-new.

    Unknown fields are ignored: the input of a programme running for months must
    still deserialise after a setting is retired.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    history_limit: int = Field(default=2_000, ge=50)
    """Temporal events per run to stay within: a run starts to continue as new with a
    fifth of it to spare, for the handlers and deliveries it lets finish first."""


REVISION = 12
"""How a run started now behaves: 2 is the ``fewer-commands`` behaviour (see
``workflows.programme``); 3 adds that a programme it launches follows rules 2
(``domain.rules.OCCURRED_AT``: facts dated by ``occurred_at``, stale reminders skipped,
bounded answers); 4 launches under rules 3 (``domain.rules.PEOPLE``: nominated raters,
raters who are who their role says, reassignment) and takes the ``nominate_raters`` and
``reassign`` updates; 5 launches under rules 4 (``domain.rules.COLLECTION``: a feedback
stage collects until every nominee answered or its due date, answers kept for a later
stage); 6 launches under rules 5 (``domain.rules.EVIDENCE``: verdicts need evidence,
weigh what others saw, measure objectives from their starting point); 7 launches under
rules 6 (``domain.rules.CALENDAR``: sessions are appointments in the programme's time zone,
moved by pauses to after them, rescheduled or cancelled one at a time) and takes the
``reschedule_session`` and ``cancel_session`` updates; 9 (``RELIABLE_REVISION``) continues
as new without waiting for deliveries, which the next run takes over within the deadline
they began with; 10 archives a programme's events as it closes (``ARCHIVE_REVISION``) and
takes the ``migrate_template`` update; 11 launches under rules 7 (``domain.rules.FRAMEWORKS``:
evaluation reasons stored as codes, read in the reader's language); 12 launches under rules 8
(``domain.rules.FOLLOW_UP``: the follow-up nominates and reminds its raters itself). Whoever
starts a run
says so in its input, so the run need not record a patch marker to know it."""
FEWER_COMMANDS_REVISION = 2
"""The first revision that keeps the deadline timer and upserts changed search
attributes only (``workflows.programme.FEWER_COMMANDS``)."""
RULES_REVISION = 3
"""The first revision whose launch takes rules 2 (``domain.rules.OCCURRED_AT``); before
it, rules 1."""
PEOPLE_REVISION = 4
"""The first revision whose launch takes rules 3 (``domain.rules.PEOPLE``)."""
COLLECTION_REVISION = 5
"""The first revision whose launch takes rules 4 (``domain.rules.COLLECTION``)."""
EVIDENCE_REVISION = 6
"""The first revision whose launch takes rules 5 (``domain.rules.EVIDENCE``)."""
CALENDAR_REVISION = 7
"""The first revision whose launch takes rules 6 (``domain.rules.CALENDAR``)."""
RELIABLE_REVISION = 9
"""The first revision whose runs continue as new with deliveries still pending: the next
run schedules them again, within what is left of their deadline
(``ProgrammeInput.deadlines``), so a channel that keeps failing cannot hold a run open
past its history limit."""
ARCHIVE_REVISION = 10
"""The first revision that asks for ``archive_programme`` as the programme closes; runs
of earlier revisions ask ``workflow.patched`` (``workflows.archive.ARCHIVE``)."""
FRAMEWORKS_REVISION = 11
"""The first revision whose launch takes rules 7 (``domain.rules.FRAMEWORKS``)."""
FOLLOW_UP_REVISION = 12
"""The first revision whose launch takes rules 8 (``domain.rules.FOLLOW_UP``)."""
KEPT_REJECTIONS = 20
"""Refused signals a programme keeps (and carries into continue-as-new), newest last."""
INPUT_BUDGET = 512 * 1024
"""Most bytes of JSON a run may carry into continue-as-new (``ProgrammeInput``), far
below Temporal's 2 MB payload limit; ``tests/unit/test_budget.py`` proves that no
sequence of accepted commands on a shipped template exceeds it."""


class ProgrammeInput(BaseModel):
    """A fresh launch, or the events of a programme continuing as new.

    A run carries the programme's whole log, not a snapshot and the events since: a
    closed run is deleted after Temporal's retention, so the current run must hold the
    whole timeline for ``history`` to show it. The domain's bounds (``domain.rules``)
    keep the whole log within ``INPUT_BUDGET``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    launch: Launch | None = None
    events: list[Event] = []
    settings: RunSettings = RunSettings()
    revision: int | None = Field(default=None, ge=1)
    """The behaviour the run takes (``REVISION`` for runs started now). None: an input
    written before runs carried it, or by a starter that does not say; the run then
    asks ``workflow.patched``, as runs did before."""
    rejections: list[Rejection] = Field(default=[], max_length=KEPT_REJECTIONS)
    """Signals the programme refused lately, so a receipt still finds them after
    continue-as-new."""
    deadlines: dict[str, datetime] = {}
    """When each delivery still pending gives up (``RELIABLE_REVISION``): set by the run
    that first scheduled it, so continuing as new never restarts its day (or three). One
    entry per pending delivery: bounded as they are, by the domain."""


class ProgrammeOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    programme_id: str
    status: Status
    events: int
    evaluations: tuple[Evaluation, ...]
    ended_at: datetime | None


class ClosedProgramme(BaseModel):
    """What a closing programme hands ``archive_programme``: its ids, how it ended, and
    its whole log (within ``INPUT_BUDGET``, as the input it would carry)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    programme_id: str
    employee_id: str
    template_id: str
    cohort_id: str | None = None
    status: Status
    stage: str | None = None
    closed_at: datetime
    events: list[Event]


class EventPage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    events: list[Event]
    last_seq: int


class Receipt(BaseModel):
    """What became of a message carrying an idempotency key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    outcome: Literal["applied", "rejected", "unknown"]
    reason: str | None = None
