"""Sessions reach people's calendars as invitations (rules 6): the employee and the coach
get an email with a text/calendar part, METHOD:REQUEST when sessions are planned or
moved, METHOD:CANCEL when one is cancelled, through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from domain.commands import CancelSession, Employee, Launch, RescheduleSession
from domain.decider import decide_and_evolve
from domain.events import Event, InvitationDue
from domain.notices import NoticeKind, Notification
from domain.people import Contact
from domain.rules import CALENDAR
from domain.state import ProgrammeState
from domain.template import Role
from domain.template_parsing import parse_template
from tests.integration.production import Inbox, smtp_server
from tests.integration.test_smtp_notifier import mailer, smtp

PARIS = ZoneInfo("Europe/Paris")
LAUNCH = datetime(2027, 3, 7, 19, 21, tzinfo=UTC)
ADA = Employee(
    id="emp-1", name="Ada Lovelace", email="ada@example.com", locale="fr", time_zone="Europe/Paris"
)
COACH = Contact(id="coach-7", name="Grace Hopper", email="grace@example.com")
TEMPLATE = parse_template(
    """
id: weekly
version: 1
title: Coaching hebdomadaire
dimensions: [motivation]
max_duration: P200D
stages:
  - key: coaching
    title: Séances
    sessions: {count: 3, every: P7D, weekday: tuesday, at: "09:00", duration: PT1H}
    gate: {sessions_held: 1}
"""
)


def launched() -> tuple[ProgrammeState, list[Event]]:
    launch = Launch(
        programme_id="weekly.emp-1",
        employee=ADA,
        template=TEMPLATE,
        coach_id=COACH.id,
        rules=CALENDAR,
    )
    log, state = decide_and_evolve(None, launch, LAUNCH)
    return state, log


def notification(state: ProgrammeState, event: InvitationDue) -> Notification:
    """What the workflow asks the notifier to send, the coach's contact found in the
    people directory (as the ``send_notification`` activity does)."""
    return Notification(
        delivery_id=event.delivery_id,
        kind=NoticeKind.invitation,
        programme_id=state.programme_id,
        template_title=state.template.title_in(state.employee.locale),
        employee=state.employee,
        to=event.to,
        recipients={Role.employee: ADA.email, Role.coach: COACH.id},
        contacts={Role.coach: (COACH,)},
        stage=event.stage,
        stage_title="Séances",
        method=event.method,
        sessions=event.sessions,
        created_at=event.at,
    )


def invitation_of(message: EmailMessage) -> icalendar.Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == str(
        icalendar.Calendar.from_ical(part.get_content())["METHOD"]
    )
    return icalendar.Calendar.from_ical(part.get_content())


async def test_an_invitation_and_its_update_reach_both_calendars(tmp_path: Path) -> None:
    state, log = launched()
    [planned] = [e for e in log if isinstance(e, InvitationDue)]
    assert planned.method == "REQUEST"
    assert [s.sequence for s in planned.sessions] == [0, 0, 0]
    to = datetime(2027, 3, 18, 14, 30, tzinfo=PARIS)
    moved, state = decide_and_evolve(
        state,
        RescheduleSession(number=2, to=to, reason="a board meeting"),
        LAUNCH + timedelta(days=1),
    )
    [update] = [e for e in moved if isinstance(e, InvitationDue)]
    cancelled, state = decide_and_evolve(
        state, CancelSession(number=3, reason="agreed"), LAUNCH + timedelta(days=2)
    )
    [cancel] = [e for e in cancelled if isinstance(e, InvitationDue)]

    inbox = Inbox()
    with smtp_server(inbox) as port:
        notifier = mailer(tmp_path, smtp(port))
        for event in (planned, update, cancel):
            await notifier.send(notification(state, event))
        again = await notifier.send(notification(state, update))  # a retried activity
    assert again.startswith("already sent: ")
    assert len(inbox.messages) == 3, "the sent-ledger keeps a retry from sending twice"

    (envelope, first), (_, second), (_, third) = inbox.messages
    assert sorted(envelope.rcpt_tos) == sorted([ADA.email, COACH.email])
    assert "séance 1" in first["Subject"]

    request = invitation_of(first)
    assert str(request["METHOD"]) == "REQUEST"
    events = list(request.walk("VEVENT"))
    assert [int(e["SEQUENCE"]) for e in events] == [0, 0, 0]
    starts = [e.decoded("DTSTART") for e in events]
    assert all(str(s.tzinfo) == "Europe/Paris" and (s.hour, s.minute) == (9, 0) for s in starts)
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(hours=1) for e in events)
    attendees = {str(a) for a in events[0].get("ATTENDEE")}
    assert attendees == {f"mailto:{ADA.email}", f"mailto:{COACH.email}"}
    assert [t["TZID"] for t in request.walk("VTIMEZONE")] == ["Europe/Paris"]

    updated = invitation_of(second)
    assert str(updated["METHOD"]) == "REQUEST"
    [event] = updated.walk("VEVENT")
    assert str(event["UID"]) == str(events[1]["UID"]), "the same event, updated"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == to

    withdrawn = invitation_of(third)
    assert str(withdrawn["METHOD"]) == "CANCEL"
    [event] = withdrawn.walk("VEVENT")
    assert str(event["UID"]) == str(events[2]["UID"])
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"
