"""The Web UI of ``parcours up`` reads, and writes nothing: over HTTP, as a browser sends it.

Each write is sent the way the UI itself would, with its CSRF cookie and header, so that
what refuses it is the read-only proxy and not a missing token.
"""

from __future__ import annotations

import json

import httpx

from tests.e2e.conftest import QUICK, Parcours

PLAIN = {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "e30="}
"""``json/plain`` ``{}``: what the UI sends when someone types a signal's input."""


def _launch(parcours: Parcours) -> str:
    launch = [
        "launch", "--employee", "E78", "--name", "Ines Varga", "--email", "ines@example.com",
        "--template", str(QUICK), "--coach", "C1", "--manager", "M1",
    ]  # fmt: skip
    return parcours.cli(*launch).stdout.strip()


def test_the_web_ui_refuses_terminate_and_signal_and_says_it_is_read_only(
    parcours: Parcours,
) -> None:
    parcours.start()
    programme_id = _launch(parcours)
    base = f"http://127.0.0.1:{parcours.ui_port}"
    workflow = f"/api/v1/namespaces/default/workflows/{programme_id}"
    with httpx.Client(base_url=base, timeout=30) as ui:
        assert ui.get("/").status_code == 200  # the UI's page itself
        settings = ui.get("/api/v1/settings")
        assert settings.status_code == 200
        shown = settings.json()
        assert shown["DisableWriteActions"] is True
        assert shown["WorkflowTerminateDisabled"] is True
        assert shown["WorkflowSignalDisabled"] is True
        described = ui.get(workflow)  # a read passes
        assert described.status_code == 200, described.text
        assert described.json()["workflowExecutionInfo"]["execution"]["workflowId"] == (
            programme_id
        )
        csrf = ui.cookies.get("_csrf")
        assert csrf, "the UI server set no CSRF cookie"
        writes = {
            "terminate": (f"{workflow}/terminate", {"reason": "from the UI"}),
            "cancel": (f"{workflow}/cancel", {}),
            "signal": (f"{workflow}/signal/give_feedback", {"input": {"payloads": [PLAIN]}}),
            "reset": (f"{workflow}/reset", {"reason": "from the UI"}),
        }
        for name, (path, body) in writes.items():
            refused = ui.post(path, json=body, headers={"X-CSRF-TOKEN": csrf})
            assert refused.status_code == 403, (name, refused.status_code, refused.text)
            assert refused.json()["error"] == "read_only", name
        deleted = ui.delete(workflow, headers={"X-CSRF-TOKEN": csrf})
        assert deleted.status_code == 403
        # A query changes nothing, and the UI's Queries tab sends it as a POST: it passes.
        queried = ui.post(
            f"{workflow}/query/__stack_trace",
            json={"query": {"queryType": "__stack_trace"}},
            headers={"X-CSRF-TOKEN": csrf},
        )
        assert queried.status_code != 403, queried.text
    shown_programme = json.loads(parcours.cli("show", programme_id, "--json").stdout)
    assert shown_programme["status"] == "running", shown_programme
