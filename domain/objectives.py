"""Objectives and their ids, when agreed and when amended.

Agreed objectives are numbered per horizon in the order given: short-term ``S1``,
``S2``, ..., long-term ``L1``, ``L2``, ... (``domain.decider``). Progress is recorded
against these ids, so an amendment keeps them where it can:

- an objective of the amended list whose text is that of a current objective of the same
  horizon, exactly (the text as stored, surrounding spaces stripped), keeps its id; when
  the same text appears more than once, the ids go in order;
- any other objective (a new one, a reworded one, one moved to the other horizon) is new:
  it takes the next number of its horizon never used in the programme, so an id never
  names two objectives and progress recorded under it stays unambiguous;
- a current objective left out is removed: its id is retired, its progress stays in the
  history (its ``objective_progressed`` events) and in the state's ``retired`` objectives
  (the view shows them), and no progress may be recorded on it any more.

Evaluations count the current objectives only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from domain.attainment import TARGET
from domain.events import Objective

Horizon = Literal["short_term", "long_term"]
PREFIX: dict[Horizon, str] = {"short_term": "S", "long_term": "L"}


class RetiredObjective(BaseModel):
    """An objective an amendment removed, with the progress it had then."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    horizon: Horizon
    text: str
    percent: int | None
    amendment: int
    """Which amendment removed it (1 is the first)."""


def agreed(short_term: Sequence[str], long_term: Sequence[str]) -> tuple[Objective, ...]:
    """The first objectives: numbered from 1 per horizon, in the order given."""
    return tuple(
        Objective(id=f"S{i}", horizon="short_term", text=text)
        for i, text in enumerate(short_term, 1)
    ) + tuple(
        Objective(id=f"L{i}", horizon="long_term", text=text) for i, text in enumerate(long_term, 1)
    )


def same_words(text: str) -> str:
    """Rules 5: an objective's text as an amendment compares it: case, spacing and the
    punctuation at its end do not make it another objective ("Use CRM daily" and "use
    CRM  daily." are the same)."""
    return " ".join(text.casefold().split()).rstrip(".!;:, ")


def amended(
    current: Sequence[Objective],
    used: Iterable[str],
    short_term: Sequence[str],
    long_term: Sequence[str],
    *,
    loose: bool = False,
) -> tuple[Objective, ...]:
    """The amended objectives: unchanged texts keep their ids, others take new ones
    (after every id in ``used``: the current and the retired). ``loose`` (rules 5)
    compares texts by ``same_words``: a reworded objective keeps its id and progress."""
    words = same_words if loose else (lambda text: text)
    targets = {o.id: o.target for o in current}  # a kept objective keeps its target
    used = set(used) | {o.id for o in current}
    out: list[Objective] = []
    horizons: tuple[tuple[Horizon, Sequence[str]], ...] = (
        ("short_term", short_term),
        ("long_term", long_term),
    )
    for horizon, texts in horizons:
        prefix = PREFIX[horizon]
        kept: dict[str, list[str]] = {}
        for objective in current:
            if objective.horizon == horizon:
                kept.setdefault(words(objective.text), []).append(objective.id)
        following = 1 + max((int(i[1:]) for i in used if i.startswith(prefix)), default=0)
        for text in texts:
            ids = kept.get(words(text))
            if ids:
                number = ids.pop(0)
            else:
                number, following = f"{prefix}{following}", following + 1
            target = targets.get(number, TARGET)
            out.append(Objective(id=number, horizon=horizon, text=text, target=target))
    return tuple(out)


def removed(current: Sequence[Objective], amended: Sequence[Objective]) -> tuple[str, ...]:
    """Ids of the current objectives the amended list leaves out, in their order."""
    kept = {o.id for o in amended}
    return tuple(o.id for o in current if o.id not in kept)


class Edit(Protocol):
    """What ``changed`` reads of one change (``domain.commands.ObjectiveChange``)."""

    @property
    def action(self) -> str: ...
    @property
    def id(self) -> str | None: ...
    @property
    def text(self) -> str | None: ...
    @property
    def horizon(self) -> Horizon | None: ...


def changed(
    current: Sequence[Objective], used: Iterable[str], changes: Sequence[Edit]
) -> tuple[Objective, ...]:
    """Rules 8: the objectives after an amendment that says, per objective, what it does.

    ``keep`` and an objective left unnamed keep it as it is; ``reword`` gives it new words,
    its id, target and progress kept; ``remove`` retires it; ``add`` appends a new one to
    its horizon, with the next id never used (after every id in ``used``). Each objective
    is named once at most, and each horizon keeps one objective at least. ValueError,
    naming the change, when a change does not fit."""
    known = {o.id: o for o in current}
    named: set[str] = set()
    out = dict(known)
    added: list[Objective] = []
    ids = set(used) | set(known)
    for i, change in enumerate(changes):
        where = f"changes[{i}]"
        if change.action == "add":
            if change.id is not None or change.text is None or change.horizon is None:
                raise ValueError(f"{where}: add takes a horizon and a text, no id")
            prefix = PREFIX[change.horizon]
            number = 1 + max((int(k[1:]) for k in ids if k.startswith(prefix)), default=0)
            new = Objective(id=f"{prefix}{number}", horizon=change.horizon, text=change.text)
            ids.add(new.id)
            added.append(new)
            continue
        if change.id is None or change.horizon is not None:
            raise ValueError(f"{where}: {change.action} names an objective by its id")
        if change.id not in known:
            raise ValueError(
                f"{where}: {change.id} is not a current objective; they are {', '.join(known)}"
            )
        if change.id in named:
            raise ValueError(f"{where}: {change.id} is named twice; say once what happens to it")
        named.add(change.id)
        if change.action == "reword":
            if change.text is None:
                raise ValueError(f"{where}: reword takes the new text")
            out[change.id] = known[change.id].model_copy(update={"text": change.text})
        elif change.text is not None:
            raise ValueError(f"{where}: {change.action} takes no text")
        elif change.action == "remove":
            del out[change.id]
    result = (*out.values(), *added)
    for horizon in PREFIX:
        if not any(o.horizon == horizon for o in result):
            raise ValueError(f"changes: the {horizon.replace('_', '-')} objectives would be none")
    order = {"short_term": 0, "long_term": 1}
    return tuple(sorted(result, key=lambda o: order[o.horizon]))
