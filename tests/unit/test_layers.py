"""The dependency rule, one way only: ``gateway -> bootstrap -> workers -> adapters ->
activities, workflows -> domain``.

Each top-level part of parcours may import only the parts below it (and itself); the
domain imports nothing of ours and nothing of Temporal. ``config`` (the settings) sits
beside the line: read by ``bootstrap`` and the shells in ``gateway``, never by a worker,
an adapter or the code below them. An import against the direction
fails here, naming the module, the line and the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "domain": ("domain",),
    "workflows": ("workflows", "domain"),
    "activities": ("activities", "workflows.messages", "domain"),
    "adapters": ("adapters", "activities", "workflows", "domain"),
    "workers": ("workers", "adapters", "activities", "workflows", "domain"),
    "config": ("config", "adapters", "workflows", "domain"),
    "bootstrap": (
        "bootstrap",
        "config",
        "workers",
        "adapters",
        "activities",
        "workflows",
        "domain",
    ),
    "gateway": (
        "gateway",
        "bootstrap",
        "config",
        "workers",
        "adapters",
        "activities",
        "workflows",
        "domain",
    ),
}
"""What each part may import of ours. Activities know the workflow only by the names in
``workflows.messages``; adapters implement the activities' ports."""
OURS = frozenset(MAY_IMPORT)
NEVER_IN_DOMAIN = ("temporalio", "sqlite3", "httpx", "smtplib", "socket", "structlog")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for part in sorted(OURS):
        folder = ROOT / part
        paths = sorted(folder.rglob("*.py")) if folder.is_dir() else [ROOT / f"{part}.py"]
        found += [(part, path) for path in paths]
    return found


MODULES = _modules()


def violations(part: str, source: str) -> list[str]:
    """Each import in ``source`` (a module of ``part``) against the dependency rule."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            names = [(node.module, node.lineno)]
        else:
            continue
        for name, line in names:
            top = name.split(".")[0]
            if part == "domain" and top in NEVER_IN_DOMAIN:
                found.append(f"line {line}: {name} (the domain does no I/O and knows no Temporal)")
            elif top in OURS and not any(
                name == allowed or name.startswith(f"{allowed}.") for allowed in MAY_IMPORT[part]
            ):
                found.append(
                    f"line {line}: {name} ({part} may import {', '.join(MAY_IMPORT[part])})"
                )
    return found


def test_every_part_is_read_with_its_sub_folders() -> None:
    names = {path.relative_to(ROOT).as_posix() for _, path in MODULES}
    assert {
        "config/__init__.py",
        "bootstrap/__init__.py",
        "adapters/notify/smtp.py",
        "gateway/http/app.py",
        "gateway/cli/shell.py",
        "workers/programme.py",
        "domain/decider/timers.py",
    } <= names


@pytest.mark.parametrize(("part", "path"), MODULES, ids=lambda v: getattr(v, "name", v))
def test_imports_follow_the_dependency_rule(part: str, path: Path) -> None:
    assert violations(part, path.read_text()) == [], path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize(
    ("part", "source"),
    [
        ("domain", "from gateway.client import ProgrammeClient"),
        ("domain", "import temporalio.workflow"),
        ("workflows", "from adapters.payloads import keyring"),
        ("activities", "from workflows.programme import ProgrammeWorkflow"),
        ("adapters", "from config import Settings"),
        ("adapters", "import bootstrap"),
        ("adapters", "from workers.sandbox import sandbox_runner"),
        ("workers", "from config import Settings"),
        ("workers", "import bootstrap"),
        ("config", "from gateway.http import app"),
        ("bootstrap", "def later():\n    from gateway.cli import shell"),
    ],
)
def test_an_import_against_the_direction_is_caught(part: str, source: str) -> None:
    assert len(violations(part, source)) == 1


def test_imports_along_the_direction_pass() -> None:
    assert violations("gateway", "from bootstrap import connect\nimport domain.ids") == []
    assert violations("activities", "from workflows.messages import SEND_NOTIFICATION") == []
    assert violations("adapters", "from activities.notifier import Notifier") == []
    assert (
        violations("workers", "from adapters.observability.metrics import ProgrammeMetrics") == []
    )
    assert violations("bootstrap", "from workers.programme import serve") == []
