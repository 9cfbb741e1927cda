"""The API under measurement, served as ``parcours api`` serves it, and a lean client.

The app is ``gateway.http.serve.app_for`` served by ``gateway.http.serve.serve`` (the
real uvicorn server) on loopback, in the bench driver's event loop. Requests go one
at a time over one kept-alive HTTP/1.1 connection from a client of a few lines, so
the time measured is the server's (uvicorn, FastAPI, the route, the client calls it
makes) and not a general-purpose HTTP client's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.temporal.dev_server import free_port
from config.loading import load_settings
from gateway.client import ProgrammeClient
from gateway.http import serve

PLATFORM_TOKEN = "bench-platform"
INTEGRATOR_TOKEN = "bench-integrator"
TOKENS = {PLATFORM_TOKEN: "platform", INTEGRATOR_TOKEN: "integrator"}
SHUTDOWN = 10.0
"""Seconds the API gets to stop before its task is cancelled."""
IDLE = 3.0
"""Seconds a connection may sit idle before it is opened anew: uvicorn closes one left
idle for its keep-alive timeout (5 s)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Http:
    """HTTP/1.1 over one kept-alive connection; one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()
        self._used = 0.0

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if time.monotonic() - self._used > IDLE:
            await self.close()
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Authorization: Bearer {token}",
            f"Content-Length: {len(payload)}",
        ]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        async with self._lock:
            try:
                return await self._exchange(head + payload)
            except BaseException:
                await self.close()  # cancelled or broken mid-request: never reuse it
                raise

    async def _exchange(self, request: bytes) -> Response:
        reader, writer = await self._connection()
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("the API closed the connection")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        body = await reader.readexactly(length)
        self._used = time.monotonic()
        return Response(status, body)

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


@contextlib.asynccontextmanager
async def api_server(programmes: ProgrammeClient, data_dir: Path) -> AsyncIterator[Http]:
    """The API on a free loopback port, until the block ends; yields a client for it."""
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    # The limiter stays in the path, with limits the bench's one-at-a-time requests (about
    # 150 a second to a few programmes) never reach: its cost is measured, not its refusals.
    settings = load_settings(
        data_dir=data_dir,
        api_tokens=TOKENS,
        rate_limit="1000000/second",
        programme_rate_limit="1000000/second",
    )
    port = free_port()
    stop = asyncio.Event()
    serving = asyncio.create_task(
        serve.serve(serve.app_for(programmes, settings), "127.0.0.1", port, stop)
    )
    http = Http("127.0.0.1", port)
    try:
        for _ in range(200):  # until uvicorn listens
            try:
                answer = await http.request("GET", "/healthz", token=PLATFORM_TOKEN)
            except OSError:
                await http.close()
                await asyncio.sleep(0.05)
                continue
            if answer.status == 200:
                break
        else:
            raise RuntimeError("the API did not answer /healthz")
        yield http
    finally:
        await http.close()
        stop.set()
        # uvicorn waits for requests in flight; one stuck for ever (a history replay that
        # never ends, see bench/README.md) must not keep the bench from ending.
        done, _ = await asyncio.wait({serving}, timeout=SHUTDOWN)
        if not done:
            serving.cancel()
