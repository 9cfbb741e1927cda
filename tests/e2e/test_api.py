"""The HTTP API as the platform, integrators and ops drive it, against a real Temporal.

The topology is the production one in small: a Temporal dev server, a separate
``parcours worker`` and a separate ``parcours api``, each its own process.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer, temporal_binary
from tests.e2e.conftest import PARCOURS
from tests.support import free_port

TOKENS = {
    "platform": "tok-platform",
    "integrator": "tok-integrator",
    "ops": "tok-ops",
    "cohort": "tok-cohort",
}
COHORT_READS = "e2e-sales-q1+e2e-sales-q2"
"""The cohorts the ``cohort`` token may read."""
SECOND_INTEGRATOR = "tok-integrator-b"
"""Another integrator's token: keys are each caller's own."""


@dataclass
class Cluster:
    root: Path
    temporal_port: int
    api_port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    master_key: str = field(default_factory=generate_master_key)

    @property
    def env(self) -> dict[str, str]:
        import os

        return {
            **os.environ,
            "TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal_port}",
            "PARCOURS_DATA_DIR": str(self.root / "data"),
            "PARCOURS_API_TOKENS": ",".join(
                [
                    *(
                        f"{r}:{t}" + (f":{COHORT_READS}" if r == "cohort" else "")
                        for r, t in TOKENS.items()
                    ),
                    f"integrator:{SECOND_INTEGRATOR}",
                ]
            ),
            "PARCOURS_MASTER_KEY": self.master_key,
            # These tests send bursts on purpose; the limits have tests of their own.
            "PARCOURS_RATE_LIMIT": "100000/second",
            "PARCOURS_PROGRAMME_RATE_LIMIT": "100000/second",
            "NO_COLOR": "1",
        }

    def spawn(self, name: str, *command: str) -> None:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115
        self.processes[name] = subprocess.Popen(
            list(command), env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        process.wait(timeout=30)

    def start_worker(self) -> None:
        self.spawn("worker", str(PARCOURS), "worker")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PARCOURS), *args], env=self.env, capture_output=True, text=True, timeout=300
        )

    def http(self, role: str | None = None, token: str | None = None) -> httpx.Client:
        token = token or (TOKENS[role] if role else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(
            base_url=f"http://127.0.0.1:{self.api_port}", headers=headers, timeout=60
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("cluster")
    (root / "data").mkdir()
    running = Cluster(root, free_port(), free_port())
    server = DevServer(root / "temporal", port=running.temporal_port, headless=True)
    (root / "temporal").mkdir()
    running.spawn("temporal", *server.command())
    running.spawn("api", str(PARCOURS), "api", "--port", str(running.api_port))
    deadline = time.monotonic() + 60
    with running.http() as client:
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the API did not come up; see {root}")
            time.sleep(0.3)
    # Once the API reaches the server: a worker started with it once found nothing
    # listening yet, and exited ("cannot start the worker"), leaving no worker at all.
    running.start_worker()
    yield running
    # The API and the worker first: a worker stopped after the server waits for it in vain.
    for name in reversed(list(running.processes)):
        running.stop(name)


def _launch(client: httpx.Client, employee: str, **extra: Any) -> httpx.Response:
    body = {
        "employee": {"id": employee, "name": f"Person {employee}", "email": f"{employee}@x.io"},
        "template_id": "change-adoption-3m",
        **extra,
    }
    return client.post("/v1/programmes", json=body)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return dict(body["error"])


def feedback_of(employee: str) -> dict[str, Any]:
    """The employee's own answer: under rules 3 only the employee answers as employee."""
    return {
        "role": "employee",
        "rater_id": employee,
        "scores": {"motivation": 4, "adaptability": 3},
    }


def test_each_role_can_do_its_part_and_nothing_else(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
        cluster.http() as anonymous,
    ):
        assert _launch(integrator, employee).status_code == 403
        assert _launch(ops, employee).status_code == 403
        launched = _launch(platform, employee)
        assert launched.status_code == 201
        pid = launched.json()["programme_id"]
        base = f"/v1/programmes/{pid}"

        objectives = {"short_term": ["Use it daily"], "long_term": ["Teach it"]}
        assert platform.post(f"{base}/objectives", json=objectives).status_code == 403
        assert ops.post(f"{base}/objectives", json=objectives).status_code == 403
        agreed = integrator.post(f"{base}/objectives", json=objectives)
        assert agreed.status_code == 200
        assert agreed.json()["stage"] == "baseline"
        # The integrator may not read a programme: its answers are receipts, ids only.
        assert set(agreed.json()) == {"programme_id", "status", "stage", "key"}
        assert f"Person {employee}" not in agreed.text
        assert f"{employee}@x.io" not in agreed.text
        assert "Use it daily" not in agreed.text

        for role_client in (platform, ops):
            assert (
                role_client.post(f"{base}/feedback", json=feedback_of(employee)).status_code == 403
            )
        given = integrator.post(f"{base}/feedback", json=feedback_of(employee))
        assert given.status_code == 202
        assert given.json()["outcome"] == "applied"

        assert integrator.get(base).status_code == 403
        assert platform.get(base).json()["events"] == ops.get(base).json()["events"]

        assert platform.post(f"{base}/pause", json={"reason": "leave"}).status_code == 403
        paused = ops.post(f"{base}/pause", json={"reason": "leave"}).json()
        assert paused["status"] == "paused"
        assert paused["employee"]["email"] == f"{employee}@x.io", "ops reads: the full view"
        resumed = integrator.post(f"{base}/resume")
        assert resumed.json()["status"] == "running"
        assert "employee" not in resumed.json()

        assert integrator.post(f"{base}/withdraw", json={"reason": "left"}).status_code == 403
        withdrawn = platform.post(f"{base}/withdraw", json={"reason": "left the company"})
        assert withdrawn.json()["status"] == "withdrawn"

        assert error_of(anonymous.get(base))["code"] == "unauthorized"
        assert anonymous.get(base).status_code == 401
        stranger = anonymous.get(base, headers={"Authorization": "Bearer nope"})
        assert stranger.status_code == 401
        assert error_of(integrator.get(base))["code"] == "forbidden"


