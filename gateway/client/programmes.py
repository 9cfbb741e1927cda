"""``ProgrammeClient``: the one Python client; the CLI and the HTTP API are shells over it.

One class, one method per thing a caller does to a programme, so it is long; erasure,
cohorts, errors and models live beside it (``gateway.client.*``).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecution,
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

from adapters.language.zones import zone_of
from adapters.payloads.keyring import DataErased, Keyring
from adapters.reports import Report, reports_of
from adapters.stores.archive import ArchiveEntry, ArchiveFilter, ProgrammeArchive
from adapters.stores.people import PeopleDirectory
from adapters.temporal.connection import Connection
from adapters.temporal.connection import connect as connect_to
from domain import ids, published
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    AmendObjectives,
    CancelSession,
    Employee,
    GiveFeedback,
    Launch,
    NominateRaters,
    Pause,
    RateExpectations,
    Reassign,
    RecordExpectations,
    RecordProgress,
    RecordSession,
    RescheduleSession,
    Resume,
    Withdraw,
)
from domain.enrolment import check_start
from domain.errors import DomainError
from domain.events import Event
from domain.holders import NOBODY, Holders
from domain.people import Contact
from domain.replanning import check_first_session
from domain.roles import one_role_each
from domain.rules import check_occurred_at
from domain.template import Role, Template
from domain.view import ProgrammeView
from gateway.client import archived, erasure, keys, pages
from gateway.client.errors import (
    CommandRefused,
    InvalidRequest,
    ParcoursError,
    ProgrammeNotFound,
    TemporalUnavailable,
    translate,
)
from gateway.client.models import (
    ErasedProgramme,
    Erasure,
    Filters,
    Launched,
    ProgrammePage,
    check_zone,
)
from workflows import search_attributes as sa
from workflows.messages import (
    REVISION,
    TASK_QUEUE,
    ProgrammeInput,
    ProgrammeOutcome,
    Receipt,
    RunSettings,
)
from workflows.programme import ProgrammeWorkflow

if TYPE_CHECKING:
    from adapters.temporal import history
    from workers.replay import Replayed

# Reading Temporal's own history and replaying it need the worker's replayer: imported by
# the methods that do it, so a command that only signals or reads a view starts faster.

Handle = WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome]
C = TypeVar("C", bound=BaseModel)
RECEIPT_WAIT = timedelta(seconds=5)
QUERY_WAIT = timedelta(seconds=10)
"""How long a read of a programme (a query, answered by a worker) waits: Temporal's own
wait for a worker is about 30 s, after which it says "no poller seen"; both are 503."""
UPDATE_WAIT = timedelta(seconds=20)
"""How long a request (an update) waits for a worker to take it. Without a bound the
SDK waits for ever while no worker runs, and so would the API's and the CLI's callers."""


def start_of(day: date, time_zone: str = "UTC") -> datetime:
    """Midnight of ``day`` in the programme's time zone: a date people give is theirs."""
    return datetime.combine(day, time(0), tzinfo=zone_of(time_zone))


