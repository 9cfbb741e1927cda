"""Confidentiality through HTTP (issue #25): the differencing scenario read with a platform
token leaves the new peer's scores undetermined, a lone comment is absent, and a cohort
token reads its cohort's report and nothing else."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from domain.events import EVENT_LIST
from tests.e2e.test_api import Cluster, cluster  # noqa: F401 - the module's cluster
from tests.unit import adversary

DIMENSIONS = ("strengths", "talents", "areas_to_develop", "motivation", "adaptability")
BULLY = "my manager is a bully (only direct report so far)"


def _until(read: Any, what: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if what(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def _answer(
    integrator: httpx.Client, base: str, role: str, rater: str, score: int, **extra: Any
) -> None:
    body = {"role": role, "rater_id": rater, "scores": dict.fromkeys(DIMENSIONS, score), **extra}
    given = integrator.post(f"{base}/feedback", json=body)
    assert given.status_code == 202, given.text
    assert given.json()["outcome"] == "applied", given.text


def _evaluations(platform: httpx.Client, base: str, n: int) -> list[dict[str, Any]]:
    view = _until(lambda: platform.get(base).json(), lambda v: len(v["evaluations"]) >= n)
    assert len(view["evaluations"]) >= n, view
    return list(view["evaluations"])


def test_the_differencing_scenario_gives_the_platform_nothing_to_subtract(
    cluster: Cluster,  # noqa: F811
) -> None:
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
        base = f"/v1/programmes/{launched.json()['programme_id']}"
        objectives = {"short_term": ["Delegate"], "long_term": ["Lead"]}
        assert integrator.post(f"{base}/objectives", json=objectives).status_code == 200

        # Baseline: employee, manager and peers P1-P3.
        trio = [{"role": "peer", "id": f"P{n}"} for n in (1, 2, 3)]
        assert platform.post(f"{base}/raters", json={"raters": trio}).status_code == 200
        for n in (1, 2, 3):
            _answer(integrator, base, "peer", f"P{n}", 3)
        _answer(integrator, base, "employee", employee, 3)
        _answer(integrator, base, "manager", "M3", 3)
        _evaluations(platform, base, 1)

        # Through the stages in between, to the final review; at the midpoint, a lone
        # direct report says something about the manager.
        while (stage := platform.get(base).json()["stage"]) != "final_review":
            if stage == "midpoint":
                lone = {"raters": [{"role": "direct_report", "id": "D1"}]}
                assert platform.post(f"{base}/raters", json=lone).status_code == 200
                _answer(integrator, base, "direct_report", "D1", 1, comment=BULLY)
            moved = platform.post(f"{base}/advance", json={"reason": "e2e"})
            assert moved.status_code == 200, moved.text
            _until(lambda: platform.get(base).json()["stage"], stage.__ne__)

        # Final: P1-P3 again, and P4.
        final = [*trio, {"role": "peer", "id": "P4"}]
        assert platform.post(f"{base}/raters", json={"raters": final}).status_code == 200
        for n in (1, 2, 3):
            _answer(integrator, base, "peer", f"P{n}", 4)
        _answer(integrator, base, "peer", "P4", 1)
        _answer(integrator, base, "employee", employee, 4)
        _answer(integrator, base, "manager", "M3", 4)
        evaluations = _until(
            lambda: platform.get(base).json()["evaluations"],
            lambda found: any(e["kind"] == "final" for e in found),
        )
        n = next(k for k, e in enumerate(evaluations, start=1) if e["kind"] == "final")
        shown = evaluations[n - 1]
        assert shown["change"] is None
        assert shown["comparison"] is None
        assert all(s["compared"] is None for s in shown["scores"])
        assert any(  # rules 7: the note as a code, "peer like for like withheld" in English
            c["code"] == "like_for_like_withheld" and ["peer", 3] in c["params"]["roles"]
            for c in shown["codes"]
        )

        report = platform.get(f"{base}/evaluations/{n}")
        assert report.status_code == 200, report.text
        assert report.json()["evaluation"] == shown
        markdown = platform.get(f"{base}/evaluations/{n}", params={"format": "md"}).text
        html = platform.get(f"{base}/evaluations/{n}", params={"format": "html", "lang": "fr"})
        assert "would single a rater out" in markdown
        assert "isolerait une personne" in html.text
        m = next(k for k, e in enumerate(evaluations, start=1) if e["kind"] == "midpoint")
        midpoint = platform.get(f"{base}/evaluations/{m}")
        assert midpoint.json()["withheld_comments"] == 1
        midpoint_md = platform.get(f"{base}/evaluations/{m}", params={"format": "md"}).text
        assert "Comments withheld: 1" in midpoint_md
        events = platform.get(f"{base}/events")
        assert events.status_code == 200
        for surface in (report.text, markdown, html.text, events.text, midpoint.text, midpoint_md):
            assert "bully" not in surface
            assert '"P4"' not in surface
            assert "feedback-" not in surface  # no idempotency key

        # The adversary, with the truth ops read, on everything the platform read.
        raw = EVENT_LIST.validate_json(ops.get(f"{base}/events").content)
        truth = adversary.truth_of(raw)
        published = adversary.Published()
        for i, ev in enumerate(platform.get(base).json()["evaluations"]):
            adversary.evaluation_figures(published, f"view {i}", i, ev, truth)
        recorded = [e for e in events.json() if e["type"] == "evaluation_recorded"]
        for i, event in enumerate(recorded):
            adversary.evaluation_figures(published, f"event {i}", i, event["evaluation"], truth)
        adversary.check_values(published, truth)
        assert adversary.determined(published, truth) == []
        assert "bully" in ops.get(f"{base}/events").text, "ops keep the raw answers"


def test_a_cohort_token_reads_its_cohorts_reports_and_nothing_else(
    cluster: Cluster,  # noqa: F811
) -> None:
    with cluster.http("cohort") as reader, cluster.http("platform") as platform:
        launched = platform.post(
            "/v1/programmes",
            json={
                "employee": {"id": f"E{uuid.uuid4().hex[:6]}", "name": "Bo", "email": "b@x.io"},
                "template_id": "executive-6m",
            },
        )
        assert launched.status_code == 201, launched.text
        pid = launched.json()["programme_id"]
        mine = reader.get("/v1/cohorts/e2e-sales-q1/report")
        assert mine.status_code == 200, mine.text
        assert mine.json()["cohort_id"] == "e2e-sales-q1"
        assert reader.get("/v1/cohorts/e2e-sales-q2/report").status_code == 200
        assert reader.get("/v1/cohorts/other-cohort/report").status_code == 403
        for path in (
            f"/v1/programmes/{pid}",
            f"/v1/programmes/{pid}/events",
            f"/v1/programmes/{pid}/evaluations",
            "/v1/programmes",
        ):
            assert reader.get(path).status_code == 403, path
        moved = reader.post(f"/v1/programmes/{pid}/withdraw", json={"reason": "no"})
        assert moved.status_code == 403
