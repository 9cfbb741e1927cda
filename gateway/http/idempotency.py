"""Writes applied once per Idempotency-Key: the same caller, key and body get the first
answer. Keys are the caller's own (scoped by a hash of their bearer token, not by role):
another caller's key is a fresh request for them. The answer is kept sealed for the
employee of the programme in the path (``system`` otherwise); a request that fails
unexpectedly frees its key."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from adapters.stores.idempotency import (
    SYSTEM,
    Answer,
    IdempotencyStore,
    KeyConflict,
    caller_scope,
    fingerprint,
)
from adapters.stores.postgres import DatabaseError
from config.tokens import ApiRole
from domain.ids import employee_of
from gateway.client import Launched, ParcoursError, keys
from gateway.client.keys import command_kind
from gateway.http.auth import bearer_token
from gateway.http.errors import ApiError, log, translate
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
    if key is None:
        status, payload = await _answer(work)
        return JSONResponse(payload, status_code=status)
    token = _token(request, role)
    scope = caller_scope(token)
    # Keyed by the token: who reads the store cannot test a guess of a body against it.
    plain = fingerprint(request.method, request.url.path, await request.body())
    print_ = hmac.new(token.encode(), plain.encode(), hashlib.sha256).hexdigest()
    try:
        first = await asyncio.to_thread(store.begin, scope, key, print_)
    except KeyConflict as exc:
        _close(work)
        raise ApiError(409, "idempotency_conflict", str(exc), "Idempotency-Key") from exc
    except BaseException:  # the store is out of reach (503): nothing was sent
        _close(work)
        raise
    if first is not None:
        _close(work)
        return JSONResponse(first.body, status_code=first.status)
    try:
        status, payload = await _answer(work)
    except BaseException:  # unexpected (or cancelled): no answer to keep, free the key
        await asyncio.shield(asyncio.to_thread(store.abandon, scope, key))
        raise
    owner = _owner(request)
    try:
        await asyncio.to_thread(store.finish, scope, key, Answer(status, payload), owner)
    except DatabaseError as exc:
        # Done, but not kept: the caller gets the answer now, and a retry after the key's
        # lease is applied once all the same (the programme keeps the keys it applied).
        log.warning("answer not kept: the database is out of reach", error=str(exc))
    return JSONResponse(payload, status_code=status)


C = TypeVar("C", bound=BaseModel)


def keyed(request: Request, role: ApiRole, key: str | None, command: C) -> C:
    """``command`` carrying the key the programme records for the caller's ``key``.

    The programme keeps every key it applied and acknowledges a key it has seen without
    applying the command again; it answers a receipt by key too. Keys are the caller's
    own, so what the programme records is scoped by the caller (a hash of their token,
    as the answers kept here) and by the command: another caller's key, or the same key
    on another command, is weighed on its own, never taken for one already applied.
    The caller's key is never recorded as such; answers give it back as it was sent."""
    if key is None:
        return command
    kind = command_kind(command)
    return command.model_copy(update={"key": scoped_key(_token(request, role), kind, key)})


def scoped_key(token: str, command: str, key: str) -> str:
    """The key a programme records for ``key`` sent by the bearer of ``token`` with
    ``command`` (``give_feedback``, ``pause``...): no token nor key in it, a hash of both."""
    return keys.scoped_key(caller_scope(token), command, key)


def _token(request: Request, role: ApiRole) -> str:
    """The bearer token the auth dependency accepted (never stored: its hash scopes)."""
    return bearer_token(request.headers.get("authorization")) or f"role:{role.value}"


def _owner(request: Request) -> str:
    """Whose key seals the answer: the employee of the programme in the path."""
    programme_id = request.path_params.get("programme_id")
    employee = employee_of(programme_id) if isinstance(programme_id, str) else None
    return employee or SYSTEM


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
