"""Erasing an employee's personal data."""

from __future__ import annotations

from typing import Annotated

import typer

from gateway.cli.shell import Address, AsJson, Namespace, app, out, print_json, run


@app.command()
def erase(
    employee: Annotated[str, typer.Argument(help="The employee id whose data to erase.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (default: personal data erased).")
    ] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Erase an employee's personal data: end their programmes, destroy their data key.

    Running programmes are withdrawn first; then nothing of theirs can be read again.
    """
    erasure = run(lambda c: c.erase(employee, reason), address, namespace)
    if as_json:
        print_json(erasure)
        return
    for ended in erasure.programmes:
        out.print(f"{ended.programme_id}: {ended.action}", highlight=False)
    done = "was already erased" if erasure.already_erased else "is erased: data key destroyed"
    out.print(f"employee {erasure.employee_id}'s personal data {done}", highlight=False)
    if not erasure.already_erased:
        out.print("unreadable from now on:", highlight=False)
        for where in erasure.unreadable:
            out.print(f"  - {where}", highlight=False)
