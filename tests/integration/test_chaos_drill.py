"""A chaos drill: a flood of facts while the worker is killed, the server restarted and
SMTP is down, and afterwards every acknowledged fact applied exactly once.

The production topology in small (``faults.running_stack``: a dev server on its SQLite
file, a ``parcours worker`` and a ``parcours api`` process), with SMTP and the outbox as
channels, SMTP a real server (aiosmtpd) on a fixed port that is stopped and started
again. Integrators send a flood of facts through the API, each with an Idempotency-Key,
and do what a client should: a 2xx is an acknowledgement (``applied``, or ``unknown``
while no worker runs), anything else (503, a dropped connection) is sent again under the
same key. Meanwhile: SMTP goes down, the worker is SIGKILLed and started again, the dev
server is stopped and started on the same file, the worker is killed once more, and
SMTP comes back.

Afterwards, for every programme: each acknowledged fact is in its events exactly once
(and nothing that was never acknowledged), the notices sent while SMTP was down reached
it once it was back, with no delivery recorded as failed, and the programme still takes a request
(a pause and a resume), so none is wedged.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from gateway.http.idempotency import scoped_key
from tests.integration.faults import TOKENS, Stack, running_stack, until
from tests.integration.production import Inbox
from tests.support import free_port

PROGRAMMES = 4
PROGRESS = 24
"""Progress facts per programme, after the baseline's two answers: one a second or so,
so the flood lasts through every fault of the drill (about 25 s)."""
ACK_WITHIN = 240.0
"""Seconds a client keeps sending one fact again before the drill calls it lost."""


@dataclass
class Smtp:
    """An SMTP server that can go down and come back on the same port."""

    inbox: Inbox = field(default_factory=Inbox)
    port: int = field(default_factory=free_port)
    controller: Controller | None = None

    def up(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.up()
    try:
        yield server
    finally:
        server.down()


@dataclass
class Flood:
    """What the integrators sent, and what the API acknowledged."""

    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    """Per programme, the keys of the facts the API acknowledged."""
    retries: Counter[str] = field(default_factory=Counter)
    """Why facts were sent again: status codes, or the transport error."""
    outcomes: Counter[str] = field(default_factory=Counter)
    """The outcomes acknowledged: ``applied``, or ``unknown`` (no worker answered)."""
    spans: list[tuple[float, float]] = field(default_factory=list)
    """When each fact was first sent and when it was acknowledged (``time.monotonic``)."""


def feedback(role: str, rater: str) -> dict[str, Any]:
    return {"role": role, "rater_id": rater, "scores": {"motivation": 4, "adaptability": 3}}


async def send(http: httpx.AsyncClient, flood: Flood, pid: str, path: str, body: Any) -> None:
    """One fact, under one key, until the API acknowledges it."""
    # keys are per caller, not per programme: the programme is in the key
    key = f"{path}:{len(flood.acknowledged[pid])}:{pid}"
    headers = {"Authorization": f"Bearer {TOKENS['integrator']}", "Idempotency-Key": key}
    first = time.monotonic()
    deadline = first + ACK_WITHIN
    while True:
        try:
            answer = await http.post(f"/v1/programmes/{pid}/{path}", json=body, headers=headers)
        except httpx.TransportError as exc:
            flood.retries[type(exc).__name__] += 1
        else:
            if answer.status_code == 202:
                outcome = answer.json()["outcome"]
                assert outcome in ("applied", "unknown"), answer.text
                flood.outcomes[outcome] += 1
                flood.acknowledged[pid].append(key)
                flood.spans.append((first, time.monotonic()))
                return
            assert answer.status_code in (429, 500, 502, 503), answer.text
            flood.retries[str(answer.status_code)] += 1
        assert time.monotonic() < deadline, f"{path} for {pid} never acknowledged"
        await asyncio.sleep(0.5)


async def facts_for(http: httpx.AsyncClient, flood: Flood, pid: str) -> None:
    employee = pid.split(".", 1)[1]
    await send(http, flood, pid, "feedback", feedback("employee", employee))
    await send(http, flood, pid, "feedback", feedback("manager", "M1"))
    for n in range(PROGRESS):
        # a programme takes 12 progress records per objective: S1 and L1 in turn
        objective, percent = ("S1", "L1")[n % 2], 4 * (n // 2 + 1)
        await send(http, flood, pid, "progress", {"objective_id": objective, "percent": percent})
        await asyncio.sleep(1)


async def chaos(stack: Stack, mail: Smtp) -> dict[str, float]:
    """The faults, in order; when each was done (``time.monotonic``)."""
    done: dict[str, float] = {}

    def note(what: str) -> None:
        done[what] = time.monotonic()

    mail.down()  # before the first fact: every notice meets it down
    note("SMTP down")
    await asyncio.sleep(2)
    stack.kill("worker")
    note("worker SIGKILLed")
    await asyncio.sleep(3)
    stack.start_worker()
    note("worker started")
    await asyncio.sleep(3)
    await stack.temporal.stop()
    note("dev server stopped")
    await asyncio.sleep(3)
    await stack.temporal.start()  # the same temporal.db
    note("dev server started")
    await asyncio.sleep(4)
    stack.kill("worker")
    note("worker SIGKILLed again")
    await asyncio.sleep(2)
    stack.start_worker()
    note("worker started again")
    await asyncio.sleep(5)
    mail.up()
    note("SMTP back")
    return done


async def test_acknowledged_facts_are_applied_once_through_kills_restarts_and_smtp_down(
    tmp_path: Path,
) -> None:
    with smtp() as mail:
        env = {
            "PARCOURS_NOTIFIERS": "outbox,smtp",
            "PARCOURS_SMTP_HOST": "127.0.0.1",
            "PARCOURS_SMTP_PORT": str(mail.port),
            "PARCOURS_SMTP_TLS": "none",
            "PARCOURS_SMTP_FROM": "parcours <noreply@example.com>",
            "PARCOURS_SMTP_TIMEOUT": "3",
        }
        async with (
            running_stack(tmp_path, env=env) as stack,
            httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http,
        ):
            platform, integrator, ops = (
                stack.headers(r) for r in ("platform", "integrator", "ops")
            )
            pids = []
            for n in range(PROGRAMMES):
                employee = {"id": f"D{n}", "name": f"Drill {n}", "email": f"d{n}@example.com"}
                body = {"employee": employee, "template_id": "change-adoption-3m"}
                launched = await http.post(
                    "/v1/programmes", headers=platform, json={**body, "manager_id": "M1"}
                )
                assert launched.status_code == 201, launched.text
                pid = launched.json()["programme_id"]
                objectives = {"short_term": ["Use it daily"], "long_term": ["Teach it"]}
                agreed = await http.post(
                    f"/v1/programmes/{pid}/objectives", headers=integrator, json=objectives
                )
                assert agreed.status_code == 200, agreed.text
                pids.append(pid)

            flood = Flood({pid: [] for pid in pids})
            began = time.monotonic()
            done, *_ = await asyncio.gather(
                chaos(stack, mail), *(facts_for(http, flood, pid) for pid in pids)
            )
            for what, when in done.items():
                print(f"{when - began:5.1f} s {what}")
            took = time.monotonic() - began
            print(
                f"flood acknowledged in {took:.1f} s: {dict(flood.outcomes)}; "
                f"sent again: {dict(flood.retries)}"
            )
            # the flood met the faults: facts went while no worker ran (taken by Temporal,
            # applied later), and while the server was down (held or refused, then sent again)
            assert flood.outcomes["unknown"] > 0, flood.outcomes
            down, back = done["dev server stopped"], done["dev server started"]
            assert any(start < back and end > down for start, end in flood.spans)
            assert max(end for _, end in flood.spans) > done["SMTP back"]
            await stack.wait_for_api()

            async def settled(pid: str) -> list[dict[str, Any]] | None:
                """The events once every acknowledged fact is in, and every delivery
                accounted for; None until then."""
                answer = await http.get(f"/v1/programmes/{pid}/events", headers=ops)
                if answer.status_code != 200:
                    return None
                events: list[dict[str, Any]] = answer.json()
                keys = {e.get("key") for e in events}
                wanted = {
                    scoped_key(TOKENS["integrator"], kind, key)
                    for key in flood.acknowledged[pid]
                    for kind in (_kind(key),)
                }
                if not wanted <= keys:
                    return None
                if not any(e["type"] == "delivery_confirmed" for e in events):
                    return None
                return events

            for pid in pids:
                events = await until(lambda p=pid: settled(p), 180, f"{pid} to settle")
                facts = Counter(
                    e["key"]
                    for e in events
                    if e["type"] in ("feedback_received", "objective_progressed")
                )
                sent = [
                    scoped_key(TOKENS["integrator"], _kind(key), key)
                    for key in flood.acknowledged[pid]
                ]
                assert len(sent) == 2 + PROGRESS
                # each acknowledged fact exactly once, and no other fact
                assert {k: facts[k] for k in sent} == dict.fromkeys(sent, 1), facts
                assert sum(facts.values()) == len(sent), facts
                assert not [e for e in events if e["type"] == "delivery_failed"], pid
                # not wedged: it takes a request, and answers it
                paused = await http.post(
                    f"/v1/programmes/{pid}/pause", headers=ops, json={"reason": "drill"}
                )
                assert (paused.status_code, paused.json()["status"]) == (200, "paused")
                resumed = await http.post(f"/v1/programmes/{pid}/resume", headers=ops)
                assert (resumed.status_code, resumed.json()["status"]) == (200, "running")
            reached = {str(envelope.rcpt_tos) for envelope, _ in mail.inbox.messages}
            for n in range(PROGRAMMES):
                assert any(f"d{n}@example.com" in to for to in reached), reached


def _kind(key: str) -> str:
    """The command a drill key was sent with (``feedback:1:…``, ``progress:7:…``)."""
    return {"feedback": "give_feedback", "progress": "record_progress"}[key.split(":")[0]]
