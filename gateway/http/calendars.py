"""A programme's calendar as iCalendar: sessions, stage deadlines, evaluations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from adapters.calendar.ics import calendar as ics
from config.tokens import ApiRole as Role
from domain.calendar import calendar_of, programme_of
from gateway.http.auth import READ, allow
from gateway.http.dependencies import Programmes

router = APIRouter(prefix="/v1/programmes", tags=["programmes"])


@router.get(
    "/{programme_id}/calendar.ics",
    operation_id="getProgrammeCalendar",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def calendar(
    programme_id: str, client: Programmes, _: Annotated[Role, Depends(allow(*READ))]
) -> Response:
    """The whole calendar, planned from the launch: sessions (held, missed, planned,
    tentative in stages not opened yet, cancelled), stage deadlines (met, missed, pending,
    tentative) and evaluations (recorded with their verdict, or planned). Times in the
    programme's time zone (with its VTIMEZONE); UIDs stable for life, SEQUENCE raised on
    every change of date; summaries in the programme's language."""
    events = await client.events(programme_id)
    entries = calendar_of(events)
    about = programme_of(events)
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", programme_id)
    feed = ics(
        entries,
        name=programme_id,
        programme=about.title,
        lang=about.lang,
        zone=about.time_zone,
        now=datetime.now(UTC),
        stages=about.stages,
    )
    return Response(
        feed,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.ics"'},
    )
