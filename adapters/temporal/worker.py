"""The worker that hosts programme workflows and their activities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.messages import TASK_QUEUE
from workflows.programme import ProgrammeWorkflow

PASSED_THROUGH = ("domain", "workflows", "pydantic", "yaml")
"""Pure, deterministic modules the sandbox shares instead of re-importing per run.

``workflows`` too: executing ``workflows.programme`` afresh for every programme costs
memory and CPU per programme (measured in bench/README.md). The sandbox's run-time
restrictions no longer reach passed-through code, so
``tests/unit/test_determinism.py`` checks ``domain`` and ``workflows`` statically
(allowed imports, no clock, randomness or I/O calls), and the replay tests prove the
commands unchanged."""


def sandbox_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH)
    )


def build_worker(
    client: Client,
    activities: Sequence[Any],
    task_queue: str = TASK_QUEUE,
    **options: Any,
) -> Worker:
    """A worker for programmes; ``activities`` are the bound methods to host."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProgrammeWorkflow],
        activities=list(activities),
        workflow_runner=sandbox_runner(),
        **options,
    )