def test_ops_and_the_platform_advance_a_stage_once_per_key(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
    ):
        pid = _launch(platform, employee).json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        assert platform.get(base).json()["stage"] == "kickoff"
        forbidden = integrator.post(f"{base}/advance", json={"reason": "skip it"})
        assert forbidden.status_code == 403
        assert error_of(forbidden)["code"] == "forbidden"
        assert platform.get(base).json()["stage"] == "kickoff"
        unexplained = platform.post(f"{base}/advance", json={})
        assert unexplained.status_code == 422
        assert error_of(unexplained)["field"] == "reason"

        key = {"Idempotency-Key": f"advance-{employee}"}
        reason = {"reason": "objectives agreed on paper"}
        first = platform.post(f"{base}/advance", json=reason, headers=key)
        again = platform.post(f"{base}/advance", json=reason, headers=key)
        assert (first.status_code, again.status_code) == (200, 200)
        assert first.json() == again.json()
        assert first.json()["stage"] == "baseline"
        later = ops.post(f"{base}/advance", json={"reason": "no 360 this time"})
        assert later.json()["stage"] == "check_ins"

        events = ops.get(f"{base}/events").json()
        forced = [e for e in events if e["type"] == "stage_completed"]
        assert [(e["stage"], e["forced_by"]) for e in forced] == [
            ("kickoff", "objectives agreed on paper"),
            ("baseline", "no 360 this time"),
        ]
        withdrawn = ops.post(f"{base}/withdraw", json={"reason": "done"})
        assert withdrawn.json()["status"] == "withdrawn"
        refused = ops.post(f"{base}/advance", json={"reason": "too late"})
        assert refused.status_code == 409
        assert "cannot advance" in error_of(refused)["message"]


def test_two_integrators_and_ops_reusing_one_key_are_each_weighed_on_their_own(
    cluster: Cluster,
) -> None:
    """A key is its caller's own, and its command's: integrator B's manager answer under
    the key integrator A gave the employee's is applied, and so is ops' pause under the
    key an integrator gave the objectives; each answer is what happened."""
    employee = f"E{uuid.uuid4().hex[:6]}"
    shared = {"Idempotency-Key": f"shared-{employee}"}
    agreeing = {"Idempotency-Key": f"agree-{employee}"}
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as first,
        cluster.http(token=SECOND_INTEGRATOR) as second,
        cluster.http("ops") as ops,
    ):
        pid = _launch(platform, employee, manager_id="M1").json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        agreed = first.post(
            f"{base}/objectives", json={"short_term": ["a"], "long_term": ["b"]}, headers=agreeing
        )
        assert agreed.status_code == 200
        assert agreed.json()["key"] == agreeing["Idempotency-Key"]
        assert platform.get(base).json()["stage"] == "baseline"

        mine = first.post(f"{base}/feedback", json=feedback_of(employee), headers=shared)
        assert (mine.status_code, mine.json()["outcome"]) == (202, "applied")
        assert mine.json()["key"] == shared["Idempotency-Key"]
        manager = {**feedback_of(employee), "role": "manager", "rater_id": "M1"}
        theirs = second.post(f"{base}/feedback", json=manager, headers=shared)
        assert (theirs.status_code, theirs.json()["outcome"]) == (202, "applied")
        events = platform.get(f"{base}/events").json()
        answered = [e["role"] for e in events if e["type"] == "feedback_received"]
        assert answered == ["employee", "manager"]

        paused = ops.post(f"{base}/pause", json={"reason": "leave"}, headers=agreeing)
        assert paused.status_code == 200
        assert paused.json()["status"] == "paused"
        assert platform.get(base).json()["status"] == "paused"
        # The same caller, key and request again: the first answer, applied once.
        again = second.post(f"{base}/feedback", json=manager, headers=shared)
        assert again.json() == theirs.json()
        events = platform.get(f"{base}/events").json()
        assert [e["type"] for e in events].count("feedback_received") == 2


