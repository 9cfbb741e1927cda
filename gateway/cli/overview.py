"""``parcours`` and ``parcours --help`` without typer: the list of commands as plain text.

The typer app (``gateway.cli.shell``) with rich takes longer to import than the
Temporal client; a person asking what the CLI can do should not wait for it. So
``gateway.cli.main`` prints this page when the command line is ``--help`` alone,
and hands everything else to typer. ``COMMANDS`` is each command's name and the first
paragraph of its help, in typer's order; ``tests/unit/test_cli_overview.py`` keeps
it equal to what the typer app says, so a new command cannot be missing here.
"""

from __future__ import annotations

import shutil
import textwrap

USAGE = "Usage: parcours [OPTIONS] COMMAND [ARGS]..."
ABOUT = "Coaching and development programmes as durable workflows on Temporal."
COMMANDS: tuple[tuple[str, str], ...] = (
    (
        "calendar",
        (
            "The whole calendar, planned from the launch: sessions (held, missed, planned, "
            "tentative), stage deadlines and evaluations, in the programme's time zone."
        ),
    ),
    (
        "cohort-report",
        ("A cohort's programmes together: counts, verdicts, change, attendance. No one's scores."),
    ),
    ("objectives", "Agree the programme's short- and long-term objectives, or amend them."),
    (
        "expectations",
        "The client's expectations: what they expect, or at closure whether it was met.",
    ),
    ("feedback", "Feedback from one rater on some or all dimensions."),
    (
        "session",
        (
            "Record a session of the calendar as held or missed (or correct a wrong record); "
            "or reschedule it, or cancel it by agreement."
        ),
    ),
    ("progress", "Record progress on an objective."),
    ("pause", "Pause the programme clock (leave, sickness)."),
    ("resume", "Resume a paused programme."),
    ("withdraw", "Withdraw the employee: a closing evaluation runs, the programme ends."),
    ("advance", "Close the current stage although its gate is not met (an ops decision)."),
    (
        "replay-check",
        ("Replay running programmes with this version's workflow code; exit 1 if any fails."),
    ),
    ("deploy", "Make a worker build current, once the running programmes replay with this code."),
    (
        "launch",
        ("Launch a programme; prints its id. The same employee and template twice: the same one."),
    ),
    (
        "launch-cohort",
        "Launch a whole cohort from a CSV file; re-running it launches nobody twice.",
    ),
    (
        "migrate",
        (
            "Preview, then apply, a template migration on running programmes; ends on a "
            "summary (migrated, refused, unchanged). Idempotent: running it again moves "
            "nothing twice."
        ),
    ),
    (
        "raters",
        (
            "Nominate raters for a feedback stage: only they answer there as peers or direct "
            "reports."
        ),
    ),
    ("reassign", "Give a programme's coach, manager, sponsor or HR role to another person."),
    ("erase", "Erase an employee's personal data: end their programmes, destroy their data key."),
    ("list", "Programmes matching the filters, through the search attributes."),
    ("show", "Where a programme stands."),
    ("history", "The programme's timeline, event by event."),
    (
        "report",
        ("An evaluation report, rendered from the programme's events (never kept as a file)."),
    ),
    (
        "up",
        ("Embedded: the Temporal dev server (SQLite in the data dir), a worker and the HTTP API."),
    ),
    ("api", "The HTTP API alone, for a Temporal you run yourself. Needs PARCOURS_API_TOKENS."),
    (
        "worker",
        ("A worker only, for a Temporal you run yourself (TLS and API key from the settings)."),
    ),
    ("simulate", "Fast-forward a template through a whole programme and print its timeline."),
    ("templates", "Programme templates: list, show, validate."),
    ("archive", "Closed programmes kept past Temporal's retention."),
    ("keys", "The master key: make one, rotate to one."),
    ("outbox", "The outbox a relay tails: read it opened."),
    ("people", "Contacts of coaches, managers, sponsors, HR and raters, sealed per person."),
)
"""(name, first paragraph of its help), as typer lists them."""
HELP_FLAGS = ("--help",)
"""typer answers ``--help`` only (no ``-h``); so does the overview."""


def asks_overview(args: list[str]) -> bool:
    """The command line is ``--help`` alone. (An empty one stays typer's: the same page
    on stderr, exit 2.)"""
    return len(args) == 1 and args[0] in HELP_FLAGS


def page(width: int | None = None) -> str:
    """The overview, wrapped to ``width`` (the terminal's by default)."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    name_width = max(len(name) for name, _ in COMMANDS) + 2
    text_width = max(width - name_width - 2, 30)
    lines = [
        USAGE,
        "",
        ABOUT,
        "",
        "Options:",
        "  --help  Show this message and exit.",
        "",
        "Commands:",
    ]
    for name, summary in COMMANDS:
        wrapped = textwrap.wrap(summary, text_width) or [""]
        lines.append(f"  {name:<{name_width}}{wrapped[0]}")
        lines.extend(f"  {'':<{name_width}}{more}" for more in wrapped[1:])
    lines += ["", "parcours COMMAND --help says more about a command."]
    return "\n".join(lines) + "\n"
