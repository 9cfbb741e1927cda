"""Every case of the casebook (``docs/method.md``) against the decider."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.evaluation import Evaluation
from domain.reasons import english
from tests.casebook import book
from tests.casebook.cases import Expected, cases, load, play


@pytest.mark.parametrize("path", cases(), ids=lambda p: p.stem)
def test_case(path: Path) -> None:
    case = load(path)
    evaluations, state = play(case)
    for expected in case.expect:
        found = [e for e in evaluations if e.kind.value == expected.evaluation]
        assert found, f"no {expected.evaluation} evaluation; got {[e.kind for e in evaluations]}"
        check(found[-1], expected)
    if case.status is not None:
        assert state is not None
        assert state.status.value == case.status


def check(ev: Evaluation, expected: Expected) -> None:
    # rules 7 and later store codes, read here in English as earlier rules stored them
    said = "\n".join(ev.reasons or tuple(english(code) for code in ev.codes))
    if expected.verdict is not None:
        assert ev.verdict.value == expected.verdict, said
    if expected.trend is not None:
        assert ev.trend is not None, said
        assert ev.trend.value == expected.trend, said
    if expected.attainment is not None:
        assert ev.attainment == expected.attainment, said
    if expected.expected is not None:
        assert ev.expected_attainment == expected.expected, said
    if expected.self_gap is not None:
        assert ev.self_gap == expected.self_gap, said
    for piece in expected.reasons:
        assert piece in said, f"no reason says {piece!r}:\n{said}"
    for piece in expected.absent:
        assert piece not in said, f"a reason says {piece!r}:\n{said}"
    lacked = "; ".join(ev.evidence.missing) if ev.evidence else ""
    for piece in expected.missing:
        assert piece in lacked, f"the evidence does not lack {piece!r}: {lacked}"


def test_the_casebook_has_forty_cases() -> None:
    assert len(cases()) >= 40


def test_docs_method_prints_every_case() -> None:
    """``python -m tests.casebook.book`` writes the casebook into docs/method.md."""
    page = book.DOC.read_text()
    assert page == book.page_with_casebook(page)
