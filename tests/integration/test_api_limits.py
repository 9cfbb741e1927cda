"""What any caller may send the API: a rate per token, writes per programme, a body size.

The API runs on real uvicorn against the dev server; the limits are made small so a few
requests reach them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adapters.stores.idempotency import IdempotencyStore
from adapters.temporal.dev_server import DevServer
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http import serve
from gateway.http.app import create_app
from gateway.http.limits import MAX_DEPTH, RequestLimits
from tests.support import free_port, temporary_keyring

TOKENS = {"tok-a": ApiRole.integrator, "tok-b": ApiRole.integrator, "tok-p": ApiRole.platform}
FEEDBACK = {"role": "peer", "rater_id": "P1", "scores": {"motivation": 4}}


@pytest.fixture
async def api(dev_server: DevServer, tmp_path: Path) -> AsyncIterator[str]:
    client = await ProgrammeClient.connect(dev_server.address, keyring=temporary_keyring())
    limits = RequestLimits(per_token="4/minute", per_programme="2/minute", max_body_bytes=2048)
    app = create_app(client, TOKENS, IdempotencyStore(tmp_path / "answers.db"), limits=limits)
    port, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(serve.serve(app, "127.0.0.1", port, stop))
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url) as http:
        for _ in range(200):
            try:
                await http.get("/healthz")
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
    yield url
    stop.set()
    await serving


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_past_its_rate_gets_429_with_retry_after(api: str) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        answers = [await http.get("/v1/programmes/x.E1", headers=_as("tok-p")) for _ in range(5)]
    assert all(a.status_code != 429 for a in answers[:4])
    last = answers[4]
    assert last.status_code == 429
    assert int(last.headers["Retry-After"]) >= 1
    error = last.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"].startswith("rate limit: at most 4 per 1 minute from one token")


def _spellings(token: str) -> list[str]:
    """42 ways to write one bearer token that auth accepts alike: the scheme's case, and
    the whitespace between the parts."""
    cases = [
        "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate("bearer"))
        for mask in range(21)
    ]
    return [f"{scheme} {token}" for scheme in cases] + [f"{scheme}   {token}" for scheme in cases]


async def test_every_spelling_of_one_token_counts_as_that_token(api: str) -> None:
    spellings = _spellings("tok-p")
    assert len(set(spellings)) == 42
    async with httpx.AsyncClient(base_url=api) as http:
        answers = [
            await http.get("/v1/programmes/x.E1", headers={"Authorization": header})
            for header in spellings
        ]
    statuses = [a.status_code for a in answers]
    assert all(s != 401 for s in statuses), statuses  # auth takes every spelling...
    assert statuses.count(429) == 42 - 4  # ...and so the rate counts them as one token


async def test_writes_to_one_programme_are_limited_whoever_sends_them(api: str) -> None:
    path = "/v1/programmes/change-adoption-3m.E9/feedback"
    async with httpx.AsyncClient(base_url=api) as http:
        first = await http.post(path, json=FEEDBACK, headers=_as("tok-a"))
        second = await http.post(path, json=FEEDBACK, headers=_as("tok-b"))
        third = await http.post(path, json=FEEDBACK, headers=_as("tok-a"))
        elsewhere = await http.post(
            "/v1/programmes/change-adoption-3m.E8/feedback", json=FEEDBACK, headers=_as("tok-b")
        )
    assert first.status_code == second.status_code == 404  # no such programme: it got through
    assert third.status_code == 429
    assert "to programme change-adoption-3m.E9" in third.json()["error"]["message"]
    assert elsewhere.status_code == 404


async def test_a_body_over_the_limit_gets_413_declared_or_streamed(api: str) -> None:
    big = {**FEEDBACK, "comment": "x" * 4000}
    path = "/v1/programmes/change-adoption-3m.E7/feedback"

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * 1000

    async with httpx.AsyncClient(base_url=api) as http:
        declared = await http.post(path, json=big, headers=_as("tok-a"))
        streamed = await http.post(path, content=chunks(), headers=_as("tok-b"))
    assert declared.status_code == streamed.status_code == 413
    assert declared.json()["error"] == {
        "code": "too_large",
        "message": "body: at most 2048 bytes",
        "field": "body",
    }


async def test_nesting_past_the_documented_depth_is_422_not_500(api: str) -> None:
    deep = b"[" * 1_000 + b"]" * 1_000  # past Python's recursion limit, within the body size
    within = {"reason": "x", "extra": [[[[1]]]]}
    async with httpx.AsyncClient(base_url=api) as http:
        headers = {**_as("tok-p"), "Idempotency-Key": "deep", "Content-Type": "application/json"}
        refused = await http.post("/v1/programmes/x.E1/resume", content=deep, headers=headers)
        shallow = await http.post("/v1/programmes/x.E1/withdraw", json=within, headers=_as("tok-p"))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["field"], error["message"]) == (
        "body",
        f"body: nested deeper than {MAX_DEPTH} levels of arrays and objects",
    )
    assert shallow.status_code == 422  # parsed, and refused for what it says (extra field)
    assert shallow.json()["error"]["field"] == "extra"


@pytest.mark.parametrize("name", ["   ", "\t", "Ann\r\nBcc: x@evil.example", "A\x1b[31mB"])
async def test_a_blank_name_or_one_with_control_characters_is_422(api: str, name: str) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        answer = await http.put("/v1/people/P1", json={"name": name}, headers=_as("tok-p"))
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "name"
    assert name.strip() not in error["message"] or not name.strip()
