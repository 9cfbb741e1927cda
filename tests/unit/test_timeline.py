"""``parcours history``: every row says what happened, and says nothing confidentiality
withheld. Rows are rendered from real event streams (each shipped template simulated
under each scenario) and, for what a simulation never does (amendments, expectations,
reassignments, corrections...), from events as the workflow records them."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from typing import Any

import pytest

from domain import published
from domain.events import EVENT_LIST, Event, RatersNominated
from domain.scenarios import scenario_named
from domain.simulation import simulate
from gateway.catalogue import shipped_ids, shipped_template
from gateway.cli.timeline import summary

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
EVERY_TYPE = frozenset(
    kind.model_fields["type"].default for kind in typing.get_args(typing.get_args(Event)[0])
)


def _base(seq: int) -> dict[str, Any]:
    return {"seq": seq, "at": T0, "clock": "P3D"}


RECORDED: list[dict[str, Any]] = [
    {"type": "objectives_amended", "reason": "new role", "amendment": 2,
     "added": [{"id": "S3", "horizon": "short_term", "text": "Run the weekly review"}],
     "removed": ["L1"], "order": ["S1", "S3"]},
    {"type": "objectives_amended", "reason": "priorities", "amendment": 1, "order": ["S2", "S1"]},
    {"type": "expectations_recorded", "by": "sponsor", "person_id": "SP1",
     "expected": "A calmer team", "revision": 1},
    {"type": "expectations_rated", "by": "sponsor", "person_id": "SP1", "met": 4,
     "comment": "Mostly"},
    {"type": "raters_nominated", "stage": "midpoint",
     "raters": [{"role": "peer", "id": "P1"}, {"role": "peer", "id": "P2"},
                {"role": "manager", "id": "M1"}]},
    {"type": "raters_nominated", "stage": None, "raters": []},
    {"type": "person_reassigned", "role": "coach", "before": "C1", "to": "C2"},
    {"type": "person_reassigned", "role": "sponsor", "before": None, "to": "SP9"},
    {"type": "session_corrected", "stage": "coaching", "number": 3, "status": "held",
     "was": "missed"},
    {"type": "session_missed", "stage": "coaching", "number": 4},
    {"type": "reminder_skipped", "stage": "goals", "before": "P2D", "reason": "late by 9 days"},
    {"type": "reminder_skipped", "stage": "coaching", "before": "PT1H", "number": 2,
     "reason": "late by 3 days"},
    {"type": "delivery_failed", "delivery_id": "p:7", "detail": "smtp: refused"},
    {"type": "sessions_replanned", "stage": "coaching", "due": "P60D",
     "sessions": [{"number": 3, "clock": "P30D"}], "dated": {"2": T0}},
    {"type": "session_rescheduled", "stage": "coaching", "number": 4, "session_clock": "P40D",
     "reason": "a board meeting", "due": "P60D"},
    {"type": "session_cancelled", "stage": "coaching", "number": 5, "reason": "agreed"},
    {"type": "programme_paused", "reason": "leave", "until": T0},
    {"type": "programme_resumed", "paused_for": "P10D", "automatic": True},
    {"type": "programme_withdrawn", "reason": "left the company"},
    {"type": "programme_completed"},
]  # fmt: skip


def _events() -> list[Event]:
    found: list[Event] = []
    for template_id in shipped_ids():
        for scenario in ("on-time", "silent", "late"):
            run = simulate(shipped_template(template_id), scenario_named(scenario), T0)
            found += run.events
    migrated = {
        "type": "template_migrated",
        "from_template": "executive-6m@1",
        "to_template": "executive-6m@2",
        "mapping": {"coaching": "coaching_sessions"},
        "by": "ops-1",
        "reason": "a session more",
        "template": shipped_template("executive-6m").model_dump(mode="json"),
        "stage": "coaching_sessions",
        "index": 3,
    }
    found += EVENT_LIST.validate_python(
        [{**_base(i), **fields} for i, fields in enumerate([migrated, *RECORDED], start=1)]
    )
    return found


EVENTS = _events()


def test_the_events_cover_every_event_type() -> None:
    assert {event.type for event in EVENTS} == EVERY_TYPE


@pytest.mark.parametrize("kind", sorted(EVERY_TYPE))
def test_every_row_says_what_happened(kind: str) -> None:
    rows = {summary(event) for event in EVENTS if event.type == kind}
    assert rows
    assert all(row.strip() for row in rows), kind
    assert not any("no summary" in row for row in rows), rows


def test_the_rows_that_said_nothing_say_what_changed() -> None:
    rows = [summary(e) for e in EVENTS[-len(RECORDED) :]]
    assert rows[0] == (
        "amendment 2: added S3: Run the weekly review; removed L1; now S1, S3 (why: new role)"
    )
    assert rows[1] == "amendment 1: reordered; now S2, S1 (why: priorities)"
    assert rows[2] == "sponsor SP1 expects: A calmer team (revision 1)"
    assert rows[3] == "sponsor SP1: met 4/5: Mostly"
    assert rows[4] == "for midpoint: peer P1, P2; manager M1"
    assert rows[5] == "for the follow-up: nobody"
    assert rows[6] == "coach: C1 -> C2"
    assert rows[8] == "session 3 was missed, is held"
    assert rows[11] == "reminder for session 2 (PT1H before) skipped: late by 3 days"
    assert rows[-1] == "no follow-up"


def test_a_withheld_nominee_is_counted_never_named() -> None:
    [launched] = [e for e in EVENTS if e.type == "programme_launched"][:1]
    nominated = EVENT_LIST.validate_python([{**_base(2), **RECORDED[4]}])
    [shown] = published.events([launched, *nominated])[1:]
    assert isinstance(shown, RatersNominated)
    row = summary(shown)
    assert "P1" not in row
    assert "P2" not in row
    assert "peer 2 withheld" in row


def test_the_follow_up_s_reminders_are_named_for_it() -> None:
    """Rules 8: the follow-up reminds its raters; its reminders name no stage."""
    rows = [
        summary(e)
        for e in EVENTS
        if e.type in ("reminder_due", "reminder_skipped") and not getattr(e, "stage", "x")
    ]
    assert rows, "the simulations remind the follow-up's raters"
    assert all("the follow-up" in row and "  " not in row for row in rows), rows
