"""The draft every handler writes to: events decided so far, stamped, and the state they
lead to; and the small checks every handler shares."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from domain import rules as r
from domain.errors import DomainError
from domain.events import Event
from domain.evolve import evolve
from domain.state import ProgrammeState, Status

E = TypeVar("E", bound=Event)
LATE = timedelta(seconds=5)
"""An event decided later than this after it happened says when it was recorded (a
timer's task, or a signal, takes well under this when a worker runs)."""


class Draft:
    """Events decided so far, and the state they lead to."""

    def __init__(self, state: ProgrammeState, now: datetime, key: str | None) -> None:
        self.state = state
        self.now = now
        """The time being caught up to: a fact's ``occurred_at``, then the decision's now."""
        self.decided_at = now
        """When this is decided: the worker's now."""
        self.key = key
        self.events: list[Event] = []
        self.due: timedelta | None = None
        """While catching up: the programme-clock time of the timer being fired."""

    @property
    def dated(self) -> bool:
        """Whether events say when they happened rather than when they were decided."""
        return self.state.rules >= r.OCCURRED_AT

    def clock(self) -> timedelta:
        """Programme-clock time of what is being decided: the timer's while catching up."""
        return self.state.clock.at(self.now) if self.due is None else self.due

    def emit(
        self,
        cls: type[E],
        clock: timedelta | None = None,
        at: datetime | None = None,
        **fields: Any,
    ) -> E:
        seq = self.state.seq + 1
        clock = self.clock() if clock is None else clock
        if not self.dated:
            at = self.now
        elif at is None:
            at = self.state.clock.wall(self.due) if self.due is not None else self.now
        recorded_at = self.decided_at if self.dated and self.decided_at - at > LATE else None
        event = cls(
            seq=seq,
            at=at,
            clock=clock,
            key=self.key,
            recorded_at=recorded_at,
            **fields,
        )
        self.events.append(event)
        self.state = evolve(self.state, event)
        return event

    def delivery_id(self) -> str:
        return f"{self.state.programme_id}:{self.state.seq + 1}"


def require_open(state: ProgrammeState, doing: str) -> None:
    """Neither ended nor completed."""
    if state.ended or state.status is Status.completed:
        raise DomainError(f"cannot {doing}: the programme is {state.status}")


def require_within(field: str, text: str | None, limit: int) -> None:
    """Rules 2: a text no longer than ``limit`` bytes of UTF-8."""
    if text is not None and r.utf8(text) > limit:
        raise DomainError(f"{field}: at most {limit} bytes of UTF-8, got {r.utf8(text)}")


def span(duration: timedelta) -> str:
    """A duration as a person reads it, to the minute."""
    minutes = int(duration.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m"]
    text = " ".join(p for p in parts if p and p != "0m")
    return text or "0m"
