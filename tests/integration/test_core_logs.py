"""The SDK core's warnings go to Python's logging (stderr), never to a command's stdout.

A fresh interpreter connects through ``adapters.temporal.connection`` to the
time-skipping test server and starts a worker there: the core warns, on every such
start, that this server does not advertise a capability. That warning must reach
stderr through the ``temporalio.core`` logger; stdout, which is a command's answer
(``parcours report --format md > report.md``), stays empty.
"""

from __future__ import annotations

import subprocess
import sys

from tests.support import wheel_binary

SCRIPT = """
import asyncio, os, sys
from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from adapters.temporal.connection import Connection, connect
from tests.support import temporary_keyring

@activity.defn(name="nothing")
async def nothing() -> None:
    return None

async def main() -> None:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=sys.argv[1])
    try:
        target = env.client.service_client.config.target_host
        client = await connect(Connection(target_host=target), temporary_keyring())
        async with Worker(client, task_queue="core-logs", activities=[nothing]):
            await asyncio.sleep(2)
    finally:
        await env.shutdown()

asyncio.run(main())
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)  # the runtimes' threads can crash the interpreter's finalising (both ways)
"""


def test_the_cores_warnings_reach_stderr_and_never_stdout() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(wheel_binary("temporal-test-server"))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout == ""
    assert "heartbeat details" in done.stderr
    assert done.returncode == 0, done.stderr
