"""Reading closed programmes from the archive once Temporal no longer has their run.

Temporal answers "not found" for a programme whose last run its retention removed (or
that someone deleted); the archive (``adapters.stores.archive``) kept its log, sealed
under the employee's key, when it closed. Everything read from there goes through the
same confidentiality rules and report rendering as a log read from Temporal: only the
source differs.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.stores.archive import ArchiveEntry, ArchiveFilter, ProgrammeArchive
from domain.events import Event
from domain.evolve import fold
from domain.ids import employee_of
from domain.view import ProgrammeView, view_of
from gateway.client.errors import ParcoursError, ProgrammeErased, ProgrammeNotFound
from gateway.client.models import ErasedProgramme


async def events(archive: ProgrammeArchive | None, programme_id: str) -> list[Event]:
    """The archived log; ``ProgrammeNotFound`` when it is not there either,
    ``ProgrammeErased`` when its employee was erased since."""
    if archive is None:
        raise ProgrammeNotFound(programme_id)
    try:
        found = await asyncio.to_thread(archive.events, programme_id)
    except DataErased as exc:
        raise ProgrammeErased(erased(programme_id, exc.employee_id)) from exc
    except KeyringError as exc:
        raise ParcoursError(str(exc)) from exc
    if found is None:
        raise ProgrammeNotFound(programme_id)
    return found


async def view(archive: ProgrammeArchive | None, programme_id: str) -> ProgrammeView:
    """The view of an archived programme, as it stood when it closed."""
    log = await events(archive, programme_id)
    assert archive is not None
    entry = await asyncio.to_thread(archive.entry, programme_id)
    state = fold(log)
    closed_at: datetime = entry.closed_at if entry is not None else log[-1].at
    return view_of(state, closed_at)


async def entries(archive: ProgrammeArchive | None, where: ArchiveFilter) -> list[ArchiveEntry]:
    """Archived programmes matching ``where``, the most recently closed first."""
    if archive is None:
        return []
    return await asyncio.to_thread(archive.entries, where)


def erased(programme_id: str, employee_id: str | None = None) -> ErasedProgramme:
    """What is left to say of an erased programme that Temporal no longer has."""
    employee = employee_id or employee_of(programme_id) or ""
    return ErasedProgramme(
        programme_id=programme_id,
        employee_id=employee,
        template_id=None,
        status="closed",
        stage=None,
        message=f"{programme_id}: employee {employee}'s personal data was erased",
    )
