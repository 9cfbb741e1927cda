"""Evaluations: scores by role, the like-for-like change against baseline, the verdict rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction

import pytest

from domain.evaluate import evaluate, expected_attainment
from domain.evaluation import Attendance, Basis, Comparison, Evaluation, Rating, Trend, Verdict
from domain.template import Dimension, EvaluationKind, Role
from domain.template_parsing import parse_template

DIMS = (Dimension.motivation, Dimension.adaptability)
M, A = Dimension.motivation, Dimension.adaptability


def run(
    *,
    ratings: Sequence[Rating] = (),
    baseline: Evaluation | None = None,
    baseline_ratings: Sequence[Rating] | None = None,
    progress: Sequence[int | None] = (),
    held: int = 0,
    missed: int = 0,
    expected: float = 0.0,
    kind: EvaluationKind = EvaluationKind.midpoint,
    tolerance: float = 0.25,
) -> Evaluation:
    return evaluate(
        kind=kind,
        stage="review",
        dimensions=DIMS,
        ratings=ratings,
        baseline=baseline,
        baseline_ratings=baseline_ratings,
        progress=progress,
        attendance=Attendance(held=held, missed=missed),
        expected_attainment=expected,
        tolerance=tolerance,
    )


def compared(
    before: Sequence[Rating], after: Sequence[Rating], **kw: object
) -> tuple[Evaluation, Evaluation]:
    """A baseline of ``before`` and an evaluation of ``after`` against it, rater by rater."""
    baseline = run(ratings=before, kind=EvaluationKind.baseline)
    return baseline, run(ratings=after, baseline=baseline, baseline_ratings=before, **kw)  # type: ignore[arg-type]


def both(role: Role, rater: str, score: int) -> Rating:
    return Rating(role, rater, {M: score, A: score})


# ---------------------------------------------------------------- scores


def test_an_evaluation_nobody_answered_says_so() -> None:
    evaluation = run()
    assert evaluation.verdict is Verdict.on_track
    assert evaluation.reasons == (
        "nobody gave feedback for this evaluation, so it has no scores",
        "no objectives agreed yet",
    )
    assert evaluation.overall is None
    assert evaluation.change is None
    assert evaluation.trend is None
    assert evaluation.comparison is None
    assert evaluation.attainment is None
    assert evaluation.attendance.rate is None
    assert evaluation.raters == 0
    assert [s.dimension for s in evaluation.scores] == list(DIMS)
    assert all(s.mean is None and s.by_role == {} for s in evaluation.scores)


def test_nobody_answered_has_no_change_even_with_a_baseline() -> None:
    _, evaluation = compared([both(Role.employee, "e1", 3)], [])
    assert (evaluation.change, evaluation.trend, evaluation.comparison) == (None, None, None)
    assert evaluation.reasons[0] == "nobody gave feedback for this evaluation, so it has no scores"


def test_means_are_per_role_then_across_roles() -> None:
    ratings = [
        Rating(Role.peer, "p1", {M: 3, A: 4}),
        Rating(Role.peer, "p2", {M: 5, A: 4}),
        Rating(Role.manager, "m1", {M: 2, A: 1}),
    ]
    evaluation = run(ratings=ratings)
    motivation, adaptability = evaluation.scores
    assert motivation.by_role == {Role.manager: 2.0, Role.peer: 4.0}
    # the mean of the role means (3.0), not of the three raters (3.33)
    assert motivation.mean == 3.0
    assert adaptability.by_role == {Role.manager: 1.0, Role.peer: 4.0}
    assert adaptability.mean == 2.5
    assert evaluation.overall == 2.75
    assert evaluation.raters == 3


def test_means_are_exact_and_rounded_only_for_display() -> None:
    ratings = [
        Rating(Role.peer, "p1", {M: 1, A: 1}),
        Rating(Role.peer, "p2", {M: 2, A: 1}),
        Rating(Role.peer, "p3", {M: 2, A: 1}),
        Rating(Role.manager, "m1", {M: 2, A: 1}),
    ]
    evaluation = run(ratings=ratings)
    assert evaluation.scores[0].by_role == {Role.manager: 2.0, Role.peer: 1.67}
    assert evaluation.scores[0].mean == 1.83  # (5/3 + 2) / 2 = 11/6, not (1.67 + 2) / 2
    assert evaluation.overall == 1.42  # (11/6 + 1) / 2 = 17/12 = 1.4166...


def test_display_rounds_halves_up() -> None:
    # (2 + 3 + 3 + 3 + 3 + 3 + 3 + 3) / 8 = 2.875
    ratings = [Rating(Role.peer, f"p{i}", {M: 2 if i == 0 else 3}) for i in range(8)]
    assert run(ratings=ratings).scores[0].mean == 2.88


def test_a_dimension_nobody_scored_has_no_mean_and_is_left_out_of_overall() -> None:
    evaluation = run(ratings=[Rating(Role.employee, "e1", {M: 4})])
    motivation, adaptability = evaluation.scores
    assert motivation.mean == 4.0
    assert adaptability.mean is None
    assert adaptability.by_role == {}
    assert evaluation.overall == 4.0


def test_raters_are_counted_once_each() -> None:
    ratings = [Rating(Role.peer, "p1", {M: 3}), Rating(Role.manager, "p1", {A: 3})]
    assert run(ratings=ratings).raters == 1


def test_a_baseline_says_it_is_one() -> None:
    baseline = run(ratings=[both(Role.employee, "e1", 3)], kind=EvaluationKind.baseline)
    assert baseline.change is None
    assert baseline.baseline_overall is None
    assert baseline.reasons[0] == (
        "baseline recorded: overall 3.00 from 1 rater; later evaluations are compared with it"
    )


def test_without_a_baseline_there_is_nothing_to_compare() -> None:
    evaluation = run(ratings=[both(Role.employee, "e1", 3)])
    assert evaluation.change is None
    assert evaluation.reasons[0] == "there is no baseline to compare the scores with"


# ---------------------------------------------------------------- like for like


def test_change_against_baseline_per_dimension_and_overall() -> None:
    _, now = compared(
        [Rating(Role.employee, "e1", {M: 2, A: 3})], [Rating(Role.employee, "e1", {M: 4, A: 3})]
    )
    motivation, adaptability = now.scores
    assert (motivation.baseline, motivation.compared, motivation.change) == (2.0, 4.0, 2.0)
    assert (adaptability.baseline, adaptability.compared, adaptability.change) == (3.0, 3.0, 0.0)
    assert (now.baseline_overall, now.compared_overall, now.overall) == (2.5, 3.5, 3.5)
    assert now.change == 1.0
    assert now.trend is Trend.up
    assert now.comparison == Comparison(basis=Basis.same_raters, roles=(Role.employee,), raters=1)
    assert now.verdict is Verdict.on_track
    assert (
        now.reasons[0] == "scores are up 1.00 since the baseline (like for like: the same 1 rater)"
    )


def test_the_coach_at_the_midpoint_is_left_out_when_the_baseline_had_none() -> None:
    """Regression: a coach's single 2 dropped the midpoint by 0.25 against a baseline
    without the coach: at risk, with nobody's scores changed."""
    before = [both(Role.employee, "e1", 3), both(Role.manager, "m1", 3)]
    after = [*before, both(Role.coach, "c1", 2)]
    _, midpoint = compared(before, after)
    assert midpoint.overall == 2.67  # all of this evaluation's answers, coach included
    assert midpoint.compared_overall == 3.0
    assert midpoint.baseline_overall == 3.0
    assert midpoint.change == 0.0
    assert midpoint.trend is Trend.steady
    assert midpoint.verdict is Verdict.on_track
    assert midpoint.comparison == Comparison(
        basis=Basis.same_raters,
        roles=(Role.employee, Role.manager),
        raters=2,
        left_out=(Role.coach,),
    )
    assert midpoint.reasons[0] == (
        "scores are steady since the baseline: +0.00, within ±0.25 (like for like: "
        "the same 2 raters; coach left out, none in the baseline)"
    )


