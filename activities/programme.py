"""The programme's activities: what a ProgrammeWorkflow asks of the world.

Activities are bound methods of ``ProgrammeActivities`` so that the adapters
(a notifier, a recorder) are chosen once, when the worker starts, and tests can
pass fakes. Workflows refer to them by name only (``send_notification``,
``record_evaluation``) and never import this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import metrics
from activities.notifier import Directory, Notifier, ReportRecorder
from domain.notices import EvaluationReport, NoticeKind, Notification
from domain.people import Contact
from domain.template import Role
from workflows.messages import RECORD_EVALUATION, SEND_NOTIFICATION

_log = structlog.get_logger(__name__)


class ProgrammeActivities:
    """Hosts the two activities on the adapters given.

    With ``evaluation_notices``, ``record_evaluation`` also tells the employee,
    through that notifier, that an evaluation is ready (kind ``evaluation_ready``,
    delivery id ``<report delivery id>:ready``): the workflow asks only for the
    report, so the notice rides on the same activity and its retries.
    """

    def __init__(
        self,
        notifier: Notifier,
        recorder: ReportRecorder,
        *,
        evaluation_notices: Notifier | None = None,
        people: Directory | None = None,
    ) -> None:
        self.people = people
        self.notifier = notifier
        self.recorder = recorder
        self.evaluation_notices = evaluation_notices

    @activity.defn(name=SEND_NOTIFICATION)
    async def send_notification(self, notification: Notification) -> str:
        """Deliver a notification; the detail returned goes back into the programme."""
        log = _bound(SEND_NOTIFICATION, notification.delivery_id, notification.programme_id)
        notification = self.addressed(notification)
        try:
            detail = await self.notifier.send(notification)
        except ApplicationError as exc:  # a channel said why: no traceback needed
            log.warning(
                "notification failed",
                kind=notification.kind.value,
                reason=exc.message,
                final=exc.non_retryable,
            )
            raise  # Temporal retries per the workflow's retry policy, unless non-retryable
        except (ValueError, TypeError, UnicodeError) as exc:  # no retry would change it
            log.error(
                "notification cannot be sent",
                kind=notification.kind.value,
                error=type(exc).__name__,
            )
            raise ApplicationError(
                f"cannot be sent: {type(exc).__name__} (a value no channel can carry)",
                type="Malformed",
                non_retryable=True,
            ) from None
        except Exception:
            log.exception("notification failed", kind=notification.kind.value)
            raise
        log.info("notification sent", kind=notification.kind.value, detail=detail)
        if notification.kind is NoticeKind.escalation:
            metrics.count(
                metrics.ESCALATIONS,
                stage=notification.stage or "",
                step=str(notification.escalation_step or ""),
            )
        return detail

    def addressed(self, notification: Notification) -> Notification:
        """``notification`` with the contacts of who holds each role it is for, and of
        the raters it reminds, as the people directory has them now."""
        if self.people is None:
            return notification
        contacts: dict[Role, tuple[Contact, ...]] = {}
        for role in notification.to:
            if role is Role.employee:
                continue
            wanted = list(notification.raters.get(role, ()))
            holder = notification.recipients.get(role)
            if holder:
                wanted.append(holder)
            found = tuple(c for person in wanted if (c := self.people.get(person)) is not None)
            if found:
                contacts[role] = found
        return notification.model_copy(update={"contacts": contacts})

    @activity.defn(name=RECORD_EVALUATION)
    async def record_evaluation(self, report: EvaluationReport) -> str:
        """Record an evaluation report; return where it can be read. parcours' recorder
        files nothing (the report is rendered from the events on demand); the name and the
        result type (a string) stay, so recorded histories replay."""
        log = _bound(RECORD_EVALUATION, report.delivery_id, report.programme_id)
        evaluation = report.evaluation
        try:
            path = await self.recorder.record(report)
        except Exception:
            log.exception("evaluation report failed", kind=evaluation.kind.value)
            raise
        log.info(
            "evaluation recorded",
            kind=evaluation.kind.value,
            verdict=evaluation.verdict.value,
            path=path,
        )
        if self.evaluation_notices is not None:
            await self._announce(report, log)
        metrics.count(
            metrics.EVALUATIONS, kind=evaluation.kind.value, verdict=evaluation.verdict.value
        )
        return path

    async def _announce(self, report: EvaluationReport, log: Any) -> None:
        """Notify that ``report`` is ready. A refusal is logged; a failure retries the activity
        (recording is idempotent, and channels that delivered are not asked again)."""
        assert self.evaluation_notices is not None
        notice = evaluation_notice(report)
        try:
            detail = await self.evaluation_notices.send(notice)
        except ApplicationError as exc:
            if not exc.non_retryable:
                raise
            log.error(
                "evaluation notice refused", delivery_id=notice.delivery_id, reason=exc.message
            )
            return
        log.info("evaluation notice sent", delivery_id=notice.delivery_id, detail=detail)

    def all(self) -> list[Callable[..., Awaitable[Any]]]:
        """The activities to pass to a ``Worker(activities=...)``."""
        return [self.send_notification, self.record_evaluation]


def evaluation_notice(report: EvaluationReport) -> Notification:
    """The ``evaluation_ready`` notification for ``report``, addressed to the employee."""
    stage = report.evaluation.stage
    return Notification(
        delivery_id=f"{report.delivery_id}:ready",
        kind=NoticeKind.evaluation_ready,
        programme_id=report.programme_id,
        template_title=report.template_title,
        employee=report.employee,
        to=(Role.employee,),
        recipients={Role.employee: report.employee.email},
        stage=stage,
        stage_title=stage.replace("_", " ").capitalize() if stage else None,
        created_at=report.recorded_at,
    )


def _bound(name: str, delivery_id: str, programme_id: str) -> Any:
    info = activity.info()
    return _log.bind(
        activity=name,
        delivery_id=delivery_id,
        programme_id=programme_id,
        workflow_id=info.workflow_id,
        run_id=info.workflow_run_id,
        attempt=info.attempt,
    )
