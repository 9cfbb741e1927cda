"""What parcours keeps beside Temporal, on a PostgreSQL server (``PARCOURS_DATABASE_URL``).

One ``Database`` per process and URL: a psycopg 3 connection pool that every store
built on it shares (the key store, the API's answers, and any later one). Each store
names its *component* and its ordered list of migrations; ``Database.migrate`` applies
the ones the database does not have yet, at start, and records the version reached in
``schema_version`` (one row per component). Processes starting together (two workers
and the API) take an advisory lock first, so only one of them creates or migrates a
component's tables and the others find them made.

A new store follows the same pattern: a component name, a ``MIGRATIONS`` tuple (never
edit a step that was released: append one), and ``database.migrate(COMPONENT,
MIGRATIONS)`` before its first query.

Connections are in autocommit mode: a store that needs several statements at once
opens ``connection.transaction()`` itself.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:  # imported where a database is used: a command on SQLite saves ~80 ms
    import psycopg

SCHEMES = ("postgresql", "postgres")
POOL_MIN = 1
POOL_MAX = 8
CONNECT_TIMEOUT = 10.0
POOL_WAIT = 5.0
"""Seconds a request waits for a connection before the database counts as out of reach
(the API then answers 503 with Retry-After), instead of psycopg_pool's 30."""


class DatabaseError(Exception):
    """The database cannot be reached or used; the message names it (without password)."""


def redact(url: str) -> str:
    """``url`` without its password, to name it in messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class Database:
    """A connection pool on one PostgreSQL database, shared by the stores built on it."""

    def __init__(self, url: str, *, min_size: int = POOL_MIN, max_size: int = POOL_MAX) -> None:
        if urlsplit(url).scheme not in SCHEMES:
            raise DatabaseError(f"not a postgresql:// URL: {redact(url)}")
        self.url = url
        self.name = redact(url)
        self._migrated: set[str] = set()
        import psycopg
        from psycopg_pool import ConnectionPool

        try:  # once alone first: a wrong address or password fails now, and says why
            psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT)).close()
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to the database {self.name}: {exc}") from None
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True, "connect_timeout": int(CONNECT_TIMEOUT)},
            open=False,
            name="parcours",
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except Exception as exc:
            self._pool.close()
            raise DatabaseError(f"cannot connect to the database {self.name}: {exc}") from None

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection from the pool (autocommit), back to it afterwards."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=POOL_WAIT) as connection:
                yield connection
        except PoolTimeout as exc:
            raise DatabaseError(
                f"the database {self.name}: no connection within {POOL_WAIT:g} s"
            ) from exc
        except psycopg.OperationalError as exc:
            raise DatabaseError(f"the database {self.name}: {exc}") from exc

    def migrate(self, component: str, migrations: Sequence[str]) -> int:
        """Bring ``component``'s tables to ``len(migrations)``; the version it had before.

        Each step runs in the transaction that records it: a step that fails leaves the
        component at the version before. A database newer than this code (another
        process was upgraded first) is left alone, and said so.
        """
        if component in self._migrated:
            return len(migrations)
        with self.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_id(component),))
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " component TEXT PRIMARY KEY, version INTEGER NOT NULL,"
                " migrated TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            row = connection.execute(
                "SELECT version FROM schema_version WHERE component = %s", (component,)
            ).fetchone()
            before = 0 if row is None else int(row[0])
            if before > len(migrations):
                raise DatabaseError(
                    f"the database {self.name} has {component} schema version {before}, "
                    f"newer than this parcours knows ({len(migrations)}): upgrade parcours"
                )
            for step in migrations[before:]:
                connection.execute(step)  # our own SQL, no input
            connection.execute(
                "INSERT INTO schema_version (component, version) VALUES (%s, %s) "
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version, "
                "migrated = now()",
                (component, len(migrations)),
            )
        self._migrated.add(component)
        return before

    def version(self, component: str) -> int:
        """The schema version ``component`` has in the database (0: none)."""
        import psycopg

        with self.connection() as connection:
            try:
                row = connection.execute(
                    "SELECT version FROM schema_version WHERE component = %s", (component,)
                ).fetchone()
            except psycopg.errors.UndefinedTable:
                return 0
        return 0 if row is None else int(row[0])

    def close(self) -> None:
        self._pool.close()


def _lock_id(component: str) -> int:
    """The advisory lock that serialises migrating ``component`` (a stable 32-bit number)."""
    return zlib.crc32(b"parcours schema " + component.encode())


__all__ = ["SCHEMES", "Database", "DatabaseError", "redact"]
