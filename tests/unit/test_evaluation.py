"""Evaluations: scores by role, change against baseline, and the verdict rules."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from domain.evaluation import Attendance, Evaluation, Rating, Verdict, evaluate
from domain.template import Dimension, EvaluationKind, Role

DIMS = (Dimension.motivation, Dimension.adaptability)
M, A = Dimension.motivation, Dimension.adaptability


def run(
    *,
    ratings: Sequence[Rating] = (),
    baseline: Evaluation | None = None,
    progress: Sequence[int] = (),
    held: int = 0,
    missed: int = 0,
    expected: float = 0.0,
    kind: EvaluationKind = EvaluationKind.midpoint,
) -> Evaluation:
    return evaluate(
        kind=kind,
        stage="review",
        dimensions=DIMS,
        ratings=ratings,
        baseline=baseline,
        progress=progress,
        attendance=Attendance(held=held, missed=missed),
        expected_attainment=expected,
    )


def test_nothing_to_go_on_is_on_track() -> None:
    evaluation = run()
    assert evaluation.verdict is Verdict.on_track
    assert evaluation.reasons == ()
    assert evaluation.overall is None
    assert evaluation.attainment is None
    assert evaluation.attendance.rate is None
    assert evaluation.raters == 0
    assert [s.dimension for s in evaluation.scores] == list(DIMS)
    assert all(s.mean is None and s.by_role == {} for s in evaluation.scores)


def test_means_are_per_role_then_across_roles() -> None:
    ratings = [
        Rating(Role.peer, "p1", {M: 3, A: 4}),
        Rating(Role.peer, "p2", {M: 5, A: 4}),
        Rating(Role.manager, "m1", {M: 2, A: 1}),
    ]
    evaluation = run(ratings=ratings)
    motivation, adaptability = evaluation.scores
    assert motivation.by_role == {Role.peer: 4.0, Role.manager: 2.0}
    # the mean of the role means (3.0), not of the three raters (3.33)
    assert motivation.mean == 3.0
    assert adaptability.by_role == {Role.peer: 4.0, Role.manager: 1.0}
    assert adaptability.mean == 2.5
    assert evaluation.overall == 2.75
    assert evaluation.raters == 3


def test_means_are_rounded_to_two_decimals() -> None:
    ratings = [
        Rating(Role.peer, "p1", {M: 1}),
        Rating(Role.peer, "p2", {M: 2}),
        Rating(Role.peer, "p3", {M: 2}),
    ]
    evaluation = run(ratings=ratings)
    assert evaluation.scores[0].by_role == {Role.peer: 1.67}
    assert evaluation.scores[0].mean == 1.67


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


def test_change_against_baseline_per_dimension_and_overall() -> None:
    baseline = run(
        ratings=[Rating(Role.employee, "e1", {M: 2, A: 3})], kind=EvaluationKind.baseline
    )
    assert baseline.change is None
    assert baseline.baseline_overall is None
    now = run(ratings=[Rating(Role.employee, "e1", {M: 4, A: 3})], baseline=baseline)
    motivation, adaptability = now.scores
    assert (motivation.baseline, motivation.mean, motivation.change) == (2.0, 4.0, 2.0)
    assert (adaptability.baseline, adaptability.mean, adaptability.change) == (3.0, 3.0, 0.0)
    assert now.baseline_overall == 2.5
    assert now.overall == 3.5
    assert now.change == 1.0
    assert now.verdict is Verdict.on_track


def test_no_change_where_either_side_is_missing() -> None:
    baseline = run(ratings=[Rating(Role.employee, "e1", {M: 2})])
    now = run(ratings=[Rating(Role.employee, "e1", {A: 4})], baseline=baseline)
    motivation, adaptability = now.scores
    assert motivation.change is None
    assert adaptability.baseline is None
    assert adaptability.change is None
    assert now.change == 2.0  # overall 4.0 against overall 2.0


@pytest.mark.parametrize(
    ("held", "missed", "verdict", "reason"),
    [
        (3, 1, Verdict.on_track, None),  # 75%
        (4, 0, Verdict.on_track, None),
        (2, 1, Verdict.at_risk, "attendance 67% is under 75%"),
        (1, 1, Verdict.at_risk, "attendance 50% is under 75%"),  # 50% is not under 50%
        (1, 2, Verdict.off_track, "attendance 33% is under 50%"),
        (0, 3, Verdict.off_track, "attendance 0% is under 50%"),
    ],
)
def test_attendance_rule(held: int, missed: int, verdict: Verdict, reason: str | None) -> None:
    evaluation = run(held=held, missed=missed)
    assert evaluation.attendance.rate == held / (held + missed)
    assert evaluation.verdict is verdict
    assert evaluation.reasons == ((reason,) if reason else ())


@pytest.mark.parametrize(
    ("progress", "expected", "verdict", "reason"),
    [
        ([50, 50], 75.0, Verdict.on_track, None),  # 25 points behind is not more than 25
        ([49], 75.0, Verdict.at_risk, "objectives at 49%, 26 points behind plan"),
        ([25], 75.0, Verdict.at_risk, "objectives at 25%, 50 points behind plan"),
        ([24], 75.0, Verdict.off_track, "objectives at 24%, 51 points behind plan"),
        ([0, 0], 100.0, Verdict.off_track, "objectives at 0%, 100 points behind plan"),
        ([100], 0.0, Verdict.on_track, None),  # ahead of plan
    ],
)
def test_attainment_rule(
    progress: list[int], expected: float, verdict: Verdict, reason: str | None
) -> None:
    evaluation = run(progress=progress, expected=expected)
    assert evaluation.attainment == sum(progress) / len(progress)
    assert evaluation.expected_attainment == expected
    assert evaluation.verdict is verdict
    assert evaluation.reasons == ((reason,) if reason else ())


@pytest.mark.parametrize(
    ("before", "after", "verdict", "reason"),
    [
        (3, 3, Verdict.on_track, None),
        (3, 4, Verdict.on_track, None),
        (4, 3, Verdict.off_track, "overall score down 1.00 since baseline"),
        (5, 2, Verdict.off_track, "overall score down 3.00 since baseline"),
    ],
)
def test_score_rule(before: int, after: int, verdict: Verdict, reason: str | None) -> None:
    baseline = run(ratings=[Rating(Role.manager, "m1", {M: before, A: before})])
    evaluation = run(ratings=[Rating(Role.manager, "m1", {M: after, A: after})], baseline=baseline)
    assert evaluation.verdict is verdict
    assert evaluation.reasons == ((reason,) if reason else ())


def test_score_down_less_than_a_point_is_at_risk() -> None:
    baseline = run(ratings=[Rating(Role.manager, "m1", {M: 4, A: 4})])
    evaluation = run(ratings=[Rating(Role.manager, "m1", {M: 3, A: 4})], baseline=baseline)
    assert evaluation.change == -0.5
    assert evaluation.verdict is Verdict.at_risk
    assert evaluation.reasons == ("overall score down 0.50 since baseline",)


def test_off_track_wins_and_keeps_the_at_risk_reasons() -> None:
    baseline = run(ratings=[Rating(Role.manager, "m1", {M: 4, A: 4})])
    evaluation = run(
        ratings=[Rating(Role.manager, "m1", {M: 3, A: 4})],
        baseline=baseline,
        held=1,
        missed=2,
        progress=[40],
        expected=70.0,
    )
    assert evaluation.verdict is Verdict.off_track
    assert evaluation.reasons == (
        "attendance 33% is under 50%",
        "objectives at 40%, 30 points behind plan",
        "overall score down 0.50 since baseline",
    )


def test_several_at_risk_reasons_are_all_given() -> None:
    evaluation = run(held=2, missed=1, progress=[40], expected=70.0)
    assert evaluation.verdict is Verdict.at_risk
    assert evaluation.reasons == (
        "attendance 67% is under 75%",
        "objectives at 40%, 30 points behind plan",
    )


def test_evaluation_is_deterministic_and_serialisable() -> None:
    ratings = [Rating(Role.peer, "p1", {M: 3, A: 4}), Rating(Role.manager, "m1", {M: 2})]
    first = run(ratings=ratings, progress=[10, 30], held=2, missed=1, expected=50.0)
    second = run(ratings=ratings, progress=[10, 30], held=2, missed=1, expected=50.0)
    assert first == second
    assert Evaluation.model_validate_json(first.model_dump_json()) == first
    assert first.kind is EvaluationKind.midpoint
    assert first.stage == "review"
