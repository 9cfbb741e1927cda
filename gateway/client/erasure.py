"""Erasing an employee's personal data: end their programmes, then destroy their key.

Crypto-shredding: every payload about the employee is sealed with their data key, so
destroying the key makes all of it unreadable at once, in Temporal and everywhere else.
Their programmes are ended first, so none is left running without the key it needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from adapters.payloads.encryption import keyring_of
from adapters.payloads.keyring import Keyring
from domain.commands import Withdraw
from domain.ids import Identifier, employee_of
from gateway.client.errors import (
    CommandRefused,
    InvalidRequest,
    ParcoursError,
    ProgrammeErased,
    ProgrammeNotFound,
    translate,
)
from gateway.client.models import Action, ErasedFrom, ErasedProgramme, Erasure, Filters
from workflows import search_attributes as sa

if TYPE_CHECKING:
    from adapters.stores.people import PeopleDirectory

Withdrawer = Callable[[str, Withdraw], Awaitable[object]]
"""How a programme is withdrawn (``ProgrammeClient.withdraw``): given, not imported, so
this module and the client's do not import each other."""

ERASE_WAIT = timedelta(seconds=60)
"""How long an erasure waits for a withdrawn programme to close before terminating it."""
ERASED_REASON = "personal data erased"
_EMPLOYEE_ID: TypeAdapter[str] = TypeAdapter(Identifier)
"""The withdraw reason when none is given, and the only terminate reason: Temporal keeps a
terminate reason in plaintext, so the caller's reason (sealed in the withdraw) never goes
there."""
UNREADABLE = (
    "Temporal: every payload of their programmes (inputs, events, results, failures)",
    "the outbox: their notifications (only ids stay readable)",
    "the delivery ledgers: what each channel answered",
    "the API's stored answers about their programmes",
)
"""Where their data was, sealed with the key just destroyed: all of it unreadable now.
Evaluation reports are not kept anywhere: they were rendered from those payloads."""


async def erase(
    temporal: Client,
    people: PeopleDirectory | None,
    withdraw: Withdrawer,
    employee_id: str,
    reason: str | None = None,
    *,
    wait: timedelta = ERASE_WAIT,
) -> Erasure:
    """Erase an employee's personal data: end their programmes, destroy their key.

    Each running programme of theirs (found through the ``EmployeeId`` search
    attribute) is withdrawn ("personal data erased"), and terminated if it
    cannot be (no worker answering within ``wait``, or it is past withdrawing);
    once all are closed the employee's data key is destroyed. From then on
    nothing written for them can be read, nor can anything new be written.
    Idempotent: erasing again finds nothing to end and the key already gone.
    """
    keyring = _keyring(temporal)
    try:
        employee_id = _EMPLOYEE_ID.validate_python(employee_id)
        filters = Filters(employee=employee_id)
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise InvalidRequest(f"employee_id: {reason}") from exc
    why = reason or ERASED_REASON
    ended: dict[str, Action] = {}
    if not keyring.is_erased(employee_id):
        for execution in await _executions(temporal, filters):
            ended[execution.id] = await _end(temporal, withdraw, execution, why, wait)
    erased = keyring.erase(employee_id, why)
    if people is not None:  # unreadable already (sealed under their key)
        people.forget(employee_id)
    # Anything launched for them meanwhile cannot run without the key: end it too.
    for execution in await _executions(temporal, filters):
        if execution.status == WorkflowExecutionStatus.RUNNING:
            await _terminate(temporal, execution.id)
            ended[execution.id] = "terminated"
    return Erasure(
        employee_id=employee_id,
        erased_at=erased.erased_at,
        already_erased=erased.already,
        programmes=[ErasedFrom(programme_id=i, action=a) for i, a in ended.items()],
        unreadable=list(UNREADABLE),
    )


def is_erased(temporal: Client, employee_id: str | None) -> bool:
    keyring = keyring_of(temporal.data_converter)
    return employee_id is not None and keyring is not None and keyring.is_erased(employee_id)


async def refuse_erased(temporal: Client, programme_id: str) -> None:
    """Raise ``ProgrammeErased`` when the programme's employee was erased."""
    employee_id = employee_of(programme_id)
    if employee_id is None or not is_erased(temporal, employee_id):
        return
    try:
        description = await temporal.get_workflow_handle(programme_id).describe()
    except (RPCError, RuntimeError) as exc:
        raise translate(exc, programme_id) from exc
    raise ProgrammeErased(erased_programme(programme_id, employee_id, description))


def erased_programme(
    programme_id: str, employee_id: str, execution: WorkflowExecution
) -> ErasedProgramme:
    """What the search attributes still say of a programme whose data was erased."""
    attributes = execution.typed_search_attributes
    status = attributes.get(sa.PROGRAMME_STATUS)
    if execution.status == WorkflowExecutionStatus.TERMINATED:
        status = "terminated"
    return ErasedProgramme(
        programme_id=programme_id,
        employee_id=employee_id,
        template_id=attributes.get(sa.TEMPLATE_ID),
        status=status,
        stage=attributes.get(sa.PROGRAMME_STAGE) or None,
        message=(
            f"{programme_id}: employee {employee_id}'s personal data was erased; "
            f"the programme is {status or 'closed'}"
        ),
    )


async def _executions(temporal: Client, filters: Filters) -> list[WorkflowExecution]:
    """The latest run of each matching workflow."""
    latest: dict[str, WorkflowExecution] = {}
    try:
        async for execution in temporal.list_workflows(filters.query()):
            known = latest.get(execution.id)
            if known is None or execution.start_time > known.start_time:
                latest[execution.id] = execution
    except (RPCError, RuntimeError) as exc:
        raise translate(exc, "") from exc
    return list(latest.values())


async def _end(
    temporal: Client,
    withdraw: Withdrawer,
    execution: WorkflowExecution,
    reason: str,
    wait: timedelta,
) -> Action:
    if execution.status != WorkflowExecutionStatus.RUNNING:
        return "already closed"
    programme_id = execution.id
    action: Action = "withdrawn"
    try:
        await asyncio.wait_for(
            withdraw(programme_id, Withdraw(reason=reason, key=f"erase-{programme_id}")),
            wait.total_seconds(),
        )
    except (CommandRefused, TimeoutError):
        action = "terminated"
        await _terminate(temporal, programme_id)
    except ProgrammeNotFound:
        return "already closed"
    handle = temporal.get_workflow_handle(programme_id)
    deadline = asyncio.get_running_loop().time() + wait.total_seconds()
    while True:
        try:
            status = (await handle.describe()).status
        except (RPCError, RuntimeError) as exc:
            raise translate(exc, programme_id) from exc
        if status != WorkflowExecutionStatus.RUNNING:
            return action
        if asyncio.get_running_loop().time() > deadline:
            await _terminate(temporal, programme_id)
            return "terminated"
        await asyncio.sleep(0.2)


async def _terminate(temporal: Client, programme_id: str) -> None:
    """Terminate, with the fixed reason only: Temporal stores it in plaintext."""
    try:
        await temporal.get_workflow_handle(programme_id).terminate(reason=ERASED_REASON)
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:  # not found: it closed meanwhile
            raise translate(exc, programme_id) from exc


def _keyring(temporal: Client) -> Keyring:
    keyring = keyring_of(temporal.data_converter)
    if keyring is None:
        raise ParcoursError("this client does not encrypt payloads: nothing to erase")
    return keyring
