"""Writes applied once per Idempotency-Key: the same key and body get the first answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from adapters.stores.idempotency import Answer, IdempotencyStore, KeyConflict, fingerprint
from config import ApiRole
from gateway.client import Launched, ParcoursError
from gateway.http.errors import ApiError, translate
from gateway.http.limits import ProgrammeWrites
from workflows.messages import Receipt


async def once(
    request: Request, role: ApiRole, key: str | None, work: Awaitable[BaseModel]
) -> JSONResponse:
    """Answer a write: run ``work`` unless ``key`` was seen with the same request, whose
    first answer (an error too) comes back instead. A key seen with another body is 409.

    A write to a programme counts against its rate first (429 past it, nothing kept)."""
    store: IdempotencyStore = request.app.state.store
    writes: ProgrammeWrites = request.app.state.programme_writes
    try:
        writes.check(request.url.path)
    except ApiError:
        _close(work)
        raise
    if key is not None:
        print_ = fingerprint(request.method, request.url.path, await request.body())
        try:
            first = await asyncio.to_thread(store.begin, role.value, key, print_)
        except KeyConflict as exc:
            _close(work)
            raise ApiError(409, "idempotency_conflict", str(exc), "Idempotency-Key") from exc
        if first is not None:
            _close(work)
            return JSONResponse(first.body, status_code=first.status)
    status, payload = await _answer(work)
    if key is not None:
        await asyncio.to_thread(store.finish, role.value, key, Answer(status, payload))
    return JSONResponse(payload, status_code=status)


async def _answer(work: Awaitable[BaseModel]) -> tuple[int, Any]:
    try:
        answer = await work
    except ApiError as exc:
        return exc.status, exc.body()
    except ParcoursError as exc:
        error = translate(exc)
        return error.status, error.body()
    return _status(answer), answer.model_dump(mode="json")


def _status(answer: BaseModel) -> int:
    """Facts are accepted (202), launches created (201) or found (200), the rest done."""
    if isinstance(answer, Receipt):
        return 202
    if isinstance(answer, Launched):
        return 201 if answer.created else 200
    return 200


def _close(work: Awaitable[BaseModel]) -> None:
    """A coroutine that is not needed: close it, so it is not reported as never awaited."""
    close = getattr(work, "close", None)
    if close is not None:
        close()
