"""A programme's calendar, read from its events: sessions, stage deadlines and
evaluations, past, current and planned, each with its date and how often it changed.

The whole calendar is planned from the launch (``domain.planning``): the stages not
opened yet are ``tentative``, each assumed to run to its deadline, and planned again as
the programme moves (a stage that closes early pulls the later ones forward, a pause
moves what is ahead). Past entries keep their dates: a recorded session the date it was
recorded at, a closed stage's deadline the one it had when it closed.

``sequence`` counts the changes of an entry's date or cancellation since it was first
planned (iCalendar's SEQUENCE): the calendar is read again after each event that may
move it, and an entry whose time, end or cancellation differs is one change further.
Dates are instants; readers show them in the programme's time zone (``time_zone_of``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from domain.events import (
    EvaluationRecorded,
    Event,
    FollowUpClosed,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeStarted,
    ProgrammeWithdrawn,
    SessionCancelled,
    SessionRescheduled,
    SessionsReplanned,
    StageCompleted,
    StageEntered,
)
from domain.evolve import evolve
from domain.planning import Planned, as_resumed, planned
from domain.state import ProgrammeState


class Kind(StrEnum):
    session = "session"
    deadline = "deadline"
    evaluation = "evaluation"


class Entry(NamedTuple):
    uid: str
    """Stable for life: the programme, the kind and what it is (session number, stage,
    evaluation), from its first tentative date to its record."""
    kind: Kind
    title: str
    """In English, for logs and tests; readers use ``kind``, ``number`` and ``what``."""
    at: datetime
    status: str
    """session: held, missed, not_needed, planned, tentative, cancelled; deadline: met,
    missed, pending, tentative; evaluation: the verdict, or planned, tentative."""
    stage: str | None
    end: datetime | None = None
    """A session's end (its start plus its calendar's ``duration``); None for a moment
    (a deadline, an evaluation)."""
    number: int | None = None
    """A session's number."""
    what: str | None = None
    """An evaluation's kind (``baseline``, ``follow_up``, ...)."""
    sequence: int = 0
    """How often its date, end or cancellation changed (iCalendar's SEQUENCE)."""


def time_zone_of(events: list[Event]) -> str:
    """The programme's time zone (its launch's), UTC for one launched without."""
    for event in events:
        if isinstance(event, ProgrammeLaunched):
            return event.employee.time_zone
    return "UTC"


_MOVES = (
    ProgrammeLaunched,
    ProgrammeStarted,
    StageEntered,
    StageCompleted,
    ProgrammePaused,
    ProgrammeResumed,
    SessionsReplanned,
    SessionRescheduled,
    SessionCancelled,
    EvaluationRecorded,
    ProgrammeCompleted,
    ProgrammeWithdrawn,
    ProgrammeLapsed,
    FollowUpClosed,
)
"""Events after which an entry's date may differ."""
_FOLLOW_ON = (
    StageEntered,
    StageCompleted,
    SessionsReplanned,
    ProgrammeCompleted,
    ProgrammeWithdrawn,
    ProgrammeLapsed,
)
"""Events decided with the one before (a stage opens as one closes, a pause's end moves
the sessions): the calendar is read once both are in, so the step between is no change."""


def calendar_of(events: list[Event]) -> list[Entry]:
    """The calendar of the programme whose log is ``events``, in date order."""
    state: ProgrammeState | None = None
    past: dict[str, Entry] = {}
    sequences: dict[str, int] = {}
    seen: dict[str, tuple[datetime, datetime | None, bool]] = {}
    current: list[Entry] = []
    dirty = False
    for i, event in enumerate(events):
        before = state
        state = evolve(state, event)
        pid = state.programme_id
        if isinstance(event, StageCompleted) and before is not None:
            past.update((e.uid, e) for e in _stage(before, closed_at=event.at))
        elif isinstance(event, EvaluationRecorded):
            evaluation = event.evaluation
            uid = _evaluation_uid(pid, evaluation.stage, evaluation.kind.value)
            past[uid] = Entry(
                uid,
                Kind.evaluation,
                f"{evaluation.kind.value} evaluation",
                event.at,
                evaluation.verdict.value,
                evaluation.stage,
                what=evaluation.kind.value,
            )
        dirty = dirty or isinstance(event, _MOVES)
        following = events[i + 1] if i + 1 < len(events) else None
        if dirty and not isinstance(following, _FOLLOW_ON):
            dirty = False
            current = _now(state, past)
            for entry in current:
                shape = (entry.at, entry.end, entry.status == "cancelled")
                if entry.uid in seen and seen[entry.uid] != shape:
                    sequences[entry.uid] = sequences.get(entry.uid, 0) + 1
                seen[entry.uid] = shape
    if state is None:
        return []
    current = _now(state, past)
    return sorted(
        (e._replace(sequence=sequences.get(e.uid, 0)) for e in current),
        key=lambda e: (e.at, e.kind.value, e.uid),
    )


