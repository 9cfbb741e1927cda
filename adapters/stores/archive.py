"""The archive: closed programmes' events, kept past Temporal's retention.

When a programme closes (completed, withdrawn, lapsed, its follow-up closed) the workflow
asks for the ``archive_programme`` activity (``activities.archive``), which writes its
whole domain log here, sealed under the employee's data key (``Keyring.seal`` with the
programme id as associated data) and deflated first. Only ids, the status, the last stage
and two dates are in clear: enough to list closed programmes and to prune by age, nothing
about the person.

So ``history``, the reports, the cohort report and ``list --closed`` still work when
Temporal's retention has removed the run (``gateway.client.programmes`` reads here when
Temporal answers "not found"); erasing the employee destroys the key, which shreds every
row of theirs, and deletes the rows (``forget_employee``); ``prune`` drops rows closed
before the archive's own retention (``PARCOURS_ARCHIVE_RETENTION``).

Writing is an upsert keyed by programme id: the activity may run twice (a retry after
the write, a second worker), and the second write stores the same log again.

``ProgrammeArchive`` is the interface: ``SqliteArchive`` is ``archive.db`` in the data
dir, ``PostgresArchive`` the table ``archive`` on the shared database (component
``archive``). Both pass the same contract tests (tests/integration/test_archive.py).
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.payloads.keyring import Keyring
from adapters.stores.postgres import Database
from adapters.stores.private import private_file, private_sqlite
from domain.events import EVENT_LIST, Event
from domain.ids import QueryValue
from domain.state import Status
from workflows.messages import ClosedProgramme

COMPONENT = "archive"
"""The archive's component in ``schema_version``."""
ARCHIVE_FILE = "archive.db"
MAX_INFLATED = 64 * 1024 * 1024
"""The most a sealed log may inflate to (the carried input's budget is far below)."""
LISTED = 1_000
"""The most entries one listing returns."""


class ArchiveEntry(BaseModel):
    """What the archive keeps in clear about a closed programme: ids, status, dates."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    employee_id: str
    template_id: str
    cohort_id: str | None = None
    status: str
    stage: str | None = None
    """The last stage the programme was in (None past its last)."""
    closed_at: datetime
    archived_at: datetime
    events: int = Field(ge=0)


class ArchiveFilter(BaseModel):
    """Which entries a listing returns; every given field must match."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    template_id: QueryValue | None = None
    cohort_id: QueryValue | None = None
    employee_id: QueryValue | None = None
    status: Status | None = None
    limit: int = Field(default=100, ge=1, le=LISTED)


def entry_of(closed: ClosedProgramme, archived_at: datetime) -> ArchiveEntry:
    return ArchiveEntry(
        programme_id=closed.programme_id,
        employee_id=closed.employee_id,
        template_id=closed.template_id,
        cohort_id=closed.cohort_id,
        status=closed.status.value,
        stage=closed.stage,
        closed_at=closed.closed_at,
        archived_at=archived_at,
        events=len(closed.events),
    )


class ProgrammeArchive(Protocol):
    def put(self, closed: ClosedProgramme, archived_at: datetime) -> bool:
        """Keep ``closed``'s log sealed under the employee's key, replacing any earlier
        copy; False (nothing written) when the employee was erased."""
        ...

    def entry(self, programme_id: str) -> ArchiveEntry | None:
        """What is in clear about the programme; None when not archived."""
        ...

    def events(self, programme_id: str) -> list[Event] | None:
        """The programme's log; None when not archived. ``DataErased`` when the
        employee was erased after it was written (the row is shredded)."""
        ...

    def entries(self, where: ArchiveFilter) -> list[ArchiveEntry]:
        """Entries matching ``where``, the most recently closed first."""
        ...

    def forget_employee(self, employee_id: str) -> int:
        """Delete every row of ``employee_id`` (erasure already shredded them); how many."""
        ...

    def prune(self, closed_before: datetime) -> int:
        """Delete the rows of programmes closed before ``closed_before``; how many."""
        ...

    def close(self) -> None: ...


def _context(programme_id: str) -> bytes:
    return f"archive:{programme_id}".encode()


def seal(keyring: Keyring, entry: ArchiveEntry, events: Sequence[Event]) -> bytes:
    data = zlib.compress(EVENT_LIST.dump_json(list(events)), 6)
    return keyring.seal(entry.employee_id, data, _context(entry.programme_id))


