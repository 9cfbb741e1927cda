"""Before a deploy: do the programmes running now replay with this code?

Every build's, each named by the build it last ran on. A run pinned to an older build
moves to the new one by continuing as new, so the new build never replays it; but runs
of unversioned workers (before Worker Versioning, or with it off) go to the current
build and are replayed there, and an operator may move a pinned run by hand
(``temporal workflow update-options``).

The recorded histories in ``tests/histories`` prove a change safe for the runs they
stand for; this reads the histories of the runs that are really running (the latest run
of each programme the query finds) and replays them with the workflow code of this
process, as a worker of this version would when it picks them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from workers.sandbox import WORKFLOWS, sandbox_runner
from workflows.messages import WORKFLOW_NAME

RUNNING = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"


@dataclass(frozen=True)
class Replayed:
    """One run replayed: ``failure`` says why it does not replay, None when it does."""

    programme_id: str
    run_id: str | None
    failure: str | None
    build_id: str | None = None
    """The worker build the run last ran on (None: an unversioned worker)."""


def build_of(history: WorkflowHistory) -> str | None:
    """The build of the last worker that completed one of the run's workflow tasks."""
    completed = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    for event in reversed(history.events):
        if event.event_type == completed:
            version = event.workflow_task_completed_event_attributes.deployment_version
            return version.build_id or None
    return None


async def replay_running(
    client: Client,
    query: str = RUNNING,
    limit: int | None = None,
    workflows: Sequence[type] = WORKFLOWS,
) -> list[Replayed]:
    """Replay the runs ``query`` finds (at most ``limit``), each with ``workflows``."""
    replayer = Replayer(
        workflows=list(workflows),
        data_converter=client.data_converter,
        workflow_runner=sandbox_runner(),
    )
    histories = client.list_workflows(query, limit=limit).map_histories()
    found: list[Replayed] = []
    async with replayer.workflow_replay_iterator(histories) as results:
        async for result in results:
            failure = result.replay_failure
            found.append(
                Replayed(
                    programme_id=result.history.workflow_id,
                    run_id=result.history.run_id,
                    failure=None if failure is None else f"{type(failure).__name__}: {failure}",
                    build_id=build_of(result.history),
                )
            )
    return found
