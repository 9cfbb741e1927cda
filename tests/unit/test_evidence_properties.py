"""Properties of rules 5's verdicts (``domain.evidence``, ``domain.attainment``)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.attainment import Objectives, attained
from domain.commands import AgreeObjectives, GiveFeedback
from domain.evaluate import evaluate
from domain.evaluation import Attendance, Rating
from domain.evidence import Case, Ending, Requirement
from domain.template import Dimension, EvaluationKind, Role
from domain.verdict import Trend, Verdict
from tests.casebook.cases import Case as Story
from tests.casebook.cases import Run, day

DIMS = (Dimension.adaptability, Dimension.motivation)
FINAL = Requirement(
    roles=(Role.employee, Role.manager), quorum=2, compare=True, objectives=True, sessions=True
)
score = st.integers(1, 5)
scores = st.fixed_dictionaries(dict.fromkeys(DIMS, score))


def rating(role: Role, rater: str, given: dict[Dimension, int]) -> Rating:
    return Rating(role, rater, given)


@given(
    roles=st.sets(st.sampled_from([Role.employee, Role.manager, Role.hr])),
    now=scores,
    then=scores,
    agreed=st.integers(0, 4),
    measured=st.integers(0, 4),
    attainment=st.integers(0, 100),
    held=st.integers(0, 10),
    missed=st.integers(0, 10),
    ended=st.booleans(),
)
def test_no_evidence_never_gives_on_track(
    roles: set[Role],
    now: dict[Dimension, int],
    then: dict[Dimension, int],
    agreed: int,
    measured: int,
    attainment: int,
    held: int,
    missed: int,
    ended: bool,
) -> None:
    measured = min(measured, agreed)
    evaluation = evaluate(
        kind=EvaluationKind.final,
        stage="final_evaluation",
        dimensions=DIMS,
        ratings=[rating(r, r.value, now) for r in roles],
        baseline=None,
        baseline_ratings=[rating(Role.manager, "manager", then)],
        progress=[],
        attendance=Attendance(held=held, missed=missed),
        expected_attainment=100,
        case=Case(
            need=FINAL,
            objectives=Objectives(
                agreed=agreed,
                measured=measured,
                attainment=Fraction(attainment) if measured else None,
                expected=Fraction(100),
            ),
            sessions=held + missed,
            ended=Ending(how="withdrawn", day=30, stage="check_ins") if ended else None,
        ),
    )
    assert evaluation.evidence is not None
    if evaluation.evidence.missing or ended:
        assert evaluation.verdict is not Verdict.on_track, evaluation.reasons
    if evaluation.verdict is Verdict.insufficient_evidence:
        assert any("not enough evidence to judge" in r for r in evaluation.reasons)


@given(others=scores, self_then=scores, self_now=scores)
def test_identical_ratings_from_others_are_steady_whatever_the_self_rating(
    others: dict[Dimension, int], self_then: dict[Dimension, int], self_now: dict[Dimension, int]
) -> None:
    case = Case(
        need=FINAL,
        objectives=Objectives(
            agreed=1, measured=1, attainment=Fraction(100), expected=Fraction(100)
        ),
        sessions=10,
        ended=None,
    )
    evaluation = evaluate(
        kind=EvaluationKind.final,
        stage="final_evaluation",
        dimensions=DIMS,
        ratings=[rating(Role.manager, "M1", others), rating(Role.employee, "E1", self_now)],
        baseline=None,
        baseline_ratings=[
            rating(Role.manager, "M1", others),
            rating(Role.employee, "E1", self_then),
        ],
        progress=[],
        attendance=Attendance(held=10, missed=0),
        expected_attainment=100,
        case=case,
    )
    assert evaluation.trend is Trend.steady
    assert evaluation.change == 0
    assert evaluation.verdict is Verdict.on_track


@given(start=st.integers(0, 99), latest=st.integers(0, 100))
def test_attainment_is_0_at_the_start_and_100_at_the_target(start: int, latest: int) -> None:
    assert attained(start, start) == 0
    assert attained(start, 100) == 100
    assert 0 <= attained(start, latest) <= 100
    assert attained(start, latest) == max(0, Fraction(100 * (latest - start), 100 - start))


STORY = Story(
    title="revision",
    story="a manager revises one dimension at the baseline",
    template="change-adoption-3m",
    facts=({"day": 0, "agree": {"short": ["Use the CRM"], "long": ["Coach a colleague"]}},),
)


@settings(max_examples=25, deadline=None)
@given(first=scores, dimension=st.sampled_from(DIMS), revised=score)
def test_a_one_dimension_revision_keeps_the_other_dimensions(
    first: dict[Dimension, int], dimension: Dimension, revised: int
) -> None:
    run = Run(STORY)
    agree = STORY.facts[0]["agree"]
    run.do(AgreeObjectives(short_term=agree["short"], long_term=agree["long"]), day(0))
    run.do(GiveFeedback(role=Role.manager, rater_id="M1", scores=first), day(1))
    run.do(GiveFeedback(role=Role.manager, rater_id="M1", scores={dimension: revised}), day(1))
    (answer,) = [f for f in run.state.feedback if f.rater_id == "M1"]
    assert answer.scores == {**first, dimension: revised}
    assert answer.revision == 1
