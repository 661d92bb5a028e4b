"""The engine's shape: no import cycle, apimachinery a leaf, and every long module saying why
it is long (web's use of the public engine API is checked by tests/test_public_api.py).

The import graph counts every import a module can run, including the ones inside functions
(a function-local import is still a run-time dependency, only a hidden one); imports under
`if TYPE_CHECKING:` are for the type checker alone and are left out.
"""

from __future__ import annotations

import ast
from itertools import takewhile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONG = 600


def modules(package: str) -> dict[str, Path]:
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return skipped


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The known modules `name` imports at run time (`from pkg import mod` names mod)."""

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    tree = ast.parse(path.read_text(), str(path))
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(m for m in map(resolve, targets) if m and m != name)
    return found


def graph(package: str) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_engine() -> None:
    assert cycles(graph("engine")) == []


def test_no_import_cycle_in_web() -> None:
    assert cycles(graph("web")) == []


def test_apimachinery_is_a_leaf() -> None:
    edges = graph("engine")
    leaks = {
        name: sorted(m for m in deps if not m.startswith("engine.apimachinery"))
        for name, deps in edges.items()
        if name.startswith("engine.apimachinery")
    }
    assert {name: deps for name, deps in leaks.items() if deps} == {}


def test_every_long_page_module_says_why() -> None:
    """The page's modules too: a module past 600 lines says why in its opening comment."""
    unexplained = []
    for path in sorted((ROOT / "static" / "src").glob("*.js")):
        text = path.read_text()
        opening = "".join(takewhile(lambda line: line.startswith("//"), text.splitlines(True)))
        if text.count("\n") > LONG and f"past {LONG} lines" not in opening:
            unexplained.append(str(path.relative_to(ROOT)))
    assert unexplained == []


def test_every_long_module_says_why() -> None:
    unexplained = []
    for package in ("engine", "web"):
        for path in modules(package).values():
            text = path.read_text()
            if text.count("\n") > LONG:
                docstring = ast.get_docstring(ast.parse(text)) or ""
                if f"past {LONG} lines" not in docstring:
                    unexplained.append(str(path.relative_to(ROOT)))
    assert unexplained == []
