"""Who may be launched, and when: the rules both the CLI and the API apply."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from domain.errors import DomainError


def check_start(start: date, today: date) -> None:
    """A programme starts today or later: its first deadlines are counted from then."""
    if start < today:
        raise DomainError(f"start_date: {start} is in the past; a programme starts today or later")


def check_participants(employee_ids: Iterable[str]) -> None:
    """A cohort lists each employee once: one programme per employee and template."""
    counts = Counter(employee_ids)
    twice = sorted(i for i, n in counts.items() if n > 1)
    if twice:
        raise DomainError(f"participants: employee {twice[0]} is listed twice")
