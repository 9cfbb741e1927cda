"""Record Temporal histories of every shipped template's runs, for the replay test.

    uv run python -m tests.histories.record NAME

writes them into ``tests/histories/NAME/``. Run it when a template is added or the
workflow gains a new path, into a new folder named for that code (``v2-...``); keep
the folders recorded by older code: replaying them with the current code is what
proves a change safe for programmes already running.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.commands import (
    AmendObjectives,
    CancelSession,
    GiveFeedback,
    MigrateTemplate,
    NominateRaters,
    Nominee,
    Pause,
    RateExpectations,
    Reassign,
    RecordExpectations,
    RescheduleSession,
    Withdraw,
)
from domain.expectations import rated_from
from domain.state import Status
from domain.template import Role, Template
from domain.view import ProgrammeView
from gateway.catalogue import shipped_ids, shipped_template
from tests.support import recording_keyring, run_histories, start_test_server
from tests.workflows.conftest import Delivered, Harness
from tests.workflows.driver import HOLDERS, Programme, drive_to_completion
from workers.programme import build_worker
from workflows.messages import RunSettings
from workflows.programme import ProgrammeWorkflow

HERE = Path(__file__).parent
TEMPLATES = shipped_ids()
Scenario = Callable[[Programme], Awaitable[object]]
ATTEMPTS = 3
SCENARIO_TIMEOUT = 180.0


async def happy(programme: Programme) -> object:
    return await drive_to_completion(programme)


async def lapse(programme: Programme) -> object:
    return await programme.handle.result()


async def pause(programme: Programme) -> object:
    await programme.agree()
    now = await programme.now()
    await programme.handle.execute_update(
        ProgrammeWorkflow.pause, Pause(reason="leave", until=now + timedelta(days=30))
    )
    return await drive_to_completion(programme)


async def withdraw(programme: Programme) -> object:
    await programme.agree()
    await programme.handle.execute_update(
        ProgrammeWorkflow.withdraw, Withdraw(reason="left the company")
    )
    return await programme.handle.result()


async def reassign(programme: Programme) -> object:
    await programme.agree()
    await programme.handle.execute_update(
        ProgrammeWorkflow.reassign, Reassign(role=Role.manager, to="M4")
    )
    return await drive_to_completion(programme)


async def amend(programme: Programme) -> object:
    """Progress on an objective, then an amendment that removes it."""
    await programme.agree()
    await programme.progress("S1", 40)
    await programme.handle.execute_update(
        ProgrammeWorkflow.amend_objectives,
        AmendObjectives(
            short_term=("Run the weekly meeting",),
            long_term=("Lead the unit",),
            reason="a new role in the unit",
        ),
    )
    return await drive_to_completion(programme)


async def expectations(programme: Programme) -> object:
    """The client's expectations recorded at the start and rated at closure."""
    view = await programme.view()
    person = HOLDERS[view.expectations_by]
    await programme.handle.execute_update(
        ProgrammeWorkflow.record_expectations,
        RecordExpectations(person_id=person, expected="a calmer, delegating manager"),
    )
    closing = programme.template.stages[rated_from(programme.template)].key
    rated: list[object] = []

    async def rate(view: ProgrammeView) -> None:
        if view.stage == closing and not rated:
            rated.append(
                await programme.handle.execute_update(
                    ProgrammeWorkflow.rate_expectations,
                    RateExpectations(person_id=person, met=4, comment="clearly"),
                )
            )

    return await drive_to_completion(programme, rate)


async def collection(programme: Programme) -> object:
    """Rules 4: answers kept for the first feedback stage before it opens, one refused,
    then that stage closed by its last nominee or, with a peer still asked, its due date."""
    first = next(s for s in programme.template.stages if s.gate.feedback is not None)
    assert first.gate.feedback is not None
    roles = first.gate.feedback.roles

    async def give(role: Role, rater: str, stage: str | None = None) -> None:
        scores = dict.fromkeys(programme.template.dimensions, 4)
        await programme.handle.signal(
            ProgrammeWorkflow.give_feedback,
            GiveFeedback(role=role, rater_id=rater, scores=scores, stage=stage),
        )

    if Role.peer in roles:
        await programme.handle.execute_update(
            ProgrammeWorkflow.nominate_raters,
            NominateRaters(
                stage=first.key,
                raters=(Nominee(role=Role.peer, id="P1"), Nominee(role=Role.peer, id="P2")),
            ),
        )
        await give(Role.peer, "P1", first.key)
    await give(Role.employee, "E123", first.key)
    await give(Role.manager, "P9", first.key)  # not the manager: refused
    await programme.agree()
    view = await programme.view()
    assert view.stage == first.key, view.stage
    await give(Role.manager, "M3")
    view = await programme.view()
    if view.stage == first.key and view.stage_due is not None:
        await programme.sleep_until(view.stage_due + timedelta(hours=1))
    return await drive_to_completion(programme)


async def migrate(programme: Programme) -> object:
    """Revision 10: the programme moved onto a version 2 of its template with one stage
    more time (a refusal first: a stage named that version does not have), then on to
    completion, archived as it closes."""
    await programme.agree()
    data = programme.template.model_dump(mode="json")
    data["version"] = programme.template.version + 1
    data["stages"][-1]["due"] = "P60D"
    later = Template.model_validate(data)
    with contextlib.suppress(WorkflowUpdateFailedError):
        await programme.handle.execute_update(
            ProgrammeWorkflow.migrate_template,
            MigrateTemplate(to=later, mapping={"nowhere": "somewhere"}, reason="a typo"),
        )
    await programme.handle.execute_update(
        ProgrammeWorkflow.migrate_template,
        MigrateTemplate(to=later, reason="more time to close", by="ops-1", key="migrate:v2"),
    )
    return await drive_to_completion(programme)


