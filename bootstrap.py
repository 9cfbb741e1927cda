"""Long-running processes: a worker for any Temporal, or everything embedded (``up``).

Both take the ``Settings`` (see ``config``): the notification channels,
where files go, the Prometheus endpoint, tracing, and how long a stopping worker
lets its running activities finish. Called without settings they read them
from the environment (``load_settings``).

Stopping: ``stop_on_signals()`` turns SIGINT/SIGTERM into an event; when it is
set the worker stops polling for new tasks, gives the activities already
running ``PARCOURS_SHUTDOWN_GRACE`` seconds to finish, then cancels the rest
(Temporal retries them on another worker; the notification channels'
ledgers keep a retry from sending twice) and returns.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from temporalio.client import Client

from activities.programme import ProgrammeActivities, build_activities, build_notifier
from adapters.observability.metrics import ProgrammeMetrics, metrics_runtime
from adapters.observability.tracing import flush_tracing, tracing_interceptors
from adapters.payloads.encryption import data_converter
from adapters.payloads.keyring import Keyring, open_keyring
from adapters.temporal.dev_server import DevServer
from adapters.temporal.worker import build_worker
from config import Settings, load_settings, temporal_client_options

log = structlog.get_logger("parcours")


def stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so everything can stop in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def connect(
    address: str | None = None,
    namespace: str | None = None,
    *,
    settings: Settings | None = None,
    keyring: Keyring | None = None,
) -> Client:
    """A client with parcours' data converter (payloads sealed with ``keyring``'s keys).

    With ``settings``: its Temporal address and namespace (unless given here),
    TLS and API key, the metrics runtime and the tracing interceptors, and the
    key store in its data dir unless ``keyring`` is given. Without: a plain
    connection to ``address`` and ``namespace``, with ``keyring`` (required then).
    """
    if settings is None:
        if keyring is None:
            raise TypeError("connect() needs settings or a keyring")
        return await Client.connect(
            address or "localhost:7233",
            namespace=namespace or "default",
            data_converter=data_converter(keyring),
        )
    options = temporal_client_options(settings)
    if address is not None:
        options["target_host"] = address
    if namespace is not None:
        options["namespace"] = namespace
    return await _connect(settings, keyring or open_keyring(settings), **options)


async def _connect(settings: Settings, keyring: Keyring, **options: Any) -> Client:
    return await Client.connect(
        **options,
        data_converter=data_converter(keyring),
        runtime=metrics_runtime(settings),
        interceptors=tracing_interceptors(settings),
    )


def programme_activities(settings: Settings, data_dir: Path | None = None) -> ProgrammeActivities:
    """The activities on the channels ``settings`` name; evaluation reports are announced
    through them too. Files go to ``data_dir`` (default: the settings' data dir)."""
    where = data_dir if data_dir is not None else settings.data_dir
    notifier = build_notifier(
        where,
        settings.notifiers,
        smtp=settings.smtp,
        webhook=settings.webhook,
        public_url=settings.public_url,
    )
    return build_activities(where, notifier, evaluation_notices=True)


async def run_worker(
    client: Client,
    data_dir: Path | None,
    stop: asyncio.Event,
    *,
    settings: Settings | None = None,
    activities: Sequence[Callable[..., Any]] | None = None,
) -> None:
    """Host programmes and their activities until ``stop`` is set, then drain.

    ``data_dir`` (default: the settings') must exist: the outbox, the channels'
    ledgers and evaluation reports go there. ``activities`` replaces the ones
    built from the settings (tests). For metrics and tracing, ``client`` should
    come from ``connect(settings=...)``.
    """
    settings = settings if settings is not None else load_settings()
    where = data_dir if data_dir is not None else settings.data_dir
    hosted = activities if activities is not None else programme_activities(settings, where).all()
    grace = settings.shutdown_grace
    worker = build_worker(
        client,
        hosted,
        task_queue=settings.task_queue,
        interceptors=[ProgrammeMetrics()],
        graceful_shutdown_timeout=timedelta(seconds=grace),
    )
    try:
        async with worker:
            log.info(
                "worker started",
                task_queue=worker.task_queue,
                data_dir=str(where),
                notifiers=list(settings.notifiers),
                metrics=settings.metrics_address,
                tracing=settings.otlp_endpoint,
            )
            await stop.wait()
            log.info("worker stopping", grace_seconds=grace)
        log.info("worker stopped")
    finally:
        flush_tracing()


async def serve_worker(settings: Settings, stop: asyncio.Event) -> None:
    """``parcours worker``: connect as the settings say, host programmes, drain on ``stop``."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    client = await connect(settings=settings)
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
    settings = settings if settings is not None else load_settings(data_dir=data_dir)
    keyring = open_keyring(settings, data_dir)
    server_ = DevServer(data_dir, port=port, ui_port=ui_port, ui_codec_endpoint=ui_codec_endpoint)
    async with server_ as server:
        client = await _connect(settings, keyring, target_host=server.address, namespace="default")
        if on_ready is not None:
            await on_ready(server, client)
        await run_worker(client, data_dir, stop, settings=settings)
