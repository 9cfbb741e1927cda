"""What a launch's listing costs a start: raw starts of the baseline's workflow, plain,
against the same starts carrying what a parcours launch gives Temporal beside its input
(``gateway.client.launching.listing_of``: five search attributes, the sealed memo, the
sealed Web UI summary).

    uv run python -m bench.start_options [--size 1000] [--rounds 10]

Rounds of ``size`` starts of each kind, in turn (the order swapped every round), at the
cohort's concurrency, on a dev server and bench worker of their own; each round's started
per second and the server's and this process's CPU per start. Not part of the full run:
it explains the cohort's ratio (bench/README.md, eighth round), whose raw side starts
plain workflows while every parcours launch carries its listing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.baseline import BaselineWorkflow
from bench.environment import (
    ON_TMPFS,
    TMPFS,
    BenchKeys,
    CpuMeter,
    WorkerProcess,
    connect,
    dev_server,
)
from bench.launch import terminate_all
from bench.messages import BaselineInput
from bench.pool import each
from bench.sides import OPEN_ENDED, Baseline
from bench.stats import Figure
from domain.commands import Employee
from domain.holders import NOBODY
from gateway.catalogue import shipped_template
from gateway.client.cohort import CONCURRENCY
from gateway.client.launching import checked_launch, listing_of

Options = Callable[[str], dict[str, Any]]


def plain(workflow_id: str) -> dict[str, Any]:
    return {}


def listed(workflow_id: str) -> dict[str, Any]:
    """What ``gateway.client.launching.start`` gives a cohort's launch beside its input."""
    employee = Employee(id=workflow_id, name="Bench Person", email="bench@example.com")
    launch = checked_launch(
        f"executive-6m.{workflow_id}",
        employee=employee,
        template=shipped_template("executive-6m"),
        holders=NOBODY,
        cohort_id="bench",
        start_date=None,
        first_session=None,
    )
    listing = listing_of(launch, "bench")
    return {
        "search_attributes": listing.search_attributes,
        "memo": listing.memo,
        "static_summary": listing.summary,
    }


KINDS: dict[str, Options] = {"plain": plain, "listed": listed}


async def measure(size: int, rounds: int, port: int | None = None) -> dict[str, Any]:
    """``rounds`` timed rounds (after one to warm up) of ``size`` starts of each kind;
    the dev server on ``port`` (default: one the system says is free)."""
    tag = uuid.uuid4().hex[:6]
    found: dict[str, dict[str, list[float]]] = {
        kind: {"per_second": [], "server_ms": [], "driver_ms": []} for kind in KINDS
    }
    with tempfile.TemporaryDirectory(dir=TMPFS if ON_TMPFS else None) as scratch:
        keys = BenchKeys.new(Path(scratch))
        async with dev_server(Path(scratch) / "server", port) as server:
            client = await connect(server.address, keys)
            async with WorkerProcess(
                server.address, max_cached=10_000, log_dir=Path(scratch), keys=keys
            ):
                baseline = Baseline(client)
                assert server.pid is not None
                pids = {"server": server.pid, "driver": os.getpid()}
                for number in range(rounds + 1):  # round 0 warms up, untimed
                    kinds = list(KINDS.items())
                    for kind, options in kinds if number % 2 == 0 else kinds[::-1]:
                        ids = [f"b.{tag}-{kind}-{number}-{i:05d}" for i in range(size)]
                        given = [(workflow_id, options(workflow_id)) for workflow_id in ids]

                        def start(one: tuple[str, dict[str, Any]]) -> Awaitable[Any]:
                            workflow_id, carried = one
                            return client.start_workflow(
                                BaselineWorkflow.run,
                                BaselineInput(id=workflow_id, signals=OPEN_ENDED),
                                id=workflow_id,
                                task_queue=baseline.task_queue,
                                **carried,
                            )

                        meter = CpuMeter(pids)
                        meter.start()
                        began = time.perf_counter()
                        await each(given, CONCURRENCY, start)
                        seconds = time.perf_counter() - began
                        cpu = meter.milliseconds()
                        if number:
                            found[kind]["per_second"].append(size / seconds)
                            found[kind]["server_ms"].append(cpu["server"] / size)
                            found[kind]["driver_ms"].append(cpu["driver"] / size)
                        await each(ids, CONCURRENCY, baseline.live)
                        await terminate_all(baseline, ids, CONCURRENCY)
    return {
        "size": size,
        "rounds": rounds,
        "concurrency": CONCURRENCY,
        **{
            kind: {name: Figure.of(values).as_json() for name, values in figures.items()}
            for kind, figures in found.items()
        },
        "ratio": Figure.ratio(
            found["listed"]["per_second"], found["plain"]["per_second"]
        ).as_json(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    given = parser.parse_args()
    load = os.getloadavg()
    found = asyncio.run(measure(given.size, given.rounds))
    print(f"load before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for kind in KINDS:
        figures = found[kind]
        print(
            f"{kind:7s} {figures['per_second']['median']:6.1f} started/s "
            f"[{figures['per_second']['min']:.1f}-{figures['per_second']['max']:.1f}], "
            f"server {figures['server_ms']['median']:.2f} ms, "
            f"this process {figures['driver_ms']['median']:.2f} ms a start"
        )
    ratio = found["ratio"]
    print(f"listed / plain {ratio['median']:.3f} [{ratio['min']:.3f}-{ratio['max']:.3f}]")


if __name__ == "__main__":
    main()
