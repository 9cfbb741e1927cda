"""The API's Idempotency-Key store: per caller, sealed for the employee, expiring, freed
on failure; and what each role's answer to a request holds. Real app, real SQLite file,
real HTTP through FastAPI's test client; a fake ProgrammeClient behind it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.payloads.keyring import Keyring
from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from domain.commands import AgreeObjectives, Pause
from domain.view import ProgrammeView, view_of
from gateway.http.app import create_app
from tests.unit.test_decider import EMPLOYEE, Programme, day

PID = "scenario.emp-1"
OBJECTIVES = {"short_term": ["Use the CRM daily"], "long_term": ["Coach the team"]}
TOKENS = {
    "tok-a": ApiRole.integrator,
    "tok-b": ApiRole.integrator,
    "tok-a2": ApiRole.integrator,
    "tok-ops": ApiRole.ops,
}


class FakeProgrammes:
    """Stands in for ProgrammeClient: counts the requests it really handles."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail_next = False
        self.temporal: Any = None

    async def agree_objectives(self, programme_id: str, command: AgreeObjectives) -> ProgrammeView:
        self.calls += 1
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the worker fell over")
        p = Programme()
        p.do(command, day(1))
        return view_of(p.state, day(1))

    async def pause(self, programme_id: str, command: Pause) -> ProgrammeView:
        self.calls += 1
        p = Programme()
        return view_of(p.state, day(1))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys.db", secrets.token_bytes(32))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(
    tmp_path: Path, keyring: Keyring, clock: Clock
) -> Iterator[tuple[TestClient, FakeProgrammes]]:
    fake = FakeProgrammes()
    store = IdempotencyStore(tmp_path / "idempotency.db", keyring, ttl=3600, clock=clock)
    app = create_app(fake, TOKENS, store)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, fake
    store.close()


def post(client: TestClient, token: str, key: str, path: str = "objectives") -> Any:
    return client.post(
        f"/v1/programmes/{PID}/{path}",
        json=OBJECTIVES if path == "objectives" else {"reason": "leave"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )


def test_another_callers_key_is_their_own_fresh_request(
    api: tuple[TestClient, FakeProgrammes],
) -> None:
    client, fake = api
    first = post(client, "tok-a", "k-1")
    again = post(client, "tok-a", "k-1")
    assert (first.status_code, again.status_code, fake.calls) == (200, 200, 1)
    assert first.json() == again.json()

    # Integrator B sends A's key with the same body: handled for B, not A's answer, no 409.
    other = post(client, "tok-b", "k-1")
    assert other.status_code == 200
    assert fake.calls == 2
    # A's key with another body: no 409 for B, who learns nothing of A's key.
    another = client.post(
        f"/v1/programmes/{PID}/objectives",
        json={"short_term": ["x"], "long_term": ["y"]},
        headers={"Authorization": "Bearer tok-a2", "Idempotency-Key": "k-1"},
    )
    assert another.status_code == 200, another.text
    assert fake.calls == 3
    # While A's own reuse of the key with another body is still refused.
    conflict = client.post(
        f"/v1/programmes/{PID}/objectives",
        json={"short_term": ["x"], "long_term": ["y"]},
        headers={"Authorization": "Bearer tok-a", "Idempotency-Key": "k-1"},
    )
    assert conflict.status_code == 409


def test_answers_expire(api: tuple[TestClient, FakeProgrammes], clock: Clock) -> None:
    client, fake = api
    post(client, "tok-a", "k-1")
    clock.now += 3599
    post(client, "tok-a", "k-1")
    assert fake.calls == 1, "within the time to live: the first answer"
    clock.now += 2
    post(client, "tok-a", "k-1")
    assert fake.calls == 2, "expired: handled again"


def test_an_unexpected_failure_frees_the_key(api: tuple[TestClient, FakeProgrammes]) -> None:
    client, fake = api
    fake.fail_next = True
    failed = post(client, "tok-a", "k-1")
    assert failed.status_code == 500
    retried = post(client, "tok-a", "k-1")
    assert retried.status_code == 200, retried.text  # not 409 "still in progress"
    assert fake.calls == 2


def test_the_integrator_gets_a_receipt_read_roles_the_view(
    api: tuple[TestClient, FakeProgrammes],
) -> None:
    client, _ = api
    receipt = post(client, "tok-a", "k-1")
    assert receipt.json() == {
        "programme_id": "prog-1",
        "status": "running",
        "stage": "assessment",
        "key": "k-1",
    }
    for personal in (EMPLOYEE.name, EMPLOYEE.email, "Use the CRM daily"):
        assert personal not in receipt.text
    viewed = post(client, "tok-ops", "k-9", "pause")
    assert viewed.json()["employee"]["email"] == EMPLOYEE.email


def test_stored_answers_are_sealed_for_the_employee_and_shredded_with_them(
    tmp_path: Path, api: tuple[TestClient, FakeProgrammes], keyring: Keyring
) -> None:
    client, fake = api
    post(client, "tok-ops", "k-1", "pause")  # the full view, name and email in it
    db = tmp_path / "idempotency.db"
    files = [p for p in tmp_path.iterdir() if p.name.startswith("idempotency.db")]
    raw = b"".join(p.read_bytes() for p in files)
    for personal in (EMPLOYEE.name, EMPLOYEE.email, "tok-ops", "k-1"):
        assert personal.encode() not in raw, personal
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert db.exists()

    keyring.erase("emp-1")
    again = post(client, "tok-ops", "k-1", "pause")
    assert again.status_code == 200
    assert fake.calls == 2, "the stored answer went with the key: handled afresh"
    assert json.loads(again.text)["programme_id"] == "prog-1"
