"""Scores rater by rater, and the like-for-like comparison an evaluation measures its
change on (see "Scores" and "Like for like" in ``domain.evaluate``); exact, in fractions.

A side is one evaluation's answers: each (role, rater)'s score per dimension. A baseline
stored before answers were kept rater by rater is a side of one anonymous rater per role
(``from_stored``).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from domain import exact
from domain.evaluation import Evaluation, Rating
from domain.framework import DimensionKey
from domain.template import Role

Side = dict[tuple[Role, str], dict[DimensionKey, Fraction]]


def by_rater(ratings: Iterable[Rating]) -> Side:
    """Each rater's score per dimension; a rater given twice has the mean of both
    (so the result never depends on the order of ``ratings``)."""
    given: dict[tuple[Role, str], dict[DimensionKey, list[int]]] = {}
    for rating in ratings:
        mine = given.setdefault((rating.role, rating.rater_id), {})
        for dimension, score in rating.scores.items():
            mine.setdefault(dimension, []).append(score)
    return {
        # The mean of whole scores in one Fraction: the same value as exact.mean of
        # each as a Fraction, without a Fraction (and its gcd) per answer.
        key: {d: Fraction(sum(values), len(values)) for d, values in dims.items()}
        for key, dims in given.items()
    }


def of_roles(side: Side, roles: tuple[Role, ...]) -> Side:
    return {key: scores for key, scores in side.items() if key[0] in roles}


def raters_of(side: Side, role: Role) -> set[str]:
    return {rater for (r, rater) in side if r is role}


def from_stored(baseline: Evaluation) -> Side:
    """A stored evaluation's role means, as one anonymous rater per role."""
    side: Side = {}
    for score in baseline.scores:
        for role, value in score.by_role.items():
            side.setdefault((role, ""), {})[score.dimension] = Fraction(repr(value))
    return side


def role_values(
    side: Side, dimension: DimensionKey, only: set[str] | None
) -> dict[Role, list[Fraction]]:
    values: dict[Role, list[Fraction]] = {}
    for (role, rater), scores in side.items():
        if dimension in scores and (only is None or rater in only):
            values.setdefault(role, []).append(scores[dimension])
    return values


def role_counts(side: Side, dimension: DimensionKey) -> dict[Role, int]:
    """How many raters of each role scored ``dimension``, in role order."""
    values = role_values(side, dimension, None)
    return {role: len(values[role]) for role in Role if values.get(role)}


def _raters(side: Side, role: Role, dimension: DimensionKey) -> set[str]:
    return {rater for (r, rater), scores in side.items() if r is role and dimension in scores}


def like_for_like(
    now: Side,
    then: Side,
    dimension: DimensionKey,
    compared_roles: set[Role],
    by_role_roles: set[Role],
    matched: set[tuple[Role, str]],
) -> tuple[Fraction, Fraction] | None:
    """(now, then) for ``dimension`` on what both sides have in common, if anything."""
    now_roles: list[Fraction] = []
    then_roles: list[Fraction] = []
    for role in Role:
        ids_now, ids_then = _raters(now, role, dimension), _raters(then, role, dimension)
        if not ids_now or not ids_then:
            continue
        both = ids_now & ids_then
        if both:
            matched.update((role, rater) for rater in both)
        else:
            by_role_roles.add(role)
        compared_roles.add(role)
        now_roles.append(exact.mean(now[(role, r)][dimension] for r in (both or ids_now)))
        then_roles.append(exact.mean(then[(role, r)][dimension] for r in (both or ids_then)))
    if not now_roles:
        return None
    return exact.mean(now_roles), exact.mean(then_roles)
