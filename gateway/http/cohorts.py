"""Launching a whole cohort at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from config.tokens import ApiRole as Role
from domain.cohort_summary import CohortSummary
from gateway.client import CohortReport, cohort
from gateway.client.errors import InvalidRequest
from gateway.client.requests import CohortRequest
from gateway.http.auth import COHORT_READ, allow, cohorts_of
from gateway.http.dependencies import IdempotencyKey, Programmes, shipped_template
from gateway.http.errors import ApiError
from gateway.http.idempotency import once

router = APIRouter(prefix="/v1/cohorts", tags=["programmes"])


@router.post("", operation_id="launchCohort", response_model=CohortReport)
async def launch_cohort(
    body: CohortRequest,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(Role.platform))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    template = shipped_template(body.template_id, request)
    contacts = cohort.Contacts(lambda index: f"participants.{index}")
    for index, participant in enumerate(body.participants):
        for conflict in contacts.check(index, participant):
            raise InvalidRequest(f"participants.{index}.{conflict}")

    async def launched() -> CohortReport:
        people = [(None, p) for p in body.participants]
        results = await cohort.launch_cohort(client, template, body.cohort_id, people)
        return cohort.report(body.cohort_id, results)

    return await once(request, role, key, launched())


@router.get("/{cohort_id}/report", operation_id="getCohortReport", response_model=CohortSummary)
async def cohort_report(
    cohort_id: str,
    request: Request,
    client: Programmes,
    role: Annotated[Role, Depends(allow(*COHORT_READ))],
) -> CohortSummary:
    """Per stage and status, how many; per evaluation kind, the verdicts and the mean
    change against the baseline per dimension (withheld under ``min_group`` programmes);
    attendance; stalls. Counts and means only: no one's scores. A ``cohort`` token reads
    only the cohorts it names."""
    if role is Role.cohort and cohort_id not in cohorts_of(request):
        raise ApiError(403, "forbidden", "this cohort token may not read that cohort")
    return await cohort.summary(client, cohort_id)
