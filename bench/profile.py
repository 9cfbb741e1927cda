"""Where a signal's time goes in the worker: ``python -m bench.profile``.

Not a figure of the run: a look inside it. One dev server; for each side in turn, a
worker in this process whose workflow tasks run on one thread under ``cProfile``
(``workflow_task_executor`` with one worker thread). Programmes (or baselines) are
launched open-ended, untimed, then each gets K signals as in the signal round
(``bench/signals.py``): half of them unprofiled, for the CPU figure, the other half
under the profiler (thread CPU time), for where it goes. It prints, per side, the
workflow thread's CPU per signal (``time.thread_time``, read by the thread) and the functions
that took most of it, so the two sides' costs can be put side by side.

The payload codec runs on the event loop's thread, which here also drives the
signals, so it is left out of the per-signal figure (both sides share it; parcours
opens each programme's payloads with that employee's key, the baseline with one).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from bench.environment import BenchKeys, connect, dev_server
from bench.launch import terminate_all
from bench.pool import each
from bench.sides import Side, make_side
from bench.signals import Signalled, signal_round
from bench.worker import BASELINE_QUEUE, PARCOURS_QUEUE, baseline_worker, parcours_worker
from workers.programme import settle_collector


@dataclass
class Profiled:
    side: str
    signals: int
    cpu_ms_per_signal: float
    signals_per_second: float
    top: str
    gc_ms_per_signal: float = 0.0
    loop_ms_per_signal: float = 0.0
    """The event loop's thread: the payload codec, and the driver's own calls."""
    process_ms_per_signal: float = 0.0
    """The whole process: the workflow thread, the loop's, the SDK core's, the driver."""
    collections: int = 0
    generations: tuple[int, ...] = ()


class GcClock:
    """Wall time this process spends in the cyclic garbage collector, any thread."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self.by_generation = [0, 0, 0]
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began
            self.collections += 1
            self.by_generation[info["generation"]] += 1