def test_a_role_missing_now_is_left_out_too() -> None:
    before = [both(Role.employee, "e1", 3), both(Role.peer, "p1", 1)]
    _, now = compared(before, [both(Role.employee, "e1", 4)])
    assert now.change == 1.0
    assert now.comparison is not None
    assert now.comparison.left_out == (Role.peer,)
    assert now.reasons[0] == (
        "scores are up 1.00 since the baseline (like for like: the same 1 rater; "
        "peer left out, none this time)"
    )


def test_within_a_role_only_the_raters_who_answered_both_times_are_compared() -> None:
    before = [both(Role.peer, "p1", 3), both(Role.peer, "p2", 5)]
    after = [both(Role.peer, "p1", 4), both(Role.peer, "p3", 1)]
    _, now = compared(before, after)
    assert now.overall == 2.5  # p1 and p3
    assert (now.baseline_overall, now.compared_overall, now.change) == (3.0, 4.0, 1.0)
    assert now.comparison == Comparison(basis=Basis.same_raters, roles=(Role.peer,), raters=1)


def test_a_role_with_all_different_people_is_compared_by_role_means() -> None:
    before = [both(Role.employee, "e1", 3), both(Role.peer, "p1", 2), both(Role.peer, "p2", 4)]
    after = [both(Role.employee, "e1", 3), both(Role.peer, "p3", 4)]
    _, now = compared(before, after)
    assert now.comparison == Comparison(
        basis=Basis.same_roles, roles=(Role.employee, Role.peer), raters=1
    )
    assert now.change == 0.5  # peers 3 -> 4 by role mean, employee 3 -> 3
    assert now.trend is Trend.up
    assert now.reasons[0] == (
        "scores are up 0.50 since the baseline (like for like by role: employee, peer, "
        "1 rater the same people)"
    )


