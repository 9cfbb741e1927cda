"""A cohort's report: where its programmes stand and how their evaluations went."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gateway.cli.shell import Address, AsJson, Namespace, app, out, print_json, run


@app.command("cohort-report")
def cohort_report(
    cohort: Annotated[str, typer.Argument(help="The cohort id.")],
    html: Annotated[Path | None, typer.Option("--html", help="Write it as an HTML page.")] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """A cohort's programmes together: counts, verdicts, change, attendance. No one's scores.

    Counts per stage and status, verdicts and mean change per dimension by evaluation,
    attendance and stalls."""
    from gateway.cli.rendering import cohort_html, cohort_lines
    from gateway.client import cohort as cohorts

    report = run(lambda c: cohorts.summary(c, cohort), address, namespace)
    if html is not None:
        html.write_text(cohort_html(report), encoding="utf-8")
    if as_json:
        print_json(report)
        return
    for line in cohort_lines(report):
        out.print(line, highlight=False)
    if html is not None:
        out.print(f"written to {html}", highlight=False)