class OneThread:
    """The workflow tasks' one thread, its profiler and its CPU."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profiled")
        # CPU time of the thread, not wall time: on a shared machine the wall clock
        # counts the time the thread waited for a core or for the GIL.
        self.profiler = cProfile.Profile(time.thread_time)

    def cpu(self) -> float:
        """The thread's CPU seconds, read by the thread itself (``time.thread_time``, to
        the nanosecond: ``/proc``'s clock ticks of 10 ms made steps of 0.025 ms in a
        figure per signal of 400 signals)."""
        return self.executor.submit(time.thread_time).result()

    def profiling(self, on: bool) -> None:
        self.executor.submit(self.profiler.enable if on else self.profiler.disable).result()


async def profile_side(
    client: Client,
    name: str,
    programmes: int,
    signals: int,
    concurrency: int,
    top: int,
    callers: str | None = None,
    end_to_end: bool = False,
    sort: str = "cumulative",
    profiled_half: bool = True,
) -> Profiled:
    """``end_to_end``: programmes that close after their signals (the end-to-end round's
    template), timed and profiled through to their completion. Without
    ``profiled_half`` only the CPU figure is taken (later rounds of ``--rounds``)."""
    thread = OneThread()
    queue = f"{PARCOURS_QUEUE if name == 'parcours' else BASELINE_QUEUE}-{uuid.uuid4().hex[:6]}"
    make = parcours_worker if name == "parcours" else baseline_worker
    worker: Worker = make(client, 10_000, queue, workflow_task_executor=thread.executor)
    side: Side = make_side(name, client, parcours_queue=queue, baseline_queue=queue)
    tag = uuid.uuid4().hex[:8]
    async with worker:
        closing = signals if end_to_end else None
        ids = await each(
            range((2 if profiled_half else 1) * programmes),
            concurrency,
            lambda i: side.start(f"p{tag}-{i:04d}", closing),
        )
        await each(ids, concurrency, side.live)
        if not end_to_end:  # start nominated those that close
            await each(ids, concurrency, lambda w: side.ready_for(w, signals))
        measured, profiled = ids[:programmes], ids[programmes:]

        async def round_of(these: list[str]) -> Signalled:
            done = await signal_round(side, these, signals, concurrency, closing=end_to_end)
            if end_to_end:
                await each(these, concurrency, side.result)
            return done

        collector = GcClock()
        gc.callbacks.append(collector)
        began = thread.cpu()  # the first half unprofiled: the CPU figure
        loop_began, process_began = time.thread_time(), time.process_time()
        done = await round_of(measured)
        cpu = thread.cpu() - began
        loop, process = time.thread_time() - loop_began, time.process_time() - process_began
        gc.callbacks.remove(collector)
        if profiled_half:
            thread.profiling(True)  # the second half under the profiler: where it goes
            await round_of(profiled)
            thread.profiling(False)
        await terminate_all(side, ids, concurrency)
    out = io.StringIO()
    if profiled_half:
        stats = pstats.Stats(thread.profiler, stream=out).sort_stats(sort)
        stats.print_stats(top)
        if callers:
            stats.print_callers(callers)
    thread.executor.shutdown()
    return Profiled(
        side=name,
        signals=done.signals,
        cpu_ms_per_signal=1000 * cpu / done.signals,
        loop_ms_per_signal=1000 * loop / done.signals,
        process_ms_per_signal=1000 * process / done.signals,
        signals_per_second=done.per_second,
        top=out.getvalue(),
        gc_ms_per_signal=1000 * collector.seconds / done.signals,
        collections=collector.collections,
        generations=tuple(collector.by_generation),
    )


async def profile(
    programmes: int,
    signals: int,
    concurrency: int,
    top: int,
    callers: str | None = None,
    end_to_end: bool = False,
    sort: str = "cumulative",
    rounds: int = 1,
) -> list[list[Profiled]]:
    """Each round runs both sides, parcours first in even rounds and last in odd ones;
    only the first is profiled."""
    with tempfile.TemporaryDirectory(prefix="bench-profile-", dir="/dev/shm") as scratch:
        keys = BenchKeys.new(Path(scratch))
        async with dev_server() as server:
            client = await connect(server.address, keys)
            found: list[list[Profiled]] = []
            for n in range(rounds):
                order = ("parcours", "baseline") if n % 2 == 0 else ("baseline", "parcours")
                sides = {
                    name: await profile_side(
                        client,
                        name,
                        programmes,
                        signals,
                        concurrency,
                        top,
                        callers,
                        end_to_end,
                        sort,
                        profiled_half=n == 0,
                    )
                    for name in order
                }
                found.append([sides["parcours"], sides["baseline"]])
            return found


def _line(side: Profiled) -> str:
    return (
        f"{side.side}: {side.cpu_ms_per_signal:.3f} ms of workflow-thread CPU per signal "
        f"({side.signals} signals, {side.signals_per_second:.0f}/s); "
        f"{side.gc_ms_per_signal:.3f} ms in the garbage collector per signal, "
        f"{side.collections} collections (the process, any thread; by generation "
        f"{side.generations}); event-loop thread {side.loop_ms_per_signal:.3f} ms, "
        f"process {side.process_ms_per_signal:.3f} ms per signal (driver included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--programmes", type=int, default=40)
    parser.add_argument("--signals", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--callers", help="also print who calls functions matching this")
    parser.add_argument(
        "--sort", default="cumulative", help="pstats order: cumulative (default), tottime, ..."
    )
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="programmes that close after their signals, through to completion",
    )
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="leave the garbage collector as CPython sets it, not as a worker does "
        "(workers.programme.settle_collector)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="rounds of both sides (A B, then B A), the first profiled; medians printed",
    )
    args = parser.parse_args()
    if not args.default_gc:
        settle_collector()  # the workers run in this process, set as a worker's
    rounds = asyncio.run(
        profile(
            args.programmes,
            args.signals,
            args.concurrency,
            args.top,
            args.callers,
            args.end_to_end,
            args.sort,
            args.rounds,
        )
    )
    for side in rounds[0]:
        print(side.top)
    for n, found in enumerate(rounds):
        for side in found:
            print(f"round {n + 1}: " * (len(rounds) > 1) + _line(side))
    if len(rounds) > 1:
        ours = [r[0].cpu_ms_per_signal for r in rounds]
        theirs = [r[1].cpu_ms_per_signal for r in rounds]
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        loops = [r[0].loop_ms_per_signal / r[1].loop_ms_per_signal for r in rounds]
        processes = [r[0].process_ms_per_signal / r[1].process_ms_per_signal for r in rounds]
        print(
            f"event-loop thread, parcours over baseline: {statistics.median(loops):.2f}; "
            f"process: {statistics.median(processes):.2f} (medians of round by round)"
        )
        print(
            f"median of {len(rounds)} rounds: parcours {statistics.median(ours):.3f} "
            f"[{min(ours):.3f}-{max(ours):.3f}] ms per signal, baseline "
            f"{statistics.median(theirs):.3f} [{min(theirs):.3f}-{max(theirs):.3f}]; "
            f"ratio {statistics.median(ratios):.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
        )


if __name__ == "__main__":
    main()
