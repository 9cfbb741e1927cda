"""Email through an SMTP server (the standard library's ``smtplib``, in a thread).

Who gets the mail: the employee, when ``employee`` is among the notification's ``to``,
and every person the ``send_notification`` activity found with an email in the people
directory for the other roles (``Notification.contacts``: the coach, manager, sponsor or
HR who holds the role now, the nominated raters a reminder is for). A role whose person
has no email gets no mail: it is reached through the webhook and the outbox only, and
the detail says so. With nobody to email, nothing is sent ("skipped: ...").

A reminder to nominated raters (peers, direct reports) goes to each of them alone, in a
message of its own: it names only them, never who else is asked (``one_per_rater``).

Failures: a 5xx answer to the sender, a recipient or the message is final
(``ChannelRefused``, not retried), and so is a message that cannot be built (a line break
in a name: no retry would change it); anything else (no connection, a timeout, a
4xx, a failed login that ops can fix) is ``ChannelUnavailable`` and Temporal
retries it. The Message-ID is derived from the delivery id, so the copies a
retry could produce after a crash are recognisable as one message.
"""

from __future__ import annotations

import asyncio
import hashlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path

from activities.errors import ChannelRefused, ChannelUnavailable
from adapters.calendar.invitations import invitation
from adapters.notify.choices import SmtpSecurity
from adapters.notify.rendering import render
from domain.commands import NOMINATED_ROLES
from domain.notices import Notification
from domain.template import Role


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    """The From address, e.g. ``parcours <noreply@example.com>``."""
    security: SmtpSecurity = SmtpSecurity.starttls
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 20.0
    """Seconds for the connection and each command."""
    ca_file: Path | None = None
    """A CA bundle to verify the server with, instead of the system's."""


