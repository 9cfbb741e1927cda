"""Drive a programme workflow under the time-skipping server as integrators would."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

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
from domain.events import Event
from domain.template import Role, Template
from domain.view import ProgrammeView
from tests.support import skip_time
from tests.workflows.conftest import Harness
from workflows.messages import REVISION, ProgrammeInput, ProgrammeOutcome, RunSettings
from workflows.programme import ProgrammeWorkflow


class Programme:
    def __init__(
        self,
        harness: Harness,
        template: Template,
        handle: WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome],
    ) -> None:
        self.harness = harness
        self.template = template
        self.handle = handle

    @classmethod
    async def launch(
        cls,
        harness: Harness,
        template: Template,
        settings: RunSettings | None = None,
        revision: int = REVISION,
    ) -> Programme:
        programme_id = f"{template.id}.E{uuid.uuid4().hex[:8]}"
        launch = Launch(
            programme_id=programme_id,
            employee=Employee(id="E123", name="Alice Martin", email="alice@example.com"),
            template=template,
            coach_id="C7",
            manager_id="M3",
            sponsor_id="S5",
            hr_id="H2",
        )
        handle = await harness.env.client.start_workflow(
            ProgrammeWorkflow.run,
            ProgrammeInput(launch=launch, settings=settings or RunSettings(), revision=revision),
            id=programme_id,
            task_queue=harness.task_queue,
        )
        harness.started.append(handle)
        return cls(harness, template, handle)

    async def now(self) -> datetime:
        return await self.harness.env.get_current_time()

    async def sleep_until(self, at: datetime) -> None:
        gap = at - await self.now()
        if gap > timedelta(0):
            await skip_time(self.harness.env, gap)

    async def view(self) -> ProgrammeView:
        # A query that lands while the programme continues as new can time out once.
        for _ in range(3):
            try:
                return await self.handle.query(ProgrammeWorkflow.view)
            except RPCError:
                await asyncio.sleep(0.2)
        return await self.handle.query(ProgrammeWorkflow.view)

    async def events(self) -> list[Event]:
        return (await self.handle.query(ProgrammeWorkflow.events, 0)).events

    async def agree(self) -> ProgrammeView:
        return await self.handle.execute_update(
            ProgrammeWorkflow.agree_objectives,
            AgreeObjectives(short_term=["Delegate the weekly report"], long_term=["Lead the unit"]),
        )

    async def feedback(self, *roles: Role, score: int = 3, key: str | None = None) -> None:
        dimensions = self.template.dimensions
        view = await self.view()
        for role in roles:
            held = view.employee.id if role is Role.employee else view.holders.of(role)
            rater = held or f"{role.value}-1"
            if role in NOMINATED_ROLES:
                with contextlib.suppress(WorkflowUpdateFailedError):
                    await self.handle.execute_update(
                        ProgrammeWorkflow.nominate_raters,
                        NominateRaters(raters=(Nominee(role=role, id=rater),)),
                    )
            await self.handle.signal(
                ProgrammeWorkflow.give_feedback,
                GiveFeedback(
                    role=role,
                    rater_id=rater,
                    scores=dict.fromkeys(dimensions, score),
                    key=key,
                ),
            )

    async def progress(self, objective_id: str, percent: int) -> None:
        await self.handle.signal(
            ProgrammeWorkflow.record_progress,
            RecordProgress(objective_id=objective_id, percent=percent),
        )

    async def hold_sessions(self, status: SessionStatus = SessionStatus.held) -> list[int]:
        """Hold each planned session of the current stage at its planned time."""
        numbers = []
        for session in (await self.view()).sessions:
            if session.status == "cancelled":
                continue  # by agreement (rules 6): nothing to record
            assert session.at is not None
            await self.sleep_until(session.at)
            await self.handle.signal(
                ProgrammeWorkflow.record_session,
                RecordSession(number=session.number, status=status),
            )
            numbers.append(session.number)
        return numbers


HOLDERS = {
    Role.employee: "E123",
    Role.coach: "C7",
    Role.manager: "M3",
    Role.sponsor: "S5",
    Role.hr: "H2",
}
"""Who answers as each held role in a programme the driver launches (rules 3)."""


async def drive_to_completion(
    programme: Programme, on_view: Callable[[ProgrammeView], Awaitable[None]] | None = None
) -> ProgrammeOutcome:
    """Open every stage's gate the way its template asks, then wait for the outcome.

    ``on_view``, if given, sees the view before each step (and may act on it first)."""
    while True:
        view = await programme.view()
        if on_view is not None:
            await on_view(view)
            view = await programme.view()
        if view.stage is None:
            return await programme.handle.result()
        stage = programme.template.stage(view.stage)
        gate = stage.gate
        if gate.objectives_agreed and not view.objectives:
            await programme.agree()
        elif gate.progress_recorded and any(o.percent is None for o in view.objectives):
            if not view.objectives:
                await programme.agree()
            for objective in view.objectives:
                await programme.progress(objective.id, 10)
        elif gate.feedback is not None and view.missing:
            await programme.feedback(*gate.feedback.roles, score=4)
        elif stage.sessions is not None and any(s.status == "planned" for s in view.sessions):
            await programme.hold_sessions()
        else:
            await programme.sleep_until(view.next_deadline or await programme.now())
