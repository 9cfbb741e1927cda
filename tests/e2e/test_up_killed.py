"""A drill: ``parcours up`` SIGKILLed in the middle of a cohort of 200.

What ops do after a crash: start ``up`` again on the same data dir and send the cohort
again. Nothing of the first ``up`` may outlive it (its dev server kept the ports, before,
and the next ``up`` failed), and the cohort must end with each of the 200 launched once.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import time
from pathlib import Path

from temporalio.client import Client

from gateway.client.cohort import NOT_SENT
from tests.e2e.conftest import PARCOURS, Parcours
from workflows.messages import WORKFLOW_NAME

PEOPLE = 200


def _people(path: Path) -> Path:
    rows = ["employee_id,name,email,manager_id,coach_id"]
    rows += [f"D{n:04d},Person {n},p{n}@example.com,M1,C1" for n in range(PEOPLE)]
    path.write_text("\n".join(rows) + "\n")
    return path


def _launched(parcours: Parcours) -> int:
    done = parcours.cli("list", "--cohort", "drill", "--count", "--json", ok=False)
    if done.returncode != 0:
        return 0
    counts: dict[str, int] = json.loads(done.stdout)
    return sum(counts.values())


async def _first_launched(parcours: Parcours, sender: subprocess.Popen[str]) -> int:
    """How many were launched when the first was: polled straight from Temporal, every
    20 ms, so ``up`` dies mid-cohort (a CLI call per poll took as long as the cohort)."""
    client = await Client.connect(f"127.0.0.1:{parcours.port}")
    deadline = time.monotonic() + 120
    while sender.poll() is None:
        found = await client.count_workflows(f"WorkflowType = '{WORKFLOW_NAME}'")
        if found.count:
            return found.count
        assert time.monotonic() < deadline, "the cohort launched nobody in two minutes"
        await asyncio.sleep(0.02)
    raise AssertionError("the sender ended before up was killed")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_up_killed_mid_cohort_leaves_nothing_behind_and_the_resent_cohort_completes(
    parcours: Parcours, tmp_path: Path
) -> None:
    people = _people(tmp_path / "people.csv")
    parcours.start()
    cohort = [str(PARCOURS), "launch-cohort", str(people), "--template", "change-adoption-3m"]
    cohort += ["--cohort", "drill", "--json"]
    first = subprocess.Popen(
        cohort, env=parcours.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        at_kill = asyncio.run(_first_launched(parcours, first))
        print(f"killing up with {at_kill} of {PEOPLE} launched")
        assert parcours.process is not None
        parcours.process.send_signal(signal.SIGKILL)
        parcours.process.wait(timeout=30)
        parcours.process = None
        # The sender stops by itself: what it had not sent is reported "not sent".
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()

    assert first.returncode != 0, out
    assert NOT_SENT in out + err

    # Nothing of the killed ``up`` holds its ports: its dev server went with it.
    deadline = time.monotonic() + 30
    while not all(_port_free(p) for p in (parcours.port, parcours.api_port)):
        assert time.monotonic() < deadline, "a port of the killed up is still held"
        time.sleep(0.2)

    parcours.start()
    again = subprocess.run(cohort, env=parcours.env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    deadline = time.monotonic() + 60
    while (launched := _launched(parcours)) < PEOPLE:
        assert time.monotonic() < deadline, f"{launched} of {PEOPLE} launched"
        time.sleep(0.5)
    assert launched == PEOPLE, "each person launched once, whatever the first run had done"
