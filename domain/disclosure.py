"""Which groups of raters may be published together: the rule across figures.

A published mean over a group of raters, with its count, is their sum. Two published
groups of one role's answers to one evaluation that differ by one rater give that
rater's score away (``4 x mean of P1-P4 - 3 x mean of P1-P3 = P4``), and so do three
groups whose sums add up to one rater. So a group is published only when

- it has at least the role's minimum of raters;
- its difference from every group of that role already published over the same answers
  (the evaluation's whole group, a like-for-like subset for another comparison), both
  ways, is empty or also at least the minimum;
- and, with the groups already published, no single rater's score is a combination of
  them (checked exactly, by Gaussian elimination over the rationals): the pairwise rule
  above says why in words, this catches what pairs miss.

Pure: sets of rater ids in, a reason (or None) out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

Group = frozenset[str]


def refusal(published: Sequence[Group], candidate: Group, least: int) -> str | None:
    """Why ``candidate`` may not be published beside ``published`` (groups of one role's
    answers to one evaluation, on one dimension), or None when it may."""
    if candidate in published:
        return None
    if len(candidate) < least:
        return f"{len(candidate)} raters, fewer than {least}"
    for group in published:
        for difference in (candidate - group, group - candidate):
            if 0 < len(difference) < least:
                return f"it differs from another published group by {len(difference)}"
    if singles_out([*published, candidate]):
        return "together with the groups already published it singles a rater out"
    return None


def singles_out(groups: Iterable[Group]) -> bool:
    """Whether the sums over ``groups`` determine one rater's score: a unit vector in
    the span of their indicator vectors."""
    raters = sorted(set().union(*groups)) if groups else []
    index = {rater: k for k, rater in enumerate(raters)}
    rows = [{index[r]: Fraction(1) for r in group} for group in groups]
    return any(len(row) == 1 for row in _reduced(rows))


def _reduced(rows: list[dict[int, Fraction]]) -> list[dict[int, Fraction]]:
    """Reduced row echelon form, rows sparse: a unit vector lies in the span exactly
    when it is one of these rows."""
    basis: list[tuple[int, dict[int, Fraction]]] = []
    for row in rows:
        r = dict(row)
        for pivot, b in basis:
            c = r.get(pivot)
            if c:
                r = _minus(r, c, b)
        if not r:
            continue
        pivot = min(r)
        lead = r[pivot]
        r = {k: v / lead for k, v in r.items()}
        basis = [(p, _minus(b, b[pivot], r) if b.get(pivot) else b) for p, b in basis]
        basis.append((pivot, r))
    return [b for _, b in basis]


def _minus(a: dict[int, Fraction], c: Fraction, b: dict[int, Fraction]) -> dict[int, Fraction]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, Fraction(0)) - c * v
    return {k: v for k, v in out.items() if v != 0}
