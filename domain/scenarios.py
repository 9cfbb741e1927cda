"""Scenarios for the simulation (``domain.simulation``): who answers what, and when.

A scenario says who answers what and when:

- ``silent``: nobody answers; reminders, the escalation ladder, a stall, the lapse.
- ``on-time``: everything a stage's gate asks is given as the stage opens (objectives,
  feedback from one rater per role of the quorum and, under rules 4, from every other
  holder of a role of the gate, so every nominee answers; progress), and sessions are
  held at their slots.
- ``late``: the same, given an hour after the stage's first escalation (sessions are
  still held at their slots: they are on the coach's calendar, not answers).
- a scenario file (YAML, ``Scenario``): one of these as the default, with stages of its
  own (when their gate is answered, by whom, which sessions are missed, an advance) and
  pauses.

Times in a scenario are on the programme clock, from the stage's entry (a stage's
``at``, an answer's ``at``) or from the start (a pause's ``at``), so a pause moves
everything after it.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from domain.durations import Duration, format_duration
from domain.errors import TemplateError
from domain.framework import HIGHEST, LOWEST, DimensionKey
from domain.ids import Identifier
from domain.rules import MAX_PAUSES, MAX_RATERS_PER_STAGE
from domain.template import Role, Template
from domain.template_parsing import describe_errors

SCORE = 4
"""The score every answer gives unless its scenario says."""
LONGEST = timedelta(days=3660)
"""How far into a programme a scenario may place anything: ten years."""


def _within_reach(value: timedelta) -> timedelta:
    if not timedelta(0) <= value <= LONGEST:
        raise ValueError(
            f"must be between PT0S and {format_duration(LONGEST)}, got {format_duration(value)}"
        )
    return value


Offset = Annotated[Duration, AfterValidator(_within_reach)]
Score = Annotated[int, Field(ge=LOWEST, le=HIGHEST)]
"""On the template's scale (checked as the programme takes the answer)."""


class Base(StrEnum):
    on_time = "on-time"
    silent = "silent"
    late = "late"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Answer(_Data):
    """One rater's feedback: every dimension at ``score`` unless ``scores`` says."""

    role: Role
    rater: Identifier | None = None
    """Default: ``<role>-1``."""
    at: Offset | None = None
    """From the stage's entry; default: the stage's ``at``."""
    score: Score | None = None
    """Default: ``SCORE``, within the template's scale."""
    scores: dict[DimensionKey, Score] = {}


class StagePlan(_Data):
    """What happens in one stage; what it leaves out follows the scenario's ``base``."""

    answered: bool = True
    """Whether the gate's objectives, feedback and progress are given at all."""
    at: Offset | None = None
    """When they are given, from the stage's entry; default: as the base says."""
    answers: tuple[Answer, ...] | None = Field(default=None, max_length=MAX_RATERS_PER_STAGE)
    """Who gives feedback, instead of one rater per role of the gate."""
    missed: tuple[int, ...] = Field(default=(), max_length=200)
    """Session numbers recorded as missed (the others are held at their slots)."""
    unrecorded: tuple[int, ...] = Field(default=(), max_length=200)
    """Session numbers nobody records."""
    advance: Offset | None = None
    """Close the stage then (from its entry) although its gate is not met."""


class PausePlan(_Data):
    at: Offset
    """On the programme clock, from the start."""
    for_: Offset = Field(alias="for")
    reason: str = Field(default="leave", min_length=1, max_length=200)


class Scenario(_Data):
    name: str = Field(default="scenario", max_length=200)
    base: Base = Base.on_time
    stages: dict[str, StagePlan] = Field(default={}, max_length=100)
    pauses: tuple[PausePlan, ...] = Field(default=(), max_length=MAX_PAUSES)
    withdraw: Offset | None = None
    """Withdraw the employee then (programme clock, from the start)."""


def scenario_named(name: str) -> Scenario:
    try:
        return Scenario(name=name, base=Base(name))
    except ValueError:
        raise TemplateError(
            f"scenario {name!r} is not one of {', '.join(b.value for b in Base)} or a scenario file"
        ) from None


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    """A scenario from YAML; errors name the field and the rule."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}: not YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: a scenario is a mapping (base, stages, pauses)")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(f"{source}: {describe_errors(exc)}") from exc


def check_scenario(scenario: Scenario, template: Template) -> None:
    keys = [s.key for s in template.stages]
    unknown = [k for k in scenario.stages if k not in keys]
    if unknown:
        raise TemplateError(
            f"scenario stages {', '.join(unknown)} are not in {template.id} ({', '.join(keys)})"
        )
