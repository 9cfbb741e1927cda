"""Launching, listing and reading programmes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from config.tokens import ApiRole as Role
from domain.events import EVENT_LIST, Event
from domain.state import Status
from domain.template_parsing import describe_errors
from domain.view import ProgrammeView, shown_view
from gateway.client import Filters, Launched, ProgrammePage
from gateway.client.requests import LaunchRequest
from gateway.http.auth import READ, allow
from gateway.http.dependencies import IdempotencyKey, Programmes, shipped_template
from gateway.http.errors import ApiError
from gateway.http.idempotency import once

router = APIRouter(prefix="/v1/programmes", tags=["programmes"])


@router.post(
    "",
    operation_id="launchProgramme",
    status_code=201,
    response_model=Launched,
    responses={200: {"model": Launched, "description": "Already launched: the same programme"}},
)
async def launch(
    body: LaunchRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(Role.platform))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    template = shipped_template(body.template_id, request)
    work = client.launch(
        employee=body.employee,
        template=template,
        holders=body.holders(),
        cohort_id=body.cohort_id,
        start_date=body.start_date,
        first_session=body.first_session,
        contacts=body.contacts(),
    )
    return await once(request, role, key, work)


@router.get("", operation_id="listProgrammes", response_model=ProgrammePage)
async def list_programmes(
    client: Programmes,
    role: Annotated[Role, Depends(allow(*READ))],
    stage: str | None = None,
    status: Status | None = None,
    cohort: str | None = None,
    employee: str | None = None,
    template: str | None = None,
    page_token: str | None = None,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProgrammePage:
    try:
        filters = Filters(
            stage=stage, status=status, cohort=cohort, employee=employee, template=template
        )
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors() else None
        raise ApiError(422, "invalid", describe_errors(exc), field) from exc
    # A page token is good for the filters and the role it was given for, no other.
    page = await client.list_programmes(filters, page_token, page_size, scope=role.value)
    if role is Role.ops:
        return page
    items = [shown_view(i) if isinstance(i, ProgrammeView) else i for i in page.items]
    return page.model_copy(update={"items": items})


@router.get("/{programme_id}", operation_id="getProgramme", response_model=ProgrammeView)
async def view(
    programme_id: str, client: Programmes, role: Annotated[Role, Depends(allow(*READ))]
) -> ProgrammeView:
    """Where the programme stands; a refused answer's reason names its rater for ops only."""
    found = await client.view(programme_id)
    return found if role is Role.ops else shown_view(found)


@router.get(
    "/{programme_id}/events", operation_id="listProgrammeEvents", response_model=list[Event]
)
async def events(
    programme_id: str,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*READ))],
    after: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """The domain events. Raw answers, with rater ids and each rater's scores, are for
    ops; the platform reads them with the confidentiality minimums applied."""
    if role is Role.ops:
        found = await client.events(programme_id, after)
    else:
        found = await client.shown_events(programme_id, after)
    return JSONResponse(EVENT_LIST.dump_python(found, mode="json"))
