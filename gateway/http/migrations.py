"""Template migration (ops): the same preview and apply as ``parcours migrate``."""

from __future__ import annotations

from typing import Annotated, Self

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator

from config.tokens import ApiRole as Role
from domain.commands import MAX_MAPPED, StageKey, Text
from domain.errors import TemplateError
from domain.template import SharedTemplate
from gateway import catalogue
from gateway.client import InvalidRequest
from gateway.client.migrations import (
    MAX_PROGRAMMES,
    MAX_WHERE,
    MigrationRequest,
    MigrationSummary,
    migrate,
)
from gateway.http.auth import allow
from gateway.http.dependencies import Programmes

router = APIRouter(tags=["migrations"])


class MigrationBody(BaseModel):
    """``to`` a shipped ``id@version``, or ``template`` given whole; the rest as
    ``parcours migrate``."""

    model_config = ConfigDict(extra="forbid")

    to: Annotated[str, Field(max_length=200)] | None = None
    template: SharedTemplate | None = None
    mapping: dict[StageKey, StageKey] = Field(default={}, max_length=MAX_MAPPED)
    where: str | None = Field(default=None, max_length=MAX_WHERE)
    reason: Text
    by: StageKey | None = None
    dry_run: bool = False
    limit: int = Field(default=MAX_PROGRAMMES, ge=1, le=MAX_PROGRAMMES)

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.to is None) == (self.template is None):
            raise ValueError("give one of to (id@version) or template")
        return self


@router.post("/v1/migrations", operation_id="migrateProgrammes", response_model=MigrationSummary)
async def migrations(
    body: MigrationBody,
    client: Programmes,
    role: Annotated[Role, Depends(allow(Role.ops))],
) -> MigrationSummary:
    """Preview (``dry_run``) or apply a template migration on the running programmes
    ``where`` finds (default: every one of the template's id); a summary of each."""
    template = body.template
    if template is None:
        assert body.to is not None
        if "/" in body.to or body.to.endswith((".yaml", ".yml")):
            raise InvalidRequest("to: a shipped template id@version, not a path")
        try:
            template = catalogue.resolve(body.to)
        except TemplateError as exc:
            raise InvalidRequest(f"to: {exc}") from exc
    request = MigrationRequest(
        to=template,
        mapping=body.mapping,
        where=body.where,
        reason=body.reason,
        by=body.by,
        dry_run=body.dry_run,
        limit=body.limit,
    )
    return await migrate(client, request)
