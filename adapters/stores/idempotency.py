"""Idempotency-Key for the HTTP API: a retried write gets the first answer back.

Answers are kept in an ``AnswerStore``: a SQLite file in the data dir by default, or
PostgreSQL (``PARCOURS_DATABASE_URL``), shared by every API replica; either way they
survive an API restart. Transient failures (5xx) are not kept: retrying them is the point, and
neither is a 404 (what was not found may be by the retry), nor a request that failed
unexpectedly (``abandon`` frees its key), nor, after ``LEASE``, one whose process died.
Programmes also drop a command whose key they already applied, so even a
write that slips past this store never counts twice.

What is kept, and for whom:

- an answer belongs to the *caller* (``scope``: a hash of their bearer token, made by
  the API) and its key: another caller sending the same key is another request, and
  learns nothing of the first (no replay, no 409);
- rows are named by a hash of (scope, key) and the request by a hash of its body: no
  token, key or body is stored as it is;
- the answer's body is sealed with the data key of the employee it is about
  (``owner``: the API gives the programme's employee, or ``system``), so erasing them
  makes it unreadable; an answer that cannot be sealed (the employee was just erased)
  is not kept;
- entries expire ``ttl`` seconds after their request (default 24 h,
  ``PARCOURS_IDEMPOTENCY_TTL``); expired ones are deleted as new requests come;
- in SQLite deleted rows are overwritten (``secure_delete``), the file and its ``-wal``
  are 0600; in PostgreSQL they stay in dead row versions until reused, sealed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from adapters.stores.postgres import Database
from adapters.stores.private import private_file, private_sqlite

DEFAULT_TTL = 24 * 3600.0
LEASE = 300.0
"""Seconds a key stays taken by a request with no answer yet. Past it the request is
taken for dead (its process was killed mid-flight) and the key is free again, instead of
answering "still in progress" until the TTL. Far above what a request may take (an
update waits 20 s for a worker, a cohort launch a few minutes at most); a request
that did outlive it and is sent again is applied once all the same, by the programme's
own keys (and a launch finds the programme it made)."""
SYSTEM = "system"


class KeyConflict(Exception):
    """The key was used for another request, or its first request is still running."""


class Answer(NamedTuple):
    status: int
    body: Any


class Sealer(Protocol):
    """Seals text about an owner (``adapters.payloads.keyring.Keyring``)."""

    def seal_text(self, owner: str, text: str, context: str = "") -> str: ...

    def open_text(self, sealed: str, context: str = "") -> str: ...


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def caller_scope(token: str) -> str:
    """The scope of a bearer token's answers: a hash, never the token."""
    return hashlib.sha256(b"parcours idempotency scope\n" + token.encode()).hexdigest()


