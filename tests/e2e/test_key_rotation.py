"""Rotating the master key under a running ``parcours up``: no restart.

The rotation runs in another process (``parcours keys rotate-master``), as an operator
runs it; ``up``'s API and worker, which started on the old key, read their key file again
when they find the store rotated under them: new employees get keys wrapped under the new
master key, and what was written before still reads.
"""

from __future__ import annotations

from typing import Any

import httpx

from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import generate_master_key, parse_master_key
from tests.e2e.conftest import Parcours


def _tokens(parcours: Parcours) -> dict[str, str]:
    lines = (parcours.data_dir / "api-tokens").read_text().split()
    return dict(line.split(":", 1) for line in lines)


def _launch(api: httpx.Client, employee: str) -> httpx.Response:
    body: dict[str, Any] = {
        "employee": {"id": employee, "name": f"Name of {employee}", "email": f"{employee}@x.io"},
        "template_id": "change-adoption-3m",
    }
    return api.post("/v1/programmes", json=body)


def _named(ops: httpx.Client, programme_id: str) -> str:
    answer = ops.get(f"/v1/programmes/{programme_id}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["employee"]["name"])


def test_a_running_up_takes_the_rotated_master_key_without_a_restart(
    parcours: Parcours,
) -> None:
    parcours.start()
    tokens = _tokens(parcours)
    key_file = parcours.data_dir / "master.key"
    old = parse_master_key(key_file.read_text())
    api_url = f"http://127.0.0.1:{parcours.api_port}"
    platform = {"Authorization": f"Bearer {tokens['platform']}"}
    reader = {"Authorization": f"Bearer {tokens['ops']}"}
    with (
        httpx.Client(base_url=api_url, headers=platform, timeout=60) as api,
        httpx.Client(base_url=api_url, headers=reader, timeout=60) as ops,
    ):
        before = _launch(api, "E1")
        assert before.status_code == 201, before.text
        first = before.json()["programme_id"]
        assert _named(ops, first) == "Name of E1"

        new_file = parcours.data_dir.parent / "new.key"
        new_file.write_text(generate_master_key() + "\n")
        rotated = parcours.cli("keys", "rotate-master", "--new-key-file", str(new_file))
        assert "rewrapped" in rotated.stdout
        new = parse_master_key(new_file.read_text())
        assert parse_master_key(key_file.read_text()) == new

        # The same processes: a new employee's key is made, under the new master key...
        after = _launch(api, "E2")
        assert after.status_code == 201, after.text
        second = after.json()["programme_id"]
        assert _named(ops, second) == "Name of E2"  # the worker opened its input
        # ...and what was written under the old one still reads.
        assert _named(ops, first) == "Name of E1"
    keys = Keyring(parcours.data_dir / "keys.db", new)
    try:
        key_id, _ = keys.key_for("E2")
        assert key_id.startswith("k-")
    finally:
        keys.close()
    assert old != new
