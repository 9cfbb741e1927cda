"""Moving programmes pinned to other builds onto this one, each once it replays here.

A pinned run waits for a worker of its own build. When that build's workers are gone for
good (``parcours up`` restarted on changed code, a compose deploy that replaced every
worker), its programmes would wait for ever. ``move_pinned`` replays each of them with
this process's code (``workers.replay``) and routes the next workflow task of those that
replay to ``version`` (a one-time override: after that task the run is pinned to
``version`` by the worker's ``PINNED`` behaviour, and moves on at the next continue-as-new as
any other run). Those that do not replay stay where they are, named.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.field_mask_pb2 import FieldMask
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.deployment.v1 import WorkerDeploymentVersion as VersionMessage
from temporalio.api.workflow.v1 import VersioningOverride, WorkflowExecutionOptions
from temporalio.api.workflowservice.v1 import UpdateWorkflowExecutionOptionsRequest
from temporalio.client import Client
from temporalio.common import WorkerDeploymentVersion

from workers.replay import RUNNING, Replayed, replay_running


@dataclass(frozen=True)
class Moved:
    """What ``move_pinned`` did: the programmes moved, and those left (not replaying)."""

    moved: list[Replayed]
    left: list[Replayed]


def pinned_elsewhere(version: WorkerDeploymentVersion, query: str = RUNNING) -> str:
    """A visibility query for the runs ``query`` finds that are pinned to another build."""
    here = f"{version.deployment_name}:{version.build_id}"
    return (
        f"{query} AND TemporalWorkflowVersioningBehavior = 'Pinned' "
        f"AND TemporalWorkerDeploymentVersion != '{here}'"
    )


async def move_pinned(
    client: Client,
    version: WorkerDeploymentVersion,
    query: str = RUNNING,
    *,
    identity: str = "parcours",
) -> Moved:
    """Route the next task of every run ``query`` finds pinned to another build to
    ``version``, if it replays with this code."""
    replayed = await replay_running(client, pinned_elsewhere(version, query))
    target = VersionMessage(deployment_name=version.deployment_name, build_id=version.build_id)
    override = VersioningOverride(
        one_time=VersioningOverride.OneTimeOverride(target_deployment_version=target)
    )
    moved = []
    for run in replayed:
        if run.failure is not None:
            continue
        await client.workflow_service.update_workflow_execution_options(
            UpdateWorkflowExecutionOptionsRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(
                    workflow_id=run.programme_id, run_id=run.run_id or ""
                ),
                workflow_execution_options=WorkflowExecutionOptions(versioning_override=override),
                update_mask=FieldMask(paths=["versioning_override"]),
                identity=identity,
            )
        )
        moved.append(run)
    return Moved(moved=moved, left=[run for run in replayed if run.failure is not None])
