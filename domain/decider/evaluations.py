"""The evaluation a stage, a closing or the follow-up records: which answers count."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from domain import rules as r
from domain.decider.draft import Draft
from domain.evaluate import evaluate, expected_attainment
from domain.evaluation import Attendance, Rating
from domain.events import EvaluationRecorded
from domain.evidence import Ending
from domain.expectations import REPORTED_IN
from domain.judging import case_of
from domain.state import ProgrammeState
from domain.template import EvaluationKind, Role


def record_evaluation(
    draft: Draft, kind: EvaluationKind, clock: timedelta | None, ended: Ending | None = None
) -> None:
    """Only this evaluation's answers count: given in the stage it closes (after the
    programme completed, for a follow-up) since the last evaluation; no fallback. Under
    rules 4 a stage's evaluation takes all the answers for its stage, kept ones too."""
    state = draft.state
    stage = state.stage_progress.key if state.stage_progress else None
    baseline = state.baseline()
    # Rules 4: every answer for the stage counts, those kept for it before it opened too;
    # the follow-up (no stage) still takes those given since the last evaluation.
    after = 0 if state.rules >= r.COLLECTION and stage is not None else state.last_evaluation_seq
    evaluation = evaluate(
        kind=kind,
        stage=stage,
        dimensions=state.template.dimensions,
        ratings=ratings(state, stage, after),
        baseline=baseline,
        baseline_ratings=ratings(state, baseline.stage, 0)
        if baseline is not None and baseline.stage is not None
        else None,
        progress=[state.progress.get(o.id) for o in state.objectives],
        attendance=Attendance(held=state.held, missed=state.missed),
        expected_attainment=expected_attainment(
            state.template, kind, draft.clock() if clock is None else clock
        ),
        tolerance=state.template.score_tolerance,
        expectations=state.expectations if kind in REPORTED_IN else None,
        case=case_of(state, kind, draft.clock() if clock is None else clock, ended)
        if state.rules >= r.EVIDENCE
        else None,
        codes=state.rules >= r.FRAMEWORKS,
        drop=_drop(state),
    )
    draft.emit(
        EvaluationRecorded, clock=clock, delivery_id=draft.delivery_id(), evaluation=evaluation
    )


def ratings(state: ProgrammeState, stage: str | None, after: int) -> list[Rating]:
    """Each rater's latest scores among the answers given in ``stage`` after seq ``after``."""
    latest: dict[tuple[Role, str], Rating] = {}
    for entry in state.feedback:
        if entry.stage != stage or entry.seq <= after:
            continue
        before = latest.get((entry.role, entry.rater_id))
        scores = {**before.scores, **entry.scores} if before else dict(entry.scores)
        latest[(entry.role, entry.rater_id)] = Rating(entry.role, entry.rater_id, scores)
    return list(latest.values())


def _drop(state: ProgrammeState) -> Fraction:
    """The fall that is off track: 1 point, as ever; under rules 7 a quarter of the scale's
    range (1 point on the method's 1..5, 0.75 on a 1..4)."""
    if state.rules < r.FRAMEWORKS:
        return Fraction(1)
    scale = state.template.scale
    return Fraction(scale.max - scale.min, 4)
