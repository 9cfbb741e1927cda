"""``parcours``: the command line. A thin shell over ``ProgrammeClient``, one module per
group of commands; ``shell`` has what they share (exit codes included)."""

from __future__ import annotations

import logging
import os
import sys

from gateway.cli import (
    archive,
    calendars,
    cohorts,
    commands,
    deploys,
    keys,
    launching,
    migrating,
    outbox,
    people,
    personal_data,
    reading,
    services,
    simulate,
    templates,
)
from gateway.cli.shell import app

__all__ = [
    "app",
    "archive",
    "calendars",
    "cohorts",
    "commands",
    "deploys",
    "keys",
    "launching",
    "main",
    "migrating",
    "outbox",
    "people",
    "personal_data",
    "reading",
    "services",
    "simulate",
    "templates",
]


def main() -> None:
    """Run the CLI, then leave without interpreter teardown.

    The Temporal client's native threads can outlive the event loop, and CPython's
    finalisation then aborts ("PyGILState_Release ... must be current", temporalio
    sdk-python#300) with exit code 134 after the work is done. So flush and exit at once.
    """
    code = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
