"""Page tokens are signed for their filters and role: a forged one never reaches Temporal."""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.payloads.encryption import data_converter
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import generate_master_key
from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from gateway.client import InvalidRequest, ProgrammeClient, pages
from gateway.http.app import create_app

QUERY = "CohortId = 'K1'"


def test_a_token_opens_for_its_query_and_scope_only() -> None:
    key = b"k" * 32
    given = pages.sign(key, "ops", QUERY, b"temporal-token")
    assert pages.verify(key, "ops", QUERY, given) == b"temporal-token"
    for scope, query, token, with_key in (
        ("platform", QUERY, given, key),
        ("ops", "CohortId = 'K2'", given, key),
        ("ops", QUERY, given, b"o" * 32),
        ("ops", QUERY, base64.urlsafe_b64encode(b"temporal-token").decode(), key),
        ("ops", QUERY, "Zm9v", key),
        ("ops", QUERY, "%%%", key),
    ):
        with pytest.raises(InvalidRequest, match="page_token: not a token this API gave out"):
            pages.verify(with_key, scope, query, token)


def test_the_key_comes_from_the_master_key(tmp_path: Path) -> None:
    master = base64.b64decode(generate_master_key())
    one = Keyring(tmp_path / "a.db", master)
    other = Keyring(tmp_path / "b.db", master)
    assert one.derive_key(pages.LABEL) == other.derive_key(pages.LABEL)  # every replica
    assert one.derive_key(pages.LABEL) != one.derive_key("another purpose")
    assert one.derive_key(pages.LABEL) != master


class NoTemporal(SimpleNamespace):
    def list_workflows(self, *args: Any, **kwargs: Any) -> Any:
        self.asked += 1
        raise AssertionError("a forged page token reached Temporal")


def test_a_forged_token_is_422_and_never_reaches_temporal(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "keys.db", base64.b64decode(generate_master_key()))
    temporal = NoTemporal(data_converter=data_converter(keyring), asked=0)
    app = create_app(
        ProgrammeClient(temporal),  # type: ignore[arg-type]
        {"ops-token": ApiRole.ops},
        IdempotencyStore(tmp_path / "answers.db"),
    )
    with TestClient(app, headers={"Authorization": "Bearer ops-token"}) as api:
        for token in ("Zm9v", base64.urlsafe_b64encode(b"\x01" + b"0" * 40).decode()):
            answer = api.get("/v1/programmes", params={"cohort": "K1", "page_token": token})
            assert answer.status_code == 422
            assert answer.json()["error"]["field"] == "page_token"
    assert temporal.asked == 0
