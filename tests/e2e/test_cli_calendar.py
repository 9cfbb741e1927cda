"""A Paris programme's calendar from the CLI against ``parcours up``: planned at launch,
times in Paris time, one session rescheduled, dates on the command line read in Paris."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.conftest import Parcours

PARIS = ZoneInfo("Europe/Paris")
WEEKLY = """
id: weekly-paris
version: 1
title: Coaching hebdomadaire
dimensions: [motivation]
max_duration: P400D
stages:
  - key: coaching
    title: Séances
    sessions: {count: 6, every: P7D, weekday: tuesday, at: "09:00", duration: PT1H}
    gate: {sessions_held: 4}
  - key: review
    title: Bilan
    due: P14D
    gate: {progress_recorded: true}
    evaluation: final
"""


def test_the_cli_shows_a_paris_programmes_times_in_paris_time(
    parcours: Parcours, tmp_path: Path
) -> None:
    template = tmp_path / "weekly.yaml"
    template.write_text(WEEKLY)
    parcours.start()
    programme_id = parcours.cli(
        "launch", "--employee", "E7", "--name", "Camille Durand",
        "--email", "camille@example.com", "--template", str(template),
        "--coach", "C1", "--locale", "fr", "--tz", "Europe/Paris",
        "--first-session", "2027-01-12T09:00",
    ).stdout.strip()  # fmt: skip

    entries = json.loads(parcours.cli("calendar", programme_id, "--json").stdout)
    sessions = [e for e in entries if e["kind"] == "session"]
    assert [e["at"] for e in sessions[:2]] == [
        "2027-01-12T09:00:00+01:00",
        "2027-01-19T09:00:00+01:00",
    ], "the first session chosen at launch, the others a week apart, in Paris time"
    planned = {e["kind"] for e in entries if e["stage"] == "review"}
    assert planned == {"deadline", "evaluation"}, "the stage ahead is planned at launch"
    assert {e["status"] for e in entries if e["stage"] == "review"} == {"tentative"}

    table = parcours.cli("calendar", programme_id).stdout
    assert "Europe/Paris" in table
    assert "12 janv. 2027, 09:00" in table

    moved = parcours.cli(
        "session", programme_id, "--number", "2", "--reschedule", "2027-01-21T14:30",
        "--reason", "un comité de direction",
    )  # fmt: skip
    assert "21 janv. 2027, 14:30" in moved.stdout, moved.stdout
    entries = json.loads(parcours.cli("calendar", programme_id, "--json").stdout)
    second = next(e for e in entries if e["uid"].endswith(":session:2"))
    assert second["at"] == "2027-01-21T14:30:00+01:00"
    assert second["sequence"] == 1

    refused = parcours.cli(
        "session", programme_id, "--number", "3", "--reschedule", "2020-01-01T10:00",
        "--reason", "x", ok=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "2020-01-01 10:00 Europe/Paris is past" in refused.stderr

    paused = json.loads(
        parcours.cli(
            "pause", programme_id, "--reason", "congé", "--until", "2027-01-15", "--json"
        ).stdout
    )
    until = datetime.fromisoformat(paused["paused"]["until"])
    assert until == datetime(2027, 1, 15, tzinfo=PARIS), "--until is midnight in Paris"
    shown = parcours.cli("show", programme_id).stdout
    assert "15 janv. 2027, 00:00" in shown
    history = parcours.cli("history", programme_id).stdout
    assert "times in Europe/Paris" in history
