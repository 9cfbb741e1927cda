"""Reading a template from YAML text or a mapping, with errors that name the field path
(``stages.2.due: ...``) and a company's framework named by its id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from domain.errors import TemplateError
from domain.framework import DEFAULT_FRAMEWORK, FIVE, Framework
from domain.template import Template


def parse_template(
    source: str | dict[str, Any],
    origin: str = "template",
    frameworks: Mapping[str, Framework] | None = None,
) -> Template:
    """Validate a template from YAML text or a mapping; errors name the field path.

    ``framework: NAME`` names one of ``frameworks`` (the shipped ones and a company's,
    ``gateway.catalogue``), copied into the template so its programmes keep it as it was;
    ``parcours-five``, the default, is left implicit (its keys and scale are the domain's).
    """
    if isinstance(source, str):
        import yaml  # here: reading a programme needs no YAML parser (25 ms at import)

        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            raise TemplateError(f"{origin}: not valid YAML: {exc}") from exc
    else:
        data = source
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}: a template is a mapping with id, version, stages, ...")
    named = data.get("framework")
    if isinstance(named, str):
        data = {**data, "framework": _named_framework(named, frameworks or {}, origin)}
        if named == DEFAULT_FRAMEWORK and not data.get("dimensions"):
            data["dimensions"] = list(FIVE)
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(f"{origin}: {describe_errors(exc)}") from exc


def _named_framework(
    name: str, frameworks: Mapping[str, Framework], origin: str
) -> Framework | None:
    if name == DEFAULT_FRAMEWORK:
        return None
    if name not in frameworks:
        known = ", ".join(sorted({DEFAULT_FRAMEWORK, *frameworks}))
        raise TemplateError(f"{origin}: framework: {name!r} is not a known framework ({known})")
    return frameworks[name]


def describe_errors(exc: ValidationError) -> str:
    """One line per problem: ``stages.2.due: duration 'P1M' uses years or months ...``."""
    lines = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in error["loc"] if not _is_union_tag(part))
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{path or '(root)'}: {message}")
    return "; ".join(dict.fromkeys(lines))


def _is_union_tag(part: object) -> bool:
    return isinstance(part, str) and (
        part.startswith(("function-", "constrained-str")) or part in {"str"}
    )
