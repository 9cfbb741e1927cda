"""Rules 8: the follow-up nominates and reminds its raters itself (``domain.follow_up``).

Played on the casebook's case 45 (executive-6m: completed on day 122, follow-up due on
day 212) with its facts changed: who is nominated, who is reminded and when a reminder is
skipped, under rules 8 and, unchanged, under rules 7.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.commands import Tick, Withdraw
from domain.events import Event, RatersNominated, ReminderDue, ReminderSkipped
from domain.follow_up import FOLLOW_UP_KEY, waiting
from domain.rules import FOLLOW_UP, FRAMEWORKS
from domain.template import Role
from tests.casebook.cases import Case, Run, commands, day, load

CASE = load(
    Path(__file__).parents[1] / "casebook" / "45-the-follow-up-asks-who-rated-the-final.yaml"
)
UNTIL_COMPLETION = tuple(f for f in CASE.facts if f["day"] <= 122)


def played(
    facts: tuple[dict[str, Any], ...] = UNTIL_COMPLETION, rules: int = FOLLOW_UP, until: int = 215
) -> Run:
    run = Run(Case.model_validate(CASE.model_dump() | {"rules": rules, "facts": facts}))
    for fact in facts:
        run.run_until(day(fact["day"]))
        for command in commands(run.state, fact):
            run.do(command, day(fact["day"]))
    run.run_until(day(until))
    return run


def follow_up_reminders(log: list[Event]) -> list[tuple[int, tuple[Role, ...]]]:
    return [
        (e.clock.days, e.to) for e in log if isinstance(e, ReminderDue) and e.stage == FOLLOW_UP_KEY
    ]


def test_who_rated_the_final_is_nominated_for_the_follow_up_as_the_programme_completes() -> None:
    run = played(until=130)
    nominated = [e for e in run.log if isinstance(e, RatersNominated) and e.stage is None]
    assert len(nominated) == 1
    assert [(n.role, n.id) for n in nominated[0].raters] == [(Role.peer, "P1")]
    assert run.state.nominations[FOLLOW_UP_KEY] == nominated[0].raters


def test_nobody_answers_so_everyone_the_final_asked_is_reminded_twice() -> None:
    run = played()
    everyone = (Role.employee, Role.manager, Role.peer)
    assert follow_up_reminders(run.log) == [(205, everyone), (210, everyone)]
    assert run.state.follow_up_due is None  # the follow-up was recorded on day 212


def test_the_employee_is_waited_on_until_the_long_term_objective_is_checked_in() -> None:
    answered = (
        {"day": 200, "answer": {"role": "employee", "score": 4}},
        {"day": 200, "answer": {"role": "manager", "score": 4}},
        {"day": 200, "answer": {"role": "peer", "rater": "P1", "score": 4}},
    )
    run = played((*UNTIL_COMPLETION, *answered), until=206)
    assert follow_up_reminders(run.log) == [(205, (Role.employee,))]
    run.do(commands(run.state, {"progress": {"L1": 80}})[0], day(207))
    assert waiting(run.state) == ()
    run.run_until(day(215))
    skipped = [e for e in run.log if isinstance(e, ReminderSkipped)]
    assert [e.stage for e in skipped] == [FOLLOW_UP_KEY]
    assert "nobody to remind" in skipped[0].reason
    assert follow_up_reminders(run.log) == [(205, (Role.employee,))]


def test_a_reminder_decided_long_after_its_moment_is_skipped_saying_why() -> None:
    run = played(until=130)
    run.do(Tick(), day(213))  # the worker was away from day 130 to 213
    skipped = [e for e in run.log if isinstance(e, ReminderSkipped)]
    assert [e.clock.days for e in skipped] == [205, 210]
    assert "more than its lead time of 7d" in skipped[0].reason
    assert "more than its lead time of 2d" in skipped[1].reason
    assert follow_up_reminders(run.log) == []
    assert run.state.follow_up_due is None  # the follow-up was recorded all the same


def test_withdrawn_while_waiting_nobody_is_reminded_any_more() -> None:
    run = played(until=130)
    run.do(Withdraw(reason="left the company"), day(150))
    run.run_until(day(300))
    assert follow_up_reminders(run.log) == []


def test_under_rules_7_the_follow_up_neither_nominates_nor_reminds() -> None:
    run = played(rules=FRAMEWORKS)
    assert not [e for e in run.log if isinstance(e, RatersNominated) and e.stage is None]
    assert follow_up_reminders(run.log) == []
    assert not [e for e in run.log if isinstance(e, ReminderSkipped)]
