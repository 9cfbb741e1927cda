"""One evaluation's report, gathered from the programme's events: what the pages show.

Built from the raw events, then made what the employee and the platform may see
(``domain.published``): the evaluation's published projection, and comments without
who gave them (no rater id, no role), sorted by their text so their order does not
tell who answered first; the comments of a role whose scores are not shown are withheld,
and counted. A rater's later answer in the stage replaces theirs, comment
included. An answer's comment is filed under its dimension when the answer scored only
that one, else under "general".

No internal ids reach it either: not the delivery id, not a rater id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain import published
from domain.confidentiality import minimums
from domain.evaluation import Evaluation
from domain.events import (
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ObjectivesAmended,
    ProgrammeLaunched,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
)
from domain.framework import DimensionKey
from domain.handovers import changed_hands
from domain.template import EvaluationKind, Role, Template

SCALE = 5
"""The method's scale, 1..5: the default's outer ring."""
NOT_NEEDED = "not needed"
"""How the decider's note on a session closed unrecorded but not needed starts."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportEmployee(_Model):
    id: str
    name: str


class ObjectiveLine(_Model):
    id: str
    horizon: Literal["short_term", "long_term"]
    text: str
    progress: int | None
    """The latest percent recorded by this evaluation; None: not recorded."""
    target: int = 100
    """Rules 8: the percentage at which it is attained."""
    note: str | None = None
    """Rules 8: the latest check-in's note, if it had one."""
    changed: str | None = None
    """How an amendment changed it ("added 1", "reworded 2": what, by which amendment);
    None when it is as first agreed."""


class Amendment(_Model):
    number: int
    reason: str
    removed: tuple[str, ...] = ()


class SessionLine(_Model):
    stage: str
    number: int
    status: Literal["held", "missed", "not_needed", "unrecorded"]
    """``unrecorded``: nobody recorded it by the stage deadline, and it was needed."""
    at: datetime
    """When it was recorded (held or missed), or its stage's calendar closed."""
    notes: str | None = None


class CommentGroup(_Model):
    dimension: DimensionKey | None
    """None: general, from answers that scored several dimensions."""
    comments: tuple[str, ...]


class ReportItem(_Model):
    """One evaluation of a programme, as the list gives it: ``n`` names it."""

    n: int
    kind: str
    stage: str | None
    verdict: str
    recorded_at: datetime


class Report(_Model):
    n: int
    """1 for the programme's first evaluation."""
    programme_id: str
    template_title: str
    employee: ReportEmployee
    locale: str = "en"
    time_zone: str = "UTC"
    recorded_at: datetime
    evaluation: Evaluation
    """As the employee and the platform may see it."""
    baseline: dict[DimensionKey, float] = {}
    """The baseline evaluation's shown means per dimension (empty for the baseline
    itself, or with none): the radar's other polygon."""
    scale: int = SCALE
    """The top of the programme's scale (its framework's)."""
    scale_min: int = 1
    """The bottom of the programme's scale."""
    framework: str = "parcours-five"
    """The id of the framework the programme works on."""
    template: Template | None = Field(default=None, exclude=True)
    """The programme's template snapshot: its framework's labels and its texts in each
    language it declares (not part of the report's JSON)."""
    objectives: tuple[ObjectiveLine, ...] = ()
    """The objectives as they stood at the evaluation, amendments applied."""
    amendments: tuple[Amendment, ...] = ()
    """The amendments of the objectives before the evaluation: what they did and why."""
    changed: dict[Role, datetime] = {}
    """Held roles whose answer for the evaluated stage is a former holder's: when the role
    changed hands (``domain.handovers``); the scores read "manager (changed on <date>)"."""
    comments: tuple[CommentGroup, ...] = ()
    withheld_comments: int = 0
    """Comments not shown: their role had too few raters for its scores to be shown."""
    sessions: tuple[SessionLine, ...] = ()

    def item(self) -> ReportItem:
        ev = self.evaluation
        return ReportItem(
            n=self.n,
            kind=ev.kind.value,
            stage=ev.stage,
            verdict=ev.verdict.value,
            recorded_at=self.recorded_at,
        )


