"""Telling a programme what happened (facts) and asking it to change (requests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
    parse_local,
    parse_when,
    run,
    zone_of_programme,
)

if TYPE_CHECKING:
    from domain.view import ProgrammeView
    from gateway.client.programmes import ProgrammeClient

At = Annotated[
    str | None,
    typer.Option("--at", help="When it happened, if not now (date or ISO datetime)."),
]


@app.command()
def objectives(
    programme_id: ProgrammeId,
    short: Annotated[
        list[str] | None, typer.Option("--short", help="A short-term objective.")
    ] = None,
    long: Annotated[list[str] | None, typer.Option("--long", help="A long-term objective.")] = None,
    amend: Annotated[
        bool,
        typer.Option(
            "--amend",
            help="Replace the objectives agreed (unchanged texts keep their ids); needs --reason.",
        ),
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, with --amend.")] = None,
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="An objective's target other than 100%, like S1=80."),
    ] = None,
    keep: Annotated[
        list[str] | None, typer.Option("--keep", help="With --amend: keep S1 as it is.")
    ] = None,
    reword: Annotated[
        list[str] | None,
        typer.Option("--reword", help='With --amend: S1="new words" (id and progress kept).'),
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="With --amend: retire S2.")
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option("--add", help='With --amend: short="words" or long="words".'),
    ] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Agree the programme's short- and long-term objectives, or amend them."""
    from domain.commands import AmendObjectives
    from gateway.cli.rendering import show_view
    from gateway.client.requests import ObjectivesRequest

    targets = dict(t.partition("=")[::2] for t in target or ())
    changes = [{"action": "keep", "id": i} for i in keep or ()]
    changes += [{"action": "reword", "id": i, "text": t} for i, _, t in _pairs(reword)]
    changes += [{"action": "remove", "id": i} for i in remove or ()]
    changes += [{"action": "add", "horizon": f"{h}_term", "text": t} for h, _, t in _pairs(add)]
    body = build(
        ObjectivesRequest,
        short_term=short or [],
        long_term=long or [],
        amend=amend,
        reason=reason,
        targets=targets,
        changes=changes,
    )
    command = body.command(key)
    if isinstance(command, AmendObjectives):
        amendment = command
        view = run(lambda c: c.amend_objectives(programme_id, amendment), address, namespace)
    else:
        agreement = command
        view = run(lambda c: c.agree_objectives(programme_id, agreement), address, namespace)
    show_view(view, as_json)


def _pairs(given: list[str] | None) -> list[tuple[str, str, str]]:
    """``S1=words`` options as (``S1``, ``=``, ``words``)."""
    return [item.partition("=") for item in given or ()]


@app.command()
def expectations(
    programme_id: ProgrammeId,
    expect: Annotated[
        str | None, typer.Option("--expect", help="What the client expects of the programme.")
    ] = None,
    met: Annotated[
        int | None,
        typer.Option("--met", help="At closure: were they met? 1 not at all, 3 partly, 5 fully."),
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="With --met.")] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Who says it: the holder of the template's expectations role (the sponsor, "
            "or the employee); by default, whoever holds it now.",
        ),
    ] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """The client's expectations: what they expect, or at closure whether it was met."""
    from domain.commands import RateExpectations
    from gateway.cli.rendering import show_view
    from gateway.client.requests import ExpectationsRequest

    # checked before connecting; the holder, when not given, is read from the programme
    body = build(
        ExpectationsRequest, person_id=by or "holder", expected=expect, met=met, comment=comment
    )

    async def send(client: ProgrammeClient) -> ProgrammeView:
        person = by or await _client_of(client, programme_id)
        command = body.model_copy(update={"person_id": person}).command(key)
        if isinstance(command, RateExpectations):
            return await client.rate_expectations(programme_id, command)
        return await client.record_expectations(programme_id, command)

    show_view(run(send, address, namespace), as_json)


async def _client_of(client: ProgrammeClient, programme_id: str) -> str:
    """Who holds the programme's expectations role now (the CLI is ops' own tool)."""
    from domain.template import Role

    view = await client.view(programme_id)
    by = view.expectations_by
    holder = view.employee.id if by is Role.employee else view.holders.of(by)
    if holder is None:
        fail(f"by: nobody holds the {by} role in {programme_id}; say who with --by", 2)
    return holder


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
    from gateway.client.requests import FeedbackRequest

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
    status: Annotated[str | None, typer.Option("--status", help="held or missed.")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    correct: Annotated[
        bool, typer.Option("--correct", help="Replace what was recorded for this session.")
    ] = False,
    reschedule: Annotated[
        str | None,
        typer.Option(
            "--reschedule",
            help="Move it to this date and time, in the programme's time zone "
            "(2027-02-03T10:00), by agreement; with --reason.",
        ),
    ] = None,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Cancel it by agreement (not a miss); with --reason.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, with --reschedule or --cancel.")
    ] = None,
    at: At = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Record a session of the calendar as held or missed (or correct a wrong record);
    or reschedule it, or cancel it by agreement."""
    from gateway.cli.rendering import show_receipt
    from gateway.client.requests import SessionRequest

    if [status is not None, reschedule is not None, cancel].count(True) != 1:
        fail("give one of --status, --reschedule or --cancel", 2)
    if status is None:
        _change_session(programme_id, number, reschedule, reason, key, address, namespace, as_json)
        return

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


def _change_session(
    programme_id: str,
    number: int,
    reschedule: str | None,
    reason: str | None,
    key: str | None,
    address: str | None,
    namespace: str | None,
    as_json: bool,
) -> None:
    from gateway.cli.rendering import show_view
    from gateway.client.requests import CancelRequest, RescheduleRequest

    if reason is None:
        fail("reason: a session is rescheduled or cancelled with --reason", 2)
    if reschedule is not None:
        zone = zone_of_programme(programme_id, address, namespace)
        moved = build(
            RescheduleRequest, to=parse_local(reschedule, "reschedule", zone), reason=reason
        ).command(number, key)
        view = run(lambda c: c.reschedule_session(programme_id, moved), address, namespace)
    else:
        cancelled = build(CancelRequest, reason=reason).command(number, key)
        view = run(lambda c: c.cancel_session(programme_id, cancelled), address, namespace)
    show_view(view, as_json)


@app.command()
def progress(
    programme_id: ProgrammeId,
    objective: Annotated[str, typer.Option("--objective", help="Objective id, like S1 or L2.")],
    percent: Annotated[int, typer.Option("--percent", help="0..100.")],
    note: Annotated[
        str | None, typer.Option("--note", help="What the check-in says of it (rules 8).")
    ] = None,
    at: At = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Record progress on an objective."""
    from gateway.cli.rendering import show_receipt
    from gateway.client.requests import ProgressRequest

    body = build(
        ProgressRequest,
        objective_id=objective,
        percent=percent,
        note=note,
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

    when = None
    if until is not None:  # a date people give is in the programme's time zone
        when = parse_local(until, "until", zone_of_programme(programme_id, address, namespace))
    command = build(Pause, reason=reason, until=when, key=key)
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
