"""Amend objectives and record the client's expectations from the CLI, against
``parcours up``, through to the final evaluation that reports them."""

from __future__ import annotations

import json
from typing import Any

from domain.reasons import Reason, english
from tests.e2e.conftest import QUICK, Parcours
from tests.e2e.test_cli_programme import _until


def _show(parcours: Parcours, programme_id: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(parcours.cli("show", programme_id, "--json").stdout)
    return shown


def test_amend_then_expectations_through_to_the_final_evaluation(parcours: Parcours) -> None:
    parcours.start()
    programme_id = parcours.cli(
        "launch", "--employee", "E7", "--name", "Alice Martin", "--email", "alice@example.com",
        "--template", str(QUICK), "--coach", "C1", "--manager", "M1", "--sponsor", "SP1",
    ).stdout.strip()  # fmt: skip

    # quick-demo says nothing of expectations: they are the sponsor's
    wrong = parcours.cli("expectations", programme_id, "--by", "M1", "--expect", "x", ok=False)
    assert wrong.returncode == 1
    assert "only its sponsor (SP1) says them" in wrong.stderr
    malformed = parcours.cli("expectations", programme_id, "--met", "9", ok=False)
    assert malformed.returncode == 2
    assert "met: must be 1..5, got 9" in malformed.stderr
    parcours.cli("expectations", programme_id, "--expect", "a team that owns its CRM")

    not_yet = parcours.cli(
        "objectives", programme_id, "--short", "a", "--long", "b", "--amend", "--reason", "r",
        ok=False,
    )  # fmt: skip
    assert not_yet.returncode == 1
    assert "objectives are not agreed yet" in not_yet.stderr
    parcours.cli("objectives", programme_id, "--short", "Use the CRM daily", "--long", "Coach")
    no_reason = parcours.cli(
        "objectives", programme_id, "--short", "x", "--long", "Coach", "--amend", ok=False
    )
    assert no_reason.returncode == 2
    assert "reason: an amendment (amend: true) needs a reason" in no_reason.stderr
    parcours.cli("progress", programme_id, "--objective", "S1", "--percent", "20")
    amended = parcours.cli(
        "objectives", programme_id, "--short", "Log every call", "--long", "Coach",
        "--amend", "--reason", "the CRM is replaced",
    ).stdout  # fmt: skip
    assert "objective S2 (short_term): Log every call" in amended
    assert "removed by amendment 1: S1 (short_term): Use the CRM daily [20%]" in amended
    assert "expectations (sponsor): a team that owns its CRM [not rated yet]" in amended

    for role, rater in (("employee", "E7"), ("manager", "M1")):
        parcours.cli(
            "feedback", programme_id, "--role", role, "--rater", rater,
            "--score", "motivation=3", "--score", "adaptability=2",
        )  # fmt: skip
    too_early = parcours.cli("expectations", programme_id, "--met", "4", ok=False)
    assert too_early.returncode == 1
    assert "expectations are rated at closure: from stage final_review on" in too_early.stderr
    for number in (1, 2):
        parcours.cli("session", programme_id, "--number", str(number), "--status", "held")
    parcours.cli("progress", programme_id, "--objective", "S2", "--percent", "100")
    assert _show(parcours, programme_id)["stage"] == "final_review"
    rated = parcours.cli(
        "expectations", programme_id, "--met", "4", "--comment", "they own it now"
    ).stdout
    assert "[met 4/5] — they own it now" in rated
    for role, rater in (("employee", "E7"), ("manager", "M1")):
        parcours.cli(
            "feedback", programme_id, "--role", role, "--rater", rater,
            "--score", "motivation=4", "--score", "adaptability=4",
        )  # fmt: skip

    shown = _until(parcours, programme_id, "completed")
    final = shown["evaluations"][-1]
    assert final["kind"] == "final"
    assert final["expectations"] == {
        "by": "sponsor",
        "expected": "a team that owns its CRM",
        "met": 4,
        "comment": "they own it now",
    }
    said = final["reasons"] or [english(Reason.model_validate(c)) for c in final["codes"]]
    assert "the sponsor said their expectations were met: 4/5" in said  # codes under rules 7
    history = parcours.cli("history", programme_id).stdout
    assert "objectives_amended" in history
    assert "expectations_rated" in history
    kinds = {"objectives_amended", "expectations_recorded", "expectations_rated"}
    rows = {word: line for line in history.splitlines() for word in line.split() if word in kinds}
    assert "amendment 1:" in rows["objectives_amended"]  # each row says what happened
    assert "sponsor" in rows["expectations_recorded"]
    assert "met 4/5: they own it now" in rows["expectations_rated"]

    # personal text only as ciphertext: not in Temporal's store, the logs or any other file
    said = (b"a team that owns its CRM", b"they own it now", b"the CRM is replaced")
    files = [p for p in parcours.data_dir.parent.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in files)
    for path in files:
        data = path.read_bytes()
        assert not [text for text in said if text in data], path
