"""A programme's calendar in its reader's words: summaries and descriptions of its
entries (``domain.calendar``) in the programme's language, titles from its template.

The domain's entries carry keys (a stage's, an evaluation's kind, a status); here they
become the template's stage titles and the catalogue's words, so no key reaches a person.
Used by the iCalendar feed (HTTP and CLI) through ``domain.calendar.ics``'s ``words``.
"""

from __future__ import annotations

from collections.abc import Iterable

from adapters.language.catalogue import text
from adapters.language.zones import language
from domain.calendar import Entry, Kind
from domain.events import Event, ProgrammeLaunched
from domain.template import EvaluationKind, Template


class CalendarWords:
    """How one programme's calendar reads in ``lang`` (its locale by default)."""

    def __init__(self, template: Template, locale: str) -> None:
        self.template = template
        self.lang = language(locale)
        self.titles = template.language_for(locale)

    @classmethod
    def of(cls, events: Iterable[Event]) -> CalendarWords | None:
        """The programme's words, from its launch; None for a log without one."""
        for event in events:
            if isinstance(event, ProgrammeLaunched):
                return cls(event.template, event.employee.locale)
        return None

    def stage(self, key: str | None) -> str:
        keys = [s.key for s in self.template.stages]
        if key is None or key not in keys:
            return text(self.lang, "calendar.follow_up")
        return self.template.stage(key).title_in(self.titles)

    def _kind(self, entry: Entry) -> str:
        keys = [s.key for s in self.template.stages]
        if entry.stage is None:
            follow_up = self.template.follow_up
            kind = follow_up.evaluation if follow_up else EvaluationKind.follow_up
        elif entry.stage in keys:
            kind = self.template.stage(entry.stage).evaluation or EvaluationKind.closing
        else:
            kind = EvaluationKind.closing
        return text(self.lang, f"kind.{kind.value}")

    def summary(self, entry: Entry) -> str:
        stage = self.stage(entry.stage)
        if entry.kind is Kind.session:
            number = entry.uid.rsplit(":", 1)[-1]
            return text(self.lang, "calendar.session", number=number, stage=stage)
        if entry.kind is Kind.deadline:
            return text(self.lang, "calendar.deadline", stage=stage)
        return text(self.lang, "calendar.evaluation", kind=self._kind(entry), stage=stage)

    def describe(self, entry: Entry) -> str:
        key = f"calendar.status.{entry.status}"
        status = text(self.lang, key) if key in _known(self.lang) else entry.status
        return text(self.lang, "calendar.description", status=status, stage=self.stage(entry.stage))


def _known(lang: str) -> set[str]:
    from adapters.language.catalogue import CATALOGUES

    return set(CATALOGUES[lang])
