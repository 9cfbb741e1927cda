"""ISO 8601 durations as templates and events write them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from domain.durations import Duration, format_duration, parse_duration

DURATION: TypeAdapter[timedelta] = TypeAdapter(Duration)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P14D", timedelta(days=14)),
        ("PT30S", timedelta(seconds=30)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("P2W", timedelta(weeks=2)),
        ("PT12H", timedelta(hours=12)),
        ("PT1M", timedelta(minutes=1)),
        ("P1DT1M", timedelta(days=1, minutes=1)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("P1W2DT3H4M5S", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        ("P0D", timedelta(0)),
        ("p14d", timedelta(days=14)),
        (" P14D ", timedelta(days=14)),
    ],
)
def test_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(days=14), "P14D"),
        (timedelta(seconds=30), "PT30S"),
        (timedelta(days=1, hours=2), "P1DT2H"),
        (timedelta(weeks=2), "P14D"),
        (timedelta(0), "PT0S"),
        (timedelta(hours=1, minutes=30), "PT1H30M"),
        (timedelta(seconds=1.5), "PT1.5S"),
        (timedelta(days=-1), "-P1D"),
    ],
)
def test_format_is_the_shortest_form(value: timedelta, expected: str) -> None:
    assert format_duration(value) == expected


@pytest.mark.parametrize("text", ["P14D", "PT30S", "P1DT2H", "PT1H30M", "P3DT4H5M6S", "PT0.25S"])
def test_round_trip_of_canonical_text(text: str) -> None:
    assert format_duration(parse_duration(text)) == text


def test_weeks_come_back_as_days() -> None:
    assert format_duration(parse_duration("P2W")) == "P14D"


@pytest.mark.parametrize(
    "value",
    [
        timedelta(microseconds=10),
        timedelta(minutes=3, microseconds=50),
        timedelta(days=1, microseconds=1),
        timedelta(days=270, hours=23, minutes=59, seconds=59, microseconds=999_999),
    ],
)
def test_tiny_fractions_of_a_second_stay_iso(value: timedelta) -> None:
    """Event clocks carry the microseconds of ``workflow.now()``: no ``1e-05`` notation."""
    text = format_duration(value)
    assert "e" not in text.lower().removeprefix("p")
    assert parse_duration(text) == value


@settings(max_examples=300, deadline=None)
@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10_000)))
def test_parse_inverts_format(value: timedelta) -> None:
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize("text", ["P1M", "P3M", "P1Y", "P1Y2M", "P2M10D"])
def test_months_and_years_are_refused_with_the_reason(text: str) -> None:
    with pytest.raises(ValueError, match="years or months") as info:
        parse_duration(text)
    assert "use weeks or days" in str(info.value)


@pytest.mark.parametrize("text", ["", "P", "PT", "14D", "P1.5D", "PT1H2", "1 day", "P1DT"])
def test_malformed_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not ISO 8601"):
        parse_duration(text)


def test_negative_text_parses_to_a_negative_duration() -> None:
    """Parsing mirrors format_duration; the Duration field is what refuses negatives."""
    assert parse_duration("-P1D") == timedelta(days=-1)
    assert format_duration(parse_duration("-PT1M30S")) == "-PT1M30S"


def test_duration_field_accepts_text_and_timedelta() -> None:
    assert DURATION.validate_python("P1DT2H") == timedelta(days=1, hours=2)
    assert DURATION.validate_python(timedelta(hours=3)) == timedelta(hours=3)


def test_duration_field_refuses_negative_values() -> None:
    with pytest.raises(ValidationError, match="must not be negative, got -P1D"):
        DURATION.validate_python(timedelta(days=-1))
    with pytest.raises(ValidationError, match="must not be negative, got -P1D"):
        DURATION.validate_python("-P1D")


def test_duration_field_refuses_months_naming_the_rule() -> None:
    with pytest.raises(ValidationError, match="years or months"):
        DURATION.validate_python("P6M")


def test_duration_field_refuses_numbers() -> None:
    with pytest.raises(ValidationError, match="expected an ISO 8601 duration string"):
        DURATION.validate_python(14)


def test_duration_field_serialises_as_iso_in_json_only() -> None:
    assert DURATION.dump_json(timedelta(days=14)) == b'"P14D"'
    assert DURATION.dump_python(timedelta(days=14)) == timedelta(days=14)
    assert DURATION.validate_json(DURATION.dump_json(timedelta(seconds=90))) == timedelta(
        seconds=90
    )
