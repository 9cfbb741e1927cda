"""The whole calendar, planned at launch, and its iCalendar feed (rules 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from adapters.calendar.ics import calendar as ics
from domain.calendar import Entry, Kind, calendar_of, programme_of
from domain.commands import Pause
from domain.decider import decide_and_evolve
from domain.events import Event
from domain.evolve import fold
from domain.scenarios import scenario_named
from domain.simulation import simulate
from domain.template import Template
from domain.template_parsing import parse_template

ROOT = Path(__file__).parents[2]
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2027, 1, 4, 8, 30, tzinfo=UTC)  # a Monday
NOW = datetime(2026, 12, 6, tzinfo=UTC)


def shipped(name: str) -> Template:
    return parse_template((ROOT / "templates" / f"{name}.yaml").read_text())


WEEKLY = parse_template(
    """
id: weekly
version: 1
title: Weekly coaching
dimensions: [motivation]
max_duration: P400D
stages:
  - key: agreement
    title: Agreement
    due: P14D
    gate: {objectives_agreed: true}
  - key: coaching
    title: Weekly sessions
    sessions: {count: 45, every: P7D, weekday: tuesday, at: "09:00", duration: PT1H}
    gate: {sessions_held: 30}
    evaluation: final
follow_up: {after: P30D}
"""
)


def feed(events: list[Event], lang: str = "en") -> icalendar.Calendar:
    about = programme_of(events)
    written = ics(
        calendar_of(events),
        name="P1",
        programme=about.title,
        lang=lang,
        zone=about.time_zone,
        now=NOW,
        stages=about.stages,
    )
    return icalendar.Calendar.from_ical(written)


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_weekly_tuesday_programme_is_at_nine_in_paris_across_both_clock_changes() -> None:
    run = simulate(WEEKLY, scenario_named("silent"), START, time_zone="Europe/Paris")
    sessions = [e for e in run.planned if e.kind is Kind.session]
    assert len(sessions) == 45, "planned at launch, in a stage not opened yet"
    assert {e.status for e in sessions} == {"tentative"}
    local = [e.at.astimezone(PARIS) for e in sessions]
    assert all((d.weekday(), d.hour, d.minute) == (1, 9, 0) for d in local)
    assert {d.utcoffset() for d in local} == {timedelta(hours=1), timedelta(hours=2)}
    assert local[0] < datetime(2027, 3, 28, tzinfo=PARIS) < datetime(2027, 10, 31, tzinfo=PARIS)
    assert local[-1] > datetime(2027, 10, 31, tzinfo=PARIS)
    parsed = feed(run.events[:1])
    starts = [
        e.decoded("DTSTART") for e in parsed.walk("VEVENT") if "session" in str(e["CATEGORIES"])
    ]
    assert len(starts) == 45
    assert all(s.tzinfo is not None and str(s.tzinfo) == "Europe/Paris" for s in starts)
    assert all((s.hour, s.minute) == (9, 0) for s in starts)
    assert [t["TZID"] for t in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_the_calendar_at_launch_is_the_simulations_and_every_entry_gets_a_date() -> None:
    template = shipped("executive-6m")
    run = simulate(template, scenario_named("on-time"), START, time_zone="Europe/Paris")
    launched = run.events[:3]
    assert [e.type for e in launched] == [
        "programme_launched",
        "programme_started",
        "stage_entered",
    ]
    assert run.planned == calendar_of(launched)
    kinds = {(e.kind, e.stage or "") for e in run.planned}
    for stage in template.stages:
        assert (Kind.deadline, stage.key) in kinds
    sessions = [e.number for e in run.planned if e.kind is Kind.session]
    assert sessions == list(range(1, 10))
    # what the plan says at launch is what an on-time run keeps: the same entries
    assert {e.uid for e in run.planned} == {e.uid for e in calendar_of(run.events)}


def test_strict_icalendar_stable_uids_sequence_raised_on_each_change() -> None:
    run = simulate(shipped("executive-6m"), scenario_named("on-time"), START)
    seen: dict[str, tuple[int, date]] = {}
    uids: set[str] | None = None
    for n in range(1, len(run.events) + 1, 7):
        found = vevents(feed(run.events[:n]))
        if uids is None:
            uids = set(found)
        assert set(found) == uids, "UIDs stable from launch to the end"
        for uid, event in found.items():
            start = event.decoded("DTSTART")
            if "DTEND" in event:
                assert event.decoded("DTEND") > start
            else:
                assert str(event["TRANSP"]) == "TRANSPARENT"
            sequence = int(event["SEQUENCE"])
            if uid in seen:
                before, when = seen[uid]
                assert sequence >= before
                if start != when:
                    assert sequence > before, f"{uid} moved without a new SEQUENCE"
            seen[uid] = (sequence, start)


def test_summaries_and_descriptions_in_french_with_no_raw_codes() -> None:
    run = simulate(shipped("executive-6m"), scenario_named("on-time"), START)
    for n in (1, len(run.events)):
        for event in feed(run.events[:n], lang="fr").walk("VEVENT"):
            summary, description = str(event["SUMMARY"]), str(event["DESCRIPTION"])
            assert "due" not in summary
            assert "_" not in summary + description, summary + description
            assert any(w in summary for w in ("séance", "échéance", "évaluation")), summary


def test_german_summaries_keep_their_nouns_capitalised() -> None:
    """German capitalises nouns: the catalogue's words are used as written, never lowered."""
    run = simulate(shipped("executive-6m"), scenario_named("on-time"), START)
    summaries, descriptions = set(), set()
    for event in feed(run.events, lang="de").walk("VEVENT"):
        summaries.add(str(event["SUMMARY"]))
        descriptions.add(str(event["DESCRIPTION"]))
    assert any(s.endswith(": Zwischenbewertung") for s in summaries), summaries
    assert any(s.endswith(": Abschlussbewertung") for s in summaries), summaries
    assert not any(": zwischen" in s or ": abschluss" in s for s in summaries), summaries
    assert any("Urteil: " in d for d in descriptions), descriptions
    assert all("_" not in s for s in summaries | descriptions)


