"""One readable line per domain event, for ``parcours history``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from domain.durations import format_duration
from domain.events import (
    CollectionDue,
    DeliveryConfirmed,
    DeliveryFailed,
    EscalationDue,
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeWithdrawn,
    ReminderDue,
    SessionHeld,
    SessionMissed,
    SessionReminderDue,
    StageCompleted,
    StageEntered,
    StageStalled,
)


def span(value: timedelta) -> str:
    """A programme-clock duration to the second, as ISO 8601 (P10DT2H)."""
    return format_duration(timedelta(seconds=int(value.total_seconds())))


def summary(event: Event, when: Callable[[datetime], str] | None = None) -> str:
    """What ``event`` says, one line; times by ``when`` (the programme's, to the minute)."""
    when = when or (lambda at: f"{at:%Y-%m-%d %H:%M}")
    match event:
        case ProgrammeLaunched():
            who = f"{event.employee.name} ({event.employee.id})"
            return f"{who} on {event.template.id} v{event.template.version}"
        case StageEntered():
            due = f", due at {span(event.due)}" if event.due is not None else ""
            sessions = (
                f", sessions {event.sessions[0].number}..{event.sessions[-1].number}"
                if event.sessions
                else ""
            )
            return f"{event.stage}{due}{sessions}"
        case ObjectivesAgreed():
            return "; ".join(f"{o.id}: {o.text}" for o in event.objectives)
        case FeedbackReceived():
            scores = ", ".join(f"{d}={s}" for d, s in event.scores.items()) or "scores withheld"
            rater = f" {event.rater_id}" if event.rater_id else ""
            return f"{event.role}{rater}: {scores}"
        case SessionHeld():
            return f"session {event.number}"
        case SessionMissed():
            return f"session {event.number}" + (
                " (not recorded in time)" if event.unrecorded else ""
            )
        case ObjectiveProgressed():
            return f"{event.objective_id} at {event.percent}%"
        case ReminderDue():
            return f"{event.stage} due in {span(event.before)}, to {', '.join(event.to)}"
        case SessionReminderDue():
            to = ", ".join(event.to)
            return f"session {event.number} in {span(event.before)}, to {to}"
        case EscalationDue():
            to = ", ".join(event.to)
            return f"{event.stage} step {event.step}, overdue {span(event.overdue_by)}, to {to}"
        case StageStalled() | StageCompleted():
            forced = getattr(event, "forced_by", None)
            return event.stage + (f" (advanced: {forced})" if forced else "")
        case CollectionDue():
            then = "closes on the quorum" if event.quorum_met else "quorum not met: escalates"
            return f"{event.stage}: {event.answered} of {event.nominees} nominees answered; {then}"
        case EvaluationRecorded():
            evaluation = event.evaluation
            return f"{evaluation.kind}: {evaluation.verdict}" + (
                f" ({'; '.join(evaluation.reasons)})" if evaluation.reasons else ""
            )
        case DeliveryConfirmed():
            return f"{event.delivery_id}: {event.detail}"
        case DeliveryFailed():
            return f"{event.delivery_id} FAILED: {event.detail}"
        case ProgrammePaused():
            until = f" until {when(event.until)}" if event.until else ""
            return f"{event.reason}{until}"
        case ProgrammeResumed():
            how = "by itself" if event.automatic else "by request"
            return f"after {span(event.paused_for)}, {how}"
        case ProgrammeWithdrawn():
            return event.reason
        case ProgrammeCompleted():
            if event.follow_up_due is None:
                return ""
            return f"follow-up at {span(event.follow_up_due)}"
        case ProgrammeLapsed():
            return f"max duration {span(event.max_duration)} reached in {event.stage}"
    return ""
