"""Facts from integrators (signals): accepted with a receipt once the programme applied them."""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from config.tokens import ApiRole as Role
from gateway.client.requests import FeedbackRequest, ProgressRequest, SessionRequest
from gateway.http.auth import FACTS, allow
from gateway.http.dependencies import IdempotencyKey, Programmes
from gateway.http.idempotency import keyed, once
from workflows.messages import Receipt


class _AsSent:
    """Awaits ``work``, a receipt, and gives it the caller's key as they sent it (the
    programme records it scoped: ``gateway.http.idempotency.keyed``). ``close`` closes
    ``work``, which ``once`` does when it answers from what it kept."""

    def __init__(self, key: str | None, work: Coroutine[Any, Any, Receipt]) -> None:
        self.key, self.work = key, work

    def __await__(self) -> Generator[Any, None, Receipt]:
        return self._answer().__await__()

    async def _answer(self) -> Receipt:
        receipt = await self.work
        return receipt if self.key is None else receipt.model_copy(update={"key": self.key})

    def close(self) -> None:
        self.work.close()


def _as_sent(key: str | None, work: Coroutine[Any, Any, Receipt]) -> _AsSent:
    return _AsSent(key, work)


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
    command = keyed(request, role, key, body.command(None))
    return await once(
        request, role, key, _as_sent(key, client.give_feedback(programme_id, command))
    )


@router.post("/sessions", operation_id="recordSession", **_accepted)
async def sessions(
    programme_id: str,
    body: SessionRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*FACTS))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    command = keyed(request, role, key, body.command(None))
    work = _as_sent(key, client.record_session(programme_id, command))
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
    command = keyed(request, role, key, body.command(None))
    work = _as_sent(key, client.record_progress(programme_id, command))
    return await once(request, role, key, work)
