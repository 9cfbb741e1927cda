"""Where the key store's rows live: a SQLite file in the data dir, or PostgreSQL.

``adapters.payloads.keyring.Keyring`` does the cryptography (wrapping, unwrapping,
sealing, the master key check) and asks a ``KeyStore`` only to keep rows: a data key's
id, its owner, the key wrapped under the master key (None once erased), when it was
made and erased, and the erase reason (sealed by the keyring). Neither backend ever
sees a data key unwrapped, nor the master key.

Erasing sets ``wrapped`` to NULL in one transaction with the tombstone. What happens
to the old bytes on disk differs:

- SQLite (``SqliteKeyStore``): ``secure_delete`` overwrites the freed cell with zeros
  in the database page, and a ``wal_checkpoint(TRUNCATE)`` right after the erase
  copies that page back and empties the write-ahead log, so the wrapped key survives
  in neither.
- PostgreSQL (``PostgresKeyStore``): rows are never overwritten in place (MVCC): an
  UPDATE writes a new version and leaves the old one dead in the page, so "overwrite
  then delete" cannot reach the old bytes and is not pretended. The erase sets
  ``wrapped`` NULL and runs ``VACUUM keys`` right after: the dead versions are pruned
  and their space marked free for reuse. VACUUM does not zero that space, VACUUM FULL
  writes a new file and frees the old one's blocks without overwriting them, and the WAL
  (and any WAL archive or base backup) keeps what was written. So on PostgreSQL the
  erased *wrapped* key may linger until those pages are reused; it opens with the
  master key only, and rotating the master key (``parcours keys rotate-master``), then
  destroying the old one, makes every such leftover, and every backup's copy,
  unreadable for good.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from adapters.stores.postgres import Database
from adapters.stores.private import private_sqlite

COMPONENT = "keys"
"""The key store's component in ``schema_version``."""


class KeyStoreError(Exception):
    """The rows cannot be read or written (unreachable, unreadable)."""


class KeyRow(NamedTuple):
    key_id: str
    owner: str
    wrapped: bytes | None
    erased: str | None
    """ISO 8601 time of the erasure, None while the key lives."""


Rewrap = Callable[[str, str, bytes], bytes]
"""(key id, owner, wrapped under the old master key) -> wrapped under the new one."""


class KeyStore(Protocol):
    """The rows of the key store, whatever keeps them. Safe between threads."""

    location: str
    """Where the rows are, for messages (a path, a database URL without password)."""

    def check_value(self, proposed: bytes) -> bytes:
        """The master key check value: ``proposed`` kept if there was none; the one kept."""
        ...

    def by_owner(self, owner: str) -> KeyRow | None: ...

    def by_id(self, key_id: str) -> KeyRow | None: ...

    def insert(self, rows: Sequence[KeyRow], created: str, check: bytes) -> int:
        """Keep new live keys, in one transaction, each unless its owner has one (then
        theirs is the key).

        Only while the check value is still ``check``: a process whose master key was
        rotated away cannot add keys wrapped under it. How many were inserted.
        """
        ...

    def erase(
        self, owners: tuple[str, ...], tombstone_id: str, now: str, reason: str | None
    ) -> str | None:
        """Destroy the keys of ``owners`` (the first is the one a tombstone is made for
        when none of them has a row); the earliest erasure time when all already were
        erased (nothing changed), None when erased now."""
        ...

    def reason(self, owners: tuple[str, ...]) -> str | None:
        """The (sealed) erase reason of one of ``owners``."""
        ...

    def reasons(self) -> list[tuple[str, str]]:
        """(owner, reason) of every erased owner with a reason."""
        ...

    def set_reason(self, owner: str, reason: str) -> None: ...

    def rewrap(self, transform: Rewrap, check: bytes) -> int:
        """Every live key's ``wrapped`` replaced by ``transform``'s, and the check value by
        ``check``, in one transaction that no insert or erase interleaves; how many."""
        ...

    def close(self) -> None: ...


# ---------------------------------------------------------------- SQLite


