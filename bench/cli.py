"""How long the CLI takes to answer, against the floor of a Python command that talks to
Temporal (``python -c "import temporalio.client"``): ``python -m bench.cli``, and the
``cli`` phase of ``python -m bench``.

Each run is a fresh interpreter that writes no bytecode, as on a cold machine the first
time; the median of ``--runs`` is kept. ``cli_help_ratio`` (``parcours --help``) and
``cli_command_ratio`` (``parcours templates list``, a command that reads templates but
needs no server) are the CLI's wall time over the floor's; their seconds are kept too,
since the target for these two is absolute (0.3 s). In the bench's ``cli`` phase, with
a dev server and a worker, ``cli_temporal_ratio`` is ``parcours show ID --json`` and
``parcours list`` (the slower of the two) over the floor of a command that reaches
Temporal: importing the SDK's client, connecting and one RPC.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence

from bench.environment import ROOT

CLI = "import sys; sys.argv[0] = 'parcours'; from gateway.cli import main; main()"
FLOOR = "import temporalio.client"
FLOOR_RPC = (
    "import asyncio, os, sys\n"
    "from temporalio.client import Client\n"
    "async def main():\n"
    "    client = await Client.connect(sys.argv[1])\n"
    "    await client.count_workflows()\n"
    "asyncio.run(main())\n"
    "os._exit(0)\n"
)
"""Import the client, connect, one RPC: what any command that reaches Temporal pays. It
leaves as the CLI does (``gateway.cli.main``), without the interpreter's teardown that
the SDK's native threads can abort."""


def wall(args: Sequence[str], runs: int, env: Mapping[str, str] | None = None) -> float:
    """Median wall time of ``python args``, in seconds; a run that fails is an error."""
    env = {**os.environ, **(env or {}), "PYTHONDONTWRITEBYTECODE": "1"}
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, check=False
        )
        times.append(time.perf_counter() - began)
        if done.returncode != 0:
            raise RuntimeError(f"{args[-1]!r} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def measure(runs: int = 5) -> dict[str, float]:
    floor = wall(["-c", FLOOR], runs)
    help_ = wall(["-c", CLI, "--help"], runs)
    command = wall(["-c", CLI, "templates", "list"], runs)
    return {
        "floor_seconds": round(floor, 3),
        "cli_help_seconds": round(help_, 3),
        "cli_command_seconds": round(command, 3),
        "cli_help_ratio": round(help_ / floor, 2),
        "cli_command_ratio": round(command / floor, 2),
    }


def measure_connected(
    address: str, env: Mapping[str, str], programme_id: str, runs: int = 5
) -> dict[str, float]:
    """Commands that reach Temporal against the floor that does: ``env`` points the CLI
    at the server and the key store the programme was launched with."""
    env = {**env, "TEMPORAL_ADDRESS": address}
    floor = wall(["-c", FLOOR_RPC, address], runs)
    show = wall(["-c", CLI, "show", programme_id, "--json"], runs, env)
    listed = wall(["-c", CLI, "list"], runs, env)
    return {
        "floor_rpc_seconds": round(floor, 3),
        "cli_show_seconds": round(show, 3),
        "cli_list_seconds": round(listed, 3),
        "cli_temporal_ratio": round(max(show, listed) / floor, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, value in measure(args.runs).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
