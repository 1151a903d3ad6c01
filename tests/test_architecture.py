"""The package's shape, checked from its import statements (lazy ones included): no
import circles, at most ten modules at the root, and each layer importing only the
layers docs/architecture.md allows it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "journal"

# What each layer may import, besides itself and the root helpers (errors, when,
# record, process, and the package's __version__). Mirrors docs/architecture.md.
ROOT_HELPERS = {
    "journal",
    "journal.errors",
    "journal.when",
    "journal.record",
    "journal.process",
}
ALLOWED = {
    "model": set(),
    "store": {"model"},
    "gitlink": {"store", "model"},
    "insight": {"store", "model", "gitlink"},
    "importer": {"store", "model", "render"},
    "ingest": {"store", "model"},
    "render": {"store", "model", "insight", "gitlink"},
    "site": {"store", "model", "insight", "render", "gitlink"},
    "operations": {
        "store",
        "model",
        "insight",
        "render",
        "gitlink",
        "importer",
        "ingest",
        "site",
    },
    "cli": {
        "store",
        "model",
        "insight",
        "render",
        "gitlink",
        "importer",
        "ingest",
        "site",
        "operations",
    },
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Every journal module `path` imports, at any depth of the code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(
                a.name for a in node.names if a.name.split(".")[0] == "journal"
            )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != "journal":
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.add(sub if sub in known else source)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def test_no_import_circles_counting_lazy_imports() -> None:
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    edges = graph()
    edges["journal.store.ids"] = {*edges["journal.store.ids"], "journal.store.sessions"}
    cycle = find_cycle(edges)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert {"journal.store.ids", "journal.store.sessions"} <= set(cycle)


def test_lazy_imports_are_counted() -> None:
    # operations.log imports the redaction lazily, inside a function.
    assert "journal.operations.redact" in graph()["journal.operations.log"]


def test_at_most_ten_modules_at_the_package_root() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= 10


def test_every_package_says_what_lives_there() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc, f"{init.relative_to(PACKAGE.parent)} has no docstring"


def test_each_layer_imports_only_what_it_may() -> None:
    wrong = []
    for name, targets in graph().items():
        own = layer(name)
        if own is None:
            continue
        for target in targets:
            other = layer(target)
            if target in ROOT_HELPERS or other == own:
                continue
            if other is None or other not in ALLOWED[own]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_root_helpers_import_nothing_but_each_other() -> None:
    for name, targets in graph().items():
        if name in ROOT_HELPERS or name == "journal.__main__":
            allowed = ROOT_HELPERS | (
                {"journal.cli"} if name == "journal.__main__" else set()
            )
            assert targets <= allowed, name
