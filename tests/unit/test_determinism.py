"""Workflow and domain code stays deterministic: a static check standing in for the sandbox's.

The worker passes ``domain`` and ``workflows`` through Temporal's sandbox
(``workers.sandbox.PASSED_THROUGH``): loading the workflow module once instead of
once per programme halves the worker's memory per cached programme (see
bench/README.md). The sandbox's run-time restrictions (no wall clock, no
randomness, no I/O) then no longer reach that code, so this test reads it instead:
it may import only what is listed here, and call no clock, random or file function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CHECKED = sorted((ROOT / "domain").rglob("*.py")) + sorted((ROOT / "workflows").rglob("*.py"))
ALLOWED_IMPORTS = {
    "__future__",
    "asyncio",
    "collections",
    "collections.abc",
    "contextlib",
    "datetime",
    "enum",
    "fractions",
    "functools",
    "math",
    "pydantic",
    "re",
    "statistics",
    "typing",
    "yaml",
    "zoneinfo",
    "temporalio",
    "temporalio.common",
    "temporalio.exceptions",
}
"""Modules with nothing nondeterministic in what parcours uses of them; plus its own.
``zoneinfo`` reads the time-zone database, data that changes only with a deploy: sessions
are appointments in people's time (``domain.appointments``). ``functools`` caches pure
functions (``domain.durations.format_duration``)."""
OWN = ("domain", "workflows")
FORBIDDEN_CALLS = {
    "now",
    "utcnow",
    "today",
    "time",
    "monotonic",
    "perf_counter",
    "uuid1",
    "uuid4",
    "random",
    "randint",
    "choice",
    "shuffle",
    "getenv",
    "open",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "run_in_executor",
    "to_thread",
}
"""Names of calls that read the clock, draw randomness or do I/O. Workflow code uses
``workflow.now()``, ``workflow.random()`` and ``workflow.uuid4()`` instead: calls
on ``workflow`` are Temporal's deterministic versions and are allowed."""


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.add(node.module)
    return found


def _forbidden_calls(tree: ast.Module) -> list[str]:
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in FORBIDDEN_CALLS:
            calls.append(f"line {node.lineno}: {function.id}()")
        elif isinstance(function, ast.Attribute) and function.attr in FORBIDDEN_CALLS:
            owner = function.value
            if isinstance(owner, ast.Name) and owner.id == "workflow":
                continue
            calls.append(f"line {node.lineno}: .{function.attr}()")
    return calls


def test_every_module_of_domain_and_workflows_is_checked() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in CHECKED}
    assert {"domain/decider/timers.py", "workflows/programme.py"} <= names


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_only_what_is_deterministic(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    unknown = {
        name
        for name in _imports(tree)
        if name not in ALLOWED_IMPORTS and name.split(".")[0] not in OWN
    }
    assert not unknown, f"{path.name} imports {sorted(unknown)}: not known to be deterministic"


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_calls_no_clock_randomness_or_io(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    assert _forbidden_calls(tree) == [], path.name


def test_the_check_catches_a_wall_clock_and_an_import() -> None:
    tree = ast.parse("import time\nfrom datetime import datetime\nx = datetime.now()\nopen('f')")
    assert _forbidden_calls(tree) == ["line 3: .now()", "line 4: open()"]
    assert "time" in _imports(tree) - ALLOWED_IMPORTS
