"""Drive a programme from the CLI against ``parcours up``, as a user would."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.conftest import QUICK, Parcours


def _show(parcours: Parcours, programme_id: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(parcours.cli("show", programme_id, "--json").stdout)
    return shown


def _until(
    parcours: Parcours, programme_id: str, status: str, timeout: float = 30
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        shown = _show(parcours, programme_id)
        if shown["status"] == status or time.monotonic() > deadline:
            return shown
        time.sleep(0.5)


def test_a_programme_runs_from_launch_to_completed(parcours: Parcours) -> None:
    parcours.start()
    launch = [
        "launch", "--employee", "E42", "--name", "Alice Martin",
        "--email", "alice@example.com", "--template", str(QUICK),
        "--coach", "C1", "--manager", "M1",
    ]  # fmt: skip
    programme_id = parcours.cli(*launch).stdout.strip()
    assert programme_id == "quick-demo.E42"
    again = parcours.cli(*launch)
    assert again.stdout.strip() == programme_id, "the same employee and template: the same one"

    shown = _show(parcours, programme_id)
    assert (shown["status"], shown["stage"]) == ("running", "agreement")

    parcours.cli(
        "objectives", programme_id, "--short", "Use the CRM daily", "--long", "Coach the team"
    )
    refused = parcours.cli("objectives", programme_id, "--short", "x", "--long", "y", ok=False)
    assert refused.returncode == 1
    assert "objectives are already agreed" in refused.stderr

    malformed = parcours.cli(
        "feedback", programme_id, "--role", "employee", "--rater", "E42",
        "--score", "motivation=9", ok=False,
    )  # fmt: skip
    assert malformed.returncode == 1  # the programme's refusal: scores on its own scale
    assert "must be 1..5 (the programme's scale), got 9" in malformed.stderr

    for role, rater in (("employee", "E42"), ("manager", "M1")):
        parcours.cli(
            "feedback", programme_id, "--role", role, "--rater", rater,
            "--score", "motivation=3", "--score", "adaptability=2", "--key", f"baseline-{role}",
        )  # fmt: skip
    shown = _show(parcours, programme_id)
    assert shown["stage"] == "sessions"
    assert [s["number"] for s in shown["sessions"]] == [1, 2]

    for number in (1, 2):
        parcours.cli("session", programme_id, "--number", str(number), "--status", "held")
    parcours.cli("progress", programme_id, "--objective", "S1", "--percent", "80")
    for role, rater in (("employee", "E42"), ("manager", "M1")):
        parcours.cli(
            "feedback", programme_id, "--role", role, "--rater", rater,
            "--score", "motivation=4", "--score", "adaptability=4", "--comment", "much better",
        )  # fmt: skip

    shown = _until(parcours, programme_id, "completed")
    assert shown["status"] == "completed"
    assert shown["stage"] is None
    assert [e["kind"] for e in shown["evaluations"]] == ["baseline", "final"]
    assert shown["evaluations"][1]["change"] == 1.5

    history = json.loads(parcours.cli("history", programme_id, "--json").stdout)
    assert [e["seq"] for e in history] == list(range(1, len(history) + 1))
    assert all({"seq", "type", "at"} <= e.keys() for e in history)
    types = [e["type"] for e in history]
    assert types.count("session_held") == 2
    assert "programme_completed" in types
    assert shown["events"] == len(history)

    # Reports are rendered from the events when asked, never filed.
    assert not (parcours.data_dir / "evaluations").exists()
    final = parcours.cli("report", programme_id).stdout
    assert final.startswith("# Final evaluation: Alice Martin")
    baseline = json.loads(
        parcours.cli("report", programme_id, "-n", "1", "--format", "json").stdout
    )
    assert baseline["evaluation"]["kind"] == "baseline"

    readable = parcours.cli("history", programme_id).stdout
    assert "objectives_agreed" in readable
    assert "S1: Use the CRM daily" in readable


def test_programmes_survive_a_restart(parcours: Parcours) -> None:
    parcours.start()
    programme_id = parcours.cli(
        "launch", "--employee", "E7", "--name", "Bob Stone", "--email", "bob@example.com",
        "--template", "change-adoption-3m",
    ).stdout.strip()  # fmt: skip
    parcours.cli("objectives", programme_id, "--short", "Learn the tool", "--long", "Teach it")
    assert parcours.stop() == 0

    parcours.start()
    shown = _show(parcours, programme_id)
    assert (shown["status"], shown["stage"], shown["events"]) == ("running", "baseline", 6)
    parcours.cli(
        "feedback", programme_id, "--role", "employee", "--rater", "E7",
        "--score", "motivation=4", "--score", "adaptability=3",
    )  # fmt: skip
    assert _show(parcours, programme_id)["events"] == 7
