"""Competency frameworks: the dimensions a programme works on, and the scale they are rated on.

A framework belongs to the company (METHOD.md, "Competency frameworks belong to the
company"): its own dimension keys (2 to 12), each with a label and a description in every
language it declares, optional behavioural anchors per level and optional items (questions)
per dimension, and its own rating scale (3 to 10 points, a label per point if it wants).

The method's five dimensions are the default framework, ``parcours-five``: a template that
only lists ``dimensions:`` works on it, and so do the templates recorded before frameworks
existed (their snapshots carry no framework). Its texts ship as ``frameworks/parcours-five.yaml``;
the domain needs only its keys and its 1..5 scale, which are here.

Texts in several languages are kept as ``(language, text)`` pairs, not dicts: a template
is a frozen value its programmes share by hash (``domain.template.shared``). They read and
write as mappings (``{en: Vision, fr: Vision}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

DimensionKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
"""A dimension's key, as events and commands carry it (``strengths``, ``vision``)."""
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
"""A language a framework or template is written in: ISO 639-1 (``en``, ``fr``, ``de``)."""

DEFAULT_FRAMEWORK = "parcours-five"
"""The method's five dimensions, the framework of templates that name none."""
FIVE: tuple[str, ...] = ("strengths", "talents", "areas_to_develop", "motivation", "adaptability")
"""The default framework's keys, in the method's order."""
FIVE_LANGUAGES: tuple[str, ...] = ("en", "fr", "de")
"""The languages the default framework's texts ship in (``frameworks/parcours-five.yaml``)."""

MIN_DIMENSIONS, MAX_DIMENSIONS = 2, 12
MIN_POINTS, MAX_POINTS = 3, 10
LOWEST, HIGHEST = 0, 10
"""Bounds of any scale: a score is an integer in ``LOWEST..HIGHEST``; the programme's own
scale narrows it (``Scale.check``)."""
MAX_LANGUAGES = 8
MAX_LABEL = 80
"""Characters of a label (a dimension's, a scale point's)."""
MAX_TITLE = 200
"""Characters of a template's or a stage's title."""
MAX_DESCRIPTION = 1000
"""Characters of a description, an anchor or an item."""
MAX_ITEMS = 10
"""Items (questions) per dimension."""


def _pairs(value: Any) -> Any:
    """``{en: A, fr: B}`` as ``(("en", "A"), ("fr", "B"))``; a plain string stays a string
    for the owner to place in its first language (``localise``)."""
    if isinstance(value, Mapping):
        return tuple((str(k), v) for k, v in value.items())
    return value


Texts = Annotated[
    tuple[tuple[Language, str], ...],
    BeforeValidator(_pairs),
    PlainSerializer(lambda pairs: dict(pairs), return_type=dict[str, str]),
    WithJsonSchema({"type": "object", "additionalProperties": {"type": "string"}}),
]
"""A text in several languages: ``{en: ..., fr: ...}``."""


def localise(value: Any, languages: Iterable[str]) -> Any:
    """A plain string given where a text in several languages is expected stands for the
    first language declared (a single-language template writes ``title: Six months``)."""
    if isinstance(value, str):
        first = next(iter(languages), "en")
        return ((first, value),)
    return value


def text_in(texts: Iterable[tuple[str, str]], language: str) -> str:
    """``texts`` in ``language``, falling back to the first language given ('' if none)."""
    pairs = tuple(texts)
    for lang, text in pairs:
        if lang == language:
            return text
    return pairs[0][1] if pairs else ""


def complete(texts: Iterable[tuple[str, str]], languages: tuple[str, ...], where: str) -> None:
    """Every declared language has a non-empty text, and no other language is given."""
    given = [lang for lang, _ in texts]
    if len(set(given)) != len(given):
        raise ValueError(f"{where}: a language is given twice")
    missing = [lang for lang in languages if lang not in given]
    if missing:
        raise ValueError(
            f"{where}: missing the {', '.join(missing)} text (languages: {', '.join(languages)})"
        )
    extra = [lang for lang in given if lang not in languages]
    if extra:
        raise ValueError(
            f"{where}: {', '.join(extra)} is not a declared language ({', '.join(languages)})"
        )
    empty = [lang for lang, text in texts if not text.strip()]
    if empty:
        raise ValueError(f"{where}: the {', '.join(empty)} text is empty")


def longest(texts: Iterable[tuple[str, str]], limit: int, where: str) -> None:
    for lang, text in texts:
        if len(text) > limit:
            raise ValueError(
                f"{where}: the {lang} text has {len(text)} characters, at most {limit}"
            )


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Data):
    """A rating scale: integers ``min..max``, 3 to 10 points, optionally a label per point."""

    min: int = Field(default=1, ge=LOWEST, le=HIGHEST)
    max: int = Field(default=5, ge=LOWEST, le=HIGHEST)
    labels: tuple[Texts, ...] = ()
    """One label per point, lowest first, in every language of the framework (or none)."""

    @model_validator(mode="after")
    def _points(self) -> Self:
        if not MIN_POINTS <= self.points <= MAX_POINTS:
            raise ValueError(
                f"scale: {self.min}..{self.max} has {self.points} points; a scale has "
                f"{MIN_POINTS} to {MAX_POINTS} points (min < max, within {LOWEST}..{HIGHEST})"
            )
        if self.labels and len(self.labels) != self.points:
            raise ValueError(
                f"scale.labels: {len(self.labels)} labels for {self.points} points "
                f"({self.min}..{self.max}); give one per point"
            )
        return self

    @property
    def points(self) -> int:
        return self.max - self.min + 1

    @property
    def span(self) -> str:
        return f"{self.min}..{self.max}"

    def check(self, dimension: str, score: int) -> None:
        """A score on this scale, or ValueError naming the dimension and the scale."""
        if not self.min <= score <= self.max:
            raise ValueError(
                f"score for {dimension!r} must be {self.span} (the programme's scale), got {score}"
            )

    def label(self, score: int, language: str) -> str:
        """The point's label in ``language``, or the score itself when the scale has none."""
        if self.labels and self.min <= score <= self.max:
            return text_in(self.labels[score - self.min], language)
        return str(score)


