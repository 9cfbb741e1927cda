"""Erasing an employee's personal data from the CLI, against ``parcours up``."""

from __future__ import annotations

import json
import stat

from tests.e2e.conftest import QUICK, Parcours


def _launch(parcours: Parcours, employee: str, name: str, *, ok: bool = True) -> str:
    done = parcours.cli(
        "launch", "--employee", employee, "--name", name,
        "--email", f"{employee.lower()}@example.com", "--template", str(QUICK), ok=ok,
    )  # fmt: skip
    return done.stdout.strip() if ok else done.stderr


def test_erase_ends_the_programme_and_leaves_only_erased_data(parcours: Parcours) -> None:
    parcours.start()
    key_file = parcours.data_dir / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, "up made a master key"

    gone = _launch(parcours, "E1", "Erin Gone")
    kept = _launch(parcours, "E2", "Kim Kept")
    parcours.cli("objectives", gone, "--short", "Use the CRM daily", "--long", "Coach the team")
    parcours.cli(
        "feedback", gone, "--role", "employee", "--rater", "E1",
        "--score", "motivation=3", "--comment", "Erin's private remark",
    )  # fmt: skip

    erased = json.loads(parcours.cli("erase", "E1", "--reason", "asked", "--json").stdout)
    assert erased["employee_id"] == "E1"
    assert not erased["already_erased"]
    assert erased["programmes"] == [{"programme_id": gone, "action": "withdrawn"}]

    # show: the data is gone; what the search attributes say is not.
    shown = parcours.cli("show", gone)
    assert "E1's personal data was erased" in shown.stdout
    assert "withdrawn" in shown.stdout
    as_json = json.loads(parcours.cli("show", gone, "--json").stdout)
    assert (as_json["erased"], as_json["status"]) == (True, "withdrawn")

    # history: no domain timeline any more, Temporal's events with [erased] payloads.
    history = parcours.cli("history", gone)
    assert "[erased]" in history.stdout, history.stdout
    assert "Erin" not in history.stdout
    assert "personal data was erased" in history.stderr
    raw = json.loads(parcours.cli("history", gone, "--raw", "--json").stdout)
    signal = next(r for r in raw if r["type"] == "workflow_execution_signaled")
    assert signal["details"]["input"] == ["[erased]"]
    assert "Erin" not in json.dumps(raw)

    # Everything else keeps working.
    listed = json.loads(parcours.cli("list", "--json").stdout)["items"]
    by_id = {item["programme_id"]: item for item in listed}
    assert by_id[gone]["erased"] is True
    assert by_id[kept]["employee"]["name"] == "Kim Kept"
    table = parcours.cli("list").stdout
    assert "[erased] (E1)" in table
    assert "Kim Kept" in table
    assert json.loads(parcours.cli("show", kept, "--json").stdout)["status"] == "running"
    assert "Kim Kept" in parcours.cli("history", kept).stdout

    # No new data for them, ever; erasing again is fine.
    refused = _launch(parcours, "E1", "Erin Again", ok=False)
    assert "employee E1's data was erased" in refused
    again = parcours.cli("erase", "E1")
    assert "already erased" in again.stdout
