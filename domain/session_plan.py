"""A stage's pre-set calendar of sessions (``SessionPlan``): how many, how often, when
reminded, and under rules 6 (``domain.rules.CALENDAR``) on which weekday and at what wall
time in the programme's time zone."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.durations import PositiveDuration, distinct_offsets


class Weekday(StrEnum):
    """A day of the week, as a template names the day its sessions fall on."""

    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"

    @property
    def number(self) -> int:
        """Monday 0 .. Sunday 6, as ``date.weekday()``."""
        return list(Weekday).index(self)


DAY = timedelta(days=1)
WEEK = timedelta(days=7)
MAX_SESSION_LENGTH = timedelta(hours=8)
"""The longest a session may last: a coaching session is 45 to 90 minutes, a workshop a day."""
DEFAULT_SESSION_LENGTH = timedelta(hours=1)
"""How long a session lasts when its calendar does not say (``duration``)."""


class SessionPlan(BaseModel):
    """A pre-set calendar.

    Without ``at``, session ``n`` falls ``n * every`` after the stage starts, on the
    programme clock. With ``at`` (rules 6, ``domain.rules.CALENDAR``) the sessions are
    appointments in the programme's time zone: the first on the next ``weekday`` (any day
    without one) at ``at`` after the stage opens, the others ``every`` later at the same
    wall time, whatever the clock changes (``domain.appointments``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(ge=1, le=200)
    every: PositiveDuration
    remind_before: tuple[PositiveDuration, ...] = ()
    record_from: PositiveDuration | None = None
    """How long before its slot a session may be recorded; None: ``RECORD_SESSION_FROM``."""
    weekday: Weekday | None = None
    """The day of the week sessions fall on (needs ``at``, and ``every`` in whole weeks)."""
    at: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None
    """The wall time sessions start, ``"HH:MM"`` (quoted in YAML), in the programme's
    time zone; needs ``every`` in whole days."""
    duration: PositiveDuration | None = None
    """How long a session lasts (at most ``MAX_SESSION_LENGTH``); None: an hour."""

    @model_validator(mode="after")
    def _reminders_within_period(self) -> Self:
        distinct_offsets(self.remind_before, "remind_before")
        for offset in self.remind_before:
            if offset >= self.every:
                raise ValueError("each remind_before must be shorter than every")
        if self.weekday is not None and self.at is None:
            raise ValueError('weekday needs at, the time sessions start ("09:00")')
        if self.weekday is not None and self.every % WEEK:
            raise ValueError("every must be whole weeks (P7D, P14D) with a weekday")
        if self.at is not None and self.every % DAY:
            raise ValueError("every must be whole days (P1D, P14D) with at")
        if self.duration is not None and self.duration > MAX_SESSION_LENGTH:
            raise ValueError("duration must be at most PT8H")
        if self.duration is not None and self.duration > self.every:
            raise ValueError("duration must be shorter than every")
        return self

    @property
    def length(self) -> timedelta:
        """How long a session lasts."""
        return self.duration if self.duration is not None else DEFAULT_SESSION_LENGTH

    @property
    def step(self) -> timedelta:
        """The unit its appointments move by when a pause moves them: a week with a
        weekday, a day with ``at`` only, none on the programme clock."""
        if self.weekday is not None:
            return WEEK
        return DAY if self.at is not None else timedelta(0)