class SmtpNotifier:
    """Sends each notification for the employee as one plain-text email."""

    def __init__(self, config: SmtpConfig, public_url: str | None = None) -> None:
        self.config = config
        self.public_url = public_url

    @property
    def server(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    def skip_reason(self, notification: Notification) -> str | None:
        """Why this notification has nobody to email, or None if it has."""
        if self._addresses(notification):
            return None
        roles = ", ".join(role.value for role in notification.to)
        return f"no email address among the recipients ({roles}: none in the people directory)"

    def _addresses(self, notification: Notification) -> list[tuple[str, str]]:
        """(name, email) of everyone this notification mails, the employee first."""
        found: list[tuple[str, str]] = []
        if Role.employee in notification.to and self._address(notification):
            found.append((notification.employee.name, self._address(notification)))
        for role in notification.to:
            for contact in notification.contacts.get(role, ()):
                if contact.email and all(contact.email != e for _, e in found):
                    found.append((contact.name, contact.email))
        return found

    def message(self, notification: Notification, part: int = 0) -> EmailMessage:
        """The email for ``notification``; ``part`` numbers the messages one notification
        becomes (``one_per_rater``), each with its own Message-ID."""
        rendered = render(notification, self.public_url)
        msg = EmailMessage()
        msg["From"] = self.config.sender
        msg["To"] = ", ".join(formataddr(who) for who in self._addresses(notification))
        msg["Subject"] = rendered.subject
        msg["Date"] = formatdate(usegmt=True)
        which = notification.delivery_id + (f"#{part}" if part else "")
        msg["Message-ID"] = _message_id(which, self.config.sender)
        msg["X-Parcours-Delivery"] = notification.delivery_id
        msg["X-Parcours-Kind"] = notification.kind.value
        msg["X-Parcours-Programme"] = notification.programme_id
        msg.set_content(rendered.text)
        if notification.sessions and notification.method is not None:
            # Rules 6: the sessions as an invitation their calendars take and update
            _, sender = parseaddr(self.config.sender)
            document = invitation(
                notification,
                lang=rendered.lang,
                organizer=sender,
                attendees=self._addresses(notification),
            )
            msg.add_alternative(
                document.decode(),
                subtype="calendar",
                params={"method": notification.method},
            )
        return msg

    async def send(self, notification: Notification) -> str:
        reason = self.skip_reason(notification)
        if reason is not None:
            return f"smtp: skipped, {reason}"
        for part, each in enumerate(one_per_rater(notification)):
            if not self._addresses(each):
                continue
            try:
                msg = self.message(each, part)
            except ValueError as exc:  # a line break in a name, say: it fails the same every time
                raise ChannelRefused(
                    f"smtp: the message cannot be built ({type(exc).__name__}: a header would "
                    "hold a line break or another character mail forbids)"
                ) from None  # the value stays out of the detail and the logs
            await asyncio.to_thread(self._deliver, msg)
        # The detail goes to the logs, the ledger and the history: no address in it.
        roles = [
            r
            for r in notification.to
            if r is Role.employee or any(c.email for c in notification.contacts.get(r, ()))
        ]
        unreached = [r.value for r in notification.to if r not in roles]
        if roles == [Role.employee]:  # as before there was a people directory
            return f"smtp: sent to the employee via {self.server}"
        sent = f"smtp: sent to {', '.join(r.value for r in roles)} via {self.server}"
        return sent + (f"; no email for {', '.join(unreached)}" if unreached else "")

    def _address(self, notification: Notification) -> str:
        return notification.recipients.get(Role.employee) or notification.employee.email

    def _deliver(self, msg: EmailMessage) -> None:
        where = f"smtp {self.server}"
        try:
            with self._connect() as client:
                if self.config.user is not None and self.config.password is not None:
                    client.login(self.config.user, self.config.password)
                client.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            answers = "; ".join(  # the code, not the address (the detail is logged)
                f"{code} {_text(text)}" for code, text in exc.recipients.values()
            )
            final = all(code >= 500 for code, _ in exc.recipients.values())
            error = ChannelRefused if final else ChannelUnavailable
            raise error(f"{where}: recipient refused: {answers}") from exc
        except smtplib.SMTPAuthenticationError as exc:
            # Final for this message, but ops can fix the credentials: keep retrying.
            raise ChannelUnavailable(
                f"{where}: login as {self.config.user!r} failed: {exc.smtp_code} "
                f"{_text(exc.smtp_error)}"
            ) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            error = ChannelRefused if exc.smtp_code >= 500 else ChannelUnavailable
            raise error(f"{where}: refused: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise ChannelUnavailable(f"{where}: {exc} (check PARCOURS_SMTP_TLS)") from exc
        except smtplib.SMTPResponseException as exc:
            raise ChannelUnavailable(f"{where}: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # OSError: refused, timeout, TLS
            raise ChannelUnavailable(f"{where}: {type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.security is SmtpSecurity.ssl:
            return smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=self._tls()
            )
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        try:
            client.ehlo()
            if config.security is SmtpSecurity.starttls:
                client.starttls(context=self._tls())
                client.ehlo()
        except BaseException:
            client.close()
            raise
        return client

    def _tls(self) -> ssl.SSLContext:
        cafile = str(self.config.ca_file) if self.config.ca_file is not None else None
        return ssl.create_default_context(cafile=cafile)


def one_per_rater(notification: Notification) -> list[Notification]:
    """``notification`` as the messages it becomes: one for the employee and the people
    holding roles, then one per nominated rater, addressed to them alone."""
    rated = tuple(r for r in notification.to if r in NOMINATED_ROLES)
    if not rated:
        return [notification]
    rest = tuple(r for r in notification.to if r not in rated)
    parts = [
        notification.model_copy(
            update={
                "to": rest,
                "raters": {},
                "contacts": {r: c for r, c in notification.contacts.items() if r in rest},
            }
        )
    ]
    for role in rated:
        for contact in notification.contacts.get(role, ()):
            parts.append(
                notification.model_copy(
                    update={
                        "to": (role,),
                        "recipients": {role: contact.id},
                        "raters": {role: (contact.id,)},
                        "contacts": {role: (contact,)},
                    }
                )
            )
    return parts


def _message_id(delivery_id: str, sender: str) -> str:
    _, address = parseaddr(sender)
    domain = address.rpartition("@")[2] or "parcours.invalid"
    digest = hashlib.sha256(delivery_id.encode()).hexdigest()[:32]
    return f"<{digest}.parcours@{domain}>"


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value
