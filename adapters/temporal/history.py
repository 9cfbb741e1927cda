"""Reading a programme's history from Temporal, with or without a worker.

The domain timeline comes from replaying the latest run with the workflow code
itself: the run's input carries every event of the runs before it (continue-as-
new carries the whole log), and the replay re-applies the rest. So the timeline
is exact, needs no worker, and no domain logic is written twice.

Once an employee's data was erased their payloads cannot be decrypted, so no
replay is possible: ``raw_events`` then shows ``[erased]`` for each unreadable
payload, and ``timeline_of`` keeps the events that tell the story.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from google.protobuf.json_format import MessageToDict
from pydantic import BaseModel, ConfigDict
from temporalio import workflow
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    Replayer,
    UnsandboxedWorkflowRunner,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from adapters.payloads.key_errors import DataErased
from domain.decider import decide
from domain.events import Event
from workflows.messages import ProgrammeInput
from workflows.programme import ProgrammeWorkflow
from workflows.revisions import under_its_rules

ERASED = "[erased]"
"""Shown for a payload whose employee's data key was destroyed."""
TIMELINE = frozenset(
    {
        "workflow_execution_started",
        "workflow_execution_signaled",
        "workflow_execution_update_accepted",
        "workflow_execution_update_completed",
        "activity_task_scheduled",
        "activity_task_completed",
        "activity_task_failed",
        "workflow_execution_completed",
        "workflow_execution_continued_as_new",
        "workflow_execution_terminated",
        "workflow_execution_failed",
    }
)
"""The events that tell a programme's story when its payloads cannot be read."""


class RawEvent(BaseModel):
    """One Temporal history event, decoded for people."""

    model_config = ConfigDict(frozen=True)

    run: int
    id: int
    time: datetime
    type: str
    summary: str
    details: dict[str, Any]


class _Capture(Interceptor):
    """Keeps the workflow instance a replay creates, to read its log afterwards."""

    def __init__(self) -> None:
        self.instances: dict[str, ProgrammeWorkflow] = {}

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        instances = self.instances

        class Inbound(WorkflowInboundInterceptor):
            async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
                instance = workflow.instance()
                if isinstance(instance, ProgrammeWorkflow):
                    instances[workflow.info().run_id] = instance
                return await super().execute_workflow(input)

        return Inbound


