"""The Temporal server stops mid-programme and starts again on the same SQLite file.

The production topology in small: the dev server (``temporal server start-dev``
on ``temporal.db``), a ``parcours worker`` process and a ``parcours api``
process. A programme is launched and moved on through the API; then the server
is stopped (SIGTERM, as ``parcours up`` stops it). While it is down, facts sent
through the API, the Python client and the CLI are refused at once with the
retryable error each interface documents (API: 503 ``unavailable``; client:
``TemporalUnavailable``; CLI: exit 3), and none of them is applied behind the
caller's back. The server is started again on the same file: the programme is
where it was, every event kept; sending the refused facts again applies each
exactly once, and sending them yet again changes nothing.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.commands import RecordProgress
from gateway.client import ProgrammeClient, TemporalUnavailable
from gateway.client import keys as client_keys
from gateway.client.keys import CLI_SCOPE
from gateway.http.idempotency import scoped_key
from tests.e2e.test_api import error_of
from tests.integration.faults import PARCOURS, Stack, running_stack, until

REFUSED_WITHIN = 30.0
"""Seconds by which a refusal must have come: fast enough for a person or a retrying
integrator, not the minutes of a client retrying for ever. The SDK's own retries
take about 10 s to give up; the bound leaves room for a loaded machine."""


def feedback(role: str, rater: str, motivation: int) -> dict[str, Any]:
    return {
        "role": role,
        "rater_id": rater,
        "scores": {"motivation": motivation, "adaptability": 3},
    }


async def cli(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [str(PARCOURS), *args],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def events_of(http: httpx.AsyncClient, pid: str, ops: dict[str, str]) -> list[dict[str, Any]]:
    response = await http.get(f"/v1/programmes/{pid}/events", headers=ops)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_signals_while_the_server_is_down_are_refused_then_applied_once(
    tmp_path: Path,
) -> None:
    async with (
        running_stack(tmp_path) as stack,
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as http,
    ):
        platform, integrator, ops = (stack.headers(r) for r in ("platform", "integrator", "ops"))
        launched = await http.post(
            "/v1/programmes",
            headers=platform,
            json={
                "employee": {"id": "E1", "name": "Ann Lee", "email": "ann@example.com"},
                "template_id": "change-adoption-3m",
                "manager_id": "M1",
            },
        )
        assert launched.status_code == 201, launched.text
        pid = launched.json()["programme_id"]
        base = f"/v1/programmes/{pid}"
        agreed = await http.post(
            f"{base}/objectives",
            headers={**integrator, "Idempotency-Key": "objectives"},
            json={"short_term": ["Use the CRM daily"], "long_term": ["Coach the team on it"]},
        )
        assert agreed.json()["stage"] == "baseline", agreed.text
        given = await http.post(
            f"{base}/feedback",
            headers={**integrator, "Idempotency-Key": "fb-employee"},
            json=feedback("employee", "E1", 2),
        )
        assert given.json()["outcome"] == "applied", given.text
        before = await events_of(http, pid, ops)
        client = await ProgrammeClient.connect(stack.address, keyring=stack.keyring())

        await stack.temporal.stop()

        manager_key = {**integrator, "Idempotency-Key": "fb-manager"}
        progress = RecordProgress(objective_id="S1", percent=40, key="progress-client")
        progress_cli = ["progress", pid, "--objective", "L1", "--percent", "10"]
        progress_cli += ["--key", "progress-cli"]

        async def through_the_api() -> None:
            """503 in the one error shape, saying to retry; reads too; health says so."""
            refused, shown, health = await asyncio.gather(
                http.post(
                    f"{base}/feedback", headers=manager_key, json=feedback("manager", "M1", 4)
                ),
                http.get(base, headers=ops),
                http.get("/healthz"),
            )
            assert refused.status_code == 503, refused.text
            error = error_of(refused)
            assert error["code"] == "unavailable"
            assert "retry later" in error["message"]
            assert shown.status_code == 503
            assert error_of(shown)["code"] == "unavailable"
            assert health.status_code == 503

        async def through_the_client() -> None:
            """TemporalUnavailable: the error a caller may retry."""
            with pytest.raises(TemporalUnavailable):
                await client.record_progress(pid, progress)

        async def through_the_cli() -> None:
            """Exit 3, that Temporal is out of reach, and what to do."""
            done = await cli(stack, *progress_cli)
            assert done.returncode == 3, (done.stdout, done.stderr)
            assert "cannot reach Temporal" in done.stderr
            assert "retry later" in done.stderr

        async def timed(name: str, refusal: Awaitable[None]) -> None:
            began = time.monotonic()
            await refusal
            took = time.monotonic() - began
            print(f"the {name} refused in {took:.1f} s")
            assert took < REFUSED_WITHIN, f"the {name} took {took:.1f} s to refuse"

        await asyncio.gather(
            timed("API", through_the_api()),
            timed("client", through_the_client()),
            timed("CLI", through_the_cli()),
        )

        await stack.temporal.start()  # the same data dir: the same temporal.db
        await stack.wait_for_api()

        # Nothing lost, nothing applied behind the callers' backs.
        assert await events_of(http, pid, ops) == before
        shown = (await http.get(base, headers=ops)).json()
        assert (shown["status"], shown["stage"]) == ("running", "baseline")

        # Sent again, each is applied once; the manager's feedback completes the baseline.
        again = await http.post(
            f"{base}/feedback", headers=manager_key, json=feedback("manager", "M1", 4)
        )
        assert again.status_code == 202, again.text
        assert again.json()["outcome"] in (
            "applied",
            "unknown",
        )  # unknown: worker still reconnecting
        await client.record_progress(pid, progress)
        done = await cli(stack, *progress_cli)
        assert done.returncode == 0, (done.stdout, done.stderr)

        # The API's and the CLI's keys are recorded scoped by their caller and command;
        # the library client's (no caller scope) as it was given.
        token = integrator["Authorization"].removeprefix("Bearer ")
        keys = {
            scoped_key(token, "give_feedback", "fb-manager"),
            "progress-client",
            client_keys.scoped_key(CLI_SCOPE, "record_progress", "progress-cli"),
        }

        async def applied() -> list[dict[str, Any]] | None:
            log = await events_of(http, pid, ops)
            return log if keys <= {e["key"] for e in log} else None

        await until(applied, 60, "the facts sent again to be applied")
        # And sent yet again: the first answer back, nothing new.
        third = await http.post(
            f"{base}/feedback", headers=manager_key, json=feedback("manager", "M1", 4)
        )
        assert third.status_code == 202
        await client.record_progress(pid, progress)
        assert (await cli(stack, *progress_cli)).returncode == 0

        async def settled() -> dict[str, Any] | None:
            view: dict[str, Any] = (await http.get(base, headers=ops)).json()
            return view if view["pending_deliveries"] == 0 else None

        shown = await until(settled, 60, "the baseline report to be filed")
        after = await events_of(http, pid, ops)
        assert after[: len(before)] == before
        caused = sorted(e["type"] for e in after if e["key"] in keys)
        assert caused == [
            "evaluation_recorded",
            "feedback_received",
            "invitation_due",  # rules 6: the check-ins' sessions, planned as their stage opens
            "objective_progressed",
            "objective_progressed",
            "stage_completed",
            "stage_entered",
        ]
        assert [e["seq"] for e in after] == list(range(1, len(after) + 1))
        assert (shown["status"], shown["stage"]) == ("running", "check_ins")
        assert shown["events"] == len(after)
        assert stack.alive("worker")
        assert stack.alive("api")
