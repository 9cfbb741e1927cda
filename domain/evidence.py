"""What an evaluation had to judge on, against what its template requires (rules 5).

No evidence, no verdict: an evaluation with too few raters, no measured objective or no
sessions says so ("not enough evidence to judge") and never reports success by default.
What each evaluation requires:

- **Answers**: the quorum of its stage's feedback gate (roles of the gate that answered),
  at least one of them from *others* (a gate role other than the employee: what others
  saw is the behaviour, Kirkpatrick's level 3, that the verdict weighs). An evaluation
  whose stage has no feedback gate (the follow-up, a closing evaluation) asks for one
  answer from the others of the last feedback gate before it.
- **A comparison** (every evaluation after the baseline): others' scores compared with the
  baseline's, like for like.
- **Objectives** (every evaluation after the baseline): agreed, and at least one measured
  since its starting point (``domain.attainment``): the results, level 4.
- **Sessions**, when the template planned sessions before the evaluation: at least one
  recorded, held or missed.

The verdict (``domain.verdict.weigh``) reports what it found wrong on the evidence it had
(off track, at risk), and is ``insufficient_evidence`` rather than on track when anything
required is missing. A programme withdrawn or lapsed (its closing evaluation) says how and
when it ended, and is never on track: the final evaluation it needed never took place.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from domain import reasons
from domain.attainment import Objectives
from domain.reasons import Reason, english
from domain.template import EvaluationKind, Role, Template

AFTER_BASELINE = (
    EvaluationKind.midpoint,
    EvaluationKind.final,
    EvaluationKind.closing,
    EvaluationKind.follow_up,
)


class Level(StrEnum):
    """Kirkpatrick's levels an evaluation may have evidence for."""

    reaction = "reaction"
    """The client said whether their expectations were met."""
    behaviour = "behaviour"
    """Others' scores, compared with the baseline."""
    results = "results"
    """Objectives measured since their starting point."""


class Ending(BaseModel):
    """How a programme ended early, for its closing evaluation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    how: Literal["withdrawn", "lapsed"]
    day: int
    """Programme-clock day on which it ended (0: the first day)."""
    stage: str | None


class Case(NamedTuple):
    """What a rules-5 evaluation is given beside the answers."""

    need: Requirement
    objectives: Objectives
    sessions: int
    ended: Ending | None


class Requirement(NamedTuple):
    """What an evaluation asks for, from its template."""

    roles: tuple[Role, ...]
    """The gate's roles: the employee's answer is shown beside, the others weighed."""
    quorum: int
    """Roles of ``roles`` that must have answered."""
    compare: bool
    objectives: bool
    sessions: bool

    @property
    def weighed(self) -> tuple[Role, ...]:
        return tuple(r for r in self.roles if r is not Role.employee)


class Evidence(BaseModel):
    """What an evaluation had, against what it required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answers: dict[Role, int]
    """Raters who answered, per role (every role, weighed or not)."""
    roles_asked: tuple[Role, ...]
    quorum: int
    weighed: tuple[Role, ...]
    """The roles whose scores the verdict weighs: the gate's, but the employee."""
    unweighed: tuple[Role, ...] = ()
    """Roles that answered outside the gate: shown, never weighed."""
    compared: bool
    objectives: int
    measured: int
    sessions: int
    """Sessions recorded so far, held or missed."""
    missing: tuple[str, ...]
    """What it lacked, in words; empty when it had all its template requires."""
    levels: tuple[Level, ...]
    ended: Ending | None = None


def requirement(template: Template, kind: EvaluationKind, stage: str | None) -> Requirement:
    """What an evaluation of ``kind`` closing ``stage`` (None: the follow-up) requires."""
    keys = [s.key for s in template.stages]
    index = keys.index(stage) if stage in keys else len(keys)
    own = template.stages[index].gate.feedback if index < len(keys) else None
    if own is not None:
        roles, quorum = own.roles, own.quorum
    else:
        before = [s.gate.feedback for s in template.stages[:index] if s.gate.feedback]
        roles = before[-1].roles if before else (Role.manager,)
        quorum = 1
    later = kind in AFTER_BASELINE
    planned = any(s.sessions is not None for s in template.stages[: min(index, len(keys))])
    return Requirement(
        roles=roles,
        quorum=quorum,
        compare=later,
        objectives=later,
        sessions=later and planned and kind is not EvaluationKind.follow_up,
    )


def gather(
    need: Requirement,
    *,
    answers: dict[Role, int],
    compared: bool,
    objectives: int,
    measured: int,
    sessions: int,
    reaction: bool,
    ended: Ending | None,
) -> Evidence:
    """The evidence, and what is missing from it, in words a coach reads."""
    weighed = need.weighed
    missing = lacking(
        need,
        answers=answers,
        compared=compared,
        objectives=objectives,
        measured=measured,
        sessions=sessions,
    )
    levels = [Level.reaction] if reaction else []
    if compared:
        levels.append(Level.behaviour)
    if measured:
        levels.append(Level.results)
    unweighed = tuple(r for r in Role if answers.get(r) and r not in need.roles)
    return Evidence(
        answers={r: answers[r] for r in Role if answers.get(r)},
        roles_asked=need.roles,
        quorum=need.quorum,
        weighed=weighed,
        unweighed=unweighed,
        compared=compared,
        objectives=objectives,
        measured=measured,
        sessions=sessions,
        missing=tuple(english(reason) for reason in missing),
        levels=tuple(levels),
        ended=ended,
    )


def lacking(
    need: Requirement,
    *,
    answers: Mapping[Role, int],
    compared: bool,
    objectives: int,
    measured: int,
    sessions: int,
) -> tuple[Reason, ...]:
    """What an evaluation lacked of what ``need`` requires, as codes (``Evidence.missing``
    holds them in English, as rules 5 stored them)."""
    asked = [r for r in need.roles if answers.get(r)]
    others = [r for r in need.weighed if answers.get(r)]
    missing: list[Reason] = []
    if len(asked) < need.quorum:
        missing.append(
            Reason(
                code=reasons.LACKS_ANSWERS,
                params={
                    "asked": len(asked),
                    "quorum": need.quorum,
                    "roles": [role.value for role in need.roles],
                },
            )
        )
    elif not others:
        missing.append(
            Reason(
                code=reasons.LACKS_OTHERS,
                params={"roles": [role.value for role in need.weighed]},
            )
        )
    elif need.compare and not compared:
        missing.append(Reason(code=reasons.LACKS_BASELINE))
    if need.objectives and objectives == 0:
        missing.append(Reason(code=reasons.LACKS_OBJECTIVES))
    elif need.objectives and measured == 0:
        missing.append(Reason(code=reasons.LACKS_MEASURE))
    if need.sessions and sessions == 0:
        missing.append(Reason(code=reasons.LACKS_SESSIONS))
    return tuple(missing)
