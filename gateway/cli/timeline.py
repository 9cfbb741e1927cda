"""One readable line per domain event, for ``parcours history``: every row says what
happened. It reads the events the client gave (the shown ones unless ops asked for the
answers), so what confidentiality withheld (a rater's id) stays withheld: a withheld
nominee is counted, never named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Never

from domain.durations import format_duration
from domain.events import (
    CollectionDue,
    DeliveryConfirmed,
    DeliveryFailed,
    EscalationDue,
    EvaluationRecorded,
    Event,
    ExpectationsRated,
    ExpectationsRecorded,
    FeedbackReceived,
    FollowUpClosed,
    InvitationDue,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ObjectivesAmended,
    PersonReassigned,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeStarted,
    ProgrammeWithdrawn,
    RatersNominated,
    ReminderDue,
    ReminderSkipped,
    SessionCancelled,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
    SessionReminderDue,
    SessionRescheduled,
    SessionsReplanned,
    StageCompleted,
    StageEntered,
    StageStalled,
    TemplateMigrated,
)

FOLLOW_UP = "the follow-up"
"""What a row names where an event names no stage: the follow-up's (rules 8)."""


def span(value: timedelta) -> str:
    """A programme-clock duration to the second, as ISO 8601 (P10DT2H)."""
    return format_duration(timedelta(seconds=int(value.total_seconds())))


def nominees(event: RatersNominated) -> str:
    """Who was nominated, by role; ids confidentiality withheld are counted, not named."""
    by_role: dict[str, list[str]] = {}
    for rater in event.raters:
        by_role.setdefault(rater.role, []).append(rater.id)
    parts = []
    for role, ids in by_role.items():
        named = [i for i in ids if i]
        withheld = len(ids) - len(named)
        said = ", ".join(named)
        if withheld:
            said += ("; " if said else "") + f"{withheld} withheld"
        parts.append(f"{role} {said}")
    stage = event.stage or FOLLOW_UP
    return f"for {stage}: {'; '.join(parts) or 'nobody'}"


def summary(event: Event, when: Callable[[datetime], str] | None = None) -> str:
    """What ``event`` says, in one line (never empty); times by ``when`` (the
    programme's, to the minute)."""
    from domain.reasons import said

    when = when or (lambda at: f"{at:%Y-%m-%d %H:%M}")
    match event:
        case ProgrammeLaunched():
            who = f"{event.employee.name} ({event.employee.id})"
            return f"{who} on {event.template.id} v{event.template.version}"
        case ProgrammeStarted():
            return "the programme clock started"
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
        case ObjectivesAmended():
            changes = [f"added {o.id}: {o.text}" for o in event.added]
            changes += [f"removed {i}" for i in event.removed]
            return (
                f"amendment {event.amendment}: {'; '.join(changes) or 'reordered'}; "
                f"now {', '.join(event.order)} (why: {event.reason})"
            )
        case ExpectationsRecorded():
            again = f" (revision {event.revision})" if event.revision else ""
            return f"{event.by} {event.person_id} expects: {event.expected}{again}"
        case ExpectationsRated():
            again = f" (revision {event.revision})" if event.revision else ""
            comment = f": {event.comment}" if event.comment else ""
            return f"{event.by} {event.person_id}: met {event.met}/5{comment}{again}"
        case RatersNominated():
            return nominees(event)
        case PersonReassigned():
            return f"{event.role}: {event.before or 'nobody'} -> {event.to}"
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
        case SessionCorrected():
            notes = f": {event.notes}" if event.notes else ""
            return f"session {event.number} was {event.was}, is {event.status}{notes}"
        case ObjectiveProgressed():
            return f"{event.objective_id} at {event.percent}%"
        case ReminderDue():
            stage = event.stage or FOLLOW_UP
            return f"{stage} due in {span(event.before)}, to {', '.join(event.to)}"
        case SessionReminderDue():
            to = ", ".join(event.to)
            return f"session {event.number} in {span(event.before)}, to {to}"
        case ReminderSkipped():
            what = f"session {event.number}" if event.number is not None else event.stage
            what = what or FOLLOW_UP
            return f"reminder for {what} ({span(event.before)} before) skipped: {event.reason}"
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
                f" ({'; '.join(said(evaluation))})" if said(evaluation) else ""
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
                return "no follow-up"
            return f"follow-up at {span(event.follow_up_due)}"
        case ProgrammeLapsed():
            return f"max duration {span(event.max_duration)} reached in {event.stage}"
        case FollowUpClosed():
            return f"{event.kind} recorded: nothing more will happen"
        case TemplateMigrated():
            mapped = ", ".join(f"{a}->{b}" for a, b in event.mapping.items())
            who = f" by {event.by}" if event.by else ""
            where = f", now in {event.stage}" if event.stage else ""
            return (
                f"{event.from_template} -> {event.to_template}{who}"
                f"{f' ({mapped})' if mapped else ''}{where} (why: {event.reason})"
            )
        case SessionsReplanned():
            moved = ", ".join(str(s.number) for s in event.sessions) or "none"
            kept = ", ".join(str(n) for n in event.dated) or "none"
            return f"after the pause: sessions {moved} moved; {kept} kept at their date"
        case SessionRescheduled():
            return f"session {event.number} rescheduled: {event.reason}"
        case SessionCancelled():
            return f"session {event.number} cancelled by agreement: {event.reason}"
        case InvitationDue():
            numbers = ", ".join(f"{s.number} at {when(s.at)}" for s in event.sessions)
            what = "cancelled" if event.method == "CANCEL" else "invited"
            return f"session {numbers} {what}, to {', '.join(event.to)}"
    return _unsummarised(event)


def _unsummarised(event: Never) -> str:
    """Typed ``Never``: mypy fails on an event type ``summary`` has no case for. At run
    time (an event from a newer worker) the row still names the type."""
    return f"({getattr(event, 'type', 'event')}: no summary in this version)"
