"""What a notification says to a person: a subject and a plain-text body, per kind.

The texts are the language catalogues' (``adapters.language``: ``notice.<kind>.subject``
and ``.body``, in French or English) filled from the notification: the programme, the
stage, the deadline or the session time (in the reader's time zone, written as their
language writes dates), and, when ``PARCOURS_PUBLIC_URL`` sets where, a link to the
programme's page on the platform people use (the template's ``{programme_id}`` filled in);
without it, no link. Rendering is deterministic for a given notification,
so a retried delivery says exactly the same thing.

Whose language: a notification addressed to one person of the people directory (an
escalation to the manager, a reminder to one rater) reads in that person's locale and
time zone; one for the employee, or for several people, reads in the programme's (the
locale and time zone it was launched with). One message per notification: the channels
deliver each delivery id once, so it is not split by language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from adapters.language.catalogue import text
from adapters.language.formats import Reader
from adapters.notify.choices import PROGRAMME_ID
from domain.framework import text_in
from domain.notices import Notification
from domain.template import Role


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    link: str | None
    lang: str = "en"


def programme_link(public_url: str | None, programme_id: str) -> str | None:
    """The programme's page: ``public_url`` (a template, checked by the settings) with
    the id URL-quoted in place of ``{programme_id}``; None without a template."""
    if public_url is None:
        return None
    return public_url.replace(PROGRAMME_ID, quote(programme_id, safe=""))


def reader_of(notification: Notification) -> Reader:
    """Who reads ``notification``: its one directory recipient, else the programme's reader."""
    people = {c.id: c for role in notification.to for c in notification.contacts.get(role, ())}
    if Role.employee not in notification.to and len(people) == 1:
        [contact] = people.values()
        return Reader.of(contact.locale, contact.time_zone)
    employee = notification.employee
    return Reader.of(employee.locale, employee.time_zone)


def render(
    notification: Notification, public_url: str | None, reader: Reader | None = None
) -> Message:
    """The message for ``notification``; every field the template names is filled."""
    reader = reader or reader_of(notification)
    lang = reader.lang
    none = text(lang, "notice.none")
    link = programme_link(public_url, notification.programme_id)

    def when(value: datetime | None) -> str:
        return none if value is None else reader.when(value)

    fields: dict[str, object] = {
        "name": notification.employee.name,
        "programme": text_in(notification.titles, lang) or notification.template_title,
        "programme_id": notification.programme_id,
        "stage": text_in(notification.stage_titles, lang)
        or notification.stage_title
        or notification.stage
        or text(lang, "notice.follow_up"),
        "deadline": when(notification.due_at),
        "session": notification.session_number if notification.session_number else none,
        "session_at": when(notification.session_at),
        "step": notification.escalation_step if notification.escalation_step else none,
        "roles": ", ".join(text(lang, f"role.{r.value}") for r in notification.to) or none,
        "delivery_id": notification.delivery_id,
    }
    kind = notification.kind.value
    if notification.sessions:  # an invitation: each session in the reader's time
        lines = [
            text(lang, "notice.invitation.session", number=s.number, when=reader.when(s.at))
            for s in notification.sessions
        ]
        fields["sessions"] = "\n".join(f"- {line}" for line in lines)
        fields["sessions_short"] = lines[0] if len(lines) == 1 else f"{lines[0]}, ..."
        if notification.method == "CANCEL":
            kind = "invitation_cancel"
    subject = text(lang, f"notice.{kind}.subject", **fields)
    body = text(lang, f"notice.{kind}.body", **fields)
    if link is not None:
        body += text(lang, "notice.link", link=link)
    body += text(lang, "notice.footer", **fields)
    # One line: a name or a title with a newline must not break the mail header.
    return Message(subject=" ".join(subject.split()), text=body, link=link, lang=lang)