def test_no_role_in_common_gives_no_change_and_says_why() -> None:
    _, now = compared([both(Role.employee, "e1", 3)], [both(Role.coach, "c1", 1)])
    assert (now.change, now.trend, now.comparison) == (None, None, None)
    assert now.verdict is Verdict.on_track
    assert now.reasons[0] == (
        "the scores cannot be compared with the baseline: no role answered both times "
        "(baseline: employee)"
    )


def test_a_dimension_scored_only_once_is_left_out_of_the_change() -> None:
    _, now = compared([Rating(Role.employee, "e1", {M: 2})], [Rating(Role.employee, "e1", {A: 4})])
    assert all(s.change is None for s in now.scores)
    assert now.change is None


def test_without_the_baseline_ratings_its_stored_role_means_are_used() -> None:
    baseline = run(ratings=[both(Role.employee, "e1", 2), both(Role.manager, "m1", 3)])
    now = run(
        ratings=[both(Role.employee, "e2", 3), both(Role.manager, "m1", 4)], baseline=baseline
    )
    assert now.change == 1.0
    assert now.comparison is not None
    assert now.comparison.basis is Basis.same_roles


def test_equal_exact_overall_scores_give_no_change() -> None:
    """Regression: 26/9 both times read 2.88 and 2.89 after three roundings: change -0.01,
    at risk."""
    before = [
        Rating(Role.employee, "e", {A: 4, M: 2}),
        Rating(Role.manager, "m", {A: 4, M: 1}),
        Rating(Role.peer, "p0", {A: 1, M: 4}),
        Rating(Role.peer, "p1", {A: 5, M: 3}),
        Rating(Role.peer, "p2", {A: 5, M: 1}),
    ]
    after = [
        Rating(Role.employee, "e", {A: 4, M: 2}),
        Rating(Role.manager, "m", {A: 2, M: 1}),
        Rating(Role.peer, "p0", {A: 4, M: 4}),
        Rating(Role.peer, "p1", {A: 4, M: 5}),
        Rating(Role.peer, "p2", {A: 5, M: 3}),
    ]
    baseline, final = compared(before, after, kind=EvaluationKind.final)
    assert (baseline.overall, final.overall) == (2.89, 2.89)
    assert final.change == 0.0
    assert final.trend is Trend.steady
    assert final.verdict is Verdict.on_track


# ---------------------------------------------------------------- tolerance


@pytest.mark.parametrize(
    ("after", "trend", "verdict"),
    [
        ({M: 3, A: 3}, Trend.steady, Verdict.on_track),
        ({M: 3, A: 4}, Trend.up, Verdict.on_track),  # +0.5
        ({M: 3, A: 2}, Trend.down, Verdict.at_risk),  # -0.5
    ],
)
def test_the_tolerance_band(after: dict[Dimension, int], trend: Trend, verdict: Verdict) -> None:
    _, now = compared(
        [Rating(Role.manager, "m1", {M: 3, A: 3})], [Rating(Role.manager, "m1", after)]
    )
    assert now.trend is trend
    assert now.verdict is verdict


