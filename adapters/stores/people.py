"""The people directory: contacts of coaches, managers, sponsors, HR and raters.

Each entry is sealed with that person's own data key (``Keyring.seal`` with the person's
id as owner), so erasing the person (``Keyring.erase``) shreds their entry with every
other byte about them; a row left behind opens to nothing. Only the id is in clear.

``PeopleDirectory`` is the interface: ``SqlitePeople`` is the SQLite store in the data
dir (the embedded default), ``PostgresPeople`` the table ``people`` on the shared
PostgreSQL database (``PARCOURS_DATABASE_URL``), so a person set through the API on one
host is read by a worker on another. Both pass the same contract tests
(tests/integration/test_stores.py).

Forgetting an entry deletes its row. On PostgreSQL the deleted row version stays in the
table's pages until they are reused (MVCC; see ``adapters.stores.keys``): it is sealed
under a data key that erasure destroyed, so it opens to nothing, and ``VACUUM people``
right after prunes it as the key store does.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.payloads.keyring import Keyring
from adapters.stores.postgres import Database
from adapters.stores.private import private_file, private_sqlite
from domain.people import Contact

COMPONENT = "people"
"""The people directory's component in ``schema_version``."""


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


def _seal(keyring: Keyring, contact: Contact) -> bytes:
    return keyring.seal(contact.id, contact.model_dump_json().encode(), _context(contact.id))


def _open(keyring: Keyring, person_id: str, sealed: bytes) -> Contact | None:
    """The contact in ``sealed``; None when its person's key was erased (shredded)."""
    try:
        data = keyring.open(sealed, _context(person_id))
    except (DataErased, KeyringError):
        return None
    return Contact.model_validate_json(data)


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
        sealed = _seal(self.keyring, contact)
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
        return None if row is None else _open(self.keyring, person_id, bytes(row[0]))

    def forget(self, person_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM people WHERE id = ?", (person_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


MIGRATIONS = (
    # 1: the directory as SQLite has it: the id in clear, the contact sealed.
    """
    CREATE TABLE people (id TEXT PRIMARY KEY, sealed BYTEA NOT NULL);
    """,
)


class PostgresPeople:
    """``PeopleDirectory`` in the table ``people``, on a shared ``Database``."""

    def __init__(self, database: Database, keyring: Keyring) -> None:
        self.keyring = keyring
        self._database = database
        database.migrate(COMPONENT, MIGRATIONS)

    def put(self, contact: Contact) -> None:
        sealed = _seal(self.keyring, contact)
        with self._database.connection() as connection:
            connection.execute(
                "INSERT INTO people (id, sealed) VALUES (%s, %s) "
                "ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed",
                (contact.id, sealed),
            )

    def get(self, person_id: str) -> Contact | None:
        with self._database.connection() as connection:
            row = connection.execute(
                "SELECT sealed FROM people WHERE id = %s", (person_id,)
            ).fetchone()
        return None if row is None else _open(self.keyring, person_id, bytes(row[0]))

    def forget(self, person_id: str) -> None:
        with self._database.connection() as connection:
            if connection.execute("DELETE FROM people WHERE id = %s", (person_id,)).rowcount:
                # Prune the dead version now rather than whenever autovacuum comes by.
                connection.execute("VACUUM people")

    def close(self) -> None:
        """Nothing: the pool is the ``Database``'s, shared with the other stores."""
