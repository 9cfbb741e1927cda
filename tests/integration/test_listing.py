"""``parcours list``'s rows come from Temporal's listing alone: no worker is asked, the
employee's name travels sealed in the memo, and a programme launched before the memo
existed is read from its view, by the read path and the typer app alike."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from adapters.payloads.encryption import ENCRYPTED
from adapters.payloads.master_key import MASTER_KEY_ENV, generate_master_key
from adapters.temporal.dev_server import DevServer
from bootstrap.temporal import connect
from config import Settings
from domain.commands import Employee, Launch
from domain.holders import Holders
from gateway.client import Filters, ProgrammeClient
from gateway.client.launching import checked_launch
from gateway.client.listed import Listed
from gateway.client.listings import ListedPage
from tests.integration.production import quick_template, wait_for_event, worker_running
from workflows import search_attributes as sa
from workflows.messages import REVISION, ProgrammeInput, RunSettings
from workflows.programme import ProgrammeWorkflow

NAME = "Zoé Listée"
CLI = "import sys; sys.argv[0] = 'parcours'; from gateway.cli import main; main()"
FAST = (
    "import os, sys\n"
    "from gateway.cli import fast_reads\n"
    "code = fast_reads.answer(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "os._exit(99 if code is None else code)\n"
)
"""The read path alone: exits 99 when it declines."""


def _settings(tmp_path: Path, master_key: str | None = None) -> Settings:
    return Settings(
        task_queue=f"listing-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=master_key or generate_master_key(),
    )


async def _listed(
    read: Callable[[], Awaitable[ListedPage]], count: int = 1, within: float = 20.0
) -> ListedPage:
    """The page once visibility has caught up with ``count`` programmes."""
    async with asyncio.timeout(within):
        while True:
            page = await read()
            if len(page.items) >= count:
                return page
            await asyncio.sleep(0.2)


def _employee() -> Employee:
    return Employee(
        id=f"L{uuid.uuid4().hex[:8]}",
        name=NAME,
        email="zoe@example.org",
        locale="fr",
        time_zone="Europe/Paris",
    )


async def test_rows_need_no_worker_and_the_name_stays_sealed(
    tmp_path: Path, dev_server: DevServer
) -> None:
    settings = _settings(tmp_path)
    client = await connect(settings, address=dev_server.address)
    programmes = ProgrammeClient(client, settings.task_queue)  # no worker polls this queue
    employee = _employee()
    template = quick_template()
    launched = await programmes.launch(employee=employee, template=template)
    page = await _listed(lambda: programmes.list_rows(Filters(employee=employee.id)))
    description = await client.get_workflow_handle(launched.programme_id).describe()
    assert page.items == [
        Listed(
            programme_id=launched.programme_id,
            name=NAME,
            status="running",
            stage=template.stages[0].key,
            launched=description.start_time,
            locale="fr",
            time_zone="Europe/Paris",
        )
    ]
    memo = description.raw_info.memo.fields[sa.LISTING]
    assert memo.metadata["encoding"] == ENCRYPTED
    assert NAME.encode() not in memo.SerializeToString()
    assert "Listée".encode() not in memo.SerializeToString()


@pytest.mark.parametrize(
    "memo",
    [None, {sa.LISTING: {"name": 7, "locale": "fr"}}],
    ids=["launched before the memo", "a memo this code did not write"],
)
async def test_a_programme_without_a_readable_memo_is_listed_from_its_view(
    tmp_path: Path, dev_server: DevServer, memo: dict[str, Any] | None
) -> None:
    master_key = generate_master_key()
    settings = _settings(tmp_path, master_key)
    async with worker_running(dev_server.address, settings, tmp_path) as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        employee = _employee()
        template = quick_template()
        launch = checked_launch(
            f"{template.id}.{employee.id}",
            employee=employee,
            template=template,
            holders=Holders(),
            cohort_id=None,
            start_date=None,
            first_session=None,
        )
        await _start_as_before(client, settings.task_queue, launch, memo)
        handle = client.get_workflow_handle(launch.programme_id)
        await wait_for_event(handle, "programme_started")
        page = await _listed(lambda: programmes.list_rows(Filters(employee=employee.id)))
        [row] = page.items
        assert isinstance(row, Listed)
        assert (row.name, row.locale, row.time_zone) == (NAME, "fr", "Europe/Paris")

        env = {
            **os.environ,
            "TEMPORAL_ADDRESS": dev_server.address,
            "PARCOURS_DATA_DIR": str(tmp_path),
            MASTER_KEY_ENV: master_key,
            "COLUMNS": "200",
        }
        args = ["list", "--employee", employee.id]
        served, answered = await asyncio.gather(
            asyncio.to_thread(_run, [FAST, *args], env),
            asyncio.to_thread(_run, [CLI, *args], env),
        )
    assert served.returncode == 0, served.stderr[-2000:]
    assert answered.returncode == 0, answered.stderr[-2000:]
    assert served.stdout == answered.stdout
    assert f"{launch.programme_id}   {NAME}   running" in served.stdout


async def _start_as_before(
    client: Client, queue: str, launch: Launch, memo: dict[str, Any] | None
) -> None:
    """Start a programme as ``ProgrammeClient.launch`` did before the listing memo, with
    ``memo`` instead."""
    await client.start_workflow(
        ProgrammeWorkflow.run,
        ProgrammeInput(launch=launch, settings=RunSettings(), revision=REVISION),
        id=launch.programme_id,
        memo=memo,
        task_queue=queue,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.EMPLOYEE_ID, launch.employee.id),
                SearchAttributePair(sa.TEMPLATE_ID, launch.template.id),
                SearchAttributePair(sa.PROGRAMME_STATUS, "running"),
                SearchAttributePair(sa.PROGRAMME_STAGE, launch.template.stages[0].key),
            ]
        ),
    )


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
