"""Serving the HTTP API: tokens, and uvicorn inside parcours' own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import Generator
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from gateway.api import Role, parse_tokens

TOKENS_FILE = "api-tokens"


def tokens_from_env() -> dict[str, Role] | None:
    text = os.environ.get("PARCOURS_API_TOKENS")
    return parse_tokens(text) if text else None


def ensure_token_file(data_dir: Path) -> tuple[dict[str, Role], Path]:
    """One token per role in a file only its owner can read; made once, then reused."""
    path = data_dir / TOKENS_FILE
    if not path.exists():
        lines = [f"{role.value}:{secrets.token_urlsafe(24)}" for role in Role]
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return parse_tokens(",".join(path.read_text().split())), path


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: parcours stops it, in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve(app: FastAPI, host: str, port: int, stop: asyncio.Event) -> None:
    server = _Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await serving
    stopping.cancel()
