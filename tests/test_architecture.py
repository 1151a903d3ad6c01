"""The package's shape, checked from its import statements (lazy ones included): no
import circles, at most ten modules at the root, and each layer importing only the
layers docs/architecture.md allows it.

The layers and what each may import are read from the page itself (the drawing under
"The layers" and the table of packages), never from a copy kept here: a folder of
`journal/` the page does not declare fails, and so does a change of the table that
the code does not follow. The checker is shown to work on real packages written to a
temporary folder (a planted cycle, a planted layer violation)."""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "journal"
MAP = REPO / "docs" / "architecture.md"


@dataclass(frozen=True)
class Layers:
    """What docs/architecture.md declares."""

    allowed: dict[str, set[str]]
    """Each layer (a top-level folder) → the layers it may import besides itself."""
    sealed: set[str]
    """Layers nothing may import ("nothing imports it")."""
    root_files: set[str]
    """The modules at the package root that the drawing lists (`errors.py`, …)."""
    root_helpers: set[str]
    """The root modules every layer may import (the paragraph under the table)."""
    drawn: set[str]
    """The folders the drawing lists."""


_ROW = re.compile(r"^\|\s*`(\w+)/`\s*\|(.*)\|(.*)\|\s*$")


def _may_import(cell: str, name: str, above: list[str]) -> set[str] | None:
    """The layers a table cell allows; None for "everything" (filled in later)."""
    text = cell.strip()
    if text.startswith("everything"):
        return None
    if text.startswith("every layer above this row"):
        return set(above)
    if text.startswith("nothing"):
        return set()
    named = set(re.findall(r"`(\w+)`", text))
    if not named:
        raise ValueError(f"the may-import cell of {name}/ names no layer: {text!r}")
    return named


def read_layers(text: str) -> Layers:
    """The layers of a page written as docs/architecture.md is."""
    lines = text.splitlines()
    header = next(
        (i for i, line in enumerate(lines) if line.startswith("| package |")), None
    )
    if header is None or "may import" not in lines[header]:
        raise ValueError("no `| package | owns | may import |` table")
    rows: list[tuple[str, set[str] | None, str]] = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        match = _ROW.match(line)
        if not match:
            raise ValueError(f"a row of the package table is not `name/`: {line!r}")
        name, cell = match.group(1), match.group(3)
        rows.append((name, _may_import(cell, name, [r[0] for r in rows]), cell))
    names = {name for name, _, _ in rows}
    allowed: dict[str, set[str]] = {}
    for name, may, _ in rows:
        allowed[name] = (names - {name}) if may is None else may - {name}
        unknown = allowed[name] - names
        if unknown:
            raise ValueError(f"{name}/ may import layers the table lacks: {unknown}")
    sealed = {name for name, _, cell in rows if "nothing imports it" in cell}
    return Layers(
        allowed, sealed, _drawn_root_files(lines), _root_helpers(text), _drawn(lines)
    )


def _drawing(lines: list[str]) -> list[str]:
    """The lines of the code block that starts with `journal/`."""
    start = lines.index("journal/")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    return lines[start + 1 : end]


def _drawn(lines: list[str]) -> set[str]:
    return {m.group(1) for x in _drawing(lines) if (m := re.match(r"\s+(\w+)/", x))}


def _drawn_root_files(lines: list[str]) -> set[str]:
    return {name for x in _drawing(lines) for name in re.findall(r"([\w]+\.py)", x)}


def _root_helpers(text: str) -> set[str]:
    """The `x.py` names of the paragraph that starts "The root keeps"."""
    start = text.index("The root keeps")
    paragraph = text[start : text.index("\n\n", start)]
    return {name.removesuffix(".py") for name in re.findall(r"`(\w+\.py)`", paragraph)}


LAYERS = read_layers(MAP.read_text(encoding="utf-8"))


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package): p for p in package.rglob("*.py")}


def imports_of(path: Path, known: dict[str, Path], package: Path = PACKAGE) -> set[str]:
    """Every module of `package` that `path` imports, at any depth of the code."""
    top = package.name
    name = module_name(path, package)
    parent = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == top)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parent.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != top:
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.add(sub if sub in known else source)
    return {m for m in found if m in known and m != name}


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports_of(path, known, package) for name, path in known.items()}


@functools.cache
def _journal_graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(targets) for name, targets in graph().items()}


def journal_graph() -> dict[str, set[str]]:
    """`graph()` of journal/, parsed once per test process (a fresh copy each call)."""
    return {name: set(targets) for name, targets in _journal_graph().items()}


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


def layer(name: str, layers: Layers = LAYERS) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in layers.allowed else None


def violations(edges: dict[str, set[str]], layers: Layers, top: str) -> list[str]:
    """`a -> b` for every import of a layer that the map does not allow."""
    helpers = {top} | {f"{top}.{name}" for name in layers.root_helpers}
    wrong = []
    for name, targets in edges.items():
        own = layer(name, layers)
        if own is None:
            continue
        for target in targets:
            other = layer(target, layers)
            if target in helpers or other == own:
                continue
            if other is None or other not in layers.allowed[own]:
                wrong.append(f"{name} -> {target}")
    return sorted(wrong)


