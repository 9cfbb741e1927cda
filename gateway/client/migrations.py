"""Template migration in bulk: preview every running programme a visibility query finds
under a new template version, then (unless a dry run) apply it to those that can move.

Each programme is previewed from its own events in the pure decider
(``domain.migration.preview``) and moved by the validated ``migrate_template`` update,
whose key (``migrate:<id>@<version>``) makes a second run apply nothing twice: a
programme already moved previews as unchanged. Refusals (a stage with no mapping, a
framework change on a programme with answers) change nothing and say why. At most
``CONCURRENCY`` programmes are worked on at once, and ``MAX_PROGRAMMES`` per request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from domain.commands import MAX_MAPPED, MigrateTemplate, StageKey, Text
from domain.migration import MigrationPreview, preview
from domain.template import SharedTemplate
from gateway.client.errors import CommandRefused, InvalidRequest, ParcoursError, translate
from workflows import search_attributes as sa
from workflows.messages import WORKFLOW_NAME
from workflows.programme import ProgrammeWorkflow

if TYPE_CHECKING:
    from gateway.client.programmes import ProgrammeClient

CONCURRENCY = 8
MAX_PROGRAMMES = 1_000
MAX_WHERE = 1_000
"""Characters of a ``where`` visibility query."""


class MigrationRequest(BaseModel):
    """Move running programmes onto ``to``; ``where`` narrows which (a visibility query,
    default: every running programme of ``to``'s template id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    to: SharedTemplate
    mapping: dict[StageKey, StageKey] = Field(default={}, max_length=MAX_MAPPED)
    where: str | None = Field(default=None, max_length=MAX_WHERE)
    reason: Text
    by: StageKey | None = None
    dry_run: bool = False
    limit: int = Field(default=MAX_PROGRAMMES, ge=1, le=MAX_PROGRAMMES)


class MigrationSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    to_template: str
    dry_run: bool
    query: str
    migrated: int
    """Moved (or, in a dry run, that would move)."""
    refused: int
    unchanged: int
    programmes: list[MigrationPreview]


def query_for(request: MigrationRequest) -> str:
    running = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"
    if request.where:
        return f"{running} AND ({request.where})"
    return f"{running} AND {sa.TEMPLATE_ID.name} = '{request.to.id}'"


async def migrate(
    client: ProgrammeClient,
    request: MigrationRequest,
    progress: Callable[[MigrationPreview], None] | None = None,
) -> MigrationSummary:
    """Preview (and unless ``dry_run`` apply) ``request`` on every programme it finds."""
    from temporalio.service import RPCError, RPCStatusCode

    query = query_for(request)
    found: list[str] = []
    try:
        async for execution in client.temporal.list_workflows(query, limit=request.limit):
            found.append(execution.id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.INVALID_ARGUMENT:
            raise InvalidRequest(f"where: {exc.message}") from exc
        raise translate(exc, "") from exc
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(programme_id: str) -> MigrationPreview:
        async with gate:
            seen = await migrate_one(client, programme_id, request)
        if progress is not None:
            progress(seen)
        return seen

    previews = list(await asyncio.gather(*(one(p) for p in sorted(set(found)))))
    return MigrationSummary(
        to_template=f"{request.to.id}@{request.to.version}",
        dry_run=request.dry_run,
        query=query,
        migrated=sum(p.outcome == "migrate" for p in previews),
        refused=sum(p.outcome == "refused" for p in previews),
        unchanged=sum(p.outcome == "unchanged" for p in previews),
        programmes=previews,
    )


async def migrate_one(
    client: ProgrammeClient, programme_id: str, request: MigrationRequest
) -> MigrationPreview:
    """One programme's preview, applied unless a dry run; a refusal is an outcome."""
    to = request.to
    label = f"{to.id}@{to.version}"
    try:
        events = await client.events(programme_id)
    except ParcoursError as exc:
        return MigrationPreview(
            programme_id=programme_id,
            from_template="?",
            to_template=label,
            outcome="refused",
            reason=str(exc),
        )
    seen = preview(events, to, dict(request.mapping), datetime.now(UTC), reason=request.reason)
    if seen.outcome != "migrate" or request.dry_run:
        return seen
    command = MigrateTemplate(
        to=to,
        mapping=request.mapping,
        reason=request.reason,
        by=request.by,
        key=f"migrate:{label}",
    )
    try:
        await client._update(programme_id, ProgrammeWorkflow.migrate_template, command)
    except CommandRefused as exc:  # it moved on between the preview and the update
        return seen.model_copy(update={"outcome": "refused", "reason": str(exc)})
    return seen
