"""The default notifier: an append-only JSON Lines outbox file.

Each notification becomes one line, the Notification in JSON mode plus a
``sent_at``. A mail or chat relay can tail the file; a person can read it.

Delivery is at most once per ``delivery_id``, which is what makes the
``send_notification`` activity safe to retry: the file is a
``DeliveryJournal``, which reads the ids already sent from the file itself, so
the guarantee holds across process restarts and across several notifiers on
the same file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.notify.journal import DeliveryJournal
from domain.notices import Notification


class OutboxNotifier:
    """Appends notifications to ``path`` (usually ``<data_dir>/outbox.jsonl``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._journal = DeliveryJournal(path)

    async def send(self, notification: Notification) -> str:
        record = notification.model_dump(mode="json")
        record["sent_at"] = datetime.now(UTC).isoformat()
        entry, fresh = await self._journal.append_once(record)
        where = f"outbox: {self.path}#{entry.line}"
        return where if fresh else f"already sent: {where}"