def undeclared_folders(package: Path, layers: Layers) -> list[str]:
    """Top-level folders of `package` that the map's table does not declare."""
    return sorted(
        p.name
        for p in package.iterdir()
        if p.is_dir() and p.name != "__pycache__" and p.name not in layers.allowed
    )


def test_the_map_is_read_from_the_page() -> None:
    # Read, not copied: a few facts of the page that any reading must give.
    assert LAYERS.allowed["model"] == set()
    assert LAYERS.allowed["store"] == {"model"}
    assert "cli" in LAYERS.sealed
    assert LAYERS.allowed["cli"] == set(LAYERS.allowed) - {"cli"}
    assert "cli" not in LAYERS.allowed["operations"]
    assert {"errors", "when", "record", "process"} <= LAYERS.root_helpers
    assert LAYERS.drawn == set(LAYERS.allowed)


def test_no_import_circles_counting_lazy_imports() -> None:
    assert find_cycle(journal_graph()) is None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    edges = journal_graph()
    edges["journal.store.ids"] = {*edges["journal.store.ids"], "journal.store.sessions"}
    cycle = find_cycle(edges)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert {"journal.store.ids", "journal.store.sessions"} <= set(cycle)


def _package(base: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return base / next(iter(files)).split("/")[0]


def test_a_cycle_planted_in_a_real_package_is_found(tmp_path: Path) -> None:
    files = {
        "planted/__init__.py": '"""A package with a cycle."""\n',
        "planted/low/__init__.py": '"""Low."""\n',
        "planted/low/a.py": "from planted.low import b\n",
        "planted/low/b.py": "from . import c\n",
        # the edge that closes the circle is lazy, inside a function
        "planted/low/c.py": "def f():\n    from ..low.a import thing\n    return thing\n",
    }
    package = _package(tmp_path, files)
    cycle = find_cycle(graph(package))
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"planted.low.a", "planted.low.b", "planted.low.c"}
    # Without the lazy import there is none: the finder found the planted edge.
    (package / "low" / "c.py").write_text("def f():\n    return 1\n")
    assert find_cycle(graph(package)) is None


def test_a_layer_violation_planted_in_a_real_package_is_found(tmp_path: Path) -> None:
    page = (
        "```\njournal/\n  low/  the bottom\n  high/  the top\n  helper.py\n```\n\n"
        "| package | owns | may import (besides itself and the root helpers) |\n"
        "|---|---|---|\n"
        "| `low/` | the bottom | nothing: pure data |\n"
        "| `high/` | the top | everything; nothing imports it |\n\n"
        "The root keeps `helper.py`. It imports nothing.\n\n"
    )
    layers = read_layers(page)
    assert layers.allowed == {"low": set(), "high": {"low"}}
    package = _package(
        tmp_path,
        {
            "pkg/__init__.py": '"""Two layers."""\n',
            "pkg/helper.py": "",
            "pkg/low/__init__.py": "from pkg import helper\n",
            "pkg/low/x.py": "def f():\n    import pkg.high.y\n",
            "pkg/high/__init__.py": "",
            "pkg/high/y.py": "from pkg.low import x\n",
            "pkg/extra/__init__.py": "",
        },
    )
    assert violations(graph(package), layers, "pkg") == ["pkg.low.x -> pkg.high.y"]
    assert undeclared_folders(package, layers) == ["extra"]


def test_a_map_row_naming_an_unknown_layer_is_refused() -> None:
    page = (
        "| package | owns | may import |\n|---|---|---|\n"
        "| `low/` | the bottom | `lwo` |\n"
    )
    with pytest.raises(ValueError, match="lwo"):
        read_layers(page)


def test_lazy_imports_are_counted() -> None:
    # operations.log imports the redaction lazily, inside a function.
    assert "journal.operations.redact" in journal_graph()["journal.operations.log"]


def test_at_most_ten_modules_at_the_package_root() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= 10


def test_every_folder_of_the_package_is_on_the_map() -> None:
    assert undeclared_folders(PACKAGE, LAYERS) == [], (
        "add the folder to the table (and the drawing) in docs/architecture.md"
    )
    drawn = {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"
    }
    assert LAYERS.drawn == drawn, "the drawing in docs/architecture.md is out of date"


def test_every_module_at_the_root_is_on_the_map() -> None:
    assert {p.name for p in PACKAGE.glob("*.py")} == LAYERS.root_files
    assert {f"{name}.py" for name in LAYERS.root_helpers} <= LAYERS.root_files


def test_every_package_says_what_lives_there() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc, f"{init.relative_to(PACKAGE.parent)} has no docstring"


def test_each_layer_imports_only_what_it_may() -> None:
    assert violations(journal_graph(), LAYERS, "journal") == []


def test_nothing_imports_a_sealed_layer() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, targets in journal_graph().items()
        for target in targets
        if layer(target) in LAYERS.sealed
        and layer(name) != layer(target)
        and name != "journal.__main__"
    ]
    assert wrong == []


def test_root_helpers_import_nothing_but_each_other() -> None:
    helpers = {"journal"} | {f"journal.{name}" for name in LAYERS.root_helpers}
    for name, targets in journal_graph().items():
        if name in helpers or name == "journal.__main__":
            allowed = helpers | (
                {"journal.cli"} if name == "journal.__main__" else set()
            )
            assert targets <= allowed, name
