"""Dates, times and numbers as a reader in a language and a time zone writes them (Babel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from adapters.language.zones import language, zone_of

_DATETIME = {
    "en": "EEEE d MMMM y, HH:mm",
    "fr": "EEEE d MMMM y 'à' HH:mm",
    "de": "EEEE, d. MMMM y 'um' HH:mm",
}
_SHORT = {"en": "d MMM y, HH:mm", "fr": "d MMM y, HH:mm", "de": "d. MMM y, HH:mm"}
"""Keyed by every language of ``adapters.language.zones.LANGUAGES`` (a test checks it)."""


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads: their language and time zone, and how they write dates and numbers."""

    lang: str = "en"
    time_zone: str = "UTC"

    @classmethod
    def of(cls, locale: str | None, time_zone: str | None) -> Reader:
        return cls(language(locale), time_zone or "UTC")

    @property
    def zone(self) -> tzinfo:
        return zone_of(self.time_zone)

    @property
    def zone_label(self) -> str:
        return "UTC" if self.zone is UTC else self.time_zone

    def when(self, at: datetime) -> str:
        """``Monday 17 March 2025, 09:00 UTC``, ``lundi 17 mars 2025 à 10:00 Europe/Paris``."""
        local = format_datetime(at, _DATETIME[self.lang], tzinfo=self.zone, locale=self.lang)
        return f"{local} {self.zone_label}"

    def short(self, at: datetime) -> str:
        """``17 Mar 2025, 09:00``, in the reader's time zone (said once, in the header)."""
        return format_datetime(at, _SHORT[self.lang], tzinfo=self.zone, locale=self.lang)

    def day(self, at: datetime) -> str:
        return format_date(at.astimezone(self.zone), "d MMMM y", locale=self.lang)

    def number(self, value: float | None, empty: str = "\u2013") -> str:
        """Two decimals: ``3.25``, ``3,25``."""
        if value is None:
            return empty
        return format_decimal(value, "0.00", locale=self.lang)

    def signed(self, value: float | None, empty: str = "\u2013") -> str:
        if value is None:
            return empty
        return format_decimal(value, "+0.00;-0.00", locale=self.lang)

    def percent(self, value: float | None, empty: str = "\u2013") -> str:
        """``value`` in percent (0..100): ``75%``, ``75 %``."""
        if value is None:
            return empty
        return format_percent(value / 100, locale=self.lang)

    def integer(self, value: float) -> str:
        return format_decimal(value, "#,##0", locale=self.lang)
