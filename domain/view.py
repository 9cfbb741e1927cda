"""Where a programme stands: the read model shown by ``parcours show`` and the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain import published
from domain.commands import Employee
from domain.durations import Duration
from domain.evaluation import Evaluation
from domain.expectations import Expectations
from domain.gates import gate_status
from domain.holders import Holders
from domain.objectives import RetiredObjective
from domain.schedule import next_wake
from domain.state import ProgrammeState, StageProgress, Status
from domain.template import Role


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObjectiveView(_View):
    id: str
    horizon: Literal["short_term", "long_term"]
    text: str
    percent: int | None


class SessionView(_View):
    number: int
    at: datetime | None
    """Wall time of the slot: for a recorded session, its date when it was recorded (a
    later pause does not move it); for a planned one, the planned time, which moves
    when the programme is paused, and None while it is paused."""
    status: Literal["planned", "held", "missed", "not_needed", "cancelled"]
    """``not_needed``: left unrecorded when the stage's calendar closed with its
    ``gate.sessions_held`` met; not missed, and not counted in attendance. ``cancelled``:
    cancelled by agreement (rules 6), not counted either."""


class PauseView(_View):
    reason: str
    since: datetime
    until: datetime | None


class Rejection(_View):
    """A signal the programme refused: signals have no caller to answer, so it is kept here."""

    at: datetime
    type: str
    key: str | None
    reason: str
    """The domain's reason, whole: it may name the rater of a refused answer (ops)."""
    shown: str | None = None
    """The reason without rater ids, when ``reason`` names one; None: ``reason`` names
    none, or the rejection was kept before rejections said."""


NAMES_A_RATER = "the answer was refused for a reason that names its rater; ops may read it"
"""What the platform reads of an old refused answer that kept no ``shown`` reason."""


def shown_rejections(rejections: tuple[Rejection, ...]) -> tuple[Rejection, ...]:
    """Refused signals as the employee and the platform may read them: no rater ids."""
    out: list[Rejection] = []
    for rejection in rejections:
        if rejection.shown is not None:
            reason = rejection.shown
        elif rejection.type == "give_feedback" and "rater " in rejection.reason:
            reason = NAMES_A_RATER
        else:
            reason = rejection.reason
        out.append(rejection.model_copy(update={"reason": reason, "shown": None}))
    return tuple(out)


class ProgrammeView(_View):
    programme_id: str
    status: Status
    stage: str | None
    stage_title: str | None
    stage_number: int | None
    stages: int
    events: int
    employee: Employee
    template_id: str
    template_version: int
    framework: str = "parcours-five"
    """The competency framework its scores are on (``domain.framework``)."""
    template_title: str
    cohort_id: str | None
    coach_id: str | None
    manager_id: str | None
    sponsor_id: str | None
    hr_id: str | None = None
    starts_at: datetime
    clock: Duration
    stage_due: datetime | None
    next_deadline: datetime | None
    stalled: bool
    waiting_on: tuple[Role, ...]
    missing: tuple[str, ...]
    objectives: tuple[ObjectiveView, ...]
    sessions: tuple[SessionView, ...]
    held: int
    missed: int
    paused: PauseView | None
    evaluations: tuple[Evaluation, ...]
    """As the employee and the platform may see them (``domain.published``)."""
    follow_up_due: datetime | None
    pending_deliveries: int
    ended_at: datetime | None
    rejections: tuple[Rejection, ...] = ()
    retired_objectives: tuple[RetiredObjective, ...] = ()
    """Objectives an amendment removed, with the progress they had then."""
    amendments: int = 0
    expectations: Expectations | None = None
    """The client's expectations and, once rated, whether they were met."""
    expectations_by: Role = Role.sponsor
    """Whose expectations the programme records (its template says): who may say them."""
    time_zone: str = "UTC"
    """The programme's time zone: the dates people read are shown in it (the API's are
    ISO 8601 with their offset)."""

    @property
    def holders(self) -> Holders:
        """Its coach, manager, sponsor and HR as one value (in JSON: four ``<role>_id``,
        as the API and the workflow's query have always answered)."""
        return Holders.from_ids(self)


def shown_view(view: ProgrammeView) -> ProgrammeView:
    """The view as the platform may read it: refused answers without rater ids."""
    if not view.rejections:
        return view
    return view.model_copy(update={"rejections": shown_rejections(view.rejections)})


def view_of(state: ProgrammeState, now: datetime) -> ProgrammeView:
    """The view of ``state`` at wall time ``now``."""
    stage, progress = state.current_stage, state.stage_progress
    running = state.status is not Status.paused
    gate = gate_status(state)

    def wall(clock: timedelta | None) -> datetime | None:
        if not running or clock is None:
            return None
        return state.clock.wall(clock)

    sessions: tuple[SessionView, ...] = ()
    if progress is not None:
        sessions = tuple(
            SessionView(
                number=slot.number,
                at=progress.dated.get(slot.number) or wall(slot.clock),
                status=_session_status(progress, slot.number),
            )
            for slot in progress.sessions
        )
    paused = None
    if state.status is Status.paused and state.clock.paused_since is not None:
        paused = PauseView(
            reason=state.pause_reason or "",
            since=state.clock.paused_since,
            until=state.pause_until,
        )
    lang = state.template.language_for(state.employee.locale)  # the programme's language
    return ProgrammeView(
        programme_id=state.programme_id,
        status=state.status,
        stage=progress.key if progress else None,
        stage_title=stage.title_in(lang) if stage else None,
        stage_number=progress.index + 1 if progress else None,
        stages=len(state.template.stages),
        events=state.seq,
        employee=state.employee,
        template_id=state.template.id,
        template_version=state.template.version,
        framework=state.template.framework_id,
        template_title=state.template.title_in(lang),
        cohort_id=state.cohort_id,
        **state.holders.as_ids(),
        starts_at=state.clock.starts_at,
        clock=state.clock.at(now),
        stage_due=wall(progress.due) if progress else None,
        next_deadline=next_wake(state),
        stalled=progress.stalled if progress else False,
        waiting_on=gate.waiting_on,
        missing=gate.missing,
        objectives=tuple(
            ObjectiveView(id=o.id, horizon=o.horizon, text=o.text, percent=state.progress.get(o.id))
            for o in state.objectives
        ),
        sessions=sessions,
        held=state.held,
        missed=state.missed,
        paused=paused,
        evaluations=published.evaluations(state.evaluations, state.feedback, state.template),
        follow_up_due=wall(state.follow_up_due),
        pending_deliveries=len(state.pending_deliveries),
        ended_at=state.ended_at,
        retired_objectives=state.retired,
        amendments=state.amendments,
        expectations=state.expectations,
        expectations_by=state.template.expectations.by,
        time_zone=state.employee.time_zone,
    )


def _session_status(
    progress: StageProgress, number: int
) -> Literal["planned", "held", "missed", "not_needed", "cancelled"]:
    if number in progress.uncounted:
        return "not_needed"
    if number in progress.cancelled:
        return "cancelled"
    recorded = progress.recorded.get(number)
    return recorded.value if recorded is not None else "planned"