def test_a_change_of_exactly_the_tolerance_is_steady() -> None:
    # 4 dimensions' worth on two: -1 on one of two dimensions of one of two roles = -0.25
    before = [both(Role.employee, "e1", 3), both(Role.manager, "m1", 3)]
    after = [both(Role.employee, "e1", 3), Rating(Role.manager, "m1", {M: 2, A: 3})]
    _, now = compared(before, after)
    assert now.change == -0.25
    assert now.trend is Trend.steady
    assert now.verdict is Verdict.on_track
    _, strict = compared(before, after, tolerance=0.2)
    assert strict.trend is Trend.down
    assert strict.verdict is Verdict.at_risk
    assert strict.tolerance == 0.2
    assert strict.reasons[0] == (
        "scores are down 0.25 since the baseline, more than the 0.20 allowed "
        "(like for like: the same 2 raters)"
    )


@pytest.mark.parametrize(
    ("before", "after", "verdict", "reason"),
    [
        (3, 3, Verdict.on_track, None),
        (3, 4, Verdict.on_track, None),
        (
            4,
            3,
            Verdict.off_track,
            "scores are down 1.00 since the baseline, 1 point or more "
            "(like for like: the same 1 rater)",
        ),
        (
            5,
            2,
            Verdict.off_track,
            "scores are down 3.00 since the baseline, 1 point or more "
            "(like for like: the same 1 rater)",
        ),
    ],
)
def test_score_rule(before: int, after: int, verdict: Verdict, reason: str | None) -> None:
    _, evaluation = compared([both(Role.manager, "m1", before)], [both(Role.manager, "m1", after)])
    assert evaluation.verdict is verdict
    if reason:
        assert evaluation.reasons[0] == reason


# ---------------------------------------------------------------- attendance


@pytest.mark.parametrize(
    ("held", "missed", "verdict", "reason"),
    [
        (3, 1, Verdict.on_track, "attendance 75%: 3 of 4 sessions held"),
        (4, 0, Verdict.on_track, "attendance 100%: 4 of 4 sessions held"),
        (2, 1, Verdict.at_risk, "attendance 67%: 2 of 3 sessions held, under 75%"),
        (1, 1, Verdict.at_risk, "attendance 50%: 1 of 2 sessions held, under 75%"),
        (1, 2, Verdict.off_track, "attendance 33%: 1 of 3 sessions held, under 50%"),
        (0, 1, Verdict.off_track, "attendance 0%: 0 of 1 session held, under 50%"),
    ],
)
def test_attendance_rule(held: int, missed: int, verdict: Verdict, reason: str) -> None:
    evaluation = run(held=held, missed=missed, progress=[100], expected=50)
    assert evaluation.attendance.rate == held / (held + missed)
    assert evaluation.verdict is verdict
    assert reason in evaluation.reasons


def test_no_sessions_recorded_says_nothing_of_attendance() -> None:
    assert not any("attendance" in r for r in run(progress=[100]).reasons)


# ---------------------------------------------------------------- objectives


@pytest.mark.parametrize(
    ("progress", "expected", "verdict", "reason"),
    [
        ([50, 50], 75.0, Verdict.on_track, "objectives at 50%, 25 points behind plan, within 25"),
        ([49], 75.0, Verdict.at_risk, "objectives at 49%, 26 points behind plan"),
        ([25], 75.0, Verdict.at_risk, "objectives at 25%, 50 points behind plan"),
        ([24], 75.0, Verdict.off_track, "objectives at 24%, 51 points behind plan"),
        ([0, 0], 60.0, Verdict.off_track, "objectives at 0%, 60 points behind plan"),
        ([100], 0.0, Verdict.on_track, "objectives at 100%, on plan"),
    ],
)
def test_attainment_rule(
    progress: list[int], expected: float, verdict: Verdict, reason: str
) -> None:
    evaluation = run(progress=progress, expected=expected)
    assert evaluation.attainment == sum(progress) / len(progress)
    assert evaluation.expected_attainment == expected
    assert evaluation.verdict is verdict
    (words,) = [r for r in evaluation.reasons if r.startswith("objectives")]
    assert words == f"{reason} (expected {expected:.0f}% by now)"


