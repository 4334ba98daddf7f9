"""The house rules that a reader cannot see from one file: layers, cycles, the public API.

The layer contract itself lives in ``pyproject.toml`` (``[tool.importlinter]``) and runs
here through import-linter, so ``scripts/test`` fails when a module imports a layer above it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

import agents
from tests.helpers import ROOT

TOP_LEVEL_ALLOWED = 3


def test_layers_import_downwards_only():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" in result.stdout and "0 broken" in result.stdout


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm over every module of the package: each set of two or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(component)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_function_level_imports_included():
    graph = grimp.build_graph("agents", include_external_packages=False)
    # A package's __init__ importing its own modules is not a cycle in the reader's sense.
    for package in [m for m in graph.modules if graph.find_children(m)]:
        for child in graph.find_children(package):
            if graph.direct_import_exists(importer=package, imported=child):
                graph.remove_import(importer=package, imported=child)
    assert strongly_connected(graph) == []


def test_the_package_declares_its_public_api_and_version():
    assert agents.__version__
    for name in agents.__all__:
        assert getattr(agents, name) is not None, name
    assert (ROOT / "agents" / "py.typed").exists()


def test_few_loose_modules_at_the_top_of_the_package():
    loose = [p.name for p in (ROOT / "agents").glob("*.py")]
    assert len(loose) <= TOP_LEVEL_ALLOWED, loose
