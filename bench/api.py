"""5-7: what users meet above Temporal: the HTTP API, the history reader, cohorts.

5. **The API's own cost.** ``GET /v1/programmes/{id}`` against the same ``view``
   query sent raw through the SDK client; ``POST .../feedback`` (answered once the
   programme applied it: its receipt) against a raw ``give_feedback`` signal and a
   ``receipt`` query. Both sides ask the same programmes (executive-6m, on the
   bench's worker), one request at a time, alternating request by request (A B,
   then B A), so each pair of samples saw the same machine. Figures: p50 and p99
   latency per round; the ratio is the API's over the raw call's, round by round.
6. **The history reader.** ``GET .../events`` of a programme that continued as new
   5 times (6 runs) against fetching the same 6 runs' raw histories through the
   SDK (following ``continued_execution_run_id`` from the latest run back, as a raw
   reader must): median seconds per read, API over raw.
7. **Cohort launch.** One ``POST /v1/cohorts`` of N participants against N raw
   starts of the baseline (start and one timer) at the same concurrency as the
   cohort's (``gateway.client.cohort.CONCURRENCY``): programmes started per
   second, cohort over raw. Neither waits for first tasks inside the timed part;
   both then wait for every workflow to be live (untimed) and end them.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio.client import Client, WorkflowHandle

from adapters.temporal.history import IN_FLIGHT, run_histories
from bench.baseline import BaselineWorkflow
from bench.http import INTEGRATOR_TOKEN, PLATFORM_TOKEN, Http
from bench.launch import launch_round, terminate_all
from bench.messages import BaselineInput
from bench.pool import each
from bench.sides import OPEN_ENDED, SCORED, Baseline, Parcours
from bench.sizes import Sizes
from bench.stats import Figure, percentile
from domain.commands import Employee, GiveFeedback
from domain.holders import Holders
from domain.template import Role
from gateway.client import ProgrammeClient, cohort
from workflows.messages import RunSettings
from workflows.programme import ProgrammeWorkflow

Json = dict[str, Any]
CONTINUED = 5
"""Times the history reader's programme continued as new."""
READ_TIMEOUT = 10.0
"""Seconds a history read may take before the bench calls it hung; a hung read counts
as taking this long (a lower bound) and is counted in ``hung``."""
HISTORY_LIMIT = 50
"""The smallest ``RunSettings.history_limit``: a run continues after a few signals."""
SIGNALS_PER_RUN = 4
"""Signals per history limit's worth of events the history reader's programme is sent, at
most, for each run it should make: a busy worker takes many signals into one task, and
a run then continues as new well past its limit (130 events for 50, measured)."""


@dataclass
class Latencies:
    """Seconds of each request, per side, over one round."""

    api: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)


async def _timed(work: Awaitable[object]) -> float:
    began = time.perf_counter()
    await work
    return time.perf_counter() - began


async def _pairs(
    count: int,
    number: int,
    api: Callable[[int], Awaitable[None]],
    raw: Callable[[int], Awaitable[None]],
) -> Latencies:
    """``count`` requests per side, one at a time, A B then B A."""
    out = Latencies()
    for i in range(count):
        first_api = (i + number) % 2 == 0
        for which in ("api", "raw") if first_api else ("raw", "api"):
            if which == "api":
                out.api.append(await _timed(api(i)))
            else:
                out.raw.append(await _timed(raw(i)))
    return out


class ApiRounds:
    """p50 and p99 per side per round, and their ratios round by round."""

    def __init__(self) -> None:
        self.by: dict[str, list[float]] = {
            f"{side}_{q}": [] for side in ("api", "raw") for q in ("p50", "p99")
        }

    def add(self, latencies: Latencies) -> None:
        for side, values in (("api", latencies.api), ("raw", latencies.raw)):
            self.by[f"{side}_p50"].append(percentile(values, 50) * 1000)
            self.by[f"{side}_p99"].append(percentile(values, 99) * 1000)

    def as_json(self) -> Json:
        out: Json = {f"{key}_ms": Figure.of(values).as_json() for key, values in self.by.items()}
        for q in ("p50", "p99"):
            out[f"{q}_ratio"] = Figure.ratio(self.by[f"api_{q}"], self.by[f"raw_{q}"]).as_json()
        return out


COHORT_TEMPLATE = "executive-6m"
"""The API launches shipped templates only."""
RATERS = 4
"""Nominated peers per side and programme (R0-R3 for the API, R4-R7 raw): a stage takes
10 raters, each answering 4 times at most."""


async def _raw_receipt(programmes: ProgrammeClient, programme_id: str, key: str) -> None:
    """The programme's receipt for ``key``, asked until it is no longer unknown."""
    handle = programmes.temporal.get_workflow_handle_for(ProgrammeWorkflow.run, programme_id)
    delay = 0.002
    while True:
        receipt = await handle.query(ProgrammeWorkflow.receipt, key)
        if receipt.outcome == "applied":
            return
        if receipt.outcome == "rejected":
            raise RuntimeError(f"{programme_id} refused {key}: {receipt.reason}")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)