def test_objectives_with_no_progress_recorded_are_not_recorded_not_zero() -> None:
    """Regression: unrecorded progress read as 0%: off track, 75 points behind plan."""
    evaluation = run(progress=[None, None, None], expected=100, kind=EvaluationKind.final)
    assert evaluation.attainment is None
    assert evaluation.objectives_unrecorded == 3
    assert evaluation.verdict is Verdict.on_track
    assert evaluation.reasons[-1] == (
        "no progress recorded on the 3 objectives: attainment unknown, not 0% "
        "(expected 100% at the final evaluation)"
    )
    assert not any("0%," in r for r in evaluation.reasons)


def test_attainment_is_of_the_objectives_recorded() -> None:
    evaluation = run(progress=[80, None], expected=75)
    assert evaluation.attainment == 80.0
    assert evaluation.objectives_unrecorded == 1
    assert evaluation.reasons[-1] == (
        "objectives at 80%, on plan (expected 75% by now; progress not recorded for 1 of 2, "
        "counted on the others)"
    )


# ---------------------------------------------------------------- expected attainment

CALENDAR = parse_template(
    """
id: calendar
version: 1
title: Calendar
dimensions: [motivation]
max_duration: P200D
stages:
  - {key: one, due: P15D}
  - {key: two, sessions: {count: 3, every: P7D}}  # 28 days: a period past the last
  - {key: three, due: P7D, evaluation: final}
"""
)


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (EvaluationKind.baseline, 0, Fraction(0)),
        (EvaluationKind.baseline, 10, Fraction(20)),  # 10 of 15 + 28 + 7 = 50 days planned
        (EvaluationKind.midpoint, 25, Fraction(50)),
        (EvaluationKind.closing, 80, Fraction(100)),  # late: at most 100
        (EvaluationKind.final, 30, Fraction(100)),  # the final evaluation expects it all
        (EvaluationKind.follow_up, 140, Fraction(100)),
    ],
)
def test_expected_attainment_follows_the_calendar(
    kind: EvaluationKind, day: int, expected: Fraction
) -> None:
    assert expected_attainment(CALENDAR, kind, timedelta(days=day)) == expected


def test_expected_attainment_without_planned_durations_uses_max_duration() -> None:
    template = CALENDAR.model_copy(
        update={"stages": (CALENDAR.stages[0].model_copy(update={"due": None}),)}
    )
    assert expected_attainment(template, EvaluationKind.midpoint, timedelta(days=50)) == 25


# ---------------------------------------------------------------- verdict


def test_the_change_adoption_final_with_nothing_recorded_on_objectives_is_on_track() -> None:
    """Regression: 10 of 10 sessions held, scores up 1.0 on both dimensions, no progress
    recorded: off track, "objectives at 0%, 75 points behind plan"."""
    before = [both(Role.employee, "e1", 2), both(Role.manager, "m1", 3)]
    after = [both(Role.employee, "e1", 3), both(Role.manager, "m1", 4)]
    _, final = compared(
        before,
        after,
        kind=EvaluationKind.final,
        held=10,
        progress=[None, None, None],
        expected=100,
    )
    assert final.verdict is Verdict.on_track
    assert final.reasons == (
        "scores are up 1.00 since the baseline (like for like: the same 2 raters)",
        "attendance 100%: 10 of 10 sessions held",
        "no progress recorded on the 3 objectives: attainment unknown, not 0% "
        "(expected 100% at the final evaluation)",
    )


def test_off_track_wins_and_keeps_the_at_risk_reasons() -> None:
    _, evaluation = compared(
        [Rating(Role.manager, "m1", {M: 4, A: 4})],
        [Rating(Role.manager, "m1", {M: 3, A: 4})],
        held=1,
        missed=2,
        progress=[40],
        expected=70.0,
    )
    assert evaluation.verdict is Verdict.off_track
    assert evaluation.reasons == (
        "attendance 33%: 1 of 3 sessions held, under 50%",
        "scores are down 0.50 since the baseline, more than the 0.25 allowed "
        "(like for like: the same 1 rater)",
        "objectives at 40%, 30 points behind plan (expected 70% by now)",
    )


