"""The embedded dev server: SQLite file, search attributes registered, survives a restart."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import sys
import uuid
from asyncio.subprocess import PIPE
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from adapters.temporal.dev_server import (
    BINARY_ENV,
    DevServer,
    DevServerError,
    temporal_binary,
)
from tests.support import free_port
from workflows.search_attributes import ALL, EMPLOYEE_ID


@workflow.defn(name="DevServerProbe")
class Probe:
    """Never runs: no worker polls its task queue. Its start is what gets persisted."""

    @workflow.run
    async def run(self) -> None:
        return None


async def listed_ids(client: Client, query: str) -> list[str]:
    """Visibility is written asynchronously: poll briefly for a non-empty listing."""
    for _ in range(50):
        found = [w.id async for w in client.list_workflows(query)]
        if found:
            return found
        await asyncio.sleep(0.1)
    return []


async def test_search_attributes_and_workflows_survive_a_restart(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    workflow_id = f"probe-{uuid.uuid4()}"
    employee = f"emp-{uuid.uuid4().hex[:8]}"

    async with DevServer(tmp_path, port=port, ui_port=ui_port) as server:
        assert server.running
        assert server.address == f"127.0.0.1:{port}"
        assert server.ui_url == f"http://127.0.0.1:{ui_port}"
        client = await Client.connect(server.address)
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace="default")
        )
        for key in ALL:
            assert listed.custom_attributes[key.name] == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        await client.start_workflow(
            Probe.run,
            id=workflow_id,
            task_queue="nobody-polls",
            search_attributes=TypedSearchAttributes([SearchAttributePair(EMPLOYEE_ID, employee)]),
        )
    assert not server.running
    assert (tmp_path / "temporal.db").stat().st_size > 0

    async with DevServer(tmp_path, port=port, ui_port=ui_port, headless=True) as again:
        client = await Client.connect(again.address)
        described = await client.get_workflow_handle(workflow_id).describe()
        assert described.status == WorkflowExecutionStatus.RUNNING
        assert described.typed_search_attributes.get(EMPLOYEE_ID) == employee
        assert await listed_ids(client, f"EmployeeId = '{employee}'") == [workflow_id]
        await client.get_workflow_handle(workflow_id).terminate("test over")


async def test_a_taken_port_is_refused_before_starting(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = DevServer(tmp_path, port=port, headless=True)
        with pytest.raises(DevServerError, match=f"port.*{port}.*already in use"):
            await server.start()
    assert not server.running


async def test_a_server_that_dies_reports_its_log(tmp_path: Path) -> None:
    fake = tmp_path / "temporal"
    fake.write_text("#!/bin/sh\necho 'listen tcp: something broke' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    server = DevServer(tmp_path, port=free_port(), headless=True, binary=fake)

    with pytest.raises(DevServerError, match="exited with code 3") as failure:
        await server.start()

    assert "something broke" in str(failure.value)
    assert not server.running


async def test_a_server_that_never_answers_is_killed(tmp_path: Path) -> None:
    stubborn = tmp_path / "temporal"
    stubborn.write_text("#!/bin/sh\ntrap '' TERM\necho 'stuck'\nwhile :; do sleep 0.1; done\n")
    stubborn.chmod(0o755)
    server = DevServer(
        tmp_path,
        port=free_port(),
        headless=True,
        binary=stubborn,
        start_timeout=1.0,
        stop_timeout=0.5,
    )

    with pytest.raises(DevServerError, match="not ready after 1s") as failure:
        await server.start()

    assert "stuck" in str(failure.value)
    assert not server.running
    assert server.pid is None


def test_binary_named_by_the_environment_must_be_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "temporal"
    plain.write_text("not a program")
    monkeypatch.setenv(BINARY_ENV, str(plain))
    with pytest.raises(DevServerError, match=BINARY_ENV):
        temporal_binary()

    plain.chmod(0o755)
    assert temporal_binary() == plain


def test_default_binary_is_an_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BINARY_ENV, raising=False)
    binary = temporal_binary()
    assert binary.name.startswith("temporal")
    assert os.access(binary, os.X_OK)


def test_command_line(tmp_path: Path) -> None:
    server = DevServer(
        tmp_path, port=7300, ui_port=8300, namespace="parcours", binary=Path("/bin/temporal")
    )
    command = server.command()
    assert command[:3] == ["/bin/temporal", "server", "start-dev"]
    text = " ".join(command)
    assert f"--db-filename {tmp_path / 'temporal.db'}" in text
    assert "--ip 127.0.0.1 --port 7300" in text
    assert "--ui-port 8300" in text
    assert "--namespace parcours" in text
    assert "--log-level warn" in text
    for key in ALL:
        assert f"--search-attribute {key.name}=Keyword" in text
    assert "--ui-codec-endpoint" not in text


def test_the_ui_decodes_through_a_codec_endpoint_when_given(tmp_path: Path) -> None:
    endpoint = "http://127.0.0.1:8000/codec"
    text = " ".join(DevServer(tmp_path, ui_codec_endpoint=endpoint).command())
    assert f"--ui-codec-endpoint {endpoint}" in text
    headless = DevServer(tmp_path, ui_codec_endpoint=endpoint, headless=True).command()
    assert "--ui-codec-endpoint" not in headless


def test_the_log_hides_the_codec_endpoint_s_secret(tmp_path: Path) -> None:
    """``parcours up`` puts a per-start secret in the endpoint's last segment."""
    server = DevServer(tmp_path, ui_codec_endpoint="http://127.0.0.1:8000/codec/local/s3cret")
    shown = " ".join(server._shown(server.command()))
    assert "s3cret" not in shown
    assert "--ui-codec-endpoint http://127.0.0.1:8000/codec/local/…" in shown


ROOT = Path(__file__).resolve().parents[2]
HOST = """
import asyncio, sys
from pathlib import Path
from adapters.temporal.dev_server import DevServer

async def main() -> None:
    server = DevServer(Path(sys.argv[1]), port=int(sys.argv[2]), headless=True)
    await server.start()
    print(server._process.pid, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
async def test_a_killed_host_leaves_no_server_behind(tmp_path: Path) -> None:
    """``parcours up`` SIGKILLed: its dev server goes with it, so the ports are free and
    the next ``up`` starts (the server had kept them, an orphan, before)."""
    port = free_port()
    host = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOST, str(tmp_path), str(port), stdout=PIPE, cwd=ROOT
    )
    assert host.stdout is not None
    server_pid = int(await host.stdout.readline())
    host.kill()
    await host.wait()
    for _ in range(100):
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            break
        await asyncio.sleep(0.1)
    else:
        os.kill(server_pid, 9)
        pytest.fail("the dev server outlived the process that started it")
    again = DevServer(tmp_path, port=port, headless=True)
    async with again:
        assert again.running
