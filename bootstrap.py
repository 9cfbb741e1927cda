"""The composition root: everything parcours runs is built here, from the settings.

From one ``Settings`` (see ``config``) it builds the stores (the key store, the API's
answers, the people directory and the sent-ledgers: files in the data dir, or
PostgreSQL with ``PARCOURS_DATABASE_URL``), the connection to Temporal (one way for
worker, API and CLI: metrics runtime and tracing included), the notification channels,
the activities and the worker, and runs them: a worker for any Temporal, or everything
embedded (``up``). Adapters take plain values from here and never read the settings
themselves.

Stopping: ``stop_on_signals()`` turns SIGINT/SIGTERM into an event; when it is
set the worker stops polling for new tasks, gives the activities already
running ``PARCOURS_SHUTDOWN_GRACE`` seconds to finish, then cancels the rest
(Temporal retries them on another worker; the notification channels'
ledgers keep a retry from sending twice) and returns.

Every builder is here so that no adapter reads the settings and no shell builds its own;
what the worker hosts and how it runs is ``workers.programme``.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from temporalio.client import Client
from temporalio.service import TLSConfig

from adapters.payloads.keyring import KEYS_FILE, MASTER_KEY_ENV, Keyring, KeyringError
from adapters.payloads.master_key import MASTER_KEY_FILE, parse_master_key
from adapters.reports import EvaluationRecorder
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
from adapters.stores.keys import KeyStore, KeyStoreError, PostgresKeyStore, SqliteKeyStore
from adapters.stores.people import PeopleDirectory, PostgresPeople, SqlitePeople
from adapters.stores.postgres import Database, DatabaseError
from adapters.stores.private import private_dir
from adapters.temporal.connection import Connection
from adapters.temporal.connection import connect as connect_to
from config import Settings, SettingsError, load_settings, reveal

if TYPE_CHECKING:
    from activities.notifier import Directory, Notifier
    from activities.programme import ProgrammeActivities
    from adapters.notify.fanout import FanOutNotifier
    from adapters.notify.journal import DeliveryJournal
    from adapters.notify.outbox import OutboxNotifier
    from adapters.notify.smtp import SmtpConfig
    from adapters.notify.webhook import WebhookConfig
    from adapters.stores.idempotency import IdempotencyStore
    from adapters.temporal.dev_server import DevServer

# The worker's side (notifiers, activities, the worker, the dev server, logging) is
# imported where it is built: a CLI command only connects, and starts faster for it.

IDEMPOTENCY_FILE = "idempotency.db"
PEOPLE_FILE = "people.db"


def stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so everything can stop in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


# ---------------------------------------------------------------- keys


def master_key_for(settings: Settings, data_dir: Path | None = None) -> bytes:
    """The master key: ``PARCOURS_MASTER_KEY``, else the file ``PARCOURS_MASTER_KEY_FILE``
    names, else ``<data_dir>/master.key``.

    Raises ``SettingsError`` naming ``PARCOURS_MASTER_KEY`` when none is there, or
    when the one found is malformed.
    """
    path = master_key_path(settings, data_dir)
    try:
        if settings.master_key is not None:
            return parse_master_key(settings.master_key.get_secret_value())
        if path is not None and path.is_file():
            return parse_master_key(path.read_text(), f"{MASTER_KEY_ENV} (from {path})")
    except KeyringError as exc:
        raise SettingsError([str(exc)]) from None
    if settings.master_key_file is not None:
        raise SettingsError(
            [f"PARCOURS_MASTER_KEY_FILE: there is no file {settings.master_key_file}"]
        )
    raise SettingsError(
        [
            f"{MASTER_KEY_ENV}: not set, and there is no {path}: set it to the master key "
            "that encrypts every payload (base64 of 32 bytes; the same for every worker, "
            "the API and the CLI), or run `parcours up` once to make one in the data dir"
        ]
    )


def master_key_path(settings: Settings, data_dir: Path | None = None) -> Path | None:
    """The file the master key is read from; None when ``PARCOURS_MASTER_KEY`` gives it."""
    if settings.master_key is not None:
        return None
    if settings.master_key_file is not None:
        return settings.master_key_file
    return (data_dir if data_dir is not None else settings.data_dir) / MASTER_KEY_FILE


def pending_key_file(path: Path) -> Path:
    """Where a rotation writes the new master key before moving it over ``path``."""
    return path.with_name(path.name + ".new")


def master_key_reload(
    settings: Settings, data_dir: Path | None = None
) -> Callable[[], Iterable[bytes]] | None:
    """For a running process, the master keys its key file holds now: the file, and the
    new key a rotation writes beside it before moving it over (``master.key.new``). None
    when the key is ``PARCOURS_MASTER_KEY``, which a running process cannot read anew."""
    path = master_key_path(settings, data_dir)
    if path is None:
        return None
    files = (path, pending_key_file(path))

    def found() -> Iterator[bytes]:
        for file in files:
            try:
                yield parse_master_key(file.read_text(), str(file))
            except (OSError, KeyringError):  # absent, or being written: skip it
                continue

    return found


# ---------------------------------------------------------------- stores

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


def key_store(settings: Settings, data_dir: Path | None = None) -> KeyStore:
    """Where the data keys are kept: PostgreSQL with ``PARCOURS_DATABASE_URL``, else
    ``keys.db`` in the data dir (``data_dir`` wins over the settings')."""
    database = database_for(settings)
    try:
        if database is not None:
            return PostgresKeyStore(database)
        where = private_dir(data_dir if data_dir is not None else settings.data_dir)
        return SqliteKeyStore(where / KEYS_FILE)
    except KeyStoreError as exc:
        raise SettingsError([str(exc)]) from None


def answer_store(settings: Settings) -> AnswerStore:
    """Where the API keeps its Idempotency-Key answers: PostgreSQL with
    ``PARCOURS_DATABASE_URL`` (every replica sees them), else ``idempotency.db``."""
    database = database_for(settings)
    if database is not None:
        return PostgresAnswers(database)
    return SqliteAnswers(private_dir(settings.data_dir) / IDEMPOTENCY_FILE)


def open_keyring(settings: Settings, data_dir: Path | None = None) -> Keyring:
    """The key store (``key_store``) opened with the master key. Raises
    ``SettingsError`` for a missing or wrong master key, or an unreachable database."""
    where = private_dir(data_dir if data_dir is not None else settings.data_dir)
    master = master_key_for(settings, where)
    store = key_store(settings, where)
    try:
        return Keyring(store, master, reload=master_key_reload(settings, where))
    except KeyringError as exc:
        raise SettingsError([f"{MASTER_KEY_ENV}: {exc}"]) from None


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


@dataclass(frozen=True)
class Rotation:
    """What ``rotate_master_key`` did."""

    rewrapped: int
    """How many live data keys are wrapped under the new master key now."""
    store: str
    """Where the key store is (a path, or the database URL without its password)."""
    key_file: Path | None
    """The file the old key came from (`master.key`, `PARCOURS_MASTER_KEY_FILE`), which holds
    the new one now."""


def rotate_master_key(
    settings: Settings, new_master_key: bytes, data_dir: Path | None = None
) -> Rotation:
    """Wrap every data key under ``new_master_key`` (``Keyring.rotate_master``): no payload
    is re-encrypted, the check value is rewritten. When the current key came from
    ``<data_dir>/master.key`` (no ``PARCOURS_MASTER_KEY``), that file gets the new key:
    written beside it first (``master.key.new``), moved over it once the store is rotated,
    so a failure in between leaves both keys on disk, never neither."""
    where = private_dir(data_dir if data_dir is not None else settings.data_dir)
    keyring = open_keyring(settings, where)
    if new_master_key == master_key_for(settings, where):
        raise SettingsError(["the new master key is the current one: nothing to rotate"])
    key_file = master_key_path(settings, where)
    pending = pending_key_file(key_file or where / MASTER_KEY_FILE)
    if key_file is not None:
        descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(base64.b64encode(new_master_key).decode() + "\n")
    try:
        rewrapped = keyring.rotate_master(new_master_key)
    except KeyringError as exc:
        pending.unlink(missing_ok=True)
        raise SettingsError([f"{MASTER_KEY_ENV}: {exc}"]) from None
    finally:
        keyring.close()
    if key_file is not None:
        os.replace(pending, key_file)
    return Rotation(rewrapped, keyring.path, key_file)


# ---------------------------------------------------------------- Temporal


def connection_for(
    settings: Settings, address: str | None = None, namespace: str | None = None
) -> Connection:
    """How to reach the settings' Temporal (``address`` and ``namespace`` win).

    TLS is on with a client certificate (mTLS), with an API key (Temporal Cloud),
    or when ``TEMPORAL_TLS`` says so; ``TEMPORAL_TLS_CA`` and
    ``TEMPORAL_TLS_SERVER_NAME`` adjust how the server is verified.
    """
    tls: bool | TLSConfig
    configured = (
        settings.temporal_tls_cert,
        settings.temporal_tls_ca,
        settings.temporal_tls_server_name,
    )
    if settings.temporal_tls is not False and any(v is not None for v in configured):
        tls = TLSConfig(
            client_cert=_read(settings.temporal_tls_cert),
            client_private_key=_read(settings.temporal_tls_key),
            server_root_ca_cert=_read(settings.temporal_tls_ca),
            domain=settings.temporal_tls_server_name,
        )
    elif settings.temporal_tls is not None:
        tls = settings.temporal_tls
    else:
        tls = settings.temporal_api_key is not None
    return Connection(
        target_host=address or settings.temporal_address,
        namespace=namespace or settings.temporal_namespace,
        tls=tls,
        api_key=reveal(settings.temporal_api_key),
        metrics_address=settings.metrics_address,
        otlp_endpoint=settings.otlp_endpoint,
    )


async def connect(
    settings: Settings,
    *,
    address: str | None = None,
    namespace: str | None = None,
    keyring: Keyring | None = None,
    lazy: bool = False,
    metrics: bool = True,
) -> Client:
    """A client on the settings' Temporal, with parcours' data converter (payloads sealed
    with ``keyring``'s keys, default: the key store in the data dir), metrics and tracing.

    ``metrics=False`` for a short command: it must not take the Prometheus port that the
    worker or the API on the same host serves."""
    connection = connection_for(settings, address, namespace)
    if not metrics:
        connection = replace(connection, metrics_address=None)
    return await connect_to(
        connection,
        keyring if keyring is not None else open_keyring(settings),
        lazy=lazy,
    )


def _read(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None else None


# ---------------------------------------------------------------- activities


def build_notifier(
    data_dir: Path,
    channels: Sequence[str] = ("outbox",),
    *,
    smtp: SmtpConfig | None = None,
    webhook: WebhookConfig | None = None,
    public_url: str | None = None,
    keyring: Keyring | None = None,
    database: Database | None = None,
) -> FanOutNotifier:
    """The channels named, with their sent-ledgers under ``<data_dir>/sent/``, or in
    ``database`` (PostgreSQL: shared by every worker, on any host).

    ``smtp`` and ``webhook`` are required when their channel is named. With ``keyring``
    (always, outside tests) the outbox and the ledgers keep personal data sealed with
    the employee's key.
    """
    from adapters.notify.choices import CHANNELS
    from adapters.notify.fanout import Channel, FanOutNotifier
    from adapters.notify.outbox import OUTBOX_FILE, OutboxNotifier
    from adapters.notify.smtp import SmtpNotifier
    from adapters.notify.webhook import WebhookNotifier

    unknown = [name for name in channels if name not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown notification channel(s) {unknown}; known: {list(CHANNELS)}")
    built: list[Channel] = []
    for name in CHANNELS:
        if name not in channels:
            continue
        if name == "outbox":
            box = OutboxNotifier(data_dir / OUTBOX_FILE, keyring, public_url)
            built.append(Channel(name, box))
        elif name == "smtp":
            if smtp is None:
                raise ValueError("the smtp channel needs an SmtpConfig")
            mailer = SmtpNotifier(smtp, public_url)
            ledger = _ledger(data_dir, name, keyring, database)
            built.append(Channel(name, mailer, ledger, mailer.skip_reason))
        else:
            if webhook is None:
                raise ValueError("the webhook channel needs a WebhookConfig")
            ledger = _ledger(data_dir, name, keyring, database)
            built.append(Channel(name, WebhookNotifier(webhook), ledger))
    return FanOutNotifier(built)


def build_activities(
    data_dir: Path,
    notifier: Notifier | None = None,
    *,
    evaluation_notices: bool = False,
    keyring: Keyring | None = None,
    people: Directory | None = None,
) -> ProgrammeActivities:
    """The activities on ``notifier`` (default: the outbox, ``<data_dir>/outbox.jsonl``,
    sealed with ``keyring``); ``evaluation_notices`` announces reports through the same
    notifier. Reports are not filed: they are rendered from the events on demand."""
    from activities.programme import ProgrammeActivities
    from adapters.notify.outbox import OUTBOX_FILE, OutboxNotifier

    chosen = notifier if notifier is not None else OutboxNotifier(data_dir / OUTBOX_FILE, keyring)
    return ProgrammeActivities(
        chosen,
        EvaluationRecorder(),
        evaluation_notices=chosen if evaluation_notices else None,
        people=people,
    )


def _ledger(
    data_dir: Path, channel: str, keyring: Keyring | None, database: Database | None = None
) -> DeliveryJournal:
    # Imported here: the notifiers' modules (and structlog) are the worker's, not a command's.
    if database is not None:
        from adapters.stores.deliveries import PostgresJournal

        return PostgresJournal(database, f"sent/{channel}", keyring)
    from adapters.notify.journal import DeliveryJournal

    return DeliveryJournal(data_dir / "sent" / f"{channel}.jsonl", keyring)


def outbox(settings: Settings) -> OutboxNotifier:
    """The data dir's outbox, to read (``parcours outbox read``)."""
    from adapters.notify.outbox import OUTBOX_FILE, OutboxNotifier

    return OutboxNotifier(settings.data_dir / OUTBOX_FILE, open_keyring(settings))


def programme_activities(
    settings: Settings, data_dir: Path | None = None, *, keyring: Keyring | None = None
) -> ProgrammeActivities:
    """The activities on the channels ``settings`` name; evaluation reports are announced
    through them too. Files go to ``data_dir`` (default: the settings' data dir), sealed
    with ``keyring`` (default: the key store there)."""
    where = data_dir if data_dir is not None else settings.data_dir
    keys = keyring if keyring is not None else open_keyring(settings, where)
    notifier = build_notifier(
        where,
        settings.notifiers,
        smtp=settings.smtp,
        webhook=settings.webhook,
        public_url=settings.public_url,
        keyring=keys,
        database=database_for(settings),
    )
    people = people_directory(settings, keys, where)
    return build_activities(where, notifier, evaluation_notices=True, keyring=keys, people=people)


async def run_worker(
    client: Client,
    data_dir: Path | None,
    stop: asyncio.Event,
    *,
    settings: Settings | None = None,
    activities: Sequence[Callable[..., Any]] | None = None,
) -> None:
    """Host programmes and their activities (``workers.programme``) until ``stop`` is
    set, then drain.

    ``data_dir`` (default: the settings') must exist: the outbox, the channels'
    ledgers go there, sealed per employee. ``activities`` replaces the ones
    built from the settings (tests). For metrics and tracing, ``client`` should
    come from ``connect(settings)``.
    """
    import structlog

    from adapters.observability.tracing import flush_tracing
    from adapters.payloads.encryption import keyring_of
    from workers.deployment import deployment_config, versioning_unsupported
    from workers.programme import Tuning, serve

    settings = settings if settings is not None else load_settings()
    deployment = None
    if settings.worker_versioning:
        deployment = deployment_config(settings.build_id)
        unsupported = await versioning_unsupported(client)
        if unsupported is not None:
            structlog.get_logger("parcours").warning(
                "worker runs unversioned",
                reason=unsupported,
                hint="upgrade Temporal, or set PARCOURS_WORKER_VERSIONING=false",
            )
            deployment = None
    where = data_dir if data_dir is not None else settings.data_dir
    if activities is None:
        from activities.archive import ArchiveActivities

        keys = keyring_of(client.data_converter)  # the keys the client seals payloads with
        activities = programme_activities(settings, where, keyring=keys).all()
        archive = programme_archive(settings, keys or open_keyring(settings, where), where)
        activities = [*activities, ArchiveActivities(archive).archive_programme]
    try:
        await serve(
            client,
            activities,
            stop,
            task_queue=settings.task_queue,
            tuning=Tuning(shutdown_grace=timedelta(seconds=settings.shutdown_grace)),
            deployment=deployment,
            current=settings.make_current,
            move_pinned=settings.move_pinned,
            data_dir=str(where),
            notifiers=list(settings.notifiers),
            metrics=settings.metrics_address,
            tracing=settings.otlp_endpoint,
        )
    finally:
        flush_tracing()


async def serve_worker(settings: Settings, stop: asyncio.Event) -> None:
    """``parcours worker``: connect as the settings say, host programmes, drain on ``stop``."""
    private_dir(settings.data_dir)
    client = await connect(settings)
    await run_worker(client, settings.data_dir, stop, settings=settings)


async def run_embedded(
    data_dir: Path,
    *,
    port: int,
    ui_port: int,
    stop: asyncio.Event,
    on_ready: Callable[[DevServer, Client], Awaitable[None]] | None = None,
    settings: Settings | None = None,
    ui_codec_endpoint: str | None = None,
) -> None:
    """The Temporal dev server on a SQLite file in ``data_dir``, and a worker on it.

    ``data_dir`` wins over the settings' (it is where the server's database is).
    The settings' Temporal address, TLS and API key do not apply to the
    embedded server; everything else does (channels, metrics, tracing, grace). The
    key store is the one in ``data_dir``; ``ui_codec_endpoint`` points the Web UI
    at a codec server (the API's ``/codec``) so it can show payloads decrypted.
    """
    from adapters.temporal.dev_server import DevServer

    settings = settings if settings is not None else load_settings(data_dir=data_dir)
    # One worker, one build: programmes pinned to a build it ran before (this data dir,
    # older code) would have no worker left; they move onto this one if they replay.
    settings = settings.model_copy(update={"make_current": True, "move_pinned": True})
    keyring = open_keyring(settings, data_dir)
    server_ = DevServer(data_dir, port=port, ui_port=ui_port, ui_codec_endpoint=ui_codec_endpoint)
    async with server_ as server:
        embedded = Connection(
            target_host=server.address,
            metrics_address=settings.metrics_address,
            otlp_endpoint=settings.otlp_endpoint,
        )
        client = await connect_to(embedded, keyring)
        if on_ready is not None:
            await on_ready(server, client)
        await run_worker(client, data_dir, stop, settings=settings)
