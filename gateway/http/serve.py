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
from starlette.applications import Starlette

from adapters.payloads.encryption import keyring_of
from bootstrap.stores import idempotency_store
from config import Settings
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http.app import create_app
from gateway.http.limits import RequestLimits

TOKENS_FILE = "api-tokens"


def app_for(
    client: ProgrammeClient, settings: Settings, *, codec_secret: str | None = None
) -> FastAPI:
    """The API app with the settings' tokens and an idempotency store in the data dir;
    ``codec_secret`` opens the loopback codec door (``gateway.http.codec``)."""
    return create_app(
        client,
        settings.api_tokens,
        idempotency_store(settings, keyring_of(client.temporal.data_converter)),
        cors_origins=settings.codec_cors_origins,
        codec_secret=codec_secret,
        cohort_tokens=settings.api_token_cohorts,
        templates_dir=settings.templates_dir,
        limits=RequestLimits(
            per_token=settings.rate_limit,
            per_programme=settings.programme_rate_limit,
            max_body_bytes=settings.max_body_bytes,
        ),
    )


def ensure_token_file(data_dir: Path) -> tuple[str, Path]:
    """One token per role in a file only its owner can read; made once, then reused.

    Returns the tokens as ``PARCOURS_API_TOKENS`` would give them, and the file."""
    path = data_dir / TOKENS_FILE
    if not path.exists():
        # A cohort reader's token names its cohorts: given in PARCOURS_API_TOKENS, not made.
        lines = [
            f"{role.value}:{secrets.token_urlsafe(24)}"
            for role in ApiRole
            if role is not ApiRole.cohort
        ]
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return ",".join(path.read_text().split()), path


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: parcours stops it, in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve(
    app: Starlette,
    host: str,
    port: int,
    stop: asyncio.Event,
    listening: asyncio.Event | None = None,
) -> None:
    """Serve ``app`` until ``stop`` is set; ``listening`` is set once it accepts connections."""
    server = _Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve())
    if listening is not None:
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has a flag only
            await asyncio.sleep(0.02)
        listening.set()
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await serving
    stopping.cancel()
