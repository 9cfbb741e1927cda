"""Sessions as appointments: wall times in the programme's time zone (rules 6).

A session calendar with ``at`` (``domain.session_plan.SessionPlan``) puts its sessions at a
wall time people agreed, in the programme's time zone: Tuesdays at 09:00 stay at 09:00
when the clocks change. The arithmetic is on local dates and times, then turned into
instants with the zone's rules (``zoneinfo``: data, no I/O beyond the zone database).

The programme clock still drives everything that falls due (``domain.schedule``): a slot
is kept as the programme-clock time at which the clock reads its wall time, and is
planned again whenever a pause would move it off its wall time (``moved``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.session_plan import SessionPlan


def zone(name: str | None) -> tzinfo:
    """The IANA zone ``name``; UTC for none or one this machine does not know (the
    gateway refuses unknown zones at launch). ``ZoneInfo`` keeps each zone it read."""
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _local(day: datetime, at: str, where: tzinfo) -> datetime:
    """The instant of wall time ``at`` on ``day``'s local date, in ``where``."""
    hour, minute = (int(part) for part in at.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=where)
    # a wall time that does not exist (the hour skipped in spring) reads as the same
    # offset as before the change, as calendar applications do; round-trip through UTC
    return local.astimezone(UTC).astimezone(where)


def later(at: datetime, days: int, where: tzinfo) -> datetime:
    """``at`` plus ``days`` calendar days at the same wall time in ``where``."""
    local = at.astimezone(where)
    moved = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=where)
    return moved.astimezone(UTC).astimezone(where)


def first_slot(plan: SessionPlan, opens: datetime, where: tzinfo) -> datetime:
    """The first ``weekday`` (any day without one) at ``at`` strictly after ``opens``."""
    assert plan.at is not None
    local = opens.astimezone(where)
    for ahead in range(8):
        day = local + timedelta(days=ahead)
        if plan.weekday is not None and day.weekday() != plan.weekday.number:
            continue
        candidate = _local(day, plan.at, where)
        if candidate > opens:
            return candidate
    raise AssertionError("a week always holds the weekday")  # pragma: no cover


def slots(
    plan: SessionPlan, opens: datetime, where: tzinfo, first: datetime | None = None
) -> list[datetime]:
    """The wall times of a stage's sessions when it opens at ``opens``: from ``first``
    when the platform chose it (and it is after the opening), else ``first_slot``; then
    every ``every`` at the same wall time."""
    start = first if first is not None and first > opens else first_slot(plan, opens, where)
    days = plan.every.days
    return [later(start, n * days, where) for n in range(plan.count)]


def steps_past(plan: SessionPlan, first: datetime, resumed: datetime, where: tzinfo) -> int:
    """How many ``step``s (weeks with a weekday, days with ``at`` only) move the session
    at ``first``, the earliest still ahead when a pause began, to after ``resumed``:
    the sessions ahead move by as many, so they keep their spacing, weekday and wall time."""
    days = plan.step.days or 1
    steps = 0
    while later(first, steps * days, where) <= resumed:
        steps += 1
    return steps


def reads(at: datetime, where: tzinfo) -> str:
    """``at`` as people read it in the programme's time zone, to the minute:
    ``2027-01-12 09:00 Europe/Paris`` (error messages: the domain writes no language)."""
    name = "UTC" if where is UTC else str(where)
    return f"{at.astimezone(where):%Y-%m-%d %H:%M} {name}"
