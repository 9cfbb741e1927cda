"""A programme's calendar as iCalendar (RFC 5545), written with ``icalendar``.

One VEVENT per entry of ``domain.calendar``: UIDs stable for life, SEQUENCE the
entry's changes, times in the programme's zone (``DTSTART;TZID=...`` with its
VTIMEZONE), a session from its start to its end, a deadline or an evaluation a moment
(DTSTART alone, which RFC 5545 reads as ending when it starts, and TRANSPARENT: it takes
no time in anyone's day). Summaries and descriptions in the programme's language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

import icalendar

from adapters.language.catalogue import CATALOGUES, text
from adapters.language.zones import language, zone_of
from domain.calendar import Entry, Kind

PRODID = "-//parcours//programme calendar//EN"
Method = Literal["PUBLISH", "REQUEST", "CANCEL"]


def uid(entry: Entry) -> str:
    return f"{entry.uid}@parcours"


def summary(entry: Entry, lang: str, programme: str, stages: dict[str, str]) -> str:
    if entry.kind is Kind.session:
        return text(lang, "calendar.session", programme=programme, number=entry.number)
    if entry.kind is Kind.deadline:
        stage = stages.get(entry.stage or "", entry.stage)
        return text(lang, "calendar.deadline", programme=programme, stage=stage)
    kind = text(lang, f"kind.{entry.what}")
    return text(lang, "calendar.evaluation", programme=programme, kind=kind)


def status_text(entry: Entry, lang: str) -> str:
    """An entry's status in words: never a raw code."""
    key = f"calendar.status.{entry.status}"
    catalogue = CATALOGUES[language(lang)]
    if key in catalogue:
        return catalogue[key]
    verdict = catalogue.get(f"verdict.{entry.status}", entry.status.replace("_", " "))
    return text(lang, "calendar.verdict", verdict=verdict)


def description(entry: Entry, lang: str, stages: dict[str, str]) -> str:
    status = status_text(entry, lang)
    status = status[:1].upper() + status[1:]
    if entry.stage is None:
        return text(lang, "calendar.description.none", status=status)
    return text(
        lang, "calendar.description", stage=stages.get(entry.stage, entry.stage), status=status
    )


def vevent(
    entry: Entry,
    *,
    lang: str,
    zone: str,
    programme: str,
    stages: dict[str, str],
    stamp: datetime,
) -> icalendar.Event:
    where = zone_of(zone)
    event = icalendar.Event()
    event.add("uid", uid(entry))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", entry.at.astimezone(where))
    if entry.end is not None and entry.end > entry.at:
        event.add("dtend", entry.end.astimezone(where))
    else:
        event.add("transp", "TRANSPARENT")
    event.add("sequence", entry.sequence)
    event.add("summary", summary(entry, lang, programme, stages))
    event.add("description", description(entry, lang, stages))
    event.add("categories", [entry.kind.value])
    if entry.status == "cancelled":
        event.add("status", "CANCELLED")
    elif entry.status == "tentative":
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar(
    entries: list[Entry],
    *,
    name: str,
    programme: str,
    lang: str,
    zone: str,
    now: datetime,
    stages: dict[str, str] | None = None,
    method: Method = "PUBLISH",
    extra: list[tuple[str, object]] | None = None,
) -> bytes:
    """``entries`` as one iCalendar document; ``method`` REQUEST or CANCEL for an
    invitation (``extra``: properties to add to each VEVENT, the organizer and
    attendees)."""
    document = icalendar.Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", method)
    document.add("x-wr-calname", text(lang, "calendar.name", programme=programme, name=name))
    document.add("x-wr-timezone", zone)
    for entry in entries:
        event = vevent(
            entry, lang=lang, zone=zone, programme=programme, stages=stages or {}, stamp=now
        )
        for key, value in extra or []:
            event.add(key, value)
        if method == "CANCEL":
            event["status"] = icalendar.vText("CANCELLED")
        document.add_component(event)
    if entries and zone_of(zone) is not UTC:
        first = min(e.at for e in entries).date() - timedelta(days=366)
        last = max(e.at for e in entries).date() + timedelta(days=366)
        document.add_missing_timezones(first_date=max(first, date(1970, 1, 1)), last_date=last)
    written: bytes = document.to_ical()
    return written
