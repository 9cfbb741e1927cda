"""Before a deploy: do the programmes running now replay with this code?"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer

from gateway.cli.shell import (
    Address,
    AsJson,
    Namespace,
    app,
    err,
    fail,
    out,
    print_json,
    run,
)


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
    summary = _summary(replayed)
    if as_json:
        print_json(summary)
    else:
        _say(replayed, summary)
    if summary["failed"]:
        raise typer.Exit(1)


def _summary(replayed: list[Any]) -> dict[str, Any]:
    """How many replayed, how many per build (the one each run last ran on), what failed."""
    per_build = Counter(r.build_id or "unversioned" for r in replayed)
    return {
        "replayed": len(replayed),
        "builds": dict(sorted(per_build.items())),
        "failed": [{"programme_id": r.programme_id, "run_id": r.run_id,
                    "failure": r.failure} for r in replayed if r.failure is not None],
    }  # fmt: skip


def _say(replayed: list[Any], summary: dict[str, Any]) -> None:
    for failed in summary["failed"]:
        err.print(
            f"{failed['programme_id']} ({failed['run_id']}): {failed['failure']}",
            highlight=False,
        )
    builds = ", ".join(f"{build}: {n}" for build, n in summary["builds"].items())
    out.print(
        f"{len(replayed)} replayed with this code{f' ({builds})' if builds else ''}, "
        f"{len(summary['failed'])} failed",
        highlight=False,
    )


@app.command()
def deploy(
    build_id: Annotated[
        str | None,
        typer.Option(
            "--build-id",
            help="The build to make current (default: PARCOURS_BUILD_ID, else this code's).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check/--no-check",
            help="First replay every running programme with this code (replay-check).",
        ),
    ] = True,
    move_pinned: Annotated[
        bool,
        typer.Option(
            "--move-pinned",
            help="Then move the programmes pinned to other builds onto it, each once it "
            "replays with this code: for when their builds' workers are gone for good.",
        ),
    ] = False,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Make a worker build current, once the running programmes replay with this code.

    New programmes start on it, running ones move to it at their next continue-as-new.
    Its workers must be polling already (started with PARCOURS_MAKE_CURRENT=false). Exit 1
    when a running programme does not replay with this code (nothing is changed then) or
    the build cannot be made current."""
    from config import SettingsError
    from config.values import check_build_id
    from gateway.cli.shell import settings_for
    from workers.deployment import default_build_id

    try:
        build = build_id or settings_for(address, namespace).build_id or default_build_id()
        build = check_build_id(build)
    except SettingsError as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(f"--build-id: {exc}", 2)
    summary: dict[str, Any] = {}
    if check:
        replayed: list[Any] = run(lambda c: c.replay_check(None, None), address, namespace)
        summary = _summary(replayed)
        if not as_json:
            _say(replayed, summary)
        if summary["failed"]:
            if as_json:
                print_json({**summary, "current": None})
            err.print(f"not deploying {build}: a running programme does not replay with this code")
            raise typer.Exit(1)
    made, previous = run(lambda c: c.make_current(build), address, namespace)
    answer: dict[str, Any] = {**summary, "current": made, "previous": previous}
    if not as_json:
        out.print(f"{made} is current (was {previous or 'none'})", highlight=False)
    if move_pinned:
        moved, left = run(lambda c: c.move_pinned(build), address, namespace)
        answer["moved"] = [r.programme_id for r in moved]
        answer["left"] = [{"programme_id": r.programme_id, "build_id": r.build_id,
                           "failure": r.failure} for r in left]  # fmt: skip
        if not as_json:
            for r in left:
                err.print(f"{r.programme_id} stays on {r.build_id}: {r.failure}", highlight=False)
            out.print(f"{len(moved)} moved onto {made}, {len(left)} left", highlight=False)
    if as_json:
        print_json(answer)
    if move_pinned and answer["left"]:
        raise typer.Exit(1)
