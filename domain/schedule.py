"""What falls due on the programme clock, and when a programme next needs a tick."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum
from typing import NamedTuple

from domain import follow_up
from domain.rules import COLLECTION, FOLLOW_UP
from domain.state import ProgrammeState, Status


class Kind(IntEnum):
    """What can fall due on the programme clock; the order breaks ties at one instant."""

    start = 0
    session_reminder = 1
    reminder = 2
    close_calendar = 3
    close_collection = 4
    """Rules 4: a feedback stage's due date; after the calendar closes (so the stage's
    sessions are accounted for) and before escalations, the stall and the lapse, so a
    stage whose quorum is met at its due date moves on without escalating or lapsing."""
    escalation = 5
    stall = 6
    lapse = 7
    follow_up = 8


class Due(NamedTuple):
    clock: timedelta
    kind: Kind
    ref: tuple[int, ...] = ()


def upcoming(state: ProgrammeState) -> list[Due]:
    """Everything still to fall due on the programme clock, earliest first."""
    items: list[Due] = []
    if state.status is Status.scheduled:
        return [Due(timedelta(0), Kind.start)]
    if state.status is Status.completed and state.follow_up_due is not None:
        due = state.follow_up_due
        if state.rules >= FOLLOW_UP:  # its raters reminded, as for a stage's deadline
            items = [
                Due(
                    max(due - before, state.clock.at(state.ended_at or state.last_at)),
                    Kind.reminder,
                    (i,),
                )
                for i, before in enumerate(follow_up.reminders(state.template))
                if i not in state.follow_up_reminders
            ]
        return sorted([*items, Due(due, Kind.follow_up)])
    if state.status not in (Status.running, Status.paused):
        return []
    items.append(Due(state.template.max_duration, Kind.lapse))
    stage, progress = state.current_stage, state.stage_progress
    if stage is not None and progress is not None:
        if stage.sessions is not None:
            for slot in progress.unrecorded:
                for j, before in enumerate(stage.sessions.remind_before):
                    if (slot.number, j) not in progress.session_reminders_sent:
                        items.append(
                            # an appointment soon after its stage opens (rules 6) is
                            # reminded of at the opening; before, slots left room
                            Due(
                                max(slot.clock - before, progress.entered),
                                Kind.session_reminder,
                                (slot.number, j),
                            )
                        )
        if progress.due is not None:
            for i, before in enumerate(stage.remind_before_due):
                if i not in progress.reminders_sent:
                    items.append(Due(progress.due - before, Kind.reminder, (i,)))
            if progress.unrecorded:
                items.append(Due(progress.due, Kind.close_calendar))
            if (
                state.rules >= COLLECTION
                and stage.gate.feedback is not None
                and not progress.collection_due
            ):
                items.append(Due(progress.due, Kind.close_collection))
            ladder = stage.escalate_after_due
            if progress.escalations_sent < len(ladder):
                step = progress.escalations_sent
                items.append(Due(progress.due + ladder[step].after, Kind.escalation, (step,)))
            if not progress.stalled:
                last = ladder[-1].after if ladder else timedelta(0)
                items.append(Due(progress.due + last, Kind.stall))
    return sorted(items)


def next_wake(state: ProgrammeState) -> datetime | None:
    """Wall time at which the programme next needs a Tick, if ever."""
    if state.status is Status.paused:
        return state.pause_until
    items = upcoming(state)
    if not items:
        return None
    if state.status is Status.scheduled:
        return state.clock.starts_at
    return state.clock.wall(items[0].clock)
