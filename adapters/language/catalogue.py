"""Every message key, in each language parcours writes."""

from __future__ import annotations

from adapters.language import de, en, fr
from adapters.language.zones import language

CATALOGUES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "fr": fr.MESSAGES, "de": de.MESSAGES}
"""Per language: every message key and its template."""


def text(lang: str, key: str, /, **fields: object) -> str:
    """The message ``key`` in ``lang`` (any locale: ``language`` picks French or English),
    filled with ``fields``."""
    return CATALOGUES[language(lang)][key].format(**fields)
