"""The worker, as ``parcours worker`` and ``parcours up`` run it: its activities on the
channels the settings name, hosted on a client until a stop signal, then drained.

Stopping: ``stop_on_signals()`` turns SIGINT/SIGTERM into an event; when it is
set the worker stops polling for new tasks, gives the activities already
running ``PARCOURS_SHUTDOWN_GRACE`` seconds to finish, then cancels the rest
(Temporal retries them on another worker; the notification channels'
ledgers keep a retry from sending twice) and returns.

What the worker hosts and how it runs is ``workers.programme``; this module wires it.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from temporalio.client import Client

from adapters.payloads.keyring import Keyring
from adapters.reports import EvaluationRecorder
from adapters.stores.private import private_dir
from adapters.temporal.connection import Connection
from adapters.temporal.connection import connect as connect_to
from bootstrap.database import database_for
from bootstrap.keys import open_keyring
from bootstrap.notifying import build_notifier
from bootstrap.stores import people_directory, programme_archive
from bootstrap.temporal import connect
from config import Settings
from config.loading import load_settings

if TYPE_CHECKING:
    from activities.notifier import Directory, Notifier
    from activities.programme import ProgrammeActivities
    from adapters.temporal.dev_server import DevServer


def stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so everything can stop in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


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
