"""``archive_programme``: a closing programme's log, kept past Temporal's retention.

The workflow asks for it once, as it closes (``workflows.programme``, revision 10); the
store writes by programme id, so a retry or a second worker writes the same row again.
An employee erased meanwhile has no key to seal with: nothing is written, and that is
the answer, not a failure to retry.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Protocol

import structlog
from temporalio import activity

from workflows.messages import ARCHIVE_PROGRAMME, ClosedProgramme

_log = structlog.get_logger(__name__)


class Archive(Protocol):
    """Where closed programmes are kept (``adapters.stores.archive``)."""

    def put(self, closed: ClosedProgramme, archived_at: datetime) -> bool:
        """Keep it (an upsert by programme id); False when the employee was erased."""
        ...


class ArchiveActivities:
    """Hosts ``archive_programme`` on ``archive`` (None: this worker keeps no archive,
    and says so in the activity's result)."""

    def __init__(self, archive: Archive | None) -> None:
        self.archive = archive

    @activity.defn(name=ARCHIVE_PROGRAMME)
    async def archive_programme(self, closed: ClosedProgramme) -> str:
        log = _log.bind(
            activity=ARCHIVE_PROGRAMME,
            programme_id=closed.programme_id,
            attempt=activity.info().attempt,
        )
        if self.archive is None:
            log.warning("no archive configured: the programme is not archived")
            return "not archived: no archive configured"
        try:  # a store write: off the event loop
            kept = await asyncio.to_thread(self.archive.put, closed, datetime.now(UTC))
        except Exception:
            log.exception("archiving failed")
            raise  # retried, per the workflow's policy
        if not kept:
            log.info("employee erased: nothing archived")
            return "not archived: the employee's data was erased"
        log.info("programme archived", status=closed.status.value, events=len(closed.events))
        return f"archived {len(closed.events)} events"