async def api_latencies(
    http: Http,
    parcours: Parcours,
    sizes_requests: int,
    rounds: int,
    pool: list[str],
    tag: str,
    answered: dict[tuple[str, str], int],
) -> Json:
    """5: the view and the feedback, API against raw, ``rounds`` rounds; ``answered``
    counts the answers each side gave each programme, across calls."""
    programmes = parcours.programmes
    view_rounds, feedback_rounds = ApiRounds(), ApiRounds()

    def next_rater(side: str, programme_id: str) -> str:
        """Each side's raters take turns on a programme: none answers more than 4 times
        (once, then 3 revisions, as the rules allow) while a programme gets 16 or fewer."""
        k = answered.get((side, programme_id), 0)
        answered[(side, programme_id)] = k + 1
        return f"R{(RATERS if side == 'raw' else 0) + k % RATERS}"

    for number in range(rounds):

        async def api_view(i: int) -> None:
            answer = await http.request(
                "GET", f"/v1/programmes/{pool[i % len(pool)]}", token=PLATFORM_TOKEN
            )
            if answer.status != 200:
                raise RuntimeError(f"GET view: {answer.status} {answer.body[:200]!r}")

        async def raw_view(i: int) -> None:
            handle = programmes.temporal.get_workflow_handle_for(
                ProgrammeWorkflow.run, pool[i % len(pool)]
            )
            await handle.query(ProgrammeWorkflow.view)

        view_rounds.add(await _pairs(sizes_requests, number, api_view, raw_view))

        async def api_feedback(i: int, number: int = number) -> None:
            programme_id = pool[i % len(pool)]
            answer = await http.request(
                "POST",
                f"/v1/programmes/{programme_id}/feedback",
                token=INTEGRATOR_TOKEN,
                headers={"Idempotency-Key": f"{tag}-a{number}-{i}"},
                body={
                    "role": "peer",
                    "rater_id": next_rater("api", programme_id),
                    "scores": {dimension.value: 3 for dimension in SCORED},
                },
            )
            if answer.status != 202 or answer.json()["outcome"] != "applied":
                raise RuntimeError(f"POST feedback: {answer.status} {answer.body[:200]!r}")

        async def raw_feedback(i: int, number: int = number) -> None:
            programme_id = pool[i % len(pool)]
            key = f"{tag}-r{number}-{i}"
            handle = programmes.temporal.get_workflow_handle_for(
                ProgrammeWorkflow.run, programme_id
            )
            await handle.signal(
                "give_feedback",
                GiveFeedback(
                    key=key,
                    role=Role.peer,
                    rater_id=next_rater("raw", programme_id),
                    scores=dict.fromkeys(SCORED, 3),
                ),
            )
            await _raw_receipt(programmes, programme_id, key)

        feedback_rounds.add(await _pairs(sizes_requests, number, api_feedback, raw_feedback))
    return {"view": view_rounds.as_json(), "feedback": feedback_rounds.as_json()}


async def continued_programme(parcours: Parcours, tag: str) -> tuple[str, int]:
    """A programme that continued as new ``CONTINUED`` times; its id and its signals."""
    programmes = parcours.programmes
    launched = await programmes.launch(
        employee=Employee(id=f"{tag}-h", name="Bench History", email="h@example.com"),
        template=parcours.open_template,
        holders=Holders(coach="C1", manager="M1"),
        settings=RunSettings(history_limit=HISTORY_LIMIT),
    )
    programme_id = launched.programme_id
    await parcours.nominate(programme_id)
    handle = programmes.temporal.get_workflow_handle(programme_id)
    sent = 0
    while True:
        # Past the answers a stage takes, the programme refuses them: still history.
        key = f"{tag}-h-{sent}"
        await handle.signal(
            "give_feedback",
            GiveFeedback(
                key=key,
                role=Role.peer,
                rater_id=f"H{sent % RATERS}",
                scores=dict.fromkeys(SCORED, 3),
            ),
        )
        sent += 1
        if sent % 10:
            continue
        # Counted once the worker has caught up: sampling the latest run after each
        # signal misses the runs a busy worker went through between two samples.
        await _settled(handle)
        runs = await run_histories(programmes.temporal, programme_id)
        if len(runs) > CONTINUED:
            return programme_id, sent
        if sent >= HISTORY_LIMIT * SIGNALS_PER_RUN * (CONTINUED + 1):
            raise RuntimeError(
                f"{programme_id} did not continue as new {CONTINUED} times in {sent} signals"
                f" (runs of {[len(run.events) for run in runs]} events)"
            )


async def _settled(handle: WorkflowHandle[Any, Any]) -> None:
    """Wait until the latest run's history ends after a completed workflow task.

    The reader reads a run whose task is in flight from its input, without replaying
    it; the bench measures the replaying path, on a settled programme.
    """
    async with asyncio.timeout(30):
        while True:
            history = await handle.fetch_history()
            if history.events[-1].event_type not in IN_FLIGHT:
                return
            await asyncio.sleep(0.05)


