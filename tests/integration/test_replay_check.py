"""``parcours replay-check``: the programmes running now, replayed with this code."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from config import Settings
from gateway.client import ProgrammeClient
from tests.integration.changed_workflow import ChangedProgramme
from tests.integration.production import launch, wait_for_event, worker_running
from workers.replay import replay_running

PARCOURS = Path(sys.executable).parent / "parcours"


async def test_running_programmes_replay_and_a_changed_workflow_is_caught(
    tmp_path: Path, dev_server: DevServer
) -> None:
    master_key = generate_master_key()
    settings = Settings(
        task_queue=f"replay-{uuid.uuid4().hex[:8]}", data_dir=tmp_path, master_key=master_key
    )
    query = (
        f"WorkflowType = 'Programme' AND ExecutionStatus = 'Running' "
        f"AND TaskQueue = '{settings.task_queue}'"
    )
    async with worker_running(dev_server.address, settings, tmp_path) as client:
        handles = [await launch(client, settings.task_queue) for _ in range(2)]
        for handle in handles:
            await wait_for_event(handle, "delivery_confirmed")  # commands in the history

        replayed = await ProgrammeClient(client).replay_check(query)
        assert sorted(r.programme_id for r in replayed) == sorted(h.id for h in handles)
        assert [r.failure for r in replayed] == [None, None]

        changed = await replay_running(client, query, workflows=[ChangedProgramme])
        assert len(changed) == 2
        assert all(r.failure and "Nondeterminism" in r.failure for r in changed), changed

        cli = await asyncio.to_thread(
            subprocess.run,
            [str(PARCOURS), "replay-check", "--query", query, "--json"],
            env={
                **os.environ,
                "TEMPORAL_ADDRESS": dev_server.address,
                "PARCOURS_DATA_DIR": str(tmp_path),
                "PARCOURS_MASTER_KEY": master_key,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert cli.returncode == 0, cli.stderr
    assert '"replayed": 2' in cli.stdout
