"""The HTTP API app, for the platform, integrators and ops. Its reference, ``/docs``
(Swagger UI) and ``/redoc``, is served whole by the app, scripts and styles included.

Every error has one shape, ``{"error": {"code", "message", "field"?}}``: 401/403
for tokens and roles, 404 for an unknown programme, 409 for a refused command or
a reused Idempotency-Key, 422 naming the field and the rule, 503 when Temporal
cannot be reached, 410 for a programme whose personal data was erased. Never a
stack trace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict

from adapters.stores.idempotency import IdempotencyStore
from config import UI_ORIGINS
from config.tokens import ApiRole
from gateway.client import ProgrammeClient
from gateway.http import (
    calendars,
    codec,
    cohorts,
    commands,
    errors,
    facts,
    migrations,
    people,
    personal_data,
    programmes,
    reports,
    templates,
)
from gateway.http.dependencies import Programmes
from gateway.http.limits import Limited, ProgrammeWrites, RequestLimits


class Health(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str
    temporal: str


def create_app(
    client: ProgrammeClient,
    tokens: Mapping[str, ApiRole],
    store: IdempotencyStore,
    cors_origins: Sequence[str] = UI_ORIGINS,
    codec_secret: str | None = None,
    limits: RequestLimits | None = None,
    cohort_tokens: Mapping[str, Sequence[str]] | None = None,
    templates_dir: Path | None = None,
) -> FastAPI:
    """The app; ``codec_secret`` opens ``/codec/local/<secret>/`` to loopback clients (the
    dev server's Web UI under ``parcours up``, which has no sign-in)."""
    # /docs and /redoc with Swagger UI's and ReDoc's files served from the fastapi-offline
    # package, not a CDN: they work on a machine with no Internet access.
    app = FastAPIOffline(
        title="parcours",
        version="1",
        description="Coaching and development programmes as durable workflows on Temporal.",
        responses=errors.ERRORS,
    )
    app.state.client = client
    app.state.tokens = dict(tokens)
    # A cohort reader's token -> the cohorts it may read (gateway.http.auth.cohorts_of).
    app.state.cohorts = {token: tuple(names) for token, names in (cohort_tokens or {}).items()}
    app.state.store = store
    app.state.codec_secret = codec_secret
    app.state.templates_dir = templates_dir
    app.add_middleware(
        codec.CodecCors,
        allow_origins=list(cors_origins),
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type", "X-Namespace", codec.PROGRAMME_HEADER],
        allow_credentials=True,
        max_age=600,
    )
    limits = limits or RequestLimits()
    app.state.programme_writes = ProgrammeWrites(limits)
    app.add_middleware(Limited, limits=limits)
    errors.install(app)

    @app.get(
        "/healthz",
        operation_id="checkHealth",
        tags=["ops"],
        response_model=Health,
        responses={503: {"model": Health, "description": "Temporal cannot be reached"}},
    )
    async def healthz(programmes: Programmes) -> JSONResponse:
        try:
            await asyncio.wait_for(programmes.temporal.service_client.check_health(), 5)
        except Exception:  # any failure to answer means unreachable
            return JSONResponse(
                Health(status="degraded", temporal="unreachable").model_dump(), status_code=503
            )
        return JSONResponse(Health(status="ok", temporal="reachable").model_dump())

    for router in (
        programmes.router,
        reports.router,
        cohorts.router,
        commands.router,
        facts.router,
        personal_data.router,
        people.router,
        codec.router,
        templates.router,
        calendars.router,
        migrations.router,
    ):
        app.include_router(router)
    return app
