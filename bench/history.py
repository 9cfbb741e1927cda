"""6. History size: Temporal events per programme run and per stage, and the bound.

A full executive-6m is simulated twice under the time-skipping server: with the
default ``RunSettings`` (one run, normally), and with a small
``history_limit`` that makes it continue as new several times. For the first,
each Temporal history event is given to the stage the programme was in when it
was written (by its time against the domain's ``stage_entered`` events). For
the second, every run's length is set against the configured bound.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from adapters.temporal import history as temporal_history
from bench.simulation import Handle, simulate
from domain.events import ProgrammeCompleted, StageEntered
from domain.template import Template
from workflows.messages import RunSettings
from workflows.programme import ProgrammeWorkflow

BEFORE_FIRST_STAGE = "(launch)"
AFTER_LAST_STAGE = "(follow-up)"


@dataclass(frozen=True)
class HistorySize:
    history_limit: int
    """The default RunSettings.history_limit the first programme ran with."""
    runs: list[int]
    """Temporal events in each run of the programme with the default settings."""
    domain_events: int
    per_stage: dict[str, int]
    bounded_limit: int
    bounded_runs: list[int]
    """Temporal events in each run of the programme with ``bounded_limit``."""
    history_bytes: int = 0
    """Encoded size of the default programme's history events, every run (protobuf, as
    Temporal stores them: payloads sealed and, when large, deflated)."""

    @property
    def bounded_max(self) -> int:
        return max(self.bounded_runs)

    @property
    def within_bound(self) -> bool:
        return self.bounded_max <= self.bounded_limit

    def as_json(self) -> dict[str, Any]:
        return {
            "history_limit": self.history_limit,
            "events_per_run": self.runs,
            "events_per_programme": sum(self.runs),
            "domain_events": self.domain_events,
            "events_per_stage": self.per_stage,
            "history_bytes": self.history_bytes,
            "bounded": {
                "history_limit": self.bounded_limit,
                "events_per_run": self.bounded_runs,
                "runs": len(self.bounded_runs),
                "max_run": self.bounded_max,
                "overshoot": max(0, self.bounded_max - self.bounded_limit),
                "within_bound": self.within_bound,
            },
        }


async def run_histories(handle: Handle) -> list[WorkflowHistory]:
    """Every run's history, first run first, following continue-as-new."""
    return await temporal_history.run_histories(handle._client, handle.id)


async def per_stage(handle: Handle, histories: list[WorkflowHistory]) -> dict[str, int]:
    """Temporal events by the stage the programme was in when each was written."""
    page = await handle.query(ProgrammeWorkflow.events, 0)
    marks: list[tuple[datetime, str]] = []
    for domain_event in page.events:
        if isinstance(domain_event, StageEntered):
            marks.append((domain_event.at, domain_event.stage))
        elif isinstance(domain_event, ProgrammeCompleted):
            marks.append((domain_event.at, AFTER_LAST_STAGE))
    marks.sort(key=lambda mark: mark[0])
    counts: Counter[str] = Counter()
    for history in histories:
        for event in history.events:
            written = event.event_time.ToDatetime(tzinfo=UTC)
            stage = BEFORE_FIRST_STAGE
            for at, key in marks:
                if at <= written:
                    stage = key
            counts[stage] += 1
    order = [BEFORE_FIRST_STAGE, *(key for _, key in marks)]
    return {key: counts[key] for key in dict.fromkeys(order) if counts[key]}


async def history_size(
    env: WorkflowEnvironment, task_queue: str, template: Template, bounded_limit: int
) -> HistorySize:
    settings = RunSettings()
    plain = await simulate(env, task_queue, template, 1, settings)
    handle = plain.handles[0]
    histories = await run_histories(handle)
    stages = await per_stage(handle, histories)
    bounded = await simulate(
        env, task_queue, template, 1, RunSettings(history_limit=bounded_limit), settle=True
    )
    bounded_histories = await run_histories(bounded.handles[0])
    return HistorySize(
        history_limit=settings.history_limit,
        runs=[len(h.events) for h in histories],
        domain_events=plain.outcomes[0].events,
        per_stage=stages,
        bounded_limit=bounded_limit,
        bounded_runs=[len(h.events) for h in bounded_histories],
        history_bytes=sum(event.ByteSize() for h in histories for event in h.events),
    )