def _now(state: ProgrammeState, past: dict[str, Entry]) -> list[Entry]:
    """The calendar as the programme stands: what is past, the open stage, the plan."""
    found = dict(past)
    state = as_resumed(state)  # while paused: as if back when it ends (or now)
    if state.stage_progress is not None:
        found.update((e.uid, e) for e in _stage(state, closed_at=None))
    if not state.ended:
        found.update((e.uid, e) for e in (_planned(state, p) for p in planned(state)))
    return list(found.values())


def _evaluation_uid(pid: str, stage: str | None, kind: str) -> str:
    return f"{pid}:evaluation:{stage or kind}"


def _stage(state: ProgrammeState, closed_at: datetime | None) -> list[Entry]:
    """The open stage's sessions and deadline; ``closed_at`` when it is closing."""
    closed = closed_at is not None
    progress, stage = state.stage_progress, state.current_stage
    assert progress is not None
    assert stage is not None
    pid = state.programme_id
    found: list[Entry] = []
    length = stage.sessions.length if stage.sessions is not None else None
    for slot in progress.sessions:
        at = state.session_date(slot)
        number = slot.number
        if number in progress.uncounted:
            status = "not_needed"
        elif number in progress.cancelled:
            status = "cancelled"
        elif number in progress.recorded:
            status = progress.recorded[number].value
        else:
            status = "cancelled" if closed else "planned"  # closed unrecorded: advanced
        end = at + length if length is not None else None
        uid = f"{pid}:session:{number}"
        found.append(
            Entry(uid, Kind.session, f"session {number}", at, status, progress.key, end, number)
        )
    if progress.due is not None:
        due = state.clock.wall(progress.due)
        if closed:
            status = "met" if closed_at is not None and closed_at <= due else "missed"
        else:
            status = "pending"
        uid = f"{pid}:deadline:{progress.key}"
        found.append(Entry(uid, Kind.deadline, f"{progress.key} due", due, status, progress.key))
        if stage.evaluation is not None and not closed:
            kind = stage.evaluation.value
            uid = _evaluation_uid(pid, progress.key, kind)
            found.append(
                Entry(
                    uid,
                    Kind.evaluation,
                    f"{kind} evaluation (by the {progress.key} deadline)",
                    due,
                    "planned",
                    progress.key,
                    what=kind,
                )
            )
    return found


def _planned(state: ProgrammeState, item: Planned) -> Entry:
    pid = state.programme_id
    status = "tentative" if item.tentative else "planned"
    if item.kind == "session":
        assert item.number is not None
        uid = f"{pid}:session:{item.number}"
        title = f"session {item.number}"
        return Entry(uid, Kind.session, title, item.at, status, item.stage, item.end, item.number)
    if item.kind == "deadline":
        assert item.stage is not None
        uid = f"{pid}:deadline:{item.stage}"
        return Entry(uid, Kind.deadline, f"{item.stage} due", item.at, status, item.stage)
    assert item.what is not None
    uid = _evaluation_uid(pid, item.stage, item.what)
    return Entry(
        uid, Kind.evaluation, f"{item.what} evaluation", item.at, status, item.stage, what=item.what
    )


class Programme(NamedTuple):
    """What a calendar's reader needs of the programme beside its entries."""

    title: str
    lang: str
    time_zone: str
    stages: dict[str, str]
    """Each stage's key and its title."""


def programme_of(events: list[Event]) -> Programme:
    """The programme's title, language, time zone and stage titles, from its launch."""
    for event in events:
        if isinstance(event, ProgrammeLaunched):
            template = event.template
            employee = event.employee
            # the template's texts in the programme's language (its first, if not declared)
            lang = template.language_for(employee.locale)
            stages = {s.key: s.title_in(lang) or s.key for s in template.stages}
            title = template.title_in(employee.locale)
            return Programme(title, employee.locale, employee.time_zone, stages)
    return Programme("", "en", "UTC", {})
