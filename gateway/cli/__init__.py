"""``parcours``: the command line. A thin shell over ``ProgrammeClient``, one module per
group of commands; ``shell`` has what they share (exit codes included).

Importing this package loads none of them: ``parcours --help`` prints
``gateway.cli.overview`` without typer; ``show ID --json`` and ``list`` are read by
``gateway.cli.fast_reads`` without typer nor the models when it can; and ``app`` (or a
command module) is loaded on first use, with every command registered on it (``_load``).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.cli.shell import app as app

COMMAND_MODULES = (
    "archive",
    "calendars",
    "cohorts",
    "commands",
    "deploys",
    "keys",
    "launching",
    "migrating",
    "outbox",
    "people",
    "personal_data",
    "reading",
    "services",
    "simulate",
    "templates",
)
"""The modules whose commands register on ``app``, in the order typer lists them."""

__all__ = ["app", "main", *COMMAND_MODULES]


def _load() -> None:
    """Import every command module, so that ``app`` has all its commands."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"gateway.cli.{name}")


def __getattr__(name: str) -> Any:
    if name == "app":
        _load()
        from gateway.cli.shell import app

        return app
    if name in COMMAND_MODULES:
        _load()
        return sys.modules[f"gateway.cli.{name}"]
    raise AttributeError(f"module 'gateway.cli' has no attribute {name!r}")


def _read_fast(args: list[str]) -> int | None:
    """``show ID --json`` and ``list`` without typer when it can (``fast_reads``); None:
    the typer app answers."""
    if not args or args[0] not in ("show", "list"):
        return None
    from gateway.cli import fast_reads

    return fast_reads.answer(args)


def main() -> None:
    """Run the CLI, then leave without interpreter teardown.

    The Temporal client's native threads can outlive the event loop, and CPython's
    finalisation then aborts ("PyGILState_Release ... must be current", temporalio
    sdk-python#300) with exit code 134 after the work is done. So flush and exit at once.
    """
    from gateway.cli import overview

    code = 0
    if overview.asks_overview(sys.argv[1:]):
        sys.stdout.write(overview.page())
    elif (answered := _read_fast(sys.argv[1:])) is not None:
        code = answered
    else:
        _load()
        from gateway.cli.shell import app

        try:
            app()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
