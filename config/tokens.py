"""The API's tokens and their roles: how ``PARCOURS_API_TOKENS`` is read.

``role:token`` entries, comma-separated; a cohort token names its cohorts too
(``cohort:token:c1+c2``). What each role may do is the HTTP API's (``gateway.http``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ApiRole(StrEnum):
    platform = "platform"
    integrator = "integrator"
    ops = "ops"
    cohort = "cohort"
    """Reads the reports of the cohorts its token names (``cohort:token:c1+c2``), nothing
    else: a cohort's sponsor or HR business partner."""


def token_cohorts(data: Any) -> Any:
    """The cohorts of each ``cohort:token:c1+c2`` entry of ``PARCOURS_API_TOKENS``, added
    to the settings' raw ``data`` as ``api_token_cohorts``."""
    if not isinstance(data, dict):
        return data
    raw = data.get("PARCOURS_API_TOKENS", data.get("api_tokens"))
    if isinstance(raw, str) and "api_token_cohorts" not in data:
        found: dict[str, tuple[str, ...]] = {}
        for entry in (e.strip() for e in raw.split(",")):
            role, _, rest = entry.partition(":")
            token, _, named = rest.rpartition(":")
            if role.strip() == ApiRole.cohort and token.strip():
                found[token.strip()] = tuple(c.strip() for c in named.split("+") if c.strip())
        data = {**data, "api_token_cohorts": found}
    return data


def parse_tokens(value: Any) -> Any:
    """Each token's role; ``ValueError`` naming the entry that is not ``role:token``."""
    if not isinstance(value, str):
        return value
    tokens: dict[str, ApiRole] = {}
    for number, entry in enumerate((e.strip() for e in value.split(",")), start=1):
        if not entry:
            continue
        role, sep, token = entry.partition(":")
        role, token = role.strip(), token.strip()
        if not sep or not token:
            raise ValueError(f"entry {number} is not role:token")
        if role not in ApiRole.__members__:
            raise ValueError(
                f"entry {number}: unknown role {role!r}; "
                "roles are platform, integrator, ops, cohort"
            )
        if role == ApiRole.cohort:
            token, _, named = token.rpartition(":")
            cohorts = [c for c in named.split("+") if c.strip()]
            if not token.strip() or not cohorts:
                raise ValueError(
                    f"entry {number}: a cohort token names its cohorts, "
                    "cohort:token:cohort1+cohort2"
                )
            token = token.strip()
        if tokens.get(token, role) != role:
            raise ValueError(f"entry {number}: the same token is given two roles")
        tokens[token] = ApiRole(role)
    return tokens
