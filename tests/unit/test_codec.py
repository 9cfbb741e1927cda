"""The Web UI's codec endpoint: what it opens, for whom, and within which limits."""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from temporalio.api.common.v1 import Payload

from adapters.payloads.encryption import PROGRAMME, data_converter
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import generate_master_key
from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http import codec
from gateway.http.app import create_app
from gateway.http.limits import RequestLimits

OPS, PLATFORM, SECRET = "ops-token", "platform-token", "s3cret-path"
UI = "http://127.0.0.1:8233"
PID = "executive-6m.E123"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys.db", base64.b64decode(generate_master_key()))


def app_for(keyring: Keyring, tmp_path: Path) -> Any:
    temporal = SimpleNamespace(data_converter=data_converter(keyring))
    return create_app(
        ProgrammeClient(temporal),  # type: ignore[arg-type]
        {OPS: ApiRole.ops, PLATFORM: ApiRole.platform},
        IdempotencyStore(tmp_path / "answers.db"),
        cors_origins=[UI],
        codec_secret=SECRET,
    )


@pytest.fixture
def api(keyring: Keyring, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(app_for(keyring, tmp_path)) as client:
        yield client


@pytest.fixture
def local(keyring: Keyring, tmp_path: Path) -> Iterator[TestClient]:
    """As the browser on this machine calls it."""
    with TestClient(app_for(keyring, tmp_path), client=("127.0.0.1", 50000)) as client:
        yield client


def wire(payload: Payload) -> dict[str, Any]:
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


def unwire(given: dict[str, Any]) -> Payload:
    return Payload(
        metadata={k: base64.b64decode(v) for k, v in given["metadata"].items()},
        data=base64.b64decode(given["data"]),
    )


def plain(value: object) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(value).encode())


async def sealed(keyring: Keyring, payload: Payload, workflow_id: str = PID) -> Payload:
    codec_ = data_converter(keyring).payload_codec
    assert codec_ is not None
    [one] = await codec_.with_context(  # type: ignore[attr-defined]
        SimpleNamespace(workflow_id=workflow_id)
    ).encode([payload])
    return one  # type: ignore[no-any-return]


def error(response: Any) -> dict[str, Any]:
    return response.json()["error"]  # type: ignore[no-any-return]


