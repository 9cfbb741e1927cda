"""A programme that continues as new many times ends the same, with its whole log."""

from __future__ import annotations

from domain.commands import RecordSession, SessionStatus
from domain.events import Event
from domain.template import Role, Template
from gateway.catalogue import shipped_template
from tests.support import run_histories
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.messages import ProgrammeOutcome, RunSettings
from workflows.programme import ProgrammeWorkflow


def on_the_programme_clock(template: Template) -> Template:
    """``template`` with its sessions on the programme clock (no weekday, no time): the
    two programmes compared start months apart, and appointments fall on other days of
    the week for each (rules 6), which is not what this test is about."""
    stages = tuple(
        stage.model_copy(
            update={"sessions": stage.sessions.model_copy(update={"weekday": None, "at": None})}
        )
        if stage.sessions is not None
        else stage
        for stage in template.stages
    )
    return template.model_copy(update={"stages": stages})


async def _run(
    harness: Harness, settings: RunSettings
) -> tuple[Programme, ProgrammeOutcome, list[Event]]:
    template = on_the_programme_clock(shipped_template("executive-6m"))
    programme = await Programme.launch(harness, template, settings)
    await programme.agree()
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=2)
    await programme.progress("S1", 20)
    await programme.progress("L1", 0)
    await programme.hold_sessions()
    await programme.feedback(Role.employee, Role.manager, Role.coach, score=3)
    await programme.hold_sessions()
    await programme.progress("S1", 90)
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=4)
    await programme.hold_sessions()
    outcome = await programme.handle.result()
    return programme, outcome, await programme.events()


def _shape(events: list[Event]) -> list[tuple[object, ...]]:
    """The log without wall times and ids, which differ between two programmes.

    The programme clocks are compared apart (``_clocks_agree``): the test drives both
    programmes in real time between skips, a few milliseconds apart.
    """
    return [(e.seq, e.type, getattr(e, "stage", None)) for e in events]


def _clocks_agree(a: list[Event], b: list[Event]) -> bool:
    """Programme clocks within a second of each other: rounding each to the second would
    part two moments a few milliseconds apart across a half second."""
    return all(abs((x.clock - y.clock).total_seconds()) < 1 for x, y in zip(a, b, strict=True))


async def test_continue_as_new_keeps_outcome_and_whole_log(harness: Harness) -> None:
    plain, plain_outcome, plain_events = await _run(harness, RunSettings())
    chained, outcome, events = await _run(harness, RunSettings(history_limit=60))

    assert len(await run_histories(plain.handle)) == 1
    runs = await run_histories(chained.handle)
    assert len(runs) >= 4
    # Each run hands its revision to the next: none needs a patch marker to know its path.
    markers = [sum(e.HasField("marker_recorded_event_attributes") for e in r.events) for r in runs]
    assert markers == [0] * len(runs)
    assert outcome.model_dump(exclude={"programme_id", "ended_at"}) == plain_outcome.model_dump(
        exclude={"programme_id", "ended_at"}
    )
    assert _shape(events) == _shape(plain_events)
    assert _clocks_agree(events, plain_events)


async def test_refused_signals_are_kept_across_continue_as_new(harness: Harness) -> None:
    """A receipt still finds a refusal after the run that refused it has closed."""
    programme = await Programme.launch(
        harness, shipped_template("executive-6m"), RunSettings(history_limit=60)
    )
    await programme.handle.signal(
        ProgrammeWorkflow.record_session,
        RecordSession(number=99, status=SessionStatus.held, key="no-such-session"),
    )
    await programme.agree()
    await programme.feedback(Role.employee, Role.manager, Role.peer, score=2)
    await programme.progress("S1", 20)
    await programme.progress("L1", 0)
    await programme.hold_sessions()

    runs = await run_histories(programme.handle)
    assert len(runs) >= 2
    receipt = await programme.handle.query(ProgrammeWorkflow.receipt, "no-such-session")
    assert receipt.outcome == "rejected"
    assert receipt.reason is not None
    assert receipt.reason.startswith("session 99 is not in the current stage")
    view = await programme.view()
    assert view.rejections[0].key == "no-such-session"
