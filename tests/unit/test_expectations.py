"""The client's expectations (``domain.expectations``): who records them, when, bounds,
and how the final, closing and follow-up evaluations report them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from domain import rules
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    GiveFeedback,
    Launch,
    RateExpectations,
    RecordExpectations,
    RecordProgress,
    Tick,
    Withdraw,
)
from domain.decider import decide_and_evolve
from domain.evaluation import Evaluation
from domain.events import EvaluationRecorded, ExpectationsRated, ExpectationsRecorded
from domain.expectations import Expectations, in_words
from domain.reasons import english
from domain.state import Status
from domain.template import Dimension, EvaluationKind, ExpectationsPlan, Role
from domain.view import view_of
from tests.unit.test_amendments import Run
from tests.unit.test_decider import TEMPLATE

SCORES = dict.fromkeys((Dimension.motivation, Dimension.adaptability), 4)


def said(evaluation: Evaluation) -> tuple[str, ...]:
    """The reasons in English: stored so before rules 7, written from the codes since."""
    return evaluation.reasons or tuple(english(code) for code in evaluation.codes)


def expect(text: str = "a calmer, delegating manager", by: str = "sp-1") -> RecordExpectations:
    return RecordExpectations(person_id=by, expected=text)


def rate(met: int = 4, by: str = "sp-1", comment: str | None = "clearly") -> RateExpectations:
    return RateExpectations(person_id=by, met=met, comment=comment)


def to_review(run: Run) -> None:
    """Agreed, baseline given, coaching advanced past: the stage of the final evaluation."""
    run.do(AgreeObjectives(short_term=("Delegate",), long_term=("Lead",)))
    run.do(GiveFeedback(role=Role.employee, rater_id="emp-1", scores=SCORES))
    run.do(GiveFeedback(role=Role.manager, rater_id="mgr-1", scores=SCORES))
    run.do(AdvanceStage(reason="sessions held elsewhere"))
    assert run.state.stage_progress is not None
    assert run.state.stage_progress.key == "review"


def finish(run: Run) -> Evaluation:
    run.do(RecordProgress(objective_id="S1", percent=100))
    run.do(RecordProgress(objective_id="L1", percent=100))
    run.do(GiveFeedback(role=Role.employee, rater_id="emp-1", scores=SCORES))
    events = run.do(GiveFeedback(role=Role.manager, rater_id="mgr-1", scores=SCORES))
    assert run.state.status is Status.completed
    (final,) = [e.evaluation for e in events if isinstance(e, EvaluationRecorded)]
    return final


def test_the_sponsor_records_and_rates_and_the_final_evaluation_reports_it() -> None:
    run = Run()
    (recorded,) = run.do(expect())
    assert isinstance(recorded, ExpectationsRecorded)
    assert (recorded.by, recorded.person_id, recorded.revision) == (Role.sponsor, "sp-1", 0)
    to_review(run)
    (rated,) = run.do(rate(4))
    assert isinstance(rated, ExpectationsRated)
    final = finish(run)
    assert final.kind is EvaluationKind.final
    assert final.expectations == Expectations(
        by=Role.sponsor, expected="a calmer, delegating manager", met=4, comment="clearly"
    )
    assert "the sponsor said their expectations were met: 4/5" in said(final)
    assert view_of(run.state, run.now).expectations == final.expectations


def test_earlier_evaluations_do_not_report_them() -> None:
    run = Run()
    run.do(expect())
    run.do(AgreeObjectives(short_term=("Delegate",), long_term=("Lead",)))
    run.do(GiveFeedback(role=Role.employee, rater_id="emp-1", scores=SCORES))
    events = run.do(GiveFeedback(role=Role.manager, rater_id="mgr-1", scores=SCORES))
    (baseline,) = [e.evaluation for e in events if isinstance(e, EvaluationRecorded)]
    assert baseline.expectations is None
    assert not any("expectations" in reason for reason in said(baseline))


def test_only_the_role_s_holder_records_them() -> None:
    run = Run()
    assert run.refused(expect(by="emp-1")) == (
        "person_id: 'emp-1' may not record the expectations: this programme records its "
        "sponsor's expectations, and only its sponsor (sp-1) says them"
    )
    employee_s = TEMPLATE.model_copy(update={"expectations": ExpectationsPlan(by=Role.employee)})
    launch = Launch(
        programme_id="scenario.emp-1",
        employee=run.state.employee,
        template=employee_s,
        rules=rules.RULES,
    )
    _, state = decide_and_evolve(None, launch, run.now)
    events, state = decide_and_evolve(state, expect(by="emp-1"), run.now)
    assert [e.type for e in events] == ["expectations_recorded"]
    assert state.expectations is not None
    assert state.expectations.by is Role.employee


def test_nobody_records_them_without_a_sponsor() -> None:
    launch = Launch(
        programme_id="scenario.emp-1",
        employee=Run().state.employee,
        template=TEMPLATE,
        rules=rules.RULES,
    )
    run = Run()
    _, run.state = decide_and_evolve(None, launch, run.now)
    assert run.refused(expect()) == (
        "nobody holds the sponsor role in this programme, whose expectations it records: "
        "nobody may record the expectations"
    )


def test_rated_at_closure_only_and_after_they_were_recorded() -> None:
    run = Run()
    assert run.refused(rate()) == "no expectations were recorded, so there are none to rate"
    run.do(expect())
    assert run.refused(rate()) == (
        "expectations are rated at closure: from stage review on, and the programme is in "
        "stage agreement"
    )
    to_review(run)
    run.do(rate(2, comment=None))
    assert run.refused(expect("something else")) == (
        "the expectations were already rated; they are not changed now"
    )


def test_replaced_and_re_rated_a_few_times_at_most() -> None:
    run = Run()
    for n in range(rules.MAX_REVISIONS + 1):
        (event,) = run.do(expect(f"version {n}"))
        assert isinstance(event, ExpectationsRecorded)
        assert event.revision == n
    assert run.refused(expect("once more")) == (
        f"the expectations were already replaced {rules.MAX_REVISIONS} times, the most allowed"
    )
    to_review(run)
    for _ in range(rules.MAX_REVISIONS + 1):
        run.do(rate(3))
    assert run.refused(rate(5)) == (
        f"the expectations were already rated again {rules.MAX_REVISIONS} times, the most allowed"
    )


def test_texts_and_rating_are_bounded() -> None:
    run = Run()
    wide = "€" * (rules.MAX_TEXT // 3 + 1)
    assert run.refused(expect(wide)) == (
        f"expected: at most {rules.MAX_TEXT} bytes of UTF-8, got {rules.utf8(wide)}"
    )
    run.do(expect())
    to_review(run)
    comment = "€" * (rules.MAX_COMMENT // 3 + 1)
    assert run.refused(rate(comment=comment)) == (
        f"comment: at most {rules.MAX_COMMENT} bytes of UTF-8, got {rules.utf8(comment)}"
    )
    for met in (0, 6):
        with pytest.raises(ValidationError, match="met"):
            rate(met)
    with pytest.raises(ValidationError, match="expected"):
        expect("   ")


def test_the_follow_up_reports_a_later_rating() -> None:
    run = Run()
    run.do(expect())
    to_review(run)
    final = finish(run)
    assert final.expectations is not None
    assert final.expectations.met is None
    assert (
        "the sponsor recorded their expectations; they have not said yet whether they were met"
        in said(final)
    )
    run.do(rate(3, comment="half of it"))
    events = run.do(Tick(), after=timedelta(days=31))
    (follow_up,) = [e.evaluation for e in events if isinstance(e, EvaluationRecorded)]
    assert follow_up.kind is EvaluationKind.follow_up
    assert follow_up.expectations is not None
    assert (follow_up.expectations.met, follow_up.expectations.comment) == (3, "half of it")
    assert "the sponsor said their expectations were partly met: 3/5" in said(follow_up)
    assert run.refused(rate(5)) == "cannot rate the expectations: the programme is completed"
    assert run.refused(expect()) == "cannot record expectations: the programme is completed"


def test_a_withdrawal_s_closing_evaluation_reports_them() -> None:
    run = Run()
    run.do(expect())
    events = run.do(Withdraw(reason="left"))
    (closing,) = [e.evaluation for e in events if isinstance(e, EvaluationRecorded)]
    assert closing.kind is EvaluationKind.closing
    assert closing.expectations is not None
    assert closing.expectations.expected == "a calmer, delegating manager"


def test_in_words() -> None:
    def said(met: int | None, by: Role = Role.sponsor) -> str:
        return in_words(Expectations(by=by, expected="x", met=met))

    assert said(5) == "the sponsor said their expectations were met: 5/5"
    assert said(3) == "the sponsor said their expectations were partly met: 3/5"
    assert said(1, Role.employee) == "the employee said their expectations were not met: 1/5"


def test_evaluations_recorded_before_still_decode() -> None:
    run = Run()
    run.do(expect())
    to_review(run)
    stored = finish(run).model_dump(mode="json")
    del stored["expectations"]
    assert Evaluation.model_validate(stored).expectations is None
