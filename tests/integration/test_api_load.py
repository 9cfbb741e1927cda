"""200 concurrent clients send 2,000 facts through the HTTP API: each valid one applied once.

The production topology in small: a dev server, a ``parcours worker`` process
and a ``parcours api`` process (uvicorn). 10 programmes of the shipped
change-adoption template, each with 12 objectives, are brought to their check-in
stage, where progress is a fact they take as often as the bounds allow (12 records an
objective). Then 200 clients, each its own ``httpx.AsyncClient``, share the requests:

- 1,320 valid facts, each with a fresh ``Idempotency-Key``: 11 progress records for
  each objective of each programme, within the bound, so that every one is applied
  (sessions are recorded near their slot, days away, and this stage takes no
  feedback: neither is what this test is about);
- 330 duplicates: a key already answered, sent again with the same body, as a
  client does when it did not see the answer; each must get the first answer
  back and change nothing;
- 330 malformed: a field the API must refuse; each must get a 4xx whose error
  names that field.

In the end: no 5xx; each valid key caused exactly one event in its programme
and no duplicate caused any; every programme is still running, in its
check-in stage, and its ``view`` agrees with its events (count, progress per
objective).

``PARCOURS_LOAD_SECONDS=N`` bounds the sending for a quick local run: the requests are
taken in the plan's order, so whatever prefix was sent keeps the mix, and a warning says
how many went out. The bottleneck is the dev server (SQLite, one history shard).
"""

from __future__ import annotations

import asyncio
import os
import random
import ssl
import time
import uuid
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from gateway.http.idempotency import scoped_key
from tests.integration.faults import Stack, cpu_seconds, running_stack, until

PROGRAMMES = 10
CLIENTS = 200
OBJECTIVES = [*(f"S{i}" for i in range(1, 7)), *(f"L{i}" for i in range(1, 7))]
RECORDS = 11
"""Progress records per objective: within the bound of 12."""
VALID = PROGRAMMES * len(OBJECTIVES) * RECORDS
DUPLICATES = VALID // 4
MALFORMED = VALID // 4
REQUESTS = VALID + DUPLICATES + MALFORMED
BUDGET = float(os.environ.get("PARCOURS_LOAD_SECONDS", "0"))
"""Seconds the clients may spend sending; 0: no bound. What is not sent by then is left
out, with a warning saying how many were sent: on a busy 2-core machine 5,000 can take
several minutes (see the module docstring)."""

MALFORMATIONS: list[tuple[str, dict[str, Any], str]] = [
    # the door holds a score to 0..10, the widest range a framework's scale may take; a score
    # within that but off the programme's own scale is the programme's refusal, later
    ("feedback", {"role": "peer", "rater_id": "P1", "scores": {"motivation": 11}}, "scores.motivation"),  # noqa: E501
    ("feedback", {"role": "boss", "rater_id": "P1", "scores": {"motivation": 3}}, "role"),
    ("feedback", {"role": "peer", "scores": {"motivation": 3}}, "rater_id"),
    ("feedback", {"role": "peer", "rater_id": "P1", "scores": {"motivation": 3}, "colour": "red"}, "colour"),  # noqa: E501
    ("progress", {"objective_id": "S1", "percent": 150}, "percent"),
    ("progress", {"objective_id": "X1", "percent": 10}, "objective_id"),
    ("sessions", {"number": 0, "status": "held"}, "number"),
    ("sessions", {"number": 1, "status": "maybe"}, "status"),
]  # fmt: skip
"""(what, body, the field the 4xx must name)."""


COMMANDS = {
    "feedback": "give_feedback",
    "progress": "record_progress",
    "sessions": "record_session",
}
"""The command each route's fact is (the programme scopes keys by it)."""


@dataclass
class Request:
    programme: str
    what: str
    body: dict[str, Any]
    key: str
    field: str | None = None
    """For a malformed one: the field its answer must name."""


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def valid_requests(pids: list[str], rng: random.Random) -> list[Request]:
    requests = [
        Request(pid, "progress", {"objective_id": objective, "percent": rng.randint(0, 100)}, "")
        for pid in pids
        for objective in OBJECTIVES
        for _ in range(RECORDS)
    ]
    rng.shuffle(requests)
    for request in requests:
        request.key = f"load-{uuid.uuid4().hex}"
    return requests


