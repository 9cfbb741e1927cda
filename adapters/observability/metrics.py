"""Metrics: Temporal's SDK metrics and parcours' own, on one Prometheus endpoint.

``metrics_runtime(address)`` gives a Temporal ``Runtime`` whose telemetry serves
``http://<PARCOURS_METRICS_HOST>:<PARCOURS_METRICS_PORT>/metrics``; a Client
connected with it (and the Worker on that Client) report the SDK's metrics
there (``temporal_*``: polls, task latencies, activity outcomes...). parcours'
own counters go through the same runtime's meter:

- from the activities (``activities.metrics``): notifications sent and failed
  by channel, escalations, evaluations;
- from ``ProgrammeMetrics``, a worker interceptor, for what only the workflow
  sees: programmes launched (a first run, not a continue-as-new) and stages
  entered. It reads the workflow's input and its ``ProgrammeStage`` search
  attribute, so the workflow code is untouched, and records through
  ``workflow.metric_meter()``, which records nothing while replaying.

A process gets one runtime per endpoint (a ``Runtime`` owns a thread pool and
the port), made on first use and kept.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from temporalio import workflow
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from activities.metrics import DESCRIPTIONS, PROGRAMMES_LAUNCHED, STAGE_TRANSITIONS
from adapters.observability.core_logs import core_logging
from workflows.messages import WORKFLOW_NAME
from workflows.search_attributes import PROGRAMME_STAGE, TEMPLATE_ID

_runtimes: dict[str, Runtime] = {}


def metrics_runtime(address: str | None) -> Runtime | None:
    """The runtime serving ``/metrics`` on ``address`` (host:port); None when unset."""
    if address is None:
        return None
    runtime = _runtimes.get(address)
    if runtime is None:
        try:
            runtime = Runtime(
                telemetry=TelemetryConfig(
                    logging=core_logging(),
                    metrics=PrometheusConfig(bind_address=address),
                    global_tags={"service": "parcours"},
                )
            )
        except Exception as exc:  # the core reports a taken port as a plain exception
            raise RuntimeError(
                f"cannot serve metrics on {address} (PARCOURS_METRICS_PORT): {exc}"
            ) from exc
        _runtimes[address] = runtime
    return runtime


class ProgrammeMetrics(Interceptor):
    """Counts launches and stage transitions of programme workflows."""

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        return _ProgrammeInbound


class _ProgrammeInbound(WorkflowInboundInterceptor):
    _watcher: asyncio.Task[None] | None = None

    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        if workflow.info().workflow_type == WORKFLOW_NAME:
            # Kept here: the event loop holds tasks only weakly.
            self._watcher = _observe(input.args[0] if input.args else None)
        return await self.next.execute_workflow(input)


def _observe(programme_input: Any) -> asyncio.Task[None]:
    """Count a launch now, and start counting the stages this run enters."""
    launch = getattr(programme_input, "launch", None)
    fresh = launch is not None and not getattr(programme_input, "events", None)
    template = launch.template.id if launch is not None else _attribute(TEMPLATE_ID)
    meter = workflow.metric_meter()
    if fresh:
        launched = meter.create_counter(PROGRAMMES_LAUNCHED, DESCRIPTIONS[PROGRAMMES_LAUNCHED])
        launched.add(1, {"template": template})
    entered = meter.create_counter(STAGE_TRANSITIONS, DESCRIPTIONS[STAGE_TRANSITIONS])
    # A fresh programme enters its first stage; a continued one is already in one.
    first = "" if fresh else _attribute(PROGRAMME_STAGE)

    async def watch(seen: str) -> None:
        while True:
            # Only reads workflow state: adds no command, so replay stays deterministic.
            await workflow.wait_condition(functools.partial(_moved, seen))
            seen = _attribute(PROGRAMME_STAGE)
            if seen:
                entered.add(1, {"template": template, "stage": seen})

    return asyncio.create_task(watch(first), name="parcours stage metrics")


def _moved(seen: str) -> bool:
    return _attribute(PROGRAMME_STAGE) != seen


def _attribute(key: Any) -> str:
    value = workflow.info().typed_search_attributes.get(key)
    return value if isinstance(value, str) else ""
