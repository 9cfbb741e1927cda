"""An append-only JSON Lines file keyed by ``delivery_id``: written at most once per id.

The outbox is one (each line a notification); the sent-ledgers of the SMTP and
webhook channels are others (each line what became of one delivery). The ids
already written are read from the file itself (lazily, on first use, then only
the bytes appended since), so the guarantee holds across process restarts and
across several journals on the same file. Within a process an asyncio lock
serialises writes; between processes an advisory file lock (POSIX ``flock``)
does.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import structlog

_log = structlog.get_logger(__name__)

if sys.platform != "win32":
    import fcntl

    def _lock_file(handle: BinaryIO) -> None:
        # Released when the handle is closed.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

else:  # pragma: no cover - no advisory locks; the asyncio lock still holds in-process

    def _lock_file(handle: BinaryIO) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a delivery id was written, and the ``status``/``detail`` of its line, if any."""

    line: int
    """1-based line number in the file."""
    status: str | None = None
    detail: str | None = None


class DeliveryJournal:
    """Appends one JSON object per ``delivery_id`` to ``path``; never two for the same id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()
        self._entries: dict[str, Entry] = {}
        self._offset = 0
        """Bytes of the file already scanned; always just after a newline."""
        self._lines = 0
        """Complete lines in those bytes."""

    async def find(self, delivery_id: str) -> Entry | None:
        """The entry for ``delivery_id``, reading whatever was appended since, by anyone."""
        async with self._lock:
            return await asyncio.to_thread(self._find, delivery_id)

    async def append_once(self, record: dict[str, Any]) -> tuple[Entry, bool]:
        """Append ``record`` (which has a ``delivery_id``) unless its id is already there.

        Returns the id's entry and whether this call wrote it.
        """
        delivery_id = record["delivery_id"]
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        async with self._lock:
            return await asyncio.to_thread(self._append_once, delivery_id, line.encode())

    def _find(self, delivery_id: str) -> Entry | None:
        if not self.path.exists():
            return None
        with self.path.open("rb") as handle:
            self._catch_up(handle)
        return self._entries.get(delivery_id)

    def _append_once(self, delivery_id: str, line: bytes) -> tuple[Entry, bool]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as handle:
            _lock_file(handle)
            self._catch_up(handle)
            if delivery_id in self._entries:
                return self._entries[delivery_id], False
            size = handle.seek(0, os.SEEK_END)
            if size > self._offset:
                # A torn last line (a crash mid-write): end it so ours stays whole.
                line = b"\n" + line
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            self._catch_up(handle)
        return self._entries[delivery_id], True

    def _catch_up(self, handle: BinaryIO) -> None:
        """Read the complete lines appended since the last scan."""
        handle.seek(self._offset)
        chunk = handle.read()
        end = chunk.rfind(b"\n")
        if end < 0:
            return
        for raw in chunk[:end].split(b"\n"):
            self._lines += 1
            record = _record(raw)
            delivery_id = record.get("delivery_id") if record is not None else None
            if isinstance(delivery_id, str) and record is not None:
                self._entries.setdefault(
                    delivery_id,
                    Entry(self._lines, _text(record, "status"), _text(record, "detail")),
                )
            elif raw.strip():
                _log.warning("journal line unreadable", path=str(self.path), line=self._lines)
        self._offset += end + 1


def _record(raw: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None