async def domain_events(client: Client, programme_id: str) -> list[Event]:
    """The whole domain timeline of a programme, across every continue-as-new run."""
    handle = client.get_workflow_handle(programme_id)
    history = await handle.fetch_history()
    # A task still in flight (a run just started, or continued as new) is not replayed:
    # the replayer can wait on it for ever. What it would decide is not decided yet.
    events = list(history.events)
    while events and events[-1].event_type in IN_FLIGHT:
        events.pop()
    if len(events) <= 1:
        return await _carried(client, history)
    history = WorkflowHistory(history.workflow_id, events)
    capture = _Capture()
    replayer = Replayer(
        workflows=[ProgrammeWorkflow],
        data_converter=client.data_converter,
        interceptors=[capture],
        # Replaying known code to read its state; the sandbox would hide the instance.
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    await replayer.replay_workflow(history, raise_on_replay_failure=True)
    if not capture.instances:
        raise ValueError(f"{programme_id} is not a programme workflow")
    (instance,) = capture.instances.values()
    return instance.log()


IN_FLIGHT = frozenset(
    {EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED}
)
"""The events a history ends with while a workflow task is still to run."""


async def _carried(client: Client, history: WorkflowHistory) -> list[Event]:
    """The log of a run whose first task has not run: what its input carries, or the
    launch decided as the run's first task will decide it."""
    started = history.events[0].workflow_execution_started_event_attributes
    [given] = await client.data_converter.decode(started.input.payloads, [ProgrammeInput])
    if given.events or given.launch is None:
        return list(given.events)
    launch = under_its_rules(given.launch, given.revision)
    return decide(None, launch, history.events[0].event_time.ToDatetime(tzinfo=UTC))


async def run_histories(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """The history of every run of a workflow, first run first, across continue-as-new."""
    runs: list[WorkflowHistory] = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        runs.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        run_id = started.continued_execution_run_id or None
        if run_id is None:
            return runs[::-1]


async def raw_events(client: Client, programme_id: str) -> list[RawEvent]:
    """Temporal's own events of every run, oldest run first, payloads decoded."""
    rows: list[RawEvent] = []
    for number, history in enumerate(await run_histories(client, programme_id), 1):
        for event in history.events:
            rows.append(await _decode(client, number, event))
    return rows


async def _decode(client: Client, run: int, event: HistoryEvent) -> RawEvent:
    kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").lower()
    attributes = _attributes(event)
    summary = ""
    details: dict[str, Any] = {}

    async def payloads(value: Payloads) -> list[Any]:
        return [await _value(client, payload) for payload in value.payloads]

    match event.event_type:
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            started = event.workflow_execution_started_event_attributes
            details["input"] = await payloads(started.input)
            summary = f"{started.workflow_type.name} on {started.task_queue.name}"
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signaled = event.workflow_execution_signaled_event_attributes
            details["input"] = await payloads(signaled.input)
            summary = f"signal {signaled.signal_name}: {_short(details['input'])}"
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            details["input"] = await payloads(request.input.args)
            summary = f"update {request.input.name}: {_short(details['input'])}"
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            updated = event.workflow_execution_update_completed_event_attributes
            outcome = updated.outcome
            done = (
                f"failed: {await _message(client, outcome.failure)}"
                if outcome.HasField("failure")
                else "done"
            )
            summary = f"update {updated.meta.update_id}: {done}"
        case EventType.EVENT_TYPE_TIMER_STARTED:
            timer = event.timer_started_event_attributes
            summary = f"timer {timer.timer_id} for {timer.start_to_fire_timeout.ToTimedelta()}"
        case EventType.EVENT_TYPE_TIMER_FIRED:
            summary = f"timer {event.timer_fired_event_attributes.timer_id} fired"
        case EventType.EVENT_TYPE_TIMER_CANCELED:
            summary = f"timer {event.timer_canceled_event_attributes.timer_id} canceled"
        case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled = event.activity_task_scheduled_event_attributes
            details["input"] = await payloads(scheduled.input)
            summary = f"{scheduled.activity_type.name} #{scheduled.activity_id}"
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            completed = event.activity_task_completed_event_attributes
            details["result"] = await payloads(completed.result)
            summary = f"result: {_short(details['result'])}"
        case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
            failure = event.activity_task_failed_event_attributes.failure
            summary = f"failed: {await _message(client, failure)}"
        case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
            summary = "timed out"
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            finished = event.workflow_execution_completed_event_attributes
            details["result"] = await payloads(finished.result)
            summary = f"result: {_short(details['result'])}"
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
            continued = event.workflow_execution_continued_as_new_event_attributes
            summary = f"continued as new: run {continued.new_execution_run_id}"
        case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            failed = event.workflow_task_failed_event_attributes
            summary = f"workflow task failed: {await _message(client, failed.failure)}"
        case _:
            details = attributes
    return RawEvent(
        run=run,
        id=event.event_id,
        time=event.event_time.ToDatetime(tzinfo=UTC),
        type=kind,
        summary=summary,
        details=details,
    )


async def _value(client: Client, payload: Payload) -> Any:
    """One payload's value; ``[erased]`` when its data key was destroyed."""
    try:
        [value] = await client.data_converter.decode([payload])
    except DataErased:
        return ERASED
    return value


async def _message(client: Client, failure: Failure) -> str:
    """A failure's message; sealed ones (``encoded_attributes``) are opened first."""
    if not failure.HasField("encoded_attributes"):
        return failure.message
    opened = await _value(client, failure.encoded_attributes)
    message = opened.get("message") if isinstance(opened, dict) else opened
    return str(message)


def timeline_of(rows: list[RawEvent]) -> list[RawEvent]:
    """The events that tell the story (inputs, messages, activities, the end), for a
    programme whose domain timeline cannot be rebuilt because its data was erased."""
    return [row for row in rows if row.type in TIMELINE]


def _attributes(event: HistoryEvent) -> dict[str, Any]:
    field = event.WhichOneof("attributes")
    if field is None:
        return {}
    value: Mapping[str, Any] = MessageToDict(getattr(event, field))
    return dict(value)


def _short(values: list[Any], limit: int = 120) -> str:
    text = json.dumps(values[0] if len(values) == 1 else values, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
