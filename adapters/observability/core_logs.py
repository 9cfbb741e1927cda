"""The Temporal SDK core's own log lines, through Python's logging, never on stdout.

The core (the Rust part of the SDK) writes its warnings ("Failing workflow task", a
refused completion) to the process's stdout unless told otherwise. A command's stdout is
its answer (`parcours report --format md > report.md`, JSON for scripts), so a warning
there corrupts it. Every runtime parcours makes forwards them instead to the
``temporalio.core`` logger, which the process's logging sends to stderr.
"""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

CORE_LOGGER = "temporalio.core"

_default: list[Runtime] = []


def core_logging() -> LoggingConfig:
    """The core's warnings (and its dependencies' errors), forwarded to ``CORE_LOGGER``."""
    return LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=logging.getLogger(CORE_LOGGER)),
    )


def default_runtime() -> Runtime:
    """The process's default runtime, made (once) with ``core_logging``: the clients and
    the replayers that take the default get it too."""
    if not _default:
        _default.append(Runtime(telemetry=TelemetryConfig(logging=core_logging())))
        Runtime.set_default(_default[0], error_if_already_set=False)
    return _default[0]
