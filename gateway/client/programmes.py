"""``ProgrammeClient``: the one Python client; the CLI and the HTTP API are shells over it.

One class, one method per thing a caller does to a programme; the work behind them lives
beside it (``gateway.client.*``): launching, sending requests and facts, listings,
erasure, cohorts, errors and models.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from adapters.payloads.key_errors import DataErased
from adapters.payloads.keyring import Keyring
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
from domain.events import Event
from domain.holders import NOBODY, Holders
from domain.people import Contact
from domain.template import Template
from domain.view import ProgrammeView
from gateway.client import archived, erasure, keys, launching, listings, sending
from gateway.client.errors import (
    CommandRefused,
    InvalidRequest,
    ProgrammeErased,
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
from gateway.client.waits import QUERY_WAIT as QUERY_WAIT
from workflows.messages import (
    TASK_QUEUE,
    Receipt,
    RunSettings,
)
from workflows.programme import ProgrammeWorkflow

if TYPE_CHECKING:
    from adapters.temporal import history
    from workers.replay import Replayed

# Reading Temporal's own history and replaying it need the worker's replayer: imported by
# the methods that do it, so a command that only signals or reads a view starts faster.

C = TypeVar("C", bound=BaseModel)
UPDATE_WAIT = timedelta(seconds=20)
"""How long a request (an update) waits for a worker to take it. Without a bound the
SDK waits for ever while no worker runs, and so would the API's and the CLI's callers."""


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
        ``bootstrap.temporal.connect`` and wrap the client they get."""
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
        launch = launching.checked_launch(
            programme_id,
            employee=employee,
            template=template,
            holders=holders,
            cohort_id=cohort_id,
            start_date=start_date,
            first_session=first_session,
        )
        return await launching.start(self.temporal, self.task_queue, launch, settings, cohort_id)

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
        """Send a request and wait for its answer, at most ``update_wait``
        (``gateway.client.sending.request``)."""
        handle = self._handle(programme_id)
        scoped = self._scoped(command)
        return await sending.request(handle, programme_id, update, scoped, self.update_wait)

    # ------------------------------------------------------------ facts (signals)

    async def give_feedback(self, programme_id: str, command: GiveFeedback) -> Receipt:
        return await self._signal(programme_id, ProgrammeWorkflow.give_feedback, command)

    async def record_session(self, programme_id: str, command: RecordSession) -> Receipt:
        return await self._signal(programme_id, ProgrammeWorkflow.record_session, command)

    async def record_progress(self, programme_id: str, command: RecordProgress) -> Receipt:
        return await self._signal(programme_id, ProgrammeWorkflow.record_progress, command)

    async def _signal(self, programme_id: str, signal: Any, command: sending.Fact) -> Receipt:
        """Send a fact and wait briefly for its receipt (``gateway.client.sending.fact``)."""
        receipt = await sending.fact(
            self._handle(programme_id), programme_id, signal, self._scoped(command), self.view
        )
        # The caller's key as they gave it, not the one the programme records for it.
        return receipt if command.key is None else receipt.model_copy(update={"key": command.key})

    def _scoped(self, command: C) -> C:
        """``command`` with the key the programme records for its caller's key (a key
        made for a fact given none is no caller's: ``sending.fact`` makes it unscoped)."""
        key = getattr(command, "key", None)
        if self.key_scope is None or key is None:
            return command
        scoped = keys.scoped_key(self.key_scope, keys.command_kind(command), key)
        return command.model_copy(update={"key": scoped})

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
        """One page of programmes matching ``filters``, each as its view
        (``gateway.client.listings``)."""
        return await listings.list_programmes(
            self.temporal, self._listed_view, filters, page_token, page_size, scope
        )

    async def list_rows(
        self, filters: Filters, page_token: str | None = None, page_size: int = 20
    ) -> listings.ListedPage:
        """One page of programmes matching ``filters``, as rows (``gateway.client.listed``)."""
        return await listings.list_rows(
            self.temporal, self._listed_view, filters, page_token, page_size, ""
        )

    async def _listed_view(self, programme_id: str) -> ProgrammeView | ErasedProgramme | None:
        """A listed programme's view. Temporal's visibility can still list a run its
        retention (or a delete) has just removed: that one is read from the archive,
        or is gone (None) when the archive does not have it either."""
        try:
            return await self._view(programme_id)
        except ProgrammeNotFound:
            pass
        try:
            return await archived.view(self.archive, programme_id)
        except ProgrammeNotFound:
            return None
        except ProgrammeErased as exc:  # erased since the listing checked
            return exc.programme

    async def count_by_stage(self, filters: Filters) -> dict[str, int]:
        """How many programmes match, per stage ('' for those past their last stage)."""
        return await listings.count_by_stage(self.temporal, filters)

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

    async def make_current(self, build_id: str) -> tuple[str, str | None]:
        """Make ``build_id`` the current build of the ``parcours`` deployment: new
        programmes start on it, running ones move to it at their next continue-as-new.
        Returns its canonical version and the one it replaced (None: there was none)."""
        from workers.deployment import DeploymentError, make_current, version_of

        version = version_of(build_id)
        try:
            previous = await make_current(self.temporal, version, identity="parcours deploy")
        except DeploymentError as exc:
            raise CommandRefused(str(exc)) from exc
        except RuntimeError as exc:
            raise translate(exc, "") from exc
        shown = None if previous is None else previous.to_canonical_string()
        return version.to_canonical_string(), shown

    async def move_pinned(self, build_id: str) -> tuple[list[Replayed], list[Replayed]]:
        """Move the running programmes pinned to other builds onto ``build_id``, each once
        it replays with this code (``workers.moving``); returns those moved and those left."""
        from workers.deployment import version_of
        from workers.moving import move_pinned

        try:
            moved = await move_pinned(
                self.temporal, version_of(build_id), identity="parcours deploy"
            )
        except (RPCError, RuntimeError) as exc:
            raise translate(exc, "") from exc
        return moved.moved, moved.left

    def _handle(self, programme_id: str) -> sending.Handle:
        return self.temporal.get_workflow_handle_for(ProgrammeWorkflow.run, programme_id)
