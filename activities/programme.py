"""The programme's activities: what a ProgrammeWorkflow asks of the world.

Activities are bound methods of ``ProgrammeActivities`` so that the adapters
(a notifier, a recorder) are chosen once, when the worker starts, and tests can
pass fakes. Workflows refer to them by name only (``send_notification``,
``record_evaluation``) and never import this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import structlog
from temporalio import activity

from activities.evaluations import EvaluationRecorder
from activities.notifier import Notifier
from activities.outbox import OutboxNotifier
from domain.notices import EvaluationReport, Notification

SEND_NOTIFICATION = "send_notification"
RECORD_EVALUATION = "record_evaluation"

_log = structlog.get_logger(__name__)


class ProgrammeActivities:
    """Hosts the two activities on the adapters given."""

    def __init__(self, notifier: Notifier, recorder: EvaluationRecorder) -> None:
        self.notifier = notifier
        self.recorder = recorder

    @activity.defn(name=SEND_NOTIFICATION)
    async def send_notification(self, notification: Notification) -> str:
        """Deliver a notification; the detail returned goes back into the programme."""
        log = _bound(SEND_NOTIFICATION, notification.delivery_id, notification.programme_id)
        try:
            detail = await self.notifier.send(notification)
        except Exception:
            log.exception("notification failed", kind=notification.kind.value)
            raise  # Temporal retries per the workflow's retry policy
        log.info("notification sent", kind=notification.kind.value, detail=detail)
        return detail

    @activity.defn(name=RECORD_EVALUATION)
    async def record_evaluation(self, report: EvaluationReport) -> str:
        """File an evaluation report; return where the readable page is."""
        log = _bound(RECORD_EVALUATION, report.delivery_id, report.programme_id)
        try:
            path = await self.recorder.record(report)
        except Exception:
            log.exception("evaluation report failed", kind=report.evaluation.kind.value)
            raise
        log.info(
            "evaluation recorded",
            kind=report.evaluation.kind.value,
            verdict=report.evaluation.verdict.value,
            path=path,
        )
        return path

    def all(self) -> list[Callable[..., Awaitable[Any]]]:
        """The activities to pass to a ``Worker(activities=...)``."""
        return [self.send_notification, self.record_evaluation]


def build_activities(data_dir: Path) -> ProgrammeActivities:
    """The default adapters: ``<data_dir>/outbox.jsonl`` and ``<data_dir>/evaluations/``."""
    return ProgrammeActivities(
        OutboxNotifier(data_dir / "outbox.jsonl"), EvaluationRecorder(data_dir)
    )


def _bound(name: str, delivery_id: str, programme_id: str) -> Any:
    info = activity.info()
    return _log.bind(
        activity=name,
        delivery_id=delivery_id,
        programme_id=programme_id,
        workflow_id=info.workflow_id,
        attempt=info.attempt,
    )
