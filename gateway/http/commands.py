"""Requests a programme may refuse and whose caller needs the answer (updates).

What comes back depends on what the caller may read: the read roles (platform, ops)
get the programme's view, as ``GET /v1/programmes/{id}`` would give it; the others (the
integrator, who may not read a programme) get a ``CommandReceipt``: ids, status and
stage, never a name, an email, an objective or an evaluation."""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from config.tokens import ApiRole as Role
from domain.commands import AmendObjectives, RateExpectations, Resume
from domain.state import Status
from domain.view import ProgrammeView, shown_view
from gateway.client.requests import (
    AdvanceRequest,
    CancelRequest,
    ExpectationsRequest,
    ObjectivesRequest,
    PauseRequest,
    RatersRequest,
    ReasonRequest,
    ReassignRequest,
    RescheduleRequest,
)
from gateway.http.auth import (
    ADVANCING,
    AGREEING,
    ENDING,
    EXPECTING,
    NOMINATING,
    PAUSING,
    READ,
    RESCHEDULING,
    allow,
)
from gateway.http.dependencies import IdempotencyKey, Programmes
from gateway.http.idempotency import keyed, once

router = APIRouter(prefix="/v1/programmes/{programme_id}", tags=["commands"])


class CommandReceipt(BaseModel):
    """A request was applied: where the programme now stands, by ids only."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    status: Status
    stage: str | None
    key: str | None
    """The request's Idempotency-Key, if it had one."""


_answers: dict[str, Any] = {"response_model": ProgrammeView | CommandReceipt}


class _For:
    """Awaits ``work``: the view for a role that may read programmes, a receipt for the
    others. ``close`` closes ``work`` (``once`` closes what it does not need)."""

    def __init__(self, role: Role, key: str | None, work: Coroutine[Any, Any, ProgrammeView]):
        self.role, self.key, self.work = role, key, work

    def __await__(self) -> Generator[Any, None, ProgrammeView | CommandReceipt]:
        return self._answer().__await__()

    async def _answer(self) -> ProgrammeView | CommandReceipt:
        view = await self.work
        if self.role is Role.ops:
            return view
        if self.role in READ:
            return shown_view(view)
        return CommandReceipt(
            programme_id=view.programme_id, status=view.status, stage=view.stage, key=self.key
        )

    def close(self) -> None:
        self.work.close()


def _for(role: Role, key: str | None, work: Coroutine[Any, Any, ProgrammeView]) -> _For:
    return _For(role, key, work)


@router.post("/objectives", operation_id="agreeObjectives", **_answers)
async def objectives(
    programme_id: str,
    body: ObjectivesRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*AGREEING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Agree the objectives, or amend them (``amend: true`` with a ``reason``)."""
    command = keyed(request, role, key, body.command(None))
    if isinstance(command, AmendObjectives):
        work = client.amend_objectives(programme_id, command)
    else:
        work = client.agree_objectives(programme_id, command)
    return await once(request, role, key, _for(role, key, work))


@router.post("/expectations", operation_id="recordExpectations", **_answers)
async def expectations(
    programme_id: str,
    body: ExpectationsRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*EXPECTING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """What the client expects of the programme, or whether it was met, in the words of
    the person holding the template's expectations role (the sponsor, or the employee)."""
    command = keyed(request, role, key, body.command(None))
    if isinstance(command, RateExpectations):
        work = client.rate_expectations(programme_id, command)
    else:
        work = client.record_expectations(programme_id, command)
    return await once(request, role, key, _for(role, key, work))


@router.post("/pause", operation_id="pauseProgramme", **_answers)
async def pause(
    programme_id: str,
    body: PauseRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*PAUSING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    work = client.pause(programme_id, keyed(request, role, key, body.command(None)))
    return await once(request, role, key, _for(role, key, work))


@router.post("/resume", operation_id="resumeProgramme", **_answers)
async def resume(
    programme_id: str,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*PAUSING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    work = client.resume(programme_id, keyed(request, role, key, Resume()))
    return await once(request, role, key, _for(role, key, work))


SessionNumber = Annotated[int, Path(ge=1, le=10_000, description="The session's number.")]


@router.post("/sessions/{number}/reschedule", operation_id="rescheduleSession", **_answers)
async def reschedule(
    programme_id: str,
    number: SessionNumber,
    body: RescheduleRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*RESCHEDULING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Move one planned session to another time, agreed with the people, with a reason:
    its invitation is updated (a higher SEQUENCE). Refused for a session recorded or
    cancelled, a time past or after the programme's end, and while paused."""
    work = client.reschedule_session(programme_id, body.command(number, key))
    return await once(request, role, key, _for(role, key, work))


@router.post("/sessions/{number}/cancel", operation_id="cancelSession", **_answers)
async def cancel(
    programme_id: str,
    number: SessionNumber,
    body: CancelRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*RESCHEDULING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Cancel one planned session by agreement, with a reason: status ``cancelled``, not
    a miss, not counted in attendance; its invitation is cancelled."""
    work = client.cancel_session(programme_id, body.command(number, key))
    return await once(request, role, key, _for(role, key, work))


@router.post("/withdraw", operation_id="withdrawProgramme", **_answers)
async def withdraw(
    programme_id: str,
    body: ReasonRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*ENDING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    work = client.withdraw(programme_id, keyed(request, role, key, body.command(None)))
    return await once(request, role, key, _for(role, key, work))


@router.post("/advance", operation_id="advanceStage", **_answers)
async def advance(
    programme_id: str,
    body: AdvanceRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*ADVANCING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Close the current stage whatever its gate says; the reason is recorded with it."""
    work = client.advance_stage(programme_id, keyed(request, role, key, body.command(None)))
    return await once(request, role, key, _for(role, key, work))


@router.post("/raters", operation_id="nominateRaters", **_answers)
async def raters(
    programme_id: str,
    body: RatersRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*NOMINATING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Nominate raters for a feedback stage: only they answer there as peers or direct
    reports. Their name and email, if given, go to the people directory, sealed."""
    for contact in body.contacts():
        client.set_person(contact)
    work = client.nominate_raters(programme_id, keyed(request, role, key, body.command(None)))
    return await once(request, role, key, _for(role, key, work))


@router.post("/people", operation_id="reassignRole", **_answers)
async def reassign(
    programme_id: str,
    body: ReassignRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*NOMINATING))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Give the coach, manager, sponsor or HR role to another person: the next reminder
    or escalation for that role goes to them."""
    if body.contact is not None:
        client.set_person(body.contact)
    work = client.reassign(programme_id, keyed(request, role, key, body.command(None)))
    return await once(request, role, key, _for(role, key, work))
