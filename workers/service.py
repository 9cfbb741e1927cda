"""Long-running processes: a worker for any Temporal, or everything embedded (``up``)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.programme import build_activities
from workers.dev_server import DevServer
from workers.worker import build_worker

log = structlog.get_logger("parcours")


def stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so everything can stop in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def connect(address: str, namespace: str) -> Client:
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter
    )


async def run_worker(client: Client, data_dir: Path, stop: asyncio.Event) -> None:
    """Host programmes and their activities until ``stop`` is set, then drain.

    ``data_dir`` must exist: the outbox and evaluation reports go there."""
    activities = build_activities(data_dir)
    worker = build_worker(client, activities.all())
    async with worker:
        log.info("worker started", task_queue=worker.task_queue, data_dir=str(data_dir))
        await stop.wait()
        log.info("worker stopping")


async def run_embedded(
    data_dir: Path,
    *,
    port: int,
    ui_port: int,
    stop: asyncio.Event,
    on_ready: Callable[[DevServer, Client], Awaitable[None]] | None = None,
) -> None:
    """The Temporal dev server on a SQLite file in ``data_dir``, and a worker on it."""
    async with DevServer(data_dir, port=port, ui_port=ui_port) as server:
        client = await connect(server.address, "default")
        if on_ready is not None:
            await on_ready(server, client)
        await run_worker(client, data_dir, stop)
