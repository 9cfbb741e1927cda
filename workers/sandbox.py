"""What a parcours worker hosts, and the workflow sandbox it runs it in.

Apart from ``workers.programme`` so that the replayers (``workers.replay``) run the same
workflows in the same sandbox without importing the worker that uses them.
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.programme import ProgrammeWorkflow

WORKFLOWS: tuple[type, ...] = (ProgrammeWorkflow,)
"""The workflows a parcours worker hosts."""

PASSED_THROUGH = ("domain", "workflows", "pydantic", "yaml")
"""Pure, deterministic modules the sandbox shares instead of re-importing per run.

``workflows`` too: executing ``workflows.programme`` afresh for every programme costs
memory and CPU per programme (measured in bench/README.md). The sandbox's run-time
restrictions no longer reach passed-through code, so
``tests/unit/test_determinism.py`` checks ``domain`` and ``workflows`` statically
(allowed imports, no clock, randomness or I/O calls), and the replay tests prove the
commands unchanged."""


def sandbox_runner() -> SandboxedWorkflowRunner:
    """The workflow sandbox, sharing ``PASSED_THROUGH`` (the replayers use it too)."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH)
    )
