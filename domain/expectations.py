"""The client's expectations: what they expect of the programme, and whether it was met.

Kirkpatrick's first level (the client's reaction), and the method's "does not disappoint
the client's expectations". The client is the programme's sponsor, or its employee, as
the template says (``Template.expectations.by``); only the person who holds that role
records them.

- **Expected**: a short text (``rules.MAX_TEXT`` bytes), recorded from the launch until
  they are rated, while the programme runs; replaced at most ``rules.MAX_REVISIONS``
  times.
- **Rated**: whether they were met, on 1..5 (1 not met at all, 3 partly met, 5 fully
  met), with an optional comment (``rules.MAX_COMMENT`` bytes). Taken once the
  programme reaches its closing stages (the stage of its final evaluation, or its last
  stage when it has none) and until its follow-up closes; replaced at most
  ``rules.MAX_REVISIONS`` times (the sponsor may say again at the follow-up).

The final, closing and follow-up evaluations report them as they stand when they are
recorded (``Evaluation.expectations``) and their reasons say it in words ("the sponsor
said their expectations were met: 4/5"). They are reported beside the verdict, not
weighed in it: the verdict stays on what was achieved.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.template import EvaluationKind, Role, Template

REPORTED_IN = (EvaluationKind.final, EvaluationKind.closing, EvaluationKind.follow_up)
"""The evaluations that report the expectations: those at and after the programme's end."""
MET = 4
"""A rating from here up reads "met"."""
PARTLY = 3
"""A rating from here up (below ``MET``) reads "partly met"; below, "not met"."""


class Expectations(BaseModel):
    """The client's expectations as they stand."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: Role
    """Whose they are: the sponsor or the employee (the template says which)."""
    expected: str
    met: int | None = Field(default=None, ge=1, le=5)
    """Whether they were met, 1..5; None until rated."""
    comment: str | None = None


Met = Literal["met", "partly_met", "not_met"]


def how_met(met: int) -> Met:
    """What a rating of 1..5 says: met, partly met or not met."""
    if met >= MET:
        return "met"
    return "partly_met" if met >= PARTLY else "not_met"


def in_words(expectations: Expectations) -> str:
    """What an evaluation's reasons say of them."""
    who = "the employee" if expectations.by is Role.employee else f"the {expectations.by}"
    met = expectations.met
    if met is None:
        return f"{who} recorded their expectations; they have not said yet whether they were met"
    how = how_met(met).replace("_", " ")
    return f"{who} said their expectations were {how}: {met}/5"


def rated_from(template: Template) -> int:
    """Index of the first stage in which the expectations may be rated: the stage of the
    final evaluation, or the last stage when no stage has one."""
    return next(
        (i for i, s in enumerate(template.stages) if s.evaluation is EvaluationKind.final),
        len(template.stages) - 1,
    )
