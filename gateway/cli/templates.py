"""Programme templates: list, show, validate."""

from __future__ import annotations

from pathlib import Path

from gateway.cli.shell import AsJson, fail, out, print_json, templates_app


@templates_app.command("list")
def templates_list(as_json: AsJson = False) -> None:
    """The templates parcours ships."""
    from rich.table import Table

    from domain.durations import format_duration
    from gateway import catalogue

    shipped = catalogue.shipped()
    if as_json:
        print_json([{"id": t.id, "version": t.version, "title": t.title_in("")} for t in shipped])
        return
    table = Table("id", "version", "title", "stages", "max duration")
    for t in shipped:
        table.add_row(
            t.id,
            str(t.version),
            t.title_in(""),
            str(len(t.stages)),
            format_duration(t.max_duration),
        )
    out.print(table)


@templates_app.command("show")
def templates_show(template: str, as_json: AsJson = False) -> None:
    """One template, by id or path."""
    import json

    from rich.table import Table

    from domain.durations import format_duration
    from domain.errors import TemplateError
    from gateway import catalogue

    try:
        found = catalogue.resolve(template)
    except TemplateError as exc:
        fail(str(exc), 2)
    if as_json:
        print_json(found)
        return
    out.print(f"[bold]{found.title_in('')}[/] ({found.id} v{found.version})", highlight=False)
    if found.description:
        out.print(found.description_in("").strip())
    out.print(f"languages: {', '.join(found.languages)}; framework {found.framework_id}")
    limit = format_duration(found.max_duration)
    out.print(f"dimensions: {', '.join(found.dimensions)}; max duration {limit}")
    table = Table("#", "stage", "due", "gate", "sessions", "evaluation")
    for i, stage in enumerate(found.stages, 1):
        gate = stage.gate.model_dump(exclude_defaults=True, mode="json")
        sessions = stage.sessions
        table.add_row(
            str(i),
            f"{stage.key}: {stage.display}",
            format_duration(stage.allowed) if stage.allowed else "—",
            json.dumps(gate),
            f"{sessions.count} every {format_duration(sessions.every)}" if sessions else "",
            stage.evaluation or "",
        )
    out.print(table)


@templates_app.command("validate")
def templates_validate(file: Path) -> None:
    """Check a template file; errors name the field and the rule."""
    from domain.errors import TemplateError
    from gateway import catalogue

    try:
        found = catalogue.load_file(file)
    except TemplateError as exc:
        fail(str(exc), 2)
    out.print(f"{file}: valid ({found.id} v{found.version}, {len(found.stages)} stages)")
