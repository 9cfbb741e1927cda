"""For the people who design and run programmes: simulating a template over HTTP, a
programme's calendar, a cohort's report. Real app through FastAPI's test client; a fake
ProgrammeClient behind it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.payloads.keyring import Keyring
from adapters.stores.idempotency import IdempotencyStore
from config import ApiRole
from gateway.http.app import create_app

TOKENS = {"tok-p": ApiRole.platform, "tok-i": ApiRole.integrator, "tok-o": ApiRole.ops}


class FakeProgrammes:
    """Stands in for ProgrammeClient; the tests below give it what they read."""

    def __init__(self) -> None:
        self.views: list[Any] = []
        self.events_of: dict[str, list[Any]] = {}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, FakeProgrammes]]:
    fake = FakeProgrammes()
    keyring = Keyring(tmp_path / "keys.db", secrets.token_bytes(32))
    store = IdempotencyStore(tmp_path / "idempotency.db", keyring, ttl=3600)
    app = create_app(fake, TOKENS, store)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, fake
    store.close()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_simulate_a_shipped_template(api: tuple[TestClient, FakeProgrammes]) -> None:
    client, _ = api
    answer = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m", "scenario": "silent", "start": "2027-01-04"},
        headers=auth("tok-p"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["outcome"] == "lapsed"
    events = body["events"]
    assert events[0] == {
        "seq": 1,
        "type": "programme_launched",
        "at": "2027-01-04T09:00:00+00:00",
        "clock": 0.0,
        "stage": None,
    }
    escalations = [e for e in events if e["type"] == "escalation_due"]
    assert [e["to"] for e in escalations] == [["coach"], ["manager"], ["hr"]]
    lapsed = next(e for e in events if e["type"] == "programme_lapsed")
    assert lapsed["at"].startswith("2027-10-01")
    assert lapsed["stage"] == "agreement"


def test_simulate_takes_a_scenario_and_names_what_is_wrong(
    api: tuple[TestClient, FakeProgrammes],
) -> None:
    client, _ = api
    scenario = {"base": "late", "stages": {"agreement": {"at": "P3D"}}}
    answer = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m", "scenario": scenario},
        headers=auth("tok-o"),
    )
    assert answer.status_code == 200, answer.text
    agreed = next(e for e in answer.json()["events"] if e["type"] == "objectives_agreed")
    assert agreed["clock"] == 3 * 86400
    wrong = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m", "scenario": {"stages": {"nope": {}}}},
        headers=auth("tok-o"),
    )
    assert wrong.status_code == 422
    assert "nope" in wrong.text
    refused = client.post(
        "/v1/templates/simulate",
        json={"template_id": "executive-6m"},
        headers=auth("tok-i"),
    )
    assert refused.status_code == 403
