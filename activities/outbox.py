"""The default notifier: an append-only JSON Lines outbox file.

Each notification becomes one line, the Notification in JSON mode plus a
``sent_at``. A mail or chat relay can tail the file; a person can read it.

Delivery is at most once per ``delivery_id``, which is what makes the
``send_notification`` activity safe to retry. The ids already sent are read
from the file itself (lazily, on first use, then only the bytes appended
since), so the guarantee holds across process restarts and across several
notifiers on the same file. Within a process an asyncio lock serialises
sends; between processes an advisory file lock (POSIX ``flock``) does.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import structlog

from domain.notices import Notification

_log = structlog.get_logger(__name__)

if sys.platform != "win32":
    import fcntl

    def _lock_file(handle: BinaryIO) -> None:
        # Released when the handle is closed.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

else:  # pragma: no cover - no advisory locks; the asyncio lock still holds in-process

    def _lock_file(handle: BinaryIO) -> None:
        return None


class OutboxNotifier:
    """Appends notifications to ``path`` (usually ``<data_dir>/outbox.jsonl``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()
        self._sent: dict[str, int] = {}
        """delivery_id -> 1-based line number in the file."""
        self._offset = 0
        """Bytes of the file already scanned; always just after a newline."""
        self._lines = 0
        """Complete lines in those bytes."""

    async def send(self, notification: Notification) -> str:
        record = notification.model_dump(mode="json")
        record["sent_at"] = datetime.now(UTC).isoformat()
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        async with self._lock:
            number, fresh = await asyncio.to_thread(
                self._append_once, notification.delivery_id, line.encode()
            )
        where = f"outbox: {self.path}#{number}"
        return where if fresh else f"already sent: {where}"

    def _append_once(self, delivery_id: str, line: bytes) -> tuple[int, bool]:
        """Append ``line`` unless ``delivery_id`` is in the file; (line number, written)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as handle:
            _lock_file(handle)
            self._catch_up(handle)
            if delivery_id in self._sent:
                return self._sent[delivery_id], False
            size = handle.seek(0, os.SEEK_END)
            if size > self._offset:
                # A torn last line (a crash mid-write): end it so ours stays whole.
                line = b"\n" + line
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            self._catch_up(handle)
        return self._sent[delivery_id], True

    def _catch_up(self, handle: BinaryIO) -> None:
        """Read the complete lines appended since the last scan, by anyone."""
        handle.seek(self._offset)
        chunk = handle.read()
        end = chunk.rfind(b"\n")
        if end < 0:
            return
        for raw in chunk[:end].split(b"\n"):
            self._lines += 1
            delivery_id = _delivery_id(raw)
            if delivery_id is not None:
                self._sent.setdefault(delivery_id, self._lines)
            elif raw.strip():
                _log.warning("outbox line unreadable", path=str(self.path), line=self._lines)
        self._offset += end + 1


def _delivery_id(raw: bytes) -> str | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    value = record.get("delivery_id") if isinstance(record, dict) else None
    return value if isinstance(value, str) else None
