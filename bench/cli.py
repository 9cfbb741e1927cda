"""How long the CLI takes to answer, against the floor of a Python command that talks to
Temporal (``python -c "import temporalio.client"``): ``python -m bench.cli``.

Each run is a fresh interpreter that writes no bytecode, as on a cold machine the first
time; the median of ``--runs`` is kept. Prints ``cli_help_ratio`` (``parcours --help``)
and ``cli_command_ratio`` (``parcours templates list``, a command that reads templates
but needs no server), each the CLI's wall time over the floor's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from bench.environment import ROOT

CLI = "import sys; sys.argv[0] = 'parcours'; from gateway.cli import main; main()"
FLOOR = "import temporalio.client"


def wall(args: Sequence[str], runs: int) -> float:
    """Median wall time of ``python args``, in seconds."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - began)
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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, value in measure(args.runs).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
