"""An append-only JSON Lines file keyed by ``delivery_id``: written at most once per id.

The outbox is one (each line a notification); the sent-ledgers of the SMTP and
webhook channels are others (each line what became of one delivery). The ids
already written are read from the file itself (lazily, on first use, then only
the bytes appended since), so the guarantee holds across process restarts and
across several journals on the same file. Within a process an asyncio lock
serialises writes; between processes an advisory file lock (POSIX ``flock``)
does.

Personal data: a journal given a keyring (``sealer``) keeps only ids in the clear. Each
line written with an ``owner`` (the employee the delivery is about) holds the fields of
``CLEAR`` as they are and everything else as one ``sealed`` field, sealed with that
employee's data key (``Keyring.seal_text``, the delivery id as associated data): erasing
the employee makes the rest unreadable, like their payloads in Temporal. ``read`` gives
the lines back opened (an erased one as its ids and ``"erased": true``). The file is 0600.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import structlog

from adapters.stores.private import private_file

_log = structlog.get_logger(__name__)

if sys.platform != "win32":
    import fcntl

    def _lock_file(handle: BinaryIO) -> None:
        # Released when the handle is closed.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

else:  # pragma: no cover - no advisory locks; the asyncio lock still holds in-process

    def _lock_file(handle: BinaryIO) -> None:
        return None


CLEAR = frozenset(
    {"delivery_id", "kind", "programme_id", "employee_id", "stage", "status", "at", "sent_at"}
)
"""What a sealed line keeps in the clear: ids, kinds and times, nothing about a person."""
SEALED = "sealed"
ERASED = "[erased]"


class Sealer(Protocol):
    """Seals text about an owner (``adapters.payloads.keyring.Keyring``)."""

    def seal_text(self, owner: str, text: str, context: str = "") -> str: ...

    def open_text(self, sealed: str, context: str = "") -> str: ...


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a delivery id was written, and the ``status``/``detail`` of its line, if any."""

    line: int
    """1-based line number in the file."""
    status: str | None = None
    detail: str | None = None
    sealed: str | None = None
    """The line's sealed part, when the detail is in it (opened by ``find``)."""


class DeliveryJournal:
    """Appends one JSON object per ``delivery_id`` to ``path``; never two for the same id."""

    def __init__(self, path: Path, sealer: Sealer | None = None) -> None:
        self.path = path
        self.sealer = sealer
        self._lock = asyncio.Lock()
        self._entries: dict[str, Entry] = {}
        self._offset = 0
        """Bytes of the file already scanned; always just after a newline."""
        self._lines = 0
        """Complete lines in those bytes."""

    async def find(self, delivery_id: str) -> Entry | None:
        """The entry for ``delivery_id``, reading whatever was appended since, by anyone."""
        async with self._lock:
            entry = await asyncio.to_thread(self._find, delivery_id)
        return self._opened(delivery_id, entry)

    async def append_once(
        self, record: dict[str, Any], owner: str | None = None
    ) -> tuple[Entry, bool]:
        """Append ``record`` (which has a ``delivery_id``) unless its id is already there;
        with an ``owner`` and a sealer, all but the ``CLEAR`` fields sealed with their key.

        Returns the id's entry and whether this call wrote it.
        """
        delivery_id = record["delivery_id"]
        line = json.dumps(self._seal(record, owner), ensure_ascii=False, separators=(",", ":"))
        async with self._lock:
            entry, fresh = await asyncio.to_thread(
                self._append_once, delivery_id, (line + "\n").encode()
            )
        opened = self._opened(delivery_id, entry)
        assert opened is not None
        return opened, fresh

    def read(self) -> list[dict[str, Any]]:
        """Every line, its sealed part opened (an erased one: its clear fields, ``erased``)."""
        if not self.path.exists():
            return []
        lines = []
        for raw in self.path.read_bytes().splitlines():
            record = _record(raw)
            if record is not None:
                lines.append(self.open_record(record))
        return lines

    def open_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with its sealed part opened, or marked ``"erased": true``."""
        sealed = record.get(SEALED)
        if not isinstance(sealed, str) or self.sealer is None:
            return record
        clear = {k: v for k, v in record.items() if k != SEALED}
        rest = self._open(str(record.get("delivery_id", "")), sealed)
        if rest is None:
            return {**clear, "erased": True}
        return {**json.loads(rest), **clear}

    def _seal(self, record: dict[str, Any], owner: str | None) -> dict[str, Any]:
        if self.sealer is None or owner is None:
            return record
        clear = {k: v for k, v in record.items() if k in CLEAR}
        rest = {k: v for k, v in record.items() if k not in CLEAR}
        text = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))
        return {
            **clear,
            "employee_id": record.get("employee_id", owner),
            SEALED: self.sealer.seal_text(owner, text, str(record["delivery_id"])),
        }

    def _open(self, delivery_id: str, sealed: str) -> str | None:
        """The sealed text, or None when its owner was erased (or it does not open)."""
        assert self.sealer is not None
        try:
            return self.sealer.open_text(sealed, delivery_id)
        except Exception:  # DataErased above all: the key is gone, and so is the text
            return None

    def _opened(self, delivery_id: str, entry: Entry | None) -> Entry | None:
        if entry is None or entry.sealed is None or self.sealer is None:
            return entry
        rest = self._open(delivery_id, entry.sealed)
        detail = _text(json.loads(rest), "detail") if rest is not None else ERASED
        return Entry(entry.line, entry.status, detail)

    def _find(self, delivery_id: str) -> Entry | None:
        if not self.path.exists():
            return None
        with self.path.open("rb") as handle:
            self._catch_up(handle)
        return self._entries.get(delivery_id)

    def _append_once(self, delivery_id: str, line: bytes) -> tuple[Entry, bool]:
        private_file(self.path)
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
                    Entry(
                        self._lines,
                        _text(record, "status"),
                        _text(record, "detail"),
                        _text(record, SEALED),
                    ),
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
