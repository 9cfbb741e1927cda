"""Template migration on a real dev server: a preview, then the programmes doing it.

Three programmes of ``migration-check@1`` stand in three stages; version 2 renames
``review`` to ``feedback_review`` and adds a session to ``coaching``. A dry run with the
mapping previews all three; applying without the mapping refuses the one in the renamed
stage (and leaves it untouched) and moves the others as previewed; applying with it moves
the last one, and the two already moved are unchanged (the update is keyed).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from config import Settings
from domain.commands import AdvanceStage, Employee
from domain.migration import MigrationPreview
from domain.template import Template
from domain.template_parsing import parse_template
from gateway.client import ProgrammeClient
from gateway.client.migrations import MigrationRequest, migrate
from tests.integration.production import worker_running

V1 = """
id: migration-check
version: 1
title: Migration check
dimensions: [motivation, adaptability]
max_duration: P30D
stages:
  - key: agreement
    due: P7D
    gate: {objectives_agreed: true}
  - key: review
    due: P7D
    gate: {objectives_agreed: true}
  - key: coaching
    sessions: {count: 2, every: P7D, remind_before: [P1D]}
    gate: {sessions_held: 2}
  - key: closing
    due: P7D
    gate: {objectives_agreed: true}
"""


def version_2() -> Template:
    text = (
        V1.replace("version: 1", "version: 2")
        .replace("key: review", "key: feedback_review")
        .replace("count: 2", "count: 3")
    )
    return parse_template(text, "migration-check@2")


async def test_a_preview_then_a_migration_that_does_what_it_said(
    tmp_path: Path, dev_server: DevServer
) -> None:
    settings = Settings(
        task_queue=f"migrate-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    v1 = parse_template(V1.replace("migration-check", f"migration-{uuid.uuid4().hex[:6]}"), "v1")
    v2 = Template.model_validate({**version_2().model_dump(mode="json"), "id": v1.id})
    async with worker_running(dev_server.address, settings, tmp_path) as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        ids: dict[str, str] = {}
        for advances, stage in enumerate(("agreement", "review", "coaching")):
            employee = Employee(
                id=f"E{uuid.uuid4().hex[:8]}", name="Someone", email="someone@example.org"
            )
            pid = (await programmes.launch(employee=employee, template=v1)).programme_id
            for n in range(advances):
                await programmes.advance_stage(pid, AdvanceStage(reason="set up", key=f"a{n}"))
            assert (await programmes.view(pid)).stage == stage
            ids[stage] = pid
        where = f"TemplateId = '{v1.id}'"
        await wait_listed(programmes, where, 3)

        def request(**given: object) -> MigrationRequest:
            return MigrationRequest.model_validate(
                {"to": v2, "reason": "a session more", "by": "ops-1", "where": where} | given
            )

        mapped = {"review": "feedback_review"}
        dry = await migrate(programmes, request(mapping=mapped, dry_run=True))
        assert (dry.migrated, dry.refused, dry.unchanged) == (3, 0, 0)
        previews = {p.programme_id: p for p in dry.programmes}
        for pid in ids.values():  # a dry run changes nothing
            assert (await programmes.view(pid)).template_version == 1
        assert previews[ids["review"]].stage_after == "feedback_review"
        [added] = previews[ids["coaching"]].sessions
        assert added.before is None

        unmapped = await migrate(programmes, request())
        assert (unmapped.migrated, unmapped.refused, unmapped.unchanged) == (2, 1, 0)
        [refused] = [p for p in unmapped.programmes if p.outcome == "refused"]
        assert refused.programme_id == ids["review"]
        assert "--map review=" in (refused.reason or "")
        untouched = await programmes.view(ids["review"])
        assert (untouched.template_version, untouched.stage) == (1, "review")
        assert "template_migrated" not in [e.type for e in await programmes.events(ids["review"])]
        for stage in ("agreement", "coaching"):
            await did_what_it_said(programmes, previews[ids[stage]])

        again = await migrate(programmes, request(mapping=mapped))
        assert (again.migrated, again.refused, again.unchanged) == (1, 0, 2)
        await did_what_it_said(programmes, previews[ids["review"]])
        [migrated] = [
            e for e in await programmes.events(ids["review"]) if e.type == "template_migrated"
        ]
        assert migrated.model_dump(include={"from_template", "to_template", "mapping", "by"}) == {
            "from_template": f"{v1.id}@1",
            "to_template": f"{v1.id}@2",
            "mapping": mapped,
            "by": "ops-1",
        }

        # What they do next follows version 2, as the preview said.
        pid = ids["agreement"]
        ahead = previews[pid].stages_ahead_after
        view = await programmes.advance_stage(pid, AdvanceStage(reason="next", key="next"))
        assert view.stage == ahead[0] == "feedback_review"
        for pid in ids.values():
            await client.get_workflow_handle(pid).terminate("test over")


async def did_what_it_said(programmes: ProgrammeClient, seen: MigrationPreview) -> None:
    view = await programmes.view(seen.programme_id)
    assert view.template_version == 2
    assert view.stage == seen.stage_after
    assert view.stage_due == seen.due_after
    planned = {s.number: s.at for s in view.sessions if s.status == "planned"}
    for move in seen.sessions:
        assert planned.get(move.number) == move.after


async def wait_listed(programmes: ProgrammeClient, where: str, count: int) -> None:
    """Visibility is eventually consistent: wait until the query finds them all."""
    import asyncio

    query = f"WorkflowType = 'Programme' AND {where}"
    for _ in range(100):
        found = [e async for e in programmes.temporal.list_workflows(query)]
        if len(found) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the query found fewer than {count}")