class ProgrammeClient:
    def __init__(
        self,
        client: Client,
        task_queue: str = TASK_QUEUE,
        *,
        update_wait: timedelta = UPDATE_WAIT,
        people: PeopleDirectory | None = None,
        archive: ProgrammeArchive | None = None,
        key_scope: str | None = None,
    ) -> None:
        self.key_scope = key_scope
        """Whose keys the commands carry (``gateway.client.keys``): a caller's key is sent
        scoped by it and the command; None when the caller scoped it already (the API)."""
        self.people = people
        """Where contacts are kept (``set_person``); None: launches take ids only."""
        self.archive = archive
        """Where closed programmes are kept past Temporal's retention; None: not read."""
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
    ) -> ProgrammeClient:
        """A client on a plain connection (tests, scripts); services connect through
        ``bootstrap.connect`` and wrap the client they get."""
        client = await connect_to(Connection(target_host, namespace), keyring)
        return cls(client, task_queue)

    # ------------------------------------------------------------ launch

    async def launch(
        self,
        *,
        employee: Employee,
        template: Template,
        holders: Holders = NOBODY,
        cohort_id: str | None = None,
        start_date: date | None = None,
        settings: RunSettings | None = None,
        contacts: tuple[Contact, ...] = (),
        first_session: datetime | None = None,
    ) -> Launched:
        """Launch a programme with ``holders`` in its coach's, manager's, sponsor's and HR's
        roles; ``contacts`` (theirs) fill the people directory first."""
        programme_id = ids.programme_id(template.id, employee.id)
        try:
            check_zone(employee.time_zone)
        except ValueError as exc:
            raise InvalidRequest(f"employee.time_zone: {exc}") from exc
        for contact in contacts:  # a store write each: off the event loop
            await asyncio.to_thread(self.set_person, contact)
        if start_date is not None:
            try:
                check_start(start_date, datetime.now(UTC).date())
            except DomainError as exc:
                raise InvalidRequest(str(exc)) from exc
        try:  # the workflow would take it under rules 5 and refuse it: say so now
            one_role_each(
                {
                    Role.employee: employee.id,
                    Role.coach: holders.coach,
                    Role.manager: holders.manager,
                    Role.sponsor: holders.sponsor,
                }
            )
        except DomainError as exc:
            raise InvalidRequest(exc.shown) from exc
        launch = Launch(
            programme_id=programme_id,
            employee=employee,
            template=template,
            **holders.as_ids(),
            cohort_id=cohort_id,
            start=start_of(start_date, employee.time_zone) if start_date else None,
            first_session=first_session,
        )
        if first_session is not None:
            try:
                starts = launch.start or datetime.now(UTC)
                check_first_session(first_session, max(starts, datetime.now(UTC)), template)
            except DomainError as exc:
                raise InvalidRequest(str(exc)) from exc
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
                # Ids only: the Web UI shows it in every listing, to whoever may list.
                static_summary=f"{template.id} — {employee.id}",
            )
        except WorkflowAlreadyStartedError:
            return Launched(programme_id=programme_id, created=False)
        except DataErased as exc:  # no new data for an erased employee, ever
            raise CommandRefused(f"cannot launch {programme_id}: {exc}") from exc
        except (RPCError, RuntimeError) as exc:
            raise translate(exc, programme_id) from exc
        return Launched(programme_id=programme_id, created=True)

    # ------------------------------------------------------------ requests (updates)

    async def agree_objectives(self, programme_id: str, command: AgreeObjectives) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.agree_objectives, command)

    async def amend_objectives(self, programme_id: str, command: AmendObjectives) -> ProgrammeView:
        """Replace the agreed objectives mid-programme (``domain.objectives``)."""
        return await self._update(programme_id, ProgrammeWorkflow.amend_objectives, command)

    async def record_expectations(
        self, programme_id: str, command: RecordExpectations
    ) -> ProgrammeView:
        """What the client expects of the programme (``domain.expectations``)."""
        return await self._update(programme_id, ProgrammeWorkflow.record_expectations, command)

    async def rate_expectations(
        self, programme_id: str, command: RateExpectations
    ) -> ProgrammeView:
        """Whether the client's expectations were met, 1..5."""
        return await self._update(programme_id, ProgrammeWorkflow.rate_expectations, command)

    async def reschedule_session(
        self, programme_id: str, command: RescheduleSession
    ) -> ProgrammeView:
        """Move one planned session (rules 6, ``domain.replanning``)."""
        return await self._update(programme_id, ProgrammeWorkflow.reschedule_session, command)

    async def cancel_session(self, programme_id: str, command: CancelSession) -> ProgrammeView:
        """Cancel one planned session by agreement (rules 6)."""
        return await self._update(programme_id, ProgrammeWorkflow.cancel_session, command)

    async def pause(self, programme_id: str, command: Pause) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.pause, command)

    async def resume(self, programme_id: str, command: Resume) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.resume, command)

    async def nominate_raters(self, programme_id: str, command: NominateRaters) -> ProgrammeView:
        """Nominate raters for a feedback stage (rules 3)."""
        return await self._update(programme_id, ProgrammeWorkflow.nominate_raters, command)

    async def reassign(self, programme_id: str, command: Reassign) -> ProgrammeView:
        """Give the coach, manager, sponsor or HR role to another person (rules 3)."""
        return await self._update(programme_id, ProgrammeWorkflow.reassign, command)

    def set_person(self, contact: Contact) -> Contact:
        """Add or replace a person's contacts in the people directory (sealed with their
        own key); ``InvalidRequest`` when this client has no directory."""
        if self.people is None:
            raise InvalidRequest("people: no people directory is configured here")
        try:
            self.people.put(contact)
        except DataErased as exc:
            raise InvalidRequest(f"{contact.id}: this person was erased") from exc
        return contact

    def person(self, person_id: str) -> Contact | None:
        return self.people.get(person_id) if self.people is not None else None

    async def withdraw(self, programme_id: str, command: Withdraw) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.withdraw, command)

    async def advance_stage(self, programme_id: str, command: AdvanceStage) -> ProgrammeView:
        return await self._update(programme_id, ProgrammeWorkflow.advance_stage, command)

    async def _update(self, programme_id: str, update: Any, command: Any) -> ProgrammeView:
        """Send a request and wait for its answer, at most ``update_wait``.

        The update's id is the command's key, so a request sent again after a timeout is
        the same request to Temporal, and the programme applies its key once.
        """
        command = self._scoped(command)
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
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise await self._closed(programme_id, update) from exc
            raise translate(exc, programme_id) from exc
        except RuntimeError as exc:
            raise translate(exc, programme_id) from exc
        assert isinstance(result, ProgrammeView)
        return result

    async def _closed(self, programme_id: str, update: Any) -> ParcoursError:
        """An update Temporal could not deliver: to a programme that ended (a refusal that
        says so, as the programme would), or to none."""
        try:
            described = await self._handle(programme_id).describe()
        except RPCError as exc:
            return translate(exc, programme_id)
        status = described.typed_search_attributes.get(sa.PROGRAMME_STATUS) or "closed"
        doing = getattr(update, "__name__", "do that").replace("_", " ")
        return CommandRefused(f"cannot {doing}: the programme is {status}")

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
        now = datetime.now(UTC)
        if command.occurred_at is not None:
            await self._check_occurred_at(programme_id, command.occurred_at, now)
        given = command.key
        stamped: dict[str, Any] = {"occurred_at": command.occurred_at or now}
        if command.key is None:
            stamped["key"] = str(uuid.uuid4())
        command = command.model_copy(update=stamped)
        if given is not None:  # a key made here is no caller's: nothing to scope
            command = self._scoped(command)
        assert command.key is not None
        handle = self._handle(programme_id)
        try:
            await handle.signal(signal, command)
        except DataErased as exc:
            raise CommandRefused(str(exc)) from exc
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:  # ended: say so, as for a request
                raise await self._closed(programme_id, signal) from exc
            raise translate(exc, programme_id) from exc
        except RuntimeError as exc:
            raise translate(exc, programme_id) from exc
        receipt = await self._await_receipt(handle, command.key)
        if receipt.outcome == "rejected":
            raise CommandRefused(receipt.reason or "refused")
        # The caller's key as they gave it, not the one the programme records for it.
        return receipt.model_copy(update={"key": given}) if given is not None else receipt

    def _scoped(self, command: C) -> C:
        """``command`` with the key the programme records for its caller's key."""
        key = getattr(command, "key", None)
        if self.key_scope is None or key is None:
            return command
        scoped = keys.scoped_key(self.key_scope, keys.command_kind(command), key)
        return command.model_copy(update={"key": scoped})

    async def _check_occurred_at(
        self, programme_id: str, occurred_at: datetime, now: datetime
    ) -> None:
        """A time the caller gave: not in the future, not before the programme began."""
        try:
            check_occurred_at(occurred_at, now, datetime.min.replace(tzinfo=UTC))
            view = await self.view(programme_id)
            check_occurred_at(occurred_at, now, view.starts_at)
        except DomainError as exc:
            raise InvalidRequest(str(exc)) from exc

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
        await erasure.refuse_erased(self.temporal, programme_id)
        try:
            return await self._view(programme_id)
        except ProgrammeNotFound:
            return await archived.view(self.archive, programme_id)

    async def _view(self, programme_id: str) -> ProgrammeView:
        try:
            return await self._handle(programme_id).query(
                ProgrammeWorkflow.view, rpc_timeout=QUERY_WAIT
            )
        except RPCTimeoutOrCancelledError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            raise TemporalUnavailable(
                f"no worker answered for the programme within {QUERY_WAIT.total_seconds():g} s"
            ) from exc
        except (RPCError, RuntimeError) as exc:
            raise translate(exc, programme_id) from exc

    async def events(self, programme_id: str, after: int = 0) -> list[Event]:
        """The domain timeline across every run, read from Temporal: no worker needed.

        ``ProgrammeErased`` when its data was erased (``erased_timeline`` still works)."""
        from adapters.temporal import history

        await erasure.refuse_erased(self.temporal, programme_id)
        try:
            events = await history.domain_events(self.temporal, programme_id)
        except (RPCError, RuntimeError) as exc:
            found = translate(exc, programme_id)
            if not isinstance(found, ProgrammeNotFound):
                raise found from exc
            # Gone from Temporal (past its retention): the archive kept it.
            events = await archived.events(self.archive, programme_id)
        return [e for e in events if e.seq > after]

    async def closed_programmes(self, where: ArchiveFilter) -> list[ArchiveEntry]:
        """Closed programmes as the archive keeps them, whether Temporal still has their
        runs or not: ids, status, last stage and dates only."""
        return await archived.entries(self.archive, where)

    async def shown_events(self, programme_id: str, after: int = 0) -> list[Event]:
        """The timeline as the employee and the platform may read it: no rater ids, no
        one rater's scores where a role needs more (``domain.published``)."""
        shown = published.events(await self.events(programme_id))
        return [e for e in shown if e.seq > after]

    async def evaluation_reports(self, programme_id: str) -> list[Report]:
        """The programme's evaluation reports, rebuilt from its events (1 is the first),
        with the confidentiality minimums applied (``adapters.reports.report``);
        ``ProgrammeErased`` when its data was erased. Nothing is read from files."""
        return reports_of(await self.events(programme_id))

    async def raw_history(self, programme_id: str) -> list[history.RawEvent]:
        """Temporal's own events, decoded; an erased payload shows as ``[erased]``."""
        from adapters.temporal import history

        try:
            return await history.raw_events(self.temporal, programme_id)
        except (RPCError, RuntimeError) as exc:
            raise translate(exc, programme_id) from exc

    async def erased_timeline(self, programme_id: str) -> list[history.RawEvent]:
        """What Temporal recorded of a programme whose data was erased: the domain
        timeline cannot be rebuilt, so its inputs and results show as ``[erased]``."""
        from adapters.temporal import history

        try:
            return history.timeline_of(await history.raw_events(self.temporal, programme_id))
        except (RPCError, RuntimeError) as exc:
            if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
                return []  # Temporal's retention removed it too: nothing is left
            raise translate(exc, programme_id) from exc

    # ------------------------------------------------------------ erasure

    async def erase(
        self, employee_id: str, reason: str | None = None, *, wait: timedelta = erasure.ERASE_WAIT
    ) -> Erasure:
        """Erase an employee's personal data (see ``gateway.client.erasure``)."""
        return await erasure.erase(
            self.temporal,
            self.people,
            self.withdraw,
            employee_id,
            reason,
            wait=wait,
            archive=self.archive,
        )

    # ------------------------------------------------------------ listings

    async def list_programmes(
        self,
        filters: Filters,
        page_token: str | None = None,
        page_size: int = 20,
        *,
        scope: str = "",
    ) -> ProgrammePage:
        """One page of programmes matching ``filters``, each as its view.

        Page tokens are signed (``gateway.client.pages``) for these filters and ``scope``
        (the API passes the caller's role): a forged or misused one is refused at once,
        without asking Temporal."""
        query = filters.query()
        key = pages.key_for(self.temporal)
        token = pages.verify(key, scope, query, page_token) if page_token else None
        listing = self.temporal.list_workflows(query, page_size=page_size, next_page_token=token)
        try:
            await listing.fetch_next_page()
        except RPCError as exc:
            # Signed by us, yet Temporal cannot read it (another cluster's, say)
            if token is not None and exc.status in (
                RPCStatusCode.UNKNOWN,
                RPCStatusCode.INVALID_ARGUMENT,
            ):
                raise InvalidRequest("page_token: not a token this API gave out") from exc
            raise translate(exc, "") from exc
        except RuntimeError as exc:
            raise translate(exc, "") from exc
        executions = list(listing.current_page or [])
        gate = asyncio.Semaphore(10)
        erased: dict[str, bool] = {}

        async def view(execution: WorkflowExecution) -> ProgrammeView | ErasedProgramme:
            employee_id = execution.typed_search_attributes.get(sa.EMPLOYEE_ID) or ids.employee_of(
                execution.id
            )
            if employee_id is not None:
                if employee_id not in erased:
                    erased[employee_id] = erasure.is_erased(self.temporal, employee_id)
                if erased[employee_id]:
                    return erasure.erased_programme(execution.id, employee_id, execution)
            async with gate:  # erasure was checked above, once per employee
                return await self._view(execution.id)

        items = await asyncio.gather(*(view(e) for e in executions))
        following = listing.next_page_token
        return ProgrammePage(
            items=list(items),
            next_page_token=pages.sign(key, scope, query, following) if following else None,
        )

    async def count_by_stage(self, filters: Filters) -> dict[str, int]:
        """How many programmes match, per stage ('' for those past their last stage)."""
        counts: dict[str, int] = {}
        try:
            async for execution in self.temporal.list_workflows(filters.query()):
                stage = execution.typed_search_attributes.get(sa.PROGRAMME_STAGE) or ""
                counts[stage] = counts.get(stage, 0) + 1
        except (RPCError, RuntimeError) as exc:
            raise translate(exc, "") from exc
        return dict(sorted(counts.items()))

    # ------------------------------------------------------------ deploys

    async def replay_check(
        self, query: str | None = None, limit: int | None = None
    ) -> list[Replayed]:
        """Replay the running programmes (or those ``query`` finds) with this code."""
        from workers.replay import RUNNING, replay_running

        try:
            return await replay_running(self.temporal, query or RUNNING, limit)
        except RPCError as exc:
            if exc.status == RPCStatusCode.INVALID_ARGUMENT:
                raise InvalidRequest(f"query: {exc.message}") from exc
            raise translate(exc, "") from exc
        except RuntimeError as exc:
            raise translate(exc, "") from exc

    def _handle(self, programme_id: str) -> Handle:
        return self.temporal.get_workflow_handle_for(ProgrammeWorkflow.run, programme_id)
