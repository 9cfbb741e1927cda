"""Worker Versioning on a real dev server: two builds of the production worker.

A programme started while build A is current is pinned to A and stays there after B
becomes current, until its next workflow task sees that the target changed: it then
continues as new, and the new run runs on B with every event it had. A programme
started once B is current runs on B only, though A keeps polling the same task queue.
Each workflow task's build is read from Temporal's own history (the ``deployment_version``
of every ``WorkflowTaskCompleted``), not from parcours.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.common import WorkerDeploymentVersion
from temporalio.service import RPCError, RPCStatusCode

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from bootstrap.temporal import connect
from bootstrap.worker import run_worker
from config import Settings
from domain.commands import Pause
from gateway.client import ProgrammeClient
from tests.integration.production import ADA, quick_template, wait_for_event
from tests.support import free_port, run_histories
from workers.deployment import DEPLOYMENT_NAME, current_version, version_of
from workers.moving import Moved, move_pinned
from workers.replay import RUNNING, replay_running

PARCOURS = Path(sys.executable).parent / "parcours"


@pytest.fixture
async def own_server(tmp_path: Path) -> AsyncIterator[DevServer]:
    """A server of its own: making builds current here must not move other tests' workers."""
    server = DevServer(tmp_path / "temporal", port=free_port(), headless=True)
    async with server:
        yield server


@contextlib.asynccontextmanager
async def build(server: DevServer, settings: Settings, build_id: str) -> AsyncIterator[Client]:
    """The production worker as build ``build_id``, made current as it starts."""
    settings = settings.model_copy(update={"build_id": build_id})
    client = await connect(settings, address=server.address)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(client, settings.data_dir, stop, settings=settings))
    try:
        deadline = time.monotonic() + 30
        while (found := await current_now(client)) is None or found.build_id != build_id:
            assert not worker.done(), worker.exception()
            assert time.monotonic() < deadline, f"{build_id} never became current: {found}"
            await asyncio.sleep(0.5)
        yield client
    finally:
        stop.set()
        await worker


async def until_counted(client: Client, task_queue: str, build_id: str, count: int) -> None:
    """Wait until visibility counts ``count`` running programmes pinned to ``build_id``."""
    query = (
        f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running' "
        f"AND TemporalWorkerDeploymentVersion = '{DEPLOYMENT_NAME}:{build_id}'"
    )
    deadline = time.monotonic() + 20
    while (found := (await client.count_workflows(query)).count) != count:
        assert time.monotonic() < deadline, f"{found} running on {build_id}, not {count}"
        await asyncio.sleep(0.2)


async def current_now(client: Client) -> WorkerDeploymentVersion | None:
    """The current build, asked again while Temporal says it has too many requests to
    the deployment (it limits them: the workers are asking too, as they start)."""
    for _ in range(20):
        try:
            return await current_version(client)
        except RPCError as exc:
            if exc.status != RPCStatusCode.RESOURCE_EXHAUSTED:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("Temporal kept refusing to describe the deployment")


def builds(history: WorkflowHistory, *, versioned: bool = True) -> list[str]:
    """The build that completed each of the run's workflow tasks, in order (``""``: an
    unversioned worker, allowed unless ``versioned``)."""
    completed = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    found = []
    for event in history.events:
        if event.event_type == completed:
            attributes = event.workflow_task_completed_event_attributes
            version = attributes.deployment_version
            if versioned or version.build_id:
                assert version.deployment_name == DEPLOYMENT_NAME
            found.append(version.build_id)
    return found


