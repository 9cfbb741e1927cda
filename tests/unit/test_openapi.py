"""The OpenAPI document generates a good client: every operation has a stable id chosen by
hand, in the domain's words (``launchProgramme``, ``giveFeedback``), never FastAPI's
``launch_v1_programmes_post``. tests/e2e/test_api.py generates a client and drives it."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fastapi.routing import APIRoute

from adapters.payloads.encryption import data_converter
from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http.app import create_app
from tests.support import temporary_keyring

CAMEL_VERB = re.compile(r"^[a-z]+(?:[A-Z][a-z]+)+$")
"""A verb, then what it acts on: ``getProgramme``, ``listProgrammeEvents``."""


def _app(tmp_path: Path) -> Any:
    temporal = SimpleNamespace(data_converter=data_converter(temporary_keyring(tmp_path)))
    return create_app(
        ProgrammeClient(temporal),  # type: ignore[arg-type]
        {"t": ApiRole.ops},
        IdempotencyStore(tmp_path / "answers.db"),
    )


def _operations(document: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [
        (method.upper(), path, operation.get("operationId"))
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_route_has_a_hand_chosen_operation_id(tmp_path: Path) -> None:
    app = _app(tmp_path)
    unnamed = [
        f"{sorted(route.methods)} {route.path}"
        for route in app.routes
        if isinstance(route, APIRoute) and route.include_in_schema and not route.operation_id
    ]
    assert not unnamed, f"give these routes an operation_id=: {unnamed}"


def test_operation_ids_are_unique_camel_case_verbs(tmp_path: Path) -> None:
    operations = _operations(_app(tmp_path).openapi())
    assert len(operations) >= 20
    ids = [operation_id for _, _, operation_id in operations]
    assert None not in ids
    assert len(set(ids)) == len(ids), sorted(ids)
    for method, path, operation_id in operations:
        assert operation_id is not None
        assert "_v1_" not in operation_id, (method, path)
        assert CAMEL_VERB.match(operation_id), (method, path, operation_id)
    by_route = {(method, path): operation_id for method, path, operation_id in operations}
    assert by_route["POST", "/v1/programmes"] == "launchProgramme"
    assert by_route["GET", "/v1/programmes"] == "listProgrammes"
    assert by_route["GET", "/v1/programmes/{programme_id}"] == "getProgramme"
    assert by_route["POST", "/v1/programmes/{programme_id}/feedback"] == "giveFeedback"
    assert by_route["POST", "/v1/programmes/{programme_id}/advance"] == "advanceStage"
    assert by_route["POST", "/v1/cohorts"] == "launchCohort"
