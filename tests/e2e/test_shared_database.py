"""Past one host: a worker and an API with data dirs of their own, sharing one
``PARCOURS_DATABASE_URL`` and master key, as on two machines with no shared volume.

A manager set through the API is the one the worker emails an escalation to (the people
directory is in PostgreSQL, not in either data dir); the employee, erased through the
API, is unreadable to the API and to a CLI on a third data dir alike.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from tests.e2e.conftest import PARCOURS
from tests.integration.production import Inbox, smtp_server
from tests.support import free_port

ESCALATE = Path(__file__).parent / "escalate.yaml"
TOKENS = {"platform": "tok-platform", "ops": "tok-ops"}


def _wait(what: str, done: Callable[[], bool], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.3)


def test_a_worker_and_an_api_on_two_data_dirs_share_one_database(
    postgres_url: str, tmp_path: Path
) -> None:
    temporal_port, api_port = free_port(), free_port()
    inbox = Inbox()
    employee, manager = f"E{uuid.uuid4().hex[:6]}", f"M{uuid.uuid4().hex[:6]}"
    processes: list[subprocess.Popen[bytes]] = []
    with smtp_server(inbox) as smtp_port:
        shared = {
            **os.environ,
            "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
            "PARCOURS_MASTER_KEY": generate_master_key(),
            "PARCOURS_DATABASE_URL": postgres_url,
            "PARCOURS_API_TOKENS": ",".join(f"{r}:{t}" for r, t in TOKENS.items()),
            "PARCOURS_NOTIFIERS": "outbox,smtp",
            "PARCOURS_SMTP_HOST": "127.0.0.1",
            "PARCOURS_SMTP_PORT": str(smtp_port),
            "PARCOURS_SMTP_FROM": "parcours <noreply@example.com>",
            "PARCOURS_SMTP_TLS": "none",
            "NO_COLOR": "1",
        }

        def env(data_dir: str) -> dict[str, str]:
            (tmp_path / data_dir).mkdir(exist_ok=True)
            return {**shared, "PARCOURS_DATA_DIR": str(tmp_path / data_dir)}

        def spawn(name: str, *command: str) -> None:
            log = open(tmp_path / f"{name}.log", "ab")  # noqa: SIM115
            processes.append(
                subprocess.Popen(list(command), env=env(name), stdout=log, stderr=subprocess.STDOUT)
            )

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(PARCOURS), *args], env=env("cli"), capture_output=True, text=True, timeout=120
            )

        (tmp_path / "temporal").mkdir()
        spawn(
            "temporal",
            *DevServer(tmp_path / "temporal", port=temporal_port, headless=True).command(),
        )
        spawn("api", str(PARCOURS), "api", "--port", str(api_port))
        base = f"http://127.0.0.1:{api_port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        try:
            _wait("the API answering", healthy, timeout=20)
            spawn("worker", str(PARCOURS), "worker")
            platform = {"Authorization": f"Bearer {TOKENS['platform']}"}
            ops = {"Authorization": f"Bearer {TOKENS['ops']}"}
            grace = {"name": "Grace Hopper", "email": "grace@example.com"}
            saved = httpx.put(f"{base}/v1/people/{manager}", json=grace, headers=platform)
            assert saved.status_code == 200, saved.text

            launched = cli(
                *("launch", "--employee", employee, "--name", "Ada Lovelace"),
                *("--email", "ada@example.com", "--template", str(ESCALATE)),
                *("--manager", manager),
            )
            assert launched.returncode == 0, launched.stderr
            programme_id = launched.stdout.strip().splitlines()[-1]
            assert programme_id.endswith(employee)

            # The worker found the manager in PostgreSQL: the API's data dir is not its own.
            _wait("the escalation to the manager", lambda: bool(inbox.messages))
            envelope, message = inbox.messages[0]
            assert envelope.rcpt_tos == ["grace@example.com"]
            assert message["To"] == "Grace Hopper <grace@example.com>"

            read = httpx.get(f"{base}/v1/programmes/{programme_id}", headers=ops)
            assert read.status_code == 200, read.text
            assert read.json()["employee"]["name"] == "Ada Lovelace"
            erased = httpx.post(
                f"{base}/v1/employees/{employee}/erase",
                json={"reason": "asked to be forgotten"},
                headers=ops,
                timeout=120,
            )
            assert erased.status_code == 200, erased.text
            gone = httpx.get(f"{base}/v1/programmes/{programme_id}", headers=ops)
            assert gone.status_code == 410, gone.text
            shown = cli("show", programme_id, "--json")
            assert "Ada Lovelace" not in shown.stdout + shown.stderr
            assert '"erased": true' in shown.stdout, shown.stderr
        finally:
            for process in reversed(processes):
                process.terminate()
                process.wait(timeout=30)
    for data_dir in ("api", "worker", "cli"):
        kept = {p.name for p in (tmp_path / data_dir).iterdir()}
        assert not kept & {"keys.db", "people.db", "idempotency.db", "sent"}, (data_dir, kept)
