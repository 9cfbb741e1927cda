"""For the people who design and run programmes: simulating a template over HTTP, a
programme's calendar, a cohort's report. Real app through FastAPI's test client; a fake
ProgrammeClient behind it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from adapters.payloads.keyring import Keyring
from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from domain.cohort_summary import summarise
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.events import ProgrammeLaunched
from domain.evolve import fold
from domain.scenarios import parse_scenario, scenario_named
from domain.simulation import simulate
from domain.view import view_of
from gateway.catalogue import shipped_template
from gateway.client import CommandRefused, ProgrammeNotFound, ProgrammePage
from gateway.http.app import create_app

TOKENS = {"tok-p": ApiRole.platform, "tok-i": ApiRole.integrator, "tok-o": ApiRole.ops}


class FakeProgrammes:
    """Stands in for ProgrammeClient; the tests below give it what they read."""

    def __init__(self) -> None:
        self.views: list[Any] = []
        self.events_of: dict[str, list[Any]] = {}

    async def events(self, programme_id: str, after: int = 0) -> list[Any]:
        if programme_id not in self.events_of:
            raise ProgrammeNotFound(f"programme {programme_id} not found")
        return [e for e in self.events_of[programme_id] if e.seq > after]

    async def reschedule_session(self, programme_id: str, command: Any) -> Any:
        return self._decide(programme_id, command)

    async def cancel_session(self, programme_id: str, command: Any) -> Any:
        return self._decide(programme_id, command)

    def _decide(self, programme_id: str, command: Any) -> Any:
        """The programme's own decider on its log, as the workflow's update runs it."""
        log = self.events_of[programme_id]
        now = log[-1].at + timedelta(minutes=1)
        try:
            decision = decide_and_evolve(fold(log), command, now)
        except DomainError as exc:
            raise CommandRefused(str(exc)) from exc
        log.extend(decision.events)
        return view_of(decision.state, now)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, FakeProgrammes]]:
    fake = FakeProgrammes()
    keyring = Keyring(tmp_path / "keys.db", secrets.token_bytes(32))
    store = IdempotencyStore(tmp_path / "idempotency.db", keyring, ttl=3600)
    app = create_app(fake, TOKENS, store)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, fake
    store.close()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_simulate_a_shipped_template(api: tuple[TestClient, FakeProgrammes]) -> None:
    client, _ = api
    answer = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m", "scenario": "silent", "start": "2027-01-04"},
        headers=auth("tok-p"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["outcome"] == "lapsed"
    events = body["events"]
    assert events[0] == {
        "seq": 1,
        "type": "programme_launched",
        "at": "2027-01-04T09:00:00+00:00",
        "clock": 0.0,
        "stage": None,
    }
    escalations = [e for e in events if e["type"] == "escalation_due"]
    assert [e["to"] for e in escalations] == [["coach"], ["manager"], ["hr"]]
    lapsed = next(e for e in events if e["type"] == "programme_lapsed")
    assert lapsed["at"].startswith("2027-10-01")
    assert lapsed["stage"] == "agreement"


def test_simulate_takes_a_scenario_and_names_what_is_wrong(
    api: tuple[TestClient, FakeProgrammes],
) -> None:
    client, _ = api
    scenario = {"base": "late", "stages": {"agreement": {"at": "P3D"}}}
    answer = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m", "scenario": scenario},
        headers=auth("tok-o"),
    )
    assert answer.status_code == 200, answer.text
    agreed = next(e for e in answer.json()["events"] if e["type"] == "objectives_agreed")
    assert agreed["clock"] == 3 * 86400
    wrong = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m", "scenario": {"stages": {"nope": {}}}},
        headers=auth("tok-o"),
    )
    assert wrong.status_code == 422
    assert "nope" in wrong.text
    refused = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m"},
        headers=auth("tok-i"),
    )
    assert refused.status_code == 403


MIDWAY = parse_scenario(
    """
base: on-time
stages:
  coaching: {missed: [2]}
pauses:
  - {at: P80DT2H, for: P30D, reason: leave}
