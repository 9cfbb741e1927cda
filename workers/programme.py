"""The programme worker: one task queue, ``ProgrammeWorkflow`` and its activities.

As in Temporal's samples, the worker is its own part: ``build_worker`` says what it hosts
and how (sandbox, interceptors, tuning), ``serve`` runs it until asked to stop and then
drains. The activities and the settings come from ``bootstrap``; tests and the bench
give their own activities to the same worker.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Interceptor, Worker, WorkerDeploymentConfig

from adapters.observability.metrics import ProgrammeMetrics
from workers.deployment import make_current
from workers.sandbox import WORKFLOWS, sandbox_runner
from workflows.messages import TASK_QUEUE


@dataclass(frozen=True)
class Tuning:
    """How a production worker runs (the SDK's defaults for the rest)."""

    shutdown_grace: timedelta = timedelta(seconds=20)
    """How long running activities get to finish once the worker is asked to stop; the
    rest are cancelled and Temporal retries them on another worker."""


def settle_collector() -> None:
    """The worker process's garbage-collector setting, once its code is imported and its
    worker built: what is alive then (modules, classes, pydantic schemas, the sandbox's
    caches) lives as long as the process, so ``gc.freeze`` takes it out of every later
    collection. CPython's thresholds stay: raising the youngest generation's (10,000
    allocations instead of 700) saved 0.02 ms per signal but let a worker whose cache
    turns over grow by 139 MiB more at 4,000 running programmes, and keep it
    (``bench/README.md``, "Sixth round")."""
    gc.collect()
    gc.freeze()


async def _move_pinned(client: Client, deployment: WorkerDeploymentConfig, queue: str) -> None:
    from workers.moving import move_pinned
    from workers.replay import RUNNING

    log = structlog.get_logger("parcours")
    query = f"{RUNNING} AND TaskQueue = '{queue}'"
    try:
        moved = await move_pinned(client, deployment.version, query)
    except (RPCError, RuntimeError) as exc:  # the worker serves all the same
        log.error("cannot move programmes pinned to other builds", error=str(exc))
        return
    for run in moved.left:
        log.error(
            "programme left on its build: it does not replay with this code",
            programme_id=run.programme_id,
            build_id=run.build_id,
            failure=run.failure,
        )
    log.info("programmes moved onto this build", moved=len(moved.moved), left=len(moved.left))


def interceptors() -> list[Interceptor]:
    """What a production worker intercepts: programmes launched and stages entered, as
    metrics (``ProgrammeMetrics``; it records nothing while replaying)."""
    return [ProgrammeMetrics()]


def build_worker(
    client: Client,
    activities: Sequence[Callable[..., Any]],
    task_queue: str = TASK_QUEUE,
    **options: Any,
) -> Worker:
    """A worker for programmes hosting ``activities`` (bound methods or functions);
    ``options`` go to the SDK's ``Worker`` (tests and the bench tune it)."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=list(activities),
        workflow_runner=sandbox_runner(),
        **options,
    )


async def serve(
    client: Client,
    activities: Sequence[Callable[..., Any]],
    stop: asyncio.Event,
    *,
    task_queue: str = TASK_QUEUE,
    tuning: Tuning = Tuning(),
    deployment: WorkerDeploymentConfig | None = None,
    current: bool = False,
    move_pinned: bool = False,
    **described: Any,
) -> None:
    """Host programmes and ``activities`` until ``stop`` is set, then drain: no new
    task is polled, running activities get ``tuning.shutdown_grace``. ``described`` goes
    into the "worker started" log line (where its data is, its channels...).

    With ``deployment`` the worker is that version of the deployment (Worker
    Versioning, ``workers.deployment``), and with ``current`` it makes its version
    the current one once it polls: new programmes start on it, running ones move to
    it at their next continue-as-new. With ``move_pinned`` too, the programmes of the
    task queue pinned to other builds move onto it (``workers.moving``)."""
    log = structlog.get_logger("parcours")
    versioning: dict[str, Any] = {}
    if deployment is not None:
        versioning = {"deployment_config": deployment}
    worker = build_worker(
        client,
        activities,
        task_queue=task_queue,
        interceptors=interceptors(),
        graceful_shutdown_timeout=tuning.shutdown_grace,
        **versioning,
    )
    settle_collector()
    async with worker:
        build = None if deployment is None else deployment.version.build_id
        log.info("worker started", task_queue=worker.task_queue, build_id=build, **described)
        if deployment is not None and current:
            previous = await make_current(client, deployment.version)
            log.info(
                "build is current",
                build_id=build,
                previous=None if previous is None else previous.build_id,
            )
            if move_pinned:
                await _move_pinned(client, deployment, worker.task_queue)
        await stop.wait()
        log.info("worker stopping", grace_seconds=tuning.shutdown_grace.total_seconds())
    log.info("worker stopped")
