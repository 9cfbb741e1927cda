"""Helpers for the fault tests: parcours as separate processes, around a dev server that
can be stopped and started again on its SQLite file.

``Stack`` is e2e's ``Cluster`` (a ``parcours worker`` and a ``parcours api``, each
its own process, the environment that points them at Temporal) with what the
fault tests add: the dev server as a ``DevServer`` on a fixed port and data dir,
so it can be stopped and started again on the same database file; SIGKILL for
any process; and a wait for the API to answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import parse_master_key
from adapters.temporal.dev_server import DevServer
from bench.environment import cpu_seconds as bench_cpu_seconds
from tests.e2e.conftest import PARCOURS
from tests.e2e.test_api import TOKENS, Cluster
from tests.support import free_port

T = TypeVar("T")

__all__ = ["PARCOURS", "TOKENS", "Stack", "cpu_seconds", "running_stack", "until"]


@dataclass
class Stack(Cluster):
    """A dev server on ``<root>/temporal/temporal.db``, and parcours processes around it."""

    task_queue: str = "parcours"
    server: DevServer | None = None
    more_env: dict[str, str] = field(default_factory=dict)
    """Settings of the drill's own (channels, an SMTP server) for every process."""

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "PARCOURS_TASK_QUEUE": self.task_queue, **self.more_env}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    def keyring(self) -> Keyring:
        """The key store the stack's processes share, for a client in the test."""
        return Keyring(self.root / "data" / "keys.db", parse_master_key(self.master_key))

    @property
    def temporal(self) -> DevServer:
        assert self.server is not None
        return self.server

    def start_api(self) -> None:
        self.spawn("api", str(PARCOURS), "api", "--port", str(self.api_port))

    def kill(self, name: str) -> None:
        """SIGKILL: no drain, no goodbye; what a crash or the OOM killer does."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def alive(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    async def wait_for_api(self, within: float = 60.0) -> None:
        """Until ``/healthz`` answers 200 (the API is up and reaches Temporal)."""

        async def healthy() -> bool | None:
            try:
                async with httpx.AsyncClient(base_url=self.api_url, timeout=5) as client:
                    return (await client.get("/healthz")).status_code == 200 or None
            except httpx.TransportError:
                return None

        await until(healthy, within, f"the API to answer; see {self.root}/api.log")

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKENS[role]}"}


@contextlib.asynccontextmanager
async def running_stack(
    root: Path,
    *,
    task_queue: str = "parcours",
    api: bool = True,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Stack]:
    """A dev server, a worker process and (``api``) an API process, with ``env`` added
    to their settings; all stopped after."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    stack = Stack(root, free_port(), free_port(), task_queue=task_queue, more_env=env or {})
    stack.server = DevServer(root / "temporal", port=stack.temporal_port, headless=True)
    await stack.server.start()
    try:
        stack.start_worker()
        if api:
            stack.start_api()
            await stack.wait_for_api()
        yield stack
    finally:
        for name in list(stack.processes):
            with contextlib.suppress(Exception):
                stack.stop(name)
        await stack.temporal.stop()


async def until(check: Callable[[], Awaitable[T | None]], within: float, what: str) -> T:
    """Poll ``check`` until it gives something other than None; fail after ``within`` s."""
    deadline = time.monotonic() + within
    delay = 0.05
    while True:
        found = await check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within:g} s for {what}")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) a live process has used so far; None where unknown."""
    if pid is None:
        return None
    try:
        return round(bench_cpu_seconds(pid), 1)
    except (OSError, IndexError):
        return None