class SqliteKeyStore:
    """The rows in a SQLite file (``keys.db`` in the data dir), 0600, WAL, secure_delete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._lock = threading.Lock()
        try:
            if not path.exists():  # wrapped keys and tombstones: for its owner's eyes only
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(
                path, check_same_thread=False, isolation_level=None, timeout=10
            )
            # An erased key's bytes are overwritten on disk, not just unlinked.
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(
                """
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS keys (
                    key_id  TEXT PRIMARY KEY,
                    owner   TEXT NOT NULL UNIQUE,
                    wrapped BLOB,
                    created TEXT NOT NULL,
                    erased  TEXT,
                    reason  TEXT
                );
                """
            )
        except (OSError, sqlite3.Error) as exc:
            raise KeyStoreError(f"cannot open the key store {path}: {exc}") from exc
        private_sqlite(path)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def check_value(self, proposed: bytes) -> bytes:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('check', ?)", (proposed,))
            (stored,) = self._db.execute("SELECT value FROM meta WHERE name = 'check'").fetchone()
        return bytes(stored)

    def by_owner(self, owner: str) -> KeyRow | None:
        return self._row("owner", owner)

    def by_id(self, key_id: str) -> KeyRow | None:
        return self._row("key_id", key_id)

    def _row(self, column: str, value: str) -> KeyRow | None:
        with self._lock:
            found = self._db.execute(
                f"SELECT key_id, owner, wrapped, erased FROM keys WHERE {column} = ?", (value,)
            ).fetchone()
        return None if found is None else KeyRow(*found)

    def insert(self, rows: Sequence[KeyRow], created: str, check: bytes) -> int:
        # One commit, so one sync of the file, however many keys.
        with self._write() as db:
            return sum(
                db.execute(
                    "INSERT OR IGNORE INTO keys SELECT ?, ?, ?, ?, NULL, NULL "
                    "WHERE EXISTS (SELECT 1 FROM meta WHERE name = 'check' AND value = ?)",
                    (row.key_id, row.owner, row.wrapped, created, check),
                ).rowcount
                for row in rows
            )

    def erase(
        self, owners: tuple[str, ...], tombstone_id: str, now: str, reason: str | None
    ) -> str | None:
        marks = ", ".join("?" for _ in owners)
        with self._write() as db:
            rows = db.execute(f"SELECT erased FROM keys WHERE owner IN ({marks})", owners)
            erased = [when for (when,) in rows.fetchall()]
            if erased and all(when is not None for when in erased):
                return str(min(erased))
            if not erased:
                db.execute(
                    "INSERT INTO keys VALUES (?, ?, NULL, ?, ?, ?)",
                    (tombstone_id, owners[0], now, now, reason),
                )
            else:
                db.execute(
                    "UPDATE keys SET wrapped = NULL, erased = ?, reason = ? "
                    f"WHERE owner IN ({marks}) AND erased IS NULL",
                    (now, reason, *owners),
                )
        with self._lock:
            # Out of the write-ahead log too, so the old page is overwritten in the database.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return None

    def reason(self, owners: tuple[str, ...]) -> str | None:
        marks = ", ".join("?" for _ in owners)
        with self._lock:
            found = self._db.execute(
                f"SELECT reason FROM keys WHERE owner IN ({marks}) AND reason IS NOT NULL",
                owners,
            ).fetchone()
        return None if found is None or not found[0] else str(found[0])

    def reasons(self) -> list[tuple[str, str]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT owner, reason FROM keys WHERE erased IS NOT NULL AND reason IS NOT NULL"
            ).fetchall()
        return [(str(owner), str(reason)) for owner, reason in rows]

    def set_reason(self, owner: str, reason: str) -> None:
        with self._lock:
            self._db.execute("UPDATE keys SET reason = ? WHERE owner = ?", (reason, owner))

    def rewrap(self, transform: Rewrap, check: bytes) -> int:
        with self._write() as db:
            rows = db.execute(
                "SELECT key_id, owner, wrapped FROM keys WHERE wrapped IS NOT NULL"
            ).fetchall()
            for key_id, owner, wrapped in rows:
                db.execute(
                    "UPDATE keys SET wrapped = ? WHERE key_id = ?",
                    (transform(key_id, owner, bytes(wrapped)), key_id),
                )
            db.execute("INSERT OR REPLACE INTO meta VALUES ('check', ?)", (check,))
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()


# ---------------------------------------------------------------- PostgreSQL

MIGRATIONS = (
    # 1: the key store as SQLite has it.
    """
    CREATE TABLE keys_meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
    CREATE TABLE keys (
        key_id  TEXT PRIMARY KEY,
        owner   TEXT NOT NULL UNIQUE,
        wrapped BYTEA,
        created TEXT NOT NULL,
        erased  TEXT,
        reason  TEXT
    );
    """,
)


class PostgresKeyStore:
    """The rows in PostgreSQL (tables ``keys`` and ``keys_meta``), on a shared ``Database``."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.location = database.name
        try:
            database.migrate(COMPONENT, MIGRATIONS)
        except Exception as exc:
            raise KeyStoreError(f"cannot open the key store in {database.name}: {exc}") from exc

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._database.connection() as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def check_value(self, proposed: bytes) -> bytes:
        self._query(
            "INSERT INTO keys_meta VALUES ('check', %s) ON CONFLICT (name) DO NOTHING",
            (proposed,),
        )
        ((stored,),) = self._query("SELECT value FROM keys_meta WHERE name = 'check'")
        return bytes(stored)

    def by_owner(self, owner: str) -> KeyRow | None:
        return self._row("owner", owner)

    def by_id(self, key_id: str) -> KeyRow | None:
        return self._row("key_id", key_id)

    def _row(self, column: str, value: str) -> KeyRow | None:
        found = self._query(
            f"SELECT key_id, owner, wrapped, erased FROM keys WHERE {column} = %s", (value,)
        )
        if not found:
            return None
        key_id, owner, wrapped, erased = found[0]
        return KeyRow(key_id, owner, None if wrapped is None else bytes(wrapped), erased)

    def insert(self, rows: Sequence[KeyRow], created: str, check: bytes) -> int:
        with self._database.connection() as connection, connection.transaction():
            # Shared with the other inserts, exclusive with a rotation: no key is added
            # under a master key while it is being replaced.
            connection.execute("LOCK TABLE keys_meta IN SHARE MODE")
            inserted = 0
            for row in rows:
                cursor = connection.execute(
                    "INSERT INTO keys SELECT %s, %s, %s, %s, NULL, NULL WHERE EXISTS "
                    "(SELECT 1 FROM keys_meta WHERE name = 'check' AND value = %s) "
                    "ON CONFLICT DO NOTHING",
                    (row.key_id, row.owner, row.wrapped, created, check),
                )
                inserted += cursor.rowcount
            return inserted

    def erase(
        self, owners: tuple[str, ...], tombstone_id: str, now: str, reason: str | None
    ) -> str | None:
        with self._database.connection() as connection:
            with connection.transaction():
                found = connection.execute(
                    "SELECT erased FROM keys WHERE owner = ANY(%s) FOR UPDATE", (list(owners),)
                ).fetchall()
                erased = [when for (when,) in found]
                if erased and all(when is not None for when in erased):
                    return str(min(erased))
                # A concurrent first key_for may insert meanwhile: then the update erases it.
                connection.execute(
                    "INSERT INTO keys VALUES (%s, %s, NULL, %s, %s, %s) "
                    "ON CONFLICT (owner) DO NOTHING",
                    (tombstone_id, owners[0], now, now, reason),
                )
                connection.execute(
                    "UPDATE keys SET wrapped = NULL, erased = %s, reason = %s "
                    "WHERE owner = ANY(%s) AND erased IS NULL",
                    (now, reason, list(owners)),
                )
            # Prune the dead versions now rather than whenever autovacuum comes by.
            connection.execute("VACUUM keys")
        return None

    def reason(self, owners: tuple[str, ...]) -> str | None:
        found = self._query(
            "SELECT reason FROM keys WHERE owner = ANY(%s) AND reason IS NOT NULL LIMIT 1",
            (list(owners),),
        )
        return None if not found or not found[0][0] else str(found[0][0])

    def reasons(self) -> list[tuple[str, str]]:
        rows = self._query(
            "SELECT owner, reason FROM keys WHERE erased IS NOT NULL AND reason IS NOT NULL"
        )
        return [(str(owner), str(reason)) for owner, reason in rows]

    def set_reason(self, owner: str, reason: str) -> None:
        self._query("UPDATE keys SET reason = %s WHERE owner = %s", (reason, owner))

    def rewrap(self, transform: Rewrap, check: bytes) -> int:
        with self._database.connection() as connection:
            with connection.transaction():
                connection.execute("LOCK TABLE keys_meta IN EXCLUSIVE MODE")
                connection.execute("LOCK TABLE keys IN EXCLUSIVE MODE")
                rows = connection.execute(
                    "SELECT key_id, owner, wrapped FROM keys WHERE wrapped IS NOT NULL"
                ).fetchall()
                for key_id, owner, wrapped in rows:
                    connection.execute(
                        "UPDATE keys SET wrapped = %s WHERE key_id = %s",
                        (transform(key_id, owner, bytes(wrapped)), key_id),
                    )
                connection.execute(
                    "INSERT INTO keys_meta VALUES ('check', %s) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (check,),
                )
            connection.execute("VACUUM keys")
        return len(rows)

    def close(self) -> None:
        """Nothing: the pool is the ``Database``'s, shared with the other stores."""


__all__ = [
    "COMPONENT",
    "KeyRow",
    "KeyStore",
    "KeyStoreError",
    "PostgresKeyStore",
    "Rewrap",
    "SqliteKeyStore",
]
