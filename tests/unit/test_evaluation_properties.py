"""Properties of evaluations: exact arithmetic, like for like, and order not mattering."""

from __future__ import annotations

import random as stdlib_random
from collections.abc import Sequence
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.evaluate import evaluate
from domain.evaluation import Attendance, Evaluation, Rating, Trend, Verdict
from domain.template import Dimension, EvaluationKind, Role

DIMS = (Dimension.strengths, Dimension.motivation, Dimension.adaptability)
ROLES = (Role.employee, Role.manager, Role.peer, Role.direct_report)


def run(
    ratings: Sequence[Rating], before: Sequence[Rating] | None, tolerance: float = 0.25
) -> Evaluation:
    baseline = None
    if before is not None:
        baseline = run(before, None, tolerance)
    return evaluate(
        kind=EvaluationKind.final if before is not None else EvaluationKind.baseline,
        stage="s",
        dimensions=DIMS,
        ratings=ratings,
        baseline=baseline,
        baseline_ratings=before,
        progress=[],
        attendance=Attendance(held=0, missed=0),
        expected_attainment=100,
        tolerance=tolerance,
    )


@st.composite
def panels(draw: st.DrawFn, *, full: bool = True) -> list[Rating]:
    """Raters (unique per role and id), each scoring every dimension (or some, if not full)."""
    ratings = []
    for role in draw(st.sets(st.sampled_from(ROLES), min_size=1)):
        for n in range(draw(st.integers(1, 4))):
            dims = DIMS if full else draw(st.sets(st.sampled_from(DIMS), min_size=1))
            scores = {d: draw(st.integers(1, 5)) for d in sorted(dims)}
            ratings.append(Rating(role, f"{role}-{n}", scores))
    return ratings


def oracle_overall(ratings: Sequence[Rating]) -> Fraction:
    """Mean over dimensions of the mean over roles of the raters' scores, exactly."""
    per_dim = []
    for d in DIMS:
        roles: dict[Role, list[int]] = {}
        for r in ratings:
            roles.setdefault(r.role, []).append(r.scores[d])
        per_dim.append(sum(Fraction(sum(v), len(v)) for v in roles.values()) / len(roles))
    return sum(per_dim, Fraction(0)) / len(per_dim)


@settings(max_examples=300, deadline=None)
@given(panels(full=False))
def test_the_same_scores_twice_never_give_a_change(ratings: list[Rating]) -> None:
    evaluation = run(ratings, ratings)
    assert evaluation.change == 0
    assert all(s.change in (0, None) for s in evaluation.scores)
    assert evaluation.trend is Trend.steady
    assert evaluation.verdict is Verdict.on_track


@settings(max_examples=300, deadline=None)
@given(panels(), st.permutations(DIMS))
def test_equal_overall_scores_never_give_a_change(
    ratings: list[Rating], order: tuple[Dimension, ...]
) -> None:
    """Everyone's scores moved from one dimension to another: each dimension changes, the
    overall is exactly the same, so there is no change at all (not a rounding's worth)."""
    moved = [
        Rating(r.role, r.rater_id, {d: r.scores[o] for d, o in zip(DIMS, order, strict=True)})
        for r in ratings
    ]
    assert oracle_overall(moved) == oracle_overall(ratings)
    evaluation = run(moved, ratings)
    assert evaluation.change == 0
    assert evaluation.trend is Trend.steady


@settings(max_examples=300, deadline=None)
@given(panels(), panels())
def test_the_change_is_the_exact_difference_rounded_once(
    before: list[Rating], after: list[Rating]
) -> None:
    """With the same raters both times, the change is the exact difference of the overall
    scores, rounded once: equal exact overalls give exactly 0."""
    ids = {(r.role, r.rater_id) for r in before}
    after = [r for r in after if (r.role, r.rater_id) in ids]
    if not after:
        return
    kept = {(r.role, r.rater_id) for r in after}
    before = [r for r in before if (r.role, r.rater_id) in kept]
    exact = oracle_overall(after) - oracle_overall(before)
    evaluation = run(after, before)
    assert evaluation.change is not None
    assert abs(Fraction(str(evaluation.change)) - exact) <= Fraction(1, 200)
    assert (evaluation.change == 0) == (abs(exact) < Fraction(1, 200))
    assert (evaluation.trend is Trend.steady) == (abs(exact) <= Fraction(1, 4))


@settings(max_examples=200, deadline=None)
@given(panels(full=False), panels(full=False), st.randoms(use_true_random=False))
def test_permuting_raters_never_changes_the_result(
    before: list[Rating], after: list[Rating], random: stdlib_random.Random
) -> None:
    shuffled_before, shuffled_after = list(before), list(after)
    random.shuffle(shuffled_before)
    random.shuffle(shuffled_after)
    first, second = run(after, before), run(shuffled_after, shuffled_before)
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


@settings(max_examples=200, deadline=None)
@given(panels(), st.integers(1, 5))
def test_a_role_that_answers_only_now_never_moves_the_change(
    ratings: list[Rating], coach: int
) -> None:
    with_coach = [*ratings, Rating(Role.coach, "coach-1", dict.fromkeys(DIMS, coach))]
    evaluation = run(with_coach, ratings)
    assert evaluation.change == 0
    assert evaluation.comparison is not None
    assert evaluation.comparison.left_out == (Role.coach,)


@settings(max_examples=200, deadline=None)
@given(panels(), panels(), st.sampled_from([0.0, 0.1, 0.25, 0.5]))
def test_steady_is_within_the_tolerance_band(
    before: list[Rating], after: list[Rating], tolerance: float
) -> None:
    evaluation = run(after, before, tolerance)
    if evaluation.change is None:
        return
    assert evaluation.trend is not None
    if evaluation.trend is Trend.steady:
        assert abs(evaluation.change) <= tolerance + 0.005
    else:
        assert abs(evaluation.change) >= tolerance
    assert (evaluation.verdict is Verdict.on_track) == (evaluation.trend is not Trend.down)


@settings(max_examples=500, deadline=None)
@given(panels(), st.data())
def test_scores_moved_between_dimensions_never_give_a_change(
    ratings: list[Rating], data: st.DataObject
) -> None:
    """Each rater moves points from one dimension to another (their total kept): the overall
    is exactly the same while each dimension's mean moves, and rounds differently; three
    roundings used to make a change of it."""
    moved = []
    for r in ratings:
        scores = dict(r.scores)
        for _ in range(data.draw(st.integers(0, 3))):
            give, take = data.draw(st.permutations(DIMS))[:2]
            if scores[give] > 1 and scores[take] < 5:
                scores[give] -= 1
                scores[take] += 1
        moved.append(Rating(r.role, r.rater_id, scores))
    assert oracle_overall(moved) == oracle_overall(ratings)
    evaluation = run(moved, ratings)
    assert evaluation.change == 0
    assert evaluation.trend is Trend.steady
    assert evaluation.verdict is Verdict.on_track
