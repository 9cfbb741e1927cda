"""ISO 8601 durations, as templates write them (``P14D``, ``PT30S``).

Months and years are refused: their length depends on the calendar, and a
programme clock that stops while paused has no calendar to ask.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

_ISO = re.compile(
    r"^P(?!$)(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


DURATION_PATTERN = r"^-?P(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
"""What ``format_duration`` writes, for the JSON schema. Not ``format: duration``: that is
RFC 3339's grammar, which has no fraction of a second, and the programme clock has them."""


def parse_duration(text: str) -> timedelta:
    """Parse ``PnWnDTnHnMnS`` (``-`` in front for a negative one); ValueError otherwise."""
    if text.strip().startswith("-"):
        return -parse_duration(text.strip()[1:])
    match = _ISO.match(text.strip().upper())
    if match is None:
        if re.match(r"^P(\d+Y|\d+M)", text.strip().upper()):
            raise ValueError(
                f"duration {text!r} uses years or months, which have no fixed length; "
                "use weeks or days (P4W, P30D)"
            )
        raise ValueError(f"duration {text!r} is not ISO 8601 (like P14D, PT12H, PT30S)")
    parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
    try:
        return timedelta(**parts)
    except OverflowError:
        raise ValueError(f"duration {text!r} is too long") from None


@functools.lru_cache(maxsize=1024)
def format_duration(value: timedelta) -> str:
    """The shortest ISO 8601 form: ``P14D``, ``PT30S``, ``P1DT2H``. Cached: every
    launch writes its template's few dozen durations, nearly always the same ones."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    days = value.days
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    date = f"{days}D" if days else ""
    time = "".join(
        f"{v}{unit}"
        for v, unit in (
            (str(hours), "H"),
            (str(minutes), "M"),
            (_seconds(seconds, value.microseconds), "S"),
        )
        if v != "0"
    )
    if not date and not time:
        return "PT0S"
    return f"{sign}P{date}" + (f"T{time}" if time else "")


def _seconds(seconds: int, microseconds: int) -> str:
    """Seconds in fixed-point notation (never ``1e-05``, which is not ISO 8601)."""
    if not microseconds:
        return str(seconds)
    return f"{seconds}.{microseconds:06d}".rstrip("0")


def _coerce(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, timedelta):
        return value
    raise ValueError(f"expected an ISO 8601 duration string like P14D, got {value!r}")


def _non_negative(value: Any) -> Any:
    value = _coerce(value)
    if value < timedelta(0):
        raise ValueError(f"duration must not be negative, got {format_duration(value)}")
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_non_negative),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "ISO 8601 duration, seconds with a fraction when the clock has one",
            "examples": ["P14D", "PT30S", "P1DT2H", "PT25.340667S"],
        }
    ),
]
"""A non-negative ISO 8601 duration; serialised back as ISO 8601 in JSON."""


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("duration must be longer than zero, got PT0S")
    return value


PositiveDuration = Annotated[Duration, AfterValidator(_positive)]


def distinct_offsets(offsets: tuple[timedelta, ...], name: str) -> None:
    """Refuse ``offsets`` (reminders before a time, say) that name one offset twice."""
    if len(set(offsets)) != len(offsets):
        raise ValueError(f"{name} must not repeat an offset")
