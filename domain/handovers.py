"""A held role that changed hands while a stage was answered: who the report says it was.

A 360 reads each role as one point of view. When the manager (the coach, the sponsor, HR)
is reassigned after answering a stage, the answer stays the former holder's and counts for
that stage (rules 8, ``domain.gates.answered_as``): the report labels the role "manager
(changed on <date>)" there, never one "manager" score from two people. Under earlier rules
the stage may hold both answers, averaged: the label says so too.

Pure: a programme's events in, the roles and their dates out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.events import Event, FeedbackReceived, PersonReassigned, ProgrammeLaunched
from domain.holders import HELD
from domain.template import Role


def changed_hands(events: Iterable[Event], stage: str | None) -> dict[Role, datetime]:
    """The held roles whose answer for ``stage`` in ``events`` (a programme's, up to an
    evaluation) came from someone who no longer holds the role at the end, each with when
    it last changed hands."""
    holders: dict[Role, str | None] = {}
    changed: dict[Role, datetime] = {}
    raters: dict[Role, set[str]] = {}
    for event in events:
        if isinstance(event, ProgrammeLaunched):
            holders = {role: event.holders.of(role) for role in HELD}
        elif isinstance(event, PersonReassigned):
            holders[event.role] = event.to
            changed[event.role] = event.at
        elif isinstance(event, FeedbackReceived) and event.stage == stage and event.role in HELD:
            raters.setdefault(event.role, set()).add(event.rater_id)
    return {
        role: changed[role]
        for role in HELD
        if role in changed and raters.get(role, set()) - {holders.get(role)}
    }