async def test_a_pinned_programme_moves_to_the_new_build_at_continue_as_new(
    tmp_path: Path, own_server: DevServer
) -> None:
    settings = Settings(
        task_queue=f"versioning-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,  # both builds share the key store, as replicas share PostgreSQL
        master_key=generate_master_key(),
    )
    async with build(own_server, settings, "build-a") as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        on_a = (await programmes.launch(employee=ADA, template=quick_template())).programme_id
        handle = client.get_workflow_handle(on_a)
        await wait_for_event(handle, "escalation_due")  # a few tasks done on A
        first_run = (await handle.describe()).run_id

        async with build(own_server, settings, "build-b"):
            # B is current; A still runs its pinned programme, and polls the same queue.
            employee = ADA.model_copy(update={"id": "emp-43"})
            on_b = await programmes.launch(employee=employee, template=quick_template())
            await wait_for_event(client.get_workflow_handle(on_b.programme_id), "escalation_due")
            before = [e.seq for e in await programmes.events(on_a)]

            # The next message is the pinned run's next task: it sees the target changed,
            # applies the message, and continues as new onto B.
            await programmes.pause(on_a, Pause(reason="versioning test"))
            deadline = time.monotonic() + 30
            while (await handle.describe()).run_id == first_run:
                assert time.monotonic() < deadline, "the pinned run never continued as new"
                await asyncio.sleep(0.2)
            view = await programmes.view(on_a)
            assert view.status.value == "paused"
            after = await programmes.events(on_a)
            assert [e.seq for e in after][: len(before)] == before  # nothing lost
            assert "programme_paused" in [e.type for e in after[len(before) :]]

            runs = await run_histories(handle)
            assert len(runs) == 2
            assert set(builds(runs[0])) == {"build-a"}, builds(runs[0])
            assert set(builds(runs[1])) == {"build-b"}, builds(runs[1])
            (only_run,) = await run_histories(client.get_workflow_handle(on_b.programme_id))
            assert set(builds(only_run)) == {"build-b"}, builds(only_run)

            # What docs/changing-workflows.md lists to see whether a build is drained.
            await until_counted(client, settings.task_queue, "build-b", 2)
            await until_counted(client, settings.task_queue, "build-a", 0)

            # Every build's running programmes replay on this code (replay-check).
            query = f"TaskQueue = '{settings.task_queue}' AND ExecutionStatus = 'Running'"
            replayed = await replay_running(client, query)
            assert sorted(r.programme_id for r in replayed) == sorted([on_a, on_b.programme_id])
            assert [r.failure for r in replayed] == [None, None]


async def test_deploy_checks_then_makes_a_waiting_build_current(
    tmp_path: Path, own_server: DevServer
) -> None:
    """``parcours deploy``: the documented step for workers started with
    ``PARCOURS_MAKE_CURRENT=false``. It replays the running programmes, per build, then
    makes the build current; a malformed build id is refused before anything is asked."""
    master_key = generate_master_key()
    settings = Settings(
        task_queue=f"deploy-{uuid.uuid4().hex[:8]}", data_dir=tmp_path, master_key=master_key
    )
    environment = {
        **os.environ,
        "TEMPORAL_ADDRESS": own_server.address,
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_MASTER_KEY": master_key,
    }

    def parcours(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PARCOURS), *args], env=environment, capture_output=True, text=True, timeout=120
        )

    async with build(own_server, settings, "build-a") as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        launched = await programmes.launch(employee=ADA, template=quick_template())
        await wait_for_event(client.get_workflow_handle(launched.programme_id), "escalation_due")

        waiting = settings.model_copy(update={"build_id": "build-b", "make_current": False})
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(client, tmp_path, stop, settings=waiting))
        try:
            await asyncio.sleep(1)  # polling, not current
            assert (await current_now(client)) == version_of("build-a")

            refused = await asyncio.to_thread(parcours, "deploy", "--build-id", "b/../c")
            assert refused.returncode == 2, refused.stderr
            assert "--build-id: must be 1 to 64 letters" in refused.stderr

            done = await asyncio.to_thread(parcours, "deploy", "--build-id", "build-b", "--json")
            assert done.returncode == 0, done.stderr
            answer = json.loads(done.stdout)
            assert answer["replayed"] == 1
            assert answer["builds"] == {"build-a": 1}
            assert answer["failed"] == []
            assert answer["current"] == "parcours.build-b"
            assert answer["previous"] == "parcours.build-a", done.stderr
            assert (await current_now(client)) == version_of("build-b")

            # Build A's workers gone for good: its programmes move, once they replay.
            await until_counted(client, settings.task_queue, "build-a", 1)
            moving = await asyncio.to_thread(
                parcours, "deploy", "--build-id", "build-b", "--no-check", "--move-pinned", "--json"
            )
            assert moving.returncode == 0, moving.stderr
            answer = json.loads(moving.stdout)
            assert answer["moved"] == [launched.programme_id]
            assert answer["left"] == []
            assert "replayed" not in answer  # --no-check
        finally:
            stop.set()
            await worker


