"""What a run keeps of a signal it refuses: a ``Rejection`` for the view, never the
payload's content, with its reason cut to ``KEPT_REASON``.

Signals have no caller to answer, so a refusal is logged and kept (the last
``KEPT_REJECTIONS`` of them); facts come as raw payloads, so a run can refuse one not
sealed by parcours's codec before decoding it (``open_fact``).
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import RawValue

from domain.commands import Command, GiveFeedback, RecordProgress, RecordSession
from domain.errors import DomainError
from domain.rules import clip
from domain.view import Rejection
from workflows.messages import SEALED

KEPT_REASON = 500
"""Bytes kept of a refusal's reason: it may quote what the caller sent."""
UNSEALED = (
    "refused: not sealed by parcours's codec (send facts through the API or the parcours "
    "CLI; a plain-text payload would keep personal data unencrypted)"
)
Fact = GiveFeedback | RecordSession | RecordProgress


def refused(command: Command, exc: DomainError) -> Rejection:
    """The rejection of ``command``, which the domain refused with ``exc``."""
    workflow.logger.warning("refused %s: %s", command.type, exc)
    reason = clip(str(exc), KEPT_REASON)
    shown = clip(exc.shown, KEPT_REASON) if exc.shown != str(exc) else None
    return Rejection(
        at=workflow.now(),
        type=command.type,
        key=command.key,
        reason=reason,
        shown=shown,
    )


def open_fact(
    name: str, raw: RawValue, kind: type[Fact], reliable: bool
) -> Fact | Rejection | None:
    """The fact the ``name`` signal carries, or its refusal: one not sealed by parcours's
    codec (from ``RELIABLE_REVISION`` on, ``reliable``: plain text typed into the Web UI or
    the temporal CLI bypasses the roles and sits in Temporal unencrypted), or one that
    does not decode. Before that revision, one that does not decode is dropped (None)."""
    sealed = raw.payload.metadata.get(SEALED) == b"1"
    if reliable and not sealed:
        return _refuse(name, UNSEALED)
    try:
        fact: Fact = workflow.payload_converter().from_payload(raw.payload, kind)
    except Exception as exc:
        if not reliable:  # as the SDK did: dropped, logged
            workflow.logger.warning("dropped a %s signal that does not decode", name)
            return None
        return _refuse(name, f"refused: the {name} message does not decode ({type(exc).__name__})")
    return fact


def _refuse(name: str, reason: str) -> Rejection:
    workflow.logger.warning("refused %s: %s", name, reason)
    return Rejection(at=workflow.now(), type=name, key=None, reason=reason)
