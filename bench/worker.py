"""The worker under measurement, as its own process: ``python -m bench.worker``.

It hosts parcours (``build_worker``, the production worker, with fake
activities) and the baseline on two task queues with the same settings, so
both sides run on one worker configuration. Running it apart from the bench
driver keeps the driver's own work and memory out of the figures; the driver
reads the worker's RSS from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from adapters.payloads.encryption import data_converter
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import MASTER_KEY_ENV, parse_master_key
from bench.baseline import BaselineWorkflow, baseline_archive, baseline_record
from domain.notices import EvaluationReport, Notification
from workers.programme import build_worker, settle_collector
from workers.sandbox import sandbox_runner
from workflows.messages import ClosedProgramme

PARCOURS_QUEUE = "bench-parcours"
BASELINE_QUEUE = "bench-baseline"
READY = "bench worker ready"
KEYS_OPTION = "--keys"
"""The key store the driver made; its master key comes in ``PARCOURS_MASTER_KEY``."""


@activity.defn(name="send_notification")
async def send_notification(notification: Notification) -> str:
    """The same trivial work as the workflow tests' fake activities."""
    return f"recorded {notification.delivery_id}"


@activity.defn(name="record_evaluation")
async def record_evaluation(report: EvaluationReport) -> str:
    return f"recorded {report.delivery_id}"


@activity.defn(name="archive_programme")
async def archive_programme(closed: ClosedProgramme) -> str:
    return f"archived {len(closed.events)} events"


FAKE_ACTIVITIES: Sequence[Callable[..., Awaitable[Any]]] = (
    send_notification,
    record_evaluation,
    archive_programme,
)


def worker_options(max_cached: int) -> dict[str, Any]:
    """The settings both sides share."""
    return {"max_cached_workflows": max_cached}


def parcours_worker(
    client: Client, max_cached: int, task_queue: str = PARCOURS_QUEUE, **more: Any
) -> Worker:
    """``more``: further ``Worker`` options (``bench.profile`` gives its executor)."""
    return build_worker(
        client, FAKE_ACTIVITIES, task_queue=task_queue, **worker_options(max_cached), **more
    )


def baseline_worker(
    client: Client, max_cached: int, task_queue: str = BASELINE_QUEUE, **more: Any
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[BaselineWorkflow],
        activities=[baseline_record, baseline_archive],
        workflow_runner=sandbox_runner(),
        **worker_options(max_cached),
        **more,
    )


async def serve(
    address: str,
    namespace: str,
    max_cached: int,
    parcours_queue: str = PARCOURS_QUEUE,
    baseline_queue: str = BASELINE_QUEUE,
    keys: Path | None = None,
) -> None:
    if keys is None:
        raise SystemExit(f"{KEYS_OPTION} is required")
    keyring = Keyring(keys, parse_master_key(os.environ.get(MASTER_KEY_ENV, "")))
    client = await Client.connect(
        address, namespace=namespace, data_converter=data_converter(keyring)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with (
        parcours_worker(client, max_cached, parcours_queue),
        baseline_worker(client, max_cached, baseline_queue),
    ):
        settle_collector()  # as a production worker does (workers.programme.serve)
        print(READY, flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--max-cached", type=int, default=10_000)
    parser.add_argument("--parcours-queue", default=PARCOURS_QUEUE)
    parser.add_argument("--baseline-queue", default=BASELINE_QUEUE)
    parser.add_argument(KEYS_OPTION, type=Path, required=True)
    args = parser.parse_args(argv)
    asyncio.run(
        serve(
            args.address,
            args.namespace,
            args.max_cached,
            args.parcours_queue,
            args.baseline_queue,
            args.keys,
        )
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
