"""The people directory: contacts of coaches, managers, sponsors, HR and raters.

Each entry is sealed with that person's own data key (``Keyring.seal`` with the person's
id as owner), so erasing the person (``Keyring.erase``) shreds their entry with every
other byte about them; a row left behind opens to nothing. Only the id is in clear.

``PeopleDirectory`` is the interface: ``SqlitePeople`` is the SQLite store in the data
dir; a PostgreSQL one can sit beside it and pass the same contract tests.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from adapters.payloads.keyring import DataErased, Keyring, KeyringError
from adapters.stores.private import private_file, private_sqlite
from domain.people import Contact


class PeopleDirectory(Protocol):
    def put(self, contact: Contact) -> None:
        """Add or replace ``contact``, sealed with its person's key."""
        ...

    def get(self, person_id: str) -> Contact | None:
        """The person's contact; None when unknown or erased."""
        ...

    def forget(self, person_id: str) -> None:
        """Drop the person's entry (erasure already made it unreadable)."""
        ...

    def close(self) -> None: ...


def _context(person_id: str) -> bytes:
    return f"people:{person_id}".encode()


class SqlitePeople:
    """``PeopleDirectory`` in one SQLite file, 0600."""

    def __init__(self, path: Path, keyring: Keyring) -> None:
        self.keyring = keyring
        private_file(path)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS people (id TEXT PRIMARY KEY, sealed BLOB NOT NULL)"
        )
        private_sqlite(path)
        self._lock = threading.Lock()

    def put(self, contact: Contact) -> None:
        sealed = self.keyring.seal(
            contact.id, contact.model_dump_json().encode(), _context(contact.id)
        )
        with self._lock:
            self._db.execute(
                "INSERT INTO people (id, sealed) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET sealed = excluded.sealed",
                (contact.id, sealed),
            )

    def get(self, person_id: str) -> Contact | None:
        with self._lock:
            row = self._db.execute(
                "SELECT sealed FROM people WHERE id = ?", (person_id,)
            ).fetchone()
        if row is None:
            return None
        try:
            data = self.keyring.open(bytes(row[0]), _context(person_id))
        except (DataErased, KeyringError):
            return None
        return Contact.model_validate_json(data)

    def forget(self, person_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM people WHERE id = ?", (person_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class MemoryPeople:
    """``PeopleDirectory`` in memory, for tests (plain: no keyring)."""

    def __init__(self) -> None:
        self.entries: dict[str, Contact] = {}

    def put(self, contact: Contact) -> None:
        self.entries[contact.id] = contact

    def get(self, person_id: str) -> Contact | None:
        return self.entries.get(person_id)

    def forget(self, person_id: str) -> None:
        self.entries.pop(person_id, None)

    def close(self) -> None:
        pass
