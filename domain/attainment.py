"""Objectives as coaches measure them (rules 5, ``domain.rules.EVIDENCE``).

Goal Attainment practice: a goal has a starting point, a target and a horizon, and
progress is the way travelled from the start to the target.

- **Starting point.** A check-in recorded before the coaching sessions begin (the
  agreement, assessment and goals stages, before the first stage with a session calendar
  is entered) sets the objective's starting point; the latest such check-in counts. An
  objective added by an amendment once the sessions began takes its first check-in as its
  starting point. An
  objective without one starts from 0%.
- **Target.** 100% by default; from rules 8 an objective may be agreed with a target of
  its own (``AgreeObjectives.targets``: "reach 80% of the sales calls"), kept when an
  amendment keeps or rewords it. Attainment is measured against it, so an objective that
  reaches its target is attained in full.
- **Check-ins.** Every later check-in measures it: attainment is
  ``(latest - start) / (target - start)``, between 0 and 100 (an objective that went back
  below its start is at 0, one whose start is the target at 100). An objective with a
  starting point only is *not measured yet*: its attainment is unknown, never 0.
- **Horizon.** A short-term objective is due at the final evaluation, a long-term one at
  the follow-up (at the final when the template has no follow-up). What the plan expects
  of it follows the calendar up to its own horizon: the planned programme-clock time
  elapsed over the planned time to its horizon, at most 100%, and 100% at its horizon.
  So a long-term objective is never expected at 100% months before its horizon.

The evaluation takes the mean attainment of the measured objectives against the mean of
what the plan expects of those same objectives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from fractions import Fraction
from typing import NamedTuple, Protocol

from domain import exact
from domain.template import EvaluationKind, Template


class Objective(Protocol):
    """What this module reads of an agreed objective (``domain.events.Objective``, which
    it does not import: the events import the evaluations, which import this)."""

    @property
    def id(self) -> str: ...
    @property
    def horizon(self) -> str: ...
    @property
    def target(self) -> int: ...


TARGET = 100
"""An objective's target unless said otherwise: fully attained."""


class Measure(NamedTuple):
    """One objective as an evaluation sees it."""

    id: str
    horizon: str
    start: int
    latest: int | None
    """The latest check-in after the starting point; None: not measured yet."""
    target: int = 100
    """The percentage at which it is attained (rules 8: its own; 100 before)."""


class Objectives(NamedTuple):
    """What an evaluation draws from the objectives."""

    agreed: int
    measured: int
    attainment: Fraction | None
    """Mean attainment of the measured objectives; None when none is."""
    expected: Fraction
    """Mean of what the plan expects of the measured objectives (of all, when none is)."""


def attained(start: int, latest: int, target: int = TARGET) -> Fraction:
    """The way travelled from ``start`` to ``target``, in percent, 0..100."""
    if start >= target:
        return Fraction(100) if latest >= target else Fraction(0)
    way = Fraction(100 * (latest - start), target - start)
    return max(Fraction(0), min(Fraction(100), way))


def _planned(template: Template, stages: int) -> timedelta:
    return sum((s.allowed for s in template.stages[:stages] if s.allowed is not None), timedelta(0))


def horizon(template: Template, long_term: bool) -> timedelta:
    """Planned programme-clock time at which an objective is due."""
    final = next(
        (i for i, s in enumerate(template.stages) if s.evaluation is EvaluationKind.final),
        len(template.stages) - 1,
    )
    due = _planned(template, final + 1)
    if long_term and template.follow_up is not None:
        due = _planned(template, len(template.stages)) + template.follow_up.after
    return due if due > timedelta(0) else template.max_duration


def expected(
    template: Template, long_term: bool, kind: EvaluationKind, clock: timedelta
) -> Fraction:
    """What the plan expects of an objective, in percent, at an evaluation of ``kind``
    at programme-clock ``clock``."""
    if kind is EvaluationKind.follow_up:
        return Fraction(100)
    if kind is EvaluationKind.final and (not long_term or template.follow_up is None):
        return Fraction(100)
    due = horizon(template, long_term)
    elapsed = max(clock, timedelta(0))
    return min(Fraction(100), 100 * Fraction(exact.micros(elapsed), exact.micros(due)))


def measures(
    objectives: Sequence[Objective],
    starts: Mapping[str, int],
    progress: Mapping[str, int],
    measured: frozenset[str],
) -> list[Measure]:
    """Each current objective with its starting point and latest measured check-in."""
    return [
        Measure(
            id=o.id,
            horizon=o.horizon,
            start=starts.get(o.id, 0),
            latest=progress.get(o.id) if o.id in measured else None,
            target=o.target,
        )
        for o in objectives
    ]


def summarise(
    template: Template, objectives: Sequence[Measure], kind: EvaluationKind, clock: timedelta
) -> Objectives:
    """Attainment of the measured objectives against what the plan expects of them."""
    done = [m for m in objectives if m.latest is not None]
    basis = done or list(objectives)
    plans = [expected(template, m.horizon == "long_term", kind, clock) for m in basis]
    return Objectives(
        agreed=len(objectives),
        measured=len(done),
        attainment=exact.mean(
            attained(m.start, m.latest, m.target) for m in done if m.latest is not None
        )
        if done
        else None,
        expected=exact.mean(plans) if plans else Fraction(0),
    )
