"""Confidentiality: a role's scores are shown only when enough of its raters answered."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import confidentiality as conf
from domain import published
from domain.evaluate import evaluate
from domain.evaluation import Attendance, Evaluation, Rating
from domain.state import FeedbackEntry
from domain.template import Dimension, EvaluationKind, Role, Template
from domain.template_parsing import parse_template

DIMS = (Dimension.strengths, Dimension.motivation)
SHIPPED = [
    parse_template(path.read_text())
    for path in sorted((Path(__file__).resolve().parents[2] / "templates").glob("*.yaml"))
]


def run(ratings: Sequence[Rating], baseline: Evaluation | None = None) -> Evaluation:
    return evaluate(
        kind=EvaluationKind.final if baseline else EvaluationKind.baseline,
        stage="f" if baseline else "b",
        dimensions=DIMS,
        ratings=ratings,
        baseline=baseline,
        progress=[],
        attendance=Attendance(held=0, missed=0),
        expected_attainment=100,
    )


def panel(**roles: Sequence[int]) -> list[Rating]:
    return [
        Rating(Role(role), f"{role}-{i}", dict.fromkeys(DIMS, score))
        for role, scores in roles.items()
        for i, score in enumerate(scores)
    ]


DEFAULTS = conf.minimums(None)


def answers(stage: str, ratings: Sequence[Rating]) -> list[FeedbackEntry]:
    return [
        FeedbackEntry(seq=n, stage=stage, role=r.role, rater_id=r.rater_id, scores=dict(r.scores))
        for n, r in enumerate(ratings, start=1)
    ]


def shown_pair(
    before: Sequence[Rating], now: Sequence[Rating], template: Template | None = None
) -> tuple[Evaluation, ...]:
    """The baseline of ``before`` and the final of ``now``, as published."""
    baseline = run(before)
    feedback = [*answers("b", before), *answers("f", now)]
    return published.evaluations([baseline, run(now, baseline)], feedback, template)


def test_defaults_peer_and_direct_report_three_others_one() -> None:
    assert DEFAULTS[Role.peer] == DEFAULTS[Role.direct_report] == 3
    assert {DEFAULTS[r] for r in Role if r not in (Role.peer, Role.direct_report)} == {1}


def test_two_peers_are_withheld_and_the_mean_leaves_them_out() -> None:
    shown = conf.shown(run(panel(employee=[2], manager=[4], peer=[5, 1])), DEFAULTS)
    for score in shown.scores:
        assert Role.peer not in score.by_role
        assert score.others is None
        assert score.mean == 3.0  # employee and manager only
    assert shown.withheld == {Role.peer: 2}
    assert shown.overall == 3.0
    assert any("peer scores withheld: 2 answered, 3 needed" in r for r in shown.reasons)


def test_three_peers_are_shown() -> None:
    shown = conf.shown(run(panel(employee=[2], peer=[5, 1, 3])), DEFAULTS)
    assert shown.scores[0].by_role == {Role.employee: 2.0, Role.peer: 3.0}
    assert not shown.withheld
    assert not shown.merged


def test_roles_below_their_minimum_merge_into_others_when_together_enough() -> None:
    shown = conf.shown(run(panel(manager=[4], peer=[5, 1], direct_report=[3])), DEFAULTS)
    score = shown.scores[0]
    assert score.by_role == {Role.manager: 4.0}
    assert score.others == 3.0  # (5 + 1 + 3) / 3, by rater
    assert shown.merged == (Role.peer, Role.direct_report)
    assert score.mean == 3.5


def test_a_template_may_raise_a_minimum_never_lower_it() -> None:
    base = SHIPPED[0].model_dump(mode="json")
    raised = Template.model_validate({**base, "minimums": {"manager": 2, "peer": 5}})
    least = conf.minimums(raised)
    assert least[Role.manager] == 2
    assert least[Role.peer] == 5
    shown = conf.shown(run(panel(manager=[4], peer=[5, 1, 3])), least)
    assert shown.scores[0].by_role == {}
    with pytest.raises(ValueError, match="may raise the default, not lower it"):
        Template.model_validate({**base, "minimums": {"peer": 2}})


def test_a_change_since_the_baseline_is_dropped_when_a_role_is_hidden() -> None:
    before, now = panel(employee=[2], peer=[1, 2]), panel(employee=[3], peer=[5, 5])
    assert run(now, run(before)).change is not None
    shown = shown_pair(before, now)[1]
    assert shown.change is None
    assert shown.comparison is None
    assert all(s.change is None and s.compared is None for s in shown.scores)
    assert not any(r.startswith("scores are") for r in shown.reasons)


def test_an_old_evaluation_without_counts_withholds_the_roles_that_need_more() -> None:
    recorded = run(panel(employee=[2], peer=[5, 1, 3]))
    old = recorded.model_copy(
        update={"scores": tuple(s.model_copy(update={"raters": {}}) for s in recorded.scores)}
    )
    shown = conf.shown(old, DEFAULTS)
    assert shown.scores[0].by_role == {Role.employee: 2.0}
    assert shown.withheld == {Role.peer: None}


ROLES = tuple(Role)


@st.composite
def panels(draw: st.DrawFn) -> list[Rating]:
    ratings = []
    for role in draw(st.sets(st.sampled_from(ROLES), min_size=1)):
        for n in range(draw(st.integers(1, 4))):
            scores = {d: draw(st.integers(1, 5)) for d in DIMS}
            ratings.append(Rating(role, f"{role}-{n}", scores))
    return ratings


@settings(max_examples=150, deadline=None)
@given(panels(), panels(), st.sampled_from(SHIPPED))
def test_no_shown_group_is_smaller_than_its_minimum(
    before: list[Rating], now: list[Rating], template: Template
) -> None:
    least = conf.minimums(template)
    for shown in shown_pair(before, now, template):
        for score in shown.scores:
            for role in score.by_role:
                assert score.raters[role] >= least[role]
            hidden = set(shown.merged) | set(shown.withheld)
            assert not hidden & set(score.by_role)
            if score.others is not None:
                merged = [r for r in now + before if r.role in shown.merged]
                assert len({(r.role, r.rater_id) for r in merged}) >= min(
                    least[r] for r in shown.merged
                )
            groups = [Fraction(repr(v)) for v in score.by_role.values()]
            if score.others is None and not groups:
                assert score.mean is None
        if shown.merged or shown.withheld:
            assert shown.change is None
            assert shown.compared_overall is None
