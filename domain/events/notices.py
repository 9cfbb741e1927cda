"""Events that ask for a notification to be delivered (reminders, session reminders,
calendar invitations, escalations), and a reminder skipped because its moment passed."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.durations import Duration
from domain.events.base import EventBase
from domain.template import Role


class NoticeEvent(EventBase):
    """An event that asks for a notification to be delivered."""

    delivery_id: str
    stage: str
    to: tuple[Role, ...]


class ReminderDue(NoticeEvent):
    type: Literal["reminder_due"] = "reminder_due"
    due: Duration
    before: Duration


class SessionReminderDue(NoticeEvent):
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


class InvitationDue(NoticeEvent):
    """Rules 6: the employee and the coach get the sessions as calendar invitations when
    they are planned or moved (``REQUEST``), or cancelled (``CANCEL``)."""

    type: Literal["invitation_due"] = "invitation_due"
    method: Literal["REQUEST", "CANCEL"]
    sessions: tuple[InvitedSession, ...] = Field(min_length=1)


class EscalationDue(NoticeEvent):
    type: Literal["escalation_due"] = "escalation_due"
    step: int
    due: Duration
    overdue_by: Duration


class ReminderSkipped(EventBase):
    """A reminder not sent because its moment passed long ago (rules 2): it was decided
    later than its own lead time after it fell due, typically after an outage."""

    type: Literal["reminder_skipped"] = "reminder_skipped"
    stage: str
    before: Duration
    number: int | None = None
    """The session a session reminder was for; None for a stage-deadline reminder."""
    reason: str
