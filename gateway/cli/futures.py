"""``parcours simulate --programme ID [--template T@V]``: one running programme's future,
fast-forwarded from its own events (nobody answering), under its own template or, after
the migration's preview, under another version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gateway.cli.shell import fail, out, print_json, run

if TYPE_CHECKING:
    from domain.migration import MigrationPreview, Notice


def tell(programme_id: str, template: str | None, as_json: bool) -> None:
    from domain.errors import TemplateError
    from domain.evolve import fold
    from domain.migration import future, preview
    from gateway import catalogue
    from gateway.client import ProgrammeClient

    target = None
    if template is not None:
        try:
            target = catalogue.resolve(template)
        except TemplateError as exc:
            fail(f"--template: {exc}", 2)

    async def work(client: ProgrammeClient) -> tuple[MigrationPreview | None, list[Notice]]:
        from domain.commands import MigrateTemplate, Tick
        from domain.decider import decide_and_evolve

        events = await client.events(programme_id)
        now = datetime.now(UTC)
        state = fold(events)
        seen = None
        if target is not None:
            seen = preview(events, target, {}, now)
            if seen.outcome == "migrate":
                command = MigrateTemplate(to=target, reason="simulated")
                _, state = decide_and_evolve(state, command, now)
        else:
            _, state = decide_and_evolve(state, Tick(), now)
        return seen, future(state, now)

    seen, ahead = run(work, None, None)
    if as_json:
        print_json({"preview": seen, "future": ahead})
        return
    if seen is not None:
        why = f": {seen.reason}" if seen.reason else ""
        out.print(f"under {seen.to_template}: {seen.outcome}{why}", highlight=False)
    for item in ahead:
        out.print(f"{item.at:%Y-%m-%d %H:%M}  {item.type:<22} {item.stage or ''}", highlight=False)
