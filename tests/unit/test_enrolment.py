"""Who may be launched, and when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.enrolment import check_participants, check_start
from domain.errors import DomainError


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(min_value=0, max_value=3650))
def test_today_and_later_starts_are_fine(today: date, days: int) -> None:
    check_start(today + timedelta(days=days), today)


def test_a_past_start_is_refused_naming_the_field_and_the_rule() -> None:
    with pytest.raises(DomainError) as refused:
        check_start(date(2026, 11, 30), today=date(2026, 12, 1))
    assert str(refused.value) == (
        "start_date: 2026-11-30 is in the past; a programme starts today or later"
    )


@given(st.lists(st.text(min_size=1, max_size=5), unique=True))
def test_distinct_participants_pass(ids: list[str]) -> None:
    check_participants(ids)


def test_an_employee_listed_twice_is_named() -> None:
    with pytest.raises(DomainError, match="participants: employee E2 is listed twice"):
        check_participants(["E1", "E2", "E3", "E2"])
