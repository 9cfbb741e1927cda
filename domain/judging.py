"""What a rules-5 evaluation is given from a programme's state (``domain.evidence``).

Kept apart from the decider so the decider only asks for it, and from the evaluation so
that stays a function of plain figures.
"""

from __future__ import annotations

from datetime import timedelta

from domain import attainment
from domain.evidence import Case, Ending, requirement
from domain.state import ProgrammeState
from domain.template import EvaluationKind


def case_of(
    state: ProgrammeState, kind: EvaluationKind, clock: timedelta, ended: Ending | None
) -> Case:
    """The requirement of the evaluation of ``kind`` now, the objectives measured from
    their starting points, the sessions recorded, and how the programme ended early."""
    stage = state.stage_progress.key if state.stage_progress else None
    measures = attainment.measures(state.objectives, state.starts, state.progress, state.measured)
    return Case(
        need=requirement(state.template, kind, stage),
        # ended early: each objective expected as far as the calendar had gone
        objectives=attainment.summarise(
            state.template, measures, EvaluationKind.closing if ended else kind, clock
        ),
        sessions=state.held + state.missed,
        ended=ended,
    )
