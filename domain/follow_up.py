"""A follow-up that collects (rules 8, ``domain.rules.FOLLOW_UP``).

Months after the programme completed, the follow-up asks again what others see and how
far the long-term objectives came. Before rules 8 nobody was asked: the follow-up judged
whoever happened to answer, and usually said "nobody gave feedback". From rules 8:

- **Who is asked**: the roles of the last feedback gate (the final's), each by the same
  people. The employee and the holders of the coach, manager and sponsor roles answer as
  themselves; the peers and direct reports who rated the final are nominated for the
  follow-up when the programme completes (``nominees``), so a coach need not nominate
  them again. More may still be nominated for it.
- **When they are reminded**: at the final's reminder lead times before the follow-up is
  due (executive-6m: 7 and 2 days before), each time only the roles still waited on
  (``waiting``), as a stage's deadline reminder does. A reminder nobody is waited on for
  is recorded as skipped, saying so.
- **The employee is asked for progress on the long-term objectives**: they are waited on
  until they answered the follow-up and every long-term objective has a check-in since
  the programme completed (``followed_up``).

Pure: state in, roles and nominees out.
"""

from __future__ import annotations

from datetime import timedelta

from domain.commands import NOMINATED_ROLES
from domain.events import Nominated
from domain.gates import SELF_NOMINATED
from domain.state import ProgrammeState
from domain.template import Role, Stage, Template

FOLLOW_UP_KEY = ""
"""The follow-up's key where a stage's goes: its nominations, its reminders' ``stage``."""


def final_stage(template: Template) -> Stage | None:
    """The last stage with a feedback gate: the raters the follow-up asks again."""
    gated = [s for s in template.stages if s.gate.feedback is not None]
    return gated[-1] if gated else None


def roles(template: Template) -> tuple[Role, ...]:
    """The roles the follow-up asks: the last feedback gate's."""
    final = final_stage(template)
    gate = final.gate.feedback if final is not None else None
    return gate.roles if gate is not None else ()


def reminders(template: Template) -> tuple[timedelta, ...]:
    """How long before the follow-up is due its raters are reminded: as for the final."""
    final = final_stage(template)
    return final.remind_before_due if final is not None else ()


def nominees(state: ProgrammeState) -> tuple[Nominated, ...]:
    """The peers and direct reports who rated the final (answered its stage), in the order
    they answered, not yet nominated for the follow-up."""
    final = final_stage(state.template)
    if final is None:
        return ()
    asked = roles(state.template)
    known = {n.id for n in state.nominations.get(FOLLOW_UP_KEY, ())}
    found: list[Nominated] = []
    for entry in state.feedback:
        if entry.stage != final.key or entry.role not in NOMINATED_ROLES:
            continue
        if entry.role in asked and entry.rater_id not in known:
            known.add(entry.rater_id)
            found.append(Nominated(role=entry.role, id=entry.rater_id))
    return tuple(found)


def waiting(state: ProgrammeState) -> tuple[Role, ...]:
    """The roles the follow-up still waits on, in the gate's order: a nominee (or the
    holder of a self-nominated role) who has not answered it; the employee also while a
    long-term objective has no check-in since the programme completed."""
    answered = {(f.role, f.rater_id) for f in state.feedback if f.stage is None}
    out: list[Role] = []
    for role in roles(state.template):
        if role in NOMINATED_ROLES:
            asked = [n.id for n in state.nominations.get(FOLLOW_UP_KEY, ()) if n.role is role]
        elif role in SELF_NOMINATED and (holder := state.holder(role)) is not None:
            asked = [holder]
        else:
            asked = []
        if any((role, rater) not in answered for rater in asked):
            out.append(role)
    long_term = {o.id for o in state.objectives if o.horizon == "long_term"}
    if Role.employee not in out and long_term - state.followed_up:
        out.insert(0, Role.employee)
    return tuple(out)
