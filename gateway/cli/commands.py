"""Telling a programme what happened (facts) and asking it to change (requests)."""

from __future__ import annotations

from typing import Annotated

import typer

from gateway.cli.shell import (
    Address,
    AsJson,
    Key,
    Namespace,
    ProgrammeId,
    app,
    build,
    fail,
    parse_when,
    run,
)

At = Annotated[
    str | None,
    typer.Option("--at", help="When it happened, if not now (date or ISO datetime)."),
]


@app.command()
def objectives(
    programme_id: ProgrammeId,
    short: Annotated[list[str], typer.Option("--short", help="A short-term objective.")],
    long: Annotated[list[str], typer.Option("--long", help="A long-term objective.")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Agree the programme's short- and long-term objectives."""
    from gateway.cli.rendering import show_view
    from gateway.http.requests import ObjectivesRequest

    command = build(ObjectivesRequest, short_term=short, long_term=long).command(key)
    view = run(lambda c: c.agree_objectives(programme_id, command), address, namespace)
    show_view(view, as_json)


@app.command()
def feedback(
    programme_id: ProgrammeId,
    role: Annotated[str, typer.Option("--role", help="employee, manager, peer, coach, ...")],
    rater: Annotated[str, typer.Option("--rater", help="Who gives the feedback.")],
    score: Annotated[list[str], typer.Option("--score", help="DIMENSION=1..5, repeatable.")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="A later feedback stage it is kept for.")
    ] = None,
    at: At = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Feedback from one rater on some or all dimensions."""
    from gateway.cli.rendering import show_receipt
    from gateway.http.requests import FeedbackRequest

    scores: dict[str, str] = {}
    for item in score:
        dimension, sep, value = item.partition("=")
        if not sep or not value.strip().lstrip("-").isdigit():
            fail(f"score: {item!r} is not DIMENSION=N (like motivation=4)", 2)
        scores[dimension.strip()] = value.strip()
    body = build(
        FeedbackRequest,
        role=role,
        rater_id=rater,
        scores=scores,
        comment=comment,
        stage=stage,
        occurred_at=parse_when(at, "at") if at else None,
    )
    command = body.command(key)
    show_receipt(run(lambda c: c.give_feedback(programme_id, command), address, namespace))


@app.command()
def session(
    programme_id: ProgrammeId,
    number: Annotated[int, typer.Option("--number", help="Session number on the calendar.")],
    status: Annotated[str, typer.Option("--status", help="held or missed.")],
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    correct: Annotated[
        bool, typer.Option("--correct", help="Replace what was recorded for this session.")
    ] = False,
    at: At = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Record a session of the calendar as held or missed (or correct a wrong record)."""
    from gateway.cli.rendering import show_receipt
    from gateway.http.requests import SessionRequest

    body = build(
        SessionRequest,
        number=number,
        status=status,
        notes=notes,
        correct=correct,
        occurred_at=parse_when(at, "at") if at else None,
    )
    command = body.command(key)
    show_receipt(run(lambda c: c.record_session(programme_id, command), address, namespace))


@app.command()
def progress(
    programme_id: ProgrammeId,
    objective: Annotated[str, typer.Option("--objective", help="Objective id, like S1 or L2.")],
    percent: Annotated[int, typer.Option("--percent", help="0..100.")],
    at: At = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Record progress on an objective."""
    from gateway.cli.rendering import show_receipt
    from gateway.http.requests import ProgressRequest

    body = build(
        ProgressRequest,
        objective_id=objective,
        percent=percent,
        occurred_at=parse_when(at, "at") if at else None,
    )
    command = body.command(key)
    show_receipt(run(lambda c: c.record_progress(programme_id, command), address, namespace))


@app.command()
def pause(
    programme_id: ProgrammeId,
    reason: Annotated[str, typer.Option("--reason")],
    until: Annotated[
        str | None, typer.Option("--until", help="Resume by itself then (date or datetime).")
    ] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Pause the programme clock (leave, sickness)."""
    from domain.commands import Pause
    from gateway.cli.rendering import show_view

    command = build(
        Pause, reason=reason, until=parse_when(until, "until") if until else None, key=key
    )
    show_view(run(lambda c: c.pause(programme_id, command), address, namespace), as_json)


@app.command()
def resume(
    programme_id: ProgrammeId,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Resume a paused programme."""
    from domain.commands import Resume
    from gateway.cli.rendering import show_view

    command = build(Resume, key=key)
    show_view(run(lambda c: c.resume(programme_id, command), address, namespace), as_json)


@app.command()
def withdraw(
    programme_id: ProgrammeId,
    reason: Annotated[str, typer.Option("--reason")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Withdraw the employee: a closing evaluation runs, the programme ends."""
    from domain.commands import Withdraw
    from gateway.cli.rendering import show_view

    command = build(Withdraw, reason=reason, key=key)
    show_view(run(lambda c: c.withdraw(programme_id, command), address, namespace), as_json)


@app.command()
def advance(
    programme_id: ProgrammeId,
    reason: Annotated[str, typer.Option("--reason")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Close the current stage although its gate is not met (an ops decision)."""
    from domain.commands import AdvanceStage
    from gateway.cli.rendering import show_view

    command = build(AdvanceStage, reason=reason, key=key)
    show_view(run(lambda c: c.advance_stage(programme_id, command), address, namespace), as_json)
