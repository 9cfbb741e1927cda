"""The default notifier: an append-only JSON Lines outbox file.

Each notification becomes one line, the Notification in JSON mode plus a
``sent_at`` and the ``message`` it says (``{lang, subject, text}``, rendered as the email
channel renders it: in the reader's language and time zone), so a relay has the words
ready. Given a keyring (as parcours always runs it), a line keeps only ids in the clear
(``delivery_id``, ``kind``, ``programme_id``, ``employee_id``, ``stage``, ``sent_at``)
and the rest (names, addresses, the template title, the message...) as one ``sealed``
field under the employee's data key: erasing the employee leaves their lines as ids.
A mail or chat relay reads the lines opened with ``parcours outbox read [--follow]``
(JSON Lines on stdout, one notification each, an erased one as ``"erased": true``), or
with ``OutboxNotifier.read()`` in Python; the file itself is 0600.

Delivery is at most once per ``delivery_id``, which is what makes the
``send_notification`` activity safe to retry: the file is a
``DeliveryJournal``, which reads the ids already sent from the file itself, so
the guarantee holds across process restarts and across several notifiers on
the same file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.notify.journal import DeliveryJournal, Sealer
from adapters.notify.rendering import render
from domain.notices import Notification

OUTBOX_FILE = "outbox.jsonl"


class OutboxNotifier:
    """Appends notifications to ``path`` (usually ``<data_dir>/outbox.jsonl``), sealed
    per employee with ``sealer`` (a ``Keyring``) when one is given."""

    def __init__(
        self, path: Path, sealer: Sealer | None = None, public_url: str | None = None
    ) -> None:
        self.path = path
        self.public_url = public_url
        self._journal = DeliveryJournal(path, sealer)

    def read(self) -> list[dict[str, Any]]:
        """Every notification in the outbox, opened (see the module's docstring)."""
        return self._journal.read()

    def open_line(self, record: dict[str, Any]) -> dict[str, Any]:
        """One line of the file (as parsed JSON), opened."""
        return self._journal.open_record(record)

    async def send(self, notification: Notification) -> str:
        record = notification.model_dump(mode="json")
        record["employee_id"] = notification.employee.id
        record["sent_at"] = datetime.now(UTC).isoformat()
        message = render(notification, self.public_url)
        record["message"] = {
            "lang": message.lang,
            "subject": message.subject,
            "text": message.text,
            "link": message.link,
        }
        entry, fresh = await self._journal.append_once(record, notification.employee.id)
        where = f"outbox: {self.path}#{entry.line}"
        return where if fresh else f"already sent: {where}"
