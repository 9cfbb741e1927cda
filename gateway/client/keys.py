"""The keys a programme records for a caller's idempotency key: scoped by caller and command.

A programme keeps every key it applied, and answers a key it has seen as applied without
applying the command again. Keys are their caller's own, so what it records is a hash of
the caller's scope (the API: a hash of the bearer token; the CLI: ``CLI_SCOPE``), the
command and the key: another caller's key, or the same key on another command, is
weighed on its own, never taken for one already applied.
"""

from __future__ import annotations

import hashlib

CLI_SCOPE = "parcours cli"
"""The CLI's scope: one caller, whoever runs it (it holds the master key: ops' tool). The
API's scopes are hashes of tokens (``adapters.stores.idempotency.caller_scope``), so no
API caller shares it."""


def scoped_key(scope: str, command: str, key: str) -> str:
    """The key a programme records for ``key`` sent by the caller of ``scope`` with
    ``command`` (``give_feedback``, ``pause``...): no scope nor key in it, a hash of both."""
    digest = hashlib.sha256(f"{scope}\n{command}\n{key}".encode()).hexdigest()
    return f"{command}:{digest[:40]}"


def command_kind(command: object) -> str:
    """What a command is, for its key's scope: its ``type``, else its class's name."""
    return str(getattr(command, "type", type(command).__name__))
