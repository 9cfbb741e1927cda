"""The two sides measured: parcours and the raw baseline, behind one small interface.

Both sides use the same client (and so the same data converter); each has its
own task queue on the same worker process with the same settings.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from pathlib import Path

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from bench.baseline import BaselineWorkflow
from bench.messages import BaselineInput, Nominate, Ping
from bench.worker import BASELINE_QUEUE, PARCOURS_QUEUE
from domain.commands import Employee, GiveFeedback, NominateRaters, Nominee
from domain.holders import Holders
from domain.template import Dimension, Role, Template
from domain.template_parsing import parse_template
from gateway.client import ProgrammeClient
from workflows.messages import ProgrammeOutcome
from workflows.programme import ProgrammeWorkflow

ROOT = Path(__file__).resolve().parents[1]
E2E_TEMPLATE = Path(__file__).parent / "templates" / "bench-e2e.yaml"
OPEN_TEMPLATE = Path(__file__).parent / "templates" / "bench-open.yaml"
PEERS = 8
"""Peers a programme's signals come from: a stage takes 10 raters, 4 answers each."""
OPEN_ENDED = 1_000_000_000
"""Signals a baseline waits for when it must stay open (launch and signal rounds)."""
APPLY_TIMEOUT = 120.0
"""Seconds a workflow may take to apply its signals before the bench gives up."""
SCORED = (Dimension.motivation, Dimension.adaptability)
"""What every feedback signal scores: assessed by both templates the parcours side uses."""


def load_template(path: Path) -> Template:
    return parse_template(path.read_text(encoding="utf-8"), str(path))


class Side(ABC):
    """One side of the comparison: how to start, signal, watch and end a workflow."""

    name: str

    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    @abstractmethod
    async def start(self, ident: str, signals: int | None) -> str:
        """Start one workflow; ``signals``: how many it completes after (None: stays open)."""

    @abstractmethod
    async def live(self, workflow_id: str) -> None:
        """Return once the workflow has run its first task (a cheap query answered)."""

    @abstractmethod
    async def signal(self, workflow_id: str, number: int, of: int, *, closing: bool) -> None:
        """Send signal ``number`` (0-based) of ``of``. ``closing``: the workflow was started
        to complete after its ``of`` signals (end to end); an open one's stay signals and
        nothing more, on both sides."""

    @abstractmethod
    async def applied(self, workflow_id: str, of: int) -> bool:
        """Has the workflow applied all ``of`` signals sent to it?"""

    @abstractmethod
    async def ready_for(self, workflow_id: str, signals: int) -> None:
        """Untimed set-up before ``signals`` signals reach an open workflow: who may
        answer (rules 3) nominated, as ``start`` does for one that completes."""

    async def result(self, workflow_id: str) -> None:
        await self.client.get_workflow_handle(workflow_id).result()

    async def terminate(self, workflow_id: str) -> None:
        with contextlib.suppress(RPCError):  # already closed
            await self.client.get_workflow_handle(workflow_id).terminate("bench round over")

    async def history_length(self, workflow_id: str) -> int:
        description = await self.client.get_workflow_handle(workflow_id).describe()
        return int(description.raw_description.workflow_execution_info.history_length)

    async def wait_applied(self, workflow_id: str, of: int) -> None:
        """Poll (backing off) until the workflow has applied its ``of`` signals."""
        delay = 0.005
        async with asyncio.timeout(APPLY_TIMEOUT):
            while not await self.applied(workflow_id, of):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.1)


