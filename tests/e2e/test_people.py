"""People, raters and confidentiality through the HTTP API and the CLI, role by role."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx

from tests.e2e.test_api import Cluster, cluster  # noqa: F401 - the module's cluster

DIMENSIONS = ("strengths", "talents", "areas_to_develop", "motivation", "adaptability")


def _answer(integrator: httpx.Client, base: str, role: str, rater: str, score: int) -> str:
    body = {"role": role, "rater_id": rater, "scores": dict.fromkeys(DIMENSIONS, score)}
    given = integrator.post(f"{base}/feedback", json=body)
    if given.status_code == 409:  # checked against the programme before it is sent
        return "refused: " + str(given.json()["error"]["message"])
    assert given.status_code == 202, given.text
    return str(given.json()["outcome"])


def _until(read: Any, what: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if what(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_people_raters_and_a_360_role_by_role(cluster: Cluster) -> None:  # noqa: F811
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
    ):
        grace = {"name": "Grace Hopper", "email": "grace@example.com", "locale": "fr"}
        assert integrator.put("/v1/people/M4", json=grace).status_code == 403
        assert ops.put("/v1/people/M4", json=grace).status_code == 403
        saved = platform.put("/v1/people/M4", json=grace)
        assert saved.status_code == 200, saved.text
        assert saved.json()["email"] == "grace@example.com"
        bad = platform.put("/v1/people/M4", json={"name": "G", "email": "not-an-email"})
        assert bad.status_code == 422

        launched = platform.post(
            "/v1/programmes",
            json={
                "employee": {"id": employee, "name": "Ann", "email": "ann@x.io"},
                "template_id": "executive-6m",
                "manager": {"id": "M3", "name": "Mary Major", "email": "mary@example.com"},
                "hr_id": "H1",
            },
        )
        assert launched.status_code == 201, launched.text
        base = f"/v1/programmes/{launched.json()['programme_id']}"
        objectives = {"short_term": ["Delegate"], "long_term": ["Lead"]}
        assert integrator.post(f"{base}/objectives", json=objectives).status_code == 200

        raters = {"raters": [{"role": "peer", "id": "P1", "email": "p1@example.com"},
                             {"role": "peer", "id": "P2"}]}  # fmt: skip
        assert integrator.post(f"{base}/raters", json=raters).status_code == 403
        nominated = platform.post(f"{base}/raters", json=raters)
        assert nominated.status_code == 200, nominated.text
        wrong = platform.post(f"{base}/raters", json={"raters": [{"role": "manager", "id": "X"}]})
        assert wrong.status_code in (409, 422)
        assert "manager is not nominated" in wrong.json()["error"]["message"]

        assert "not nominated as peer" in _answer(integrator, base, "peer", "P9", 1)
        assert "only the programme's manager (M3)" in _answer(integrator, base, "manager", "M9", 1)
        assert _answer(integrator, base, "peer", "P1", 5) == "applied"
        assert _answer(integrator, base, "peer", "P2", 1) == "applied"
        assert _answer(integrator, base, "employee", employee, 3) == "applied"
        assert _answer(integrator, base, "manager", "M3", 4) == "applied"

        view = _until(lambda: platform.get(base).json(), lambda v: v["evaluations"])
        (baseline,) = view["evaluations"]
        assert all(set(s["by_role"]) == {"employee", "manager"} for s in baseline["scores"])
        assert baseline["withheld"] == {"peer": 2}
        shown = platform.get(f"{base}/events").text
        assert '"P1"' not in shown
        assert '"P2"' not in shown
        assert '"P1"' in ops.get(f"{base}/events").text, "ops read the raw answers"
        assert integrator.get(f"{base}/events").status_code == 403

        move = {"role": "manager", "to": "M4"}
        assert integrator.post(f"{base}/people", json=move).status_code == 403
        moved = platform.post(f"{base}/people", json=move)
        assert moved.status_code == 200, moved.text
        assert moved.json()["manager_id"] == "M4"
        again = ops.post(f"{base}/people", json=move)
        assert again.status_code in (409, 422)
        assert "already the manager" in again.json()["error"]["message"]


def test_people_raters_and_reassign_through_the_cli(cluster: Cluster) -> None:  # noqa: F811
    employee = f"E{uuid.uuid4().hex[:6]}"
    done = cluster.cli("people", "set", "C9", "--name", "Coach Nine", "--email", "c9@example.com",
                       "--locale", "fr", "--tz", "Europe/Paris")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "C9: Coach Nine, reached by email" in done.stdout
    bad = cluster.cli("people", "set", "C9", "--name", "X", "--email", "nope")
    assert bad.returncode == 2
    launched = cluster.cli("launch", "--employee", employee, "--name", "Ann", "--email",
                           "ann@x.io", "--template", "executive-6m", "--coach", "C9",
                           "--manager", "M3")  # fmt: skip
    assert launched.returncode == 0, launched.stderr
    pid = launched.stdout.strip()
    cluster.cli("objectives", pid, "--short", "Delegate", "--long", "Lead")
    nominated = cluster.cli("raters", pid, "--add", "peer:P1:p1@example.com", "--add",
                            "direct_report:D1", "--json")  # fmt: skip
    assert nominated.returncode == 0, nominated.stderr
    refused = cluster.cli("raters", pid, "--add", "coach:C1")
    assert refused.returncode == 1
    assert "coach is not nominated" in refused.stderr
    moved = cluster.cli("reassign", pid, "--role", "manager", "--to", "M8", "--json")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["manager_id"] == "M8"
    shown = cluster.cli("show", pid)
    assert "manager M8: no email in the people directory" in shown.stdout
    assert "coach C9" not in shown.stdout


def test_an_answer_for_a_later_stage_is_kept_for_it(cluster: Cluster) -> None:  # noqa: F811
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
    ):
        launched = platform.post(
            "/v1/programmes",
            json={
                "employee": {"id": employee, "name": "Ann", "email": "ann@x.io"},
                "template_id": "executive-6m",
                "manager_id": "M3",
            },
        )
        assert launched.status_code == 201, launched.text
        pid = launched.json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        later = {"stage": "assessment", "raters": [{"role": "peer", "id": "P7"}]}
        assert platform.post(f"{base}/raters", json=later).status_code == 200
        scores = dict.fromkeys(DIMENSIONS, 4)
        too_early = {"role": "manager", "rater_id": "M3", "scores": scores, "stage": "final_review"}
        refused = integrator.post(f"{base}/feedback", json=too_early)
        assert refused.status_code == 409, refused.text  # rules 5: outside its answer window
        assert "takes answers from" in refused.json()["error"]["message"]
        early = {"role": "peer", "rater_id": "P7", "scores": scores, "stage": "assessment"}
        given = integrator.post(f"{base}/feedback", json=early)
        assert given.status_code == 202, given.text
        assert given.json()["outcome"] == "applied"
        nowhere = integrator.post(f"{base}/feedback", json={**early, "stage": "nope"})
        assert nowhere.status_code in (409, 422)
        assert nowhere.json()["error"]["message"].startswith("stage: "), nowhere.text

        by_cli = cluster.cli("feedback", pid, "--stage", "assessment", "--role", "manager",
                             "--rater", "M3", *(f"--score={d}=3" for d in DIMENSIONS))  # fmt: skip
        assert by_cli.returncode == 0, by_cli.stderr
        events = _until(
            lambda: ops.get(f"{base}/events").json(),
            lambda found: sum(e["type"] == "feedback_received" for e in found) == 2,
        )
        kept = [(e["stage"], e["rater_id"]) for e in events if e["type"] == "feedback_received"]
        assert kept == [("assessment", "P7"), ("assessment", "M3")]
        assert platform.get(base).json()["stage"] == "agreement", "kept, not counted now"