def test_several_at_risk_reasons_are_all_given() -> None:
    evaluation = run(held=2, missed=1, progress=[40], expected=70.0)
    assert evaluation.verdict is Verdict.at_risk
    assert evaluation.reasons[:2] == (
        "attendance 67%: 2 of 3 sessions held, under 75%",
        "objectives at 40%, 30 points behind plan (expected 70% by now)",
    )


# ---------------------------------------------------------------- the record


def test_evaluation_is_deterministic_and_serialisable() -> None:
    before = [Rating(Role.peer, "p1", {M: 2, A: 4})]
    ratings = [Rating(Role.peer, "p1", {M: 3, A: 4}), Rating(Role.manager, "m1", {M: 2})]
    _, first = compared(before, ratings, progress=[10, None], held=2, missed=1, expected=50.0)
    _, second = compared(before, ratings, progress=[10, None], held=2, missed=1, expected=50.0)
    assert first == second
    assert Evaluation.model_validate_json(first.model_dump_json()) == first
    assert first.kind is EvaluationKind.midpoint
    assert first.stage == "review"


def test_an_evaluation_recorded_by_older_code_still_parses() -> None:
    old = (
        '{"kind":"final","stage":"review","raters":2,"scores":[{"dimension":"motivation",'
        '"by_role":{"employee":4.0},"mean":4.0,"baseline":3.0,"change":1.0}],'
        '"overall":4.0,"baseline_overall":3.0,"change":1.0,"attainment":0.0,'
        '"expected_attainment":75.0,"attendance":{"held":2,"missed":1},'
        '"verdict":"off_track","reasons":["objectives at 0%, 75 points behind plan"]}'
    )
    evaluation = Evaluation.model_validate_json(old)
    assert evaluation.comparison is None
    assert evaluation.trend is None
    assert evaluation.compared_overall is None
    assert evaluation.objectives_unrecorded == 0
    assert evaluation.scores[0].compared is None


def test_the_worked_example_of_the_module_docstring() -> None:
    before = [Rating(Role.employee, "e", {A: 2, M: 3}), Rating(Role.manager, "m", {A: 3, M: 3})]
    after = [
        Rating(Role.employee, "e", {A: 3, M: 4}),
        Rating(Role.manager, "m", {A: 4, M: 4}),
        Rating(Role.coach, "c", {A: 2, M: 2}),
    ]
    baseline = evaluate(
        kind=EvaluationKind.baseline,
        stage="baseline",
        dimensions=(A, M),
        ratings=before,
        baseline=None,
        progress=[None, None, None],
        attendance=Attendance(held=0, missed=0),
        expected_attainment=2,
    )
    assert baseline.overall == 2.75
    final = evaluate(
        kind=EvaluationKind.final,
        stage="final_evaluation",
        dimensions=(A, M),
        ratings=after,
        baseline=baseline,
        baseline_ratings=before,
        progress=[None, None, None],
        attendance=Attendance(held=10, missed=0),
        expected_attainment=100,
    )
    assert [s.mean for s in final.scores] == [3.0, 3.33]
    assert [s.compared for s in final.scores] == [3.5, 4.0]
    assert (final.overall, final.compared_overall, final.baseline_overall) == (3.17, 3.75, 2.75)
    assert (final.change, final.trend) == (1.0, Trend.up)
    assert final.comparison == Comparison(
        basis=Basis.same_raters,
        roles=(Role.employee, Role.manager),
        raters=2,
        left_out=(Role.coach,),
    )
    assert (final.attainment, final.objectives_unrecorded) == (None, 3)
    assert final.expected_attainment == 100.0
    assert final.verdict is Verdict.on_track
    assert final.reasons == (
        "scores are up 1.00 since the baseline (like for like: the same 2 raters; "
        "coach left out, none in the baseline)",
        "attendance 100%: 10 of 10 sessions held",
        "no progress recorded on the 3 objectives: attainment unknown, not 0% "
        "(expected 100% at the final evaluation)",
    )
