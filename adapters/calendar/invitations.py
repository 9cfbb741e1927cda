"""A notification's sessions as an iCalendar invitation (RFC 5546: METHOD REQUEST or
CANCEL), for the email that carries it.

The UIDs are the calendar feed's (``domain.calendar``), so an invitation and its update
name the same event; SEQUENCE is the invitation's own (0, then one more per change), so
each update replaces the last in the attendee's calendar. The organizer is the sender
(parcours' address); the attendees are the people the email goes to, from the sealed
people directory, in memory only.
"""

from __future__ import annotations

from datetime import datetime

import icalendar

from adapters.calendar.ics import calendar
from domain.calendar import Entry, Kind
from domain.notices import Notification


def entries_of(notification: Notification) -> list[Entry]:
    status = "cancelled" if notification.method == "CANCEL" else "planned"
    pid = notification.programme_id
    return [
        Entry(
            f"{pid}:session:{s.number}",
            Kind.session,
            f"session {s.number}",
            s.at,
            status,
            notification.stage,
            s.end,
            s.number,
            sequence=s.sequence,
        )
        for s in notification.sessions
    ]


def invitation(
    notification: Notification,
    *,
    lang: str,
    organizer: str,
    attendees: list[tuple[str, str]],
) -> bytes:
    """The iCalendar document for ``notification`` (an invitation: ``sessions`` and
    ``method`` set), addressed to ``attendees`` (name, email)."""
    assert notification.method is not None
    people: list[tuple[str, object]] = [("organizer", _address(organizer, "parcours"))]
    for name, email in attendees:
        attendee = _address(email, name)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["RSVP"] = "FALSE"
        people.append(("attendee", attendee))
    return calendar(
        entries_of(notification),
        name=notification.programme_id,
        programme=notification.template_title,
        lang=lang,
        zone=notification.employee.time_zone,
        now=_stamp(notification),
        stages={notification.stage: notification.stage_title}
        if notification.stage and notification.stage_title
        else {},
        method=notification.method,
        extra=people,
    )


def _address(email: str, name: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = icalendar.vText(name)
    return address


def _stamp(notification: Notification) -> datetime:
    """DTSTAMP: when the programme decided it, so a retried delivery is the same."""
    return notification.created_at
