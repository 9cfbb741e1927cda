"""Evaluation reports, rendered from the programme's events when asked (never filed)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from adapters.reports import Report, ReportItem, render_html, render_markdown
from config.tokens import ApiRole as Role
from gateway.http.auth import READ, allow
from gateway.http.dependencies import Programmes
from gateway.http.errors import ApiError

router = APIRouter(prefix="/v1/programmes/{programme_id}/evaluations", tags=["reports"])
MARKDOWN = "text/markdown"
HTML = "text/html"
Format = Literal["json", "md", "html"]


@router.get("", operation_id="listEvaluations", response_model=list[ReportItem])
async def evaluations(
    programme_id: str, client: Programmes, _: Annotated[Role, Depends(allow(*READ))]
) -> list[ReportItem]:
    """The programme's evaluations, 1 the first: what each one is, and its verdict."""
    return [report.item() for report in await client.evaluation_reports(programme_id)]


@router.get(
    "/{n}",
    operation_id="getEvaluation",
    response_model=Report,
    responses={
        200: {
            "content": {
                MARKDOWN: {"schema": {"type": "string"}},
                HTML: {"schema": {"type": "string"}},
            }
        }
    },
)
async def evaluation(
    programme_id: str,
    n: int,
    request: Request,
    client: Programmes,
    _: Annotated[Role, Depends(allow(*READ))],
    format: Format | None = None,
    lang: Literal["en", "fr", "de"] | None = None,
) -> Response:
    """Evaluation ``n`` (1 for the first), as JSON, Markdown (``?format=md`` or ``Accept:
    text/markdown``) or one self-contained HTML page (``?format=html`` or ``Accept:
    text/html``), in the programme's language unless ``?lang=`` says another, and its
    time zone."""
    reports = await client.evaluation_reports(programme_id)
    if not 1 <= n <= len(reports):
        raise ApiError(
            404, "not_found", f"{programme_id} has {len(reports)} evaluation(s), not #{n}", "n"
        )
    report = reports[n - 1]
    chosen = format or _accepted(request.headers.get("accept") or "")
    if chosen == "md":
        return PlainTextResponse(
            render_markdown(report, lang), media_type=f"{MARKDOWN}; charset=utf-8"
        )
    if chosen == "html":
        return HTMLResponse(render_html(report, lang))
    return JSONResponse(report.model_dump(mode="json"))


def _accepted(accept: str) -> Format:
    """Whichever of HTML and Markdown the ``Accept`` header names first, else JSON."""
    html, md = accept.find(HTML), accept.find(MARKDOWN)
    if html >= 0 and (md < 0 or html < md):
        return "html"
    return "md" if md >= 0 else "json"