class Parcours(Side):
    """Programmes launched with ``ProgrammeClient.launch``; signals are GiveFeedback."""

    name = "parcours"

    def __init__(
        self,
        client: Client,
        open_template: Template,
        closing_template: Template,
        task_queue: str = PARCOURS_QUEUE,
    ) -> None:
        super().__init__(client, task_queue)
        self.programmes = ProgrammeClient(client, task_queue=task_queue)
        self.open_template = open_template
        self.closing_template = closing_template

    @classmethod
    def default(cls, client: Client, task_queue: str = PARCOURS_QUEUE) -> Parcours:
        return cls(client, load_template(OPEN_TEMPLATE), load_template(E2E_TEMPLATE), task_queue)

    def _handle(self, workflow_id: str) -> WorkflowHandle[ProgrammeWorkflow, ProgrammeOutcome]:
        return self.client.get_workflow_handle_for(ProgrammeWorkflow.run, workflow_id)

    async def start(self, ident: str, signals: int | None) -> str:
        template = self.open_template if signals is None else self.closing_template
        launched = await self.programmes.launch(
            employee=Employee(id=ident, name=f"Bench {ident}", email=f"{ident}@example.com"),
            template=template,
            holders=Holders(coach="C1", manager="M1"),
        )
        if not launched.created:
            raise RuntimeError(f"programme {launched.programme_id} already existed")
        if signals:  # rules 3: the peers who answer are nominated first
            await self.nominate(launched.programme_id, min(signals - 1, PEERS))
        return launched.programme_id

    async def nominate(self, programme_id: str, peers: int = PEERS) -> None:
        """Nominate peers R0.. for the programme's stage (rules 3), untimed set-up."""
        if peers > 0:
            await self.programmes.nominate_raters(
                programme_id,
                NominateRaters(
                    raters=tuple(Nominee(role=Role.peer, id=f"R{n}") for n in range(peers))
                ),
            )

    async def ready_for(self, workflow_id: str, signals: int) -> None:
        await self.nominate(workflow_id, min(signals, PEERS))  # every signal a peer's

    async def live(self, workflow_id: str) -> None:
        await self._handle(workflow_id).query(ProgrammeWorkflow.receipt, "live?")

    async def signal(self, workflow_id: str, number: int, of: int, *, closing: bool) -> None:
        # The manager's feedback opens a stage's gate, so it comes only last and only where
        # the programme is to close: on an open one it would run the stage's evaluation,
        # an activity the baseline's open workflow does not run.
        role = Role.manager if closing and number == of - 1 else Role.peer
        await self._handle(workflow_id).signal(
            "give_feedback",
            GiveFeedback(
                key=f"{workflow_id}:{number}",
                role=role,
                rater_id="M1" if role is Role.manager else f"R{number % PEERS}",
                scores=dict.fromkeys(SCORED, 3),
            ),
        )

    async def applied(self, workflow_id: str, of: int) -> bool:
        receipt = await self._handle(workflow_id).query(
            ProgrammeWorkflow.receipt, f"{workflow_id}:{of - 1}"
        )
        if receipt.outcome == "rejected":
            raise RuntimeError(f"{workflow_id} refused a signal: {receipt.reason}")
        return receipt.outcome == "applied"


class Baseline(Side):
    """The raw workflow: ``start_workflow``, ``ping`` signals, a ``has(key)`` query."""

    name = "baseline"

    def __init__(self, client: Client, task_queue: str = BASELINE_QUEUE) -> None:
        super().__init__(client, task_queue)

    def _handle(self, workflow_id: str) -> WorkflowHandle[BaselineWorkflow, object]:
        return self.client.get_workflow_handle_for(BaselineWorkflow.run, workflow_id)

    async def start(self, ident: str, signals: int | None) -> str:
        workflow_id = f"baseline.{ident}"
        await self.client.start_workflow(
            BaselineWorkflow.run,
            BaselineInput(id=workflow_id, signals=OPEN_ENDED if signals is None else signals),
            id=workflow_id,
            task_queue=self.task_queue,
        )
        if signals:  # as parcours nominates the peers who answer (Parcours.start)
            await self._nominate(workflow_id, min(signals - 1, PEERS))
        return workflow_id

    async def ready_for(self, workflow_id: str, signals: int) -> None:
        await self._nominate(workflow_id, min(signals, PEERS))

    async def _nominate(self, workflow_id: str, peers: int) -> None:
        await self._handle(workflow_id).execute_update(
            BaselineWorkflow.nominate, Nominate(raters=tuple(f"R{n}" for n in range(peers)))
        )

    async def live(self, workflow_id: str) -> None:
        await self._handle(workflow_id).query(BaselineWorkflow.has, "live?")

    async def signal(self, workflow_id: str, number: int, of: int, *, closing: bool) -> None:
        await self._handle(workflow_id).signal(
            BaselineWorkflow.ping,
            Ping(
                key=f"{workflow_id}:{number}",
                role="peer",
                rater_id=f"R{number % PEERS}",
                scores={dimension.value: 3 for dimension in SCORED},
            ),
        )

    async def applied(self, workflow_id: str, of: int) -> bool:
        # Signals to one workflow apply in order: the last one applied means all were.
        return await self._handle(workflow_id).query(
            BaselineWorkflow.has, f"{workflow_id}:{of - 1}"
        )


SIDES = ("parcours", "baseline")


def make_side(
    name: str,
    client: Client,
    *,
    parcours_queue: str = PARCOURS_QUEUE,
    baseline_queue: str = BASELINE_QUEUE,
) -> Side:
    if name == "parcours":
        return Parcours.default(client, parcours_queue)
    if name == "baseline":
        return Baseline(client, baseline_queue)
    raise ValueError(f"no side {name!r}; sides are {', '.join(SIDES)}")
