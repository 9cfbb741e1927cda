"""Facts from integrators (signals): accepted with a receipt once the programme applied them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from config import ApiRole as Role
from gateway.client.requests import FeedbackRequest, ProgressRequest, SessionRequest
from gateway.http.auth import FACTS, allow
from gateway.http.dependencies import IdempotencyKey, Programmes
from gateway.http.idempotency import once
from workflows.messages import Receipt

router = APIRouter(prefix="/v1/programmes/{programme_id}", tags=["facts"])
_accepted: dict[str, Any] = {"response_model": Receipt, "status_code": 202}


@router.post("/feedback", operation_id="giveFeedback", **_accepted)
async def feedback(
    programme_id: str,
    body: FeedbackRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*FACTS))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    return await once(request, role, key, client.give_feedback(programme_id, body.command(key)))


@router.post("/sessions", operation_id="recordSession", **_accepted)
async def sessions(
    programme_id: str,
    body: SessionRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*FACTS))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    work = client.record_session(programme_id, body.command(key))
    return await once(request, role, key, work)


@router.post("/progress", operation_id="recordProgress", **_accepted)
async def progress(
    programme_id: str,
    body: ProgressRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*FACTS))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    work = client.record_progress(programme_id, body.command(key))
    return await once(request, role, key, work)
