"""Programme templates: versioned data that says which stages a programme follows.

A running programme keeps the exact template it was launched with (a snapshot
in its launch), so editing a template file never changes running programmes.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from domain.durations import Duration, PositiveDuration, distinct_offsets
from domain.framework import (
    DEFAULT_FRAMEWORK,
    DEFAULT_SCALE,
    FIVE,
    FIVE_LANGUAGES,
    MAX_DESCRIPTION,
    MAX_LANGUAGES,
    MAX_TITLE,
    DimensionKey,
    Framework,
    Language,
    Scale,
    Texts,
    complete,
    localise,
    longest,
    text_in,
)
from domain.ids import TemplateId
from domain.session_plan import SessionPlan


class Dimension(StrEnum):
    """The method's five dimensions: the keys of the default framework (``parcours-five``).

    Programmes carry dimension keys as plain strings (``domain.framework.DimensionKey``), so
    a company's framework needs no code; these stay the names of the default's keys."""

    strengths = "strengths"
    talents = "talents"
    areas_to_develop = "areas_to_develop"
    motivation = "motivation"
    adaptability = "adaptability"


class Role(StrEnum):
    """Who takes part in a programme: gives feedback, is reminded, is escalated to."""

    employee = "employee"
    coach = "coach"
    manager = "manager"
    peer = "peer"
    direct_report = "direct_report"
    sponsor = "sponsor"
    hr = "hr"


class EvaluationKind(StrEnum):
    baseline = "baseline"
    midpoint = "midpoint"
    final = "final"
    closing = "closing"
    follow_up = "follow_up"


Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]

DEFAULT_SCORE_TOLERANCE = 0.25
"""How far an overall score may move against the baseline and still count as steady."""


DEFAULT_MINIMUMS: dict[Role, int] = {Role.peer: 3, Role.direct_report: 3}
"""Raters of a role who must answer before its scores are shown; 1 for the roles not named."""
MAX_MINIMUM = 10
"""A minimum above the raters a stage takes (``domain.rules.MAX_RATERS_PER_STAGE``) would
withhold a role for ever."""


def minimum_default(role: Role) -> int:
    return DEFAULT_MINIMUMS.get(role, 1)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Minimums(_Data):
    """Raised confidentiality minimums, by role (a template says only those it raises)."""

    employee: int | None = None
    coach: int | None = None
    manager: int | None = None
    peer: int | None = None
    direct_report: int | None = None
    sponsor: int | None = None
    hr: int | None = None

    def raised(self) -> dict[Role, int]:
        return {role: n for role in Role if (n := getattr(self, role.value)) is not None}

    @field_validator("*")
    @classmethod
    def _raised_not_lowered(cls, least: int | None, info: ValidationInfo) -> int | None:
        """Never below the default (3 for peers and direct reports): refused at load,
        the field named (``minimums.peer``)."""
        role = Role(str(info.field_name))
        if least is not None and not minimum_default(role) <= least <= MAX_MINIMUM:
            raise ValueError(
                f"must be {minimum_default(role)}..{MAX_MINIMUM} "
                f"(a template may raise the default, not lower it), got {least}"
            )
        return least


class FeedbackGate(_Data):
    """``quorum`` of the named roles gave feedback on every dimension during the stage."""

    roles: tuple[Role, ...] = Field(min_length=1)
    quorum: int = Field(ge=1)

    @model_validator(mode="after")
    def _quorum_within_roles(self) -> Self:
        if len(set(self.roles)) != len(self.roles):
            raise ValueError("roles must not repeat")
        if self.quorum > len(self.roles):
            raise ValueError(f"quorum {self.quorum} is more than the {len(self.roles)} roles named")
        return self


class Gate(_Data):
    """What must be true before a stage completes. Every condition given must hold."""

    objectives_agreed: bool = False
    feedback: FeedbackGate | None = None
    sessions_held: int | None = Field(default=None, ge=1)
    progress_recorded: bool = False


class EscalationStep(_Data):
    after: Duration
    to: Role


class Stage(_Data):
    key: Key
    title: Texts = ()
    """What a person reads for the stage, in each of the template's languages (a plain
    string: its first language). None: the key in words, for one-language templates."""
    due: PositiveDuration | None = None
    gate: Gate = Gate()
    remind_before_due: tuple[PositiveDuration, ...] = ()
    escalate_after_due: tuple[EscalationStep, ...] = ()
    sessions: SessionPlan | None = None
    evaluation: EvaluationKind | None = None
    opens_before: PositiveDuration | None = None
    """Rules 5: how long before it is planned to open a feedback stage takes answers
    named for it (``domain.windows``); None: 14 days."""

    @model_validator(mode="before")
    @classmethod
    def _plain_title(cls, data: Any) -> Any:
        """A stage built on its own reads a plain title as English; in a template, its
        title was placed in the template's first language already (``Template``)."""
        if isinstance(data, dict) and isinstance(data.get("title"), str):
            return {**data, "title": localise(data["title"], ("en",)) if data["title"] else ()}
        return data

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.gate.sessions_held is not None:
            if self.sessions is None:
                raise ValueError("gate.sessions_held needs a sessions calendar in this stage")
            if self.gate.sessions_held > self.sessions.count:
                raise ValueError(
                    f"gate.sessions_held {self.gate.sessions_held} is more than "
                    f"the {self.sessions.count} sessions planned"
                )
        distinct_offsets(self.remind_before_due, "remind_before_due")
        if self.allowed is None and (self.remind_before_due or self.escalate_after_due):
            raise ValueError("remind_before_due and escalate_after_due need a due")
        if self.allowed is not None:
            for offset in self.remind_before_due:
                if offset >= self.allowed:
                    raise ValueError("each remind_before_due must be shorter than due")
        afters = [step.after for step in self.escalate_after_due]
        if afters != sorted(afters):
            raise ValueError("escalate_after_due steps must be in order of after")
        return self

    @property
    def allowed(self) -> timedelta | None:
        """Time allowed from stage entry. A calendar's default is one period past its last
        session, so the last session has a period to be recorded."""
        if self.due is not None:
            return self.due
        if self.sessions is not None:
            return self.sessions.every * (self.sessions.count + 1)
        return None

    @property
    def display(self) -> str:
        """The title in the template's first language (ops' tools, the CLI)."""
        return self.title_in("")

    def title_in(self, language: str) -> str:
        """The title in ``language``, else the first one given, else the key in words."""
        return text_in(self.title, language) or self.key.replace("_", " ").capitalize()

    @property
    def takes_feedback(self) -> bool:
        """Whether answers are given in this stage: it has a feedback gate or an evaluation."""
        return self.gate.feedback is not None or self.evaluation is not None


