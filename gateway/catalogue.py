"""The templates parcours ships, and templates given by path."""

from __future__ import annotations

from pathlib import Path

from domain.errors import TemplateError
from domain.template import Template, parse_template

SHIPPED = Path(__file__).resolve().parents[1] / "templates"


def shipped_ids() -> list[str]:
    return sorted(path.stem for path in SHIPPED.glob("*.yaml"))


def load_file(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_template(text, str(path))


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


def shipped_template(template_id: str) -> Template:
    if template_id not in shipped_ids():
        raise TemplateError(
            f"template {template_id!r} is not a shipped template ({', '.join(shipped_ids())})"
        )
    path = SHIPPED / f"{template_id}.yaml"
    template = load_file(path)
    if template.id != template_id:
        raise TemplateError(f"{path}: id is {template.id!r}, expected {template_id!r}")
    return template


def shipped() -> list[Template]:
    return [shipped_template(template_id) for template_id in shipped_ids()]
