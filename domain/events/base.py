"""What every event has: its sequence number, the wall time it happened (``at``), the
programme-clock time (``clock``), and the key of the command that caused it."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.durations import Duration


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=1)
    at: AwareDatetime
    clock: Duration
    key: str | None = None
    """Idempotency key of the command that caused this event, if it had one."""
    recorded_at: AwareDatetime | None = None
    """Rules 2: the wall time the programme learnt of it, when later than ``at`` (a fact
    applied after an outage, a timer fired late). None: learnt when it happened."""
