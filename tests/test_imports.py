"""The import graph: no cycle (function-level imports included), no arrow up the layers, and a
function-level import only with a comment on its line saying why (an optional dependency, start-up cost).

Layers, top to bottom: ``app.py`` → ``app_pages`` → ``viz`` / ``settings`` / ``lessons`` → ``optim`` /
``landscapes``. ``bench`` and ``support`` (the helpers bench and tests share) stand beside the app: nothing
in the app imports them, and they never import ``tests``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app_pages", "viz", "settings", "lessons", "optim", "landscapes", "bench", "support")

#: higher imports lower, never the other way; the same rank may import each other (cycles aside)
RANK = {"app": 0, "app_pages": 1, "viz": 2, "settings": 2, "lessons": 2, "optim": 3, "landscapes": 3}
#: what the tools beside the app may import from the project (everything but tests and each other's users)
BESIDE = {"bench": set(RANK) | {"bench", "support"}, "support": {"support"}}

# Function-level imports allowed without a comment on their line: none. Do not add to this set.
KNOWN_UNEXPLAINED: set[tuple[str, str]] = set()  # none left: every function-level import says why

def modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def resolve(node: ast.ImportFrom, importer: str) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved against ``importer``)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".") if is_package(importer) else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(name: str, source: str | None = None):
    """(imported module, node, at module level?) for every import in ``name`` (or in ``source`` as if it
    were ``name``); ``from pkg import module`` counts as importing ``pkg.module``, ``from pkg import
    attribute`` as importing ``pkg``."""
    tree = ast.parse(MODULES[name].read_text() if source is None else source)
    top = set(_module_level(tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node, node in top
        elif isinstance(node, ast.ImportFrom):
            source = resolve(node, name)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield (submodule if submodule in MODULES else source), node, node in top


def _module_level(body):
    """The statements that run at import (inside ``if``/``try`` too, not inside a def or class)."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try | ast.With):
            for block in (getattr(node, "body", []), getattr(node, "orelse", []), getattr(node, "finalbody", []),
                          *[h.body for h in getattr(node, "handlers", [])]):
                yield from _module_level(block)


def graph() -> dict[str, set[str]]:
    edges = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _, _ in imports(name):
            # `import landscapes.formula_build` names the submodule; an attribute path stops at its module
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan), each as one cycle in it."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_one_cycle(edges, set(component)))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _one_cycle(edges, component):
    """A shortest way round from the component's first module back to itself, as a readable path."""
    start = min(component)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for w in sorted(edges[path[-1]] & component):
            if w == start:
                return [*path, start]
            if w not in seen:
                seen.add(w)
                paths.append([*path, w])
    return sorted(component)


def layer(name: str) -> str:
    return name.split(".")[0]


def test_the_walk_sees_every_layer_and_resolves_submodules():
    assert {layer(m) for m in MODULES} == {"app", *PACKAGES}
    source = """
from . import classic
from .surface import Surface
import landscapes.teaching
try:
    import torch
except ImportError:
    pass

def f():
    from optim import get
    from optim import registry
"""
    found = sorted((target, at_top) for target, _, at_top in imports("landscapes.registry", source))
    assert found == [("landscapes.classic", True), ("landscapes.surface", True), ("landscapes.teaching", True),
                     ("optim", False), ("optim.registry", False), ("torch", True)]
    assert "landscapes.registry" in graph()["landscapes"]


def test_no_import_cycle():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(" → ".join(c) for c in found)


def test_no_import_runs_up_the_layers():
    wrong = []
    for name, targets in graph().items():
        for target in targets:
            here, there = layer(name), layer(target)
            if here in BESIDE:
                if there not in BESIDE[here]:
                    wrong.append(f"{name} → {target}")
            elif there not in RANK or RANK[there] < RANK[here]:
                wrong.append(f"{name} → {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_nothing_beside_the_app_imports_tests():
    wrong = [f"{name} → {target}" for name in MODULES for target, _, _ in imports(name)
             if target.split(".")[0] == "tests"]
    assert not wrong, "\n".join(wrong)


def test_a_function_level_import_says_why():
    """An import inside a function hides its cost or its cycle from the reader of the file's head: one is
    kept only for an optional dependency or start-up cost, and the line says so."""
    bare = []
    for name in MODULES:
        lines = MODULES[name].read_text().splitlines()
        for target, node, at_top in imports(name):
            if at_top or (name, target) in KNOWN_UNEXPLAINED:
                continue
            text = lines[node.lineno - 1: node.end_lineno]
            if not any("#" in line for line in text):
                bare.append(f"{MODULES[name].relative_to(ROOT)}:{node.lineno} imports {target}")
    assert not bare, "function-level imports without a comment saying why:\n" + "\n".join(sorted(set(bare)))