def test_a_pause_moves_what_is_ahead_in_the_calendar_and_not_what_is_past() -> None:
    run = simulate(WEEKLY, scenario_named("on-time"), START, time_zone="Europe/Paris")
    before = {e.uid: e for e in calendar_of(run.events)}
    # pause the on-time run in the middle of its sessions, for three weeks
    held = [e for e in run.events if e.type == "session_held"]
    cut = held[3].seq
    events = run.events[:cut]
    state = fold(events)
    paused_at = held[3].at + timedelta(days=1)
    until = paused_at + timedelta(days=20)
    more, state = decide_and_evolve(state, Pause(reason="leave", until=until), paused_at)
    during = {e.uid: e for e in calendar_of(events + more)}
    for uid, entry in during.items():
        old = before.get(uid)
        if old is None or entry.kind is not Kind.session:
            continue
        if old.at <= paused_at:
            assert entry.at == old.at, f"{uid} is past and keeps its date"
        else:
            assert entry.at > until, f"{uid} moves after the pause"
            local = entry.at.astimezone(PARIS)
            assert (local.weekday(), local.hour) == (1, 9)
            assert entry.sequence > 0


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_an_invitation_names_its_method(method: str) -> None:
    entry = Entry(
        "P1:session:1",
        Kind.session,
        "session 1",
        START,
        "planned",
        "coaching",
        START + timedelta(hours=1),
        1,
    )
    written = ics(
        [entry], name="P1", programme="Coaching", lang="en", zone="UTC", now=NOW, method=method
    )  # type: ignore[arg-type]
    parsed = icalendar.Calendar.from_ical(written)
    assert str(parsed["METHOD"]) == method


def test_a_stage_that_closes_early_pulls_the_later_ones_forward() -> None:
    run = simulate(shipped("executive-6m"), scenario_named("on-time"), START)
    at_launch = {e.uid: e for e in run.planned}
    entered = [i for i, e in enumerate(run.events) if e.type == "stage_entered"]
    after_first = {e.uid: e for e in calendar_of(run.events[: entered[1] + 1])}
    goals = "executive-6m.simulated:deadline:goals"
    assert after_first[goals].at < at_launch[goals].at, "agreed at once, not at the deadline"
    assert after_first[goals].sequence == 1
