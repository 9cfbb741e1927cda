"""Simulating a template: its whole timeline, fast-forwarded by the decider (no Temporal)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gateway.cli.shell import AsJson, app, fail, out, print_json


@app.command()
def simulate(
    template: Annotated[str, typer.Argument(help="Template id or YAML path.")],
    start: Annotated[
        str | None, typer.Option("--start", help="Start date, YYYY-MM-DD (default: next Monday).")
    ] = None,
    scenario: Annotated[
        str,
        typer.Option("--scenario", help="on-time, silent, late, or a scenario YAML file."),
    ] = "on-time",
    as_json: AsJson = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the timeline as an HTML page.")
    ] = None,
) -> None:
    """Fast-forward a template through a whole programme and print its timeline.

    Every stage, deadline, reminder, escalation (by role), session, evaluation, stall,
    lapse and follow-up, with dates, as a real run with the same answers would record.
    """
    import time
    from datetime import date

    from rich.markup import escape

    from domain.errors import DomainError, TemplateError
    from domain.simulation import simulate as fast_forward
    from domain.simulation import stage_of_each
    from gateway import catalogue
    from gateway import simulation as sim
    from gateway.cli import timeline

    day = None
    if start is not None:
        try:
            day = date.fromisoformat(start)
        except ValueError:
            fail(f"start: {start!r} is not a date like 2026-12-01", 2)
    try:
        chosen = catalogue.resolve(template)
        plan = sim.load_scenario(scenario)
        began = time.perf_counter()
        run = fast_forward(chosen, plan, sim.start_of(day))
        took = time.perf_counter() - began
    except (TemplateError, DomainError, ValueError, OverflowError) as exc:
        fail(str(exc), 2)
    if html is not None:
        html.write_text(sim.timeline_html(run), encoding="utf-8")
    if as_json:
        print_json(sim.summary(run))
        return
    for event, stage in zip(run.events, stage_of_each(run.events), strict=True):
        if event.type == "delivery_confirmed":
            continue
        day_ = event.clock.total_seconds() / 86400
        out.print(
            f"{event.seq:>4}  {event.at:%Y-%m-%d %H:%M}  day {day_:>5.1f}  {stage or '':<18} "
            f"[bold]{event.type:<22}[/] {escape(timeline.summary(event))}",
            highlight=False,
        )
    state = run.state
    assert state is not None
    ended = f" on {state.ended_at:%Y-%m-%d}" if state.ended_at else ""
    out.print(
        f"{chosen.id} v{chosen.version}, scenario {plan.name}: {state.status.value}{ended}; "
        f"{len(run.events)} events in {took * 1000:.1f} ms"
        + (f"; timeline written to {html}" if html else ""),
        highlight=False,
    )
    for at, command, reason in run.refused:
        out.print(f"[yellow]refused[/] {command.type} at {at:%Y-%m-%d %H:%M}: {reason}")
