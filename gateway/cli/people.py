"""The people directory and a programme's people: contacts, raters, reassignment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gateway.cli.rendering import show_view
from gateway.cli.shell import (
    Address,
    AsJson,
    Key,
    Namespace,
    ProgrammeId,
    app,
    build,
    fail,
    keyring_for,
    out,
    print_json,
    run,
    settings_for,
)

if TYPE_CHECKING:
    from domain.view import ProgrammeView
    from gateway.client import ProgrammeClient

people_app = typer.Typer(
    help="Contacts of coaches, managers, sponsors, HR and raters, sealed per person.",
    no_args_is_help=True,
)
app.add_typer(people_app, name="people")


@people_app.command("set")
def set_person(
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    name: Annotated[str, typer.Option("--name")],
    email: Annotated[
        str | None, typer.Option("--email", help="None: webhook and outbox only.")
    ] = None,
    locale: Annotated[str, typer.Option("--locale")] = "en",
    tz: Annotated[str, typer.Option("--tz", help="Time zone, e.g. Europe/Paris.")] = "UTC",
    as_json: AsJson = False,
) -> None:
    """Add or replace a person's contacts, sealed with their own key."""
    from bootstrap.stores import people_directory
    from gateway.client.requests import PersonRequest

    contact = build(PersonRequest, name=name, email=email, locale=locale, time_zone=tz)
    settings = settings_for()
    directory = people_directory(settings, keyring_for(settings))
    try:
        saved = contact.contact(person_id)
        directory.put(saved)
    except ValueError as exc:
        fail(str(exc), 2)
    finally:
        directory.close()
    if as_json:
        print_json(saved)
    else:
        reach = (saved.email and "by email") or "by the webhook and the outbox only (no email)"
        out.print(f"{person_id}: {saved.name}, reached {reach}", highlight=False)


def _rater(text: str) -> dict[str, str]:
    role, _, rest = text.partition(":")
    person, _, email = rest.partition(":")
    if not role or not person:
        fail(f"--add: {text!r} is not ROLE:ID[:EMAIL]", 2)
    entry = {"role": role, "id": person}
    if email:
        entry["email"] = email
    return entry


@app.command()
def raters(
    programme_id: ProgrammeId,
    add: Annotated[
        list[str], typer.Option("--add", help="ROLE:ID[:EMAIL], e.g. peer:P1:p1@example.com")
    ],
    stage: Annotated[
        str | None, typer.Option("--stage", help="The feedback stage (default: the current one).")
    ] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Nominate raters for a feedback stage: only they answer there as peers or direct reports."""
    from gateway.client.requests import RatersRequest

    body = build(RatersRequest, stage=stage, raters=[_rater(a) for a in add])

    async def work(client: ProgrammeClient) -> ProgrammeView:
        for contact in body.contacts():
            client.set_person(contact)
        return await client.nominate_raters(programme_id, body.command(key))

    show_view(run(work, address, namespace), as_json)


@app.command()
def reassign(
    programme_id: ProgrammeId,
    role: Annotated[str, typer.Option("--role", help="coach, manager, sponsor or hr")],
    to: Annotated[str, typer.Option("--to", help="The person who holds it from now on.")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Give a programme's coach, manager, sponsor or HR role to another person."""
    from gateway.client.requests import ReassignRequest

    command = build(ReassignRequest, role=role, to=to).command(key)
    show_view(run(lambda c: c.reassign(programme_id, command), address, namespace), as_json)
