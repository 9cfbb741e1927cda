"""A programme's calendar as iCalendar: sessions, stage deadlines, evaluations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from adapters.language.calendar import CalendarWords
from config import ApiRole as Role
from domain.calendar import calendar_of, ics, time_zone_of
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
    """Sessions (held, missed, planned, cancelled, with their dates), stage deadlines
    (met, missed, pending) and evaluations (recorded with their verdict, or planned); in
    the programme's time zone (``X-WR-TIMEZONE``; the times themselves are UTC)."""
    events = await client.events(programme_id)
    entries = calendar_of(events)
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", programme_id)
    return Response(
        ics(
            entries,
            programme_id,
            datetime.now(UTC),
            time_zone_of(events),
            CalendarWords.of(events),
        ),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.ics"'},
    )
