"""The Web UI of ``parcours up``, read-only: a small proxy in front of the dev server's UI.

``temporal server start-dev`` (CLI 1.9.1) builds its UI server's configuration in code
(``internal/devserver/server.go``: host, port, codec, news feed), with no flag, file or
environment variable for the UI server's ``disableWriteActions``. Its UI has no sign-in,
so whoever opens it could terminate, signal, reset or start a workflow, around the API's
roles. ``up`` therefore starts that UI on a port of its own choosing and serves this proxy
on the UI port people open:

- reads pass: ``GET`` and ``HEAD``, and the ``POST`` of a workflow query, which the UI's
  *Queries* and stack-trace tabs use and which changes nothing (Temporal refuses a query
  handler that writes);
- every other method is refused with 403 before it reaches the UI server: terminate,
  cancel, signal, update, reset, start, batch and schedule operations, deletes;
- the UI's settings (``/api/v1/settings``) are answered with ``DisableWriteActions`` on,
  so the UI hides the buttons it could not use anyway.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Mapping

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

READS = frozenset({"GET", "HEAD"})
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
"""Every method is routed here, so that those refused get the proxy's 403, not a 405."""
QUERY = re.compile(r"^/api/v1/namespaces/[^/]+/workflows/[^/]+/query/[^/]+/?$")
"""A workflow query, the one read the UI sends as a POST."""
SETTINGS = "/api/v1/settings"
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",  # asked for as is: the body is passed on unchanged
        "content-encoding",
    }
)
STILL_ENABLED = frozenset({"RefreshWorkflowCountsDisabled"})
"""Settings named ``...Disabled`` that switch off a read, not a write: left as they are."""
UPSTREAM_TIMEOUT = 30.0
"""Seconds for the UI server to answer one request (its longest reads are list pages)."""


def allowed(method: str, path: str) -> bool:
    """Whether the proxy passes ``method`` on ``path``: reads only. A query's path may not
    climb out of itself (``query/..`` cleaned upstream would be the workflow's own path,
    whose POST starts one)."""
    if method in READS:
        return True
    segments = path.split("/")
    climbs = any(part in (".", "..") for part in segments) or "\\" in path
    return method == "POST" and not climbs and QUERY.match(path) is not None


def _headers(headers: httpx.Headers | Mapping[str, str]) -> list[tuple[str, str]]:
    """The end-to-end headers, each as often as it came (two ``Set-Cookie`` stay two)."""
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers.items()
    return [(name, value) for name, value in items if name.lower() not in HOP_BY_HOP]


def read_only_ui(upstream: str) -> Starlette:
    """The proxy to the UI server at ``upstream`` (``http://127.0.0.1:PORT``)."""
    client = httpx.AsyncClient(base_url=upstream, timeout=UPSTREAM_TIMEOUT)

    async def forward(request: Request) -> Response:
        path = request.url.path
        if not allowed(request.method, path):
            return JSONResponse(
                {
                    "error": "read_only",
                    "detail": f"the Web UI of `parcours up` is read-only: {request.method} "
                    f"{path} is refused; send commands through the parcours API or CLI",
                },
                status_code=403,
            )
        body = await request.body() if request.method == "POST" else None
        try:
            answer = await client.request(
                request.method,
                path,
                params=request.url.query,
                headers=_headers(request.headers),
                content=body,
            )
        except httpx.HTTPError:
            return JSONResponse(
                {"error": "unavailable", "detail": "the Temporal Web UI does not answer"},
                status_code=502,
            )
        content = answer.content
        if path == SETTINGS and answer.status_code == 200:
            content = _read_only_settings(content)
        response = Response(content, answer.status_code)
        response.raw_headers += [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in _headers(answer.headers)
        ]
        return response

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with client:
            yield

    return Starlette(routes=[Route("/{path:path}", forward, methods=METHODS)], lifespan=lifespan)


def _read_only_settings(content: bytes) -> bytes:
    """The UI server's settings with write actions off (the UI then hides their buttons)."""
    try:
        settings = json.loads(content)
    except ValueError:
        return content
    if isinstance(settings, dict):
        settings["DisableWriteActions"] = True
        for name in settings:  # terminate, cancel, signal, update, reset, pause, batch, start
            if name.endswith("Disabled") and name not in STILL_ENABLED:
                settings[name] = True
        return json.dumps(settings).encode()
    return content
