"""Idempotency-Key for the HTTP API: a retried write gets the first answer back.

Answers are kept in a SQLite file in the data dir, so they survive an API
restart. Transient failures (5xx) are not kept: retrying them is the point, and
neither is a request that failed unexpectedly (``abandon`` frees its key).
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
- deleted rows are overwritten (``secure_delete``), the file and its ``-wal`` are 0600.
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

from adapters.stores.private import private_file, private_sqlite

DEFAULT_TTL = 24 * 3600.0
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


class IdempotencyStore:
    def __init__(
        self,
        path: Path,
        sealer: Sealer | None = None,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self._sealer = sealer
        self._clock = clock
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

    def begin(self, scope: str, key: str, print_: str) -> Answer | None:
        """None: go ahead (the key is now taken). An Answer: the first answer to return."""
        entry = _entry_id(scope, key)
        now = self._clock()
        with self._lock:
            self._db.execute("DELETE FROM entries WHERE created < ?", (now - self.ttl,))
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO entries VALUES (?, ?, ?, NULL, NULL, NULL)",
                (entry, print_, now),
            ).rowcount
            if inserted:
                return None
            fingerprint_, status, owner, body = self._db.execute(
                "SELECT fingerprint, status, owner, body FROM entries WHERE id = ?", (entry,)
            ).fetchone()
        if fingerprint_ != print_:
            raise KeyConflict("Idempotency-Key was already used with a different request")
        if status is None:
            raise KeyConflict("a request with this Idempotency-Key is still in progress")
        opened = self._open(entry, owner, body)
        if opened is None:  # its employee was erased since: the answer is gone with them
            self.abandon(scope, key)
            return self.begin(scope, key, print_)
        return Answer(status, opened)

    def finish(self, scope: str, key: str, answer: Answer, owner: str = SYSTEM) -> None:
        """Keep ``answer`` for the key (sealed for ``owner``); a 5xx frees the key instead."""
        entry = _entry_id(scope, key)
        if answer.status >= 500:
            self.abandon(scope, key)
            return
        try:
            body = self._seal(entry, owner, json.dumps(answer.body))
        except Exception:  # DataErased above all: nothing may be written for them
            self.abandon(scope, key)
            return
        with self._lock:
            self._db.execute(
                "UPDATE entries SET status = ?, owner = ?, body = ? WHERE id = ?",
                (answer.status, owner, body, entry),
            )

    def abandon(self, scope: str, key: str) -> None:
        """Free the key: its request failed before it had an answer worth keeping."""
        with self._lock:
            self._db.execute("DELETE FROM entries WHERE id = ?", (_entry_id(scope, key),))

    def purge(self) -> int:
        """Delete the expired entries now; how many there were."""
        with self._lock:
            return self._db.execute(
                "DELETE FROM entries WHERE created < ?", (self._clock() - self.ttl,)
            ).rowcount

    def close(self) -> None:
        self._db.close()

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
