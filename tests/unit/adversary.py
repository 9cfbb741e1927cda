"""The adversary of ``test_confidentiality_adversary``: what the platform can compute.

Every score figure the platform reads is, before its rounding to two decimals, a linear
function of the raters' scores (a mean is a sum over known counts). Rounding protects
nothing: with the counts published, a sum is the rounded mean times the count, give or
take less than one half. So the adversary knows the exact value of each published figure,
and a rater's score is given away exactly when the unit vector of that score lies in the
row space of the published figures' linear functionals (scores of roles shown rater by
rater, the employee's, the manager's, are known outright and count as known).

This module turns a programme's events and what was published of them into those
functionals, from the ground truth the test knows (which rater answered what for which
evaluation), checks that each published figure has the value its functional gives (so
the model is the code's, not a guess), and answers which scores are determined, by exact
Gaussian elimination over the rationals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from domain import exact
from domain.events import EvaluationRecorded, Event, FeedbackReceived
from domain.template import Dimension, Role

Unknown = tuple[int, Role, str, Dimension]
"""One rater's score for one evaluation (its index) on one dimension."""
Functional = dict[Unknown, Fraction]

ANONYMOUS = (Role.peer, Role.direct_report)


@dataclass
class Truth:
    """Who counted in each evaluation, with what, as the decider counted them."""

    scores: list[dict[tuple[Role, str], dict[Dimension, int]]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def raters(self, i: int, role: Role, dimension: Dimension) -> list[str]:
        return sorted(
            rid for (r, rid), dims in self.scores[i].items() if r is role and dimension in dims
        )

    def value(self, unknown: Unknown) -> Fraction:
        i, role, rid, dimension = unknown
        return Fraction(self.scores[i][(role, rid)][dimension])


def truth_of(events: Sequence[Event]) -> Truth:
    """Each evaluation's answers: those for its stage, each rater's latest per dimension
    (a revision replaces the rater's whole answer)."""
    truth = Truth()
    for event in events:
        if not isinstance(event, EvaluationRecorded):
            continue
        stage = event.evaluation.stage
        latest: dict[tuple[Role, str], dict[Dimension, int]] = {}
        for answer in events:
            if not isinstance(answer, FeedbackReceived) or answer.seq > event.seq:
                continue
            if answer.stage != stage:
                continue
            key = (answer.role, answer.rater_id)
            before = {} if answer.revision else latest.get(key, {})
            latest[key] = {**before, **answer.scores}
        truth.scores.append(latest)
        truth.kinds.append(event.evaluation.kind.value)
    return truth


def _mean(parts: Sequence[Functional]) -> Functional:
    out: Functional = {}
    for part in parts:
        for unknown, c in part.items():
            out[unknown] = out.get(unknown, Fraction(0)) + c / len(parts)
    return out


def _sub(a: Functional, b: Functional) -> Functional:
    out = dict(a)
    for unknown, c in b.items():
        out[unknown] = out.get(unknown, Fraction(0)) - c
    return out


def _avg(i: int, role: Role, raters: Iterable[str], d: Dimension) -> Functional:
    ids = list(raters)
    return {(i, role, rid, d): Fraction(1, len(ids)) for rid in ids}


@dataclass
class Published:
    """Figures published, each a functional with the value shown."""

    figures: list[tuple[str, Functional, float]] = field(default_factory=list)
    values: set[float] = field(default_factory=set)
    """Every figure's value, and its magnitude (a page may print a change unsigned)."""

    def add(self, where: str, functional: Functional, shown: float | None) -> None:
        if shown is None:
            return
        self.figures.append((where, functional, shown))
        self.values |= {shown, abs(shown)}

    def prints(self, number: str) -> bool:
        """Whether a page's ``number`` is a published figure: as shown, or as a reason
        words it from the exact figure (one rounding instead of two)."""
        value = float(number.replace(",", "."))
        return any(abs(value - v) <= 0.011 for v in self.values)


def evaluation_figures(
    published: Published, where: str, i: int, ev: Mapping[str, Any], truth: Truth
) -> None:
    """The functionals of one published evaluation (its JSON), index ``i``."""
    baseline_i = truth.kinds.index("baseline") if "baseline" in truth.kinds else None
    merged = [Role(r) for r in ev.get("merged", ())]
    evidence = ev.get("evidence")
    # Rules 5: the mean and the comparison weigh only the others (the gate's roles but
    # the employee); the employee's own score is shown beside them.
    weighed = {Role(r) for r in evidence["weighed"]} if evidence else set(Role)
    selves: list[Functional] = []
    if ev.get("tolerance") is not None:  # the template's, printed in the trend's reason
        published.values.add(ev["tolerance"])
    dim_means: list[Functional] = []
    compared_all: list[Functional] = []
    baseline_all: list[Functional] = []
    for score in ev["scores"]:
        d = Dimension(score["dimension"])
        groups: list[Functional] = []
        for role_name, value in score["by_role"].items():
            role = Role(role_name)
            f = _avg(i, role, truth.raters(i, role, d), d)
            published.add(f"{where} {d} {role}", f, value)
            if role in weighed:
                groups.append(f)
        own: Functional | None = None
        if score.get("self_score") is not None:
            own = _avg(i, Role.employee, truth.raters(i, Role.employee, d), d)
            published.add(f"{where} {d} self", own, score["self_score"])
            selves.append(own)
        if score.get("others") is not None:
            pooled = [(r, rid) for r in merged for rid in truth.raters(i, r, d)]
            f = {(i, r, rid, d): Fraction(1, len(pooled)) for r, rid in pooled}
            published.add(f"{where} {d} others", f, score["others"])
            groups.append(f)
        if groups:
            published.add(f"{where} {d} mean", _mean(groups), score["mean"])
            if score["mean"] is not None:
                dim_means.append(_mean(groups))
            if own is not None:
                published.add(f"{where} {d} self gap", _sub(own, _mean(groups)), score["self_gap"])
        if score.get("compared") is None and score.get("baseline") is None:
            continue
        assert baseline_i is not None, f"{where}: a comparison without a baseline"
        now_parts: list[Functional] = []
        then_parts: list[Functional] = []
        for role in (r for r in Role if r in weighed):
            ids_now = set(truth.raters(i, role, d))
            ids_then = set(truth.raters(baseline_i, role, d))
            if not ids_now or not ids_then:
                continue
            both = ids_now & ids_then
            now_parts.append(_avg(i, role, both or ids_now, d))
            then_parts.append(_avg(baseline_i, role, both or ids_then, d))
        compared, base = _mean(now_parts), _mean(then_parts)
        published.add(f"{where} {d} compared", compared, score.get("compared"))
        published.add(f"{where} {d} baseline", base, score.get("baseline"))
        published.add(f"{where} {d} change", _sub(compared, base), score.get("change"))
        compared_all.append(compared)
        baseline_all.append(base)
    if dim_means:
        published.add(f"{where} overall", _mean(dim_means), ev.get("overall"))
        for reason in ev.get("codes", ()):  # rules 7: the self-gap reason quotes the others'
            if reason["code"] == "self_gap":
                quoted = reason["params"]["others"]
                published.add(f"{where} self-gap reason", _mean(dim_means), quoted)
    if selves:
        published.add(f"{where} self overall", _mean(selves), ev.get("self_overall"))
        if dim_means:
            gap = _sub(_mean(selves), _mean(dim_means))
            published.add(f"{where} self overall gap", gap, ev.get("self_gap"))
    if compared_all:
        c, b = _mean(compared_all), _mean(baseline_all)
        published.add(f"{where} compared_overall", c, ev.get("compared_overall"))
        published.add(f"{where} baseline_overall", b, ev.get("baseline_overall"))
        published.add(f"{where} overall change", _sub(c, b), ev.get("change"))


def check_values(published: Published, truth: Truth) -> None:
    """Every published figure is what its functional gives, to the rounding: the
    adversary's model is the code's."""
    for where, functional, shown in published.figures:
        value = sum((c * truth.value(u) for u, c in functional.items()), Fraction(0))
        # a shown mean is taken over its groups as displayed: two roundings at most
        assert abs(value - exact.exact(shown)) <= Fraction(1, 50), (where, value, shown)


MINUS = "\u2212"
NUMBER = re.compile(r"(?<![\d.,])[+\-" + MINUS + r"]?\d+[.,]\d\d\b")


def printed_numbers(text: str) -> Iterator[str]:
    """Two-decimal figures a page prints (scores, means, changes); the radar chart's
    coordinates are drawn from the printed means, not figures of their own."""
    for match in NUMBER.finditer(re.sub(r"(?s)<svg.*?</svg>", "", text)):
        yield match.group(0).replace(MINUS, "-")


def determined(published: Published, truth: Truth) -> list[Unknown]:
    """The anonymous raters' scores the published figures give away."""
    rows: list[dict[Unknown, Fraction]] = []
    seen: set[frozenset[tuple[Unknown, Fraction]]] = set()
    for _, functional, _ in published.figures:
        row = {u: c for u, c in functional.items() if u[1] in ANONYMOUS and c != 0}
        key = frozenset(row.items())
        if row and key not in seen:
            seen.add(key)
            rows.append(row)
    reduced = _rref(rows)
    return sorted(
        next(iter(row)) for row in reduced if len(row) == 1
    )  # a row that is one unknown alone: that score is known


def _rref(rows: list[dict[Unknown, Fraction]]) -> list[dict[Unknown, Fraction]]:
    """Reduced row echelon form over the rationals, rows as sparse dicts."""
    basis: list[tuple[Unknown, dict[Unknown, Fraction]]] = []
    for row in rows:
        r = dict(row)
        for pivot, b in basis:
            c = r.get(pivot)
            if c:
                for u, v in b.items():
                    r[u] = r.get(u, Fraction(0)) - c * v
                r = {u: v for u, v in r.items() if v != 0}
        if not r:
            continue
        pivot = min(r)
        lead = r[pivot]
        r = {u: v / lead for u, v in r.items()}
        reduced: list[tuple[Unknown, dict[Unknown, Fraction]]] = []
        for p, b in basis:
            c = b.get(pivot)
            if c:
                b = {u: b.get(u, Fraction(0)) - c * r.get(u, Fraction(0)) for u in b.keys() | r}
                b = {u: v for u, v in b.items() if v != 0}
            reduced.append((p, b))
        basis = [*reduced, (pivot, r)]
    return [b for _, b in basis]
