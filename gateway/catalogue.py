"""The templates parcours ships, a company's (``PARCOURS_TEMPLATES_DIR``), and templates
given by path.

A template names a framework by id (``framework: acme-leadership``): one of the shipped
ones (``frameworks/``) or a company's, a file in a ``frameworks/`` folder beside the
template (``<templates>/frameworks/acme-leadership.yaml``)."""

from __future__ import annotations

from pathlib import Path

from adapters.language.frameworks import frameworks_in, shipped_frameworks
from domain.errors import TemplateError
from domain.template import Template
from domain.template_parsing import parse_template

SHIPPED = Path(__file__).resolve().parents[1] / "templates"


def shipped_ids(company: Path | None = None) -> list[str]:
    """The shipped templates' ids, and the company's (a company's may not reuse one)."""
    found = {path.stem for path in SHIPPED.glob("*.yaml")}
    if company is not None and company.is_dir():
        found |= {path.stem for path in company.glob("*.yaml")}
    return sorted(found)


def load_file(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read: {exc.strerror}") from exc
    frameworks = {**shipped_frameworks(), **frameworks_in(path.parent / "frameworks")}
    return parse_template(text, str(path), frameworks)


def resolve(reference: str) -> Template:
    """A shipped template by id (``id@version`` checks its version), or a template file
    by path (the CLI's --template, migrate's --to)."""
    candidate = Path(reference)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return load_file(candidate)
    template_id, at, version = reference.partition("@")
    template = shipped_template(template_id)
    if at and version != str(template.version):
        raise TemplateError(
            f"template {template_id!r} is shipped at version {template.version}, not {version!r}"
            " (give a template file for another version)"
        )
    return template


def shipped_template(template_id: str, company: Path | None = None) -> Template:
    """A shipped template by id, or one of the company's templates folder (``company``)."""
    known = shipped_ids(company)
    if template_id not in known:
        raise TemplateError(
            f"template {template_id!r} is not a shipped template ({', '.join(known)})"
        )
    path = SHIPPED / f"{template_id}.yaml"
    if not path.exists() and company is not None:
        path = company / f"{template_id}.yaml"
    template = load_file(path)
    if template.id != template_id:
        raise TemplateError(f"{path}: id is {template.id!r}, expected {template_id!r}")
    return template


def shipped() -> list[Template]:
    return [shipped_template(template_id) for template_id in shipped_ids()]