class FollowUp(_Data):
    after: PositiveDuration
    evaluation: EvaluationKind = EvaluationKind.follow_up


class ExpectationsPlan(_Data):
    """Whose expectations of the programme are recorded and rated (``domain.expectations``):
    the sponsor's (the organisation that asked for it) or the employee's."""

    by: Role = Role.sponsor

    @model_validator(mode="after")
    def _a_client(self) -> Self:
        if self.by not in (Role.sponsor, Role.employee):
            raise ValueError(f"by: must be sponsor or employee, got {self.by}")
        return self


class Template(_Data):
    id: TemplateId
    version: int = Field(ge=1)
    languages: tuple[Language, ...] = Field(default=("en",), min_length=1, max_length=MAX_LANGUAGES)
    """The languages the template is written in, the first the one it falls back to; the
    default, English, is what templates from before languages were written in."""
    title: Texts = Field(min_length=1)
    """In each language (a plain string: the first language)."""
    description: Texts = ()
    framework: Framework | None = None
    """The competency framework: a company's, inline (a name is resolved when the template
    is loaded, ``parse_template``), or None for the method's five (``parcours-five``), as
    in every template from before frameworks."""
    dimensions: tuple[DimensionKey, ...] = Field(min_length=1)
    """The framework's dimensions this programme assesses: all of a framework's when the
    template names one and lists none."""
    max_duration: PositiveDuration
    stages: tuple[Stage, ...] = Field(min_length=1)
    follow_up: FollowUp | None = None
    score_tolerance: float = Field(default=DEFAULT_SCORE_TOLERANCE, ge=0, lt=1)
    """A change of the overall score against the baseline counts as up or down only
    beyond this (bounds included: a change of exactly the tolerance is steady)."""
    minimums: Minimums = Field(default_factory=lambda: Minimums())
    """Confidentiality: how many raters of a role must answer before that role's scores
    are shown to the employee and the platform. A template may raise the defaults
    (``DEFAULT_MINIMUMS``: peers and direct reports 3, every other role 1), never lower
    them; see ``domain.confidentiality``."""
    expectations: ExpectationsPlan = Field(default_factory=lambda: ExpectationsPlan())
    """Whose expectations are recorded: the sponsor's unless the template says the
    employee's (templates from before it say nothing: the sponsor's)."""

    @model_validator(mode="before")
    @classmethod
    def _plain_texts(cls, data: Any) -> Any:
        """Plain strings (every template before languages) are in the first language."""
        if not isinstance(data, dict):
            return data
        languages = data.get("languages") or ("en",)
        if isinstance(languages, str):
            return data
        data = dict(data)
        for name in ("title", "description"):
            if name in data:
                data[name] = localise(data[name], languages) if data[name] else ()
        stages = data.get("stages")
        if isinstance(stages, list | tuple):
            data["stages"] = [
                {**st, "title": localise(st["title"], languages) if st["title"] else ()}
                if isinstance(st, dict) and isinstance(st.get("title"), str)
                else st
                for st in stages
            ]
        return data

    @model_validator(mode="before")
    @classmethod
    def _framework_dimensions(cls, data: Any) -> Any:
        """A template on a framework assesses all its dimensions unless it lists some."""
        if not isinstance(data, dict) or data.get("dimensions"):
            return data
        framework = data.get("framework")
        keys: list[str] = []
        if isinstance(framework, Framework):
            keys = list(framework.keys)
        elif isinstance(framework, dict) and isinstance(framework.get("dimensions"), list):
            keys = [str(d.get("key")) for d in framework["dimensions"] if isinstance(d, dict)]
        return {**data, "dimensions": keys} if keys else data

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if len(set(self.dimensions)) != len(self.dimensions):
            raise ValueError("dimensions must not repeat")
        self._check_languages()
        known = self.framework.keys if self.framework is not None else FIVE
        unknown = [d for d in self.dimensions if d not in known]
        if unknown:
            raise ValueError(
                f"dimensions: {', '.join(unknown)} not in the framework {self.framework_id} "
                f"({', '.join(known)})"
            )
        keys = [stage.key for stage in self.stages]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"stage keys must be unique, repeated: {', '.join(repeated)}")
        return self

    def _check_languages(self) -> None:
        langs = self.languages
        if len(set(langs)) != len(langs):
            raise ValueError("languages: a language is declared twice")
        complete(self.title, langs, "title")
        longest(self.title, MAX_TITLE, "title")
        if self.description:
            complete(self.description, langs, "description")
            longest(self.description, MAX_DESCRIPTION, "description")
        for n, stage in enumerate(self.stages):
            where = f"stages.{n}.title ({stage.key})"
            if stage.title:
                complete(stage.title, langs, where)
                longest(stage.title, MAX_TITLE, where)
            elif len(langs) > 1:
                raise ValueError(
                    f"{where}: a template in {', '.join(langs)} gives each stage a title in "
                    "each, so no reader sees its key"
                )
        offered = self.framework.languages if self.framework is not None else FIVE_LANGUAGES
        missing = [lang for lang in langs if lang not in offered]
        if missing:
            raise ValueError(
                f"framework: {self.framework_id} has no {', '.join(missing)} labels "
                f"(it is written in {', '.join(offered)}; the template in {', '.join(langs)})"
            )

    def language_for(self, locale: str) -> str:
        """The language a reader of ``locale`` (``fr``, ``fr-CA``) reads the template in:
        theirs if the template is written in it, else its first."""
        lang = locale[:2].lower()
        return lang if lang in self.languages else self.languages[0]

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def description_in(self, language: str) -> str:
        return text_in(self.description, language)

    @property
    def framework_id(self) -> str:
        return self.framework.id if self.framework is not None else DEFAULT_FRAMEWORK

    @property
    def scale(self) -> Scale:
        """The scale scores are given on: the framework's, or the method's 1..5."""
        return self.framework.scale if self.framework is not None else DEFAULT_SCALE

    @property
    def feedback_stages(self) -> tuple[str, ...]:
        """The keys of the stages that take feedback, in order."""
        return tuple(stage.key for stage in self.stages if stage.takes_feedback)

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)


