"""Bearer tokens, each with a role, and which roles may do what."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from config.tokens import ApiRole as Role
from gateway.http.errors import ApiError

READ = (Role.platform, Role.ops)
AGREEING = (Role.integrator,)
"""Objectives are agreed through the integrator that holds the coaching relationship."""
FACTS = (Role.integrator,)
EXPECTING = (Role.platform, Role.integrator)
"""Who passes on what the client (sponsor or employee) expects, and whether it was met:
the HR platform or a survey integrator; ops read, and do not speak for the client."""
PAUSING = (Role.integrator, Role.ops)
RESCHEDULING = (Role.platform, Role.integrator, Role.ops)
"""Who moves or cancels one session: the platform that agreed it with the people, a
calendar integration, ops."""
ENDING = (Role.platform, Role.ops)
ADVANCING = (Role.platform, Role.ops)
"""Who closes a stage whatever its gate says: a decision about the programme, not a fact."""
NOMINATING = (Role.platform, Role.ops)
"""Who nominates raters and reassigns a programme's people."""
PEOPLE = (Role.platform,)
"""Who keeps the people directory's contacts."""
COHORT_READ = (*READ, Role.cohort)
"""Who reads a cohort's report: a ``cohort`` token only for the cohorts it names, and
nothing else anywhere (every other route leaves the role out)."""

_bearer = HTTPBearer(
    auto_error=False,  # role_of answers, in the one error shape
    description="A token from PARCOURS_API_TOKENS; its role says what the caller may do.",
)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, normalised once (the
    scheme in any case, whitespace around either part dropped); None for any other.

    Everything that tells callers apart reads the token through here: auth, the rate
    per token and the scope of idempotency keys, so no spelling of one token counts as
    another caller."""
    parts = (authorization or "").split(None, 1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1].strip() or None


def role_of(request: Request) -> Role:
    """The role of the request's bearer token; 401 without a known one."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    tokens: dict[str, Role] = request.app.state.tokens
    for known, role in tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            return role
    raise ApiError(401, "unauthorized", "unknown token")


def cohorts_of(request: Request) -> tuple[str, ...]:
    """The cohorts a ``cohort`` token may read (its role is checked first)."""
    _, _, token = (request.headers.get("authorization") or "").partition(" ")
    cohorts: dict[str, tuple[str, ...]] = request.app.state.cohorts
    for known, names in cohorts.items():
        if hmac.compare_digest(known.encode(), token.strip().encode()):
            return names
    return ()


def allow(*roles: Role) -> Callable[..., Role]:
    """A dependency that lets only ``roles`` through (403 for the others)."""

    def check(
        request: Request,
        _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    ) -> Role:
        role = role_of(request)
        if role not in roles:
            raise ApiError(403, "forbidden", f"the {role} role may not do this")
        return role

    return check
