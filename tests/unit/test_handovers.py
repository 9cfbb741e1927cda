"""Rules 8: a held role reassigned after its holder answered a stage keeps that answer for
the stage, and the report says "manager (changed on <date>)" (``domain.handovers``).

Played on the casebook's case 46 (executive-6m: the manager answers the final review on
day 114.5 and is replaced on day 114.6)."""

from __future__ import annotations

from pathlib import Path

from adapters.reports import render_html, render_markdown, reports_of
from domain.events import EvaluationRecorded
from domain.handovers import changed_hands
from domain.rules import FOLLOW_UP, FRAMEWORKS
from domain.template import EvaluationKind, Role
from tests.casebook.cases import Run, commands, day, load

CASE = load(
    Path(__file__).parents[1] / "casebook" / "46-the-manager-changes-during-the-final-review.yaml"
)


def played(rules: int) -> Run:
    run = Run(CASE.model_copy(update={"rules": rules}))
    for fact in CASE.facts:
        run.run_until(day(fact["day"]))
        try:
            for command in commands(run.state, fact):
                run.do(command, day(fact["day"]))
        except Exception:
            if "refused" not in fact:
                raise
    run.run_until(day(116))
    return run


def final_of(run: Run) -> EvaluationRecorded:
    return next(
        e
        for e in run.log
        if isinstance(e, EvaluationRecorded) and e.evaluation.kind is EvaluationKind.final
    )


def test_the_former_manager_s_answer_is_the_manager_s_score_and_the_report_says_so() -> None:
    run = played(FOLLOW_UP)
    final = final_of(run)
    score = final.evaluation.scores[0]
    assert score.by_role[Role.manager] == 4.0
    assert score.raters[Role.manager] == 1
    report = next(r for r in reports_of(run.log) if r.evaluation.kind is EvaluationKind.final)
    assert report.changed == {Role.manager: day(114.6)}
    assert "Manager (changed on " in render_markdown(report, "en")
    assert "Manager (changé le " in render_html(report, "fr")
    baseline = reports_of(run.log)[0]
    assert baseline.changed == {}  # the baseline was answered by the manager of the day


def test_under_rules_7_the_two_managers_were_averaged_and_the_report_says_it_changed() -> None:
    run = played(FRAMEWORKS)
    final = final_of(run)
    score = final.evaluation.scores[0]
    assert score.by_role[Role.manager] == 2.5  # (4 + 1) / 2: what rules 8 no longer does
    assert score.raters[Role.manager] == 2
    assert changed_hands(run.log, "final_review") == {Role.manager: day(114.6)}


def test_the_new_manager_is_not_waited_on_for_the_stage_the_former_answered() -> None:
    run = played(FOLLOW_UP)
    final = final_of(run)
    assert final.at == day(115)  # the last answer, not the stage's due date
    assert run.state.holder(Role.manager) == "M2"
