"""Events of a stage's sessions: planned slots, held, missed, corrected, moved by a pause
(rules 6), rescheduled or cancelled one at a time."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.durations import Duration
from domain.events.base import EventBase


class SessionSlot(BaseModel):
    """One session of the pre-set calendar, at a programme-clock time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    clock: Duration


class SessionHeld(EventBase):
    type: Literal["session_held"] = "session_held"
    stage: str
    number: int
    notes: str | None = None


class SessionMissed(EventBase):
    type: Literal["session_missed"] = "session_missed"
    stage: str
    number: int
    notes: str | None = None
    unrecorded: bool = False
    """True when nobody recorded the session by the stage deadline."""


class SessionCorrected(EventBase):
    """A session recorded wrongly is recorded again (rules 2)."""

    type: Literal["session_corrected"] = "session_corrected"
    stage: str
    number: int
    status: Literal["held", "missed"]
    was: Literal["held", "missed"]
    notes: str | None = None


class SessionsReplanned(EventBase):
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


class SessionRescheduled(EventBase):
    """Rules 6: one session moved by agreement."""

    type: Literal["session_rescheduled"] = "session_rescheduled"
    stage: str
    number: int
    session_clock: Duration
    """Its new slot, on the programme clock."""
    reason: str
    due: Duration | None
    """The stage's deadline now: one period after its last session at least."""


class SessionCancelled(EventBase):
    """Rules 6: one session cancelled by agreement: not a miss, not counted."""

    type: Literal["session_cancelled"] = "session_cancelled"
    stage: str
    number: int
    reason: str
