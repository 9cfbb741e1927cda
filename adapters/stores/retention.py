"""The archive's retention: a period on the calendar (``PARCOURS_ARCHIVE_RETENTION``).

Unlike a template's durations (``domain.durations``), years and months are allowed: a
retention is a policy in calendar terms ("three years after closing"), not a clock.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from domain.durations import parse_duration

_RETENTION = re.compile(r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?P<rest>(?:\d+[WD])*)$")


def check_retention(text: str) -> str:
    """``text`` if it is an archive retention (``P3Y``, ``P18M``, ``P400D``, ``P2Y6M``),
    ValueError naming the rule otherwise. Years and months count on the calendar."""
    cutoff(text, datetime(2000, 1, 31, tzinfo=UTC))
    return text


def cutoff(retention: str, now: datetime) -> datetime:
    """The closing time before which an archived programme is past ``retention``."""
    found = _RETENTION.match(retention.strip().upper())
    if found is None:
        raise ValueError(
            f"{retention!r} is not an ISO 8601 period in years, months, weeks or days "
            "(like P3Y, P18M, P400D)"
        )
    years, months = int(found["years"] or 0), int(found["months"] or 0)
    rest = parse_duration("P" + found["rest"]) if found["rest"] else timedelta(0)
    if not (years or months or rest):
        raise ValueError(f"{retention!r}: a retention must be longer than nothing")
    total = now.year * 12 + (now.month - 1) - years * 12 - months
    year, month = divmod(total, 12)
    if year < 1:
        raise ValueError(f"{retention!r} is too long")
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day) - rest
