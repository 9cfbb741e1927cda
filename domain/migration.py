"""What moving a programme onto another template version would change: the preview.

Pure: the programme's events are folded, the migration decided as the workflow would
decide it (``domain.decider.migration``), and the future of both states fast-forwarded
with nobody answering, as ``simulate --scenario silent`` does, so what each would send
and when can be compared. Nothing is changed; a refusal comes back with its reason.

Compared: the stage it lands in; the current stage's due date and calendar (sessions
added, removed, moved); the reminders, session reminders and escalations ahead (those
added and those removed: a moved one is both); the stages and evaluations ahead, and
whether an evaluation would differ (another kind, stage or framework ahead).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.commands import MigrateTemplate, RecordDelivery, Tick
from domain.decider import decide_and_evolve
from domain.decider.migration import label
from domain.errors import DomainError
from domain.events import (
    EscalationDue,
    EvaluationRecorded,
    Event,
    ReminderDue,
    SessionReminderDue,
)
from domain.evolve import fold
from domain.schedule import next_wake
from domain.state import ProgrammeState
from domain.template import Template

MAX_STEPS = 2_000
"""Ticks a preview fast-forwards at most (a silent programme lapses long before)."""
Outcome = Literal["migrate", "refused", "unchanged"]
Sent = ReminderDue | SessionReminderDue | EscalationDue
SHOWN = frozenset(
    {
        "reminder_due",
        "session_reminder_due",
        "escalation_due",
        "stage_stalled",
        "stage_entered",
        "evaluation_recorded",
        "stage_completed",
        "programme_completed",
        "programme_lapsed",
        "follow_up_closed",
    }
)


class _Preview(BaseModel):
    model_config = ConfigDict(frozen=True)


class SessionMove(_Preview):
    number: int
    before: datetime | None
    """Its planned time now; None: added."""
    after: datetime | None
    """Its planned time after migrating; None: removed."""


class Notice(_Preview):
    type: str
    stage: str | None
    at: datetime


class MigrationPreview(_Preview):
    programme_id: str
    from_template: str
    to_template: str
    outcome: Outcome
    reason: str | None = None
    """Why it is refused, or unchanged."""
    stage_before: str | None = None
    stage_after: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    sessions: list[SessionMove] = []
    """Sessions of the current stage added, removed or moved."""
    notices_added: list[Notice] = []
    notices_removed: list[Notice] = []
    stages_ahead_before: list[str] = []
    stages_ahead_after: list[str] = []
    evaluations_before: list[str] = []
    """``kind@stage`` of each evaluation ahead, now."""
    evaluations_after: list[str] = []
    evaluation_differs: bool = False


def preview(
    events: list[Event],
    to: Template,
    mapping: dict[str, str],
    now: datetime,
    *,
    reason: str = "preview",
) -> MigrationPreview:
    """What migrating the programme of ``events`` to ``to`` at ``now`` would change."""
    state = fold(events)
    base = {
        "programme_id": state.programme_id,
        "from_template": label(state.template),
        "to_template": label(to),
        "stage_before": _stage(state),
    }
    if state.template == to:
        return MigrationPreview(**base, outcome="unchanged", reason="already on it")
    try:
        _, before = decide_and_evolve(state, Tick(), now)
        _, after = decide_and_evolve(
            state, MigrateTemplate(to=to, mapping=mapping, reason=reason), now
        )
    except DomainError as exc:
        return MigrationPreview(**base, outcome="refused", reason=str(exc))
    old_notices, new_notices = _notices(before, now), _notices(after, now)
    old_evaluations, new_evaluations = _evaluations(before), _evaluations(after)
    return MigrationPreview(
        **base,
        outcome="migrate",
        stage_after=_stage(after),
        due_before=_due(before),
        due_after=_due(after),
        sessions=_sessions(before, after),
        notices_added=[n for n in new_notices if n not in old_notices],
        notices_removed=[n for n in old_notices if n not in new_notices],
        stages_ahead_before=_ahead(before),
        stages_ahead_after=_ahead(after),
        evaluations_before=old_evaluations,
        evaluations_after=new_evaluations,
        evaluation_differs=old_evaluations != new_evaluations
        or set(before.template.dimensions) != set(after.template.dimensions)
        or before.template.scale != after.template.scale,
    )


def _stage(state: ProgrammeState) -> str | None:
    return state.stage_progress.key if state.stage_progress is not None else None


def _due(state: ProgrammeState) -> datetime | None:
    progress = state.stage_progress
    if progress is None or progress.due is None:
        return None
    return state.clock.wall(progress.due)


def _ahead(state: ProgrammeState) -> list[str]:
    index = state.stage_progress.index if state.stage_progress is not None else None
    if index is None:
        return []
    return [s.key for s in state.template.stages[index + 1 :]]


def _evaluations(state: ProgrammeState) -> list[str]:
    """Each evaluation ahead (the current stage's included), ``kind@stage``."""
    index = state.stage_progress.index if state.stage_progress is not None else None
    stages = state.template.stages[index:] if index is not None else ()
    found = [f"{s.evaluation.value}@{s.key}" for s in stages if s.evaluation is not None]
    follow_up = state.template.follow_up
    if follow_up is not None:
        found.append(f"{follow_up.evaluation.value}@follow_up")
    return found


def _sessions(before: ProgrammeState, after: ProgrammeState) -> list[SessionMove]:
    def planned(state: ProgrammeState) -> dict[int, datetime]:
        progress = state.stage_progress
        if progress is None:
            return {}
        return {s.number: state.clock.wall(s.clock) for s in progress.unrecorded}

    old, new = planned(before), planned(after)
    return [
        SessionMove(number=number, before=old.get(number), after=new.get(number))
        for number in sorted(old.keys() | new.keys())
        if old.get(number) != new.get(number)
    ]


def _notices(state: ProgrammeState, now: datetime) -> list[Notice]:
    """What the programme would send from ``now`` if nobody answered, until it ends."""
    return [n for n in future(state, now) if n.type in SENT]


SENT = frozenset({"reminder_due", "session_reminder_due", "escalation_due"})


def future(state: ProgrammeState, now: datetime) -> list[Notice]:
    """What the programme would do from ``now`` if nobody answered, until it ends: what it
    sends, and when its stages stall, evaluate, end or lapse (``parcours simulate
    --programme``)."""
    found: list[Notice] = []
    for _ in range(MAX_STEPS):
        wake = next_wake(state)
        if state.finished or wake is None:
            break
        at = max(now, wake)
        events, state = decide_and_evolve(state, Tick(), at)
        for event in events:
            if isinstance(event, ReminderDue | SessionReminderDue | EscalationDue):
                found.append(Notice(type=event.type, stage=event.stage, at=event.at))
            if isinstance(
                event, ReminderDue | SessionReminderDue | EscalationDue | EvaluationRecorded
            ):
                confirmed = RecordDelivery(
                    delivery_id=event.delivery_id, delivered=True, detail="preview"
                )
                _, state = decide_and_evolve(state, confirmed, at)
    return found
