"""What the routes take from the app and the request: the client, the Idempotency-Key,
a shipped template."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from domain.errors import TemplateError
from domain.template import Template
from gateway import catalogue
from gateway.client import ProgrammeClient
from gateway.http.errors import ApiError


def _programmes(request: Request) -> ProgrammeClient:
    client: ProgrammeClient = request.app.state.client
    return client


Programmes = Annotated[ProgrammeClient, Depends(_programmes)]

IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]
"""As the domain's commands take it: an empty key is refused here, not half-way through."""


def shipped_template(template_id: str, request: Request) -> Template:
    """Only shipped templates, or the company's (``PARCOURS_TEMPLATES_DIR``), over HTTP, by
    id: a path from a request must never be read."""
    try:
        return catalogue.shipped_template(template_id, request.app.state.templates_dir)
    except TemplateError as exc:
        raise ApiError(422, "invalid", str(exc), "template_id") from exc
