"""The archive's retention, a period on the calendar (``PARCOURS_ARCHIVE_RETENTION``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.stores.retention import check_retention, cutoff
from config import Settings, SettingsError
from config.loading import load_settings

NOW = datetime(2028, 2, 29, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "before"),
    [
        ("P3Y", datetime(2025, 2, 28, 10, tzinfo=UTC)),  # no 29 February in 2025
        ("P18M", datetime(2026, 8, 29, 10, tzinfo=UTC)),
        ("P1Y1M", datetime(2027, 1, 29, 10, tzinfo=UTC)),
        ("P400D", datetime(2027, 1, 25, 10, tzinfo=UTC)),
        ("P2W", datetime(2028, 2, 15, 10, tzinfo=UTC)),
        ("p1y2d", datetime(2027, 2, 26, 10, tzinfo=UTC)),
    ],
)
def test_a_retention_counts_back_on_the_calendar(period: str, before: datetime) -> None:
    assert cutoff(period, NOW) == before


@pytest.mark.parametrize("period", ["3 years", "P", "P0Y", "PT5H", "P3Y2X", "P99999Y", ""])
def test_a_malformed_retention_is_refused_saying_why(period: str) -> None:
    with pytest.raises(ValueError, match=r"retention|ISO 8601|too long"):
        check_retention(period)


def test_the_setting_is_checked_where_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().archive_retention is None
    monkeypatch.setenv("PARCOURS_ARCHIVE_RETENTION", "P3Y")
    assert load_settings().archive_retention == "P3Y"
    monkeypatch.setenv("PARCOURS_ARCHIVE_RETENTION", "three years")
    with pytest.raises(SettingsError, match="PARCOURS_ARCHIVE_RETENTION"):
        load_settings()
