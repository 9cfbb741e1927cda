"""The channels' sent-ledgers on PostgreSQL: every worker, on any host, sees what was sent.

A ``DeliveryJournal`` (``adapters.notify.journal``) whose lines are rows of the table
``deliveries``, one per (journal, delivery id): the primary key makes "written at most
once per id" hold between workers as the file lock does on one host. The line is stored
as the file would hold it (ids in the clear, the rest sealed with the employee's key),
so erasing the employee makes it unreadable here too. ``line`` is the row's place in the
table (a sequence), where the file gives a line number.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import PurePosixPath
from typing import Any

from adapters.notify.journal import SEALED, DeliveryJournal, Entry, Sealer
from adapters.stores.postgres import Database

COMPONENT = "deliveries"
MIGRATIONS = (
    # 1: one row per (journal, delivery id), in the order written.
    """
    CREATE TABLE deliveries (
        journal     TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        line        BIGSERIAL NOT NULL,
        record      TEXT NOT NULL,
        PRIMARY KEY (journal, delivery_id)
    );
    """,
)


class PostgresJournal(DeliveryJournal):
    """A sent-ledger named ``journal`` (e.g. ``sent/smtp``) in the table ``deliveries``."""

    def __init__(self, database: Database, journal: str, sealer: Sealer | None = None) -> None:
        super().__init__(PurePosixPath(f"{database.name}#{journal}"), sealer)  # type: ignore[arg-type]
        self.journal = journal
        self._database = database
        database.migrate(COMPONENT, MIGRATIONS)

    def _find(self, delivery_id: str) -> Entry | None:
        with self._database.connection() as connection:
            row = connection.execute(
                "SELECT line, record FROM deliveries WHERE journal = %s AND delivery_id = %s",
                (self.journal, delivery_id),
            ).fetchone()
        return None if row is None else _entry(int(row[0]), row[1])

    def _append_once(self, delivery_id: str, line: bytes) -> tuple[Entry, bool]:
        text = line.decode().strip()
        with self._database.connection() as connection:
            written = connection.execute(
                "INSERT INTO deliveries (journal, delivery_id, record) VALUES (%s, %s, %s) "
                "ON CONFLICT (journal, delivery_id) DO NOTHING",
                (self.journal, delivery_id, text),
            ).rowcount
        found = self._find(delivery_id)
        assert found is not None
        return found, bool(written)

    def read(self) -> list[dict[str, Any]]:
        with self._database.connection() as connection:
            rows = connection.execute(
                "SELECT record FROM deliveries WHERE journal = %s ORDER BY line", (self.journal,)
            ).fetchall()
        return [self.open_record(json.loads(record)) for (record,) in rows]

    async def find(self, delivery_id: str) -> Entry | None:
        entry = await asyncio.to_thread(self._find, delivery_id)
        return self._opened(delivery_id, entry)


def _entry(line: int, raw: str) -> Entry:
    record = json.loads(raw)

    def text(key: str) -> str | None:
        value = record.get(key)
        return value if isinstance(value, str) else None

    return Entry(line, text("status"), text("detail"), text(SEALED))


__all__ = ["COMPONENT", "PostgresJournal"]
