"""``ProgrammeClient``: the one Python client; the CLI and the HTTP API are shells over it."""

from __future__ import annotations

import asyncio
import base64
import binascii
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecution,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from adapters.payloads.encryption import data_converter, employee_of, keyring_of
from adapters.payloads.keyring import DataErased, Keyring
from adapters.temporal import history
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Launch,
    Pause,
    RecordProgress,
    RecordSession,
    Resume,
    Withdraw,
)
from domain.events import Event
from domain.state import Status
from domain.template import Template
from domain.view import ProgrammeView
from workflows import search_attributes as sa
from workflows.messages import (
    REVISION,
    TASK_QUEUE,
    WORKFLOW_NAME,
    ProgrammeInput,
    ProgrammeOutcome,
    Receipt,
    RunSettings,
)
from workflows.programme import ProgrammeWorkflow

Handle = WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome]
RECEIPT_WAIT = timedelta(seconds=5)
ERASE_WAIT = timedelta(seconds=60)
"""How long an erasure waits for a withdrawn programme to close before terminating it."""
ERASED_REASON = "personal data erased"
UPDATE_WAIT = timedelta(seconds=20)
"""How long a request (an update) waits for a worker to take it. Without a bound the
SDK waits for ever while no worker runs, and so would the API's and the CLI's callers."""
_SAFE = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
"""Filter values go into a visibility query: no quotes, no spaces."""


class ParcoursError(Exception):
    """Base of what the client raises; the message is for a person."""


class ProgrammeNotFound(ParcoursError):
    def __init__(self, programme_id: str) -> None:
        super().__init__(f"no programme {programme_id!r}")
        self.programme_id = programme_id


class CommandRefused(ParcoursError):
    """The programme refused the command; the message is the domain's reason."""


class TemporalUnavailable(ParcoursError):
    """Temporal cannot be reached; the same call may succeed later."""


class InvalidRequest(ParcoursError):
    """Input the API or CLI cannot use; the message names the field."""


class ErasedProgramme(BaseModel):
    """A programme whose employee's data was erased: what Temporal's search attributes
    still say about it. Everything else (name, email, feedback, events) is unreadable."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    employee_id: str
    template_id: str | None
    status: str | None
    """From the search attributes: ``withdrawn`` once erasure ended it."""
    stage: str | None
    erased: Literal[True] = True
    message: str


class ProgrammeErased(ParcoursError):
    """The programme's personal data was erased: it can be listed, not read."""

    def __init__(self, programme: ErasedProgramme) -> None:
        super().__init__(programme.message)
        self.programme = programme


Action = Literal["withdrawn", "terminated", "already closed"]


class ErasedFrom(BaseModel):
    """One programme of an erased employee, and what erasure did to it."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    action: Action


class Erasure(BaseModel):
    """The answer to ``erase``: the programmes ended, and when the key was destroyed."""

    model_config = ConfigDict(frozen=True)

    employee_id: str
    erased_at: datetime
    already_erased: bool
    programmes: list[ErasedFrom]


class Filters(BaseModel):
    """What ops filter listings by; each maps to a search attribute."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: Annotated[str, Field(pattern=_SAFE)] | None = None
    status: Status | None = None
    cohort: Annotated[str, Field(pattern=_SAFE)] | None = None
    employee: Annotated[str, Field(pattern=_SAFE)] | None = None
    template: Annotated[str, Field(pattern=_SAFE)] | None = None

    def query(self) -> str:
        clauses = [f"WorkflowType = '{WORKFLOW_NAME}'"]
        for key, value in (
            (sa.PROGRAMME_STAGE, self.stage),
            (sa.PROGRAMME_STATUS, self.status.value if self.status else None),
            (sa.COHORT_ID, self.cohort),
            (sa.EMPLOYEE_ID, self.employee),
            (sa.TEMPLATE_ID, self.template),
        ):
            if value is not None:
                clauses.append(f"{key.name} = '{value}'")
        return " AND ".join(clauses)