DEFAULT_SCALE = Scale()
"""1..5: the method's scale, and every programme's before frameworks."""


class Anchor(_Data):
    """What a level looks like in behaviour ("shares a direction the team can repeat")."""

    level: int = Field(ge=LOWEST, le=HIGHEST)
    text: Texts


class DimensionSpec(_Data):
    """One dimension of a framework."""

    key: DimensionKey
    label: Texts
    description: Texts = ()
    anchors: tuple[Anchor, ...] = ()
    items: tuple[Texts, ...] = Field(default=(), max_length=MAX_ITEMS)

    @model_validator(mode="before")
    @classmethod
    def _anchors_by_level(cls, data: Any) -> Any:
        """``anchors: {1: {en: ...}, 2: ...}`` reads as a list of ``{level, text}``."""
        if isinstance(data, Mapping) and isinstance(data.get("anchors"), Mapping):
            data = dict(data)
            data["anchors"] = [
                {"level": level, "text": text} for level, text in data["anchors"].items()
            ]
        return data


class Framework(_Data):
    """A company's competency framework, or the method's five."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
    languages: tuple[Language, ...] = Field(default=("en",), min_length=1, max_length=MAX_LANGUAGES)
    title: Texts = ()
    scale: Scale = DEFAULT_SCALE
    dimensions: tuple[DimensionSpec, ...] = Field(
        min_length=MIN_DIMENSIONS, max_length=MAX_DIMENSIONS
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_strings(cls, data: Any) -> Any:
        """Plain strings stand for the first declared language, at every depth."""
        if not isinstance(data, Mapping):
            return data
        languages = data.get("languages") or ("en",)
        if isinstance(languages, str):
            return data
        data = dict(data)
        if "title" in data:
            data["title"] = localise(data["title"], languages)
        if isinstance(data.get("scale"), Mapping) and "labels" in data["scale"]:
            scale = dict(data["scale"])
            labels = scale["labels"]
            if isinstance(labels, list | tuple):
                scale["labels"] = [localise(label, languages) for label in labels]
            data["scale"] = scale
        dims = data.get("dimensions")
        if isinstance(dims, list | tuple):
            data["dimensions"] = [_localise_dimension(d, languages) for d in dims]
        return data

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages: a language is declared twice")
        keys = [d.key for d in self.dimensions]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"dimensions: keys must be unique, repeated: {', '.join(repeated)}")
        langs = self.languages
        if self.title:
            complete(self.title, langs, "title")
            longest(self.title, MAX_LABEL, "title")
        for n, label in enumerate(self.scale.labels):
            where = f"scale.labels.{n} (point {self.scale.min + n})"
            complete(label, langs, where)
            longest(label, MAX_LABEL, where)
        for d in self.dimensions:
            complete(d.label, langs, f"dimensions.{d.key}.label")
            longest(d.label, MAX_LABEL, f"dimensions.{d.key}.label")
            if d.description:
                complete(d.description, langs, f"dimensions.{d.key}.description")
                longest(d.description, MAX_DESCRIPTION, f"dimensions.{d.key}.description")
            levels = [a.level for a in d.anchors]
            if len(set(levels)) != len(levels):
                raise ValueError(f"dimensions.{d.key}.anchors: a level is described twice")
            for anchor in d.anchors:
                where = f"dimensions.{d.key}.anchors.{anchor.level}"
                if not self.scale.min <= anchor.level <= self.scale.max:
                    raise ValueError(
                        f"{where}: level {anchor.level} is not on the scale {self.scale.span}"
                    )
                complete(anchor.text, langs, where)
                longest(anchor.text, MAX_DESCRIPTION, where)
            for n, item in enumerate(d.items):
                complete(item, langs, f"dimensions.{d.key}.items.{n}")
                longest(item, MAX_DESCRIPTION, f"dimensions.{d.key}.items.{n}")
        return self

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    def dimension(self, key: str) -> DimensionSpec | None:
        return next((d for d in self.dimensions if d.key == key), None)


def _localise_dimension(data: Any, languages: Iterable[str]) -> Any:
    if not isinstance(data, Mapping):
        return data
    data = dict(data)
    langs = tuple(languages)
    for name in ("label", "description"):
        if name in data:
            data[name] = localise(data[name], langs)
    if isinstance(data.get("items"), list | tuple):
        data["items"] = [localise(item, langs) for item in data["items"]]
    anchors = data.get("anchors")
    if isinstance(anchors, Mapping):
        data["anchors"] = {level: localise(text, langs) for level, text in anchors.items()}
    elif isinstance(anchors, list | tuple):
        data["anchors"] = [
            {**a, "text": localise(a.get("text"), langs)} if isinstance(a, Mapping) else a
            for a in anchors
        ]
    return data
