"""Evaluation reports, rendered from the programme's events when asked (never filed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict

from adapters.reports import render_markdown
from config import ApiRole as Role
from domain.notices import EvaluationReport
from gateway.http.auth import READ, allow
from gateway.http.dependencies import Programmes
from gateway.http.errors import ApiError

router = APIRouter(prefix="/v1/programmes/{programme_id}/evaluations", tags=["reports"])
MARKDOWN = "text/markdown"


class EvaluationItem(BaseModel):
    """One evaluation of a programme, as the list gives it: ``n`` names it."""

    model_config = ConfigDict(frozen=True)

    n: int
    kind: str
    stage: str | None
    verdict: str
    recorded_at: datetime
    delivery_id: str


@router.get("", operation_id="listEvaluations", response_model=list[EvaluationItem])
async def evaluations(
    programme_id: str, client: Programmes, _: Annotated[Role, Depends(allow(*READ))]
) -> list[EvaluationItem]:
    reports = await client.evaluation_reports(programme_id)
    return [
        EvaluationItem(
            n=n,
            kind=r.evaluation.kind.value,
            stage=r.evaluation.stage,
            verdict=r.evaluation.verdict.value,
            recorded_at=r.recorded_at,
            delivery_id=r.delivery_id,
        )
        for n, r in enumerate(reports, start=1)
    ]


@router.get(
    "/{n}",
    operation_id="getEvaluation",
    response_model=EvaluationReport,
    responses={200: {"content": {MARKDOWN: {"schema": {"type": "string"}}}}},
)
async def evaluation(
    programme_id: str,
    n: int,
    request: Request,
    client: Programmes,
    _: Annotated[Role, Depends(allow(*READ))],
    format: Literal["json", "md"] | None = None,
) -> Response:
    """Evaluation ``n`` (1 for the first), as JSON, or Markdown with ``?format=md`` or
    ``Accept: text/markdown``."""
    reports = await client.evaluation_reports(programme_id)
    if not 1 <= n <= len(reports):
        raise ApiError(
            404, "not_found", f"{programme_id} has {len(reports)} evaluation(s), not #{n}", "n"
        )
    report = reports[n - 1]
    wants_md = format == "md" or (
        format is None and MARKDOWN in (request.headers.get("accept") or "")
    )
    if wants_md:
        return PlainTextResponse(render_markdown(report), media_type=f"{MARKDOWN}; charset=utf-8")
    return JSONResponse(report.model_dump(mode="json"))
