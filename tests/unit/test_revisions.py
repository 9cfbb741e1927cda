"""The rules a launch takes by the revision of the run that launches it
(``workflows.revisions``): one step per revision that changed the rules, none for the
revisions that changed only workflow commands."""

from __future__ import annotations

import pytest

from domain.rules import CALENDAR, COLLECTION, EVIDENCE, FRAMEWORKS, OCCURRED_AT, PEOPLE
from workflows.messages import REVISION
from workflows.revisions import FIRST_RULES, LADDER, launch_rules


@pytest.mark.parametrize(
    ("revision", "rules"),
    [
        (None, FIRST_RULES),
        (1, FIRST_RULES),
        (2, FIRST_RULES),
        (3, OCCURRED_AT),
        (4, PEOPLE),
        (5, COLLECTION),
        (6, EVIDENCE),
        (7, CALENDAR),
        (8, CALENDAR),
        (9, CALENDAR),
        (10, CALENDAR),
        (11, FRAMEWORKS),
    ],
)
def test_each_revision_launches_under_the_rules_it_brought(
    revision: int | None, rules: int
) -> None:
    assert launch_rules(revision) == rules


def test_the_ladder_runs_newest_first_and_tops_at_the_current_revision() -> None:
    firsts = [first for first, _ in LADDER]
    steps = [rules for _, rules in LADDER]
    assert firsts == sorted(firsts, reverse=True)
    assert steps == sorted(steps, reverse=True)
    assert firsts[0] <= REVISION
    assert launch_rules(REVISION) == steps[0]
