"""A programme's deliveries: the notifications and evaluation reports its events ask for.

Each runs as a task of the workflow, an activity retried until its deadline, and ends
as a ``RecordDelivery`` the workflow applies like any command. ``Deliveries`` keeps the
tasks running and, from ``RELIABLE_REVISION`` on, when each gives up, so that a run
continuing as new hands the ones still pending to the next run within the deadline they
began with (``ProgrammeInput.deadlines``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, CancelledError

from domain.commands import RecordDelivery
from domain.events import (
    EscalationDue,
    EvaluationRecorded,
    Event,
    InvitationDue,
    Notice,
    ReminderDue,
    SessionReminderDue,
)
from domain.holders import HELD
from domain.notices import EvaluationReport, NoticeKind, Notification
from domain.state import ProgrammeState
from domain.template import Role
from workflows.messages import RECORD_EVALUATION, SEND_NOTIFICATION

NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
"""Notifications retry with backoff for up to a day (schedule_to_close) before being
recorded as failed: a reminder a day late is still worth sending, later it is noise."""
NOTIFY_DEADLINE = timedelta(days=1)
REPORT_DEADLINE = timedelta(days=3)
Deliverable = ReminderDue | SessionReminderDue | EscalationDue | InvitationDue | EvaluationRecorded
"""Events that ask for an activity: a notification, or an evaluation report."""
CANCELLED = "not delivered: cancelled, the programme was withdrawn"


class _GaveUp(Exception):
    """A delivery whose deadline passed before this run could schedule it."""


class Deliveries:
    """The deliveries a run has under way, each a task that ends by recording its outcome.

    ``state`` gives the programme as it is when a delivery starts (what the notification
    says is read then); ``record`` applies the outcome. ``reliable`` is
    ``RELIABLE_REVISION`` or later: deadlines outlive the run.
    """

    def __init__(
        self,
        state: Callable[[], ProgrammeState],
        record: Callable[[RecordDelivery], object],
        reliable: bool,
        deadlines: Mapping[str, datetime],
    ) -> None:
        self._state = state
        self._record = record
        self._reliable = reliable
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._deadlines: dict[str, datetime] = dict(deadlines)
        """When each pending delivery gives up (``RELIABLE_REVISION``)."""

    def under_way(self) -> list[asyncio.Task[None]]:
        """The deliveries still running (none: an empty list)."""
        return list(self._tasks.values())

    def deadlines(self, pending: Iterable[str]) -> dict[str, datetime]:
        """The deadlines of the ``pending`` deliveries, for the next run."""
        kept = set(pending)
        return {k: v for k, v in self._deadlines.items() if k in kept}

    def redeliver(self, log: Iterable[Event], pending: Iterable[str]) -> None:
        """After continue-as-new, deliver whatever the last run had not confirmed."""
        kept = set(pending)
        for event in log:
            if isinstance(event, Deliverable) and event.delivery_id in kept:
                self.deliver(event)

    def deliver(self, event: Deliverable) -> None:
        self._tasks[event.delivery_id] = asyncio.create_task(
            self._run(event), name=f"deliver {event.delivery_id}"
        )

    def _left(self, event: Deliverable) -> timedelta:
        """How long the delivery may still be tried: its whole deadline, less what runs
        before this one spent on it (``RELIABLE_REVISION``)."""
        whole = REPORT_DEADLINE if isinstance(event, EvaluationRecorded) else NOTIFY_DEADLINE
        if not self._reliable:
            return whole
        now = workflow.now()
        ends = self._deadlines.setdefault(event.delivery_id, now + whole)
        return ends - now

    async def _run(self, event: Deliverable) -> None:
        left = self._left(event)
        try:
            if left <= timedelta(0):
                # Only a run continuing as new within the same second could see this:
                # the activity's own schedule-to-close timeout ends it otherwise.
                raise _GaveUp(f"not delivered before its deadline ({event.delivery_id})")
            if isinstance(event, EvaluationRecorded):
                detail = await workflow.execute_activity(
                    RECORD_EVALUATION,
                    report(self._state(), event),
                    result_type=str,
                    start_to_close_timeout=timedelta(minutes=1),
                    schedule_to_close_timeout=left,
                    retry_policy=NOTIFY_RETRY,
                    summary=f"evaluation {event.evaluation.kind.value}",
                )
            else:
                detail = await workflow.execute_activity(
                    SEND_NOTIFICATION,
                    notification(self._state(), event),
                    result_type=str,
                    start_to_close_timeout=timedelta(seconds=30),
                    schedule_to_close_timeout=left,
                    retry_policy=NOTIFY_RETRY,
                    summary=f"{event.type} to {', '.join(event.to)}",
                )
            outcome = RecordDelivery(delivery_id=event.delivery_id, delivered=True, detail=detail)
        except asyncio.CancelledError:  # the programme was withdrawn (``withdraw``)
            outcome = RecordDelivery(
                delivery_id=event.delivery_id, delivered=False, detail=CANCELLED
            )
        except ActivityError as exc:
            if isinstance(exc.cause, CancelledError):
                outcome = RecordDelivery(
                    delivery_id=event.delivery_id, delivered=False, detail=CANCELLED
                )
            else:
                outcome = _failed(event, str(exc.cause) if exc.cause else str(exc))
        except _GaveUp as exc:
            outcome = _failed(event, str(exc))
        finally:
            self._tasks.pop(event.delivery_id, None)
            self._deadlines.pop(event.delivery_id, None)
        self._record(outcome)


def _failed(event: Deliverable, reason: str) -> RecordDelivery:
    workflow.logger.error("delivery %s failed: %s", event.delivery_id, reason)
    return RecordDelivery(delivery_id=event.delivery_id, delivered=False, detail=reason or "failed")


def notification(state: ProgrammeState, event: Notice) -> Notification:
    """What the notifier needs to tell the people ``event`` names, as the programme is."""
    template = state.template
    # rules 8: a reminder of the follow-up has no stage ("")
    stage = template.stage(event.stage) if event.stage else None
    people: dict[Role, str | None] = {
        Role.employee: state.employee.email,
        **{role: state.holders.of(role) for role in HELD},
    }
    answered = {f.rater_id for f in state.feedback if f.stage == (event.stage or None)}
    nominated = state.nominations.get(event.stage or "", ())
    raters = {
        role: ids
        for role in event.to
        if (ids := tuple(n.id for n in nominated if n.role is role and n.id not in answered))
    }
    lang = template.language_for(state.employee.locale)
    kind = {
        "reminder_due": NoticeKind.reminder,
        "session_reminder_due": NoticeKind.session_reminder,
        "escalation_due": NoticeKind.escalation,
        "invitation_due": NoticeKind.invitation,
    }[event.type]
    clock = state.clock
    return Notification(
        delivery_id=event.delivery_id,
        kind=kind,
        programme_id=state.programme_id,
        template_title=template.title_in(lang),
        titles=template.title,
        employee=state.employee,
        to=event.to,
        recipients={role: people.get(role) for role in event.to},
        raters=raters,
        stage=event.stage or None,
        stage_title=stage.title_in(lang) if stage is not None else None,
        stage_titles=stage.title if stage is not None else (),
        due_at=clock.wall(event.due) if isinstance(event, ReminderDue | EscalationDue) else None,
        session_number=event.number if isinstance(event, SessionReminderDue) else None,
        session_at=clock.wall(event.session_clock)
        if isinstance(event, SessionReminderDue)
        else None,
        escalation_step=event.step if isinstance(event, EscalationDue) else None,
        method=event.method if isinstance(event, InvitationDue) else None,
        sessions=event.sessions if isinstance(event, InvitationDue) else (),
        created_at=event.at,
    )


def report(state: ProgrammeState, event: EvaluationRecorded) -> EvaluationReport:
    """What the report store needs to keep ``event``'s evaluation, titled as the programme is."""
    template = state.template
    lang = template.language_for(state.employee.locale)
    keys = [s.key for s in template.stages]
    stage_key = event.evaluation.stage
    evaluated = template.stage(stage_key) if stage_key in keys else None
    return EvaluationReport(
        delivery_id=event.delivery_id,
        programme_id=state.programme_id,
        template_title=template.title_in(lang),
        titles=template.title,
        stage_titles=evaluated.title if evaluated is not None else (),
        employee=state.employee,
        evaluation=event.evaluation,
        recorded_at=event.at,
    )
