"""Continuing as new: when a programme's run hands its log to a fresh run, and how.

A run ends by continuing as new when its history grows long or a newer build of the
workers becomes current; the programme (``workflows.programme``) decides what it
carries, and waits for its handlers first. Nothing here writes a domain event.
"""

from typing import NoReturn

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.messages import INPUT_BUDGET, ProgrammeInput


def must_continue(history_limit: int, fewer_commands: bool) -> bool:
    """Time to continue as new: Temporal suggests it, the run nears its limit, or a
    newer build of the workers became current (the run is pinned to its own, and
    moves to the current one by continuing as new; never while unversioned).

    The run first lets handlers and deliveries finish, which writes more events, so
    with ``fewer_commands`` it starts with a fifth of ``history_limit`` to spare;
    messages that arrive in the meantime are written all the same, so a burst of them
    can still carry it past.
    """
    info = workflow.info()
    limit = history_limit
    if fewer_commands:
        limit -= limit // 5
    return (
        info.is_continue_as_new_suggested()
        or info.get_current_history_length() >= limit
        or info.is_target_worker_deployment_version_changed()
    )


def carry_on(carried: ProgrammeInput) -> NoReturn:
    """Start the next run with ``carried``: on the current build, then pinned to it."""
    size = len(carried.model_dump_json().encode())
    workflow.logger.info("continuing as new after %d events, %d bytes", len(carried.events), size)
    if size > INPUT_BUDGET:  # the domain's bounds should make this impossible: say so
        workflow.logger.error("carried input of %d bytes is over its budget", size)
    upgrade = workflow.ContinueAsNewVersioningBehavior.AUTO_UPGRADE
    workflow.continue_as_new(carried, initial_versioning_behavior=upgrade)
