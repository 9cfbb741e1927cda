"""Which rules a run launches a programme under, by the revision of the run's code.

A programme keeps the rules it was launched under for its whole life (``domain.rules``);
a run says its revision in its input (``workflows.messages.REVISION``), and a launch
takes the rules of the newest step of the ladder that revision reached.
"""

from __future__ import annotations

from domain.commands import Launch
from domain.rules import (
    CALENDAR,
    COLLECTION,
    EVIDENCE,
    FOLLOW_UP,
    FRAMEWORKS,
    OCCURRED_AT,
    PEOPLE,
)
from workflows.messages import (
    CALENDAR_REVISION,
    COLLECTION_REVISION,
    EVIDENCE_REVISION,
    FOLLOW_UP_REVISION,
    FRAMEWORKS_REVISION,
    PEOPLE_REVISION,
    RULES_REVISION,
)

FIRST_RULES = 1
"""The rules of a launch by a run that says no revision, or one before ``RULES_REVISION``."""
LADDER: tuple[tuple[int, int], ...] = (
    (FOLLOW_UP_REVISION, FOLLOW_UP),
    (FRAMEWORKS_REVISION, FRAMEWORKS),
    (CALENDAR_REVISION, CALENDAR),
    (EVIDENCE_REVISION, EVIDENCE),
    (COLLECTION_REVISION, COLLECTION),
    (PEOPLE_REVISION, PEOPLE),
    (RULES_REVISION, OCCURRED_AT),
)
"""(first revision, rules it launches under), newest first. A revision that changes
workflow commands only (``RELIABLE_REVISION``, ``ARCHIVE_REVISION``) takes no step."""


def launch_rules(revision: int | None) -> int:
    """The rules a programme launched by a run of ``revision`` follows, at the least."""
    if revision is None:
        return FIRST_RULES
    return next((rules for first, rules in LADDER if revision >= first), FIRST_RULES)


def under_its_rules(launch: Launch, revision: int | None) -> Launch:
    """``launch`` as a run of ``revision`` decides it: under that revision's rules at
    the least. The workflow and the history reader (a run whose first task has not run)
    both launch through here, so they decide the same programme."""
    return launch.model_copy(update={"rules": max(launch.rules, launch_rules(revision))})