async def test_programmes_of_a_build_that_is_gone_move_once_they_replay(
    tmp_path: Path, own_server: DevServer
) -> None:
    """``parcours up`` restarted on changed code: the old build has no worker left, and its
    pinned programmes would wait for ever. ``move_pinned`` replays each with this code and
    routes its next task to this build; the programme then runs there, nothing lost."""
    settings = Settings(
        task_queue=f"stranded-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    async with build(own_server, settings, "build-a") as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        stranded = (await programmes.launch(employee=ADA, template=quick_template())).programme_id
        await wait_for_event(client.get_workflow_handle(stranded), "escalation_due")
    before = [e.seq for e in await programmes.events(stranded)]

    async with build(own_server, settings, "build-b") as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        await until_counted(client, settings.task_queue, "build-a", 1)
        running = f"{RUNNING} AND TaskQueue = '{settings.task_queue}'"
        moved = await move_pinned(client, version_of("build-b"), running)
        assert [r.programme_id for r in moved.moved] == [stranded]
        assert moved.left == []

        await programmes.pause(stranded, Pause(reason="after the move"))
        assert (await programmes.view(stranded)).status.value == "paused"
        after = await programmes.events(stranded)
        assert [e.seq for e in after][: len(before)] == before
        runs = await run_histories(client.get_workflow_handle(stranded))
        done_by = [build_id for run in runs for build_id in builds(run)]
        first_b = done_by.index("build-b")
        assert set(done_by[:first_b]) == {"build-a"}, done_by
        assert set(done_by[first_b:]) == {"build-b"}, done_by
        await until_counted(client, settings.task_queue, "build-b", 1)
        again = await move_pinned(client, version_of("build-b"), running)
        assert again == Moved(moved=[], left=[])  # nothing pinned elsewhere now


async def test_programmes_of_unversioned_workers_go_to_the_first_current_build(
    tmp_path: Path, own_server: DevServer
) -> None:
    """The first deploy with Worker Versioning: programmes started by unversioned workers
    (before it, or with it off) are pinned to no build. Once a build is current, their
    next task goes to it, and from then on they are its programmes."""
    settings = Settings(
        task_queue=f"unversioned-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
        worker_versioning=False,
    )
    client = await connect(settings, address=own_server.address)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(client, tmp_path, stop, settings=settings))
    programmes = ProgrammeClient(client, settings.task_queue)
    try:
        before = (await programmes.launch(employee=ADA, template=quick_template())).programme_id
        await wait_for_event(client.get_workflow_handle(before), "escalation_due")
    finally:
        stop.set()
        await worker
    (run,) = await run_histories(client.get_workflow_handle(before))
    assert set(builds(run, versioned=False)) == {""}  # no build: an unversioned worker's

    versioned = settings.model_copy(update={"worker_versioning": True})
    async with build(own_server, versioned, "build-a") as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        await programmes.pause(before, Pause(reason="first versioned deploy"))
        assert (await programmes.view(before)).status.value == "paused"
        runs = await run_histories(client.get_workflow_handle(before))
        done_by = [build_id for run in runs for build_id in builds(run, versioned=False)]
        first_a = done_by.index("build-a")
        assert set(done_by[:first_a]) == {""}, done_by
        assert set(done_by[first_a:]) == {"build-a"}, done_by
        await until_counted(client, settings.task_queue, "build-a", 1)
