"""Idempotency-Key for the HTTP API: a retried write gets the first answer back.

Answers are kept in a SQLite file in the data dir, so they survive an API
restart. Transient failures (5xx) are not kept: retrying them is the point.
Programmes also drop a command whose key they already applied, so even a
write that slips past this store never counts twice.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, NamedTuple


class KeyConflict(Exception):
    """The key was used for another request, or its first request is still running."""


class Answer(NamedTuple):
    status: int
    body: Any


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


class IdempotencyStore:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS answers (scope TEXT, key TEXT, fingerprint TEXT,"
            " status INTEGER, body TEXT, PRIMARY KEY (scope, key))"
        )
        self._lock = threading.Lock()

    def begin(self, scope: str, key: str, print_: str) -> Answer | None:
        """None: go ahead (the key is now taken). An Answer: the first answer to return."""
        with self._lock:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, NULL, NULL)", (scope, key, print_)
            ).rowcount
            if inserted:
                return None
            fingerprint_, status, body = self._db.execute(
                "SELECT fingerprint, status, body FROM answers WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
        if fingerprint_ != print_:
            raise KeyConflict("Idempotency-Key was already used with a different request")
        if status is None:
            raise KeyConflict("a request with this Idempotency-Key is still in progress")
        return Answer(status, json.loads(body))

    def finish(self, scope: str, key: str, answer: Answer) -> None:
        with self._lock:
            if answer.status >= 500:
                self._db.execute("DELETE FROM answers WHERE scope = ? AND key = ?", (scope, key))
            else:
                self._db.execute(
                    "UPDATE answers SET status = ?, body = ? WHERE scope = ? AND key = ?",
                    (answer.status, json.dumps(answer.body), scope, key),
                )

    def close(self) -> None:
        self._db.close()
