"""PostgreSQL stopped mid-traffic: the API answers 503 with Retry-After within a bounded
wait, never 500 nor a 30 s hang, and nothing is lost or applied twice: every launch sent
again with its key once the database is back is made, once.

A PostgreSQL cluster of the test's own (``tests/postgres.py``), stopped and started
again; the API on real uvicorn against the dev server, its stores in that database.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import generate_master_key, parse_master_key
from adapters.stores.idempotency import IdempotencyStore, PostgresAnswers
from adapters.stores.keys import PostgresKeyStore
from adapters.stores.postgres import POOL_WAIT, Database
from adapters.temporal.dev_server import DevServer
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http import serve
from gateway.http.app import create_app
from gateway.http.errors import RETRY_AFTER
from tests.postgres import Cluster, fresh_database, start_cluster
from tests.support import free_port

TOKENS = {"tok-p": ApiRole.platform}
AS_PLATFORM = {"Authorization": "Bearer tok-p"}


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from start_cluster()


@pytest.fixture
def database_url(cluster: Cluster) -> Iterator[str]:
    yield from fresh_database(cluster)


@pytest.fixture
async def api(dev_server: DevServer, database_url: str) -> AsyncIterator[str]:
    database = Database(database_url)
    keyring = Keyring(PostgresKeyStore(database), parse_master_key(generate_master_key()))
    client = await ProgrammeClient.connect(dev_server.address, keyring=keyring)
    store = IdempotencyStore(PostgresAnswers(database), keyring)
    app = create_app(client, TOKENS, store)
    port, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(serve.serve(app, "127.0.0.1", port, stop))
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(200):
            try:
                await http.get("/healthz")
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
    yield base
    stop.set()
    await serving


def _launch(employee: str) -> dict[str, object]:
    return {
        "employee": {"id": employee, "name": "Pat Doe", "email": f"{employee}@x.io"},
        "template_id": "change-adoption-3m",
    }


async def test_postgresql_stopped_mid_traffic_gives_503s_and_loses_nothing(
    api: str, cluster: Cluster
) -> None:
    employees = [f"E{uuid.uuid4().hex[:6]}" for _ in range(6)]
    keys = {e: {**AS_PLATFORM, "Idempotency-Key": f"launch-{e}"} for e in employees}
    async with httpx.AsyncClient(base_url=api, timeout=60) as http:

        async def send(employee: str) -> httpx.Response:
            return await http.post("/v1/programmes", json=_launch(employee), headers=keys[employee])

        first = [await send(e) for e in employees[:2]]
        assert [r.status_code for r in first] == [201, 201]

        cluster.stop()
        try:
            began = time.monotonic()
            down = [await send(e) for e in employees[2:]]
            took = (time.monotonic() - began) / len(down)
        finally:
            cluster.start()
        for answer in down:
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"] == str(RETRY_AFTER)
            assert answer.json()["error"]["code"] == "unavailable"
        assert took < POOL_WAIT + 5  # bounded: not psycopg_pool's 30 s

        # Back: each request sent again with its key is made once; those made before
        # the outage answer as they did.
        deadline = time.monotonic() + 60
        again = [await send(e) for e in employees]
        while any(r.status_code == 503 for r in again) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            again = [await send(e) for e in employees]
        assert [r.status_code for r in again] == [201] * len(employees)
        assert [r.json() for r in again[:2]] == [r.json() for r in first]
        for employee in employees:
            found = await http.post("/v1/programmes", json=_launch(employee), headers=AS_PLATFORM)
            assert found.status_code == 200  # one programme each, not two
