"""Requests a programme may refuse and whose caller needs the answer (updates)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from config import ApiRole as Role
from domain.commands import Resume
from domain.view import ProgrammeView
from gateway.http.auth import AGREEING, ENDING, PAUSING, allow
from gateway.http.dependencies import IdempotencyKey, Programmes
from gateway.http.idempotency import once
from gateway.http.requests import ObjectivesRequest, PauseRequest, ReasonRequest

router = APIRouter(prefix="/v1/programmes/{programme_id}", tags=["commands"])
_answers: dict[str, Any] = {"response_model": ProgrammeView}


@router.post("/objectives", **_answers)
async def objectives(
    programme_id: str,
    body: ObjectivesRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*AGREEING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    work = client.agree_objectives(programme_id, body.command(key))
    return await once(request, role, key, work)


@router.post("/pause", **_answers)
async def pause(
    programme_id: str,
    body: PauseRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*PAUSING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    return await once(request, role, key, client.pause(programme_id, body.command(key)))


@router.post("/resume", **_answers)
async def resume(
    programme_id: str,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*PAUSING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    return await once(request, role, key, client.resume(programme_id, Resume(key=key)))


@router.post("/withdraw", **_answers)
async def withdraw(
    programme_id: str,
    body: ReasonRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*ENDING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    return await once(request, role, key, client.withdraw(programme_id, body.command(key)))
