"""Time-skipping Temporal test server and a worker with recording activities."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.notices import EvaluationReport, Notification
from tests.support import start_test_server
from workers.programme import build_worker
from workflows.messages import ClosedProgramme


@pytest.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


@dataclass
class Delivered:
    """What the fake activities were asked to deliver, with the (skipped) time they ran."""

    notifications: list[tuple[datetime, Notification]] = field(default_factory=list)
    reports: list[tuple[datetime, EvaluationReport]] = field(default_factory=list)
    archived: list[ClosedProgramme] = field(default_factory=list)
    failures_left: int = 0
    failed: list[tuple[datetime, str]] = field(default_factory=list)
    """The attempts failed (while ``failures_left``): when each ran, and its delivery id."""

    @activity.defn(name="send_notification")
    async def send_notification(self, notification: Notification) -> str:
        if self.failures_left > 0:
            self.failures_left -= 1
            when = activity.info().current_attempt_scheduled_time
            self.failed.append((when, notification.delivery_id))
            raise RuntimeError("notifier unavailable")
        self.notifications.append((activity.info().current_attempt_scheduled_time, notification))
        return f"recorded {notification.delivery_id}"

    @activity.defn(name="record_evaluation")
    async def record_evaluation(self, report: EvaluationReport) -> str:
        self.reports.append((activity.info().current_attempt_scheduled_time, report))
        return f"recorded {report.delivery_id}"

    @activity.defn(name="archive_programme")
    async def archive_programme(self, closed: ClosedProgramme) -> str:
        self.archived.append(closed)
        return f"archived {len(closed.events)} events"

    def all(self) -> list[Any]:
        """The activities, for a worker."""
        return [self.send_notification, self.record_evaluation, self.archive_programme]


@dataclass
class Harness:
    env: WorkflowEnvironment
    worker: Worker
    delivered: Delivered
    task_queue: str
    started: list[WorkflowHandle[Any, Any]] = field(default_factory=list)


@pytest.fixture
async def harness(env: WorkflowEnvironment) -> AsyncIterator[Harness]:
    delivered = Delivered()
    task_queue = f"test-{uuid.uuid4()}"
    worker = build_worker(
        env.client,
        delivered.all(),
        task_queue=task_queue,
    )
    harness = Harness(env, worker, delivered, task_queue)
    async with worker:
        yield harness
        for handle in harness.started:
            await _terminate_when_quiet(handle)


async def _terminate_when_quiet(handle: WorkflowHandle[Any, Any]) -> None:
    """End a programme a test left running, once its activities are done.

    The time-skipping server leaks its time lock when a workflow is terminated with a
    workflow task or an activity in flight: every later test would then wait in real time.
    """
    quiet = 0
    for _ in range(200):
        description = await handle.describe()
        if description.status != WorkflowExecutionStatus.RUNNING:
            return
        raw = description.raw_description
        busy = raw.pending_activities or raw.HasField("pending_workflow_task")
        quiet = 0 if busy else quiet + 1
        if quiet == 3:
            break
        await asyncio.sleep(0.02)
    with contextlib.suppress(RPCError):
        await handle.terminate("test over")
