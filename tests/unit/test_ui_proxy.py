"""What the read-only proxy in front of ``parcours up``'s Web UI lets through."""

from __future__ import annotations

import json

import httpx
import pytest

from gateway.http.ui_proxy import _headers, _read_only_settings, allowed

WORKFLOW = "/api/v1/namespaces/default/workflows/change-adoption-3m.E1"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reads_pass(method: str) -> None:
    assert allowed(method, WORKFLOW)
    assert allowed(method, "/")


def test_a_query_passes_as_a_post() -> None:
    assert allowed("POST", f"{WORKFLOW}/query/__stack_trace")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{WORKFLOW}/terminate"),
        ("POST", f"{WORKFLOW}/cancel"),
        ("POST", f"{WORKFLOW}/signal/give_feedback"),
        ("POST", f"{WORKFLOW}/update/pause"),
        ("POST", f"{WORKFLOW}/reset"),
        ("POST", WORKFLOW),  # starts a workflow
        ("POST", "/api/v1/namespaces/default/workflows/batch"),
        ("DELETE", WORKFLOW),
        ("PUT", WORKFLOW),
        ("PATCH", WORKFLOW),
        ("OPTIONS", WORKFLOW),
        # a query path that climbs back to the workflow's own (a start, once cleaned)
        ("POST", f"{WORKFLOW}/query/.."),
        ("POST", f"{WORKFLOW}/query/."),
        ("POST", f"{WORKFLOW}/query/..\\terminate"),
    ],
)
def test_writes_are_refused(method: str, path: str) -> None:
    assert not allowed(method, path)


def test_the_settings_turn_every_write_action_off() -> None:
    given = {
        "DisableWriteActions": False,
        "WorkflowTerminateDisabled": False,
        "WorkflowSignalDisabled": False,
        "StartWorkflowDisabled": False,
        "RefreshWorkflowCountsDisabled": False,
        "Version": "2.54.1",
    }
    shown = json.loads(_read_only_settings(json.dumps(given).encode()))
    assert shown["DisableWriteActions"] is True
    assert shown["WorkflowTerminateDisabled"] is True
    assert shown["WorkflowSignalDisabled"] is True
    assert shown["StartWorkflowDisabled"] is True
    assert shown["RefreshWorkflowCountsDisabled"] is False  # a read, left as it was
    assert _read_only_settings(b"not json") == b"not json"


def test_headers_keep_each_cookie_and_drop_hop_by_hop_ones() -> None:
    headers = httpx.Headers(
        [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Connection", "close"),
         ("Content-Length", "3"), ("Content-Type", "application/json")]
    )  # fmt: skip
    kept = [(name.lower(), value) for name, value in _headers(headers)]
    assert kept == [
        ("set-cookie", "a=1"),
        ("set-cookie", "b=2"),
        ("content-type", "application/json"),
    ]