async def evidence(programme: Programme) -> object:
    """Rules 5: an answer for a later stage refused before its window; the programme
    driven to completion; the follow-up answered, then the programme withdrawn while it
    waits for its follow-up (which records the follow-up evaluation, saying so)."""
    later = next(s for s in reversed(programme.template.stages) if s.gate.feedback is not None)
    scores = dict.fromkeys(programme.template.dimensions, 4)
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(role=Role.employee, rater_id="E123", scores=scores, stage=later.key),
    )
    done: list[ProgrammeView] = []

    async def stop(view: ProgrammeView) -> None:
        waits = programme.template.follow_up is not None
        if waits and view.status is Status.completed and not done:
            done.append(view)
            await programme.feedback(Role.employee, Role.manager, score=4)
            await programme.handle.execute_update(
                ProgrammeWorkflow.withdraw, Withdraw(reason="left before the follow-up")
            )

    return await drive_to_completion(programme, stop)


async def follow_up(programme: Programme) -> object:
    """Rules 8: once the programme completes, the follow-up's raters (who rated the final,
    the peers nominated by the programme itself) are reminded 7 and 2 days before it;
    between the two the peer and the employee answer, so the second reminds the others
    only (a template without a follow-up just completes)."""
    done: list[ProgrammeView] = []

    async def answer(view: ProgrammeView) -> None:
        if view.status is not Status.completed or view.follow_up_due is None or done:
            return
        done.append(view)
        await programme.sleep_until(view.follow_up_due - timedelta(days=4))
        await programme.feedback(Role.employee, Role.peer, score=4)

    return await drive_to_completion(programme, answer)


async def calendar(programme: Programme) -> object:
    """Rules 6: as the sessions' stage opens, one session rescheduled a day later, the
    last cancelled, then a ten-day pause that moves those ahead (``SessionsReplanned``);
    every change sends an invitation."""
    changed: list[object] = []

    async def change(view: ProgrammeView) -> None:
        planned = [s for s in view.sessions if s.status == "planned" and s.at is not None]
        if changed or len(planned) < 3:
            return
        moved, last = planned[1], planned[-1]
        assert moved.at is not None
        changed.append(
            await programme.handle.execute_update(
                ProgrammeWorkflow.reschedule_session,
                RescheduleSession(
                    number=moved.number, to=moved.at + timedelta(days=1), reason="a board"
                ),
            )
        )
        await programme.handle.execute_update(
            ProgrammeWorkflow.cancel_session,
            CancelSession(number=last.number, reason="agreed"),
        )
        now = await programme.now()
        await programme.handle.execute_update(
            ProgrammeWorkflow.pause, Pause(reason="leave", until=now + timedelta(days=10))
        )
        await programme.sleep_until(now + timedelta(days=10, hours=1))

    return await drive_to_completion(programme, change)


SCENARIOS: dict[str, tuple[Scenario, RunSettings]] = {
    "happy": (happy, RunSettings()),
    "lapse": (lapse, RunSettings()),
    "pause": (pause, RunSettings()),
    "withdraw": (withdraw, RunSettings()),
    "reassign": (reassign, RunSettings()),
    "collection": (collection, RunSettings()),
    "continue-as-new": (happy, RunSettings(history_limit=100)),
    "amend": (amend, RunSettings()),
    "expectations": (expectations, RunSettings()),
    "evidence": (evidence, RunSettings()),
    "migrate": (migrate, RunSettings()),
    "calendar": (calendar, RunSettings()),
    "follow-up": (follow_up, RunSettings()),
}


async def _save_chain(
    handle: WorkflowHandle[ProgrammeWorkflow, object], folder: Path, name: str
) -> int:
    histories = await run_histories(handle)
    for number, history in enumerate(histories, 1):
        (folder / f"{name}.run{number}.json").write_text(history.to_json())
    return len(histories)


async def record(folder: Path, template_id: str, scenario: str) -> int:
    """One scenario on a server of its own: a clean clock, nothing left from before."""
    play, settings = SCENARIOS[scenario]
    keyring = recording_keyring()  # committed, so the replay test can open what is recorded
    env = await start_test_server(keyring)
    try:
        delivered = Delivered()
        queue = f"record-{template_id}-{scenario}"
        worker = build_worker(
            env.client,
            delivered.all(),
            task_queue=queue,
        )
        async with worker:
            harness = Harness(env, worker, delivered, queue)
            programme = await Programme.launch(harness, shipped_template(template_id), settings)
            await play(programme)
            return await _save_chain(programme.handle, folder, f"{template_id}-{scenario}")
    finally:
        await env.shutdown()
        keyring.close()


async def main(name: str) -> None:
    folder = HERE / name
    folder.mkdir(exist_ok=True)
    for template_id in TEMPLATES:
        for scenario in SCENARIOS:
            if any(folder.glob(f"{template_id}-{scenario}.run*.json")):
                continue  # recorded by an earlier, interrupted call
            runs = await _record_with_retries(folder, template_id, scenario)
            print(f"{template_id} {scenario}: {runs} run(s)", file=sys.stderr)


async def _record_with_retries(folder: Path, template_id: str, scenario: str) -> int:
    """The time-skipping server now and then drops its connection or stalls while a
    programme continues as new under a skipped sleep; a fresh server records it."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await asyncio.wait_for(record(folder, template_id, scenario), SCENARIO_TIMEOUT)
        except (RPCError, TimeoutError) as exc:
            if attempt == ATTEMPTS:
                raise
            print(f"{template_id} {scenario}: {exc!r}; again", file=sys.stderr)
    raise AssertionError("unreachable")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.histories.record NAME  (a new folder, e.g. v3-...)")
    asyncio.run(main(sys.argv[1]))