def reports_of(events: Iterable[Event]) -> list[Report]:
    """The programme's evaluation reports, in the order they were recorded (1, 2, ...),
    from its raw events."""
    log = list(events)
    launched = next((e for e in log if isinstance(e, ProgrammeLaunched)), None)
    if launched is None:
        return []
    recorded = [e for e in log if isinstance(e, EvaluationRecorded)]
    shown = published.evaluations(
        (e.evaluation for e in recorded), published.answers_of(log), launched.template
    )
    least = minimums(launched.template)
    baseline: dict[DimensionKey, float] = {}
    reports: list[Report] = []
    previous = 0
    for n, (event, evaluation) in enumerate(zip(recorded, shown, strict=True), start=1):
        before = [e for e in log if e.seq < event.seq]
        comments, withheld = _comments(
            before, evaluation, previous, least, launched.template.dimensions
        )
        reports.append(
            Report(
                n=n,
                programme_id=launched.programme_id,
                template_title=launched.template.title_in(launched.employee.locale),
                employee=ReportEmployee(id=launched.employee.id, name=launched.employee.name),
                locale=launched.employee.locale,
                time_zone=launched.employee.time_zone,
                recorded_at=event.at,
                evaluation=evaluation,
                scale=launched.template.scale.max,
                scale_min=launched.template.scale.min,
                framework=launched.template.framework_id,
                template=launched.template,
                baseline=dict(baseline),
                objectives=_objectives(before),
                amendments=tuple(
                    Amendment(number=e.amendment, reason=e.reason, removed=e.removed)
                    for e in before
                    if isinstance(e, ObjectivesAmended)
                ),
                changed=changed_hands(before, evaluation.stage),
                comments=comments,
                withheld_comments=withheld,
                sessions=_sessions(before),
            )
        )
        if evaluation.kind is EvaluationKind.baseline and not baseline:
            baseline = {s.dimension: s.mean for s in evaluation.scores if s.mean is not None}
        previous = event.seq
    return reports


def _objectives(events: Sequence[Event]) -> tuple[ObjectiveLine, ...]:
    agreed: dict[str, ObjectiveLine] = {}
    for event in events:
        if isinstance(event, ObjectivesAgreed):
            kept = {key: line.progress for key, line in agreed.items()}
            agreed = {
                o.id: ObjectiveLine(
                    id=o.id,
                    horizon=o.horizon,
                    text=o.text,
                    progress=kept.get(o.id),
                    target=o.target,
                )
                for o in event.objectives
            }
        elif isinstance(event, ObjectivesAmended):
            agreed = _amend(agreed, event)
        elif isinstance(event, ObjectiveProgressed) and event.objective_id in agreed:
            line = agreed[event.objective_id]
            agreed[event.objective_id] = line.model_copy(
                update={"progress": event.percent, "note": event.note}
            )
    return tuple(agreed.values())


def _amend(agreed: dict[str, ObjectiveLine], event: ObjectivesAmended) -> dict[str, ObjectiveLine]:
    """The objectives after an amendment, each saying what it changed."""
    lines = dict(agreed)
    n = event.amendment
    for o in event.added:
        lines[o.id] = ObjectiveLine(
            id=o.id,
            horizon=o.horizon,
            text=o.text,
            progress=None,
            target=o.target,
            changed=f"added {n}",
        )
    for o in event.reworded:
        lines[o.id] = lines[o.id].model_copy(update={"text": o.text, "changed": f"reworded {n}"})
    return {i: lines[i] for i in event.order if i in lines}


def _comments(
    events: Sequence[Event],
    evaluation: Evaluation,
    after: int,
    least: Mapping[Role, int],
    dimensions: Sequence[str],
) -> tuple[tuple[CommentGroup, ...], int]:
    """The comments shown beside ``evaluation``, and how many were withheld."""
    latest: dict[tuple[Role, str], FeedbackReceived] = {}
    for event in events:
        if (
            isinstance(event, FeedbackReceived)
            and event.seq > after
            and event.stage == evaluation.stage
        ):
            latest[(event.role, event.rater_id)] = event  # a later answer replaces theirs
    groups: dict[DimensionKey | None, list[str]] = {}
    withheld = 0
    for answer in latest.values():
        if answer.comment and answer.comment.strip():
            if not published.comment_shown(answer.role, evaluation, least):
                withheld += 1
                continue
            only = next(iter(answer.scores)) if len(answer.scores) == 1 else None
            groups.setdefault(only, []).append(answer.comment.strip())
    order: list[DimensionKey | None] = [*dimensions, None]
    shown = tuple(
        CommentGroup(dimension=d, comments=tuple(sorted(groups[d]))) for d in order if d in groups
    )
    return shown, withheld


def _sessions(events: Sequence[Event]) -> tuple[SessionLine, ...]:
    found: dict[tuple[str, int], SessionLine] = {}
    for event in events:
        if isinstance(event, SessionHeld):
            line = SessionLine(
                stage=event.stage, number=event.number, status="held", at=event.at,
                notes=event.notes,
            )  # fmt: skip
        elif isinstance(event, SessionMissed):
            status: Literal["missed", "not_needed", "unrecorded"] = "missed"
            notes = event.notes
            if event.unrecorded:  # the decider's words: said by the status instead
                status = "not_needed" if (notes or "").startswith(NOT_NEEDED) else "unrecorded"
                notes = None
            line = SessionLine(
                stage=event.stage, number=event.number, status=status, at=event.at, notes=notes
            )
        elif isinstance(event, SessionCorrected):
            line = SessionLine(
                stage=event.stage, number=event.number, status=event.status, at=event.at,
                notes=event.notes,
            )  # fmt: skip
        else:
            continue
        found[(line.stage, line.number)] = line
    return tuple(found.values())
