"""Languages and IANA time zones: which parcours writes, and which this machine knows."""

from __future__ import annotations

from datetime import UTC, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("en", "fr", "de")
"""The languages parcours writes; any other reads English."""


def language(locale: str | None) -> str:
    """The language parcours writes for ``locale``: ``fr-CA`` reads French, ``de-AT``
    German, ``it`` English."""
    lang = (locale or "en").split("-")[0].split("_")[0].lower()
    return lang if lang in LANGUAGES else "en"


@cache
def zone_of(name: str | None) -> tzinfo:
    """The IANA zone ``name``; UTC for an unknown one (the gateway refuses those at launch,
    this keeps a report readable wherever the zone database is older)."""
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows."""
    if name == "UTC":
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