def unseal(keyring: Keyring, programme_id: str, sealed: bytes) -> list[Event]:
    """The log in ``sealed``; ``DataErased`` when its employee's key is gone."""
    try:
        data = keyring.open(sealed, _context(programme_id))
    except DataErased:
        raise
    except KeyringError as exc:
        raise KeyringError(f"archive: {programme_id}: {exc}") from exc
    inflater = zlib.decompressobj()
    raw = inflater.decompress(data, MAX_INFLATED)
    if inflater.unconsumed_tail:
        raise KeyringError(f"archive: {programme_id}: the log inflates past {MAX_INFLATED}")
    return EVENT_LIST.validate_json(raw)


def _utc(value: datetime) -> str:
    """SQLite keeps times as text in one format, so they order as they compare."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


COLUMNS = (
    "programme_id, employee_id, template_id, cohort_id, status, stage, closed_at, "
    "archived_at, events"
)


def _where(where: ArchiveFilter, mark: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    values: list[Any] = []
    for column, value in (
        ("template_id", where.template_id),
        ("cohort_id", where.cohort_id),
        ("employee_id", where.employee_id),
        ("status", where.status.value if where.status is not None else None),
    ):
        if value is not None:
            clauses.append(f"{column} = {mark}")
            values.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


def _upsert(mark: str) -> str:
    """The archive's upsert, with ``mark`` the driver's placeholder (``?`` or ``%s``)."""
    return (
        f"INSERT INTO archive ({COLUMNS}, sealed) VALUES ({', '.join([mark] * 10)})"
        " ON CONFLICT (programme_id) DO UPDATE SET status = excluded.status,"
        " stage = excluded.stage, closed_at = excluded.closed_at,"
        " archived_at = excluded.archived_at, events = excluded.events,"
        " sealed = excluded.sealed"
    )


def _row(entry: ArchiveEntry, sealed: bytes, time: Callable[[datetime], Any]) -> tuple[Any, ...]:
    """``entry``'s columns and ``sealed``, its times as ``time`` stores them."""
    return (
        entry.programme_id,
        entry.employee_id,
        entry.template_id,
        entry.cohort_id,
        entry.status,
        entry.stage,
        time(entry.closed_at),
        time(entry.archived_at),
        entry.events,
        sealed,
    )


def _entry(row: Sequence[Any], time: Callable[[Any], datetime]) -> ArchiveEntry:
    """The entry in ``row`` (``COLUMNS``' order), its times read by ``time``."""
    return ArchiveEntry(
        programme_id=row[0],
        employee_id=row[1],
        template_id=row[2],
        cohort_id=row[3],
        status=row[4],
        stage=row[5],
        closed_at=time(row[6]),
        archived_at=time(row[7]),
        events=row[8],
    )


def _stored(value: datetime) -> datetime:
    return value


def _read(value: datetime) -> datetime:
    return value.astimezone(UTC)


class SqliteArchive:
    """``ProgrammeArchive`` in one SQLite file, 0600."""

    def __init__(self, path: Path, keyring: Keyring) -> None:
        self.keyring = keyring
        private_file(path)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Deleted rows' pages are zeroed, so erased ciphertext leaves the file too.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS archive (programme_id TEXT PRIMARY KEY,"
            " employee_id TEXT NOT NULL, template_id TEXT NOT NULL, cohort_id TEXT,"
            " status TEXT NOT NULL, stage TEXT, closed_at TEXT NOT NULL,"
            " archived_at TEXT NOT NULL, events INTEGER NOT NULL, sealed BLOB NOT NULL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS archive_employee ON archive (employee_id)")
        self._db.execute("CREATE INDEX IF NOT EXISTS archive_closed ON archive (closed_at)")
        private_sqlite(path)
        self._lock = threading.Lock()

    def put(self, closed: ClosedProgramme, archived_at: datetime) -> bool:
        entry = entry_of(closed, archived_at)
        try:
            sealed = seal(self.keyring, entry, closed.events)
        except DataErased:
            return False
        with self._lock:
            self._db.execute(_upsert("?"), _row(entry, sealed, _utc))
        return True

    def entry(self, programme_id: str) -> ArchiveEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {COLUMNS} FROM archive WHERE programme_id = ?", (programme_id,)
            ).fetchone()
        return None if row is None else _entry(row, _parse)

    def events(self, programme_id: str) -> list[Event] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT sealed FROM archive WHERE programme_id = ?", (programme_id,)
            ).fetchone()
        return None if row is None else unseal(self.keyring, programme_id, bytes(row[0]))

    def entries(self, where: ArchiveFilter) -> list[ArchiveEntry]:
        clause, values = _where(where, "?")
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM archive{clause}"
                " ORDER BY closed_at DESC, programme_id LIMIT ?",
                (*values, where.limit),
            ).fetchall()
        return [_entry(row, _parse) for row in rows]

    def forget_employee(self, employee_id: str) -> int:
        with self._lock:
            cursor = self._db.execute("DELETE FROM archive WHERE employee_id = ?", (employee_id,))
            if cursor.rowcount:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    def prune(self, closed_before: datetime) -> int:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM archive WHERE closed_at < ?", (_utc(closed_before),)
            )
            if cursor.rowcount:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


