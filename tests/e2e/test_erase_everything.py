"""After ``erase``, nothing parcours or its Temporal wrote holds the employee's data.

The whole programme as a user drives it (launch, objectives, feedback with comments, a
reminder, an evaluation, stored API answers), then ``erase``, then ``parcours up`` is
stopped and every byte under the data dir, and everything it logged, is searched for
each piece of that person's data: none is found. Another employee's data still reads.
"""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import QUICK, Parcours

NAME = "Erin Quillfeather"
EMAIL = "erin.quillfeather@example.com"
SHORT = "Adopt the Zephyrine CRM daily"
LONG = "Mentor the Quokkaville team"
EMPLOYEE_COMMENT = "Erin confided a marmalade-coloured worry"
MANAGER_COMMENT = "Manager noted Erin's velvet persistence"
REASON = "Erin relocated to Tierra del Fuego"
PERSONAL = (
    *(NAME, EMAIL, SHORT, LONG, EMPLOYEE_COMMENT, MANAGER_COMMENT, REASON),
    # Fragments too, so that no field cut or re-encoded somewhere slips through.
    *("Quillfeather", "quillfeather", "Zephyrine", "Quokkaville", "marmalade", "velvet"),
    "Tierra del Fuego",
)


def _outbox_kinds(parcours: Parcours, programme_id: str) -> list[str]:
    lines = parcours.cli("outbox", "read").stdout.splitlines()
    return [r["kind"] for r in map(json.loads, lines) if r["programme_id"] == programme_id]


def _wait_for(parcours: Parcours, programme_id: str, kind: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while kind not in _outbox_kinds(parcours, programme_id):
        assert time.monotonic() < deadline, f"no {kind} for {programme_id} in the outbox"
        time.sleep(0.5)


def _tokens(data_dir: Path) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in (data_dir / "api-tokens").read_text().split())
    return dict(pairs)


def test_erase_leaves_no_byte_of_the_employee_anywhere(parcours: Parcours) -> None:
    parcours.start()
    data_dir = parcours.data_dir
    gone = parcours.cli(
        "launch", "--employee", "E1", "--name", NAME, "--email", EMAIL,
        "--template", str(QUICK), "--manager", "M1",
    ).stdout.strip()  # fmt: skip
    kept = parcours.cli(
        "launch", "--employee", "E2", "--name", "Kim Kept", "--email", "kim@example.com",
        "--template", str(QUICK),
    ).stdout.strip()  # fmt: skip
    parcours.cli("objectives", gone, "--short", SHORT, "--long", LONG)
    for role, rater, comment in (
        ("employee", "E1", EMPLOYEE_COMMENT),
        ("manager", "M1", MANAGER_COMMENT),
    ):
        parcours.cli(
            "feedback", gone, "--role", role, "--rater", rater,
            "--score", "motivation=3", "--score", "adaptability=4", "--comment", comment,
        )  # fmt: skip

    # The baseline evaluation, announced in the outbox, and a session reminder.
    _wait_for(parcours, gone, "evaluation_ready")
    _wait_for(parcours, gone, "session_reminder")
    report = parcours.cli("report", gone, "--format", "md").stdout
    assert report.startswith(f"# Baseline evaluation: {NAME}")
    outbox = parcours.cli("outbox", "read").stdout
    assert EMAIL in outbox, "the relay reads the outbox opened"

    # Stored API answers: ops pauses and resumes with keys (the full view is kept).
    tokens = _tokens(data_dir)
    with httpx.Client(
        base_url=f"http://127.0.0.1:{parcours.api_port}",
        headers={"Authorization": f"Bearer {tokens['ops']}"},
        timeout=30,
    ) as api:
        paused = api.post(
            f"/v1/programmes/{gone}/pause", json={"reason": "a pause"},
            headers={"Idempotency-Key": "pause-1"},
        )  # fmt: skip
        assert paused.json()["employee"]["email"] == EMAIL
        api.post(f"/v1/programmes/{gone}/resume", headers={"Idempotency-Key": "resume-1"})
        listed = api.get(f"/v1/programmes/{gone}/evaluations").json()
        assert [e["kind"] for e in listed] == ["baseline"]
        page = api.get(f"/v1/programmes/{gone}/evaluations/1", params={"format": "md"})
        assert page.headers["content-type"].startswith("text/markdown")
        assert NAME in page.text
        assert api.get(f"/v1/programmes/{gone}/evaluations/1").json()["employee"]["name"] == NAME

    erased = json.loads(parcours.cli("erase", "E1", "--reason", REASON, "--json").stdout)
    assert erased["programmes"] == [{"programme_id": gone, "action": "withdrawn"}]
    assert erased["unreadable"], "erase says what became unreadable"
    assert "personal data was erased" in parcours.cli("report", gone, ok=False).stderr

    # Everyone else is untouched.
    shown = json.loads(parcours.cli("show", kept, "--json").stdout)
    assert (shown["employee"]["name"], shown["status"]) == ("Kim Kept", "running")
    assert parcours.stop() == 0

    # Every byte parcours and its Temporal wrote, and everything they logged.
    logs = [data_dir.parent / "up.log", data_dir.parent / "up.stdout"]
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "temporal.db" for p in files)
    assert any(p.name == "outbox.jsonl" for p in files)
    assert any(p.name.startswith("idempotency.db") for p in files)
    found = [
        f"{path.name}: {text!r}"
        for path in [*files, *logs]
        for text in PERSONAL
        if text.encode() in path.read_bytes()
    ]
    assert found == []
    # The search does read them: ids are allowed, and there.
    assert gone.encode() in (data_dir / "temporal.db").read_bytes()
    assert b"Kim Kept" not in (data_dir / "outbox.jsonl").read_bytes()

    # The data dir and everything in it: for parcours' user only.
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    loose = [
        f"{p.relative_to(data_dir)}: {oct(stat.S_IMODE(p.stat().st_mode))}"
        for p in data_dir.rglob("*")
        if stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert loose == []
