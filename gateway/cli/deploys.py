"""Before a deploy: do the programmes running now replay with this code?"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from gateway.cli.shell import Address, AsJson, Namespace, app, err, out, print_json, run


@app.command("replay-check")
def replay_check(
    query: Annotated[
        str | None,
        typer.Option("--query", help="A visibility query (default: every running programme)."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Replay running programmes with this version's workflow code; exit 1 if any fails.

    Run it with the new version before you deploy it: a programme that does not replay
    would stop with a nondeterminism error once a new worker picks it up.
    """
    replayed: list[Any] = run(lambda c: c.replay_check(query, limit), address, namespace)
    failed = [r for r in replayed if r.failure is not None]
    if as_json:
        print_json(
            {
                "replayed": len(replayed),
                "failed": [{"programme_id": r.programme_id, "run_id": r.run_id,
                            "failure": r.failure} for r in failed],
            }
        )  # fmt: skip
    else:
        for run_ in failed:
            err.print(f"{run_.programme_id} ({run_.run_id}): {run_.failure}", highlight=False)
        out.print(f"{len(replayed)} replayed with this code, {len(failed)} failed", highlight=False)
    if failed:
        raise typer.Exit(1)
