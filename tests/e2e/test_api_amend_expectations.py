"""Amending objectives and recording the client's expectations over HTTP, against a real
Temporal, worker and API (the cluster of ``test_api``)."""

from __future__ import annotations

import uuid

from tests.e2e.test_api import Cluster, _launch, cluster, error_of

__all__ = ["cluster"]  # the module's fixture: one cluster for these tests


def test_objectives_are_amended_by_the_integrator_with_a_reason(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
    ):
        pid = _launch(platform, employee).json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        amendment = {
            "short_term": ["Use it daily", "Teach one colleague"],
            "long_term": ["Teach it"],
            "amend": True,
            "reason": "the team adopts a second tool",
        }
        refused = integrator.post(f"{base}/objectives", json=amendment)
        assert refused.status_code == 409, refused.text
        assert error_of(refused)["message"] == (
            "objectives are not agreed yet: agree them first, then amend them"
        )
        agreed = {"short_term": ["Use it daily", "Report weekly"], "long_term": ["Teach it"]}
        assert integrator.post(f"{base}/objectives", json=agreed).status_code == 200
        progress = {"objective_id": "S2", "percent": 30}
        assert integrator.post(f"{base}/progress", json=progress).status_code == 202

        for other in (platform, ops):
            assert other.post(f"{base}/objectives", json=amendment).status_code == 403
        no_reason = integrator.post(f"{base}/objectives", json={**amendment, "reason": None})
        assert no_reason.status_code == 422
        assert "reason: an amendment (amend: true) needs a reason" in error_of(no_reason)["message"]
        amended = integrator.post(f"{base}/objectives", json=amendment)
        assert amended.status_code == 200, amended.text
        assert set(amended.json()) == {"programme_id", "status", "stage", "key"}
        assert "Teach one colleague" not in amended.text

        view = platform.get(base).json()
        assert [(o["id"], o["text"]) for o in view["objectives"]] == [
            ("S1", "Use it daily"),
            ("S3", "Teach one colleague"),
            ("L1", "Teach it"),
        ]
        assert [(o["id"], o["percent"]) for o in view["retired_objectives"]] == [("S2", 30)]
        events = platform.get(f"{base}/events").json()
        (event,) = [e for e in events if e["type"] == "objectives_amended"]
        assert (event["removed"], event["reason"]) == (["S2"], "the team adopts a second tool")
        gone = integrator.post(f"{base}/progress", json={"objective_id": "S2", "percent": 50})
        assert gone.status_code == 409
        assert "objective 'S2' was removed by amendment 1" in error_of(gone)["message"]

        # The report lists the objectives as amended, with what changed and why.
        withdrawn = platform.post(f"{base}/withdraw", json={"reason": "moved teams"})
        assert withdrawn.json()["status"] == "withdrawn"
        page = platform.get(f"{base}/evaluations/1", params={"format": "html"})
        assert page.status_code == 200, page.text
        html = page.text
        for text in ("Use it daily", "Teach one colleague", "Teach it"):
            assert text in html
        assert "Report weekly" not in html, "S2 was removed: not listed as an objective"
        assert "added by amendment 1" in html
        assert "Amendment 1: the team adopts a second tool (removed: S2)" in html


def test_expectations_are_the_client_s_and_ops_may_not_record_them(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
    ):
        # change-adoption-3m records the employee's own expectations
        pid = _launch(platform, employee, manager_id="M1").json()["programme_id"]
        base = f"/v1/programmes/{pid}/expectations"
        body = {"person_id": employee, "expected": "to be at ease with the tool"}
        forbidden = ops.post(base, json=body)
        assert forbidden.status_code == 403
        assert error_of(forbidden)["code"] == "forbidden"
        someone_else = integrator.post(base, json={**body, "person_id": "M1"})
        assert someone_else.status_code == 409
        assert error_of(someone_else)["message"] == (
            "person_id: 'M1' may not record the expectations: this programme records its "
            "employee's expectations, and only its employee "
            f"({employee}) says them"
        )
        too_long = integrator.post(base, json={**body, "expected": "x" * 1001})
        assert too_long.status_code == 422
        assert error_of(too_long)["field"] == "expected"
        both = integrator.post(base, json={**body, "met": 4})
        assert both.status_code == 422
        assert "expected or met" in error_of(both)["message"]

        recorded = integrator.post(base, json=body)
        assert recorded.status_code == 200, recorded.text
        assert "at ease" not in recorded.text, "the integrator gets a receipt, ids only"
        shown = platform.post(base, json={**body, "expected": "to use it without help"})
        assert shown.status_code == 200
        assert shown.json()["expectations"] == {
            "by": "employee",
            "expected": "to use it without help",
            "met": None,
            "comment": None,
        }
        early = platform.post(base, json={"person_id": employee, "met": 4, "comment": "yes"})
        assert early.status_code == 409
        assert error_of(early)["message"] == (
            "expectations are rated at closure: from stage final_evaluation on, and the "
            "programme is in stage kickoff"
        )
        events = ops.get(f"/v1/programmes/{pid}/events").json()
        assert [e["revision"] for e in events if e["type"] == "expectations_recorded"] == [0, 1]
