"""Logging: structlog everywhere, JSON when not on a terminal.

Every line logged inside a workflow or an activity carries ``workflow_id``,
``run_id``, and for activities ``activity`` (its type) and ``attempt``; for a
programme workflow ``programme_id`` too (a programme's workflow id is its
programme id). They come from Temporal's own context: the ``temporal_workflow``
and ``temporal_activity`` extras that ``workflow.logger`` and ``activity.logger``
attach, or the running activity for anything else logged inside one (parcours'
own structlog loggers, httpx...).

Logs carry ids, never names, emails, comments, tokens or addresses: parcours' own lines
log ids, and as a last guard ``redact`` replaces whatever looks like an email address
or a bearer token in any line (exception messages included) before it is rendered.
Tracebacks are plain text, never with local variables (a frame's locals can hold a
token or a person's data), on a terminal as in JSON.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from temporalio import activity
from temporalio import workflow as temporal_workflow

from workflows.messages import WORKFLOW_NAME

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}")
SECRET = re.compile(
    r"(?i)\b((?:api[_-]?)?(?:token|password|secret|key)[\"']?\s*[:=]\s*[\"']?)[^\s,;\"']+"
)
REDACTED_EMAIL = "[email]"


def redact_text(text: str) -> str:
    """``text`` with email addresses and bearer tokens (and ``password=...``) hidden."""
    text = EMAIL.sub(REDACTED_EMAIL, text)
    return SECRET.sub(r"\1[redacted]", BEARER.sub(r"\1[redacted]", text))


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redacted(v) for v in value)
    return value


def redact(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: no email address or token in any field of the line."""
    for key, value in list(event_dict.items()):
        if not key.startswith("_"):
            event_dict[key] = _redacted(value)
    return event_dict


def add_temporal_context(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: the Temporal ids of the workflow or activity logging."""
    details: dict[str, Any] = {}
    record = event_dict.get("_record")
    if record is not None:
        for extra in ("temporal_workflow", "temporal_activity"):
            value = getattr(record, extra, None)
            if isinstance(value, Mapping):
                details.update(value)
    if not details and activity.in_activity():
        info = activity.info()
        details = {
            "workflow_id": info.workflow_id,
            "workflow_run_id": info.workflow_run_id,
            "workflow_type": info.workflow_type,
            "activity_type": info.activity_type,
            "attempt": info.attempt,
        }
    if not details:
        return event_dict
    workflow_id = details.get("workflow_id")
    fields = {
        "workflow_id": workflow_id,
        "run_id": details.get("run_id") or details.get("workflow_run_id"),
        "activity": details.get("activity_type"),
        "attempt": details.get("attempt"),
        "programme_id": workflow_id if details.get("workflow_type") == WORKFLOW_NAME else None,
    }
    for key, value in fields.items():
        if value is not None:
            event_dict.setdefault(key, value)
    return event_dict


def configure(level: str = "INFO", json: bool | None = None, stream: TextIO | None = None) -> None:
    """Route structlog and the standard library (temporalio's loggers) to one renderer,
    writing to ``stream`` (default: stderr); JSON unless it is a terminal."""
    out = stream if stream is not None else sys.stderr
    as_json = not out.isatty() if json is None else json
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        add_temporal_context,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if as_json
        # The traceback comes formatted (plain, no locals) and redacted, as in JSON.
        else structlog.dev.ConsoleRenderer(
            colors=out.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    if as_json:
        # The ids are fields of their own; no need to repeat them in the message text.
        temporal_workflow.logger.workflow_info_on_message = False
        activity.logger.activity_info_on_message = False
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request's URL at INFO: a webhook URL may carry a secret in its path.
    # parcours logs each delivery itself, with the URL redacted (``adapters.notify.webhook``).
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
