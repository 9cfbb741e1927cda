"""Rules 7 on the casebook: every rules-5 case launched under rules 7 decides as under
rules 6 (rules 5 with sessions as appointments, which move the calendar and so what is
expected by when) and gives the same reasons, stored as codes whose English
(``domain.reasons``) is word for word what rules 5 and 6 store, and each code reads in
French and German."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.language.formats import Reader
from adapters.language.reasons import MESSAGES, reasons_in
from domain.reasons import Reason, said
from domain.rules import CALENDAR, EVIDENCE, FRAMEWORKS
from tests.casebook.cases import cases, load, play


def _codes(reasons: tuple[Reason, ...]) -> list[Reason]:
    """Every code, those nested in ``missing`` too."""
    out: list[Reason] = []
    for reason in reasons:
        out.append(reason)
        out += _codes(tuple(Reason.model_validate(m) for m in reason.get("missing", [])))
    return out


RULES_5 = [p for p in cases() if load(p).rules == EVIDENCE and load(p).launch_refused is None]


@pytest.mark.parametrize("path", RULES_5, ids=lambda p: p.stem)
def test_rules_7_says_what_rules_6_said(path: Path) -> None:
    case = load(path)
    before, _ = play(case.model_copy(update={"rules": CALENDAR}))
    after, state = play(case.model_copy(update={"rules": FRAMEWORKS}))
    assert state is not None
    assert state.rules == FRAMEWORKS
    assert [e.verdict for e in after] == [e.verdict for e in before]
    for old, new in zip(before, after, strict=True):
        assert new.reasons == ()
        assert said(new) == old.reasons
        for code in _codes(new.codes):
            assert code.code in MESSAGES
            for lang in ("fr", "de"):
                (words,) = reasons_in([code], Reader(lang))
                assert "{" not in words, "every field filled"
