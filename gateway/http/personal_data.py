"""Erasing an employee's personal data (ops)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from config.tokens import ApiRole as Role
from gateway.client import Erasure
from gateway.client.requests import EraseRequest
from gateway.http.auth import allow
from gateway.http.dependencies import IdempotencyKey, Programmes
from gateway.http.idempotency import once

router = APIRouter(tags=["personal data"])


@router.post(
    "/v1/employees/{employee_id}/erase", operation_id="erasePerson", response_model=Erasure
)
async def erase(
    employee_id: str,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(Role.ops))],
    body: EraseRequest | None = None,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Withdraw the employee's running programmes, then destroy their data key:
    nothing of theirs can be read again. Erasing twice is fine."""
    reason = body.reason if body is not None else None
    return await once(request, role, key, client.erase(employee_id, reason))