async def prepare(stack: Stack, http: httpx.AsyncClient) -> list[str]:
    """Launch the programmes and bring each to its check-in stage."""
    platform, integrator = stack.headers("platform"), stack.headers("integrator")
    cohort = {
        "cohort_id": "load",
        "template_id": "change-adoption-3m",
        "participants": [
            {"id": f"L{i}", "name": f"Person {i}", "email": f"l{i}@example.com", "manager_id": "M"}
            for i in range(PROGRAMMES)
        ],
    }
    launched = await http.post("/v1/cohorts", headers=platform, json=cohort)
    assert launched.status_code == 200, launched.text
    pids = [r["programme_id"] for r in launched.json()["results"]]
    assert len(pids) == PROGRAMMES

    async def to_check_ins(pid: str) -> None:
        base = f"/v1/programmes/{pid}"
        agreed = await http.post(
            f"{base}/objectives",
            headers=integrator,
            json={
                "short_term": [f"Use it daily, part {i}" for i in range(1, 7)],
                "long_term": [f"Teach it, part {i}" for i in range(1, 7)],
            },
        )
        assert agreed.status_code == 200, agreed.text
        for role in ("employee", "manager"):
            scores = {"motivation": 3, "adaptability": 3}
            rater = pid.split(".", 1)[1] if role == "employee" else "M"  # who holds the role
            body = {"role": role, "rater_id": rater, "scores": scores}
            given = await http.post(f"{base}/feedback", headers=integrator, json=body)
            assert given.status_code == 202, given.text

        async def in_check_ins() -> bool | None:
            view = await http.get(base, headers=stack.headers("ops"))
            return view.json()["stage"] == "check_ins" or None

        await until(in_check_ins, 60, f"{pid} to reach its check-ins")

    await asyncio.gather(*(to_check_ins(pid) for pid in pids))
    return pids


