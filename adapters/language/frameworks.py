"""Competency frameworks as files, and their words in the reader's language.

A framework is a YAML file (``domain.framework.Framework``): the shipped ones live in the
top-level ``frameworks/`` folder (``parcours-five``, the method's five, is the default),
and a company adds its own as a file in its templates folder's ``frameworks/``, no code.
A template names one (``framework: acme-leadership``) or writes its own inline; either
way the programme keeps a copy in its template snapshot, so its labels read as launched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from domain.errors import TemplateError
from domain.framework import DEFAULT_FRAMEWORK, Framework, text_in
from domain.template import Template
from domain.template_parsing import describe_errors

SHIPPED = Path(__file__).resolve().parents[2] / "frameworks"
MAX_FILE = 256 * 1024
"""Bytes of a framework file: twelve dimensions in eight languages fit many times over."""


def load_framework(path: Path) -> Framework:
    """One framework file, validated; errors name the file, the field and the rule."""
    import yaml  # only when a file is read
    from pydantic import ValidationError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read: {exc.strerror}") from exc
    if len(raw) > MAX_FILE:
        raise TemplateError(f"{path}: {len(raw)} bytes, a framework file has at most {MAX_FILE}")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: a framework is a mapping with id, languages, dimensions")
    try:
        found = Framework.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(f"{path}: {describe_errors(exc)}") from exc
    if found.id != path.stem:
        raise TemplateError(f"{path}: id is {found.id!r}, expected {path.stem!r} (the file name)")
    return found


def frameworks_in(folder: Path) -> dict[str, Framework]:
    """Every framework file (``*.yaml``) in ``folder``, by id; none if it does not exist."""
    if not folder.is_dir():
        return {}
    return {path.stem: load_framework(path) for path in sorted(folder.glob("*.yaml"))}


@cache
def shipped_frameworks() -> dict[str, Framework]:
    return frameworks_in(SHIPPED)


def default_framework() -> Framework:
    """The method's five, with their labels and descriptions in en, fr and de."""
    return shipped_frameworks()[DEFAULT_FRAMEWORK]


def framework_of(template: Template | None) -> Framework:
    """The framework a programme works on: its template's, or the method's five."""
    if template is None or template.framework is None:
        return default_framework()
    return template.framework


def dimension_label(framework: Framework, key: str, lang: str) -> str:
    """A dimension's label in ``lang`` (else the framework's first language); a key the
    framework does not know (never expected) reads as words, not as a key."""
    spec = framework.dimension(key)
    if spec is None:
        return key.replace("_", " ").capitalize()
    return text_in(spec.label, lang)