MIGRATIONS = (
    # 1: as SQLite has it: ids, status and dates in clear, the log sealed.
    """
    CREATE TABLE archive (
        programme_id TEXT PRIMARY KEY, employee_id TEXT NOT NULL, template_id TEXT NOT NULL,
        cohort_id TEXT, status TEXT NOT NULL, stage TEXT, closed_at TIMESTAMPTZ NOT NULL,
        archived_at TIMESTAMPTZ NOT NULL, events INTEGER NOT NULL, sealed BYTEA NOT NULL);
    CREATE INDEX archive_employee ON archive (employee_id);
    CREATE INDEX archive_closed ON archive (closed_at);
    """,
)


class PostgresArchive:
    """``ProgrammeArchive`` in the table ``archive``, on a shared ``Database``."""

    def __init__(self, database: Database, keyring: Keyring) -> None:
        self.keyring = keyring
        self._database = database
        database.migrate(COMPONENT, MIGRATIONS)

    def put(self, closed: ClosedProgramme, archived_at: datetime) -> bool:
        entry = entry_of(closed, archived_at)
        try:
            sealed = seal(self.keyring, entry, closed.events)
        except DataErased:
            return False
        with self._database.connection() as connection:
            connection.execute(_upsert("%s"), _row(entry, sealed, _stored))
        return True

    def entry(self, programme_id: str) -> ArchiveEntry | None:
        with self._database.connection() as connection:
            row = connection.execute(
                f"SELECT {COLUMNS} FROM archive WHERE programme_id = %s", (programme_id,)
            ).fetchone()
        return None if row is None else _entry(row, _read)

    def events(self, programme_id: str) -> list[Event] | None:
        with self._database.connection() as connection:
            row = connection.execute(
                "SELECT sealed FROM archive WHERE programme_id = %s", (programme_id,)
            ).fetchone()
        return None if row is None else unseal(self.keyring, programme_id, bytes(row[0]))

    def entries(self, where: ArchiveFilter) -> list[ArchiveEntry]:
        clause, values = _where(where, "%s")
        with self._database.connection() as connection:
            rows = connection.execute(
                f"SELECT {COLUMNS} FROM archive{clause}"
                " ORDER BY closed_at DESC, programme_id LIMIT %s",
                (*values, where.limit),
            ).fetchall()
        return [_entry(row, _read) for row in rows]

    def forget_employee(self, employee_id: str) -> int:
        with self._database.connection() as connection:
            cursor = connection.execute(
                "DELETE FROM archive WHERE employee_id = %s", (employee_id,)
            )
            if cursor.rowcount:
                # Prune the dead versions now rather than whenever autovacuum comes by.
                connection.execute("VACUUM archive")
        return cursor.rowcount

    def prune(self, closed_before: datetime) -> int:
        with self._database.connection() as connection:
            cursor = connection.execute(
                "DELETE FROM archive WHERE closed_at < %s", (closed_before,)
            )
            if cursor.rowcount:
                connection.execute("VACUUM archive")
        return cursor.rowcount

    def close(self) -> None:
        """Nothing: the pool is the ``Database``'s, shared with the other stores."""


__all__ = [
    "ARCHIVE_FILE",
    "ArchiveEntry",
    "ArchiveFilter",
    "PostgresArchive",
    "ProgrammeArchive",
    "SqliteArchive",
]
