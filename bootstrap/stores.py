"""The stores beside Temporal, each sealed per person with the keyring: the API's
Idempotency-Key answers, the people directory, the archive of closed programmes. Files
in the data dir, or PostgreSQL with ``PARCOURS_DATABASE_URL`` (``bootstrap.database``).
"""

from __future__ import annotations

from pathlib import Path

from adapters.payloads.keyring import Keyring
from adapters.stores.archive import (
    ARCHIVE_FILE,
    PostgresArchive,
    ProgrammeArchive,
    SqliteArchive,
)
from adapters.stores.idempotency import (
    AnswerStore,
    IdempotencyStore,
    PostgresAnswers,
    SqliteAnswers,
)
from adapters.stores.people import PeopleDirectory, PostgresPeople, SqlitePeople
from adapters.stores.private import private_dir
from bootstrap.database import database_for
from bootstrap.keys import open_keyring
from config import Settings

IDEMPOTENCY_FILE = "idempotency.db"
PEOPLE_FILE = "people.db"


def answer_store(settings: Settings) -> AnswerStore:
    """Where the API keeps its Idempotency-Key answers: PostgreSQL with
    ``PARCOURS_DATABASE_URL`` (every replica sees them), else ``idempotency.db``."""
    database = database_for(settings)
    if database is not None:
        return PostgresAnswers(database)
    return SqliteAnswers(private_dir(settings.data_dir) / IDEMPOTENCY_FILE)


def idempotency_store(settings: Settings, keyring: Keyring | None = None) -> IdempotencyStore:
    """Where the API keeps the answers to writes it was given an Idempotency-Key for
    (``answer_store``), sealed per employee with ``keyring`` (default: ``open_keyring``),
    for ``PARCOURS_IDEMPOTENCY_TTL`` seconds."""
    keys = keyring if keyring is not None else open_keyring(settings)
    return IdempotencyStore(answer_store(settings), keys, ttl=settings.idempotency_ttl)


def people_directory(
    settings: Settings, keyring: Keyring, data_dir: Path | None = None
) -> PeopleDirectory:
    """The people directory, each entry sealed with its person's key: PostgreSQL with
    ``PARCOURS_DATABASE_URL`` (the API and every worker, on any host, read the same
    contacts), else ``people.db`` in the data dir (``data_dir`` wins over the settings')."""
    database = database_for(settings)
    if database is not None:
        return PostgresPeople(database, keyring)
    where = data_dir if data_dir is not None else settings.data_dir
    return SqlitePeople(private_dir(where) / PEOPLE_FILE, keyring)


def programme_archive(
    settings: Settings, keyring: Keyring, data_dir: Path | None = None
) -> ProgrammeArchive:
    """Where closed programmes' events are kept past Temporal's retention, sealed per
    employee: PostgreSQL with ``PARCOURS_DATABASE_URL``, else ``archive.db`` in the data
    dir (``data_dir`` wins over the settings')."""
    database = database_for(settings)
    if database is not None:
        return PostgresArchive(database, keyring)
    where = data_dir if data_dir is not None else settings.data_dir
    return SqliteArchive(private_dir(where) / ARCHIVE_FILE, keyring)