async def test_the_local_door_decodes_for_the_ui_with_no_token(
    keyring: Keyring, local: TestClient
) -> None:
    inside = plain({"employee": {"name": "Alice Martin"}})
    body = {"payloads": [wire(await sealed(keyring, inside))]}
    answer = local.post(
        f"/codec/local/{SECRET}/decode", json=body, headers={"Origin": UI, "X-Namespace": "default"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == UI
    assert [unwire(p) for p in answer.json()["payloads"]] == [inside]
    # The UI's preflight, for the same path.
    preflight = local.options(
        f"/codec/local/{SECRET}/decode",
        headers={
            "Origin": UI,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == UI


async def test_the_local_door_is_closed_to_other_paths_and_other_hosts(
    keyring: Keyring, local: TestClient, api: TestClient
) -> None:
    body = {"payloads": [wire(await sealed(keyring, plain("x")))]}
    assert local.post("/codec/local/guessed/decode", json=body).status_code == 404
    assert local.post("/codec/local/guessed/encode", json=body).status_code == 404
    # The right path from another host (TestClient's default peer is not loopback).
    assert api.post(f"/codec/local/{SECRET}/decode", json=body).status_code == 404
    # The token door still wants the ops token.
    assert local.post("/codec/decode", json=body).status_code == 401
    platform = {"Authorization": f"Bearer {PLATFORM}"}
    assert local.post("/codec/decode", json=body, headers=platform).status_code == 403


async def test_no_secret_no_local_door(keyring: Keyring, tmp_path: Path) -> None:
    app = app_for(keyring, tmp_path)
    app.state.codec_secret = None
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        body = {"payloads": [wire(await sealed(keyring, plain("x")))]}
        assert client.post("/codec/local/None/decode", json=body).status_code == 404
        assert client.post("/codec/local//decode", json=body).status_code == 404


def test_an_unsealed_deflated_payload_is_not_inflated(api: TestClient) -> None:
    """The bomb of the issue: 261 KB of zlib that inflates to 268 MB, unencrypted."""
    bomb = Payload(
        metadata={"encoding": b"json/zlib"}, data=zlib.compress(b"0" * (256 * 1024 * 1024), 9)
    )
    assert len(bomb.data) < 300_000
    began = time.monotonic()
    answer = api.post(
        "/codec/decode",
        json={"payloads": [wire(bomb)]},
        headers={"Authorization": f"Bearer {OPS}"},
    )
    assert answer.status_code == 200
    assert [unwire(p) for p in answer.json()["payloads"]] == [bomb]  # as it came
    assert time.monotonic() - began < 2


async def test_a_sealed_bomb_is_refused_with_413(keyring: Keyring, api: TestClient) -> None:
    """Inside a seal, a deflated payload inflates only up to the output limit."""
    big = Payload(
        metadata={"encoding": b"json/zlib"},
        data=zlib.compress(b"0" * (codec.MAX_DECODED_BYTES + 1), 9),
    )
    answer = api.post(
        "/codec/decode",
        json={"payloads": [wire(await sealed(keyring, big))]},
        headers={"Authorization": f"Bearer {OPS}"},
    )
    assert answer.status_code == 413
    assert error(answer)["code"] == "too_large"
    assert error(answer)["field"] == "payloads.0"
    # Within the limit, a sealed deflated payload comes back as JSON.
    small = Payload(metadata={"encoding": b"json/zlib"}, data=zlib.compress(b'"hello"'))
    answer = api.post(
        "/codec/decode",
        json={"payloads": [wire(await sealed(keyring, small))]},
        headers={"Authorization": f"Bearer {OPS}"},
    )
    assert [unwire(p) for p in answer.json()["payloads"]] == [plain("hello")]


def test_too_many_payloads_and_too_large_a_body_are_413(api: TestClient) -> None:
    ops = {"Authorization": f"Bearer {OPS}"}
    many = {"payloads": [wire(plain(i)) for i in range(codec.MAX_PAYLOADS + 1)]}
    answer = api.post("/codec/decode", json=many, headers=ops)
    assert answer.status_code == 413
    assert error(answer) == {
        "code": "too_large",
        "message": f"payloads: {codec.MAX_PAYLOADS + 1} payloads; "
        f"a request may carry {codec.MAX_PAYLOADS} at most",
        "field": "payloads",
    }
    huge = b'{"payloads": [{"data": "' + b"A" * (RequestLimits().max_body_bytes + 1) + b'"}]}'
    answer = api.post(
        "/codec/decode", content=huge, headers={**ops, "Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert error(answer)["code"] == "too_large"
    assert api.post("/codec/decode", content=b"{", headers=ops).status_code == 422


async def test_encode_seals_for_the_programme_named_or_refuses(
    keyring: Keyring, api: TestClient, local: TestClient
) -> None:
    ops = {"Authorization": f"Bearer {OPS}", "X-Namespace": "default"}
    body = {"payloads": [wire(plain({"note": "typed in the UI"}))]}
    refused = api.post("/codec/encode", json=body, headers=ops)
    assert refused.status_code == 422
    assert error(refused)["field"] == codec.PROGRAMME_HEADER
    assert "system key" in error(refused)["message"]
    assert local.post(f"/codec/local/{SECRET}/encode", json=body).status_code == 422
    for not_one in ("nodot", "executive-6m.system", "executive-6m.a b", "Upper.E1"):
        named = {**ops, codec.PROGRAMME_HEADER: not_one}
        assert api.post("/codec/encode", json=body, headers=named).status_code == 422, not_one
    done = api.post("/codec/encode", json=body, headers={**ops, codec.PROGRAMME_HEADER: PID})
    assert done.status_code == 200
    [again] = [unwire(p) for p in done.json()["payloads"]]
    assert again.metadata[PROGRAMME] == PID.encode()
    assert again.metadata["encryption-key-id"].decode() == keyring.key_for("E123")[0]
    back = api.post("/codec/decode", json={"payloads": [wire(again)]}, headers=ops)
    assert back.json() == body
    keyring.erase("E123")
    gone = api.post("/codec/encode", json=body, headers={**ops, codec.PROGRAMME_HEADER: PID})
    assert gone.status_code == 410
