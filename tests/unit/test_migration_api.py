"""``POST /v1/migrations`` is for ops, and refuses a request it cannot resolve before
asking Temporal anything (the dev-server test, tests/integration/test_migration.py, moves
real programmes)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from adapters.payloads.encryption import data_converter
from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http.app import create_app
from tests.support import temporary_keyring


@pytest.fixture
def api(tmp_path: Path) -> TestClient:
    temporal = SimpleNamespace(data_converter=data_converter(temporary_keyring(tmp_path)))
    app = create_app(
        ProgrammeClient(temporal),  # type: ignore[arg-type]
        {"ops-token": ApiRole.ops, "platform-token": ApiRole.platform},
        IdempotencyStore(tmp_path / "answers.db"),
    )
    return TestClient(app)


def post(api: TestClient, body: dict[str, object], token: str = "ops-token") -> tuple[int, str]:
    answer = api.post("/v1/migrations", json=body, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.text


def test_only_ops_may_migrate(api: TestClient) -> None:
    status, _ = post(api, {"to": "executive-6m@1", "reason": "x"}, token="platform-token")
    assert status == 403


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"reason": "x"}, "give one of to"),
        ({"to": "executive-6m@9", "reason": "x"}, "shipped at version 1, not '9'"),
        ({"to": "nothing@1", "reason": "x"}, "not a shipped template"),
        ({"to": "../../etc/x.yaml", "reason": "x"}, "not a path"),
        ({"to": "executive-6m@1", "reason": ""}, "reason"),
        ({"to": "executive-6m@1", "reason": "x", "limit": 5000}, "limit"),
        ({"to": "executive-6m@1", "reason": "x", "where": "a" * 1001}, "where"),
    ],
)
def test_a_request_that_cannot_be_resolved_is_refused_saying_why(
    api: TestClient, body: dict[str, object], says: str
) -> None:
    status, text = post(api, body)
    assert 400 <= status < 500
    assert says in text
