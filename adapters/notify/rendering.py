"""What a notification says to a person: a subject and a plain-text body, per kind.

The templates are data (one subject and one body per ``NoticeKind``) filled from
the notification: the programme, the stage, the deadline or the session time,
and a link to the programme in the API (``{public_url}/v1/programmes/{id}``).
Rendering is deterministic for a given notification, so a retried delivery
says exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from domain.notices import NoticeKind, Notification

_NONE = "not set"

TEMPLATES: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.reminder: (
        "Reminder: {stage} is due {deadline}",
        "Hello {name},\n\n"
        'In your programme "{programme}", the stage "{stage}" is due on {deadline}.\n'
        "Please complete what it asks before then.\n",
    ),
    NoticeKind.escalation: (
        "Overdue: {stage} for {name} ({programme})",
        'In the programme "{programme}" of {name}, the stage "{stage}" was due on '
        "{deadline} and is still open.\n"
        "This is escalation step {step}, addressed to: {roles}.\n",
    ),
    NoticeKind.session_reminder: (
        "Session {session} of {programme}: {session_at}",
        "Hello {name},\n\n"
        'Session {session} of your programme "{programme}" (stage "{stage}") '
        "is planned for {session_at}.\n",
    ),
    NoticeKind.evaluation_ready: (
        "Evaluation ready: {programme}, {stage}",
        "Hello {name},\n\n"
        'An evaluation of the programme "{programme}" has been recorded at the stage "{stage}".\n',
    ),
}
"""Per kind: the subject and the body, as ``str.format`` templates."""

_FOOTER = (
    "\nWhere it stands: {link}\n\n-- parcours (programme {programme_id}, delivery {delivery_id})\n"
)


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    link: str


def programme_link(public_url: str, programme_id: str) -> str:
    """The programme's page in the HTTP API."""
    return f"{public_url.rstrip('/')}/v1/programmes/{quote(programme_id, safe='')}"


def render(notification: Notification, public_url: str) -> Message:
    """The message for ``notification``; every field the template names is filled."""
    link = programme_link(public_url, notification.programme_id)
    fields = {
        "name": notification.employee.name,
        "programme": notification.template_title,
        "programme_id": notification.programme_id,
        "stage": notification.stage_title or notification.stage or _NONE,
        "deadline": _when(notification.due_at),
        "session": notification.session_number if notification.session_number else _NONE,
        "session_at": _when(notification.session_at),
        "step": notification.escalation_step if notification.escalation_step else _NONE,
        "roles": ", ".join(role.value for role in notification.to) or _NONE,
        "delivery_id": notification.delivery_id,
        "link": link,
    }
    subject, body = TEMPLATES[notification.kind]
    return Message(
        # One line: a name or a title with a newline must not break the mail header.
        subject=" ".join(subject.format_map(fields).split()),
        text=body.format_map(fields) + _FOOTER.format_map(fields),
        link=link,
    )


def _when(value: datetime | None) -> str:
    if value is None:
        return _NONE
    utc = value.astimezone(UTC)
    return f"{utc:%A} {utc.day} {utc:%B %Y, %H:%M} UTC"