async def test_2000_facts_from_200_clients_each_applied_once(tmp_path: Path) -> None:
    rng = random.Random(4)
    started = time.monotonic()
    async with (
        running_stack(tmp_path) as stack,
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as http,
    ):
        pids = await prepare(stack, http)
        print(f"{PROGRAMMES} programmes at their check-ins in {time.monotonic() - started:.1f} s")
        originals = valid_requests(pids, rng)
        malformed = [
            Request(rng.choice(pids), what, body, f"bad-{uuid.uuid4().hex}", field)
            for what, body, field in (rng.choice(MALFORMATIONS) for _ in range(MALFORMED))
        ]
        plan: list[Request | None] = [*originals, *malformed]
        rng.shuffle(plan)
        # A duplicate is sent once its first has been answered (one sent while its first
        # is still running is told so, 409, which is not what this counts), so none is
        # among the first requests, and each copies one already answered.
        for _ in range(DUPLICATES):
            plan.insert(rng.randrange(CLIENTS, len(plan) + 1), None)

        answers: dict[str, Answer] = {}
        duplicated: list[tuple[Request, Answer]] = []
        queue: asyncio.Queue[Request | None] = asyncio.Queue()
        for item in plan:
            queue.put_nowait(item)
        integrator = stack.headers("integrator")

        async def send(client: httpx.AsyncClient, request: Request) -> Answer:
            response = await client.post(
                f"/v1/programmes/{request.programme}/{request.what}",
                headers={**integrator, "Idempotency-Key": request.key},
                json=request.body,
            )
            return Answer(response.status_code, response.json())

        # Plain HTTP, but httpx builds a TLS context per client unless given one: share it.
        tls = ssl.create_default_context()
        began = time.monotonic()
        stop_at = began + BUDGET if BUDGET > 0 else float("inf")

        async def one_client() -> None:
            async with httpx.AsyncClient(base_url=stack.api_url, timeout=120, verify=tls) as client:
                while not queue.empty() and time.monotonic() < stop_at:
                    item = queue.get_nowait()
                    if item is None:  # a duplicate of something already answered
                        done = [r for r in originals if r.key in answers]
                        while not done:
                            await asyncio.sleep(0.1)
                            done = [r for r in originals if r.key in answers]
                        first = rng.choice(done)
                        item = Request(first.programme, first.what, first.body, first.key)
                        duplicated.append((item, await send(client, item)))
                    else:
                        answers[item.key] = await send(client, item)

        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        took = time.monotonic() - began
        total = len(answers) + len(duplicated)
        print(f"{total} requests from {CLIENTS} clients in {took:.1f} s ({total / took:.0f}/s)")
        processes = {"server": stack.temporal.pid, **{n: p.pid for n, p in stack.processes.items()}}
        print("CPU seconds:", {name: cpu_seconds(pid) for name, pid in processes.items()})
        if total < REQUESTS:
            warnings.warn(
                f"sent {total} of {REQUESTS} requests ({total / took:.0f}/s) within the "
                f"{BUDGET:g} s PARCOURS_LOAD_SECONDS budget; unset, it sends them all",
                stacklevel=1,
            )
        originals = [r for r in originals if r.key in answers]
        malformed = [r for r in malformed if r.key in answers]

        # --- the answers.
        statuses = Counter(a.status for a in answers.values()) + Counter(
            a.status for _, a in duplicated
        )
        assert not [s for s in statuses if s >= 500], statuses
        taken = plan[: len(plan) - queue.qsize()]  # the clients took them in order
        assert len(duplicated) == taken.count(None)
        assert total == len(taken)
        for request in originals:
            answer = answers[request.key]
            assert answer.status == 202, (request, answer)
            assert answer.body["outcome"] in ("applied", "unknown"), answer
        for request, answer in duplicated:
            assert answer == answers[request.key], (request, answer)
        for request in malformed:
            answer = answers[request.key]
            assert 400 <= answer.status < 500, (request, answer)
            assert answer.body["error"]["field"] == request.field, (request, answer)
        unknown = sum(answers[r.key].body["outcome"] == "unknown" for r in originals)
        print(f"answers: {dict(statuses)}; receipts still unknown when answered: {unknown}")

        # --- the programmes: each valid key applied exactly once, nothing else.
        sent: dict[str, set[str]] = defaultdict(set)
        sessions: Counter[str] = Counter()
        # The programme records each key scoped by its caller and command.
        token = stack.headers("integrator")["Authorization"].removeprefix("Bearer ")
        for request in originals:
            sent[request.programme].add(scoped_key(token, COMMANDS[request.what], request.key))
            sessions[request.programme] += request.what == "sessions"
        ops = stack.headers("ops")

        async def events_once_applied(pid: str) -> list[dict[str, Any]] | None:
            found: list[dict[str, Any]] = (
                await http.get(f"/v1/programmes/{pid}/events", headers=ops)
            ).json()
            keys = {e["key"] for e in found}
            return found if sent[pid] <= keys else None

        every_sent = set().union(*sent.values())
        refused_keys = {scoped_key(token, COMMANDS[r.what], r.key) for r in malformed}
        for pid in pids:
            events = await until(lambda p=pid: events_once_applied(p), 60, f"{pid}'s facts")  # type: ignore[misc]
            caused = Counter(e["key"] for e in events if e["key"] in every_sent)
            assert set(caused) == sent[pid], pid
            assert set(caused.values()) == {1}, pid
            assert not [e for e in events if e["key"] in refused_keys]

            view = (await http.get(f"/v1/programmes/{pid}", headers=ops)).json()
            assert (view["status"], view["stage"]) == ("running", "check_ins"), view
            assert view["events"] == len(events) == events[-1]["seq"]
            assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
            kinds = Counter(e["type"] for e in events)
            assert (view["held"], view["missed"]) == (
                kinds["session_held"],
                kinds["session_missed"],
            )
            assert view["held"] + view["missed"] == sessions[pid]
            latest = {
                e["objective_id"]: e["percent"]
                for e in events
                if e["type"] == "objective_progressed"
            }
            shown = {o["id"]: o["percent"] for o in view["objectives"]}
            assert {k: shown[k] for k in latest} == latest
            assert not view["rejections"], view["rejections"]
        print(f"checked in {time.monotonic() - began - took:.1f} s")
