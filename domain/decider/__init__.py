"""The decider: ``decide(state, command, now) -> events``; ``evolve`` and ``fold`` are in
``domain.evolve``, the schedule of what falls due in ``domain.schedule``.

``decide`` first catches up with time (``timers``): whatever fell due on the programme
clock by ``now`` fires before the command itself is applied. Under rules 2
(``domain.rules``) a fact (feedback, a session, progress) is applied when it happened: the
decider catches up to its ``occurred_at``, applies it there, then catches up to ``now``.
``occurred_at`` is clamped to ``[state.last_at, now]``: a fact cannot be slipped in before
something the programme has already decided, nor happen in the future.

Each command has one handler, in the module of its concern, writing to one ``Draft``
(``draft``) that stamps every event; ``stages`` moves the programme on once a handler is
done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from domain import rules as r
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    AmendObjectives,
    CancelSession,
    Command,
    GiveFeedback,
    Launch,
    MigrateTemplate,
    NominateRaters,
    Pause,
    RateExpectations,
    Reassign,
    RecordDelivery,
    RecordExpectations,
    RecordProgress,
    RecordSession,
    RescheduleSession,
    Resume,
    Tick,
    Withdraw,
)
from domain.decider import expectations, feedback, lifecycle, migration, objectives, sessions
from domain.decider.draft import Draft, require_within
from domain.decider.stages import settle
from domain.decider.timers import catch_up
from domain.errors import DomainError
from domain.events import Event
from domain.state import ProgrammeState

__all__ = ["Decision", "decide", "decide_and_evolve", "occurred"]

Fact = GiveFeedback | RecordSession | RecordProgress


class Decision(NamedTuple):
    events: list[Event]
    state: ProgrammeState
    """``state`` evolved by ``events``: what deciding them already computed."""


def decide(state: ProgrammeState | None, command: Command, now: datetime) -> list[Event]:
    """The events ``command`` causes at ``now``, or DomainError with the reason."""
    return decide_and_evolve(state, command, now).events


def decide_and_evolve(
    state: ProgrammeState | None, command: Command, now: datetime, *, to_now: bool = True
) -> Decision:
    """``decide``, with the state its events lead to, so a caller need not evolve again.

    ``to_now=False`` leaves a fact applied at its ``occurred_at`` without catching up to
    ``now`` after it: for a caller with more facts to apply first (a worker back after an
    outage, with signals queued), which then catches up with a ``Tick``.
    """
    if now.tzinfo is None:
        raise DomainError("now must carry a timezone")
    if state is None:
        if not isinstance(command, Launch):
            raise DomainError("the programme has not been launched")
        draft = lifecycle.launch(command, now)
    elif isinstance(command, Launch):
        raise DomainError(f"programme {state.programme_id} is already launched")
    elif command.key is not None and command.key in state.applied_keys:
        return Decision([], state)
    else:
        if state.rules >= r.OCCURRED_AT:
            require_within("key", command.key, r.MAX_KEY)
        draft = Draft(state, now, None)
        if isinstance(command, Fact) and state.rules >= r.OCCURRED_AT:
            draft.now = occurred(state, command, now)
        catch_up(draft)
        draft.key = command.key
        _HANDLERS[type(command)](draft, command)
        settle(draft)
        if draft.now != now and to_now:
            draft.key, draft.now = None, now
            catch_up(draft)
    return Decision(draft.events, draft.state)


def occurred(state: ProgrammeState, fact: Fact, now: datetime) -> datetime:
    """When the fact is applied: its ``occurred_at`` (now if none), no earlier than the
    programme's last event and no later than ``now``."""
    if fact.occurred_at is None:
        return now
    return max(state.last_at, min(fact.occurred_at, now))


_HANDLERS: dict[type[Any], Callable[[Draft, Any], None]] = {
    AgreeObjectives: objectives.agree,
    AmendObjectives: objectives.amend,
    RecordProgress: objectives.record_progress,
    RecordExpectations: expectations.record_expectations,
    RateExpectations: expectations.rate_expectations,
    GiveFeedback: feedback.give_feedback,
    NominateRaters: feedback.nominate,
    RecordSession: sessions.record_session,
    Reassign: lifecycle.reassign,
    Pause: lifecycle.pause,
    Resume: lifecycle.resume,
    Withdraw: lifecycle.withdraw,
    AdvanceStage: lifecycle.advance,
    Tick: lifecycle.tick,
    RecordDelivery: lifecycle.record_delivery,
    MigrateTemplate: migration.migrate,
    RescheduleSession: sessions.reschedule,
    CancelSession: sessions.cancel,
}
