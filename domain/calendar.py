"""A programme's calendar, read from its events: sessions (held, missed, not needed or
planned, with their dates), stage deadlines and evaluations (recorded, or planned).

Dates are wall times, as instants (UTC in the iCalendar feed, which also names the
programme's time zone, ``X-WR-TIMEZONE``, for calendar applications to show them in; the
CLI shows them in it). A planned date is the programme clock's, through the pauses so far
(a pause moves what is still ahead); a stage's deadline is read with the clock as it
stood when the stage closed, so a later pause does not move a deadline already past.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

from domain.events import (
    EvaluationRecorded,
    Event,
    ProgrammeLaunched,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
    StageCompleted,
    StageEntered,
)
from domain.evolve import evolve
from domain.state import Clock, ProgrammeState


class Kind(StrEnum):
    session = "session"
    deadline = "deadline"
    evaluation = "evaluation"


class Entry(NamedTuple):
    uid: str
    """Stable across reads: the programme, the kind and what it is."""
    kind: Kind
    title: str
    at: datetime
    status: str
    """session: held, missed, not_needed, planned, cancelled; deadline: met, missed, pending;
    evaluation: the verdict, or planned."""
    stage: str | None


def time_zone_of(events: list[Event]) -> str:
    """The programme's time zone (its launch's), UTC for one launched without."""
    for event in events:
        if isinstance(event, ProgrammeLaunched):
            return event.employee.time_zone
    return "UTC"


def calendar_of(events: list[Event]) -> list[Entry]:
    """The calendar of the programme whose log is ``events``, in date order."""
    state: ProgrammeState | None = None
    entries: dict[str, Entry] = {}
    open_stage: StageEntered | None = None
    slots: dict[int, timedelta] = {}
    recorded: dict[int, tuple[str, datetime]] = {}
    for event in events:
        state = evolve(state, event)
        pid = state.programme_id
        match event:
            case StageEntered():
                open_stage, slots = event, {s.number: s.clock for s in event.sessions}
            case SessionHeld() | SessionMissed():
                status = "held" if isinstance(event, SessionHeld) else "missed"
                progress = state.stage_progress
                if progress is not None and event.number in progress.uncounted:
                    status = "not_needed"  # left unrecorded with the quota held: not missed
                recorded[event.number] = (status, event.at)
            case SessionCorrected():
                recorded[event.number] = (event.status, event.at)
            case StageCompleted() if open_stage is not None:
                entries.update(_stage(pid, open_stage, slots, recorded, state.clock, event.at))
                open_stage, slots = None, {}
            case EvaluationRecorded():
                kind = event.evaluation.kind.value
                uid = f"{pid}:evaluation:{event.seq}"
                entries[uid] = Entry(
                    uid,
                    Kind.evaluation,
                    f"{kind} evaluation",
                    event.at,
                    event.evaluation.verdict.value,
                    event.evaluation.stage,
                )
    if state is None:
        return []
    pid = state.programme_id
    if open_stage is not None:
        ended = state.ended_at if state.ended else None
        entries.update(_stage(pid, open_stage, slots, recorded, state.clock, ended))
        stage = state.template.stage(open_stage.stage)
        if stage.evaluation is not None and not state.ended and open_stage.due is not None:
            uid = f"{pid}:evaluation:{open_stage.stage}"
            entries[uid] = Entry(
                uid,
                Kind.evaluation,
                f"{stage.evaluation.value} evaluation (by the {open_stage.stage} deadline)",
                state.clock.wall(open_stage.due),
                "planned",
                open_stage.stage,
            )
    if state.follow_up_due is not None:
        follow_up = state.template.follow_up
        kind = follow_up.evaluation.value if follow_up else "follow_up"
        uid = f"{pid}:evaluation:follow-up"
        entries[uid] = Entry(
            uid,
            Kind.evaluation,
            f"{kind} evaluation",
            state.clock.wall(state.follow_up_due),
            "planned",
            None,
        )
    return sorted(entries.values(), key=lambda e: (e.at, e.kind.value, e.uid))


def _stage(
    pid: str,
    entered: StageEntered,
    slots: dict[int, timedelta],
    recorded: dict[int, tuple[str, datetime]],
    clock: Clock,
    closed_at: datetime | None,
) -> dict[str, Entry]:
    """A stage's sessions and deadline; ``closed_at`` when it is over."""
    found: dict[str, Entry] = {}
    for number, slot in slots.items():
        planned = clock.wall(slot)
        if number in recorded:
            status, _ = recorded[number]
        else:
            status = "planned" if closed_at is None else "cancelled"
        uid = f"{pid}:session:{number}"
        found[uid] = Entry(uid, Kind.session, f"session {number}", planned, status, entered.stage)
    if entered.due is not None:
        due = clock.wall(entered.due)
        status = "pending" if closed_at is None else ("met" if closed_at <= due else "missed")
        uid = f"{pid}:deadline:{entered.stage}:{entered.seq}"
        found[uid] = Entry(uid, Kind.deadline, f"{entered.stage} due", due, status, entered.stage)
    return found


def ics(
    entries: list[Entry],
    name: str,
    now: datetime,
    time_zone: str = "UTC",
    words: Words | None = None,
) -> str:
    """``entries`` as an iCalendar (RFC 5545) document: one event each, sessions an hour
    long, deadlines and evaluations at their moment; times in UTC, shown by calendar
    applications in the programme's ``time_zone``. ``words`` say each entry in the
    programme's language (``adapters.language.calendar``); without, the entries' own."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//parcours//programme calendar//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
        f"X-WR-TIMEZONE:{_text(time_zone)}",
    ]
    stamp = _when(now)
    for entry in entries:
        length = timedelta(hours=1) if entry.kind is Kind.session else timedelta(0)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(entry.uid)}@parcours",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_when(entry.at)}",
            f"DTEND:{_when(entry.at + length)}",
            f"SUMMARY:{_text(words.summary(entry) if words else entry.title)}",
            f"CATEGORIES:{entry.kind.value}",
            f"DESCRIPTION:{_text(words.describe(entry) if words else describe(entry))}",
            "STATUS:CANCELLED" if entry.status == "cancelled" else "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


class Words(Protocol):
    """What an entry says to a person, in their language."""

    def summary(self, entry: Entry) -> str: ...

    def describe(self, entry: Entry) -> str: ...


def describe(entry: Entry) -> str:
    return f"{entry.status}; stage {entry.stage or '-'}"


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    chunk = b""
    for char in line:
        encoded = char.encode()
        if len(chunk) + len(encoded) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += encoded
    parts.append(chunk.decode())
    return "\r\n ".join(parts)