_SHARED: dict[Template, Template] = {}
_SHARED_MAX = 256
_KEPT: set[int] = set()
"""The ids of the instances in ``_SHARED``: each lives as long as the process, so its id
names it alone."""


def shared(template: Template) -> Template:
    """The one instance of the templates equal to ``template``, for programmes to share.

    Every launch carries a snapshot of its template, so a worker hosting a cohort
    held one parsed copy per programme. Templates are frozen values compared by
    content, so programmes on equal templates can share one object: a programme
    still keeps exactly the template it was launched with. At most
    ``_SHARED_MAX`` distinct templates are kept; past that one is not shared.
    """
    if id(template) in _KEPT:
        return template
    found = _SHARED.get(template)
    if found is not None:
        return found
    if len(_SHARED) < _SHARED_MAX:
        kept = _SHARED.setdefault(template, template)
        _KEPT.add(id(kept))
        return kept
    return template


def _validated_once(value: Any, validate: ValidatorFunctionWrapHandler) -> Template:
    """A shared instance as it is; anything else validated, then shared. An instance is
    shared only once validated, and is frozen, so validating it again (every launch of
    a cohort, every launch event) would only repeat a check it passed."""
    if isinstance(value, Template) and id(value) in _KEPT:
        return value
    return shared(validate(value))


SharedTemplate = Annotated[Template, WrapValidator(_validated_once)]
"""A template field whose equal values share one instance (launches, launch events)."""