def test_a_plaintext_signal_is_refused_and_kept_without_its_content(cluster: Cluster) -> None:
    """``temporal workflow signal`` with plain JSON bypasses the roles and would leave its
    text unencrypted in Temporal: the programme refuses it, and says so without it."""
    employee = f"E{uuid.uuid4().hex[:6]}"
    with (
        cluster.http("platform") as platform,
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
    ):
        pid = _launch(platform, employee).json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        integrator.post(f"{base}/objectives", json={"short_term": ["a"], "long_term": ["b"]})
        answer = {**feedback_of(employee), "comment": "Plaintext Secret", "key": "sneaky"}
        sent = subprocess.run(
            [
                str(temporal_binary()),
                *("workflow", "signal", "--address", f"127.0.0.1:{cluster.temporal_port}"),
                *("--workflow-id", pid, "--name", "give_feedback"),
                *("--input", json.dumps(answer)),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sent.returncode == 0, sent.stderr
        deadline = time.monotonic() + 30
        while not (rejections := ops.get(base).json()["rejections"]):
            assert time.monotonic() < deadline, "the plaintext signal was not refused"
            time.sleep(0.3)
        [refused] = rejections
        assert refused["type"] == "give_feedback"
        assert refused["reason"].startswith("refused: not sealed by parcours's codec")
        assert "Plaintext Secret" not in json.dumps(rejections)
        events = ops.get(f"{base}/events").json()
        assert "feedback_received" not in [e["type"] for e in events]
        # The same answer through the API is sealed, and taken.
        taken = integrator.post(f"{base}/feedback", json=feedback_of(employee))
        assert (taken.status_code, taken.json()["outcome"]) == (202, "applied")


def test_a_fact_to_a_finished_programme_is_409_naming_its_status(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with cluster.http("platform") as platform, cluster.http("integrator") as integrator:
        pid = _launch(platform, employee).json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        platform.post(f"{base}/withdraw", json={"reason": "left the company"})
        deadline = time.monotonic() + 30
        while True:  # the run ends once its deliveries are accounted for
            late = integrator.post(f"{base}/feedback", json=feedback_of(employee))
            if late.status_code != 409 or "withdrawn" in error_of(late)["message"]:
                break
            assert time.monotonic() < deadline
            time.sleep(0.3)
        assert late.status_code == 409
        assert error_of(late)["message"] == "cannot give feedback: the programme is withdrawn"
        missing = integrator.post(
            "/v1/programmes/change-adoption-3m.Enobody/feedback", json=feedback_of("Enobody")
        )
        assert missing.status_code == 404


def test_idempotency_keys_return_the_first_answer(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with cluster.http("platform") as platform, cluster.http("integrator") as integrator:
        key = {"Idempotency-Key": f"launch-{employee}"}
        body = {
            "employee": {"id": employee, "name": "Ann", "email": "ann@x.io"},
            "template_id": "change-adoption-3m",
        }
        first = platform.post("/v1/programmes", json=body, headers=key)
        again = platform.post("/v1/programmes", json=body, headers=key)
        assert (first.status_code, again.status_code) == (201, 201)
        assert first.json() == again.json()
        other = {**body, "manager_id": "M9"}
        conflict = platform.post("/v1/programmes", json=other, headers=key)
        assert conflict.status_code == 409
        assert error_of(conflict)["field"] == "Idempotency-Key"
        # Without a key, launching the same employee twice finds the same programme.
        assert _launch(platform, employee).status_code == 200

        pid = first.json()["programme_id"]
        integrator.post(
            f"/v1/programmes/{pid}/objectives",
            json={"short_term": ["a"], "long_term": ["b"]},
        )
        feedback_key = {"Idempotency-Key": f"survey-{employee}"}
        answers = [
            integrator.post(
                f"/v1/programmes/{pid}/feedback", json=feedback_of(employee), headers=feedback_key
            )
            for _ in range(3)
        ]
        assert {a.status_code for a in answers} == {202}
        assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1
        events = platform.get(f"/v1/programmes/{pid}/events").json()
        assert [e["type"] for e in events].count("feedback_received") == 1


def test_errors_have_one_shape_and_the_right_status(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with cluster.http("platform") as platform, cluster.http("integrator") as integrator:
        unknown_field = _launch(platform, employee, colour="blue")
        assert unknown_field.status_code == 422
        assert error_of(unknown_field)["field"] == "colour"
        bad_email = platform.post(
            "/v1/programmes",
            json={"employee": {"id": employee, "name": "A", "email": "nope"}, "template_id": "x"},
        )
        assert bad_email.status_code == 422
        assert "must be an email address" in error_of(bad_email)["message"]
        unknown_template = _launch(platform, employee, template_id="no-such-template")
        assert error_of(unknown_template)["field"] == "template_id"
        assert unknown_template.status_code == 422

        missing = platform.get("/v1/programmes/change-adoption-3m.nobody")
        assert missing.status_code == 404
        assert error_of(missing)["code"] == "not_found"

        pid = _launch(platform, employee).json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        score_9 = integrator.post(
            f"{base}/feedback",
            json={"role": "peer", "rater_id": "P1", "scores": {"motivation": 9}},
        )
        # frameworks: a score is held to the programme's scale (1..10 at the door), so a 9
        # on the method's 1..5 is the programme's refusal, naming the field and the scale
        assert score_9.status_code == 409, score_9.text
        assert (
            "scores: score for 'motivation' must be 1..5 (the programme's scale), got 9"
            in error_of(score_9)["message"]
        )
        assert integrator.post(f"{base}/resume").status_code == 409
        refused = integrator.post(
            f"{base}/feedback",
            json={"role": "peer", "rater_id": "P1", "scores": {"strengths": 4}},
        )
        assert refused.status_code == 409
        assert "not assessed by this programme" in error_of(refused)["message"]
        assert platform.get("/openapi.json").status_code == 200
        assert platform.get("/docs").status_code == 200


def test_a_past_start_and_a_cohort_listing_someone_twice_are_refused_alike(
    cluster: Cluster,
) -> None:
    """The domain's rules, with the same words through the API and the CLI."""
    employee = f"E{uuid.uuid4().hex[:6]}"
    past = "start_date: 2020-01-06 is in the past; a programme starts today or later"
    with cluster.http("platform") as platform:
        answer = _launch(platform, employee, start_date="2020-01-06")
        assert answer.status_code == 422
        assert error_of(answer) == {"code": "invalid", "message": past, "field": "start_date"}
        person = {"id": employee, "name": "Ana Ruiz", "email": "ana@example.com"}
        twice = platform.post(
            "/v1/cohorts",
            json={
                "cohort_id": "twice",
                "template_id": "change-adoption-3m",
                "participants": [person, person],
            },
        )
        assert twice.status_code == 422
        assert error_of(twice)["message"] == f"participants: employee {employee} is listed twice"
        assert platform.get("/v1/programmes", params={"employee": employee}).json()["items"] == []
    launched = cluster.cli(
        "launch",
        *("--employee", employee, "--name", "Ana Ruiz", "--email", "ana@example.com"),
        *("--template", "change-adoption-3m", "--start", "2020-01-06"),
    )
    assert launched.returncode == 2
    assert past in launched.stderr


def test_temporal_out_of_reach_is_503(cluster: Cluster, tmp_path: Path) -> None:
    port = free_port()
    env = {**cluster.env, "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"}
    api = subprocess.Popen(
        [str(PARCOURS), "api", "--port", str(port), "--data-dir", str(tmp_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = {"Authorization": f"Bearer {TOKENS['ops']}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
            for _ in range(100):
                try:
                    health = client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert health.status_code == 503
            view = client.get("/v1/programmes/anything")
            assert view.status_code == 503
            assert error_of(view)["code"] == "unavailable"
    finally:
        api.terminate()
        api.wait(timeout=30)


def test_api_refuses_to_start_without_tokens(cluster: Cluster, tmp_path: Path) -> None:
    env = {k: v for k, v in cluster.env.items() if k != "PARCOURS_API_TOKENS"}
    done = subprocess.run(
        [str(PARCOURS), "api", "--port", str(free_port()), "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "PARCOURS_API_TOKENS" in done.stderr


def test_listings_filter_and_paginate(cluster: Cluster) -> None:
    cohort = f"C{uuid.uuid4().hex[:6]}"
    with cluster.http("platform") as platform, cluster.http("ops") as ops:
        ids = {
            _launch(platform, f"{cohort}-{i}", cohort_id=cohort).json()["programme_id"]
            for i in range(5)
        }
        first = next(iter(sorted(ids)))
        cluster_integrator = cluster.http("integrator")
        with cluster_integrator as integrator:
            integrator.post(
                f"/v1/programmes/{first}/objectives",
                json={"short_term": ["a"], "long_term": ["b"]},
            )
        seen: list[str] = []
        token = None
        given = ""
        pages = 0
        deadline = time.monotonic() + 30
        while True:
            params = {"cohort": cohort, "page_size": 2, **({"page_token": token} if token else {})}
            page = ops.get("/v1/programmes", params=params).json()
            seen += [item["programme_id"] for item in page["items"]]
            pages += 1
            if page["next_page_token"] is not None:
                given = page["next_page_token"]
            token = page["next_page_token"]
            if token is None:
                if set(seen) == ids or time.monotonic() > deadline:
                    break
                seen, pages = [], 0  # visibility catches up; list again
                time.sleep(0.5)
        assert sorted(seen) == sorted(ids)
        assert pages == 3
        # A page token is signed for its filters and role: anything else is refused at once.
        raw = bytearray(base64.urlsafe_b64decode(given))
        raw[5] ^= 1  # one bit of the signature
        forged = base64.urlsafe_b64encode(bytes(raw)).decode()
        for params, caller in (
            ({"cohort": cohort, "page_token": forged}, ops),
            ({"cohort": "another", "page_token": given}, ops),
            ({"cohort": cohort, "page_token": given}, platform),
        ):
            refused = caller.get("/v1/programmes", params={**params, "page_size": 2})
            assert refused.status_code == 422
            assert error_of(refused)["field"] == "page_token"
        at_baseline = ops.get("/v1/programmes", params={"cohort": cohort, "stage": "baseline"})
        assert [i["programme_id"] for i in at_baseline.json()["items"]] == [first]
        running = ops.get("/v1/programmes", params={"cohort": cohort, "status": "running"})
        assert len(running.json()["items"]) == 5

    counted = cluster.cli("list", "--cohort", cohort, "--count", "--json")
    assert json.loads(counted.stdout) == {"baseline": 1, "kickoff": 4}


def test_history_reads_with_the_worker_stopped(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    with cluster.http("platform") as platform, cluster.http("integrator") as integrator:
        pid = _launch(platform, employee).json()["programme_id"]
        integrator.post(
            f"/v1/programmes/{pid}/objectives",
            json={"short_term": ["a"], "long_term": ["b"]},
        )
        integrator.post(f"/v1/programmes/{pid}/feedback", json=feedback_of(employee))
        before = platform.get(f"/v1/programmes/{pid}/events").json()

        cluster.stop("worker")
        try:
            after = platform.get(f"/v1/programmes/{pid}/events").json()
            assert after == before
            assert [e["type"] for e in after][:3] == [
                "programme_launched",
                "programme_started",
                "stage_entered",
            ]
            timeline = cluster.cli("history", pid, "--json")
            assert timeline.returncode == 0, timeline.stderr
            assert json.loads(timeline.stdout) == before
            raw = cluster.cli("history", pid, "--raw", "--json")
            assert raw.returncode == 0, raw.stderr
            rows = json.loads(raw.stdout)
            kinds = {row["type"] for row in rows}
            assert {"workflow_execution_started", "workflow_execution_signaled"} <= kinds
            signal = next(r for r in rows if r["type"] == "workflow_execution_signaled")
            assert signal["summary"].startswith("signal give_feedback")
            assert signal["details"]["input"][0]["scores"] == {"motivation": 4, "adaptability": 3}
            assert "workflow_execution_update_accepted" in kinds
        finally:
            cluster.start_worker()


def _sealed_input(cluster: Cluster, programme_id: str) -> dict[str, Any]:
    """The launch input payload as Temporal keeps it (through the Temporal CLI)."""
    done = subprocess.run(
        [
            str(temporal_binary()), "workflow", "show", "--workflow-id", programme_id,
            "--address", f"127.0.0.1:{cluster.temporal_port}", "--output", "json",
        ],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    started = json.loads(done.stdout)["events"][0]["workflowExecutionStartedEventAttributes"]
    payload: dict[str, Any] = started["input"]["payloads"][0]
    return payload


def test_the_web_ui_codec_decodes_for_ops_only(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    origin = {"Origin": "http://localhost:8233"}
    with (
        cluster.http("platform") as platform,
        cluster.http("ops") as ops,
        cluster.http() as anonymous,
    ):
        pid = _launch(platform, employee).json()["programme_id"]
        sealed = _sealed_input(cluster, pid)
        assert base64.b64decode(sealed["metadata"]["encoding"]) == b"binary/encrypted"

        ui = {"X-Namespace": "default", **origin}
        decoded = ops.post("/codec/decode", json={"payloads": [sealed]}, headers=ui)
        assert decoded.status_code == 200
        assert decoded.headers["access-control-allow-origin"] == "http://localhost:8233"
        [plain] = decoded.json()["payloads"]
        assert base64.b64decode(plain["metadata"]["encoding"]) == b"json/plain"
        launch = json.loads(base64.b64decode(plain["data"]))["launch"]
        assert launch["employee"]["name"] == f"Person {employee}"

        # Encode needs the programme (the UI never names it), then decode: the same back.
        unnamed = ops.post("/codec/encode", json={"payloads": [plain]}, headers=ui)
        assert unnamed.status_code == 422
        assert error_of(unnamed)["field"] == "X-Parcours-Programme"
        named = {**ui, "X-Parcours-Programme": pid}
        encoded = ops.post("/codec/encode", json={"payloads": [plain]}, headers=named).json()
        [again] = encoded["payloads"]
        assert "encryption-key-id" in again["metadata"]
        assert base64.b64decode(again["metadata"]["encryption-programme"]) == pid.encode()
        assert again["data"] != plain["data"]
        back = ops.post("/codec/decode", json={"payloads": [again]}, headers=ui).json()
        assert back == {"payloads": [plain]}

        # Ops only; a browser's preflight needs no token.
        body = {"payloads": [sealed]}
        assert anonymous.post("/codec/decode", json=body).status_code == 401
        assert platform.post("/codec/decode", json=body).status_code == 403
        assert platform.post("/codec/encode", json=body).status_code == 403
        preflight = anonymous.options(
            "/codec/decode",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:8233"
        elsewhere = anonymous.options(
            "/codec/decode",
            headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in elsewhere.headers
        bad = ops.post("/codec/decode", json={"payloads": [{"metadata": {}, "data": "%%"}]})
        assert bad.status_code == 422

        # A deflated payload that was never sealed is not inflated: 261 KB stays 261 KB.
        bomb = zlib.compress(b"0" * (256 * 1024 * 1024), 9)
        unsealed = {
            "metadata": {"encoding": base64.b64encode(b"json/zlib").decode()},
            "data": base64.b64encode(bomb).decode(),
        }
        began = time.monotonic()
        as_sent = ops.post("/codec/decode", json={"payloads": [unsealed]})
        assert time.monotonic() - began < 2
        assert as_sent.status_code == 200
        assert as_sent.json() == {"payloads": [unsealed]}
        many = ops.post("/codec/decode", json={"payloads": [plain] * 257})
        assert many.status_code == 413
        assert error_of(many)["code"] == "too_large"

        # `system` names the key of payloads about nobody: no employee may take it.
        reserved = _launch(platform, "system")
        assert reserved.status_code == 422
        assert "reserved" in error_of(reserved)["message"]

    # The Temporal CLI reads the history through it too, with the ops token.
    shown = subprocess.run(
        [
            str(temporal_binary()), "workflow", "show", "--workflow-id", pid,
            "--address", f"127.0.0.1:{cluster.temporal_port}", "--output", "json",
            "--codec-endpoint", f"http://127.0.0.1:{cluster.api_port}/codec",
            "--codec-auth", f"Bearer {TOKENS['ops']}",
        ],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    first = json.loads(shown.stdout)["events"][0]["workflowExecutionStartedEventAttributes"]
    [through_codec] = first["input"]["payloads"]
    assert base64.b64decode(through_codec["metadata"]["encoding"]) == b"json/plain"
    assert f"Person {employee}".encode() in base64.b64decode(through_codec["data"])


def test_processes_refuse_to_start_without_the_master_key(cluster: Cluster, tmp_path: Path) -> None:
    env = {k: v for k, v in cluster.env.items() if k != "PARCOURS_MASTER_KEY"}
    for command in (["worker"], ["api", "--port", str(free_port())], ["list"]):
        done = subprocess.run(
            [str(PARCOURS), *command, "--data-dir", str(tmp_path)] if command[0] != "list"
            else [str(PARCOURS), *command],
            env={**env, "PARCOURS_DATA_DIR": str(tmp_path)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2, (command, done.stderr)
        assert "PARCOURS_MASTER_KEY: not set" in done.stderr, done.stderr
    # Another master key than the store's: named at start, never garbage later.
    wrong = {**cluster.env, "PARCOURS_MASTER_KEY": generate_master_key()}
    done = subprocess.run(
        [str(PARCOURS), "worker"], env=wrong, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "PARCOURS_MASTER_KEY: it is not the master key" in done.stderr


def test_ops_erase_an_employee_over_http(cluster: Cluster) -> None:
    employee = f"E{uuid.uuid4().hex[:6]}"
    other = f"E{uuid.uuid4().hex[:6]}"
    with cluster.http("platform") as platform, cluster.http("ops") as ops:
        pid = _launch(platform, employee).json()["programme_id"]
        kept = _launch(platform, other).json()["programme_id"]
        sealed = _sealed_input(cluster, pid)
        path = f"/v1/employees/{employee}/erase"
        assert platform.post(path, json={"reason": "asked"}).status_code == 403
        reserved = ops.post("/v1/employees/system/erase")
        assert reserved.status_code == 422, reserved.text
        assert "'system' is reserved by parcours" in reserved.json()["error"]["message"]

        key = {"Idempotency-Key": f"erase-{employee}"}
        erased = ops.post(path, json={"reason": "asked by the employee"}, headers=key)
        assert erased.status_code == 200, erased.text
        report = erased.json()
        assert report["programmes"] == [{"programme_id": pid, "action": "withdrawn"}]
        assert not report["already_erased"]
        assert ops.post(path, json={"reason": "asked by the employee"}, headers=key).json() == (
            report
        )
        assert ops.post(path).json()["already_erased"] is True

        gone = ops.get(f"/v1/programmes/{pid}")
        assert gone.status_code == 410
        assert error_of(gone)["code"] == "erased"
        assert "withdrawn" in error_of(gone)["message"]
        assert ops.get(f"/v1/programmes/{pid}/events").status_code == 410
        listed = ops.get("/v1/programmes", params={"employee": employee}).json()["items"]
        assert [(i["programme_id"], i["erased"], i["status"]) for i in listed] == [
            (pid, True, "withdrawn")
        ]
        assert ops.get(f"/v1/programmes/{kept}").json()["employee"]["id"] == other

        relaunch = _launch(platform, employee)
        assert relaunch.status_code == 409
        assert f"employee {employee}'s data was erased" in error_of(relaunch)["message"]

        # The Web UI's codec cannot open it either, and says so instead of failing.
        decoded = ops.post("/codec/decode", json={"payloads": [sealed]}).json()
        assert json.loads(base64.b64decode(decoded["payloads"][0]["data"])) == "[erased]"


def _unreached(cluster: Cluster, programme_id: str) -> list[str]:
    """The roles ``parcours show`` says have no email in the people directory."""
    shown = cluster.cli("show", programme_id)
    assert shown.returncode == 0, shown.stderr
    return [line.split(":")[0] for line in shown.stdout.splitlines() if "no email in" in line]


def test_a_cohort_gives_contacts_inline_through_the_cli_and_http(
    cluster: Cluster, tmp_path: Path
) -> None:
    cohort = f"K{uuid.uuid4().hex[:6]}"
    manager, coach = f"{cohort}-M1", f"{cohort}-C1"
    csv = tmp_path / "people.csv"
    csv.write_text(
        "employee_id,name,email,manager_id,manager_name,manager_email,coach_id\n"
        f"{cohort}-1,Ann,ann@x.io,{manager},Mary Major,mary@x.io,{coach}\n"
        f"{cohort}-2,Bob,bob@x.io,{manager},Mary Major,mary@x.io,\n"
        f"{cohort}-3,Cy,cy@x.io,{manager},Mary Major,other@x.io,\n"
        f"{cohort}-4,Di,di@x.io,,Nobody,nobody@x.io,\n"
    )
    args = ["launch-cohort", str(csv), "--template", "change-adoption-3m", "--cohort", cohort]
    done = cluster.cli(*args, "--json")
    assert done.returncode == 1, done.stderr  # two bad rows
    summary = json.loads(done.stdout)
    assert (summary["launched"], summary["failed"]) == (2, 2)
    failed = {r["line"]: r["reason"] for r in summary["results"] if r["outcome"] == "failed"}
    assert failed == {
        4: f"manager: {manager} is given with other contacts on line 2",
        5: "manager_id: needed with manager_name and manager_email",
    }
    # The manager was put in the directory with an email; the coach, an id only, was not.
    assert _unreached(cluster, f"change-adoption-3m.{cohort}-1") == [f"coach {coach}"]
    assert _unreached(cluster, f"change-adoption-3m.{cohort}-2") == []

    team = f"{cohort}-http"
    grace = {"id": f"{team}-M2", "name": "Grace Hopper", "email": "grace@x.io"}
    people = [
        {"id": f"{team}-1", "name": "Eve", "email": "eve@x.io", "manager": grace},
        {"id": f"{team}-2", "name": "Fay", "email": "fay@x.io", "manager_id": grace["id"]},
    ]
    body = {"cohort_id": team, "template_id": "change-adoption-3m", "participants": people}
    with cluster.http("platform") as platform:
        other = {**people[1], "manager": {**grace, "email": "g@other.io"}}
        conflict = platform.post("/v1/cohorts", json={**body, "participants": [people[0], other]})
        assert conflict.status_code == 422
        assert error_of(conflict)["field"] == "participants.1.manager"
        assert "other contacts on participants.0" in error_of(conflict)["message"]
        mismatch = {**people[1], "manager_id": "someone-else", "manager": grace}
        refused = platform.post("/v1/cohorts", json={**body, "participants": [mismatch]})
        assert refused.status_code == 422
        assert error_of(refused)["field"] == "participants.0"
        assert "manager.id" in error_of(refused)["message"]
        assert platform.get("/v1/programmes", params={"cohort": team}).json()["items"] == []

        launched = platform.post("/v1/cohorts", json=body)
        assert launched.status_code == 200, launched.text
        assert launched.json()["launched"] == 2
        for person in people:
            pid = f"change-adoption-3m.{person['id']}"
            assert platform.get(f"/v1/programmes/{pid}").json()["manager_id"] == grace["id"]
            assert _unreached(cluster, pid) == []


def test_a_client_generated_from_the_openapi_document_launches_and_gives_feedback(
    cluster: Cluster, tmp_path: Path
) -> None:
    """``openapi-python-client`` turns ``/openapi.json`` into a client with no warning
    (a schema it cannot read is fixed in the schema), named by the operation ids."""
    with cluster.http() as anonymous:
        document = anonymous.get("/openapi.json")
    assert document.status_code == 200
    spec = tmp_path / "openapi.json"
    spec.write_bytes(document.content)
    out = tmp_path / "generated" / "parcours_client"
    bin_dir = Path(sys.executable).parent  # the generator formats with the ruff beside it
    generated = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            *("generate", "--path", str(spec), "--meta", "none", "--output-path", str(out)),
        ],
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    said = generated.stdout + generated.stderr
    assert generated.returncode == 0, said
    assert "Warning" not in said, said
    assert "Unable" not in said, said

    sys.path.insert(0, str(out.parent))
    try:
        api = importlib.import_module("parcours_client")
        launch = importlib.import_module("parcours_client.api.programmes.launch_programme")
        agree = importlib.import_module("parcours_client.api.commands.agree_objectives")
        feedback = importlib.import_module("parcours_client.api.facts.give_feedback")
        events = importlib.import_module("parcours_client.api.programmes.list_programme_events")
        models = importlib.import_module("parcours_client.models")
        base = f"http://127.0.0.1:{cluster.api_port}"

        def client(role: str) -> Any:
            return api.AuthenticatedClient(base_url=base, token=TOKENS[role], timeout=60)

        employee = f"E{uuid.uuid4().hex[:6]}"
        with client("platform") as platform, client("integrator") as integrator:
            body = models.LaunchRequest(
                employee=models.Employee(id=employee, name="Gen Client", email="gen@x.io"),
                template_id="change-adoption-3m",
                manager=models.Contact(id=f"M-{employee}", name="Mary Major"),
            )
            launched = launch.sync_detailed(
                client=platform, body=body, idempotency_key=f"gen-{employee}"
            )
            assert launched.status_code == 201, launched.content
            assert isinstance(launched.parsed, models.Launched)
            pid = launched.parsed.programme_id
            assert pid == f"change-adoption-3m.{employee}"
            forbidden = launch.sync_detailed(client=integrator, body=body)
            assert forbidden.status_code == 403
            assert isinstance(forbidden.parsed, models.ErrorBody)

            agreed = agree.sync_detailed(
                pid,
                client=integrator,
                body=models.ObjectivesRequest(short_term=["Use it daily"], long_term=["Teach"]),
            )
            assert agreed.status_code == 200, agreed.content
            assert isinstance(agreed.parsed, models.CommandReceipt)
            assert agreed.parsed.stage == "baseline"

            scores = models.FeedbackRequestScores.from_dict({"motivation": 4, "adaptability": 3})
            given = feedback.sync_detailed(
                pid,
                client=integrator,
                body=models.FeedbackRequest(
                    role=models.Role.EMPLOYEE, rater_id=employee, scores=scores
                ),
                idempotency_key=f"gen-feedback-{employee}",
            )
            assert given.status_code == 202, given.content
            assert isinstance(given.parsed, models.Receipt)
            assert given.parsed.outcome == models.ReceiptOutcome.APPLIED

            timeline = events.sync_detailed(pid, client=platform)
            assert timeline.status_code == 200, timeline.content
            assert isinstance(timeline.parsed, list)
            kinds = [type(event).__name__ for event in timeline.parsed]
            assert kinds[0] == "ProgrammeLaunched"
            assert "FeedbackReceived" in kinds
    finally:
        sys.path.remove(str(out.parent))
        for name in [n for n in sys.modules if n.split(".")[0] == "parcours_client"]:
            del sys.modules[name]


# Last in the module: its 1,000 programmes keep the one worker busy for a while after the
# launches, and a request from a test after it (an erase's withdraw) found no worker free
# within the 20 s bound.
def test_a_cohort_of_a_thousand_launches_with_bad_rows_reported(
    cluster: Cluster, tmp_path: Path
) -> None:
    cohort = f"K{uuid.uuid4().hex[:6]}"
    lines = ["employee_id,name,email,coach_id,manager_id"]
    lines += [f"{cohort}-{i},Person {i},p{i}@example.com,C1,M1" for i in range(1000)]
    lines.insert(11, f"{cohort}-bad1,No Email,,C1,M1")  # line 12: missing email
    lines.insert(501, f"{cohort}-bad2,Extra,e@x.io,C1,M1,unexpected")  # line 502: extra column
    lines.insert(901, f"{cohort}-7,Twice,t@x.io,C1,M1")  # line 902: duplicate employee
    csv = tmp_path / "people.csv"
    csv.write_text("\n".join(lines) + "\n")

    args = ["launch-cohort", str(csv), "--template", "change-adoption-3m", "--cohort", cohort]
    began = time.monotonic()
    first = cluster.cli(*args, "--json")
    took = time.monotonic() - began
    summary = json.loads(first.stdout)
    assert (summary["launched"], summary["existing"], summary["failed"]) == (1000, 0, 3), (
        first.stderr
    )
    failed = {r["line"]: r["reason"] for r in summary["results"] if r["outcome"] == "failed"}
    assert set(failed) == {12, 502, 902}
    assert "email" in failed[12]
    assert "6 values for 5 columns" in failed[502]
    assert "already on line" in failed[902]
    assert first.returncode == 1, "failed rows make the exit code non-zero"

    again = json.loads(cluster.cli(*args, "--json").stdout)
    assert (again["launched"], again["existing"], again["failed"]) == (0, 1000, 3)
    print(f"1,000 programmes launched in {took:.1f} s")


def _taken(send: Callable[[], httpx.Response]) -> httpx.Response:
    """``send``, again while the API answers 503 (no worker took it in time: the cluster's
    worker may still be working through another test's 1,000 launches), as its message
    says to: the same request under the same key."""
    for _ in range(12):
        answer = send()
        if answer.status_code != 503:
            return answer
    return answer


def _cli_taken(cluster: Cluster, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI command, again while it exits 3 (Temporal or a worker out of reach)."""
    for _ in range(12):
        done = cluster.cli(*args)
        if done.returncode != 3:
            return done
    return done


def test_a_cli_command_and_an_api_call_under_one_key_are_each_weighed_on_their_own(
    cluster: Cluster,
) -> None:
    """The CLI's keys are scoped like the API's: its own caller, and the command. The
    manager's answer given by the CLI under the key an integrator gave the employee's is
    applied, not answered as applied; the CLI's retry under its key is applied once."""
    employee = f"E{uuid.uuid4().hex[:6]}"
    shared = f"shared-{employee}"
    with cluster.http("platform") as platform, cluster.http("integrator") as integrator:
        pid = _launch(platform, employee, manager_id="M1").json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        agreed = _taken(
            lambda: integrator.post(
                f"{base}/objectives",
                json={"short_term": ["a"], "long_term": ["b"]},
                headers={"Idempotency-Key": f"agree-{employee}"},
            )
        )
        assert agreed.status_code == 200, agreed.text
        mine = _taken(
            lambda: integrator.post(
                f"{base}/feedback", json=feedback_of(employee), headers={"Idempotency-Key": shared}
            )
        )
        assert mine.status_code == 202, mine.text
        assert mine.json()["outcome"] == "applied", mine.text
        manager = [
            "feedback", pid, "--role", "manager", "--rater", "M1",
            "--score", "motivation=4", "--score", "adaptability=3", "--key", shared,
        ]  # fmt: skip
        for _ in range(2):  # the second is the CLI's own retry: applied once
            given = _cli_taken(cluster, *manager)
            assert given.returncode == 0, given.stderr
            assert f"applied (key {shared})" in given.stdout
        # The same key on another CLI command is another request, too.
        paused = _cli_taken(cluster, "pause", pid, "--reason", "leave", "--key", shared, "--json")
        assert paused.returncode == 0, paused.stderr
        assert json.loads(paused.stdout)["status"] == "paused"
        events = platform.get(f"{base}/events").json()
        answered = [e["role"] for e in events if e["type"] == "feedback_received"]
        assert answered == ["employee", "manager"]
