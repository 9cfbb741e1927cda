"""Sending to a programme: requests (updates), which answer with the programme's view,
and facts (signals), whose receipt is asked for after.

Each waits a bounded time for a worker, and turns what Temporal answers into the
client's errors (``gateway.client.errors``): a programme that ended refuses as the
programme would, one that never was is not found.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import (
    RPCTimeoutOrCancelledError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from adapters.payloads.key_errors import DataErased
from domain.commands import GiveFeedback, RecordProgress, RecordSession
from domain.errors import DomainError
from domain.rules import check_occurred_at
from domain.view import ProgrammeView
from gateway.client.errors import (
    CommandRefused,
    InvalidRequest,
    ParcoursError,
    TemporalUnavailable,
    translate,
)
from workflows import search_attributes as sa
from workflows.messages import ProgrammeOutcome, Receipt
from workflows.programme import ProgrammeWorkflow

Handle = WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome]
Fact = GiveFeedback | RecordSession | RecordProgress
RECEIPT_WAIT = timedelta(seconds=5)


async def request(
    handle: Handle, programme_id: str, update: Any, command: Any, wait: timedelta
) -> ProgrammeView:
    """Send a request and wait for its answer, at most ``wait``.

    The update's id is the command's key, so a request sent again after a timeout is
    the same request to Temporal, and the programme applies its key once.
    """
    seconds = wait.total_seconds()
    try:
        async with asyncio.timeout(seconds):
            result = await handle.execute_update(update, command, id=command.key)
    except (TimeoutError, RPCTimeoutOrCancelledError) as exc:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # our caller cancelled: not a timeout of ours to answer
        raise TemporalUnavailable(
            f"no worker took the request within {seconds:g} s (is a worker running?); "
            "it may still be applied when one does, so send it again with the same key"
        ) from exc
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError):
            raise CommandRefused(cause.message) from exc
        raise CommandRefused(str(cause or exc)) from exc
    except DataErased as exc:
        raise CommandRefused(str(exc)) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise await closed(handle, programme_id, update) from exc
        raise translate(exc, programme_id) from exc
    except RuntimeError as exc:
        raise translate(exc, programme_id) from exc
    assert isinstance(result, ProgrammeView)
    return result


async def closed(handle: Handle, programme_id: str, update: Any) -> ParcoursError:
    """An update Temporal could not deliver: to a programme that ended (a refusal that
    says so, as the programme would), or to none."""
    try:
        described = await handle.describe()
    except RPCError as exc:
        return translate(exc, programme_id)
    status = described.typed_search_attributes.get(sa.PROGRAMME_STATUS) or "closed"
    doing = getattr(update, "__name__", "do that").replace("_", " ")
    return CommandRefused(f"cannot {doing}: the programme is {status}")


async def fact(
    handle: Handle,
    programme_id: str,
    signal: Any,
    command: Fact,
    view: Callable[[str], Awaitable[ProgrammeView]],
) -> Receipt:
    """Send a fact, then wait briefly for the programme to apply or refuse it.

    Every fact carries an idempotency key (one is made when the caller gave none),
    so a retried call never counts twice and its receipt can be asked for. When no
    worker answers in time the fact is still safely in Temporal: the receipt says
    ``unknown`` and the programme applies it when a worker comes back. ``view`` reads
    the programme, to check a time the caller gave against its start.
    """
    now = datetime.now(UTC)
    if command.occurred_at is not None:
        await _check_occurred_at(programme_id, command.occurred_at, now, view)
    stamped: dict[str, Any] = {"occurred_at": command.occurred_at or now}
    if command.key is None:
        stamped["key"] = str(uuid.uuid4())
    command = command.model_copy(update=stamped)
    assert command.key is not None
    try:
        await handle.signal(signal, command)
    except DataErased as exc:
        raise CommandRefused(str(exc)) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:  # ended: say so, as for a request
            raise await closed(handle, programme_id, signal) from exc
        raise translate(exc, programme_id) from exc
    except RuntimeError as exc:
        raise translate(exc, programme_id) from exc
    receipt = await _await_receipt(handle, command.key)
    if receipt.outcome == "rejected":
        raise CommandRefused(receipt.reason or "refused")
    return receipt


async def _check_occurred_at(
    programme_id: str,
    occurred_at: datetime,
    now: datetime,
    view: Callable[[str], Awaitable[ProgrammeView]],
) -> None:
    """A time the caller gave: not in the future, not before the programme began."""
    try:
        check_occurred_at(occurred_at, now, datetime.min.replace(tzinfo=UTC))
        shown = await view(programme_id)
        check_occurred_at(occurred_at, now, shown.starts_at)
    except DomainError as exc:
        raise InvalidRequest(str(exc)) from exc


async def _await_receipt(handle: Handle, key: str) -> Receipt:
    deadline = asyncio.get_running_loop().time() + RECEIPT_WAIT.total_seconds()
    delay = 0.02
    while True:
        try:
            receipt = await asyncio.wait_for(
                handle.query(ProgrammeWorkflow.receipt, key), RECEIPT_WAIT.total_seconds()
            )
        except (RPCError, TimeoutError):
            return Receipt(key=key, outcome="unknown")
        if receipt.outcome != "unknown" or asyncio.get_running_loop().time() > deadline:
            return receipt
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)
