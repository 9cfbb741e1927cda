"""The PostgreSQL database ``PARCOURS_DATABASE_URL`` names: one connection pool per
process and URL, shared by every store (``bootstrap.keys``, ``bootstrap.stores``, the
sent-ledgers) and closed at exit. Without it the stores are SQLite files in the data dir.
"""

from __future__ import annotations

import atexit
import threading

from adapters.stores.postgres import Database, DatabaseError
from config import Settings, SettingsError

_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


def database_for(settings: Settings) -> Database | None:
    """The PostgreSQL database ``PARCOURS_DATABASE_URL`` names, or None (SQLite files in
    the data dir). One connection pool per process and URL, shared by every store and
    closed at exit. Raises ``SettingsError`` naming the variable when it cannot be reached.
    """
    if settings.database_url is None:
        return None
    url = settings.database_url.get_secret_value().strip()
    with _databases_lock:
        database = _databases.get(url)
        if database is None:
            try:
                database = Database(url)
            except DatabaseError as exc:
                raise SettingsError([f"PARCOURS_DATABASE_URL: {exc}"]) from None
            _databases[url] = database
            if len(_databases) == 1:
                atexit.register(close_databases)
    return database


def close_databases() -> None:
    """Close the pools ``database_for`` opened (at exit, and in tests)."""
    with _databases_lock:
        for database in _databases.values():
            database.close()
        _databases.clear()
