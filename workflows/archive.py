"""A closing programme hands its log to the archive (``adapters.stores.archive``), so it
outlives Temporal's retention (``ARCHIVE_REVISION``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

from domain.events import Event
from domain.state import ProgrammeState
from workflows.deliveries import NOTIFY_RETRY
from workflows.messages import ARCHIVE_PROGRAMME, ARCHIVE_REVISION, ClosedProgramme

ARCHIVE = "archive"
"""The patch: a run of a revision before ``ARCHIVE_REVISION`` that closes on code that
archives asks for ``archive_programme`` too; its recorded histories, closed without it,
replay without it."""
ARCHIVE_DEADLINE = timedelta(days=3)
"""How long the archive activity is retried (the store down) before the programme closes
unarchived, saying so in the worker's log: well within any Temporal retention, so the
run is still there to read (and to archive again by hand)."""


def archives(revision: int | None) -> bool:
    """Whether a run of ``revision`` archives its programme as it closes."""
    if revision is not None and revision >= ARCHIVE_REVISION:
        return True
    return workflow.patched(ARCHIVE)


async def archive(state: ProgrammeState, log: Sequence[Event]) -> None:
    """Hand the closed programme's log to the archive. A failure is logged, never the
    programme's: it closed either way."""
    stage = state.stage_progress.key if state.stage_progress is not None else None
    closed = ClosedProgramme(
        programme_id=state.programme_id,
        employee_id=state.employee.id,
        template_id=state.template.id,
        cohort_id=state.cohort_id,
        status=state.status,
        stage=stage,
        closed_at=state.ended_at or workflow.now(),
        events=list(log),
    )
    try:
        await workflow.execute_activity(
            ARCHIVE_PROGRAMME,
            closed,
            result_type=str,
            start_to_close_timeout=timedelta(minutes=1),
            schedule_to_close_timeout=ARCHIVE_DEADLINE,
            retry_policy=NOTIFY_RETRY,
            summary="archive",
        )
    except ActivityError as exc:
        workflow.logger.error("archiving failed: %s", exc.cause or exc)