"""
)
START = datetime(2027, 1, 4, 9, tzinfo=UTC)


def calendar(client: TestClient, pid: str) -> dict[str, tuple[datetime, str]]:
    """Each entry by what it is (``session:1``, ``deadline:agreement``): its start and
    its status in words (the description's last sentence)."""
    answer = client.get(f"/v1/programmes/{pid}/calendar.ics", headers=auth("tok-p"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(answer.content)
    found = {
        str(e["UID"]).removesuffix("@parcours").split(":", 1)[1]: (
            e.decoded("DTSTART"),
            str(e["DESCRIPTION"]).rstrip(".").split(". ")[-1],
        )
        for e in parsed.walk("VEVENT")
    }
    assert len(found) == len(list(parsed.walk("VEVENT")))
    return found


def test_the_calendar_as_icalendar(api: tuple[TestClient, FakeProgrammes]) -> None:
    client, fake = api
    events = simulate(shipped_template("executive-6m"), MIDWAY, START).events
    paused = next(e.seq for e in events if e.type == "programme_paused")
    resumed = next(e.seq for e in events if e.type == "programme_resumed")
    fake.events_of["P1"] = events[:paused]  # on leave, in the coaching's second half
    fake.events_of["P2"] = events[: resumed + 1]  # back, its sessions planned again
    during, after = calendar(client, "P1"), calendar(client, "P2")
    tuesday = datetime(2027, 1, 5, 9, tzinfo=UTC)  # the first Tuesday 09:00 after it opened
    assert during["session:1"] == (tuesday, "Held")
    assert during["session:2"][1] == "Missed"
    assert during["deadline:agreement"] == (datetime(2027, 1, 18, 9, tzinfo=UTC), "Met")
    assert during["evaluation:assessment"][1] == "Verdict: On track"
    assert during["deadline:coaching_continued"][1] == "To come"
    assert during["session:8"][1] == "Planned"
    # On 30 days' leave: what was still ahead is already shown moved by whole weeks to
    # after it, on its Tuesday at 09:00, and stays there once back; what was past is not.
    fake.events_of["P0"] = events[: paused - 1]  # just before the leave
    before = calendar(client, "P0")
    until = events[paused - 1].until  # type: ignore[union-attr]
    assert before["session:8"][0] < until < during["session:8"][0]
    assert (during["session:8"][0] - before["session:8"][0]) % timedelta(days=7) == timedelta(0)
    assert after["session:8"] == during["session:8"]
    assert after["deadline:coaching_continued"] == during["deadline:coaching_continued"]
    assert after["session:1"] == during["session:1"]
    assert after["deadline:agreement"] == during["deadline:agreement"]

    assert client.get("/v1/programmes/P1/calendar.ics", headers=auth("tok-i")).status_code == 403
    missing = client.get("/v1/programmes/nope/calendar.ics", headers=auth("tok-o"))
    assert missing.status_code == 404


def test_the_calendar_names_the_programmes_time_zone(
    api: tuple[TestClient, FakeProgrammes],
) -> None:
    client, fake = api
    events = simulate(shipped_template("executive-6m"), MIDWAY, START).events
    launched = events[0]
    assert isinstance(launched, ProgrammeLaunched)
    in_paris = launched.employee.model_copy(update={"time_zone": "Europe/Paris"})
    fake.events_of["P1"] = events
    fake.events_of["P3"] = [launched.model_copy(update={"employee": in_paris}), *events[1:]]
    utc = client.get("/v1/programmes/P1/calendar.ics", headers=auth("tok-p")).text
    paris = client.get("/v1/programmes/P3/calendar.ics", headers=auth("tok-p")).text
    assert "X-WR-TIMEZONE:UTC" in utc
    assert "X-WR-TIMEZONE:Europe/Paris" in paris
    assert "BEGIN:VTIMEZONE" in paris
    assert "TZID:Europe/Paris" in paris
    # The same instants, written in the programme's zone with its VTIMEZONE.
    assert calendar(client, "P3") == calendar(client, "P1")


class CohortProgrammes(FakeProgrammes):
    """A cohort's views, two a page."""

    def __init__(self, views: list[Any]) -> None:
        super().__init__()
        self.cohort = views
        self.asked: list[tuple[str | None, str | None]] = []

    async def closed_programmes(self, where: Any) -> list[Any]:
        return []  # none archived: every programme is still in Temporal

    async def list_programmes(
        self, filters: Any, page_token: str | None = None, page_size: int = 20, **_: Any
    ) -> ProgrammePage:
        self.asked.append((filters.cohort, page_token))
        start = int(page_token or 0)
        following = str(start + 2) if start + 2 < len(self.cohort) else None
        return ProgrammePage(items=self.cohort[start : start + 2], next_page_token=following)


def views_of(*scenarios: Any) -> list[Any]:
    views = []
    for i, scenario in enumerate(scenarios):
        run = simulate(shipped_template("team-cohort-4m"), scenario, START, programme_id=f"T.E{i}")
        assert run.state is not None
        views.append(view_of(run.state, run.events[-1].at))
    return views


def test_a_cohort_report_counts_and_averages_never_one_persons_scores(tmp_path: Path) -> None:
    # The employee and the manager answer: one peer alone is under the peers' minimum,
    # and a programme that withholds a role shows no change to average.
    both = (
        "  team_360:\n    answers:\n      - {role: employee}\n      - {role: manager}\n"
        "  final_review:\n    answers:\n      - {role: employee, score: %d}\n"
        "      - {role: manager, score: %d}\n"
    )
    on_time = parse_scenario("base: on-time\nstages:\n" + both % (4, 4))
    low = parse_scenario("base: on-time\nstages:\n" + both % (2, 2))
    missing = parse_scenario(
        "base: on-time\nstages:\n" + both % (4, 4) + "  group_sessions: {missed: [1, 2]}\n"
    )
    views = views_of(on_time, on_time, low, missing, scenario_named("silent"))
    silent = simulate(shipped_template("team-cohort-4m"), scenario_named("silent"), START).events
    stalled = next(e.seq for e in silent if e.type == "stage_stalled")
    views.append(view_of(fold(silent[:stalled]), silent[stalled - 1].at))  # stalled now
    fake = CohortProgrammes(views)
    keyring = Keyring(tmp_path / "keys.db", secrets.token_bytes(32))
    store = IdempotencyStore(tmp_path / "idempotency.db", keyring, ttl=3600)
    with TestClient(create_app(fake, TOKENS, store)) as client:  # type: ignore[arg-type]
        answer = client.get("/v1/cohorts/T/report", headers=auth("tok-o"))
        refused = client.get("/v1/cohorts/T/report", headers=auth("tok-i"))
    store.close()
    assert answer.status_code == 200, answer.text
    assert refused.status_code == 403
    assert fake.asked == [("T", None), ("T", "2"), ("T", "4")]  # every page
    report = answer.json()
    assert report["programmes"] == 6
    assert report["by_status"] == {"completed": 4, "lapsed": 1, "running": 1}
    assert report["by_stage"] == {
        "(finished)": {"completed": 4, "lapsed": 1},
        "kickoff_workshop": {"running": 1},
    }
    assert report["stalled"] == {"kickoff_workshop": 1}
    final = next(e for e in report["evaluations"] if e["kind"] == "final")
    assert final["programmes"] == 4
    assert sum(final["verdicts"].values()) == 4
    # Every final compared with its baseline: four programmes, a mean over them.
    assert final["by_dimension"]["motivation"]["programmes"] == 4
    assert final["by_dimension"]["motivation"]["mean"] == -0.5  # 0, 0, -2, 0
    attendance = report["attendance"]
    assert (attendance["held"], attendance["missed"]) == (22, 2)
    text = answer.text
    assert "rater" not in text
    assert "by_role" not in text
    assert "E0" not in text  # no programme, no employee named


def test_a_mean_over_fewer_than_three_programmes_is_withheld() -> None:
    report = summarise("T", views_of(scenario_named("on-time"), scenario_named("late")))
    final = next(e for e in report.evaluations if e.kind == "final")
    assert final.programmes == 2
    assert final.overall_change.mean is None
    assert all(c.mean is None for c in final.by_dimension.values())


def test_one_session_rescheduled_and_one_cancelled_over_http(
    api: tuple[TestClient, FakeProgrammes],
) -> None:
    client, fake = api
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    events = simulate(shipped_template("change-adoption-3m"), scenario_named("on-time"), start)
    entered = next(e for e in events.events if getattr(e, "sessions", ()))
    fake.events_of["P4"] = events.events[: entered.seq]  # the weekly check-ins just opened
    view = view_of(fold(fake.events_of["P4"]), entered.at)
    second = view.sessions[1]
    assert second.at is not None
    to = second.at + timedelta(days=2, hours=3)
    moved = client.post(
        f"/v1/programmes/P4/sessions/{second.number}/reschedule",
        json={"to": to.isoformat(), "reason": "the team offsite"},
        headers=auth("tok-p"),
    )
    assert moved.status_code == 200, moved.text
    assert {s["number"]: s["at"] for s in moved.json()["sessions"]}[second.number] == (
        to.isoformat().replace("+00:00", "Z")
    )
    third = view.sessions[2].number
    cancelled = client.post(
        f"/v1/programmes/P4/sessions/{third}/cancel",
        json={"reason": "agreed"},
        headers=auth("tok-i"),
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "running", "the integrator reads a receipt"
    again = client.post(
        f"/v1/programmes/P4/sessions/{third}/cancel",
        json={"reason": "agreed"},
        headers=auth("tok-p"),
    )
    assert again.status_code == 409, again.text
    assert f"cannot cancel session {third}: it was cancelled" in again.text
    unreasoned = client.post(
        f"/v1/programmes/P4/sessions/{third}/reschedule",
        json={"to": to.isoformat()},
        headers=auth("tok-p"),
    )
    assert unreasoned.status_code == 422
    assert "reason" in unreasoned.text
