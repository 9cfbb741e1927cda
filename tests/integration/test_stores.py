"""The stores parcours keeps beside Temporal, one contract for every backend: each test
runs on a SQLite file in a data dir and on a real PostgreSQL database (tests/postgres.py).

A "process" here is a store opened anew on the same file or database (its own SQLite
connection, its own connection pool), as a worker and the API each open theirs.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest

from adapters.notify.journal import ERASED, DeliveryJournal
from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import generate_master_key
from adapters.stores.archive import PostgresArchive, ProgrammeArchive, SqliteArchive
from adapters.stores.deliveries import PostgresJournal
from adapters.stores.idempotency import (
    Answer,
    AnswerStore,
    IdempotencyStore,
    KeyConflict,
    PostgresAnswers,
    SqliteAnswers,
)
from adapters.stores.keys import KeyStore, PostgresKeyStore, SqliteKeyStore
from adapters.stores.people import PeopleDirectory, PostgresPeople, SqlitePeople
from adapters.stores.postgres import Database
from domain.people import Contact
from tests.support import free_port


def master() -> bytes:
    return base64.b64decode(generate_master_key())


class Backend:
    """Opens the stores on one SQLite data dir, or one PostgreSQL database."""

    def __init__(self, kind: str, tmp_path: Path, url: str | None) -> None:
        self.kind = kind
        self.tmp_path = tmp_path
        self.url = url
        self.databases: list[Database] = []

    def database(self) -> Database:
        assert self.url is not None
        self.databases.append(Database(self.url, max_size=4))
        return self.databases[-1]

    def keys(self) -> KeyStore:
        if self.kind == "sqlite":
            return SqliteKeyStore(self.tmp_path / "keys.db")
        return PostgresKeyStore(self.database())

    def answers(self) -> AnswerStore:
        if self.kind == "sqlite":
            return SqliteAnswers(self.tmp_path / "idempotency.db")
        return PostgresAnswers(self.database())

    def journal(self, sealer: Keyring) -> DeliveryJournal:
        if self.kind == "sqlite":
            return DeliveryJournal(self.tmp_path / "sent" / "smtp.jsonl", sealer)
        return PostgresJournal(self.database(), "sent/smtp", sealer)

    def people(self, keyring: Keyring) -> PeopleDirectory:
        if self.kind == "sqlite":
            return SqlitePeople(self.tmp_path / "people.db", keyring)
        return PostgresPeople(self.database(), keyring)

    def archive(self, keyring: Keyring) -> ProgrammeArchive:
        if self.kind == "sqlite":
            return SqliteArchive(self.tmp_path / "archive.db", keyring)
        return PostgresArchive(self.database(), keyring)

    def raw(self) -> bytes:
        """Every byte the backend keeps on disk, for tests that look for plaintext."""
        if self.kind == "sqlite":
            return b"".join(path.read_bytes() for path in sorted(self.tmp_path.glob("*.db*")))
        database = self.database()
        with database.connection() as connection:
            connection.execute("CHECKPOINT")
            (where,) = connection.execute(
                "SELECT current_setting('data_directory')"
            ).fetchone() or ("",)
            files = [
                Path(where) / path
                for (path,) in connection.execute(
                    "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                    " WHERE c.relkind IN ('r', 't') AND c.relnamespace = 'public'::regnamespace"
                    " OR c.oid IN (SELECT reltoastrelid FROM pg_class"
                    "  WHERE relname IN ('people', 'archive'))"
                ).fetchall()
                if path is not None
            ]
        return b"".join(path.read_bytes() for path in files if path.exists())

    def keyring(self, secret: bytes, **options: Any) -> Keyring:
        return Keyring(self.keys(), secret, **options)

    def close(self) -> None:
        for database in self.databases:
            database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    opened = Backend(request.param, tmp_path, url)
    yield opened
    opened.close()


# ---------------------------------------------------------------- the key store


def test_a_key_is_made_once_and_found_by_every_process(backend: Backend) -> None:
    secret = master()
    worker, api = backend.keyring(secret), backend.keyring(secret)
    key_id, _aead = worker.key_for("E1")
    assert api.key_for("E1")[0] == key_id
    sealed = worker.seal("E1", b"objectives", b"ctx")
    assert api.open(sealed, b"ctx") == b"objectives"
    assert worker.key_for("system")[0] != key_id
    with pytest.raises(KeyringError, match="does not have"):
        api.key_by_id("k-unknown")


def test_concurrent_first_use_makes_one_key(backend: Backend) -> None:
    secret = master()
    rings = [backend.keyring(secret) for _ in range(3)]
    found: list[str] = []

    def use(ring: Keyring) -> None:
        for _ in range(5):
            found.append(ring.key_for("E-race")[0])

    threads = [threading.Thread(target=use, args=(ring,)) for ring in rings * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1


def test_a_cohorts_keys_are_made_at_once_and_kept_keys_stay(backend: Backend) -> None:
    secret = master()
    api, worker = backend.keyring(secret), backend.keyring(secret)
    kept = worker.key_for("E1")[0]
    worker.erase("E2")
    api.ensure_keys(["employee:E1", "employee:E2", "employee:E3", "employee:E3"])
    assert api.key_for("E1")[0] == kept
    with pytest.raises(DataErased):
        api.key_for("E2")
    made = worker.key_for("E3")[0]
    assert api.key_for("E3")[0] == made
    assert backend.keys().by_owner("employee:E3") == (made, "employee:E3", ANY, None)


def test_another_master_key_is_refused_at_once(backend: Backend) -> None:
    backend.keyring(master()).key_for("E1")
    with pytest.raises(KeyringError, match="not the master key"):
        backend.keyring(master())


def test_erasing_reaches_every_process_and_keeps_a_sealed_reason(backend: Backend) -> None:
    secret = master()
    worker, api = backend.keyring(secret, ttl=0), backend.keyring(secret)
    sealed = worker.seal("E1", b"private")
    done = api.erase("E1", "asked to be forgotten")
    assert not done.already
    assert worker.is_erased("E1")
    assert api.is_erased("E1")
    with pytest.raises(DataErased):
        worker.open(sealed)
    with pytest.raises(DataErased):
        worker.key_for("E1")
    again = worker.erase("E1")
    assert again.already
    assert abs((again.erased_at - done.erased_at).total_seconds()) < 1e-3
    assert worker.erase_reason("E1") == "asked to be forgotten"
    stored = worker.store.reason(("employee:E1",))
    assert stored is not None
    assert "forgotten" not in stored
    # Others are untouched.
    assert api.open(api.seal("E2", b"fine")) == b"fine"


def test_erasing_someone_without_a_key_leaves_a_tombstone(backend: Backend) -> None:
    keys = backend.keyring(master())
    assert not keys.erase("E9").already
    assert keys.is_erased("E9")
    with pytest.raises(DataErased):
        keys.key_for("E9")
    assert keys.erase_reason("E9") is None
    with pytest.raises(ValueError, match="system key"):
        keys.erase("system")


def test_rotating_the_master_key_rewraps_every_key_and_no_payload(backend: Backend) -> None:
    old, new = master(), master()
    ring = backend.keyring(old)
    lagging = backend.keyring(old, ttl=0)  # a process not restarted yet
    sealed = {who: ring.seal(who, who.encode()) for who in ("E1", "E2", "system")}
    ring.erase("E2")
    assert ring.rotate_master(new) == 2  # E1 and system; E2's key is gone
    # This process goes on with the new key; a new one starts with it.
    assert ring.open(sealed["E1"]) == b"E1"
    restarted = backend.keyring(new)
    assert restarted.open(sealed["E1"]) == b"E1"
    assert restarted.open(sealed["system"]) == b"system"
    with pytest.raises(DataErased):
        restarted.open(sealed["E2"])
    # The old key opens the store no more, and a process still holding it is told why.
    with pytest.raises(KeyringError, match="not the master key"):
        backend.keyring(old)
    with pytest.raises(KeyringError, match="rotated"):
        lagging.open(sealed["E1"])
    with pytest.raises(KeyringError, match="rotated"):
        lagging.key_for("E-new")  # nothing is made under the old key after the rotation
    assert not restarted.is_erased("E-new")
    # Rotating twice with the same key is refused: this keyring is on the new one.
    with pytest.raises(KeyringError):
        lagging.rotate_master(master())


# ---------------------------------------------------------------- idempotency answers


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_given_back_to_its_caller_only(backend: Backend) -> None:
    keys = backend.keyring(master())
    clock = Clock()
    first = IdempotencyStore(backend.answers(), keys, ttl=60, clock=clock)
    replica = IdempotencyStore(backend.answers(), keys, ttl=60, clock=clock)
    assert first.begin("caller-a", "k1", "print") is None
    with pytest.raises(KeyConflict, match="in progress"):
        replica.begin("caller-a", "k1", "print")
    first.finish("caller-a", "k1", Answer(200, {"stage": "objectives"}), owner="E1")
    assert replica.begin("caller-a", "k1", "print") == Answer(200, {"stage": "objectives"})
    with pytest.raises(KeyConflict, match="different request"):
        replica.begin("caller-a", "k1", "other print")
    assert replica.begin("caller-b", "k1", "print") is None  # another caller, another request


def test_failures_free_the_key_and_answers_expire(backend: Backend) -> None:
    keys = backend.keyring(master())
    clock = Clock()
    store = IdempotencyStore(backend.answers(), keys, ttl=60, clock=clock)
    assert store.begin("a", "k", "p") is None
    store.finish("a", "k", Answer(503, {"detail": "later"}))
    assert store.begin("a", "k", "p") is None  # the 5xx was not kept
    store.finish("a", "k", Answer(201, {"ok": True}))
    assert store.begin("b", "k2", "p") is None
    store.abandon("b", "k2")
    assert store.begin("b", "k2", "p") is None
    clock.now += 61
    assert store.purge() == 2
    assert store.begin("a", "k", "p") is None  # expired: a new request


def test_a_404_is_never_kept_and_a_dead_requests_key_is_freed(backend: Backend) -> None:
    """A key first used before its programme existed is not stuck on its 404, and no row
    stays for a programme that never exists; a key whose request died with its process
    (no answer ever written) is free again once its lease is over, not after the TTL."""
    keys = backend.keyring(master())
    clock = Clock()
    store = IdempotencyStore(backend.answers(), keys, ttl=3600, lease=120, clock=clock)
    assert store.begin("a", "early", "p") is None
    store.finish("a", "early", Answer(404, {"error": {"code": "not_found"}}))
    assert store.purge() == 0  # nothing kept
    assert store.begin("a", "early", "p") is None  # sent again: a new request

    assert store.begin("a", "killed", "p") is None  # ...and its process is SIGKILLed
    clock.now += 119
    with pytest.raises(KeyConflict, match="in progress"):
        store.begin("a", "killed", "p")
    clock.now += 2
    assert store.begin("a", "killed", "p") is None
    store.finish("a", "killed", Answer(200, {"ok": True}))
    assert store.begin("a", "killed", "p") == Answer(200, {"ok": True})


def test_an_erased_employees_answer_is_gone_with_them(backend: Backend) -> None:
    keys = backend.keyring(master(), ttl=0)
    store = IdempotencyStore(backend.answers(), keys, ttl=60, clock=Clock())
    assert store.begin("a", "k", "p") is None
    store.finish("a", "k", Answer(200, {"name": "private"}), owner="E1")
    keys.erase("E1")
    assert store.begin("a", "k", "p") is None
    store.finish("a", "k", Answer(200, {"name": "private"}), owner="E1")  # not kept
    assert store.begin("a", "k", "p") is None


# ---------------------------------------------------------------- sent-ledgers


async def test_a_delivery_is_written_once_whichever_worker_writes_it(backend: Backend) -> None:
    keys = backend.keyring(master(), ttl=0)
    one, other = backend.journal(keys), backend.journal(keys)
    record = {"delivery_id": "d1", "status": "sent", "detail": "250 ok to ada@example.com"}
    first, fresh = await one.append_once(record, owner="E1")
    assert fresh
    again, fresh = await other.append_once({**record, "detail": "second"}, owner="E1")
    assert not fresh
    assert again.line == first.line
    found = await other.find("d1")
    assert found is not None
    assert found.status == "sent"
    assert found.detail == "250 ok to ada@example.com"
    assert await other.find("d2") is None
    await other.append_once({"delivery_id": "d2", "status": "refused", "detail": "no"}, "E2")
    assert [line["delivery_id"] for line in one.read()] == ["d1", "d2"]
    keys.erase("E1")
    erased = await one.find("d1")
    assert erased is not None
    assert erased.detail == ERASED
    assert one.read()[0]["erased"] is True


# ---------------------------------------------------------------- the people directory


def test_a_contact_set_by_one_process_is_read_by_another_sealed(backend: Backend) -> None:
    secret = master()
    api_keys, worker_keys = backend.keyring(secret), backend.keyring(secret)
    api, worker = backend.people(api_keys), backend.people(worker_keys)
    grace = Contact(id="M4", name="Grace Hopper", email="grace@example.com", locale="fr")
    api.put(grace)
    api.put(Contact(id="H2", name="No Mail"))
    assert worker.get("M4") == grace
    assert worker.get("H2") == Contact(id="H2", name="No Mail")
    assert worker.get("nobody") is None
    moved = grace.model_copy(update={"email": "grace@new.example.com"})
    worker.put(moved)  # a later set replaces the entry, for every process
    assert api.get("M4") == moved
    raw = backend.raw()
    assert b"M4" in raw  # the id is in clear, and these are the right files
    for secret_text in (b"Grace", b"grace@", b"No Mail", b"new.example"):
        assert secret_text not in raw, secret_text
    api.close()
    worker.close()


def test_erasing_a_person_shreds_their_entry_only(backend: Backend) -> None:
    keys = backend.keyring(master(), ttl=0)
    people = backend.people(keys)
    people.put(Contact(id="M4", name="Grace Hopper", email="grace@example.com"))
    people.put(Contact(id="M5", name="Other", email="other@example.com"))
    keys.erase("M4", "left")
    assert people.get("M4") is None  # the row is still there, and opens to nothing
    people.forget("M4")
    people.forget("M4")  # twice: nothing left, no error
    assert people.get("M4") is None
    other = people.get("M5")
    assert other is not None
    assert other.email == "other@example.com"
    people.close()


# ---------------------------------------------------------------- secure deletion


def _wrapped(store: KeyStore, owner: str) -> bytes:
    row = store.by_owner(owner)
    assert row is not None
    assert row.wrapped is not None
    return row.wrapped


def test_sqlite_leaves_no_erased_key_material_in_its_files(tmp_path: Path) -> None:
    keys = Keyring(SqliteKeyStore(tmp_path / "keys.db"), master())
    keys.key_for("E1")
    wrapped = _wrapped(keys.store, "employee:E1")
    keys.erase("E1")
    keys.close()
    for path in tmp_path.glob("keys.db*"):
        assert wrapped not in path.read_bytes(), path


def test_postgresql_prunes_erased_key_material_from_the_table(postgres_url: str) -> None:
    """What VACUUM after an erasure leaves in the table's file: measured, not assumed
    (adapters.stores.keys explains why PostgreSQL can promise less than SQLite)."""
    database = Database(postgres_url)
    try:
        keys = Keyring(PostgresKeyStore(database), master())
        keys.key_for("E1")
        wrapped = _wrapped(keys.store, "employee:E1")
        with database.connection() as connection:
            connection.execute("CHECKPOINT")
            row = connection.execute(
                "SELECT current_setting('data_directory') || '/' || pg_relation_filepath('keys')"
            ).fetchone()
        assert row is not None
        table = Path(row[0])
        assert wrapped in table.read_bytes()
        keys.erase("E1")
        with database.connection() as connection:
            connection.execute("CHECKPOINT")
            (live,) = connection.execute(
                "SELECT count(*) FROM keys WHERE wrapped IS NOT NULL AND owner = 'employee:E1'"
            ).fetchone() or (None,)
        assert live == 0
        assert wrapped not in table.read_bytes()
    finally:
        database.close()


# ---------------------------------------------------------------- schema versions


def test_the_schema_is_versioned_and_migrated_once(postgres_url: str) -> None:
    first, second = Database(postgres_url), Database(postgres_url)
    try:
        opened: list[Exception] = []

        def open_both() -> None:
            try:
                PostgresKeyStore(second)
                PostgresAnswers(second)
            except Exception as exc:  # pragma: no cover - reported below
                opened.append(exc)

        thread = threading.Thread(target=open_both)
        thread.start()
        PostgresKeyStore(first)
        PostgresAnswers(first)
        thread.join()
        assert not opened
        assert first.version("keys") == 1
        assert first.version("idempotency") == 1
        assert first.version("people") == 0
        PostgresPeople(second, Keyring(PostgresKeyStore(second), master()))
        assert first.version("people") == 1
        third = Database(postgres_url)
        try:
            assert third.migrate("keys", ["SELECT 1"]) == 1  # nothing left to do
            assert third.migrate("demo", ["CREATE TABLE demo (x int)"]) == 0
            assert third.version("demo") == 1
        finally:
            third.close()
        newer = Database(postgres_url)
        try:
            from adapters.stores.postgres import DatabaseError

            with pytest.raises(DatabaseError, match="newer than this parcours"):
                newer.migrate("demo", [])
        finally:
            newer.close()
    finally:
        first.close()
        second.close()


def test_a_wrong_url_names_the_database_without_its_password() -> None:
    from adapters.stores.postgres import DatabaseError, redact

    assert (
        redact("postgresql://me:s3cret@db:5432/parcours") == "postgresql://me:***@db:5432/parcours"
    )
    with pytest.raises(DatabaseError, match="postgresql://") as caught:
        Database("mysql://me:s3cret@db/parcours")
    assert "s3cret" not in str(caught.value)


# ---------------------------------------------------------------- chosen by the settings


def test_the_settings_choose_postgresql_and_every_process_shares_it(
    postgres_url: str, tmp_path: Path
) -> None:
    import bootstrap.database
    import bootstrap.keys
    import bootstrap.stores
    from config import Settings

    key = generate_master_key()
    worker_dir, api_dir = tmp_path / "worker", tmp_path / "api"  # no shared volume
    try:
        worker = bootstrap.keys.open_keyring(
            Settings(data_dir=worker_dir, master_key=key, database_url=postgres_url)
        )
        api_settings = Settings(data_dir=api_dir, master_key=key, database_url=postgres_url)
        api = bootstrap.keys.open_keyring(api_settings)
        assert isinstance(worker.store, PostgresKeyStore)
        assert api.open(worker.seal("E1", b"shared")) == b"shared"
        answers = bootstrap.stores.idempotency_store(api_settings, api)
        assert isinstance(answers.store, PostgresAnswers)
        directory = bootstrap.stores.people_directory(api_settings, api)
        assert isinstance(directory, PostgresPeople)
        directory.put(Contact(id="M4", name="Grace Hopper", email="grace@example.com"))
        worker_settings = Settings(data_dir=worker_dir, master_key=key, database_url=postgres_url)
        found = bootstrap.stores.people_directory(worker_settings, worker).get("M4")
        assert found is not None
        assert found.email == "grace@example.com"
        assert bootstrap.database.database_for(api_settings) is bootstrap.database.database_for(
            api_settings
        )
        assert not (worker_dir / "keys.db").exists()
        assert not (api_dir / "idempotency.db").exists()
        assert not (api_dir / "people.db").exists()
    finally:
        bootstrap.database.close_databases()


def test_without_a_database_url_the_stores_are_files_in_the_data_dir(tmp_path: Path) -> None:
    import bootstrap.database
    import bootstrap.keys
    import bootstrap.stores
    from config import Settings

    settings = Settings(data_dir=tmp_path, master_key=generate_master_key())
    keys = bootstrap.keys.open_keyring(settings)
    assert isinstance(keys.store, SqliteKeyStore)
    assert isinstance(bootstrap.stores.idempotency_store(settings, keys).store, SqliteAnswers)
    assert isinstance(bootstrap.stores.people_directory(settings, keys), SqlitePeople)
    assert (tmp_path / "keys.db").exists()
    assert (tmp_path / "idempotency.db").exists()
    assert (tmp_path / "people.db").exists()


def test_a_bad_database_url_is_named_and_its_password_is_not(tmp_path: Path) -> None:
    import bootstrap.database
    import bootstrap.keys
    import bootstrap.stores
    from config import Settings, SettingsError
    from config.loading import load_settings

    with pytest.raises(SettingsError, match="PARCOURS_DATABASE_URL: must be a postgresql://"):
        load_settings(database_url="mysql://me:s3cret@db/parcours")
    port = free_port()
    settings = Settings(
        data_dir=tmp_path,
        master_key=generate_master_key(),
        database_url=f"postgresql://me:s3cret@127.0.0.1:{port}/parcours?connect_timeout=1",
    )
    assert "s3cret" not in repr(settings)
    with pytest.raises(SettingsError, match="PARCOURS_DATABASE_URL: cannot connect") as caught:
        bootstrap.keys.open_keyring(settings)
    assert "s3cret" not in str(caught.value)


def test_without_postgresql_the_tests_skip_saying_why_unless_ci_requires_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests import postgres

    monkeypatch.setattr(postgres, "_binaries", lambda: None)
    monkeypatch.delenv(postgres.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="install Debian's `postgresql`"):
        next(postgres.start_cluster())
    monkeypatch.setenv(postgres.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="PARCOURS_REQUIRE_POSTGRES is set"):
        next(postgres.start_cluster())
