"""A stopping worker drains: running activities finish within the grace period, or are
cancelled cleanly when it runs out, and Temporal hears of either."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from bootstrap.temporal import connect
from bootstrap.worker import run_worker, stop_on_signals
from config import Settings
from domain.notices import EvaluationReport, Notification
from tests.integration.production import launch


@dataclass
class Slow:
    """A notifier that takes ``seconds``; says whether it finished or was cancelled."""

    seconds: float
    started: asyncio.Event = field(default_factory=asyncio.Event)
    outcome: list[str] = field(default_factory=list)

    @activity.defn(name="send_notification")
    async def send_notification(self, notification: Notification) -> str:
        self.started.set()
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.outcome.append("cancelled")
            raise
        self.outcome.append("finished")
        return "slow: delivered"

    @activity.defn(name="record_evaluation")
    async def record_evaluation(self, report: EvaluationReport) -> str:
        return "recorded"


@pytest.fixture
async def signals() -> AsyncIterator[None]:
    """Give SIGINT/SIGTERM back to their defaults after the test."""
    yield
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)


async def attempts(handle: WorkflowHandle[Any, Any]) -> list[str]:
    """What became of each activity attempt, from the workflow's history."""
    history = await handle.fetch_history()
    outcomes = []
    for event in history.events:
        for kind in ("completed", "failed", "timed_out", "canceled"):
            if event.HasField(f"activity_task_{kind}_event_attributes"):
                outcomes.append(kind)
    return outcomes


async def test_sigterm_lets_a_running_activity_finish(
    tmp_path: Path, dev_server: DevServer, signals: None
) -> None:
    slow = Slow(seconds=1.5)
    settings = Settings(
        shutdown_grace=10,
        task_queue=f"drain-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    client = await connect(settings, address=dev_server.address)
    stop = stop_on_signals()
    worker = asyncio.create_task(
        run_worker(client, tmp_path, stop, settings=settings, activities=slow_activities(slow))
    )
    handle = await launch(client, settings.task_queue)
    try:
        await asyncio.wait_for(slow.started.wait(), 10)
        os.kill(os.getpid(), signal.SIGTERM)  # what `docker stop` sends
        began = time.monotonic()
        await asyncio.wait_for(worker, 15)
        waited = time.monotonic() - began

        assert stop.is_set()
        assert slow.outcome == ["finished"]
        assert 0.5 < waited < 10  # it waited for the activity, not for the whole grace
        assert await attempts(handle) == ["completed"]
    finally:
        await handle.terminate("test over")


async def test_past_the_grace_period_activities_are_cancelled(
    tmp_path: Path, dev_server: DevServer
) -> None:
    slow = Slow(seconds=60)
    settings = Settings(
        shutdown_grace=0.3,
        task_queue=f"drain-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    client = await connect(settings, address=dev_server.address)
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(client, tmp_path, stop, settings=settings, activities=slow_activities(slow))
    )
    handle = await launch(client, settings.task_queue)
    try:
        await asyncio.wait_for(slow.started.wait(), 10)
        stop.set()
        began = time.monotonic()
        await asyncio.wait_for(worker, 15)

        assert time.monotonic() - began < 5
        assert slow.outcome == ["cancelled"]
        # Reported as a failed attempt, so Temporal retries it on another worker (only a
        # final outcome goes into the history; a retried one shows on the pending activity).
        [pending] = (await handle.describe()).raw_description.pending_activities
        assert pending.attempt == 2, pending
        assert pending.last_failure.application_failure_info.type == "WorkerShutdown"
    finally:
        await handle.terminate("test over")


def slow_activities(slow: Slow) -> list[Any]:
    return [slow.send_notification, slow.record_evaluation]
