"""What the programme asks the world to do: notify people, file evaluation reports.

These are the inputs of the activities; they carry everything the activity
needs, so an activity never reads programme state.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.commands import Employee
from domain.evaluation import Evaluation
from domain.events import InvitedSession
from domain.framework import Texts
from domain.people import Contact
from domain.template import Role


class NoticeKind(StrEnum):
    reminder = "reminder"
    session_reminder = "session_reminder"
    escalation = "escalation"
    evaluation_ready = "evaluation_ready"
    invitation = "invitation"
    """Rules 6: sessions as calendar invitations (``method`` REQUEST or CANCEL)."""


class Notification(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    delivery_id: str
    """Unique per notification; a notifier never sends the same id twice."""
    kind: NoticeKind
    programme_id: str
    template_title: str
    employee: Employee
    to: tuple[Role, ...]
    recipients: dict[Role, str | None]
    """Who plays each role in ``to``: the employee's email, or the person's id (the
    ``send_notification`` activity finds their contact in the people directory)."""
    raters: dict[Role, tuple[str, ...]] = {}
    """For a reminder to peers or direct reports: the ids of those nominated for the
    stage who have not answered yet. For addressing only: the platform reads ``waiting``
    (``domain.published.notification``)."""
    waiting: tuple[Role, ...] = ()
    """As the platform reads it: the roles whose raters are still waited on, never who."""
    contacts: dict[Role, tuple[Contact, ...]] = Field(default={}, exclude=True)
    """The recipients' contacts, looked up in the people directory by the
    ``send_notification`` activity as it sends. Never serialised: the outbox, the webhook
    and Temporal carry ids; only the email channel reads these, in memory."""
    stage: str | None
    stage_title: str | None
    titles: Texts = ()
    """The template's title in each of its languages (none in notifications made before
    templates had languages: ``template_title`` is read)."""
    stage_titles: Texts = ()
    """The stage's title in each of the template's languages (none: ``stage_title``)."""
    due_at: datetime | None = None
    session_number: int | None = None
    session_at: datetime | None = None
    escalation_step: int | None = None
    method: Literal["REQUEST", "CANCEL"] | None = None
    """An invitation's: the sessions planned or moved, or cancelled."""
    sessions: tuple[InvitedSession, ...] = ()
    """An invitation's sessions, with their SEQUENCE."""
    created_at: datetime


class EvaluationReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    delivery_id: str
    programme_id: str
    template_title: str
    employee: Employee
    evaluation: Evaluation
    recorded_at: datetime
    titles: Texts = ()
    """The template's title in each of its languages (see ``Notification.titles``)."""
    stage_titles: Texts = ()
    """The evaluated stage's title in each of the template's languages."""