class ProgrammePage(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: list[ProgrammeView | ErasedProgramme]
    next_page_token: str | None


class Launched(BaseModel):
    model_config = ConfigDict(frozen=True)

    programme_id: str
    created: bool


def programme_id_for(template_id: str, employee_id: str) -> str:
    """One programme per employee and template: launching twice finds the same one."""
    return f"{template_id}.{employee_id}"


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


class ProgrammeClient:
    def __init__(
        self, client: Client, task_queue: str = TASK_QUEUE, *, update_wait: timedelta = UPDATE_WAIT
    ) -> None:
        self.temporal = client
        self.task_queue = task_queue
        self.update_wait = update_wait

    @classmethod
    async def connect(
        cls,
        target_host: str,
        namespace: str = "default",
        *,
        keyring: Keyring,
        task_queue: str = TASK_QUEUE,
        lazy: bool = False,
        **options: Any,
    ) -> ProgrammeClient:
        """Connect now, or (``lazy``, for long-running services) on first use.

        Payloads are sealed with the data keys of ``keyring``. ``options`` go to
        ``Client.connect`` as they are: TLS, API key.
        """
        try:
            client = await Client.connect(
                target_host,
                namespace=namespace,
                data_converter=data_converter(keyring),
                lazy=lazy,
                **options,
            )
        except RuntimeError as exc:
            raise TemporalUnavailable(f"cannot reach Temporal at {target_host}: {exc}") from exc
        return cls(client, task_queue)

    # ------------------------------------------------------------ launch

    async def launch(
        self,
        *,
        employee: Employee,
        template: Template,
        coach_id: str | None = None,
        manager_id: str | None = None,
        sponsor_id: str | None = None,
        cohort_id: str | None = None,
        start_date: date | None = None,
        settings: RunSettings | None = None,
    ) -> Launched:
        programme_id = programme_id_for(template.id, employee.id)
        launch = Launch(
            programme_id=programme_id,
            employee=employee,
            template=template,
            coach_id=coach_id,
            manager_id=manager_id,
            sponsor_id=sponsor_id,
            cohort_id=cohort_id,
            start=start_of(start_date) if start_date else None,
        )
        attributes = [
            SearchAttributePair(sa.EMPLOYEE_ID, employee.id),
            SearchAttributePair(sa.TEMPLATE_ID, template.id),
            SearchAttributePair(sa.PROGRAMME_STATUS, "running"),
            SearchAttributePair(sa.PROGRAMME_STAGE, template.stages[0].key),
        ]
        if cohort_id:
            attributes.append(SearchAttributePair(sa.COHORT_ID, cohort_id))
        try:
            await self.temporal.start_workflow(
                ProgrammeWorkflow.run,
                ProgrammeInput(
                    launch=launch, settings=settings or RunSettings(), revision=REVISION
                ),
                id=programme_id,
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=TypedSearchAttributes(attributes),
                static_summary=f"{template.title} — {employee.name} ({employee.id})",
            )
        except WorkflowAlreadyStartedError:
            return Launched(programme_id=programme_id, created=False)
        except DataErased as exc:  # no new data for an erased employee, ever
            raise CommandRefused(f"cannot launch {programme_id}: {exc}") from exc
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc
        return Launched(programme_id=programme_id, created=True)

    # ------------------------------------------------------------ requests (updates)

    async def agree_objectives(self, programme_id: str, command: AgreeObjectives) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.agree_objectives, command)

    async def pause(self, programme_id: str, command: Pause) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.pause, command)

    async def resume(self, programme_id: str, command: Resume) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.resume, command)

    async def withdraw(self, programme_id: str, command: Withdraw) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.withdraw, command)

    async def advance_stage(self, programme_id: str, command: AdvanceStage) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.advance_stage, command)

    async def _update(self, programme_id: str, update: Any, command: Any) -> ProgrammeView:
        """Send a request and wait for its answer, at most ``update_wait``.

        The update's id is the command's key, so a request sent again after a timeout is
        the same request to Temporal, and the programme applies its key once.
        """
        handle = self._handle(programme_id)
        wait = self.update_wait.total_seconds()
        try:
            async with asyncio.timeout(wait):
                result = await handle.execute_update(update, command, id=command.key)
        except (TimeoutError, RPCTimeoutOrCancelledError) as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # our caller cancelled: not a timeout of ours to answer
            raise TemporalUnavailable(
                f"no worker took the request within {wait:g} s (is a worker running?); "
                "it may still be applied when one does, so send it again with the same key"
            ) from exc
        except WorkflowUpdateFailedError as exc:
            cause = exc.cause
            if isinstance(cause, ApplicationError):
                raise CommandRefused(cause.message) from exc
            raise CommandRefused(str(cause or exc)) from exc
        except DataErased as exc:
            raise CommandRefused(str(exc)) from exc
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc
        assert isinstance(result, ProgrammeView)
        return result

    # ------------------------------------------------------------ facts (signals)

    async def give_feedback(self, programme_id: str, command: GiveFeedback) -> Receipt:
        return await self._signal(programme_id, ProgrammeWorkflow.give_feedback, command)

    async def record_session(self, programme_id: str, command: RecordSession) -> Receipt:
        return await self._signal(programme_id, ProgrammeWorkflow.record_session, command)

    async def record_progress(self, programme_id: str, command: RecordProgress) -> Receipt:
        return await self._signal(programme_id, ProgrammeWorkflow.record_progress, command)

    async def _signal(
        self, programme_id: str, signal: Any, command: GiveFeedback | RecordSession | RecordProgress
    ) -> Receipt:
        """Send a fact, then wait briefly for the programme to apply or refuse it.

        Every fact carries an idempotency key (one is made when the caller gave none),
        so a retried call never counts twice and its receipt can be asked for. When no
        worker answers in time the fact is still safely in Temporal: the receipt says
        ``unknown`` and the programme applies it when a worker comes back.
        """
        if command.key is None:
            command = command.model_copy(update={"key": str(uuid.uuid4())})
        assert command.key is not None
        handle = self._handle(programme_id)
        try:
            await handle.signal(signal, command)
        except DataErased as exc:
            raise CommandRefused(str(exc)) from exc
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc
        receipt = await self._await_receipt(handle, command.key)
        if receipt.outcome == "rejected":
            raise CommandRefused(receipt.reason or "refused")
        return receipt

    async def _await_receipt(self, handle: Handle, key: str) -> Receipt:
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

    # ------------------------------------------------------------ reads

    async def view(self, programme_id: str) -> ProgrammeView:
        """Where the programme stands; ``ProgrammeErased`` when its data was erased."""
        await self._refuse_erased(programme_id)
        return await self._view(programme_id)

    async def _view(self, programme_id: str) -> ProgrammeView:
        try:
            return await self._handle(programme_id).query(ProgrammeWorkflow.view)
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc

    async def events(self, programme_id: str, after: int = 0) -> list[Event]:
        """The domain timeline across every run, read from Temporal: no worker needed.

        ``ProgrammeErased`` when its data was erased (``erased_timeline`` still works)."""
        await self._refuse_erased(programme_id)
        try:
            events = await history.domain_events(self.temporal, programme_id)
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc
        return [e for e in events if e.seq > after]

    async def raw_history(self, programme_id: str) -> list[history.RawEvent]:
        """Temporal's own events, decoded; an erased payload shows as ``[erased]``."""
        try:
            return await history.raw_events(self.temporal, programme_id)
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc

    async def erased_timeline(self, programme_id: str) -> list[history.RawEvent]:
        """What Temporal recorded of a programme whose data was erased: the domain
        timeline cannot be rebuilt, so its inputs and results show as ``[erased]``."""
        try:
            return history.timeline_of(await history.raw_events(self.temporal, programme_id))
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc

    # ------------------------------------------------------------ erasure

    async def erase(
        self, employee_id: str, reason: str | None = None, *, wait: timedelta = ERASE_WAIT
    ) -> Erasure:
        """Erase an employee's personal data: end their programmes, destroy their key.

        Each running programme of theirs (found through the ``EmployeeId`` search
        attribute) is withdrawn ("personal data erased"), and terminated if it
        cannot be (no worker answering within ``wait``, or it is past withdrawing);
        once all are closed the employee's data key is destroyed. From then on
        nothing written for them can be read, nor can anything new be written.
        Idempotent: erasing again finds nothing to end and the key already gone.
        """
        keyring = self._keyring()
        try:
            filters = Filters(employee=employee_id)
        except ValidationError as exc:
            raise InvalidRequest(f"employee_id: {exc.errors()[0]['msg']}") from exc
        why = reason or ERASED_REASON
        ended: dict[str, Action] = {}
        if not keyring.is_erased(employee_id):
            for execution in await self._executions(filters):
                ended[execution.id] = await self._end(execution, why, wait)
        erased = keyring.erase(employee_id, why)
        # Anything launched for them meanwhile cannot run without the key: end it too.
        for execution in await self._executions(filters):
            if execution.status == WorkflowExecutionStatus.RUNNING:
                await self._terminate(execution.id, why)
                ended[execution.id] = "terminated"
        return Erasure(
            employee_id=employee_id,
            erased_at=erased.erased_at,
            already_erased=erased.already,
            programmes=[ErasedFrom(programme_id=i, action=a) for i, a in ended.items()],
        )

    async def _executions(self, filters: Filters) -> list[WorkflowExecution]:
        """The latest run of each matching workflow."""
        latest: dict[str, WorkflowExecution] = {}
        try:
            async for execution in self.temporal.list_workflows(filters.query()):
                known = latest.get(execution.id)
                if known is None or execution.start_time > known.start_time:
                    latest[execution.id] = execution
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, "") from exc
        return list(latest.values())

    async def _end(self, execution: WorkflowExecution, reason: str, wait: timedelta) -> Action:
        if execution.status != WorkflowExecutionStatus.RUNNING:
            return "already closed"
        programme_id = execution.id
        action: Action = "withdrawn"
        try:
            await asyncio.wait_for(
                self.withdraw(programme_id, Withdraw(reason=reason, key=f"erase-{programme_id}")),
                wait.total_seconds(),
            )
        except (CommandRefused, TimeoutError):
            action = "terminated"
            await self._terminate(programme_id, reason)
        except ProgrammeNotFound:
            return "already closed"
        handle = self.temporal.get_workflow_handle(programme_id)
        deadline = asyncio.get_running_loop().time() + wait.total_seconds()
        while True:
            try:
                status = (await handle.describe()).status
            except (RPCError, RuntimeError) as exc:
                raise _translate(exc, programme_id) from exc
            if status != WorkflowExecutionStatus.RUNNING:
                return action
            if asyncio.get_running_loop().time() > deadline:
                await self._terminate(programme_id, reason)
                return "terminated"
            await asyncio.sleep(0.2)

    async def _terminate(self, programme_id: str, reason: str) -> None:
        try:
            await self.temporal.get_workflow_handle(programme_id).terminate(reason=reason)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:  # not found: it closed meanwhile
                raise _translate(exc, programme_id) from exc

    def _keyring(self) -> Keyring:
        keyring = keyring_of(self.temporal.data_converter)
        if keyring is None:
            raise ParcoursError("this client does not encrypt payloads: nothing to erase")
        return keyring

    def _erased(self, employee_id: str | None) -> bool:
        keyring = keyring_of(self.temporal.data_converter)
        return employee_id is not None and keyring is not None and keyring.is_erased(employee_id)

    async def _refuse_erased(self, programme_id: str) -> None:
        employee_id = employee_of(programme_id)
        if employee_id is None or not self._erased(employee_id):
            return
        try:
            description = await self.temporal.get_workflow_handle(programme_id).describe()
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, programme_id) from exc
        raise ProgrammeErased(_erased_programme(programme_id, employee_id, description))

    # ------------------------------------------------------------ listings

    async def list_programmes(
        self, filters: Filters, page_token: str | None = None, page_size: int = 20
    ) -> ProgrammePage:
        """One page of programmes matching ``filters``, each as its view."""
        try:
            token = base64.urlsafe_b64decode(page_token) if page_token else None
        except (ValueError, binascii.Error) as exc:
            raise InvalidRequest("page_token: not a token this API gave out") from exc
        listing = self.temporal.list_workflows(
            filters.query(), page_size=page_size, next_page_token=token
        )
        try:
            await listing.fetch_next_page()
        except RPCError as exc:
            # Temporal cannot read a made-up token: "something went wrong" or invalid argument
            if token is not None and exc.status in (
                RPCStatusCode.UNKNOWN,
                RPCStatusCode.INVALID_ARGUMENT,
            ):
                raise InvalidRequest("page_token: not a token this API gave out") from exc
            raise _translate(exc, "") from exc
        except RuntimeError as exc:
            raise _translate(exc, "") from exc
        executions = list(listing.current_page or [])
        gate = asyncio.Semaphore(10)
        erased: dict[str, bool] = {}

        async def view(execution: WorkflowExecution) -> ProgrammeView | ErasedProgramme:
            employee_id = execution.typed_search_attributes.get(sa.EMPLOYEE_ID) or employee_of(
                execution.id
            )
            if employee_id is not None:
                if employee_id not in erased:
                    erased[employee_id] = self._erased(employee_id)
                if erased[employee_id]:
                    return _erased_programme(execution.id, employee_id, execution)
            async with gate:  # erasure was checked above, once per employee
                return await self._view(execution.id)

        items = await asyncio.gather(*(view(e) for e in executions))
        following = listing.next_page_token
        return ProgrammePage(
            items=list(items),
            next_page_token=base64.urlsafe_b64encode(following).decode() if following else None,
        )

    async def count_by_stage(self, filters: Filters) -> dict[str, int]:
        """How many programmes match, per stage ('' for those past their last stage)."""
        counts: dict[str, int] = {}
        try:
            async for execution in self.temporal.list_workflows(filters.query()):
                stage = execution.typed_search_attributes.get(sa.PROGRAMME_STAGE) or ""
                counts[stage] = counts.get(stage, 0) + 1
        except (RPCError, RuntimeError) as exc:
            raise _translate(exc, "") from exc
        return dict(sorted(counts.items()))

    def _handle(self, programme_id: str) -> Handle:
        return self.temporal.get_workflow_handle_for(ProgrammeWorkflow.run, programme_id)


def _erased_programme(
    programme_id: str, employee_id: str, execution: WorkflowExecution
) -> ErasedProgramme:
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


def _translate(exc: RPCError | RuntimeError, programme_id: str) -> ParcoursError:
    """Temporal's errors in the words of a programme.

    A lazy client connects on first use: a server out of reach then shows up as a
    RuntimeError from the connection, which is the same as unavailable.
    """
    if not isinstance(exc, RPCError):
        if "connect" in str(exc).lower():
            return TemporalUnavailable(f"Temporal is unavailable: {exc}")
        raise exc
    if exc.status == RPCStatusCode.NOT_FOUND:
        return ProgrammeNotFound(programme_id)
    if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return TemporalUnavailable(f"Temporal is unavailable: {exc.message}")
    if exc.status == RPCStatusCode.FAILED_PRECONDITION:
        return CommandRefused(exc.message)
    return ParcoursError(exc.message)
