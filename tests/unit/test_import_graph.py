"""Import lines between our own modules: no circles anywhere, and the CLI is a client.

``gateway.cli`` and ``gateway.http`` are two shells on one client (``gateway.client``,
whose ``requests`` module is the input contract both build commands from): the CLI
imports nothing of the HTTP side. And no two of our modules import each other, at
whatever depth or place (top level, inside a function, for type checking only): a
circle means two modules that are one, or one that should be given what it imports.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

from tests.unit.test_layers import MODULES, ROOT

Graph = Mapping[str, frozenset[str]]


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


NAMES = frozenset(module_name(path) for _, path in MODULES)


def _ours(name: str, known: frozenset[str]) -> str | None:
    """The module of ours ``name`` is, or is in (``pkg.mod.Thing`` -> ``pkg.mod``)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imported(source: str, known: frozenset[str] = NAMES) -> frozenset[str]:
    """The modules of ours ``source`` imports, wherever the import stands."""
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {_ours(alias.name, known) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            found |= {_ours(f"{node.module}.{alias.name}", known) for alias in node.names}
    found.discard(None)
    return frozenset(name for name in found if name is not None)


def graph_of(sources: Mapping[str, str]) -> dict[str, frozenset[str]]:
    known = frozenset(sources)
    return {name: imported(text, known) - {name} for name, text in sources.items()}


def circles(graph: Graph) -> list[list[str]]:
    """Each set of modules that import each other, round a circle (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def crossings(graph: Graph, source: str, target: str) -> list[str]:
    """``module -> imported`` for each import from ``source`` (a package) into ``target``."""
    return sorted(
        f"{name} -> {other}"
        for name, others in graph.items()
        if name == source or name.startswith(f"{source}.")
        for other in others
        if other == target or other.startswith(f"{target}.")
    )


GRAPH = graph_of({module_name(path): path.read_text() for _, path in MODULES})


def test_no_two_modules_of_ours_import_each_other() -> None:
    assert circles(GRAPH) == []


def test_the_cli_imports_nothing_of_the_http_api() -> None:
    assert crossings(GRAPH, "gateway.cli", "gateway.http") == []


def test_the_request_bodies_are_the_clients() -> None:
    assert "gateway.client.requests" in GRAPH["gateway.http.programmes"]
    assert "gateway.client.requests" in GRAPH["gateway.cli.commands"]


def test_a_circle_is_found_however_it_is_imported() -> None:
    sources = {
        "gateway.client.erasure": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from gateway.client.programmes import ProgrammeClient\n"
        ),
        "gateway.client.programmes": "from gateway.client import erasure\n",
        "gateway.client.errors": "",
    }
    assert circles(graph_of(sources)) == [["gateway.client.erasure", "gateway.client.programmes"]]
    longer = {"a": "import b", "b": "def f():\n    from c import x", "c": "import a.thing"}
    assert circles(graph_of(longer)) == [["a", "b", "c"]]


def test_a_cli_import_of_the_http_side_is_found() -> None:
    sources = {
        "gateway.cli.people": "def person():\n    from gateway.http.requests import PersonRequest",
        "gateway.http.requests": "",
    }
    assert crossings(graph_of(sources), "gateway.cli", "gateway.http") == [
        "gateway.cli.people -> gateway.http.requests"
    ]