def _entry_id(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


class Entry(NamedTuple):
    """A kept entry as an ``AnswerStore`` has it: the answer still sealed."""

    fingerprint: str
    status: int | None
    owner: str | None
    body: str | None
    created: float = 0.0
    """When its request began (unix seconds)."""


class AnswerStore(Protocol):
    """Where the entries are: a SQLite file, or PostgreSQL. Safe between threads."""

    def take(self, entry: str, print_: str, now: float, expired: float) -> Entry | None:
        """Delete the entries created before ``expired``, then take ``entry`` for a new
        request: None when it is now taken, the entry kept when it was there already."""
        ...

    def keep(self, entry: str, status: int, owner: str, body: str) -> None: ...

    def drop(self, entry: str) -> None: ...

    def purge(self, expired: float) -> int:
        """Delete the entries created before ``expired``; how many."""
        ...

    def close(self) -> None: ...


class SqliteAnswers:
    """The entries in a SQLite file in the data dir (0600, WAL, ``secure_delete``)."""

    def __init__(self, path: Path) -> None:
        private_file(path)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute("PRAGMA journal_mode=WAL")
        # The first versions kept (role, key) and plaintext answers: not kept over.
        self._db.execute("DROP TABLE IF EXISTS answers")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
            " created REAL NOT NULL, status INTEGER, owner TEXT, body TEXT)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS entries_created ON entries (created)")
        private_sqlite(path)
        self._lock = threading.Lock()

    def take(self, entry: str, print_: str, now: float, expired: float) -> Entry | None:
        with self._lock:
            self._db.execute("DELETE FROM entries WHERE created < ?", (expired,))
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO entries VALUES (?, ?, ?, NULL, NULL, NULL)",
                (entry, print_, now),
            ).rowcount
            if inserted:
                return None
            found = self._db.execute(
                "SELECT fingerprint, status, owner, body, created FROM entries WHERE id = ?",
                (entry,),
            ).fetchone()
        return Entry(*found)

    def keep(self, entry: str, status: int, owner: str, body: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE entries SET status = ?, owner = ?, body = ? WHERE id = ?",
                (status, owner, body, entry),
            )

    def drop(self, entry: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM entries WHERE id = ?", (entry,))

    def purge(self, expired: float) -> int:
        with self._lock:
            return self._db.execute("DELETE FROM entries WHERE created < ?", (expired,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


COMPONENT = "idempotency"
"""The answers' component in ``schema_version``."""
MIGRATIONS = (
    # 1: the entries as SQLite has them.
    """
    CREATE TABLE idempotency_entries (
        id          TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        created     DOUBLE PRECISION NOT NULL,
        status      INTEGER,
        owner       TEXT,
        body        TEXT
    );
    CREATE INDEX idempotency_entries_created ON idempotency_entries (created);
    """,
)


class PostgresAnswers:
    """The entries in PostgreSQL (table ``idempotency_entries``), on a shared ``Database``:
    every API replica sees the same answers. A deleted entry's sealed body may stay in
    dead row versions until VACUUM reuses the space (``adapters.stores.keys`` says why);
    it is sealed with the employee's data key, so their erasure makes it unreadable."""

    def __init__(self, database: Database) -> None:
        self._database = database
        database.migrate(COMPONENT, MIGRATIONS)

    def take(self, entry: str, print_: str, now: float, expired: float) -> Entry | None:
        with self._database.connection() as connection:
            connection.execute("DELETE FROM idempotency_entries WHERE created < %s", (expired,))
            inserted = connection.execute(
                "INSERT INTO idempotency_entries VALUES (%s, %s, %s, NULL, NULL, NULL) "
                "ON CONFLICT (id) DO NOTHING",
                (entry, print_, now),
            ).rowcount
            if inserted:
                return None
            found = connection.execute(
                "SELECT fingerprint, status, owner, body, created FROM idempotency_entries "
                "WHERE id = %s",
                (entry,),
            ).fetchone()
        if found is None:  # expired and deleted between the two: take it again
            return self.take(entry, print_, now, expired)
        return Entry(*found)

    def keep(self, entry: str, status: int, owner: str, body: str) -> None:
        with self._database.connection() as connection:
            connection.execute(
                "UPDATE idempotency_entries SET status = %s, owner = %s, body = %s WHERE id = %s",
                (status, owner, body, entry),
            )

    def drop(self, entry: str) -> None:
        with self._database.connection() as connection:
            connection.execute("DELETE FROM idempotency_entries WHERE id = %s", (entry,))

    def purge(self, expired: float) -> int:
        with self._database.connection() as connection:
            return connection.execute(
                "DELETE FROM idempotency_entries WHERE created < %s", (expired,)
            ).rowcount

    def close(self) -> None:
        """Nothing: the pool is the ``Database``'s, shared with the other stores."""


class IdempotencyStore:
    """The answers, sealed per owner, in an ``AnswerStore`` (or a SQLite file at a path)."""

    def __init__(
        self,
        store: AnswerStore | Path,
        sealer: Sealer | None = None,
        *,
        ttl: float = DEFAULT_TTL,
        lease: float = LEASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self.lease = lease
        self._sealer = sealer
        self._clock = clock
        self.store: AnswerStore = SqliteAnswers(store) if isinstance(store, Path) else store

    def begin(self, scope: str, key: str, print_: str) -> Answer | None:
        """None: go ahead (the key is now taken). An Answer: the first answer to return."""
        entry = _entry_id(scope, key)
        now = self._clock()
        found = self.store.take(entry, print_, now, now - self.ttl)
        if found is None:
            return None
        if found.fingerprint != print_:
            raise KeyConflict("Idempotency-Key was already used with a different request")
        if found.status is None or found.body is None:
            if found.created < now - self.lease:  # its request died with its process
                self.abandon(scope, key)
                return self.begin(scope, key, print_)
            raise KeyConflict("a request with this Idempotency-Key is still in progress")
        opened = self._open(entry, found.owner, found.body)
        if opened is None:  # its employee was erased since: the answer is gone with them
            self.abandon(scope, key)
            return self.begin(scope, key, print_)
        return Answer(found.status, opened)

    def finish(self, scope: str, key: str, answer: Answer, owner: str = SYSTEM) -> None:
        """Keep ``answer`` for the key (sealed for ``owner``); a 5xx frees the key instead,
        and so does a 404: the programme may exist by the time the request is sent again,
        and no row is kept for one that never does."""
        entry = _entry_id(scope, key)
        if answer.status >= 500 or answer.status == 404:
            self.abandon(scope, key)
            return
        try:
            body = self._seal(entry, owner, json.dumps(answer.body))
        except Exception:  # DataErased above all: nothing may be written for them
            self.abandon(scope, key)
            return
        self.store.keep(entry, answer.status, owner, body)

    def abandon(self, scope: str, key: str) -> None:
        """Free the key: its request failed before it had an answer worth keeping."""
        self.store.drop(_entry_id(scope, key))

    def purge(self) -> int:
        """Delete the expired entries now; how many there were."""
        return self.store.purge(self._clock() - self.ttl)

    def close(self) -> None:
        self.store.close()

    def _seal(self, entry: str, owner: str, text: str) -> str:
        if self._sealer is None:
            return text
        return self._sealer.seal_text(owner, text, entry)

    def _open(self, entry: str, owner: str | None, body: str) -> Any | None:
        if self._sealer is None or owner is None:
            return json.loads(body)
        try:
            return json.loads(self._sealer.open_text(body, entry))
        except Exception:  # erased, or not sealed by this key store
            return None
