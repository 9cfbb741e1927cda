"""How wrong settings read: one line per problem, naming the variable, secrets not shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError


class SettingsError(ValueError):
    """The settings are wrong; ``problems`` has one line per problem, naming the variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid settings:\n" + "\n".join(f"  {p}" for p in problems))


def describe(exc: ValidationError, env_names: Mapping[str, str]) -> list[str]:
    """One line per error, ``VARIABLE: what is wrong``, secrets not shown."""
    aliases = {alias: alias for alias in env_names.values()}
    lines: list[str] = []
    for error in exc.errors():
        loc = error["loc"]
        if not loc:  # the cross-setting check: already one problem per line
            lines += str(error["ctx"]["error"]).splitlines() if "ctx" in error else [error["msg"]]
            continue
        head = str(loc[0])
        name = aliases.get(head) or env_names.get(head) or head
        lines.append(f"{name}: {_reason(error, secret=_is_secret(head, env_names))}")
    return lines


def _reason(error: Any, *, secret: bool) -> str:
    kind, given = error["type"], error.get("input")
    shown = "" if secret else f", got {given!r}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind in ("int_parsing", "int_from_float"):
        return f"must be a whole number{shown}"
    if kind == "float_parsing":
        return f"must be a number of seconds{shown}"
    if kind == "bool_parsing":
        return f"must be true or false{shown}"
    if kind == "enum":
        return f"must be one of {error['ctx']['expected']}{shown}"
    return f"{error['msg'][:1].lower()}{error['msg'][1:]}{shown}"


def _is_secret(head: str, env_names: Mapping[str, str]) -> bool:
    name = next((n for n, alias in env_names.items() if head in (n, alias)), head)
    return name in {"smtp_password", "webhook_secret", "temporal_api_key", "master_key"} or (
        name in ("api_tokens", "api_token_cohorts")
    )