async def history_reader(http: Http, parcours: Parcours, reads: int, rounds: int, tag: str) -> Json:
    """6: the domain timeline over HTTP against the runs' raw histories."""
    programme_id, signals = await continued_programme(parcours, tag)
    client = parcours.client
    runs = len(await run_histories(client, programme_id))
    events = 0
    hung = 0

    async def api(_: int) -> None:
        nonlocal events
        try:
            answer = await asyncio.wait_for(
                http.request("GET", f"/v1/programmes/{programme_id}/events", token=PLATFORM_TOKEN),
                READ_TIMEOUT,
            )
        except TimeoutError:
            nonlocal hung
            hung += 1  # its time, READ_TIMEOUT, is what _timed measured
            return
        if answer.status != 200:
            raise RuntimeError(f"GET events: {answer.status} {answer.body[:200]!r}")
        events = len(answer.json())

    async def raw(_: int) -> None:
        await run_histories(client, programme_id)

    await _pairs(1, 0, api, raw)  # warm-up: the first replay pays for first-use caches
    api_ms: list[float] = []
    raw_ms: list[float] = []
    for number in range(rounds):
        latencies = await _pairs(reads, number, api, raw)
        api_ms.append(statistics.median(latencies.api) * 1000)
        raw_ms.append(statistics.median(latencies.raw) * 1000)
    raw_events = sum(len(h.events) for h in await run_histories(client, programme_id))
    return {
        "runs": runs,
        "signals": signals,
        "domain_events": events,
        "temporal_events": raw_events,
        "hung": hung,
        "read_timeout_seconds": READ_TIMEOUT,
        "api_ms": Figure.of(api_ms).as_json(),
        "raw_ms": Figure.of(raw_ms).as_json(),
        "ratio": Figure.ratio(api_ms, raw_ms).as_json(),
    }


async def cohort_launch(
    http: Http, parcours: Parcours, baseline: Baseline, size: int, rounds: int, tag: str
) -> Json:
    """7: one ``POST /v1/cohorts`` of ``size`` against ``size`` raw starts."""
    rates: dict[str, list[float]] = {"api": [], "raw": []}
    concurrency = cohort.CONCURRENCY

    async def api_side(number: int) -> tuple[float, list[str]]:
        people = [
            {"id": f"{tag}-c{number}-{i:05d}", "name": f"Bench {i}", "email": f"c{i}@example.com"}
            for i in range(size)
        ]
        began = time.perf_counter()
        answer = await http.request(
            "POST",
            "/v1/cohorts",
            token=PLATFORM_TOKEN,
            body={
                "cohort_id": f"{tag}-c{number}",
                "template_id": COHORT_TEMPLATE,
                "participants": people,
            },
        )
        seconds = time.perf_counter() - began
        report = answer.json()
        if answer.status != 200 or report.get("launched") != size:
            raise RuntimeError(f"POST cohorts: {answer.status} {answer.body[:300]!r}")
        return seconds, [r["programme_id"] for r in report["results"]]

    async def raw_side(number: int) -> tuple[float, list[str]]:
        ids = [f"baseline.{tag}-c{number}-{i:05d}" for i in range(size)]

        async def start(workflow_id: str) -> None:
            await baseline.client.start_workflow(
                BaselineWorkflow.run,
                BaselineInput(id=workflow_id, signals=OPEN_ENDED),
                id=workflow_id,
                task_queue=baseline.task_queue,
            )

        began = time.perf_counter()
        await each(ids, concurrency, start)
        return time.perf_counter() - began, ids

    for number in range(rounds):
        order = (("api", parcours), ("raw", baseline))
        for name, side in order if number % 2 == 0 else order[::-1]:
            seconds, ids = await (api_side if name == "api" else raw_side)(number)
            rates[name].append(size / seconds)
            await each(ids, concurrency, side.live)  # untimed: every first task has run
            await terminate_all(side, ids, concurrency)
    return {
        "size": size,
        "concurrency": concurrency,
        "api_per_second": Figure.of(rates["api"]).as_json(),
        "raw_per_second": Figure.of(rates["raw"]).as_json(),
        "ratio": Figure.ratio(rates["api"], rates["raw"]).as_json(),
    }


async def api_phase(client: Client, http: Http, sizes: Sizes, tag: str) -> Json:
    """5-7 on the bench's worker, through one API server."""
    parcours = Parcours.default(client)
    baseline = Baseline(client)
    launched = await launch_round(parcours, f"{tag}-api", sizes.api_programmes, sizes.concurrency)
    pool = launched.workflow_ids
    for programme_id in pool:
        await parcours.nominate(programme_id)
    # Warm-up: the routes' first calls pay for imports and first-use caches.
    answered: dict[tuple[str, str], int] = {}
    await api_latencies(http, parcours, 4, 1, pool, f"{tag}-w", answered)
    latencies = await api_latencies(
        http, parcours, sizes.api_requests, sizes.api_rounds, pool, tag, answered
    )
    await terminate_all(parcours, pool, sizes.concurrency)
    history = await history_reader(http, parcours, sizes.history_reads, sizes.api_rounds, tag)
    cohorts = await cohort_launch(
        http, parcours, baseline, sizes.cohort_size, sizes.cohort_rounds, tag
    )
    return {**latencies, "history_reader": history, "cohort": cohorts}
